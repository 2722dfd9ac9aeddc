"""What every case endpoint shares: the error mapping and the documented error responses."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from sambruk.core.api.pagination import DefaultCursorPagination

from ..errors import CaseActionError
from .serializers import ErrorSerializer

#: Engine error code → HTTP status; every other refusal is 400.
STATUS_BY_CODE = {
    "stale": status.HTTP_409_CONFLICT,
    "permission_denied": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
}


def case_error_response(error: CaseActionError) -> Response:
    """``{"detail", "code"}`` with the engine's Swedish message and code."""
    code = error.code or "invalid"
    return Response(
        {"detail": str(error), "code": code},
        status=STATUS_BY_CODE.get(code, status.HTTP_400_BAD_REQUEST),
    )


class CaseErrorsMixin:
    """Answer a :class:`CaseActionError` raised anywhere in the view in the API's error shape."""

    def handle_exception(self, exc):
        if isinstance(exc, CaseActionError):
            return case_error_response(exc)
        return super().handle_exception(exc)


def _error(description) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=str(description))


E400 = _error(_("Ogiltig begäran (fältfel i errors) eller åtgärden nekades (code anger skälet)."))
E401 = _error(_("Inte inloggad eller ogiltig token."))
E403 = _error(_("Behörighet saknas."))
E404 = _error(_("Ärendet finns inte eller så saknar du behörighet till det."))
E409 = _error(_("Ärendet har ändrats av någon annan (code: stale)."))

CASE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=str(_("Ärendets id."))
)

READ_ERRORS = {401: E401, 403: E403, 404: E404}
WRITE_ERRORS = {400: E400, 401: E401, 403: E403, 404: E404, 409: E409}

STALE_EXAMPLE = OpenApiExample(
    "Inaktuell version",
    value={
        "detail": "Ärendet har ändrats av någon annan. Ladda om sidan och försök igen.",
        "code": "stale",
    },
    response_only=True,
    status_codes=["409"],
)


class CaseLogPagination(DefaultCursorPagination):
    """Oldest first, as the case log is read."""

    ordering = "pk"


class ConfigPagination(DefaultCursorPagination):
    page_size = 100
    ordering = "pk"
