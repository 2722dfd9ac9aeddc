from django.apps import AppConfig


class EformsConfig(AppConfig):
    name = "sambruk.eforms"
    label = "eforms"
    verbose_name = "E-tjänster"
