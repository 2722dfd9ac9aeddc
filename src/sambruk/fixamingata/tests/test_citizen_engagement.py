"""Citizen pages over HTTP: report page and updates, questionnaires, browse, feeds, alerts."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from sambruk.core.notifications.models import OutboxMessage
from sambruk.fixamingata import services
from sambruk.fixamingata.models import (
    Alert,
    ConfirmationToken,
    Questionnaire,
    Report,
    ReportState,
    Update,
)

from .citizen_support import MAIL, confirmed_report, link_in_mail
from .factories import GAVLE, ROAD

pytestmark = pytest.mark.django_db


# --- report page, updates, questionnaire -------------------------------------------------------
@MAIL
def test_report_page_update_by_anonymous_waits_for_confirmation(client, world, running_smtp):
    report = confirmed_report(world)
    page = client.get(f"/fixamingata/rapport/{report.pk}/")
    assert page.status_code == 200 and "Trasig gatlykta" in page.content.decode()
    response = client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Fortfarande släckt.", "name": "Carl", "email": "carl@example.se"},
    )
    assert response["Location"] == f"/fixamingata/rapport/{report.pk}/skickad/"
    assert (
        "Fortfarande släckt."
        not in client.get(f"/fixamingata/rapport/{report.pk}/").content.decode()
    )
    link = link_in_mail(running_smtp, r"/fixamingata/uppdatering/bekrafta/[\w-]+/")
    html = client.get(link, follow=True).content.decode()
    assert "Din uppdatering är bekräftad" in html and "Fortfarande släckt." in html
    assert client.get(link).status_code == 410


def test_reporter_marks_fixed_and_reopens(client, world):
    report = confirmed_report(world)
    client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Nu lyser den.", "name": "Åsa", "email": "asa@example.se", "mark_fixed": "on"},
    )
    token = ConfirmationToken.objects.filter(purpose="update").last().token
    client.get(f"/fixamingata/uppdatering/bekrafta/{token}/")
    report.refresh_from_db()
    assert report.state == ReportState.FIXED
    page = client.get(f"/fixamingata/rapport/{report.pk}/").content.decode()
    assert "Åtgärdad" in page and "öppna rapporten igen" in page
    client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Släckt igen.", "name": "Åsa", "email": "asa@example.se", "reopen": "on"},
    )
    client.get(
        "/fixamingata/uppdatering/bekrafta/"
        f"{ConfirmationToken.objects.filter(purpose='update').last().token}/"
    )
    report.refresh_from_db()
    assert report.state == ReportState.CONFIRMED


def test_someone_else_cannot_mark_fixed(client, world):
    report = confirmed_report(world)
    response = client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "Lagad?", "name": "Eve", "email": "eve@example.se", "mark_fixed": "on"},
    )
    assert response.status_code == 400
    assert "Bara den som rapporterade" in response.content.decode()
    assert Update.objects.filter(author_email="eve@example.se").count() == 0


def test_update_honeypot_and_empty_text(client, world):
    report = confirmed_report(world)
    client.post(
        f"/fixamingata/rapport/{report.pk}/",
        {"text": "spam", "name": "Bot", "email": "bot@example.se", "webbplats": "x"},
    )
    assert Update.objects.filter(author_email="bot@example.se").count() == 0
    empty = client.post(
        f"/fixamingata/rapport/{report.pk}/", {"text": "", "name": "A", "email": "a@example.se"}
    )
    assert empty.status_code == 400 and "Skriv en uppdatering." in empty.content.decode()


@MAIL
def test_questionnaire_answer_marks_fixed(client, world, running_smtp):
    report = confirmed_report(world)
    five_weeks_ago = timezone.now() - timedelta(weeks=5)
    Report.objects.filter(pk=report.pk).update(confirmed_at=five_weeks_ago, sent_at=five_weeks_ago)
    services.send_questionnaires()
    link = link_in_mail(running_smtp, r"/fixamingata/enkat/[\w-]+/")
    page = client.get(link)
    assert page.status_code == 200 and "Är felet åtgärdat?" in page.content.decode()
    missing = client.post(link, {})
    assert missing.status_code == 400 and "Välj ett svar." in missing.content.decode()
    done = client.post(link, {"answer": "fixed", "comment": "Lagat!"}, follow=True)
    assert "Tack för ditt svar!" in done.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.FIXED
    assert Questionnaire.objects.get().answer == "fixed"
    assert client.get(link).status_code == 410


# --- browse, kommun, feeds -------------------------------------------------------------------------
def test_browse_list_filters_and_kommun_page(client, world):
    confirmed_report(world, title="Lykta i Sandviken")
    gavle_cat = world.cat(world.gavle_body, "Snöröjning")
    confirmed_report(world, point=GAVLE, title="Snö i Gävle", category=gavle_cat)
    html = client.get("/fixamingata/rapporter/").content.decode()
    assert "Lykta i Sandviken" in html and "Snö i Gävle" in html and "2 rapporter" in html
    only = client.get("/fixamingata/rapporter/", {"category": "Snöröjning"}).content.decode()
    assert "Snö i Gävle" in only and "Lykta i Sandviken" not in only
    by_kommun = client.get("/fixamingata/rapporter/", {"kommun": "2181"}).content.decode()
    assert "Lykta i Sandviken" in by_kommun and "Snö i Gävle" not in by_kommun
    kommun = client.get("/fixamingata/kommun/2180/").content.decode()
    assert "Rapporter i Gävle kommun" in kommun and "Snö i Gävle" in kommun
    assert "Lykta i Sandviken" not in kommun
    assert client.get("/fixamingata/kommun/9999/").status_code == 404


def test_category_filter_offers_the_kommuns_categories_or_those_with_reports(client, world):
    confirmed_report(world, title="Lykta i Sandviken")
    gavle_cat = world.cat(world.gavle_body, "Snöröjning")
    confirmed_report(world, point=GAVLE, title="Snö i Gävle", category=gavle_cat)

    def offered(html):
        select = html[html.index('id="f-category"') :]
        select = select[: select.index("</select>")]
        return set(re.findall(r"<option(?: selected)?>([^<]+)</option>", select))

    sandviken = offered(client.get("/fixamingata/kommun/2181/").content.decode())
    assert "Gatubelysning" in sandviken and ROAD in sandviken
    assert "Snöröjning" not in sandviken  # Gävle's category
    gavle = offered(client.get("/fixamingata/kommun/2180/").content.decode())
    assert "Snöröjning" in gavle and ROAD in gavle
    national = offered(client.get("/fixamingata/rapporter/").content.decode())
    assert national == {"Gatubelysning", "Snöröjning"}  # only categories with reports
    chosen = offered(client.get("/fixamingata/rapporter/", {"kommun": "2181"}).content.decode())
    assert "Snöröjning" not in chosen and ROAD in chosen


def test_feeds(client, world):
    confirmed_report(world, title="Lykta i Sandviken")
    rss = client.get("/fixamingata/rss/")
    assert rss.status_code == 200 and b"<rss" in rss.content
    assert "Lykta i Sandviken" in rss.content.decode()
    atom = client.get("/fixamingata/kommun/2181/atom/")
    assert b"http://www.w3.org/2005/Atom" in atom.content
    assert "Lykta i Sandviken" in atom.content.decode()
    assert "Lykta" not in client.get("/fixamingata/kommun/2180/rss/").content.decode()


# --- alerts --------------------------------------------------------------------------------------
@MAIL
def test_alert_subscribe_confirm_and_unsubscribe(client, world, running_smtp):
    response = client.post(
        "/fixamingata/bevaka/", {"kind": "new_in_kommun", "kommun": "2181", "email": "e@example.se"}
    )
    assert response["Location"] == "/fixamingata/bevaka/skickad/"
    alert = Alert.objects.get()
    assert not alert.confirmed
    link = link_in_mail(running_smtp, r"/fixamingata/bevakning/bekrafta/[\w-]+/")
    assert "Bevakningen är startad" in client.get(link).content.decode()
    alert.refresh_from_db()
    assert alert.active
    assert client.get(link).status_code == 410
    # One-click unsubscribe (RFC 8058 POST without a CSRF token) and again by GET: harmless.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    done = csrf_client.post(f"/fixamingata/bevakning/avsluta/{alert.unsubscribe_token}/")
    assert done.status_code == 200 and "Bevakningen är avslutad" in done.content.decode()
    assert (
        client.get(f"/fixamingata/bevakning/avsluta/{alert.unsubscribe_token}/").status_code == 200
    )
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None and not alert.active
    assert client.get("/fixamingata/bevakning/avsluta/fel/").status_code == 404


def test_alert_radius_and_report_and_errors(client, world):
    report = confirmed_report(world)
    page = client.get("/fixamingata/bevaka/", {"rapport": report.pk}).content.decode()
    assert "Rapport: Trasig gatlykta" in page
    client.post(
        "/fixamingata/bevaka/",
        {"kind": "report_updates", "report": report.pk, "email": "f@example.se"},
    )
    client.post(
        "/fixamingata/bevaka/",
        {
            "kind": "radius",
            "lat": "60.6",
            "lon": "16.7",
            "radius_m": "500",
            "email": "g@example.se",
        },
    )
    kinds = sorted(Alert.objects.values_list("kind", "radius_m"))
    assert kinds == [("radius", 500), ("report_updates", None)]
    no_kommun = client.post(
        "/fixamingata/bevaka/", {"kind": "new_in_kommun", "email": "h@example.se"}
    )
    assert no_kommun.status_code == 400 and "Välj en kommun." in no_kommun.content.decode()
    no_place = client.post("/fixamingata/bevaka/", {"kind": "radius", "email": "h@example.se"})
    assert no_place.status_code == 400 and "radie på högst 20 km" in no_place.content.decode()
    assert Alert.objects.count() == 2


def test_alerts_are_limited_per_ip_whatever_the_address(client, world, settings):
    """One IP cannot make the platform mail confirmation links to any number of addresses."""
    settings.FIXAMINGATA_RATE_LIMITS = {"alert_ip": (3, 3600)}
    for n in range(3):
        response = client.post(
            "/fixamingata/bevaka/",
            {"kind": "new_in_kommun", "kommun": "2181", "email": f"person{n}@example.se"},
        )
        assert response.status_code == 302
    refused = client.post(
        "/fixamingata/bevaka/",
        {"kind": "new_in_kommun", "kommun": "2181", "email": "person9@example.se"},
    )
    assert refused.status_code == 400
    assert "för många på kort tid" in refused.content.decode()
    assert sorted(Alert.objects.values_list("email", flat=True)) == [
        "person0@example.se",
        "person1@example.se",
        "person2@example.se",
    ]
    recipients = [str(m.to) for m in OutboxMessage.objects.all()]
    assert len(recipients) == 3 and not any("person9" in r for r in recipients)
    other_ip = client.post(
        "/fixamingata/bevaka/",
        {"kind": "new_in_kommun", "kommun": "2181", "email": "person9@example.se"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert other_ip.status_code == 302


@MAIL
def test_alert_mail_has_one_click_list_unsubscribe(client, world, running_smtp, django_user_model):
    user = django_user_model.objects.create_user(email="bevakare@example.se", password="x-L-1")
    client.force_login(user)  # own address: confirmed at once
    client.post(
        "/fixamingata/bevaka/",
        {"kind": "new_in_kommun", "kommun": "2181", "email": "bevakare@example.se"},
    )
    alert = Alert.objects.get()
    assert alert.active
    client.logout()
    confirmed_report(world, title="Ny lykta")
    assert services.send_alerts() == 1
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        mail = [m for m in running_smtp.messages if m["To"] == "bevakare@example.se"]
        if mail:
            break
        time.sleep(0.05)
    header = str(mail[0]["List-Unsubscribe"]).strip()
    assert header.startswith("<http") and header.endswith(
        f"/fixamingata/bevakning/avsluta/{alert.unsubscribe_token}/>"
    )
    assert mail[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = "/" + header.strip("<>").split("://", 1)[1].split("/", 1)[1]
    client.__class__(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
