"""The Open311 writes: POST requests and POST servicerequestupdates.

Reports are created through :func:`sambruk.fixamingata.services.submit_report` (source
``open311``, the API client recorded): an API client's report is confirmed at once, so it is
a case in the receiving body's workspace before we answer. Updates from a kommun's back end
are written by :func:`sambruk.fixamingata.services.external.receive_external_update`, the
same function the client's update polling uses (one transaction, audited; the case follows
the status).

Location without a pin (``address_string``/``address_id`` only): the server does not
geocode on the write path. The report is placed on a point inside the jurisdiction's kommun
(its representative point) with the address kept, so it is routed to that kommun and staff
see the address; its description says the place was not pinpointed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from sambruk.core.api.models import ApiClient, hash_token
from sambruk.core.organisations import geo

from ..errors import ReportError
from ..models import Report, ReportState, Source
from ..roles import POST_UPDATE, SUBMIT_REPORT
from ..routing import kommun_for_point
from ..services import receive_external_update, submit_report
from ..states import state_from_open311
from .errors import BadRequest, Forbidden, NotFound
from .params import Params, parse_datetime
from .queries import category_or_404

MAX_DESCRIPTION = 4000
MAX_MEDIA_URL = 500
NOT_PINPOINTED = "#NOTPINPOINTED#"
_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def api_client(params: Params, scope: str) -> ApiClient:
    """The active API client whose token is ``api_key`` and has ``scope`` (403 otherwise)."""
    key = params.get("api_key")
    if key is None:
        raise Forbidden(_("api_key saknas."))
    client = (
        ApiClient.objects.select_related("user", "organisation")
        .filter(token_hash=hash_token(key))
        .first()
    )
    if client is None or not client.active or not client.user.is_active:
        raise Forbidden(_("Ogiltig api_key."))
    if scope not in set(client.scopes):
        raise Forbidden(_("api_key saknar behörighet för detta."))
    client.user.api_client = client
    return client


@lru_cache(maxsize=512)
def _inside_point(kommunkod: str) -> tuple[float, float] | None:
    index = geo.get_index()
    for code, geom in zip(index.codes, index.geoms, strict=True):
        if code == kommunkod:
            point = geom.representative_point()
            return point.y, point.x
    return None


def _location(params: Params, kommun) -> tuple[float, float, str, bool]:
    """(lat, lon, address, pinpointed) from lat/long or address_string/address_id."""
    lat_raw, lon_raw = params.get("lat"), params.get("long")
    address = (params.get("address_string") or "")[:300]
    address_id = params.get("address_id")
    if address_id and address_id != NOT_PINPOINTED and not address:
        address = address_id[:300]
    if lat_raw is not None or lon_raw is not None:
        if lat_raw is None or lon_raw is None:
            raise BadRequest(_("Ange både lat och long."))
        lat = params.number("lat", lo=-90, hi=90)
        lon = params.number("long", lo=-180, hi=180)
        try:
            at = kommun_for_point(lat, lon)
        except ReportError as error:
            raise BadRequest(str(error.message)) from None
        if at.pk != kommun.pk:
            raise BadRequest(
                _("Platsen ligger i %(k)s, inte i jurisdiction_id %(j)s.")
                % {"k": at.name, "j": kommun.kommunkod}
            )
        return lat, lon, address, True
    if not address:
        raise BadRequest(_("Ange platsen: lat och long, address_string eller address_id."))
    point = _inside_point(kommun.kommunkod)
    if point is None:
        raise BadRequest(_("Kommunen saknar geografisk avgränsning; ange lat och long."))
    return point[0], point[1], address, False


def _title_and_detail(description: str, fallback: str) -> tuple[str, str]:
    """FixaMinGata/FMS send ``Titel: …`` and ``Beskrivning: …``; otherwise the first line."""
    title = ""
    match = re.match(r"^\s*Titel:\s*(.+)$", description, re.MULTILINE)
    if match:
        title = match.group(1).strip()
        detail = re.sub(r"^\s*Titel:.*\n?", "", description, count=1, flags=re.MULTILINE)
        detail = re.sub(r"^\s*Beskrivning:\s*", "", detail, count=1, flags=re.MULTILINE)
        return title[:200], detail.strip()
    first = description.strip().split("\n", 1)[0].strip()
    if first:
        title = first if len(first) <= 80 else first[:79].rstrip() + "…"
        return title, description.strip()
    return fallback[:200], ""


def _media_urls(params: Params) -> list[str]:
    urls = params.getlist("media_url")
    bad = [u for u in urls if len(u) > MAX_MEDIA_URL or not _URL.match(u)]
    if bad:
        raise BadRequest(_("media_url ska vara en http- eller https-adress."))
    return urls[:3]


def post_request(params: Params, kommun, *, ip=None) -> list[dict]:
    client = api_client(params, SUBMIT_REPORT)
    code = params.get("service_code")
    if code is None:
        raise BadRequest(_("service_code saknas."))
    category = category_or_404(kommun, code)
    description = strip_tags(params.get("description") or "")
    if len(description) > MAX_DESCRIPTION:
        raise BadRequest(_("description får vara högst 4000 tecken."))
    lat, lon, address, pinpointed = _location(params, kommun)
    media = _media_urls(params)
    title, detail = _title_and_detail(description, category.name)
    if not pinpointed:
        note = _("Platsen är inte utmärkt på kartan; se adressen.")
        detail = f"{detail}\n\n{note}".strip()
    name = " ".join(p for p in (params.get("first_name"), params.get("last_name")) if p)
    attributes = params.attributes()
    fms_id = attributes.get("fixmystreet_id")
    key = f"open311:{client.pk}:{fms_id}" if isinstance(fms_id, str) else None
    try:
        report = submit_report(
            lat=lat,
            lon=lon,
            category=category,
            title=title,
            detail=detail[:MAX_DESCRIPTION],
            name=name,
            email=params.get("email") or "",
            phone=params.get("phone") or "",
            show_name=False,
            source=Source.OPEN311,
            api_client=client,
            idempotency_key=key,
            ip=ip,
            address_string=address,
            attributes=attributes,
            media_urls=media,
            pinpointed=pinpointed,
            device_id=params.get("device_id") or "",
            account_id=params.get("account_id") or "",
        )
    except ReportError as error:
        raise BadRequest(str(error.message)) from None
    if report.hidden or report.state == ReportState.UNCONFIRMED:
        return [{"token": report.token}]
    return [{"service_request_id": report.service_request_id, "service_notice": ""}]


REQUIRED_UPDATE = (
    "service_request_id",
    "update_id",
    "status",
    "updated_datetime",
    "description",
)


def post_update(params: Params, kommun) -> list[dict]:
    client = api_client(params, POST_UPDATE)
    missing = [name for name in REQUIRED_UPDATE if params.get(name) is None]
    if missing:
        raise BadRequest(*[_("%(p)s saknas.") % {"p": name} for name in missing])
    status = params.get("status")
    state = None
    if status.lower() != "unchanged":
        state = state_from_open311(status)
        if state is None:
            raise BadRequest(_("Okänd status: %(s)s.") % {"s": status[:40]})
    updated_at = parse_datetime(params.get("updated_datetime"), "updated_datetime")
    media = _media_urls(params)
    text = strip_tags(params.get("description"))
    if len(text) > MAX_DESCRIPTION:
        raise BadRequest(_("description får vara högst 4000 tecken."))
    request_id = params.get("service_request_id")
    qs = Report.objects.filter(service_request_id=request_id, hidden=False).exclude(
        state=ReportState.UNCONFIRMED
    )
    if kommun is not None:
        qs = qs.filter(kommun_id=kommun.pk)
    report = qs.select_related("body").first()
    if report is None:
        raise NotFound(_("Okänt service_request_id: %(id)s.") % {"id": request_id[:40]})
    if report.body.organisation_id != client.organisation_id:
        raise Forbidden(_("api_key gäller inte för mottagaren av denna rapport."))
    try:
        update = receive_external_update(
            report,
            source=f"Open311: {client.name}",
            external_id=params.get("update_id")[:100],
            state=state,
            text=text,
            media_url=media[0] if media else "",
            updated_at=updated_at,
            user=client.user,
            strict=True,
        )
    except ReportError as error:
        raise BadRequest(_error_text(error)) from None
    return [{"update_id": str(update.pk)}]


def _error_text(error) -> str:
    return str(getattr(error, "message", None) or error)
