from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "sambruk.portal"
    label = "portal"
    verbose_name = _("Mina sidor")

    def ready(self) -> None:
        from sambruk.cases.events import subscribe
        from sambruk.cases.services.citizen import register_address_owner

        from . import demo  # noqa: F401  (registers the demo loader)
        from .services import on_case_event, owners_of_address

        subscribe(on_case_event)
        register_address_owner(owners_of_address)
