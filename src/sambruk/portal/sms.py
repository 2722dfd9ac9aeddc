"""A small pluggable SMS sender.

``SMS_BACKEND`` names a registered sender (default ``"http"``); :func:`get_sender` returns it,
or ``None`` when SMS is not configured (``SMS_GATEWAY_URL`` empty for the HTTP sender), in
which case no SMS notice is written at all.

The HTTP sender POSTs ``{"to": "+46701234567", "message": "…", "from": SMS_SENDER_NAME}`` as
JSON to ``SMS_GATEWAY_URL`` with ``Authorization: Bearer <SMS_GATEWAY_TOKEN>`` when a token is
set. Any 2xx answer is success; anything else (or a network error) raises
:class:`SmsError` and the delivery task retries.

Another gateway is one class with ``send(to, message)`` and ``is_configured()``, registered
with ``@register("name")`` and chosen with ``SMS_BACKEND``.
"""

from __future__ import annotations

import re

import requests
from django.conf import settings

_SENDERS: dict[str, type] = {}


class SmsError(Exception):
    pass


def register(name: str):
    def wrap(cls):
        _SENDERS[name] = cls
        return cls

    return wrap


def get_sender():
    name = getattr(settings, "SMS_BACKEND", "") or "http"
    cls = _SENDERS.get(name)
    if cls is None:
        raise SmsError(f"Unknown SMS_BACKEND {name!r}")
    sender = cls()
    return sender if sender.is_configured() else None


@register("http")
class HttpGatewaySender:
    timeout = 10

    def is_configured(self) -> bool:
        return bool(getattr(settings, "SMS_GATEWAY_URL", ""))

    def send(self, to: str, message: str) -> None:
        headers = {}
        token = getattr(settings, "SMS_GATEWAY_TOKEN", "")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = {"to": to, "message": message, "from": getattr(settings, "SMS_SENDER_NAME", "")}
        try:
            response = requests.post(
                settings.SMS_GATEWAY_URL, json=payload, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise SmsError(f"gateway unreachable: {exc.__class__.__name__}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsError(f"gateway answered {response.status_code}")


_SPACES = re.compile(r"[\s\-()]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_phone(value: str) -> str | None:
    """A mobile number as E.164 (``070-123 45 67`` → ``+46701234567``), or ``None``."""
    number = _SPACES.sub("", value or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0"):
        number = "+46" + number[1:]
    if not _E164.match(number):
        return None
    if number.startswith("+46") and not number.startswith("+467"):
        return None  # Swedish numbers: mobile only (07x)
    return number
