"""Webhook signatures: how Sambruk signs a delivery and how a receiver verifies it.

Every delivery is an HTTP ``POST`` with a JSON body and these headers::

    X-Sambruk-Timestamp: 1767225600                 # Unix time when the request was signed
    X-Sambruk-Signature: sha256=<64 hex digits>     # HMAC-SHA256(secret, "<timestamp>." + body)
    X-Sambruk-Event: case.closed
    X-Sambruk-Delivery: 4711                        # the same id on every retry: deduplicate on it

The signature covers the timestamp, so a captured request cannot be replayed later with a
fresh timestamp; a receiver rejects timestamps older than a few minutes. A receiver in
Python (no Sambruk code needed, but this function may be copied or imported)::

    from sambruk.channel.webhooks import verify_signature

    if not verify_signature(SECRET, request.body, request.headers):
        return HttpResponse(status=401)

Compare with ``hmac.compare_digest`` (constant time) in any other language.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Sambruk-Signature"
TIMESTAMP_HEADER = "X-Sambruk-Timestamp"
EVENT_HEADER = "X-Sambruk-Event"
DELIVERY_HEADER = "X-Sambruk-Delivery"
DEFAULT_TOLERANCE = 300  # seconds


def _mac(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The signature headers for ``body`` (``timestamp`` defaults to now)."""
    ts = str(int(time.time() if timestamp is None else timestamp))
    return {TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: "sha256=" + _mac(secret, ts, body)}


def _get(headers, name: str) -> str | None:
    value = headers.get(name)
    if value is None and hasattr(headers, "items"):  # plain dicts are case-sensitive
        lowered = name.lower()
        for key, val in headers.items():
            if str(key).lower() == lowered:
                return val
    return value


def verify_signature(
    secret: str,
    body: bytes,
    header: str | Mapping,
    timestamp: str | int | None = None,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when the request was signed with ``secret`` within ``tolerance`` seconds.

    ``header`` is either the request's headers (``request.headers``, a dict, an
    ``http.server`` handler's ``self.headers`` — anything with ``get``) or the value
    of ``X-Sambruk-Signature``; in the latter case pass the value of ``X-Sambruk-Timestamp``
    as ``timestamp``. Anything malformed, missing, stale or forged gives ``False``.
    """
    if not isinstance(header, str | bytes) and hasattr(header, "get"):
        # request.headers, a dict, http.server's / email's Message: anything with get()
        timestamp = _get(header, TIMESTAMP_HEADER)
        header = _get(header, SIGNATURE_HEADER)
    if not secret or not header or timestamp is None:
        return False
    if isinstance(body, str):
        body = body.encode("utf-8")
    ts = str(timestamp).strip()
    if not ts.isdigit() or len(ts) > 12:
        return False
    current = time.time() if now is None else now
    if abs(current - int(ts)) > tolerance:
        return False
    scheme, _, given = str(header).strip().partition("=")
    if scheme != "sha256" or len(given) != 64:
        return False
    return hmac.compare_digest(_mac(secret, ts, body), given.lower())
