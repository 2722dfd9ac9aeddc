from django.apps import AppConfig


class FixamingataConfig(AppConfig):
    name = "sambruk.fixamingata"
    label = "fixamingata"
    verbose_name = "FixaMinGata"

    def ready(self) -> None:
        from sambruk.cases.events import subscribe

        from . import demo, roles  # noqa: F401  (register roles and the demo loader)
        from .handlers import on_case_event

        subscribe(on_case_event)
