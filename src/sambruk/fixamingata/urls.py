app_name = "fixamingata"
urlpatterns: list = []
