"""The caseworker's application overview over HTTP: content, calculation, audit, access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sambruk.core.audit.models import AuditEvent
from sambruk.core.persons.models import Protection
from sambruk.ekbist.models import HousingCap, LocalGuideline
from sambruk.ekbist.services.overview import PURPOSE

from .decision_helpers import (
    TESTA,
    TOLVAN,
    couple_data,
    load_norm,
    make_application,
    staff,
    tolvan,
)


@pytest.fixture
def setup(db, org_factory):
    class S:
        pass

    load_norm()
    s = S()
    s.org = org_factory()
    s.worker = staff(s.org)
    data = couple_data(rent=7000, electricity=350, income=4000)
    data["members"].append(
        {
            "role": "barn",
            "name": "Lilla Tolvansson",
            "civic_number": "",
            "birth_date": "2018-05-01",
            "residence": "vaxelvis",
            "days_per_month": 15,
            "school_lunch": True,
        }
    )
    data["housing"].update(
        residents=3, rooms=3, landlord="Sandvikenhus", address="Testgatan 12, Sandviken"
    )
    data["members"][0]["occupation"] = {"kind": "arbetssokande", "plan": "Handlingsplan AF"}
    data["incomes"].append(
        {"person": "medsokande", "type": "bostadsbidrag", "amount": 1200, "source": "FK"}
    )
    data["assets"] = [
        {"type": "fordon", "owner": "sokande", "description": "Volvo V70 2012", "value": 15000}
    ]
    data["attachments"] = [{"kind": "hyresavi", "name": "hyresavi-december.pdf", "file_id": 1}]
    data["costs"]["ovrigt"] = [{"text": "Glasögon", "amount": 900}]
    s.application = make_application(s.org, s.worker, data=data, co_applicant=TESTA)
    s.url = reverse("ekbist:overview", args=[s.application.pk])
    return s


def test_overview_shows_data_calculation_and_audits_the_read(setup, client, login):
    login(client, setup.worker)
    response = client.get(setup.url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Tolvan Tolvansson",
        "19121212-1212",
        "Testa Påhittadsson",
        "Lilla Tolvansson",
        "växelvis boende, 15 dagar/mån, lunch i förskola/skola",
        "Arbetssökande",
        "Testgatan 12, Sandviken",
        "Sandvikenhus",
        "Bostadsbidrag",
        "hämtat från Försäkringskassan",
        "Volvo V70 2012",
        "hyresavi-december.pdf",
        "Glasögon",
        # the need calculation for the month applied for (riksnorm 2023), line by line
        "Beräkning enligt riksnormen 2023",
        "Personliga kostnader, sammanboende vuxna",
        "växelvis boende 15/30 dagar)",
        "Kommunen har ingen riktlinje för boendekostnad för 2023",
        "Ingen Multifråga har gjorts i ärendet.",
    ):
        assert text in html, text
    calculation = response.context["calculation"]
    assert calculation.year == 2023
    assert calculation.income_total == 5200
    assert calculation.need == calculation.norm_total + calculation.costs_total - 5200
    assert f"<td>{calculation.need}</td>" in html

    reads = AuditEvent.objects.filter(
        action="read", object_type="ekbist.application", object_id=str(setup.application.pk)
    )
    assert sorted(reads.values_list("person_civic_number", flat=True)) == sorted([TESTA, TOLVAN])
    assert set(reads.values_list("purpose", flat=True)) == {PURPOSE}
    assert set(reads.values_list("actor", flat=True)) == {setup.worker.pk}


def test_housing_capped_by_the_kommuns_guideline(setup, client, login):
    guideline = LocalGuideline.objects.create(
        organisation=setup.org, year=2023, source="SN 2023-01-15 § 4"
    )
    HousingCap.objects.create(guideline=guideline, household_size=1, max_amount=6500)
    login(client, setup.worker)
    html = client.get(setup.url).content.decode()
    assert "Boendekostnad (begränsad till riktlinjens 6500 kr för 3 personer)" in html
    assert "kommunens riktlinje för 2023 (SN 2023-01-15 § 4)" in html
    assert "sökt 7000 kr" in html


def test_missing_riksnorm_year_and_contradictory_data_give_clear_messages(setup, client, login):
    login(client, setup.worker)
    setup.application.period = dt.date(2031, 1, 1)
    setup.application.save(update_fields=["period"])
    response = client.get(setup.url)
    assert response.status_code == 200
    assert "Riksnormen för 2031 finns inte inlagd" in response.content.decode()

    setup.application.period = dt.date(2023, 12, 1)
    data = setup.application.data
    data["members"] = [m for m in data["members"] if m["role"] == "barn"]  # no adult
    setup.application.data = data
    setup.application.save(update_fields=["period", "data"])
    response = client.get(setup.url)
    assert response.status_code == 200
    assert "Beräkningen kan inte göras" in response.content.decode()
    assert "minst en vuxen" in response.content.decode()


def test_protected_applicants_address_is_hidden(setup, client, login):
    tolvan(Protection.SKYDDAD_FOLKBOKFORING)
    login(client, setup.worker)
    html = client.get(setup.url).content.decode()
    assert "Testgatan 12, Sandviken" not in html
    assert "Skyddad – visas inte" in html


def test_access_by_role_tenant_and_second_factor(setup, client, login, org_factory):
    client.force_login(setup.worker)  # no second factor yet: finish the login first
    response = client.get(setup.url)
    assert response.status_code == 302 and reverse("accounts:otp") in response["Location"]
    client.logout()

    login(client, staff(setup.org, "ekbist_finance"))
    assert client.get(setup.url).status_code == 403
    client.logout()

    login(client, staff(org_factory()))
    assert client.get(setup.url).status_code == 404
    assert not AuditEvent.objects.filter(action="read", object_type="ekbist.application").exists()


def test_workspace_case_page_links_to_the_overview(setup, client, login):
    login(client, setup.worker)
    html = client.get(reverse("workspace:case", args=[setup.application.case_id])).content
    assert setup.url in html.decode()
