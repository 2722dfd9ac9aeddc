"""The one error type of FixaMinGata services."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ReportError(ValidationError):
    """A FixaMinGata action was refused. ``message`` is Swedish and shown to the user as is;
    ``code`` is a stable machine-readable reason (``"outside_sweden"``, ``"token_expired"`` …).
    """

    def __init__(self, message, code: str = "invalid", params=None):
        super().__init__(message, code=code, params=params)

    def __str__(self) -> str:
        return str(self.message)
