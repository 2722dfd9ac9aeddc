"""Självservice: consent, fetching over real HTTP from the SSBTEK simulator, review, provenance,
withdrawal, one agency failing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sambruk.core.audit.models import AuditEvent
from sambruk.ekbist.models import Application, FetchedValue

from .application_support import (  # noqa: F401  (fixtures)
    TOLVAN,
    answers,
    citizen_login,
    eservice,
    fill,
    page_url,
    post_page,
    sign_first,
    ssbtek_sim,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


SINGLE = {
    "hushallet": {"har_medsokande": "no", "hushall-count": "0"},
    "boende": {"boendeform": "hyresratt", "antal_boende": "1", "hyra": "5200"},
    "sysselsattning": {"sokande_sysselsattning": "arbetssokande", "sokande_plan": "Plan"},
}


def to_consent(client, eservice, consent="yes"):  # noqa: F811
    sub, _loc = start(client, eservice)
    pages = answers(**SINGLE)
    fill(
        client, sub, {k: pages[k] for k in ("om_ansokan", "hushallet", "boende", "sysselsattning")}
    )
    response = post_page(client, sub, "sjalvservice", {"sjalvservice": consent})
    return sub, response


def ss_url(sub):
    return reverse("ekbist:selfservice", args=[sub.draft_token])


def test_consent_fetch_review_accept_and_provenance(eservice, ssbtek_sim, login, member):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, response = to_consent(citizen, eservice)
    assert response["Location"] == ss_url(sub)
    page = citizen.get(ss_url(sub))
    assert page.status_code == 200 and "Hämta mina uppgifter" in page.text
    application = Application.objects.get(submission=sub)
    assert application.state == "draft" and application.selfservice_consent_at

    fetched = citizen.post(ss_url(sub), {"action": "fetch"})
    assert fetched.status_code == 200, fetched.text[:2000]
    assert "Bostadsbidrag" in fetched.text and "hämtat från Försäkringskassan" in fetched.text
    assert "8712 kr" in fetched.text  # a-kassa, net after tax
    values = {v.field: v for v in FetchedValue.objects.filter(application=application)}
    assert values["income:fk:bostadsbidrag"].amount == 1850
    assert values["income:so:a_kassa"].amount == 8712
    assert "info:af:arbetssokande" in values
    assert not any(v.accepted for v in values.values())

    chosen = [values["income:fk:bostadsbidrag"].pk, values["income:so:a_kassa"].pk]
    done = citizen.post(ss_url(sub), {"action": "accept", "value": chosen})
    assert done.status_code == 302 and done["Location"] == page_url(sub, 5)
    sub.refresh_from_db()
    rows = sub.data["inkomster"]
    assert sorted((r["inkomst_typ"], r["inkomst_belopp"]) for r in rows) == [
        ("a_kassa", 871200),
        ("bostadsbidrag", 185000),
    ]
    income_page = citizen.get(page_url(sub, 5))
    assert re.search(r"8\W?712", income_page.text)

    # The applicant changes the a-kassa amount before signing: only FK keeps its provenance.
    post_page(
        citizen,
        sub,
        "inkomster",
        {
            "inkomster-count": "2",
            **{
                f"inkomster-{i}-{k}": v
                for i, r in enumerate(rows)
                for k, v in {
                    "inkomst_person": r["inkomst_person"],
                    "inkomst_typ": r["inkomst_typ"],
                    "inkomst_belopp": "8000" if r["inkomst_typ"] == "a_kassa" else "1850",
                    "inkomst_beskrivning": r["inkomst_beskrivning"],
                }.items()
            },
        },
    )
    rest = answers()
    fill(citizen, sub, {k: rest[k] for k in ("kostnader", "tillgangar", "bilagor", "ovrigt")})
    sign_first(citizen, sub)
    application.refresh_from_db()
    assert application.state == "submitted"
    sources = {i["type"]: i["source"] for i in application.data["incomes"]}
    assert sources == {"bostadsbidrag": "FK", "a_kassa": ""}
    assert FetchedValue.objects.get(field="income:fk:bostadsbidrag").accepted
    assert not FetchedValue.objects.get(field="income:so:a_kassa").accepted
    reads = AuditEvent.objects.filter(action="read", object_id=str(application.pk))
    assert reads.filter(purpose__startswith="Självservice").exists()

    # The caseworker sees each value's provenance; the read is audited.
    worker = member(eservice.organisation, role="ekbist_caseworker")
    staff = login(Client(), worker)
    view = staff.get(reverse("ekbist:application", args=[application.pk]))
    assert view.status_code == 200
    assert "hämtat från Försäkringskassan" in view.text and "1850 kr/mån" in view.text
    assert "inte använd eller ändrad av sökande" in view.text
    assert AuditEvent.objects.filter(
        action="read", object_id=str(application.pk), actor=worker
    ).exists()


def test_withdrawing_consent_deletes_unsubmitted_values_and_prefilled_rows(eservice, ssbtek_sim):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _response = to_consent(citizen, eservice)
    citizen.get(ss_url(sub))
    citizen.post(ss_url(sub), {"action": "fetch"})
    ids = list(FetchedValue.objects.values_list("pk", flat=True))
    citizen.post(ss_url(sub), {"action": "accept", "value": ids})
    sub.refresh_from_db()
    assert len(sub.data["inkomster"]) == 3  # bostadsbidrag, barnbidrag, a-kassa
    # The applicant adds an income of their own; withdrawing keeps it.
    own = {
        "inkomst_person": "sokande",
        "inkomst_typ": "lon",
        "inkomst_belopp": 100000,
    }
    sub.data["inkomster"].append(own)
    sub.save(update_fields=["data"])

    back = citizen.post(ss_url(sub), {"action": "withdraw"})
    assert back.status_code == 302
    assert not FetchedValue.objects.exists()
    sub.refresh_from_db()
    assert sub.data["inkomster"] == [own] and sub.data["sjalvservice"] == "no"
    application = Application.objects.get(submission=sub)
    assert application.selfservice_consent_withdrawn_at is not None
    # Fetching stops: without consent nothing is fetched.
    refused = citizen.post(ss_url(sub), {"action": "fetch"})
    assert refused.status_code == 400 and "inte samtyckt" in refused.text
    assert not FetchedValue.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(application.pk)).exists()


def test_answering_no_on_the_consent_page_withdraws(eservice, ssbtek_sim):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _response = to_consent(citizen, eservice)
    citizen.get(ss_url(sub))
    citizen.post(ss_url(sub), {"action": "fetch"})
    assert FetchedValue.objects.exists()
    response = post_page(citizen, sub, "sjalvservice", {"sjalvservice": "no"})
    assert response["Location"] == page_url(sub, 5)
    assert not FetchedValue.objects.exists()


def test_one_agency_timing_out_keeps_the_others(eservice, ssbtek_sim):  # noqa: F811
    ssbtek_sim.errors["191212121212"] = {
        "FK": ("BT", "FK-504", "Försäkringskassan svarade inte i tid (timeout).")
    }
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _response = to_consent(citizen, eservice)
    citizen.get(ss_url(sub))
    response = citizen.post(ss_url(sub), {"action": "fetch"})
    assert response.status_code == 200
    assert "Alla uppgifter kunde inte hämtas" in response.text
    assert "Försäkringskassan: Försäkringskassan svarade inte i tid" in response.text
    agencies = set(FetchedValue.objects.values_list("agency", flat=True))
    assert agencies == {"SO", "AF", "CSN"}


def test_ssbtek_unreachable_gives_a_message_and_stores_nothing(eservice, settings):  # noqa: F811
    settings.SSBTEK_URL = "http://127.0.0.1:9/"
    settings.SSBTEK_TIMEOUT = 2
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _response = to_consent(citizen, eservice)
    citizen.get(ss_url(sub))
    response = citizen.post(ss_url(sub), {"action": "fetch"})
    assert response.status_code == 503 and "Det gick inte att ansluta till SSBTEK" in response.text
    assert not FetchedValue.objects.exists()


def test_another_citizen_cannot_use_the_link(eservice, ssbtek_sim):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _response = to_consent(citizen, eservice)
    other = Client()
    citizen_login(other, 1)
    assert other.get(ss_url(sub)).status_code == 403
    assert other.post(ss_url(sub), {"action": "fetch"}).status_code == 403
    assert not FetchedValue.objects.exists()
