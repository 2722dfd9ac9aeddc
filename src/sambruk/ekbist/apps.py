from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EkbistConfig(AppConfig):
    name = "sambruk.ekbist"
    label = "ekbist"
    verbose_name = _("Ekonomiskt bistånd")

    def ready(self) -> None:
        from sambruk.core.web.modules import ModuleEntry, register_module

        # riksnorm reference loader, roles, the e-application's demo loader
        from . import demo, demo_finance, demo_norm, norm_data, roles  # noqa: F401
        from .services import application  # noqa: F401  (prefill plugin, eforms hooks)

        # Staff start page: payments (ekonomiassistent) and monthly statistics.
        register_module(
            ModuleEntry(
                "ekbist-payments",
                _("Utbetalningar, ekonomiskt bistånd"),
                _("Utbetalningslistor per dag och export till ekonomisystemet."),
                "ekbist:payments",
                roles.VIEW_PAYMENTS,
                order=60,
            )
        )
        register_module(
            ModuleEntry(
                "ekbist-statistics",
                _("Statistik, ekonomiskt bistånd"),
                _("Månadsstatistik som Socialstyrelsen samlar in, med diagram och CSV."),
                "ekbist:statistics",
                roles.VIEW_STATISTICS,
                order=61,
            )
        )
