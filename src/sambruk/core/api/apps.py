from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sambruk.core.api"
    label = "api"
