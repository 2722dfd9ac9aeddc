from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sambruk.portal"
    label = "portal"
    verbose_name = "Mina sidor"
