from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "sambruk.workspace"
    label = "workspace"
    verbose_name = _("Handläggarvy")

    def ready(self) -> None:
        from sambruk.core.web.modules import ModuleEntry, register_module

        register_module(
            ModuleEntry(
                "cases",
                _("Ärenden"),
                _("Inkorgar, mina ärenden, sökning och handläggning av ärenden."),
                "workspace:home",
                "cases.view_case",
                order=10,
            )
        )
