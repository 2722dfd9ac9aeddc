"""API errors in one shape: ``{"detail": ..., "code": ..., "errors": {...}}`` in the
request's language (Swedish unless the client asks for English with Accept-Language)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        body = {"detail": _("Begäran innehåller fel."), "code": "invalid", "errors": data}
        return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=_headers(response))
    if isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": code}
    return response


def _headers(response):
    return {k: v for k, v in response.items() if k.lower() in ("www-authenticate", "retry-after")}
