"""In a real browser: a socialsekreterare opens the application case, decides (partly granted,
with motivation), sees the decision; the ekonomiassistent sees the payment; the statistics page
with its chart. Every page passes axe (WCAG 2.1 A/AA) and breaks no CSP rule."""

from __future__ import annotations

import pytest

from sambruk.core.accounts.models import DemoDevice
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.models import Decision, Outcome
from sambruk.ekbist.tests.decision_helpers import load_norm, make_application, staff, tolvan

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lösenord-för-test-1"


@pytest.fixture
def office(settings):
    settings.DEMO_MODE = True
    load_norm()
    org = OrganisationFactory(name="Sandvikens kommun")
    sara = staff(org, email="sara@example.se", full_name="Sara Socialsekreterare")
    eva = staff(org, "ekbist_finance", email="eva@example.se", full_name="Eva Ekonom")
    for user in (sara, eva):
        DemoDevice.objects.create(user=user, name="Demo", confirmed=True)
    tolvan()
    application = make_application(org, sara)
    return {"application": application}


def log_in(page, base, email, next_url):
    page.goto(base + "/konto/logga-in/?next=" + next_url)
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + next_url)


def test_decide_then_payments_and_statistics(live_server, browser, office):
    base = live_server.url
    application = office["application"]
    csp_errors = []
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, base, "sara@example.se", f"/arenden/{application.case_id}/")
    page.get_by_role("link", name="Beslut", exact=True).click()
    assert page.get_by_role("heading", name="Beslut om ekonomiskt bistånd").is_visible()
    assert page.get_by_role("heading", name="Beräkning enligt riksnormen 2023").is_visible()
    assert axe_violations(page) == []

    # A motivation is required for a partly granted decision: the error is shown first.
    page.get_by_label("Beviljat för Boendekostnad, kr").fill("5000")
    page.get_by_role("button", name="Fatta beslut").click()
    assert page.get_by_text(
        "Ett beslut som inte helt bifaller ansökan ska motiveras."
    ).first.is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Motivering", exact=True).fill("Skälig boendekostnad är 5 000 kr.")
    page.get_by_role("button", name="Fatta beslut").click()
    page.wait_for_selector("text=Beslutet är fattat (Delvis bifall).")
    assert page.get_by_role(
        "heading", name="Beslut om ekonomiskt bistånd: Delvis bifall"
    ).is_visible()
    assert axe_violations(page) == []
    decision = Decision.objects.get()
    assert decision.outcome == Outcome.PARTLY
    assert decision.total_granted == 4620 + 5000 + 300 - 1500

    page.goto(base + "/ekonomiskt-bistand/statistik/?first=2023-10&last=2023-12")
    assert page.get_by_role("img", name="Biståndshushåll per månad").is_visible()
    assert axe_violations(page) == []
    context.close()

    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(page, base, "eva@example.se", "/")
    pay = decision.payments.get().pay_date.isoformat()
    page.goto(base + f"/ekonomiskt-bistand/utbetalningar/?date_from={pay}&date_to={pay}")
    assert page.get_by_role("heading", name=pay).is_visible()
    assert page.get_by_role("link", name="Tolvan Tolvansson").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Välj Tolvan Tolvansson, 8420 kr").check()
    page.get_by_role("button", name="Markera valda som exporterade").click()
    page.wait_for_selector("text=1 utbetalningar markerade som exporterade.")
    context.close()
    assert csp_errors == []
