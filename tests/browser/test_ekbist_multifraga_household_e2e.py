"""In a real browser: a socialsekreterare runs a Multifråga that includes a child the
application has no personnummer for. A number that does not match the child's birth date is
refused with a Swedish message; the right one is queried and shown. Every page passes axe."""

from __future__ import annotations

import pytest

from sambruk.core.accounts.models import DemoDevice
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.models import MultifragaQuery
from sambruk.ekbist.tests.decision_helpers import TESTA, couple_data, make_application, staff
from sambruk.ekbist.tests.multifraga_support import ssbtek_sim  # noqa: F401  (``ssbtek``)

from .conftest import axe_violations
from .test_ekbist_multifraga_e2e import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "201212121212"


@pytest.fixture
def office(settings):
    settings.DEMO_MODE = True
    org = OrganisationFactory(name="Sandvikens kommun")
    sara = staff(org, email="sara@example.se", full_name="Sara Socialsekreterare")
    DemoDevice.objects.create(user=sara, name="Demo", confirmed=True)
    data = couple_data()
    data["members"].append(
        {
            "role": "barn",
            "name": "Kalle Tolvansson",
            "civic_number": "",
            "birth_date": "2012-12-12",
            "residence": "heltid",
        }
    )
    return make_application(org, sara, data=data, co_applicant=TESTA)


def test_multifraga_for_a_child_with_a_personnummer_entered(live_server, page, office, ssbtek):
    base = live_server.url
    url = f"/ekonomiskt-bistand/ansokningar/{office.pk}/multifraga/"
    log_in(page, base, "sara@example.se", url)
    child = page.get_by_label("Barn: Kalle Tolvansson (född 2012-12-12)")
    assert not child.is_checked()
    number = page.get_by_label("Personnummer för Kalle Tolvansson")
    assert number.is_visible()
    assert axe_violations(page) == []

    child.check()
    page.get_by_label("Medsökande: Testa Påhittadsson 19811218-****").uncheck()
    page.get_by_label("Syfte med frågan").fill("Utredning av ansökan för december")
    number.fill("197010632391")  # a valid number, but not born 2012-12-12
    page.get_by_role("button", name="Skicka frågan").click()
    message = "Personnumret stämmer inte med födelsedatumet 2012-12-12"
    assert page.locator(".error-message", has_text=message).is_visible()
    assert (
        page.get_by_label("Personnummer för Kalle Tolvansson").get_attribute("aria-invalid")
        == "true"
    )
    assert axe_violations(page) == []
    assert ssbtek.requests == 0

    page.get_by_label("Personnummer för Kalle Tolvansson").fill("20121212-1212")
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_selector("text=Kalle Tolvansson")
    assert page.get_by_role("heading", name="Kalle Tolvansson").is_visible()
    assert axe_violations(page) == []
    query = MultifragaQuery.objects.get()
    assert [p["personnummer"] for p in query.persons] == ["191212121212", CHILD]
    assert {pnr for pnr, _agencies in ssbtek.asked} == {"191212121212", CHILD}
