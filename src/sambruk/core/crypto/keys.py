"""The keys of field encryption: ``FIELD_ENCRYPTION_KEYS`` or one derived from ``SECRET_KEY``.

``FIELD_ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys (32 url-safe base64-encoded
bytes each, made with ``sambruk generate_field_key``). The first key encrypts; every key
decrypts, so a new key is put first, the old ones stay after it until ``sambruk
rotate_field_keys`` has re-encrypted every value, and then they are removed.

Unset (development, tests, the embedded mode) one key is derived from ``SECRET_KEY`` with
HKDF-SHA256: changing ``SECRET_KEY`` then makes the stored secrets unreadable. Production
requires its own keys (``REQUIRED_IN_PRODUCTION`` in settings).
"""

from __future__ import annotations

import base64
import threading

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HKDF_INFO = b"sambruk field encryption v1"

_lock = threading.Lock()
_cache: dict = {}


def derived_key(secret_key: str) -> bytes:
    """The Fernet key derived from ``SECRET_KEY`` (used when no keys are configured)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


def configured_keys() -> list[str]:
    """``FIELD_ENCRYPTION_KEYS`` as a list (a list or a comma-separated string)."""
    value = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or []
    if isinstance(value, str):
        value = value.split(",")
    return [k.strip() for k in value if k and k.strip()]


def _build(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        return MultiFernet([Fernet(derived_key(secret_key))])
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode("ascii")))
        except (ValueError, TypeError, UnicodeEncodeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: nyckel {position} är inte en giltig Fernet-nyckel "
                f"(key {position} is not a valid Fernet key: 32 url-safe base64-encoded bytes; "
                f"make one with `sambruk generate_field_key`)."
            ) from None
    return MultiFernet(fernets)


def multi_fernet(*, refresh: bool = False) -> MultiFernet:
    """The current keys (first encrypts, all decrypt); rebuilt when the settings change."""
    config = (tuple(configured_keys()), settings.SECRET_KEY)
    with _lock:
        if refresh or config not in _cache:
            _cache.clear()
            _cache[config] = _build(*config)
        return _cache[config]


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
