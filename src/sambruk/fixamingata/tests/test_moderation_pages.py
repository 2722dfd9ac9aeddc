"""Staff moderation pages of FixaMinGata (/fixamingata/moderering/), over HTTP."""

import pytest

from sambruk.core.audit.models import AuditEvent
from sambruk.fixamingata import services
from sambruk.fixamingata.models import AbuseEntry, FlaggedUser, Report, Update

from .test_reports import submit

MODERATION = "/fixamingata/moderering/"
LISTS = "/fixamingata/moderering/listor/"


@pytest.fixture
def report(world):
    return submit(world, source="staff")


@pytest.fixture
def moderator(world, member, login, client):
    user = member(world.sandviken, "caseworker")
    login(client, user)
    return user


def report_url(report):
    return f"{MODERATION}rapport/{report.pk}/"


def test_list_shows_the_organisations_reports_with_filters(client, world, report, moderator):
    page = client.get(MODERATION).content.decode()
    assert "Trasig gatlykta" in page
    assert "Trasig gatlykta" in client.get(MODERATION, {"q": "gatlykta"}).content.decode()
    assert "Trasig gatlykta" not in client.get(MODERATION, {"q": "snö"}).content.decode()
    assert "Trasig gatlykta" not in client.get(MODERATION, {"dolda": "ja"}).content.decode()
    assert "Trasig gatlykta" not in client.get(MODERATION, {"flaggade": "1"}).content.decode()


def test_hide_report_makes_the_public_page_404_and_is_audited(client, world, report, moderator):
    public = f"/fixamingata/rapport/{report.pk}/"
    assert client.get(public).status_code == 200
    response = client.post(report_url(report), {"action": "hide", "reason": "Personuppgifter"})
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).hidden
    assert client.get(public).status_code == 404
    event = AuditEvent.objects.filter(
        object_type="fixamingata.report", object_id=str(report.pk), actor=moderator
    ).latest("at")
    assert event.changes["hidden"] == [False, True] and event.purpose == "moderering"
    assert "Trasig gatlykta" in client.get(MODERATION, {"dolda": "ja"}).content.decode()
    # Without a reason: a Swedish message, nothing changes.
    client.post(report_url(report), {"action": "unhide"})
    assert client.get(public).status_code == 200
    response = client.post(report_url(report), {"action": "hide", "reason": " "})
    assert response.status_code == 400
    assert "Ange ett skäl för att dölja." in response.content.decode()
    assert not Report.objects.get(pk=report.pk).hidden


def test_edit_keeps_the_original_and_shows_it_in_the_history(client, world, report, moderator):
    response = client.post(
        report_url(report),
        {"action": "edit", "title": "Gatlykta ur funktion", "detail": "Lyktan är släckt."},
    )
    assert response.status_code == 302
    edited = Report.objects.get(pk=report.pk)
    assert edited.title == "Gatlykta ur funktion"
    assert edited.original_title == "Trasig gatlykta"
    public = client.get(f"/fixamingata/rapport/{report.pk}/").content.decode()
    assert "Gatlykta ur funktion" in public and "Trasig gatlykta" not in public
    page = client.get(report_url(report)).content.decode()
    assert "Trasig gatlykta" in page and "Lyktan vid busshållplatsen är släckt." in page
    assert (
        AuditEvent.objects.filter(object_type="fixamingata.report", object_id=str(report.pk))
        .latest("at")
        .purpose
    ) == "moderering"
    response = client.post(report_url(report), {"action": "edit", "title": "", "detail": "x"})
    assert response.status_code == 400
    assert "Rubriken måste vara 1–200 tecken." in response.content.decode()


def test_hide_an_update(client, world, report, moderator):
    update = services.add_update(report, text="Olämplig text", user=moderator)
    response = client.post(
        report_url(report), {"action": "hide_update", "update": update.pk, "reason": "Spam"}
    )
    assert response.status_code == 302
    assert Update.objects.get(pk=update.pk).hidden
    bad = {"action": "hide_update", "update": "x", "reason": "Spam"}
    assert client.post(report_url(report), bad).status_code == 404
    assert "Olämplig text" not in client.get(f"/fixamingata/rapport/{report.pk}/").content.decode()


def test_flag_author_then_unflag(client, world, report, moderator):
    response = client.post(report_url(report), {"action": "flag", "reason": "Upprepade påhopp"})
    assert response.status_code == 302
    flag = FlaggedUser.objects.get(email="asa@example.se")
    assert Report.objects.get(pk=report.pk).flagged
    assert "Trasig gatlykta" in client.get(MODERATION, {"flaggade": "1"}).content.decode()
    assert "asa@example.se" in client.get(LISTS).content.decode()
    response = client.post(LISTS, {"action": "unflag", "flag": flag.pk})
    assert response.status_code == 302
    assert not FlaggedUser.objects.exists() and not Report.objects.get(pk=report.pk).flagged


@pytest.mark.django_db(transaction=True)
def test_abuse_entry_hides_new_reports_silently(client, world, member, login, running_smtp):
    login(client, member(world.sandviken, "caseworker"))
    response = client.post(
        LISTS, {"action": "add_abuse", "value": "Troll@Example.se", "reason": "Spam"}
    )
    assert response.status_code == 302
    entry = AbuseEntry.objects.get(value="troll@example.se")
    assert AuditEvent.objects.filter(
        object_type="fixamingata.abuseentry", object_id=str(entry.pk)
    ).exists()
    assert "troll@example.se" in client.get(LISTS).content.decode()
    new = submit(world, email="troll@example.se")
    assert new.hidden and new.case is None
    assert running_smtp.wait_for(1, timeout=0.5) == []
    # A domain hides a whole provider in every kommun: administrators only.
    response = client.post(LISTS, {"action": "add_abuse", "value": "example.se"})
    assert response.status_code == 400
    assert "Bara FixaMinGatas administratörer" in response.content.decode()
    response = client.post(LISTS, {"action": "add_abuse", "value": "inte en adress@"})
    assert response.status_code == 400
    assert "Ange en giltig e-postadress." in response.content.decode()
    response = client.post(LISTS, {"action": "remove_abuse", "entry": entry.pk})
    assert response.status_code == 302 and not AbuseEntry.objects.exists()


def test_other_kommun_sees_nothing(client, world, report, member, login):
    gavle = member(world.gavle, "caseworker")
    login(client, gavle)
    assert "Trasig gatlykta" not in client.get(MODERATION).content.decode()
    assert client.get(report_url(report)).status_code == 404
    response = client.post(report_url(report), {"action": "hide", "reason": "x"})
    assert response.status_code == 404
    assert not Report.objects.get(pk=report.pk).hidden
    services.flag_user(
        actor=member(world.sandviken, "caseworker"), email="asa@example.se", report=report
    )
    flag = FlaggedUser.objects.get()
    assert "asa@example.se" not in client.get(LISTS).content.decode()
    assert client.post(LISTS, {"action": "unflag", "flag": flag.pk}).status_code == 404


def test_without_moderate_permission_is_refused(client, world, report, member, login):
    login(client, member(world.sandviken, "auditor"))
    assert client.get(MODERATION).status_code == 403
    assert client.post(report_url(report), {"action": "hide", "reason": "x"}).status_code == 403


def test_start_page_lists_both_pages_for_the_admin(client, world, member, login):
    login(client, member(world.sandviken, "org_admin"))
    page = client.get("/").content.decode()
    assert MODERATION in page and "/fixamingata/installningar/" in page
    assert "/fixamingata/installningar/" in client.get(MODERATION).content.decode()
