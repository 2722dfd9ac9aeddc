from django.urls import path

from . import views

app_name = "channel_mail"
urlpatterns = [
    path("", views.InboundListView.as_view(), name="inbound"),
    path("<int:pk>/behandla-igen/", views.RetryView.as_view(), name="retry"),
]
