"""Delivery of confirmed reports to the receiving body's own system, and updates back.

Every confirmed report is a case in the body's case engine; *in addition* it is delivered
per its category's contact (:attr:`Category.effective_send_method`):

* ``email`` — an HTML + plain-text e-mail with the report, photo links and a map link,
  through the outbox (which has its own SMTP retries);
* ``open311`` — a GeoReport v2 ``POST requests.json`` to the body's Open311 server with the
  mySociety conventions (jurisdiction_id, api_key, first/last name, media_url, attributes).
  A ``token`` answer is resolved through ``tokens/{token}.json`` on the following attempts;
* ``none`` — nothing (``send_state`` = skipped).

Protocol (safe with several workers, like the outbox): *claim* the report in a short
transaction (lock, check that it is due, count the attempt, lease it), *send* outside any
transaction, *record* the outcome. A failed attempt is retried 5 minutes later, then every
30 minutes (:func:`retry_unsent`, run every 5 minutes); after ``FIXAMINGATA_SEND_MAX_ATTEMPTS``
the report is ``failed``. :func:`send_failure_summary` mails each body's administrators and the
platform administrators once a day (:mod:`.delivery_summary`). :func:`fetch_updates`
(:mod:`.delivery_updates`) pulls ``servicerequestupdates`` from bodies with
``open311_fetch_updates`` and applies them idempotently by ``update_id``.

While a token waits for its id the report stays ``unsent`` with ``external_id`` =
``token:<token>`` (it was accepted, but the kommun's id is not known yet).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from sambruk.core.notifications.services import queue_email

from .delivery_summary import failing_reports, send_failure_summary
from .delivery_updates import apply_external_update, client_for, fetch_body_updates, fetch_updates
from .errors import ReportError
from .links import report_url
from .models import Report, ReportState, SendMethod, SendState, Source
from .open311_client import Open311Error, split_name
from .services.common import audit
from .services.updates import _case_note

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=5)
LATER_RETRY = timedelta(minutes=30)
#: A claimed report is left alone this long (longer than the HTTP timeout).
LEASE = timedelta(minutes=10)
TOKEN_PREFIX = "token:"  # noqa: S105 (not a secret: a marker)


def max_attempts() -> int:
    # 5 min + 100 × 30 min ≈ two days of retrying before the report is marked failed.
    return getattr(settings, "FIXAMINGATA_SEND_MAX_ATTEMPTS", 100)


def retry_delay(attempts: int) -> timedelta:
    return FIRST_RETRY if attempts <= 1 else LATER_RETRY


# --- scheduling -------------------------------------------------------------------------
def schedule_delivery(report, *, mark_due: bool = True) -> None:
    """Deliver ``report``: called inside the confirming transaction.

    One UPDATE marks it due now (so the periodic retry finds it even if the queue is down)
    and one lightweight task is enqueued after commit; everything else (the contact, the
    method, ``none`` → skipped) is decided in the task (:func:`_claim`).
    """
    if mark_due:  # (the confirming save may already have set send_next_attempt_at)
        Report.objects.filter(pk=report.pk, send_state=SendState.UNSENT).update(
            send_next_attempt_at=timezone.now()
        )
    pk = report.pk
    transaction.on_commit(lambda: deliver_report_task(pk), robust=True)


@db_task()
def deliver_report_task(report_id: int):
    return deliver(report_id)


# --- one attempt ------------------------------------------------------------------------
def deliver(report_id: int, *, now=None) -> str | None:
    """One delivery attempt if the report is due; returns its send_state afterwards."""
    now = now or timezone.now()
    report = _claim(report_id, now)
    if report is None:
        return None
    method = report.category.effective_send_method
    try:
        if method == SendMethod.EMAIL:
            return _send_email(report, now)
        if method == SendMethod.OPEN311:
            return _send_open311(report, now)
        return _record_failure(report, now, f"Okänt leveranssätt: {method}")
    except (Open311Error, ReportError) as error:
        return _record_failure(report, now, str(error))
    except Exception as error:  # noqa: BLE001 — keep the report retrying, log the bug
        log.exception("FixaMinGata delivery of report %s crashed", report_id)
        return _record_failure(report, now, f"Internt fel: {error.__class__.__name__}")


def _claim(report_id: int, now) -> Report | None:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("body", "category", "category__body", "kommun")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.send_state != SendState.UNSENT:
            return None
        if report.state == ReportState.UNCONFIRMED or report.hidden:
            return None
        if report.send_next_attempt_at is None or report.send_next_attempt_at > now:
            return None
        if report.category.effective_send_method == SendMethod.NONE:
            report.send_state = SendState.SKIPPED
            report.send_method_used = SendMethod.NONE
            report.send_next_attempt_at = None
            report.save(update_fields=["send_state", "send_method_used", "send_next_attempt_at"])
            return None
        if _loops_back(report):
            report.send_state = SendState.SKIPPED
            report.send_next_attempt_at = None
            report.save(update_fields=["send_state", "send_next_attempt_at"])
            return None
        report.send_attempts += 1
        report.send_next_attempt_at = now + LEASE
        report.save(update_fields=["send_attempts", "send_next_attempt_at"])
        return report


def _loops_back(report: Report) -> bool:
    """A report the body's own system posted to us over Open311 is not sent back to it."""
    return (
        report.source == Source.OPEN311
        and report.api_client_id is not None
        and report.api_client.organisation_id == report.body.organisation_id
    )


