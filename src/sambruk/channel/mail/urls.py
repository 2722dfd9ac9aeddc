app_name = "channel_mail"
urlpatterns: list = []
