from django.apps import AppConfig


class EkbistConfig(AppConfig):
    name = "sambruk.ekbist"
    label = "ekbist"
    verbose_name = "Ekonomiskt bistånd"

    def ready(self) -> None:
        from . import norm_data, roles  # noqa: F401  (riksnorm reference loader; roles)
        from .services import application  # noqa: F401  (prefill plugin, eforms hooks)