def _record_success(report: Report, now, *, method: str, external_id: str, note: str) -> str:
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        waiting = external_id.startswith(TOKEN_PREFIX)
        locked.send_state = SendState.UNSENT if waiting else SendState.SENT
        locked.send_method_used = method
        locked.external_id = external_id
        locked.sent_at = locked.sent_at or now
        locked.send_last_error = ""
        locked.send_next_attempt_at = now + retry_delay(locked.send_attempts) if waiting else None
        locked.save(
            update_fields=[
                "send_state",
                "send_method_used",
                "external_id",
                "sent_at",
                "send_last_error",
                "send_next_attempt_at",
                "updated_at",
            ]
        )
        audit(
            "update",
            actor=None,
            obj=locked,
            changes={"send_state": locked.send_state, "method": method, "external_id": external_id},
        )
        if locked.case_id:
            locked.case = report.case
            _case_note(locked, note)
        return locked.send_state


def _record_failure(report: Report, now, error: str) -> str:
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        locked.send_last_error = error[:2000]
        if locked.send_attempts >= max_attempts():
            locked.send_state = SendState.FAILED
            locked.send_next_attempt_at = None
            audit(
                "update", actor=None, obj=locked, changes={"send_state": "failed", "error": error}
            )
        else:
            locked.send_next_attempt_at = now + retry_delay(locked.send_attempts)
        locked.save(update_fields=["send_state", "send_last_error", "send_next_attempt_at"])
        log.warning("FixaMinGata report %s not delivered: %s", locked.pk, error)
        return locked.send_state


# --- e-mail -----------------------------------------------------------------------------
def map_url(report: Report) -> str:
    lat, lon = f"{report.lat:.6f}", f"{report.lon:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def photo_urls(report: Report) -> list[str]:
    """Absolute photo addresses (the public photo view, else the storage URL), then the
    media_url addresses a report submitted over Open311 came with."""
    site = settings.SITE_URL.rstrip("/")
    urls = []
    for photo in report.photos.all():
        try:
            url = reverse("fixamingata:photo", kwargs={"pk": report.pk, "order": photo.order})
        except NoReverseMatch:
            url = photo.image.url
        urls.append(url if url.startswith(("http://", "https://")) else site + url)
    return urls + [u for u in report.media_urls or [] if u not in urls]


def attribute_rows(report: Report) -> list[tuple[str, str]]:
    """(question, answer) for the category's extra questions, in the category's order."""
    answers = report.attributes or {}
    rows = []
    for attr in sorted(report.category.attributes or [], key=lambda a: a.get("order", 0)):
        code = attr.get("code")
        if code not in answers:
            continue
        names = {v.get("key"): v.get("name") for v in attr.get("values") or []}
        value = answers[code]
        values = value if isinstance(value, list) else [value]
        rows.append(
            (attr.get("description") or code, ", ".join(str(names.get(v, v)) for v in values))
        )
    return rows


