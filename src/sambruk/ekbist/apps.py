from django.apps import AppConfig


class EkbistConfig(AppConfig):
    name = "sambruk.ekbist"
    label = "ekbist"
    verbose_name = "Ekonomiskt bistånd"
