"""Alerts (bevakningar) and "is it fixed?" questionnaires."""

from __future__ import annotations

import math
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import ratelimit
from ..errors import ReportError
from ..links import absolute, report_url
from ..models import (
    FIXED_STATES,
    OPEN_STATES,
    Alert,
    AlertKind,
    Questionnaire,
    QuestionnaireAnswer,
    Report,
    ReportState,
    SendState,
    TokenPurpose,
    Update,
)
from .common import audit, issue_token, new_secret, request_language, send_mail, use_token
from .reports import clean_email
from .updates import _case_note, _reopen_case, apply_state

QUESTIONNAIRE_AFTER = timedelta(weeks=4)
MAX_RADIUS_M = 20_000


@transaction.atomic
def subscribe_alert(
    *, email, kind, kommun=None, lat=None, lon=None, radius_m=None, report=None, user=None, ip=None
) -> Alert:
    """Subscribe; confirmed at once for a logged-in user with that address, else by link."""
    email = clean_email(email, required=True)
    if kind == AlertKind.NEW_IN_KOMMUN and kommun is None:
        raise ReportError(_("Välj en kommun."), code="kommun_required")
    bad_radius = lat is None or lon is None or not radius_m or not 0 < int(radius_m) <= MAX_RADIUS_M
    if kind == AlertKind.RADIUS and bad_radius:
        raise ReportError(_("Ange en plats och en radie på högst 20 km."), code="invalid_radius")
    if kind == AlertKind.REPORT_UPDATES and (report is None or not report.is_public):
        raise ReportError(_("Rapporten finns inte."), code="not_found")
    if kind not in AlertKind.values:
        raise ReportError(_("Okänd typ av bevakning."), code="invalid_kind")
    # Per IP as well: each subscription mails a confirmation link to any address given.
    ratelimit.hit("alert_ip", ip)
    ratelimit.hit("alert_email", email)
    own = bool(getattr(user, "is_authenticated", False)) and user.email.lower() == email.lower()
    now = timezone.now()
    alert = Alert.objects.create(
        email=email,
        kind=kind,
        kommun=kommun if kind == AlertKind.NEW_IN_KOMMUN else None,
        lat=lat if kind == AlertKind.RADIUS else None,
        lon=lon if kind == AlertKind.RADIUS else None,
        radius_m=int(radius_m) if kind == AlertKind.RADIUS else None,
        report=report if kind == AlertKind.REPORT_UPDATES else None,
        confirmed=own,
        confirmed_at=now if own else None,
        last_sent_until=now,
        unsubscribe_token=new_secret(),
    )
    if not own:
        token = issue_token(TokenPurpose.ALERT, alert.pk)
        send_mail(
            email,
            "confirm_alert",
            {
                "alert": alert,
                "confirm_url": absolute("fixamingata:confirm_alert", token=token.token),
            },
            language=request_language(),
        )
    audit("create", actor=user, obj=alert)
    return alert


@transaction.atomic
def confirm_alert(token: str) -> Alert:
    row = use_token(token, TokenPurpose.ALERT)
    alert = Alert.objects.select_for_update().get(pk=row.object_id)
    alert.confirmed, alert.confirmed_at = True, timezone.now()
    alert.last_sent_until = alert.confirmed_at
    alert.save(update_fields=["confirmed", "confirmed_at", "last_sent_until"])
    audit("update", actor=None, obj=alert, changes={"confirmed": [False, True]})
    return alert


@transaction.atomic
def unsubscribe(token: str) -> Alert:
    """One-click unsubscribe; clicking again is harmless."""
    alert = (
        Alert.objects.select_for_update().filter(unsubscribe_token=(token or "").strip()).first()
    )
    if alert is None:
        raise ReportError(_("Länken är ogiltig."), code="token_invalid")
    if alert.unsubscribed_at is None:
        alert.unsubscribed_at = timezone.now()
        alert.save(update_fields=["unsubscribed_at"])
        audit("update", actor=None, obj=alert, changes={"unsubscribed": True})
    return alert


