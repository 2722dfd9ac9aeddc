"""API for organisations (public reference data) and organisational units (tenant data)."""

from __future__ import annotations

import math
from functools import cache

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from sambruk.core.api.pagination import DefaultCursorPagination
from sambruk.core.authz.drf import HasPermission

from .. import geo, reference
from ..models import Organisation, OrganisationType, OrgUnit
from .serializers import (
    ErrorSerializer,
    KommunAtSerializer,
    OrganisationSerializer,
    OrgUnitSerializer,
)


class OrganisationPagination(DefaultCursorPagination):
    page_size = 100
    ordering = ("name", "pk")


@cache
def _kommun_names() -> dict[str, str]:
    return {k.kommunkod: k.name for k in reference.kommuner()}


def _error(detail: str, code: str, status: int) -> Response:
    return Response({"detail": detail, "code": code}, status=status)


def _parse_coordinate(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


ORGANISATION_FILTERS = [
    OpenApiParameter("type", str, enum=OrganisationType.values, description="Typ av organisation."),
    OpenApiParameter("kommunkod", str, description="Kommunkod, fyra siffror (t.ex. 2181)."),
    OpenApiParameter("lan", str, description="Länskod, två siffror (t.ex. 21)."),
    OpenApiParameter("q", str, description="Del av namnet."),
]


@extend_schema_view(
    list=extend_schema(
        summary="Lista organisationer",
        description="Kommuner, regioner, myndigheter m.fl. Referensdata som alla inloggade får se.",
        parameters=ORGANISATION_FILTERS,
    ),
    retrieve=extend_schema(summary="Hämta en organisation"),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reference data: readable by every authenticated user, not tenant-restricted."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = OrganisationPagination

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if value := params.get("type"):
            qs = qs.filter(type=value)
        if value := params.get("kommunkod"):
            qs = qs.filter(kommunkod=value)
        if value := params.get("lan"):
            qs = qs.filter(lanskod=value)
        if value := params.get("q"):
            qs = qs.filter(name__icontains=value.strip())
        return qs

    @extend_schema(
        summary="Vilken kommun ligger punkten i?",
        description=(
            "Slår upp kommunen för en WGS84-koordinat (decimalgrader). Gränserna är förenklade: "
            "rätt för att styra en kartnål till rätt kommun, inte för juridiska gränser."
        ),
        parameters=[
            OpenApiParameter(
                "lat", OpenApiTypes.DOUBLE, required=True, description="Latitud, t.ex. 60.6167."
            ),
            OpenApiParameter(
                "lon", OpenApiTypes.DOUBLE, required=True, description="Longitud, t.ex. 16.7667."
            ),
        ],
        responses={200: KommunAtSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=False, methods=["get"], url_path="kommun-at", pagination_class=None)
    def kommun_at(self, request):
        lat = _parse_coordinate(request.query_params.get("lat"))
        lon = _parse_coordinate(request.query_params.get("lon"))
        if lat is None or lon is None:
            return _error(
                _("Ange lat och lon som decimaltal (WGS84), till exempel lat=60.6167&lon=16.7667."),
                "invalid",
                400,
            )
        try:
            code = geo.kommun_at(lat, lon)
        except ValueError as exc:
            return _error(str(exc), "invalid", 400)
        if code is None:
            return _error(_("Punkten ligger inte i någon svensk kommun."), "not_found", 404)
        org = Organisation.objects.filter(kommunkod=code).only("pk", "name").first()
        body = {
            "kommunkod": code,
            "name": org.name if org else _kommun_names().get(code, ""),
            "organisation_id": org.pk if org else None,
        }
        return Response(KommunAtSerializer(body).data)


@extend_schema_view(
    list=extend_schema(
        summary="Lista organisatoriska enheter",
        parameters=[
            OpenApiParameter("organisation", int, description="Organisationens id."),
            OpenApiParameter("parent", int, description="Överordnad enhets id."),
        ],
    ),
    retrieve=extend_schema(summary="Hämta en organisatorisk enhet"),
)
class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Förvaltningar, avdelningar och enheter in the organisations the user may see."""

    serializer_class = OrgUnitSerializer
    permission_classes = [HasPermission]
    required_permission = "organisations.view_orgunit"

    def get_queryset(self):
        qs = OrgUnit.objects.restrict(self.request.user, self.required_permission)
        params = self.request.query_params
        if (value := params.get("organisation")) and value.isdigit():
            qs = qs.filter(organisation_id=int(value))
        if (value := params.get("parent")) and value.isdigit():
            qs = qs.filter(parent_id=int(value))
        return qs
