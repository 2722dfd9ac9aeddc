app_name = "ekbist"
urlpatterns: list = []
