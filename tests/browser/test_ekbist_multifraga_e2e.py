"""In a real browser: a socialsekreterare opens the application case, the overview with the need
calculation, runs a Multifråga for the household against the SSBTEK simulator (one agency
failing) and reads the stored result. Every page passes axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest

from sambruk.core.accounts.models import DemoDevice
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.models import MultifragaQuery
from sambruk.ekbist.tests.decision_helpers import (
    TESTA,
    couple_data,
    load_norm,
    make_application,
    staff,
)
from sambruk.ekbist.tests.multifraga_support import ssbtek_sim  # noqa: F401  (``ssbtek``)

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lösenord-för-test-1"


@pytest.fixture
def office(settings):
    settings.DEMO_MODE = True
    load_norm()
    org = OrganisationFactory(name="Sandvikens kommun")
    sara = staff(org, email="sara@example.se", full_name="Sara Socialsekreterare")
    DemoDevice.objects.create(user=sara, name="Demo", confirmed=True)
    return make_application(org, sara, data=couple_data(), co_applicant=TESTA)


def log_in(page, base, email, next_url):
    page.goto(base + "/konto/logga-in/?next=" + next_url)
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + next_url)


def test_overview_then_multifraga_for_the_household(live_server, page, office, ssbtek):
    base = live_server.url
    log_in(page, base, "sara@example.se", f"/arenden/{office.case_id}/")
    page.get_by_role("link", name="Översikt och beräkning").click()
    assert page.get_by_role("heading", name="Beräkning enligt riksnormen 2023").is_visible()
    assert page.get_by_text("Ingen Multifråga har gjorts i ärendet.").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Ny Multifråga").click()
    assert page.get_by_role("heading", name="Multifråga").is_visible()
    assert page.get_by_label("Sökande: Tolvan Tolvansson 19121212-****").is_checked()
    assert page.get_by_label("Transportstyrelsen").is_checked()
    assert axe_violations(page) == []
    # Without a purpose the query is not sent.
    page.get_by_role("button", name="Skicka frågan").click()
    assert page.get_by_text("Ange syftet med frågan.").first.is_visible()
    assert axe_violations(page) == []
    assert ssbtek.requests == 0

    page.get_by_label("Syfte med frågan").fill("Utredning av ansökan för december")
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_selector("text=Utbetalningar per månad")
    assert page.get_by_role("heading", name="Tolvan Tolvansson").is_visible()
    assert page.get_by_text("CSN:s tjänst är inte tillgänglig just nu.").is_visible()
    assert page.get_by_text("ABC123: Volvo V70 2012").is_visible()
    assert axe_violations(page) == []
    assert MultifragaQuery.objects.get().error_count == 1
    assert ssbtek.requests == 14
