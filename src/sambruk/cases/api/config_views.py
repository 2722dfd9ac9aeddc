"""Read-only configuration for integrators: case types, queues, labels and priorities.

Each list is ``restrict()``-ed to the organisations where the user holds the model's view
permission; a row of another organisation answers 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from sambruk.core.authz.drf import HasPermission

from ..models import CaseType, Label, Priority, Queue, Resolution, Status, Transition
from .common import E400, READ_ERRORS, ConfigPagination
from .serializers import (
    CaseTypeSerializer,
    LabelSerializer,
    PrioritySerializer,
    QueueSerializer,
)


class ConfigFilterSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    active = serializers.BooleanField(required=False)


ORGANISATION_PARAM = OpenApiParameter(
    "organisation", int, OpenApiParameter.QUERY, description=_("Bara denna organisation (id).")
)
ACTIVE_PARAM = OpenApiParameter(
    "active", bool, OpenApiParameter.QUERY, description=_("Bara aktiva (true) eller inaktiva.")
)


class ConfigViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [HasPermission]
    pagination_class = ConfigPagination
    lookup_value_regex = "[0-9]{1,18}"
    has_active = False

    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, self.required_permission)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = ConfigFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if "organisation" in data:
            queryset = queryset.filter(organisation_id=data["organisation"])
        if self.has_active and "active" in data:
            queryset = queryset.filter(active=data["active"])
        return queryset


def _documented(name: str, serializer, with_active: bool):
    params = [ORGANISATION_PARAM, *([ACTIVE_PARAM] if with_active else [])]
    return extend_schema_view(
        list=extend_schema(
            summary=_("Lista %(name)s") % {"name": name},
            parameters=params,
            responses={200: serializer(many=True), 400: E400, **READ_ERRORS},
            tags=["case configuration"],
        ),
        retrieve=extend_schema(
            summary=_("Visa en post"),
            responses={200: serializer, **READ_ERRORS},
            tags=["case configuration"],
            parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Id."))],
        ),
    )


@_documented("ärendetyper", CaseTypeSerializer, True)
class CaseTypeViewSet(ConfigViewSet):
    """Ärendetyper with their statuses, the allowed transitions and the active resolutions."""

    queryset = CaseType.objects.all()
    serializer_class = CaseTypeSerializer
    required_permission = "cases.view_casetype"
    has_active = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("statuses", queryset=Status.objects.order_by("order", "pk")),
                Prefetch("transitions", queryset=Transition.objects.order_by("pk")),
                Prefetch(
                    "resolutions",
                    queryset=Resolution.objects.filter(active=True).order_by("name", "pk"),
                    to_attr="active_resolutions",
                ),
            )
        )


@_documented("funktioner", QueueSerializer, True)
class QueueViewSet(ConfigViewSet):
    """Funktioner (queues)."""

    queryset = Queue.objects.all()
    serializer_class = QueueSerializer
    required_permission = "cases.view_queue"
    has_active = True


@_documented("etiketter", LabelSerializer, False)
class LabelViewSet(ConfigViewSet):
    queryset = Label.objects.all()
    serializer_class = LabelSerializer
    required_permission = "cases.view_label"


@_documented("prioriteter", PrioritySerializer, False)
class PriorityViewSet(ConfigViewSet):
    queryset = Priority.objects.all()
    serializer_class = PrioritySerializer
    required_permission = "cases.view_priority"
