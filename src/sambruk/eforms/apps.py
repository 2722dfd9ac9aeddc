from django.apps import AppConfig


class EformsConfig(AppConfig):
    name = "sambruk.eforms"
    label = "eforms"
    verbose_name = "E-tjänster"

    def ready(self) -> None:
        from . import demo, roles  # noqa: F401  (demo e-services loader; e-service permissions)
