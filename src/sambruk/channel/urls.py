from django.urls import path

from . import views

app_name = "channel"
urlpatterns = [
    path("webhooks/", views.SubscriptionListView.as_view(), name="subscriptions"),
    path("webhooks/<int:pk>/", views.SubscriptionDetailView.as_view(), name="subscription"),
]
