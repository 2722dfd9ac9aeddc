from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EformsConfig(AppConfig):
    name = "sambruk.eforms"
    label = "eforms"
    verbose_name = _("E-tjänster")

    def ready(self) -> None:
        from sambruk.core.web.modules import ModuleEntry, register_module

        from . import demo, roles  # noqa: F401  (demo e-services loader; e-service permissions)

        # Staff start page ("Dina moduler"): shown only to holders of the permission.
        register_module(
            ModuleEntry(
                "eforms-forms",
                _("Formulär för e-tjänster"),
                _("Skapa och versionshantera formulär med förhandsgranskning och validering."),
                "eforms:editor-list",
                roles.MANAGE_FORMS,
                order=40,
            )
        )
        register_module(
            ModuleEntry(
                "eforms-eservices",
                _("E-tjänster"),
                _("Publicera e-tjänster: formulär, kö, ärendetyp, underskrift och kvittens."),
                "eforms:publisher-list",
                roles.MANAGE_ESERVICES,
                order=41,
            )
        )
