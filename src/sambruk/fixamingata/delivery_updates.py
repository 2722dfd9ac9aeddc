"""Status updates pulled from a body's Open311 server (``servicerequestupdates``).

Every 15 minutes (:func:`fetch_updates`) each body with ``open311_fetch_updates`` is asked
for the updates since its last fetch (10 minutes of overlap, at most 7 days); each is applied
through :func:`sambruk.fixamingata.services.receive_external_update`, the same function our
Open311 server uses for updates POSTed to us, idempotent by ``update_id``.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.core.crypto import DecryptionError, reveal

from .errors import ReportError
from .models import Body, Report, ReportState, Update
from .open311_client import Open311Client, Open311Error
from .services import receive_external_update
from .states import state_from_open311

log = logging.getLogger(__name__)

UPDATES_OVERLAP = timedelta(minutes=10)
UPDATES_MAX_WINDOW = timedelta(days=7)
_HTTP_URL = re.compile(r"^https?://\S+$")


def _parse_time(value):
    """A back end's ``updated_datetime`` (ISO 8601), or None when absent or malformed."""
    try:
        parsed = datetime.fromisoformat(str(value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def client_for(body: Body) -> Open311Client:
    try:
        api_key = reveal(body.open311_api_key)  # encrypted at rest
    except DecryptionError as exc:  # a visible delivery failure, not a crash
        raise Open311Error(_("Open311 api_key: %(error)s") % {"error": exc}) from None
    return Open311Client(
        body.open311_endpoint,
        jurisdiction_id=body.open311_jurisdiction,
        api_key=api_key,
    )


# --- status updates from the kommun's system ----------------------------------------------
def fetch_updates(now=None) -> int:
    """Pull ``servicerequestupdates`` from every body that asks for it; returns how many
    updates were applied. One body's failure does not stop the others."""
    now = now or timezone.now()
    applied = 0
    bodies = Body.objects.filter(open311_fetch_updates=True, active=True).exclude(
        open311_endpoint=""
    )
    for body in bodies:
        try:
            applied += fetch_body_updates(body, now=now)
        except Open311Error as error:
            log.warning("Open311 updates from %s failed: %s", body, error)
    return applied


def fetch_body_updates(body: Body, *, now=None) -> int:
    now = now or timezone.now()
    since = body.open311_updates_fetched_at
    start = max((since or now) - UPDATES_OVERLAP, now - UPDATES_MAX_WINDOW)
    if since is None:
        start = now - timedelta(days=1)
    items = client_for(body).service_request_updates(start, now)
    applied = 0
    for item in sorted(items, key=lambda i: str(i.get("updated_datetime") or "")):
        if not isinstance(item, dict):
            continue
        srid, update_id = (
            str(item.get("service_request_id") or ""),
            str(item.get("update_id") or ""),
        )
        if not srid or not update_id:
            continue
        report = Report.objects.filter(body=body, external_id=srid).first()
        if report is None:
            continue
        if apply_external_update(
            report,
            update_id=update_id,
            status=str(item.get("status") or ""),
            description=str(item.get("description") or ""),
            extended=body.open311_extended_statuses,
            media_url=str(item.get("media_url") or ""),
            updated_at=_parse_time(item.get("updated_datetime")),
        ):
            applied += 1
    Body.objects.filter(pk=body.pk).update(open311_updates_fetched_at=now)
    return applied


def apply_external_update(
    report,
    *,
    update_id: str,
    status: str,
    description: str,
    extended: bool = True,
    media_url: str = "",
    updated_at=None,
) -> Update | None:
    """An update pulled from the body's ``servicerequestupdates``, through
    :func:`~sambruk.fixamingata.services.receive_external_update`. Returns None for a known
    ``update_id`` (idempotent) or an update that changes nothing."""
    state = state_from_open311(status)
    if not extended and state == ReportState.CLOSED:
        state = ReportState.FIXED  # plain GeoReport v2 "closed" means done
    if state == ReportState.CONFIRMED and report.is_open:
        state = None  # plain "open" on an open report changes nothing
    try:
        return receive_external_update(
            report,
            source=_("Status från mottagarens system (Open311)."),
            external_id=update_id,
            state=state,
            text=description,
            media_url=media_url if _HTTP_URL.match(media_url or "") else "",
            updated_at=updated_at,
        )
    except ReportError:  # a duplicate, or nothing to publish
        return None