def _distance_m(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _new_items(alert: Alert, since, until) -> list:
    public = Report.objects.public().filter(confirmed_at__gt=since, confirmed_at__lte=until)
    if alert.kind == AlertKind.NEW_IN_KOMMUN:
        return list(public.filter(kommun_id=alert.kommun_id).order_by("confirmed_at")[:50])
    if alert.kind == AlertKind.RADIUS:
        dlat = alert.radius_m / 111_320
        dlon = dlat / max(math.cos(math.radians(alert.lat)), 0.01)
        box = public.in_bbox(alert.lat - dlat, alert.lon - dlon, alert.lat + dlat, alert.lon + dlon)
        return [
            r
            for r in box.order_by("confirmed_at")[:200]
            if _distance_m(alert.lat, alert.lon, r.lat, r.lon) <= alert.radius_m
        ][:50]
    return list(
        Update.objects.filter(
            report_id=alert.report_id,
            confirmed=True,
            hidden=False,
            confirmed_at__gt=since,
            confirmed_at__lte=until,
        )
        .exclude(author_email__iexact=alert.email)
        .order_by("confirmed_at")
    )


def send_alerts(now=None) -> int:
    """Periodic: one e-mail per active alert with what is new since its last run."""
    until = now or timezone.now()
    sent = 0
    alerts = Alert.objects.filter(confirmed=True, unsubscribed_at__isnull=True)
    for alert in alerts.select_related("report", "kommun").iterator():
        since = alert.last_sent_until or alert.confirmed_at or alert.created_at
        items = _new_items(alert, since, until)
        with transaction.atomic():
            if items:
                unsubscribe_url = absolute("fixamingata:unsubscribe", token=alert.unsubscribe_token)
                send_mail(
                    alert.email,
                    "alert",
                    {
                        "alert": alert,
                        "items": items,
                        "report_url": report_url(alert.report) if alert.report else "",
                        "urls": [report_url(getattr(i, "report", i)) for i in items],
                        "unsubscribe_url": unsubscribe_url,
                    },
                    # RFC 2369 / RFC 8058: one-click unsubscribe from the mail client.
                    headers={
                        "List-Unsubscribe": f"<{unsubscribe_url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
                sent += 1
            Alert.objects.filter(pk=alert.pk).update(last_sent_until=until)
    return sent


# --- questionnaires -------------------------------------------------------------------
def _questionnaire_due(now):
    """The reports due for a questionnaire, in one query.

    Due: 4 weeks after the report was sent to the body (``sent_at``; a report whose category
    sends nothing, ``skipped``, counts from its confirmation, as its case is the delivery), and
    again 4 weeks after an answer "ask me again later". A report that was never delivered
    (unsent, failed) is not asked. ``send_questionnaire`` is cleared when a questionnaire goes
    out and set again by an "ask again" answer, so the partial index
    ``fmg_report_questionnaire_idx`` holds only the reports still waiting.
    """
    cutoff = now - QUESTIONNAIRE_AFTER
    pending = Questionnaire.objects.filter(report_id=OuterRef("pk")).filter(
        Q(answered_at__isnull=True) | Q(ask_again=False) | Q(answered_at__gt=cutoff)
    )
    return (
        Report.objects.filter(send_questionnaire=True)
        .filter(
            Q(sent_at__lte=cutoff)
            | Q(sent_at__isnull=True, send_state=SendState.SKIPPED, confirmed_at__lte=cutoff)
        )
        .filter(hidden=False, state__in=list(OPEN_STATES | FIXED_STATES))
        .exclude(reporter_email="")
        .exclude(Exists(pending))
        .order_by()  # no sort: the partial index is read as it is
    )


def send_questionnaires(now=None) -> int:
    """Periodic: ask reporters "is it fixed?" 4 weeks after sending (again 4 weeks after an
    answer that asked for it)."""
    now = now or timezone.now()
    count = 0
    for report in _questionnaire_due(now).iterator(chunk_size=500):
        with transaction.atomic():
            # Claim it (another worker may run at the same time): only one wins the flag.
            claimed = Report.objects.filter(pk=report.pk, send_questionnaire=True).update(
                send_questionnaire=False
            )
            if not claimed:
                continue
            q = Questionnaire.objects.create(report=report, sent_at=now)
            token = issue_token(TokenPurpose.QUESTIONNAIRE, q.pk, now=now)
            send_mail(
                report.reporter_email,
                "questionnaire",
                {
                    "report": report,
                    "url": absolute("fixamingata:questionnaire", token=token.token),
                    "report_url": report_url(report),
                },
            )
            count += 1
    return count


@transaction.atomic
def answer_questionnaire(
    token: str, *, answer: str, ever_reported=None, ask_again=False, comment=""
) -> Questionnaire:
    """Record the answer; "fixed" marks an open report fixed, "not fixed" reopens a fixed one."""
    if answer not in QuestionnaireAnswer.values:
        raise ReportError(_("Välj ett svar."), code="answer_required")
    row = use_token(token, TokenPurpose.QUESTIONNAIRE)
    q = Questionnaire.objects.select_for_update().get(pk=row.object_id)
    report = Report.objects.select_for_update().select_related("body").get(pk=q.report_id)
    q.answer, q.answered_at = answer, timezone.now()
    q.ever_reported, q.ask_again, q.comment = ever_reported, bool(ask_again), comment[:4000]
    q.save()
    if q.ask_again and not report.send_questionnaire:
        report.send_questionnaire = True  # asked again 4 weeks after this answer
        report.save(update_fields=["send_questionnaire"])
    before = report.state
    if answer == QuestionnaireAnswer.FIXED and report.state in OPEN_STATES:
        apply_state(report, ReportState.FIXED)
        _case_note(report, _("Anmälaren svarade i enkäten att felet är åtgärdat."))
    elif answer == QuestionnaireAnswer.NOT_FIXED and report.state in FIXED_STATES:
        apply_state(report, ReportState.CONFIRMED)
        _reopen_case(report)
    if report.state != before:
        Update.objects.create(
            report=report,
            text=comment.strip(),
            author_name=report.reporter_name,
            author_email=report.reporter_email,
            show_name=report.show_name_publicly,
            mark_fixed=answer == QuestionnaireAnswer.FIXED,
            reopen=answer == QuestionnaireAnswer.NOT_FIXED,
            confirmed=True,
            confirmed_at=timezone.now(),
        )
        audit("update", actor=None, obj=report, changes={"state": [before, report.state]})
    return q
