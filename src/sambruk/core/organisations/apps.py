from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "sambruk.core.organisations"
    label = "organisations"
    verbose_name = _("Organisationer")

    def ready(self):
        from sambruk.core.api.registry import register_viewset

        from .api.views import OrganisationViewSet, OrgUnitViewSet

        register_viewset("organisations", OrganisationViewSet, basename="organisation")
        register_viewset("orgunits", OrgUnitViewSet, basename="orgunit")
