"""A small Open311 GeoReport v2 client (JSON), with the mySociety conventions FixaMinGata uses.

Used to deliver reports to a kommun's own system (:mod:`.delivery`) and to pull status updates
back (``servicerequestupdates``). Every call has a timeout; every failure is an
:class:`Open311Error` whose message says what went wrong (it is stored as the report's
``send_last_error`` and shown in the daily failure summary).

The ``three`` and ``open311`` packages on PyPI do not import on Python 3, hence this client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings

#: (connect, read) seconds. FixMyStreet waits up to 300 s; a worker thread should not.
DEFAULT_TIMEOUT = (5.0, 60.0)


class Open311Error(Exception):
    """A failed Open311 call. ``status`` is the HTTP status (None: no answer at all)."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class PostResult:
    """The answer to POST requests: an id, or a token to resolve later."""

    service_request_id: str = ""
    token: str = ""
    service_notice: str = ""


def iso(dt: datetime) -> str:
    """ISO 8601 with the zone, as GeoReport v2 requires."""
    return dt.isoformat(timespec="seconds")


class Open311Client:
    def __init__(
        self,
        endpoint: str,
        *,
        jurisdiction_id: str = "",
        api_key: str = "",
        timeout=None,
        session: requests.Session | None = None,
    ):
        if not endpoint:
            raise Open311Error("Ingen Open311-adress är inställd.")
        self.endpoint = endpoint.rstrip("/") + "/"
        self.jurisdiction_id = jurisdiction_id
        self.api_key = api_key
        self.timeout = timeout or getattr(settings, "FIXAMINGATA_OPEN311_TIMEOUT", DEFAULT_TIMEOUT)
        self.session = session or requests.Session()

    # --- transport --------------------------------------------------------------------
    def _call(self, method: str, path: str, *, params=None, data=None):
        url = self.endpoint + path
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
        except requests.Timeout:
            raise Open311Error(f"Ingen svar från {url} inom tidsgränsen.") from None
        except requests.RequestException as error:
            raise Open311Error(f"Kunde inte ansluta till {url}: {error}") from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code >= 400:
            raise Open311Error(
                f"{method} {url} svarade {response.status_code}: {_describe_errors(payload)}"
                if payload is not None
                else f"{method} {url} svarade {response.status_code}.",
                status=response.status_code,
            )
        if payload is None:
            raise Open311Error(
                f"{method} {url} svarade inte med JSON.", status=response.status_code
            )
        return payload

    def _base(self) -> dict:
        return {"jurisdiction_id": self.jurisdiction_id} if self.jurisdiction_id else {}

    # --- GeoReport v2 -----------------------------------------------------------------
    def services(self) -> list[dict]:
        return _as_list(self._call("GET", "services.json", params=self._base()))

    def post_request(self, fields: list[tuple[str, str]]) -> PostResult:
        """POST requests.json with ``fields`` (repeatable keys: media_url, attribute[x][])."""
        data = [*self._base().items(), ("api_key", self.api_key), *fields]
        items = _as_list(self._call("POST", "requests.json", data=data))
        first = items[0] if items and isinstance(items[0], dict) else {}
        result = PostResult(
            service_request_id=str(first.get("service_request_id") or ""),
            token=str(first.get("token") or ""),
            service_notice=str(first.get("service_notice") or ""),
        )
        if not (result.service_request_id or result.token):
            raise Open311Error("Svaret saknar både service_request_id och token.")
        return result

    def request_id_from_token(self, token: str) -> str:
        """The id for ``token``, or "" while the server has not assigned one yet."""
        try:
            items = _as_list(self._call("GET", f"tokens/{token}.json", params=self._base()))
        except Open311Error as error:
            if error.status == 404:
                return ""
            raise
        for item in items:
            if isinstance(item, dict) and item.get("service_request_id"):
                return str(item["service_request_id"])
        return ""

    def get_request(self, service_request_id: str) -> dict | None:
        items = _as_list(
            self._call("GET", f"requests/{service_request_id}.json", params=self._base())
        )
        return items[0] if items else None

    # --- mySociety extension ----------------------------------------------------------
    def service_request_updates(self, start: datetime, end: datetime) -> list[dict]:
        params = {
            **self._base(),
            "api_key": self.api_key,
            "start_date": iso(start),
            # Whole seconds on the wire: round the end up so nothing just before it is lost.
            "end_date": iso(
                end.replace(microsecond=0) + timedelta(seconds=1 if end.microsecond else 0)
            ),
        }
        return _as_list(self._call("GET", "servicerequestupdates.json", params=params))


def _as_list(payload) -> list:
    """Bare arrays per the spec; also FixMyStreet's ``{"service_requests": [...]}`` roots."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in ("service_requests", "service_request_updates", "services", "requests"):
            value = payload.get(key)
            if isinstance(value, list):
                return value
            if isinstance(value, dict):  # XML-shaped JSON: {"service_requests": {"request": [..]}}
                inner = next(iter(value.values()), [])
                return inner if isinstance(inner, list) else [inner]
    raise Open311Error("Oväntat svar: ingen lista.")


def _describe_errors(payload) -> str:
    errors = payload if isinstance(payload, list) else (payload or {}).get("errors", payload)
    if isinstance(errors, list):
        parts = [
            f"{e.get('code', '')} {e.get('description', '')}".strip()
            for e in errors
            if isinstance(e, dict)
        ]
        if parts:
            return "; ".join(parts)
    return str(payload)[:300]


def split_name(name: str) -> tuple[str, str]:
    """First word → first_name, the rest → last_name (as FixMyStreet does)."""
    parts = (name or "").strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""
