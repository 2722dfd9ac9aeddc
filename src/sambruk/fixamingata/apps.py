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
        # Staff pages of FixaMinGata (views/moderation.py, views/config.py).
        register_module(
            ModuleEntry(
                "fixamingata-moderation",
                _("FixaMinGata: moderering"),
                _("Dölj och redigera rapporter, flagga användare och håll missbrukslistan."),
                "fixamingata:moderation",
                roles.MODERATE,
                order=72,
            )
        )
        register_module(
            ModuleEntry(
                "fixamingata-config",
                _("FixaMinGata: inställningar"),
                _("Mottagare, kategorier med kontakt och svarsmallar."),
                "fixamingata:config",
                roles.MANAGE_CONFIG,
                order=73,
            )
        )
