from django.apps import AppConfig


class EformsConfig(AppConfig):
    name = "sambruk.eforms"
    label = "eforms"
    verbose_name = "E-tjänster"

    def ready(self) -> None:
        from . import roles  # noqa: F401  (register the e-service permissions)
