"""``GET /api/contact-lookup/?civic_number=…``: name and address from the configured register."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from sambruk.core.authz.drf import HasPermission

from .. import roles
from ..lookup import lookup_contact
from .common import acting_organisation


class ContactLookupViewSet(viewsets.ViewSet):
    permission_classes = [HasPermission]
    required_permission = roles.LOOKUP_CONTACT

    @extend_schema(
        parameters=[
            OpenApiParameter("civic_number", OpenApiTypes.STR, required=True),
            OpenApiParameter("organisation", OpenApiTypes.INT),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        params = request.query_params
        org = acting_organisation(request, roles.LOOKUP_CONTACT, params.get("organisation"))
        value = params.get("civic_number", "")
        try:
            data = lookup_contact(value, user=request.user, organisation=org)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"civic_number": exc.messages}) from None
        if data is None:
            raise exceptions.NotFound(_("Personen finns inte i registret."))
        return Response(data)
