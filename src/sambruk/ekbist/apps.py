from django.apps import AppConfig


class EkbistConfig(AppConfig):
    name = "sambruk.ekbist"
    label = "ekbist"
    verbose_name = "Ekonomiskt bistånd"

    def ready(self) -> None:
        # riksnorm reference loader, roles, the e-application's demo loader
        from . import demo, norm_data, roles  # noqa: F401
        from .services import application  # noqa: F401  (prefill plugin, eforms hooks)
