"""Multifråga pages over HTTP: form, run against the simulator, snapshot; access and bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.core.audit.models import AuditEvent
from sambruk.ekbist.models import MultifragaQuery

from .decision_helpers import TESTA, TOLVAN, couple_data, make_application, staff
from .multifraga_support import ssbtek_sim  # noqa: F401  (fixture ``ssbtek``)

PURPOSE = "Utredning av ansökan för december"


@pytest.fixture
def setup(db, org_factory):
    class S:
        pass

    s = S()
    s.org = org_factory()
    s.worker = staff(s.org, full_name="Sara Socialsekreterare")
    s.application = make_application(s.org, s.worker, data=couple_data(), co_applicant=TESTA)
    s.form_url = reverse("ekbist:multifraga", args=[s.application.pk])
    return s


def post_data(**change):
    data = {
        "persons": [TOLVAN, TESTA],
        "agencies": ["AF", "CSN", "FK", "SKV", "SO", "TNS", "MIV"],
        "period_from": "2023-09-01",
        "period_to": "2023-11-30",
        "purpose": PURPOSE,
    }
    data.update(change)
    return data


def test_caseworker_runs_a_query_and_reads_the_snapshot(setup, ssbtek, client, login):
    login(client, setup.worker)
    form = client.get(setup.form_url)
    assert form.status_code == 200
    page = form.content.decode()
    assert "Sökande: Tolvan Tolvansson 19121212-****" in page
    assert "Medsökande: Testa Påhittadsson 19811218-****" in page
    assert "Transportstyrelsen" in page and 'value="2023-09-01"' in page

    response = client.post(setup.form_url, post_data())
    query = MultifragaQuery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ekbist:multifraga_result", args=[query.pk])
    assert ssbtek.requests == 14

    result = client.get(response["Location"])
    assert result.status_code == 200
    html = result.content.decode()
    assert "Tolvan Tolvansson" in html and "Testa Påhittadsson" in html
    assert "ABC123: Volvo V70 2012" in html  # vehicles
    assert "8712.00" in html  # a-kassa payment, by month
    assert "Utbetalningar per månad" in html
    assert "CSN:s tjänst är inte tillgänglig just nu." in html  # the failing agency
    assert "1 myndighetssvar kunde inte hämtas" in html
    assert PURPOSE in html and "socialtjänstlagen (2025:400); förordningen (2008:975)" in html

    events = AuditEvent.objects.filter(object_type="ekbist.multifragaquery")
    # the query (one per person) and opening the snapshot (one per person)
    assert events.count() == 4
    assert sorted(events.values_list("person_civic_number", flat=True)) == sorted(
        [TOLVAN, TOLVAN, TESTA, TESTA]
    )
    assert set(events.values_list("actor", flat=True)) == {setup.worker.pk}

    overview = client.get(reverse("ekbist:overview", args=[setup.application.pk]))
    assert reverse("ekbist:multifraga_result", args=[query.pk]) in overview.content.decode()


def test_without_second_factor_a_clear_refusal(setup, ssbtek, client):
    client.force_login(setup.worker)  # password only, no TOTP code given
    for response in (client.get(setup.form_url), client.post(setup.form_url, post_data())):
        assert response.status_code == 403
        assert "tvåstegsverifiering" in response.content.decode()
    assert ssbtek.requests == 0
    assert not MultifragaQuery.objects.exists()


def test_access_by_role_and_tenant(setup, ssbtek, client, login, org_factory):
    login(client, setup.worker)
    client.post(setup.form_url, post_data())
    result_url = reverse("ekbist:multifraga_result", args=[MultifragaQuery.objects.get().pk])
    client.logout()

    not_social = staff(setup.org, "caseworker")  # a caseworker outside the social services
    login(client, not_social)
    assert client.get(setup.form_url).status_code == 403
    assert client.post(setup.form_url, post_data()).status_code == 403
    assert client.get(result_url).status_code == 403
    client.logout()

    finance = staff(setup.org, "ekbist_finance")
    login(client, finance)
    assert client.get(setup.form_url).status_code == 403
    assert client.get(result_url).status_code == 403
    client.logout()

    elsewhere = staff(org_factory())
    login(client, elsewhere)
    assert client.get(setup.form_url).status_code == 404
    assert client.post(setup.form_url, post_data()).status_code == 404
    assert client.get(result_url).status_code == 404
    assert MultifragaQuery.objects.count() == 1
    assert ssbtek.requests == 14


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purpose": ""}, "Ange syftet med frågan."),
        ({"persons": []}, "Välj minst en person."),
        ({"persons": ["197010632391"]}, "Välj ett giltigt alternativ"),
        ({"agencies": []}, "Välj minst en myndighet."),
        ({"period_from": "2023-12-01", "period_to": "2023-11-01"}, "före dess början"),
        ({"period_from": "1 sept"}, "Ange datumet som ÅÅÅÅ-MM-DD."),
    ],
)
def test_bad_input_gives_a_swedish_message_and_sends_nothing(
    setup, ssbtek, client, login, change, message
):
    login(client, setup.worker)
    response = client.post(setup.form_url, post_data(**change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ssbtek.requests == 0
    assert not MultifragaQuery.objects.exists()
