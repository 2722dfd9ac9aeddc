"""The e-application over HTTP: publish, fill in, two signers, the Application row, checks."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sambruk.cases.models import Case
from sambruk.core.audit.models import AuditEvent
from sambruk.eforms.models import SubmissionStatus
from sambruk.ekbist.casesetup import CASE_TYPE_NAME, QUEUE_NAME
from sambruk.ekbist.models import Application, ApplicationState

from .application_support import (  # noqa: F401  (fixtures)
    TESTA,
    TOLVAN,
    answers,
    citizen_login,
    eservice,
    fill,
    page_url,
    post_page,
    running_smtp,
    sign_first,
    smtp_server,
    start,
    url,
)

pytestmark = pytest.mark.django_db
MAIL = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


def test_publish_is_idempotent_and_uses_the_social_services_queue(eservice):  # noqa: F811
    from sambruk.ekbist.services.application import publish_eservice

    assert publish_eservice(eservice.organisation).pk == eservice.pk
    assert eservice.queue.name == QUEUE_NAME and eservice.case_type.name == CASE_TYPE_NAME
    assert eservice.signing == "two" and eservice.login_required
    assert eservice.form_version.status == "published"


@MAIL
def test_couple_applies_both_sign_and_the_application_is_normalised(eservice, running_smtp):  # noqa: F811
    first = Client()
    citizen_login(first, TOLVAN)
    sub, _loc = start(first, eservice)
    page = first.get(page_url(sub, 0))
    assert page.status_code == 200 and "Tolvan" in page.text
    fill(first, sub, answers())
    summary = first.get(url("summary", sub))
    assert "Sandvikenhus AB" in summary.text and "Skriv under med e-legitimation" in summary.text
    sign_first(first, sub)
    summary = first.get(url("summary", sub))
    assert "Bjud in medsökande" in summary.text
    first.post(url("invite", sub), {"email": "testa@example.se", "civic_number": "198112189876"})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.AWAITING_SIGNATURE
    assert not Application.objects.filter(state=ApplicationState.SUBMITTED).exists()

    [mail] = running_smtp.wait_for(1)
    link = re.search(
        r"https?://[^/\s]+(/e-tjanster/medsokande/[^/\s]+/)",
        mail.get_body(preferencelist=("plain",)).get_content(),
    ).group(1)
    second = Client()
    citizen_login(second, TESTA)
    done = second.get(second.post(link)["Location"])
    assert done.status_code == 200 and "underskriven av båda" in done.text

    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED
    application = Application.objects.get(submission=sub)
    assert application.case_id == sub.case_id
    case = Case.objects.get(pk=sub.case_id)
    assert case.queue.name == QUEUE_NAME and case.case_type.name == CASE_TYPE_NAME
    assert application.state == ApplicationState.SUBMITTED
    assert application.kind == "nyansokan" and application.period.isoformat() == "2026-12-01"
    assert application.applicant == "191212121212"
    assert application.co_applicant == "198112189876"
    data = application.data
    assert [m["role"] for m in data["members"]] == ["sokande", "medsokande", "barn"]
    assert data["housing"]["rent"] == 7800 and data["costs"]["hushallsel"] == 400
    assert data["incomes"] == [
        {"person": "medsokande", "type": "barnbidrag", "amount": 1250, "label": "", "source": ""}
    ]
    assert data["attachments"][0]["kind"] == "hyresavi"
    assert case.attachments.count() == 1
    assert AuditEvent.objects.filter(object_type__icontains="application", action="create").exists()


def test_single_applicant_signs_alone(eservice):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _loc = start(citizen, eservice)
    pages = answers(
        hushallet={"har_medsokande": "no", "hushall-count": "0"},
        sysselsattning={"sokande_sysselsattning": "arbete"},
        inkomster={
            "inkomster-count": "1",
            "inkomster-0-inkomst_person": "sokande",
            "inkomster-0-inkomst_typ": "lon",
            "inkomster-0-inkomst_belopp": "4 200,50",
        },
        boende={"boendeform": "hyresratt", "antal_boende": "1", "hyra": "5200"},
    )
    fill(citizen, sub, pages)
    done = sign_first(citizen, sub)
    assert done.status_code == 302 and done["Location"] == url("receipt", sub)
    application = Application.objects.get(submission=sub)
    assert application.co_applicant == ""
    assert application.data["incomes"][0]["amount"] == 4201


def test_contradictory_household_is_refused_with_swedish_messages(eservice):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _loc = start(citizen, eservice)
    post_page(citizen, sub, "om_ansokan", answers()["om_ansokan"])
    bad = {
        "har_medsokande": "yes",
        "medsokande_namn": "Testa Påhittadsson",
        "medsokande_pnr": "198112189876",
        "hushall-count": "2",
        "hushall-0-person_namn": "Stora Tolvansson",
        "hushall-0-person_relation": "barn",
        "hushall-0-person_fodd": "2003-01-01",
        "hushall-0-person_boende": "heltid",
        "hushall-1-person_namn": "Annan Sambo",
        "hushall-1-person_relation": "make_sambo",
        "hushall-1-person_fodd": "1985-01-01",
    }
    response = post_page(citizen, sub, "hushallet", bad, expect=200)
    assert "bara upp till 21 år" in response.text
    assert "bara att ha en medsökande" in response.text
    sub.refresh_from_db()
    assert "hushall" not in sub.data  # nothing saved of the refused page
    days = {
        "har_medsokande": "no",
        "hushall-count": "1",
        "hushall-0-person_namn": "Umgänge",
        "hushall-0-person_relation": "barn",
        "hushall-0-person_fodd": "2015-01-01",
        "hushall-0-person_boende": "umgange",
        "hushall-0-person_dagar": "32",
    }
    response = post_page(citizen, sub, "hushallet", days, expect=200)
    assert "32" in response.text and "31" in response.text
    negative = {"boendeform": "hyresratt", "hyra": "-100"}
    post_page(citizen, sub, "hushallet", {"har_medsokande": "no", "hushall-count": "0"})
    response = post_page(citizen, sub, "boende", negative, expect=200)
    assert "Det finns fel i formuläret" in response.text
    sub.refresh_from_db()
    assert "hyra" not in sub.data


def test_missing_required_attachment_blocks_signing(eservice):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _loc = start(citizen, eservice)
    pages = answers(hushallet={"har_medsokande": "no", "hushall-count": "0"})
    pages["sysselsattning"] = {"sokande_sysselsattning": "arbete"}
    pages["boende"] = {"boendeform": "hyresratt", "antal_boende": "1", "hyra": "5200"}
    pages["inkomster"] = {"inkomster-count": "0"}
    del pages["bilagor"]
    fill(citizen, sub, pages, upto="tillgangar")
    response = post_page(citizen, sub, "bilagor", {}, expect=200)
    assert "Hyresavi eller hyreskontrakt" in response.text
    summary = citizen.get(url("summary", sub))
    assert "Hyresavi eller hyreskontrakt" in summary.text
    refused = citizen.post(url("sign", sub))
    done = citizen.get(refused["Location"]) if refused.status_code == 302 else refused
    assert done.status_code == 400 and "obligatoriska" in done.text
    assert not Case.objects.exists() and not Application.objects.exists()


def test_monthly_application_starts_from_last_month(eservice):  # noqa: F811
    citizen = Client()
    citizen_login(citizen, TOLVAN)
    sub, _loc = start(citizen, eservice)
    pages = answers(
        hushallet={
            "har_medsokande": "no",
            "hushall-count": "1",
            **{k: v for k, v in answers()["hushallet"].items() if k.startswith("hushall-0")},
        }
    )
    pages["sysselsattning"] = {"sokande_sysselsattning": "arbetssokande", "sokande_plan": "Plan"}
    pages["inkomster"] = {
        "inkomster-count": "1",
        "inkomster-0-inkomst_person": "sokande",
        "inkomster-0-inkomst_typ": "a_kassa",
        "inkomster-0-inkomst_belopp": "4500",
    }
    pages["boende"] = {**answers()["boende"], "antal_boende": "2"}
    fill(citizen, sub, pages)
    sign_first(citizen, sub)
    first = Application.objects.get(submission=sub)

    again, _loc = start(citizen, eservice)
    data = again.data
    assert data["ansokningstyp"] == "manadsansokan" and data["period"] == "2027-01"
    assert data["hushall"][0]["person_namn"] == "Lilla Tolvansson"
    assert data["hyra"] == 780000 and data["hyresvard"] == "Sandvikenhus AB"
    assert data["inkomster"][0]["inkomst_belopp"] == 450000
    assert data["kostnader"] == ["hyra", "hushallsel"]
    assert "bilaga_hyresavi" not in data  # attachments are given anew
    page = citizen.get(page_url(again, 1))
    assert "Lilla Tolvansson" in page.text
    # Submitted, the new application points at last month's.
    fill(
        citizen,
        again,
        {
            **pages,
            "om_ansokan": {
                **pages["om_ansokan"],
                "ansokningstyp": "manadsansokan",
                "period": "2027-01",
            },
        },
    )
    sign_first(citizen, again)
    follower = Application.objects.get(submission=again)
    assert follower.previous_id == first.pk and follower.kind == "manadsansokan"
    assert follower.period.isoformat() == "2027-01-01"


@MAIL
def test_wrong_person_as_second_signer_leaves_nothing_half_written(eservice, running_smtp):  # noqa: F811
    first = Client()
    citizen_login(first, TOLVAN)
    sub, _loc = start(first, eservice)
    fill(first, sub, answers())
    sign_first(first, sub)
    first.post(url("invite", sub), {"email": "sam@example.se"})  # no personnummer given
    [mail] = running_smtp.wait_for(1)
    link = re.search(
        r"https?://[^/\s]+(/e-tjanster/medsokande/[^/\s]+/)",
        mail.get_body(preferencelist=("plain",)).get_content(),
    ).group(1)
    other = Client()
    citizen_login(other, 2)  # Sam Samordnare, not the medsökande in the application
    response = other.get(other.post(link)["Location"])
    assert response.status_code == 400
    assert "inte den person som anges i ansökan" in response.text
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.AWAITING_SIGNATURE and sub.case_id is None
    assert sub.signatures.count() == 1
    assert not Case.objects.exists() and not Application.objects.exists()
