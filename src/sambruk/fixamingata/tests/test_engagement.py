"""Updates, moderation, abuse list, rate limits, alerts and questionnaires."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from sambruk.core.accounts.tests.factories import UserFactory
from sambruk.core.audit.models import AuditEvent
from sambruk.fixamingata import services
from sambruk.fixamingata.errors import ReportError
from sambruk.fixamingata.models import (
    AlertKind,
    ConfirmationToken,
    Questionnaire,
    Report,
    ReportState,
    TokenPurpose,
)

from .factories import GAVLE, SANDVIKEN
from .test_reports import submit


@pytest.fixture
def confirmed(world):
    return submit(world, source="staff")


def body_text(mail):
    return mail.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_anonymous_update_waits_for_email_confirmation(world, running_smtp):
    report = submit(world, source="staff")
    update = services.add_update(
        report, text="Fortfarande mörkt.", name="Bo", email="bo@example.se"
    )
    assert not update.is_public
    mail = next(m for m in running_smtp.wait_for(2) if m["To"] == "bo@example.se")
    token = re.search(r"/uppdatering/bekrafta/([\w-]+)/", body_text(mail)).group(1)
    assert services.confirm_update(token).is_public
    assert "Fortfarande mörkt." in report.case.log.last().text


def test_reporter_marks_fixed_and_reopens(world, confirmed):
    email = confirmed.reporter_email
    with pytest.raises(ReportError) as error:
        services.add_update(confirmed, text="", name="X", email="x@example.se", mark_fixed=True)
    assert error.value.code == "not_reporter"
    reporter = UserFactory(email=email)
    services.add_update(confirmed, text="Lagat!", user=reporter, mark_fixed=True)
    assert Report.objects.get(pk=confirmed.pk).state == ReportState.FIXED
    services.add_update(confirmed, text="Släckt igen.", user=reporter, reopen=True)
    assert Report.objects.get(pk=confirmed.pk).state == ReportState.CONFIRMED


def test_moderation_hides_and_keeps_originals(world, confirmed, member):
    moderator = member(world.sandviken, "caseworker")
    outsider = member(world.gavle, "caseworker")
    with pytest.raises(ReportError):
        services.hide_report(confirmed, actor=outsider)
    edited = services.edit_report(confirmed, actor=moderator, title="Gatlykta släckt")
    edited = services.edit_report(edited, actor=moderator, title="Gatlykta ur funktion")
    assert edited.title == "Gatlykta ur funktion"
    assert edited.original_title == "Trasig gatlykta"
    assert (
        AuditEvent.objects.filter(
            object_type="fixamingata.report", purpose="moderering", actor=moderator
        ).count()
        == 2
    )
    services.hide_report(edited, actor=moderator, reason="Personuppgifter")
    assert not Report.objects.public().filter(pk=confirmed.pk).exists()
    services.unhide_report(edited, actor=moderator)
    assert Report.objects.public().filter(pk=confirmed.pk).exists()
    flag = services.flag_user(actor=moderator, email="Troll@Example.se", report=confirmed)
    assert flag.email == "troll@example.se" and Report.objects.get(pk=confirmed.pk).flagged


@pytest.mark.django_db(transaction=True)
def test_abuse_list_silently_hides_and_sends_nothing(world, running_smtp):
    admin = UserFactory(is_superuser=True)
    services.add_abuse_entry(actor=admin, value="spam.example")
    report = submit(world, email="x@spam.example")
    assert report.hidden and report.state == ReportState.UNCONFIRMED and report.case is None
    assert running_smtp.wait_for(1, timeout=0.5) == []
    with pytest.raises(ReportError):
        services.add_abuse_entry(actor=UserFactory(), value="a@b.se")


def test_rate_limit_per_email_and_ip(world, settings):
    settings.FIXAMINGATA_RATE_LIMITS = {"report_email": (2, 3600), "report_ip": (4, 3600)}
    submit(world, ip="10.0.0.1")
    submit(world, ip="10.0.0.1")
    with pytest.raises(ReportError) as error:
        submit(world, ip="10.0.0.1")
    assert error.value.code == "rate_limited"
    submit(world, ip="10.0.0.1", email="other@example.se")  # refused attempts count too
    with pytest.raises(ReportError):
        submit(world, ip="10.0.0.1", email="third@example.se")
    assert Report.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_alerts_confirm_send_and_unsubscribe(world, running_smtp):
    alert = services.subscribe_alert(
        email="eva@example.se", kind=AlertKind.NEW_IN_KOMMUN, kommun=world.sandviken
    )
    radius = services.subscribe_alert(
        email="rut@example.se",
        kind=AlertKind.RADIUS,
        lat=SANDVIKEN[0],
        lon=SANDVIKEN[1],
        radius_m=500,
    )
    for a in (alert, radius):
        token = ConfirmationToken.objects.get(purpose=TokenPurpose.ALERT, object_id=a.pk).token
        services.confirm_alert(token)
    running_smtp.wait_for(2)
    submit(world, source="staff", title="Nära")
    submit(world, point=(SANDVIKEN[0] + 0.05, SANDVIKEN[1]), source="staff", title="Långt bort")
    submit(world, point=GAVLE, category=world.cat(world.gavle_body, "Klotter"), source="staff")
    assert services.send_alerts() == 2
    mails = {m["To"]: body_text(m) for m in running_smtp.wait_for(4)[2:]}
    assert "Nära" in mails["eva@example.se"] and "Långt bort" in mails["eva@example.se"]
    assert "Nära" in mails["rut@example.se"] and "Långt bort" not in mails["rut@example.se"]
    assert services.send_alerts() == 0  # nothing new
    services.unsubscribe(alert.unsubscribe_token)
    services.unsubscribe(alert.unsubscribe_token)  # one click, twice: harmless
    submit(world, source="staff", title="Efter avslut")
    assert services.send_alerts() == 1  # only rut


@pytest.mark.django_db(transaction=True)
def test_questionnaire_after_four_weeks_changes_state(world, running_smtp):
    report = submit(world, source="staff")
    assert services.send_questionnaires(now=timezone.now() + timedelta(weeks=3)) == 0
    in_four = timezone.now() + timedelta(weeks=4, minutes=1)
    assert services.send_questionnaires(now=in_four) == 1
    assert services.send_questionnaires(now=in_four) == 0  # once
    mail = next(m for m in running_smtp.wait_for(2) if "Är det åtgärdat?" in m["Subject"])
    token = re.search(r"/enkat/([\w-]+)/", body_text(mail)).group(1)
    services.answer_questionnaire(token, answer="fixed", ever_reported=False, ask_again=True)
    assert Report.objects.get(pk=report.pk).state == ReportState.FIXED
    with pytest.raises(ReportError, match="redan använts"):
        services.answer_questionnaire(token, answer="not_fixed")
    q = Questionnaire.objects.get()
    assert q.ask_again and q.answer == "fixed"


def _questionnaire_mails(smtp) -> list:
    return [m for m in smtp.messages if "Är det åtgärdat?" in m["Subject"]]


@pytest.mark.django_db(transaction=True)
def test_questionnaire_counts_from_sending_and_never_asks_about_an_undelivered_report(
    world, running_smtp
):
    now = timezone.now()
    delivered = submit(world, source="staff", title="Levererad")
    undelivered = submit(world, source="staff", title="Aldrig levererad", email="b@example.se")
    late = submit(world, source="staff", title="Sent levererad", email="c@example.se")
    Report.objects.filter(pk=delivered.pk).update(
        confirmed_at=now - timedelta(weeks=6), sent_at=now - timedelta(weeks=5)
    )
    Report.objects.filter(pk=undelivered.pk).update(
        confirmed_at=now - timedelta(weeks=6), sent_at=None, send_state="failed"
    )
    Report.objects.filter(pk=late.pk).update(
        confirmed_at=now - timedelta(weeks=6), sent_at=now - timedelta(weeks=1)
    )
    assert services.send_questionnaires(now=now) == 1
    assert list(Questionnaire.objects.values_list("report__title", flat=True)) == ["Levererad"]
    assert services.send_questionnaires(now=now + timedelta(weeks=3, days=1)) == 1  # late one
    mails = running_smtp.wait_for(2, timeout=5)
    assert "b@example.se" not in {m["To"] for m in mails}


@pytest.mark.django_db(transaction=True)
def test_questionnaire_is_sent_again_four_weeks_after_ask_again(world, running_smtp):
    now = timezone.now()
    report = submit(world, source="staff")
    Report.objects.filter(pk=report.pk).update(sent_at=now - timedelta(weeks=5))
    assert services.send_questionnaires(now=now) == 1
    first = Questionnaire.objects.get()
    token = ConfirmationToken.objects.get(purpose=TokenPurpose.QUESTIONNAIRE, object_id=first.pk)
    services.answer_questionnaire(token.token, answer="not_fixed", ask_again=True)
    answered = Questionnaire.objects.get().answered_at
    assert services.send_questionnaires(now=answered + timedelta(weeks=3)) == 0
    assert services.send_questionnaires(now=answered + timedelta(weeks=4, minutes=1)) == 1
    assert services.send_questionnaires(now=answered + timedelta(weeks=9)) == 0  # unanswered
    assert Questionnaire.objects.filter(report=report).count() == 2
    deadline = time.monotonic() + 5
    while len(_questionnaire_mails(running_smtp)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m["To"] for m in _questionnaire_mails(running_smtp)] == [report.reporter_email] * 2


def test_due_questionnaires_are_one_query(world, django_assert_num_queries):
    from sambruk.fixamingata.services.engagement import _questionnaire_due

    now = timezone.now()
    for n in range(5):
        submit(world, source="staff", title=f"Rapport {n}", email=f"r{n}@example.se")
    Report.objects.update(sent_at=now - timedelta(weeks=5))
    with django_assert_num_queries(1):
        assert len(list(_questionnaire_due(now))) == 5
