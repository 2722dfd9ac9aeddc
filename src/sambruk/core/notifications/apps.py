from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sambruk.core.notifications"
    label = "notifications"
