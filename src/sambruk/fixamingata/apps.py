from django.apps import AppConfig


class FixamingataConfig(AppConfig):
    name = "sambruk.fixamingata"
    label = "fixamingata"
    verbose_name = "FixaMinGata"
