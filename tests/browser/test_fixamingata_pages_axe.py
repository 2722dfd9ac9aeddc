"""axe (WCAG 2.1 AA, 0 violations) on the public FixaMinGata pages that the end-to-end test
does not pass through: the kommun page, the alert form, "check your e-mail", the alert's
confirmed and unsubscribed pages, the questionnaire, the token error page and the national
and kommun statistics pages. Map tiles are switched off, so nothing reaches the network."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sambruk.core.notifications.tests.conftest import (  # noqa: F401
    running_smtp,
    smtp_server,
)
from sambruk.fixamingata import services, statistics
from sambruk.fixamingata.models import (
    Alert,
    ConfirmationToken,
    Questionnaire,
    Report,
    TokenPurpose,
)
from sambruk.fixamingata.tests.citizen_support import confirmed_report
from sambruk.fixamingata.tests.factories import world as make_world

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fmg(settings, tmp_path, live_server):
    from django.core.cache import cache

    cache.clear()
    settings.DEMO_MODE = True
    settings.SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FIXAMINGATA_TILE_URL = ""  # no tiles offline
    settings.FIXAMINGATA_GEOCODER_URL = ""
    w = make_world()
    yield w
    cache.clear()


def check(page, url: str, heading: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, url
    page.get_by_role("heading", name=heading).first.wait_for()
    assert axe_violations(page) == [], url


def test_public_pages_have_no_axe_violations(
    live_server,
    browser,
    fmg,
    running_smtp,  # noqa: F811 (the fixture imported above)
):
    base = live_server.url
    report = confirmed_report(fmg, title="Släckt gatlykta vid skolan")
    statistics.rebuild_daily_stats()
    context = browser.new_context(locale="sv-SE", service_workers="block")
    page = context.new_page()

    # Kommun page (map, list, filters) and its statistics link.
    check(page, base + "/fixamingata/kommun/2181/", "Rapporter i Sandvikens kommun")
    page.wait_for_selector("#fmg-map.leaflet-container")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Statistik för Sandvikens kommun").click()
    page.wait_for_url("**/fixamingata/statistik/2181/")
    assert axe_violations(page) == []
    check(page, base + "/fixamingata/statistik/", "Statistik")

    # Alert form → "check your e-mail" → confirmed → unsubscribed.
    check(page, base + "/fixamingata/bevaka/?kommun=2181", "Bevaka")
    page.get_by_role("textbox", name="E-postadress").fill("eva@example.se")
    page.get_by_role("button", name="Starta bevakningen").click()
    page.get_by_role("heading", name="Kolla din e-post").wait_for()
    assert axe_violations(page) == []
    alert = Alert.objects.get(email="eva@example.se")
    token = ConfirmationToken.objects.get(purpose=TokenPurpose.ALERT, object_id=alert.pk).token
    check(page, f"{base}/fixamingata/bevakning/bekrafta/{token}/", "Bevakningen är startad")
    check(
        page,
        f"{base}/fixamingata/bevakning/avsluta/{alert.unsubscribe_token}/",
        "Bevakningen är avslutad",
    )

    # Token error page (an unknown link) and the questionnaire.
    check(page, base + "/fixamingata/bekrafta/finns-inte/", "Länken fungerar inte", 404)
    Report.objects.filter(pk=report.pk).update(sent_at=timezone.now() - timedelta(weeks=5))
    assert services.send_questionnaires() == 1
    q = Questionnaire.objects.get()
    token = ConfirmationToken.objects.get(purpose=TokenPurpose.QUESTIONNAIRE, object_id=q.pk).token
    check(page, f"{base}/fixamingata/enkat/{token}/", "Är felet åtgärdat?")
    context.close()
