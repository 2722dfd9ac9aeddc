from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.OutboxView.as_view(), name="outbox"),
    path("<uuid:pk>/forsok-igen/", views.RetryView.as_view(), name="retry"),
]