def email_context(report: Report) -> dict:
    return {
        "report": report,
        "body": report.body,
        "category": report.category,
        "kommun": report.kommun,
        "report_url": report_url(report),
        "map_url": map_url(report),
        "photo_urls": photo_urls(report),
        "attributes": attribute_rows(report),
    }


def _send_email(report: Report, now) -> str:
    to = report.category.effective_email
    if not to:
        raise ReportError(_("Ingen e-postadress för rapporter är inställd."), code="no_email")
    with transaction.atomic():
        queue_email(
            to=to,
            template="fixamingata/email/report_to_body",
            context=email_context(report),
            organisation=report.body.organisation,
            reply_to=report.reporter_email or "",
        )
        return _record_success(
            report,
            now,
            method=SendMethod.EMAIL,
            external_id="",
            note=_("Rapporten skickades med e-post till %(to)s.") % {"to": to},
        )


# --- Open311 ----------------------------------------------------------------------------
def open311_description(report: Report) -> str:
    """FixaMinGata's description format (``perllib/Open311.pm``), at most 4000 characters."""
    head = f"Titel: {report.title}\n\n"
    tail = f"\n\nLänk till ärendet: {report_url(report)}\n\nSkickad via FixaMinGata"
    room = 4000 - len(head) - len(tail) - len("Beskrivning: ")
    return f"{head}Beskrivning: {report.detail[: max(room, 0)]}{tail}"


def open311_fields(report: Report) -> list[tuple[str, str]]:
    first, last = split_name(report.reporter_name)
    fields = [
        ("service_code", report.category.external_service_code),
        ("lat", f"{report.lat:.6f}"),
        ("long", f"{report.lon:.6f}"),
        ("description", open311_description(report)),
        ("first_name", first),
        ("last_name", last),
    ]
    if report.address_string:
        fields.append(("address_string", report.address_string))
    if report.reporter_email:  # the body gets the address even when the name is not public
        fields.append(("email", report.reporter_email))
    if report.reporter_phone:
        fields.append(("phone", report.reporter_phone))
    fields += [("media_url", url) for url in photo_urls(report)]
    for code, value in (report.attributes or {}).items():
        if isinstance(value, list):
            fields += [(f"attribute[{code}][]", str(v)) for v in value]
        else:
            fields.append((f"attribute[{code}]", str(value)))
    fields.append(("attribute[fixmystreet_id]", str(report.pk)))
    return [(k, v) for k, v in fields if v != "" or k in ("first_name", "last_name")]


def _send_open311(report: Report, now) -> str:
    client = client_for(report.body)
    if report.external_id.startswith(TOKEN_PREFIX):
        token = report.external_id[len(TOKEN_PREFIX) :]
        found = client.request_id_from_token(token)
        if not found:
            raise Open311Error(f"Token {token} har ännu inget service_request_id.")
        return _record_success(
            report,
            now,
            method=SendMethod.OPEN311,
            external_id=found,
            note=_("Mottagarens system gav rapporten id %(id)s.") % {"id": found},
        )
    result = client.post_request(open311_fields(report))
    if result.service_request_id:
        external, note = (
            result.service_request_id,
            _("Rapporten skickades via Open311 (id %(id)s).") % {"id": result.service_request_id},
        )
    else:
        external, note = (
            TOKEN_PREFIX + result.token,
            _("Rapporten skickades via Open311 (token %(t)s).") % {"t": result.token},
        )
    return _record_success(report, now, method=SendMethod.OPEN311, external_id=external, note=note)


# --- periodic work ----------------------------------------------------------------------
def due_report_ids(now=None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        Report.objects.filter(send_state=SendState.UNSENT, send_next_attempt_at__lte=now)
        .order_by("send_next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def retry_unsent(now=None) -> int:
    """Every 5 minutes: one attempt for every due report; returns how many were delivered."""
    delivered = 0
    for pk in due_report_ids(now):
        if deliver(pk, now=now) == SendState.SENT:
            delivered += 1
    return delivered


__all__ = [
    "apply_external_update",
    "client_for",
    "deliver",
    "deliver_report_task",
    "failing_reports",
    "fetch_body_updates",
    "fetch_updates",
    "retry_unsent",
    "schedule_delivery",
    "send_failure_summary",
]
