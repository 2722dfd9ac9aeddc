"""Webhook signatures: how Sambruk signs a delivery and how a receiver verifies it.

Every delivery is an HTTP ``POST`` with a JSON body and these headers::

    X-Sambruk-Timestamp: 1767225600                 # Unix time when the request was signed
    X-Sambruk-Signature: sha256=<64 hex digits>     # HMAC-SHA256(secret, "<timestamp>." + body)
    X-Sambruk-Event: case.closed
    X-Sambruk-Delivery: 4711                        # the same id on every retry: deduplicate on it

During the grace period after a new secret was made (``CHANNEL_WEBHOOK_SECRET_GRACE_HOURS``,
default 24 h) the header carries two signatures, separated by a comma, the new secret's first::

    X-Sambruk-Signature: sha256=<new secret's HMAC>,sha256=<old secret's HMAC>

A receiver accepts the request if *any* signature matches its secret, so it may switch to the
new secret at any moment of the grace period; afterwards only the new signature is sent.
Receivers must therefore split the header on ``,`` (and ignore schemes other than ``sha256``).

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
from collections.abc import Iterable, Mapping

SIGNATURE_HEADER = "X-Sambruk-Signature"
TIMESTAMP_HEADER = "X-Sambruk-Timestamp"
EVENT_HEADER = "X-Sambruk-Event"
DELIVERY_HEADER = "X-Sambruk-Delivery"
DEFAULT_TOLERANCE = 300  # seconds


def _mac(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _secrets(secret: str | Iterable[str]) -> list[str]:
    if isinstance(secret, str | bytes):
        secret = [secret]
    return [s.decode("utf-8") if isinstance(s, bytes) else s for s in secret if s]


def sign(
    secret: str | Iterable[str], body: bytes, *, timestamp: int | None = None
) -> dict[str, str]:
    """The signature headers for ``body`` (``timestamp`` defaults to now).

    ``secret`` may be several secrets (the current one first, then the previous one during
    its grace period): one ``sha256=`` signature each, comma-separated.
    """
    keys = _secrets(secret)
    if not keys:
        raise ValueError("no secret to sign with")
    ts = str(int(time.time() if timestamp is None else timestamp))
    return {
        TIMESTAMP_HEADER: ts,
        SIGNATURE_HEADER: ",".join("sha256=" + _mac(key, ts, body) for key in keys),
    }


def _get(headers, name: str) -> str | None:
    value = headers.get(name)
    if value is None and hasattr(headers, "items"):  # plain dicts are case-sensitive
        lowered = name.lower()
        for key, val in headers.items():
            if str(key).lower() == lowered:
                return val
    return value


def verify_signature(
    secret: str | Iterable[str],
    body: bytes,
    header: str | Mapping,
    timestamp: str | int | None = None,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when the request was signed with ``secret`` within ``tolerance`` seconds.

    The header may hold several comma-separated signatures (a secret rotation): one match is
    enough. ``secret`` may also be several secrets (a receiver switching secrets).

    ``header`` is either the request's headers (``request.headers``, a dict, an
    ``http.server`` handler's ``self.headers`` — anything with ``get``) or the value
    of ``X-Sambruk-Signature``; in the latter case pass the value of ``X-Sambruk-Timestamp``
    as ``timestamp``. Anything malformed, missing, stale or forged gives ``False``.
    """
    if not isinstance(header, str | bytes) and hasattr(header, "get"):
        # request.headers, a dict, http.server's / email's Message: anything with get()
        timestamp = _get(header, TIMESTAMP_HEADER)
        header = _get(header, SIGNATURE_HEADER)
    keys = _secrets(secret)
    if not keys or not header or timestamp is None:
        return False
    if isinstance(body, str):
        body = body.encode("utf-8")
    ts = str(timestamp).strip()
    if not ts.isdigit() or len(ts) > 12:
        return False
    current = time.time() if now is None else now
    if abs(current - int(ts)) > tolerance:
        return False
    given = []
    for part in str(header).split(",")[:10]:
        scheme, _, value = part.strip().partition("=")
        if scheme == "sha256" and len(value) == 64:
            given.append(value.lower())
    if not given:
        return False
    ok = False
    for key in keys:
        expected = _mac(key, ts, body)
        for value in given:  # no early exit: the time does not tell which one matched
            ok |= hmac.compare_digest(expected, value)
    return ok
