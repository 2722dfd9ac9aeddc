app_name = "eforms"
urlpatterns: list = []
