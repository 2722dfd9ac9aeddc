from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FixamingataConfig(AppConfig):
    name = "sambruk.fixamingata"
    label = "fixamingata"
    verbose_name = "FixaMinGata"

    def ready(self) -> None:
        from sambruk.cases.events import subscribe

        from . import demo, roles  # noqa: F401  (register roles and the demo loader)
        from .handlers import on_case_event

        subscribe(on_case_event)

        from sambruk.core.web.modules import ModuleEntry, register_module

        register_module(
            ModuleEntry(
                "fixamingata-statistics",
                _("Statistik, FixaMinGata"),
                _("Felanmälningar per kategori, svarstider och andel åtgärdade."),
                "fixamingata:stats_staff",
                "fixamingata.view_report",
                order=71,
            )
        )
