"""Submitting and confirming reports; the case each confirmed report becomes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sambruk.cases.models import Origin
from sambruk.cases.services import do_create

from .. import ratelimit
from ..attributes import validate_attributes
from ..casesetup import ensure_case_setup
from ..errors import ReportError
from ..links import absolute, report_url
from ..models import Report, ReportPhoto, ReportState, SendState, Source, TokenPurpose
from ..photos import process_photos
from ..routing import check_category_at_point
from .common import (
    audit,
    is_abusive,
    issue_token,
    new_secret,
    request_language,
    schedule_delivery,
    send_mail,
    use_token,
)

MAX_TITLE = 200
MAX_DETAIL = 4000


def _clean_text(title, detail):
    title, detail = (title or "").strip(), (detail or "").strip()
    if not title:
        raise ReportError(_("Ange en rubrik."), code="title_required")
    if len(title) > MAX_TITLE:
        raise ReportError(
            _("Rubriken får vara högst %(n)d tecken.") % {"n": MAX_TITLE}, code="title_too_long"
        )
    if len(detail) > MAX_DETAIL:
        raise ReportError(
            _("Beskrivningen får vara högst %(n)d tecken.") % {"n": MAX_DETAIL},
            code="detail_too_long",
        )
    return title, detail


def clean_email(email: str, *, required: bool) -> str:
    email = (email or "").strip()
    if not email:
        if required:
            raise ReportError(_("Ange din e-postadress."), code="email_required")
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise ReportError(_("Ange en giltig e-postadress."), code="invalid_email") from None
    return email


def submit_report(
    *,
    lat,
    lon,
    category,
    title,
    detail="",
    photos=(),
    name="",
    email="",
    phone="",
    show_name=False,
    user=None,
    source=Source.WEB,
    api_client=None,
    idempotency_key=None,
    ip=None,
    address_string="",
    attributes=None,
    media_urls=(),
    pinpointed=True,
    device_id="",
    account_id="",
) -> Report:
    """Store a new report and start its confirmation.

    From the web without a logged-in user the report stays *unconfirmed* and the reporter
    gets a confirmation link by e-mail; a logged-in user, staff and API clients are confirmed
    at once (the report becomes a case). A repeated ``idempotency_key`` returns the report
    stored first. Reporters on the abuse list get the same answer, but their report is
    hidden, never confirmed and never sent. Nothing is stored when any check fails.
    """
    key = (idempotency_key or "").strip()[:100]
    if key:
        existing = Report.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    location = check_category_at_point(category, lat, lon)
    title, detail = _clean_text(title, detail)
    logged_in = bool(getattr(user, "is_authenticated", False))
    if logged_in:
        email = email or user.email
        name = name or getattr(user, "full_name", "")
    web_anonymous = source == Source.WEB and not logged_in
    name = (name or "").strip()[:200]
    if web_anonymous and not name:
        raise ReportError(_("Ange ditt namn."), code="name_required")
    email = clean_email(email, required=web_anonymous)
    clean_attrs = validate_attributes(category, attributes)
    if source == Source.WEB:
        ratelimit.hit("report_ip", ip)
        ratelimit.hit("report_email", email)
    processed = process_photos(photos)  # all photos checked before anything is written
    abusive = is_abusive(email)
    immediate = logged_in or api_client is not None or source != Source.WEB
    stored_files = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                body=category.body,
                category=category,
                kommun=location.kommun,
                lat=float(lat),
                lon=float(lon),
                title=title,
                detail=detail,
                address_string=(address_string or "").strip()[:300],
                attributes=clean_attrs,
                media_urls=[u for u in media_urls if u][:10],
                pinpointed=bool(pinpointed),
                device_id=(device_id or "").strip()[:100],
                account_id=(account_id or "").strip()[:100],
                reporter_name=name,
                reporter_email=email,
                reporter_phone=(phone or "").strip()[:40],
                show_name_publicly=bool(show_name),
                user=user if logged_in else None,
                ip_address=ip or None,
                source=source,
                api_client=api_client,
                idempotency_key=key,
                token=new_secret(),
                hidden=abusive,
                hidden_reason="abuse" if abusive else "",
            )
            report.service_request_id = str(report.pk)
            if not (immediate and not abusive):  # else saved with the confirmation below
                report.save(update_fields=["service_request_id"])
            for order, photo in enumerate(processed, start=1):
                row = ReportPhoto(report=report, order=order)
                row.image.save(photo.content.name, photo.content, save=False)
                stored_files.append(row.image.name)
                row.save()
            audit(
                "create",
                actor=user,
                obj=report,
                changes={"source": source, "category": category.pk, "photos": len(processed)},
            )
            if abusive:
                pass  # silently hidden: no mail, no case
            elif immediate:
                _confirm(report)
            else:
                token = issue_token(TokenPurpose.REPORT, report.pk)
                send_mail(
                    email,
                    "confirm_report",
                    {
                        "report": report,
                        "name": name,
                        "confirm_url": absolute("fixamingata:confirm_report", token=token.token),
                        "body_name": report.body.name,
                    },
                    language=request_language(),
                )
    except IntegrityError:
        _delete_files(stored_files)
        if key:
            existing = Report.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
        raise
    except BaseException:
        _delete_files(stored_files)
        raise
    return report


def _delete_files(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def confirm_report(token: str) -> Report:
    """Confirm a report from its e-mail link: it becomes public and a case of its body."""
    row = use_token(token, TokenPurpose.REPORT)
    report = (
        Report.objects.select_for_update().select_related("body", "category").get(pk=row.object_id)
    )
    if report.state != ReportState.UNCONFIRMED:
        raise ReportError(_("Rapporten är redan bekräftad."), code="already_confirmed")
    _confirm(report)
    audit("update", actor=None, obj=report, changes={"state": ["unconfirmed", "confirmed"]})
    return report


def _confirm(report: Report) -> None:
    """Confirm (one UPDATE: state, case, due for delivery, and the id if not yet saved)."""
    report.state = ReportState.CONFIRMED
    report.confirmed_at = timezone.now()
    report.case = create_case(report)
    fields = ["state", "confirmed_at", "case", "updated_at", "service_request_id"]
    if report.send_state == SendState.UNSENT:
        report.send_next_attempt_at = report.confirmed_at
        fields.append("send_next_attempt_at")
    report.save(update_fields=fields)
    schedule_delivery(report, mark_due=False)


def case_description(report: Report) -> str:
    lines = [report.detail, ""] if report.detail else []
    lines += [
        _("Kategori: %(c)s") % {"c": report.category.name},
        _("Plats: %(lat).6f, %(lon).6f") % {"lat": report.lat, "lon": report.lon},
    ]
    if report.address_string:
        lines.append(_("Adress: %(a)s") % {"a": report.address_string})
    for code, value in (report.attributes or {}).items():
        lines.append(f"{code}: {', '.join(value) if isinstance(value, list) else value}")
    lines.append(_("Rapport på FixaMinGata: %(url)s") % {"url": report_url(report)})
    return "\n".join(lines)


def create_case(report: Report, *, organisation=None):
    """The report as a case (type Felanmälan, queue FixaMinGata) of its body's organisation."""
    case_type, queue = ensure_case_setup(organisation or report.body.organisation)
    contact = {
        "name": report.reporter_name,
        "email": report.reporter_email,
        "phone": report.reporter_phone,
        "role": _("Anmälare"),
    }
    person = _reporter_person(report)
    if person is not None:  # reported while logged in: the citizen follows it on Mina sidor
        contact["person"] = person
        if contact["email"].endswith(".invalid"):  # the e-legitimation account's placeholder
            contact["email"] = ""
    contacts = (
        [contact] if (person or contact["name"] or contact["email"] or contact["phone"]) else []
    )
    return do_create(
        actor=None,
        queue=queue,
        case_type=case_type,
        title=report.title,
        description=case_description(report),
        origin=Origin.FIXAMINGATA,
        contacts=contacts,
        _skip_permission=True,  # the citizen creates the case through FixaMinGata only
    )


def _reporter_person(report: Report):
    """The registered person of a citizen logged in with e-legitimation, else ``None``."""
    from sambruk.core.persons.models import Person

    user = report.user
    if user is None or getattr(user, "kind", "") != "citizen" or not user.civic_number:
        return None
    return Person.objects.filter(civic_number=user.civic_number).first()
