"""The one error type of the case engine."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CaseActionError(ValidationError):
    """An action on a case was refused. ``message`` is Swedish and shown to the user as is.

    ``code`` is a stable machine-readable reason (``"stale"``, ``"transition_not_allowed"`` …)
    that the REST API returns and tests assert on.
    """

    def __init__(self, message, code: str = "invalid", params=None):
        super().__init__(message, code=code, params=params)

    def __str__(self) -> str:
        return str(self.message)
