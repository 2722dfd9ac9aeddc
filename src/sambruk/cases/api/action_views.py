"""``POST /api/cases/{id}/actions/<name>/``: one endpoint per case action.

The endpoints are generated from :data:`.action_specs.ACTION_SPECS` as DRF extra actions,
each with its own request serializer in the OpenAPI schema. Flow of every call: find the
case through ``visible_to`` (else 404), validate the body (field errors → 400, nothing
written), run the service (which locks the row, refuses a stale ``expected_version`` with
409 and runs the same check as ``available_actions``), answer with the case as it is now.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from .action_specs import ACTION_SPECS, ActionSpec
from .common import CASE_ID, STALE_EXAMPLE, WRITE_ERRORS
from .serializers import CaseDetailSerializer

REFUSED_EXAMPLE = OpenApiExample(
    "Nekad åtgärd",
    value={"detail": "Ärendet är avslutat.", "code": "closed"},
    response_only=True,
    status_codes=["400"],
)


def _make_endpoint(spec: ActionSpec):
    case_action = spec.action

    def endpoint(self, request, pk=None):
        case = self.get_object()
        serializer = spec.serializer(
            data=request.data, context={**self.get_serializer_context(), "case": case}
        )
        serializer.is_valid(raise_exception=True)
        result = spec.run(case, request.user, serializer.validated_data)
        if case_action.deletes or result is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        code = status.HTTP_201_CREATED if case_action.creates else status.HTTP_200_OK
        return self.detail_response(result, code)

    endpoint.__name__ = f"action_{case_action.endpoint}"
    endpoint.__doc__ = str(case_action.summary)
    if case_action.deletes:
        ok = {204: None}
    elif case_action.creates:
        ok = {201: CaseDetailSerializer}
    else:
        ok = {200: CaseDetailSerializer}
    description = " ".join(
        part
        for part in (
            str(case_action.description),
            str(
                _(
                    "Nekas med 400 (code anger skälet) när åtgärden inte finns bland "
                    "ärendets available_actions (”%(check)s”), med 409 när expected_version "
                    "inte längre stämmer."
                )
                % {"check": case_action.name}
            ),
        )
        if part
    )
    documented = extend_schema(
        operation_id=f"cases_action_{case_action.endpoint}",
        summary=str(case_action.summary),
        description=description,
        request=spec.serializer,
        responses={**ok, **WRITE_ERRORS},
        examples=[STALE_EXAMPLE, REFUSED_EXAMPLE],
        tags=["case actions"],
        parameters=[CASE_ID],
    )(
        action(
            detail=True,
            methods=["post"],
            url_path=f"actions/{case_action.endpoint}",
            url_name=f"action-{case_action.endpoint.replace('_', '-')}",
        )(endpoint)
    )
    return documented


CaseActionsMixin = type(
    "CaseActionsMixin",
    (),
    {
        "__doc__": "The generated action endpoints of :class:`CaseViewSet`.",
        "__module__": __name__,
        **{f"action_{name}": _make_endpoint(spec) for name, spec in ACTION_SPECS.items()},
    },
)
