from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sambruk.cases"
    label = "cases"
    verbose_name = _("Ärenden")

    def ready(self) -> None:
        from sambruk.core.api.registry import register_viewset

        from . import demo, roles  # noqa: F401  (register roles and the demo loader)
        from .api.config_views import (
            CaseTypeViewSet,
            LabelViewSet,
            PriorityViewSet,
            QueueViewSet,
        )
        from .api.views import CaseViewSet

        register_viewset("cases", CaseViewSet, basename="case")
        register_viewset("case-types", CaseTypeViewSet, basename="case-type")
        register_viewset("queues", QueueViewSet, basename="queue")
        register_viewset("labels", LabelViewSet, basename="label")
        register_viewset("priorities", PriorityViewSet, basename="priority")
