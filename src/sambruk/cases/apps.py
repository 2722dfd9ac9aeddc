from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sambruk.cases"
    label = "cases"
    verbose_name = "Ärenden"

    def ready(self) -> None:
        from . import demo, roles  # noqa: F401  (register roles and the demo loader)
