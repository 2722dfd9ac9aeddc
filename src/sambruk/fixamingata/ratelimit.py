"""Per-IP and per-e-mail rate limits on public forms (Django cache; shared with Redis).

Limits are ``(count, seconds)`` per kind in ``settings.FIXAMINGATA_RATE_LIMITS`` (merged over
:data:`DEFAULTS`); ``None`` switches a kind off. Fixed windows: good enough against floods,
and one cache increment per check.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import ReportError

DEFAULTS: dict[str, tuple[int, int] | None] = {
    "report_ip": (30, 3600),
    "report_email": (10, 3600),
    "update_ip": (60, 3600),
    "update_email": (20, 3600),
    "alert_ip": (20, 3600),
    "alert_email": (20, 3600),
}


def limits() -> dict:
    return {**DEFAULTS, **getattr(settings, "FIXAMINGATA_RATE_LIMITS", {})}


def hit(kind: str, key: str | None) -> None:
    """Count one action of ``kind`` by ``key``; ReportError when over the limit."""
    limit = limits().get(kind)
    if not key or not limit:
        return
    count, seconds = limit
    window = int(time.time() // seconds)
    digest = hashlib.sha256(f"{kind}:{key.strip().lower()}".encode()).hexdigest()[:32]
    cache_key = f"fmg-rl:{kind}:{window}:{digest}"
    if cache.add(cache_key, 1, timeout=seconds + 5):
        current = 1
    else:
        try:
            current = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=seconds + 5)
            current = 1
    if current > count:
        raise ReportError(
            _("Du har skickat för många på kort tid. Försök igen senare."), code="rate_limited"
        )
