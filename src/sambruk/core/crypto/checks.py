"""System check: ``FIELD_ENCRYPTION_KEYS`` holds valid Fernet keys."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def check_keys(app_configs=None, **kwargs):
    from . import keys

    try:
        keys.multi_fernet(refresh=True)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="crypto.E001")]
    return []
