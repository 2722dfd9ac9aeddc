"""Person look-up by civic number (audited)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from sambruk.core.authz.drf import HasPermission
from sambruk.core.authz.permissions import ALL, permitted_organisation_ids

from ..models import Person
from .serializers import (
    PersonLookupErrorSerializer,
    PersonLookupRequestSerializer,
    PersonSerializer,
)

VIEW_PERSON = "persons.view_person"


class PersonLookupView(APIView):
    """POST a civic number and a purpose; get the person as you may see them.

    Every successful look-up writes a read audit event with the purpose. The answer shows
    the full civic number (the caller sent it) but address and contact details of protected
    persons only to users with ``persons.view_protected``.
    """

    permission_classes = [HasPermission]
    required_permission = VIEW_PERSON

    @extend_schema(
        operation_id="persons_lookup",
        summary="Slå upp en person på personnummer",
        tags=["persons"],
        request=PersonLookupRequestSerializer,
        responses={
            200: PersonSerializer,
            400: OpenApiResponse(
                PersonLookupErrorSerializer, description="Ogiltigt personnummer eller syfte."
            ),
            403: OpenApiResponse(PersonLookupErrorSerializer, description="Behörighet saknas."),
            404: OpenApiResponse(
                PersonLookupErrorSerializer, description="Personen finns inte registrerad."
            ),
        },
        examples=[
            OpenApiExample(
                "Uppslag",
                value={"personnummer": "19121212-1212", "purpose": "Ärende 2026-0042"},
                request_only=True,
            ),
            OpenApiExample(
                "Finns inte",
                value={
                    "detail": "Ingen person med det personnumret finns registrerad.",
                    "code": "not_found",
                },
                response_only=True,
                status_codes=["404"],
            ),
        ],
    )
    def post(self, request):
        serializer = PersonLookupRequestSerializer(data=request.data)
        if not serializer.is_valid():
            errors = serializer.errors
            message = _first(errors.get("personnummer")) or _first(errors.get("purpose"))
            return Response(
                {
                    "detail": message or _("Begäran innehåller fel."),
                    "code": "invalid_personnummer" if "personnummer" in errors else "invalid",
                    "errors": errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = serializer.validated_data
        organisation = self._organisation(request.user, data.get("organisation"))
        person = Person.objects.filter(civic_number=data["personnummer"]).first()
        if person is None:
            return Response(
                {
                    "detail": _("Ingen person med det personnumret finns registrerad."),
                    "code": "not_found",
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        body = PersonSerializer(
            person,
            context={
                "request": request,
                "organisation": organisation,
                "purpose": data["purpose"],
                "full_civic_number": True,
                "audit": True,
            },
        ).data
        return Response(body)

    @staticmethod
    def _organisation(user, requested: int | None):
        """The organisation the look-up is made for (audit and protection decisions)."""
        orgs = permitted_organisation_ids(user, VIEW_PERSON)
        if requested is not None:
            if orgs != ALL and requested not in orgs:
                raise PermissionDenied(_("Du saknar behörighet i den organisationen."))
            return requested
        if orgs != ALL and len(orgs) == 1:
            return next(iter(orgs))
        return None


def _first(messages) -> str:
    return str(messages[0]) if messages else ""
