"""Multifråga against the SSBTEK simulator over real HTTP: snapshot, audit, case log, faults."""

from __future__ import annotations

import datetime as dt

import pytest

from sambruk.cases.models import CaseLogEntry
from sambruk.core.audit.models import AuditEvent
from sambruk.ekbist.models import MultifragaQuery
from sambruk.ekbist.services import multifraga as mf

from .decision_helpers import TESTA, TOLVAN, couple_data, make_application, staff
from .multifraga_support import ssbtek_sim  # noqa: F401  (fixture ``ssbtek``)

ALL = list(mf.AGENCIES)
PURPOSE = "Utredning av rätt till ekonomiskt bistånd, december"


def verified(user):
    """As django-otp's middleware marks a user who gave the second factor."""
    user.is_verified = lambda: True
    return user


@pytest.fixture
def setup(db, org_factory):
    class S:
        pass

    s = S()
    s.org = org_factory(organisationsnummer="2120000000")
    s.worker = verified(staff(s.org))
    s.application = make_application(s.org, s.worker, data=couple_data(), co_applicant=TESTA)
    s.period = mf.default_period(s.application)
    return s


def run(s, *, persons=(TOLVAN, TESTA), agencies=ALL, actor=None, purpose=PURPOSE, period=None):
    start, end = period or s.period
    return mf.run_multifraga(
        s.application,
        actor=actor or s.worker,
        persons=list(persons),
        agencies=list(agencies),
        period_from=start,
        period_to=end,
        purpose=purpose,
    )


def part(query, pnr, agency):
    person = next(p for p in query.result["persons"] if p["civic_number"] == pnr)
    return next(a for a in person["agencies"] if a["agency"] == agency)


def test_household_query_with_one_agency_failing(setup, ssbtek):
    ssbtek.config.latency = 0.05  # so that parallel calls overlap at the server
    query = run(setup)
    query.refresh_from_db()  # what is stored, not what was built in memory
    # 2 persons × 7 agencies, one call each, answered in parallel
    assert ssbtek.requests == 14
    assert sorted(ssbtek.asked) == sorted((p, (a,)) for p in (TOLVAN, TESTA) for a in ALL)
    assert ssbtek.max_in_flight > 1
    assert query.case_id == setup.application.case_id
    # The legal basis: the socialtjänstlag in force (2025:400) and the register ordinance with
    # the old paragraphs it refers to — stored, and sent as SSBTEK's lagtext in every request.
    expected_basis = (
        "socialtjänstlagen (2025:400); förordningen (2008:975) om uppgiftsskyldighet i vissa "
        "fall enligt socialtjänstlagen, jfr 11 kap. 11–11 b §§ socialtjänstlagen (2001:453)"
    )
    assert query.legal_basis == expected_basis
    assert ssbtek.lagtexts == [expected_basis] * 14
    assert query.period_from == dt.date(2023, 9, 1) and query.period_to == dt.date(2023, 11, 30)
    assert [p["personnummer"] for p in query.persons] == [TOLVAN, TESTA]
    assert query.error_count == 1

    af = part(query, TOLVAN, "AF")
    assert af["status"] == "ok"
    assert ["Inskriven som arbetssökande", "Ja"] in af["facts"]
    assert part(query, TOLVAN, "TNS")["vehicles"][0]["regnr"] == "ABC123"
    so = part(query, TOLVAN, "SO")["payments"]
    assert so[0]["amount"] == "8712.00" and so[0]["month"] == "2026-09"
    tolvan = query.result["persons"][0]
    september = next(m for m in tolvan["payments_by_month"] if m["month"] == "2026-09")
    assert september["total"] == "8712.00"
    assert part(query, TOLVAN, "SKV")["taxation"][0]["year"] == "2026"
    # the simulator's CSN fails for Testa: her CSN part has the error, the rest answered
    csn = part(query, TESTA, "CSN")
    assert csn["status"] == "error"
    assert "CSN:s tjänst är inte tillgänglig just nu." in csn["error"]
    assert all(part(query, TESTA, a)["status"] != "error" for a in ALL if a != "CSN")

    events = AuditEvent.objects.filter(
        object_type="ekbist.multifragaquery", object_id=str(query.pk)
    )
    assert sorted(e.person_civic_number for e in events) == sorted([TOLVAN, TESTA])
    for event in events:
        assert event.action == "read"
        assert event.actor == setup.worker
        assert event.purpose == PURPOSE
        assert event.organisation_id == setup.org.pk
        assert event.changes["legal_basis"] == mf.LEGAL_BASIS
        assert event.changes["agencies"] == ALL
    assert {e.person_civic_number: e.changes["errors"] for e in events} == {
        TOLVAN: [],
        TESTA: ["CSN"],
    }

    log = CaseLogEntry.objects.filter(case_id=query.case_id).order_by("-pk").first()
    assert log.text.startswith("Multifråga ")
    assert "19121212-****" in log.text and TOLVAN not in log.text
    assert "Lagstöd: socialtjänstlagen (2025:400); förordningen (2008:975)" in log.text
    assert "jfr 11 kap. 11–11 b §§ socialtjänstlagen (2001:453)" in log.text
    assert "1 myndighetssvar med fel" in log.text


def test_one_call_per_person_when_configured(setup, ssbtek, settings):
    settings.SSBTEK_MULTIFRAGA_SPLIT = "person"
    query = run(setup)
    assert ssbtek.requests == 2
    assert query.error_count == 1
    assert part(query, TOLVAN, "MIV")["permits"] == []
    assert part(query, TOLVAN, "TNS")["vehicles"][0]["regnr"] == "ABC123"


def test_a_timeout_of_one_agency_spoils_nothing_else(setup, ssbtek):
    ssbtek.faults = {"TNS": "timeout"}
    query = run(setup, persons=[TOLVAN])
    tns = part(query, TOLVAN, "TNS")
    assert tns["status"] == "error"
    assert "svarade inte inom" in tns["error"]
    assert [a for a in ALL if part(query, TOLVAN, a)["status"] == "ok"] == [
        a for a in ALL if a != "TNS"
    ]
    assert query.error_count == 1


def test_malformed_and_schema_invalid_answers_are_errors_per_agency(setup, ssbtek):
    ssbtek.faults = {"SKV": "garbage", "AF": "schema", "TNS": "schema"}
    query = run(setup, persons=[TOLVAN])
    assert "inte giltig XML" in part(query, TOLVAN, "SKV")["error"]
    for agency, name in (("AF", "Arbetsförmedlingen"), ("TNS", "Transportstyrelsen")):
        broken = part(query, TOLVAN, agency)
        assert broken["status"] == "error"
        assert broken["error"] == (
            f"Svaret från {name} följer inte tjänstens schema och har inte använts."
        )
        assert broken["facts"] == [] and broken["vehicles"] == []
    assert part(query, TOLVAN, "SO")["payments"]
    assert query.error_count == 3


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"persons": ["197010632391"]}, "invalid", "ingår i ansökans hushåll"),
        ({"persons": ["not a number"]}, "invalid", "ingår i ansökans hushåll"),
        ({"persons": []}, "invalid", "minst en person"),
        ({"agencies": []}, "invalid", "minst en myndighet"),
        ({"agencies": ["AF", "XYZ"]}, "invalid", "Okänd myndighet"),
        ({"purpose": "   "}, "invalid", "syftet"),
        ({"purpose": "x" * 201}, "invalid", "högst 200 tecken"),
        (
            {"period": (dt.date(2023, 11, 1), dt.date(2023, 10, 1))},
            "invalid",
            "före dess början",
        ),
        ({"period": (dt.date(2020, 1, 1), dt.date(2023, 1, 1))}, "invalid", "högst 24"),
        ({"period": (dt.date(2999, 1, 1), dt.date(2999, 2, 1))}, "invalid", "framtiden"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_sent(setup, ssbtek, change, code, message):
    with pytest.raises(mf.MultifragaError, match=message) as refused:
        run(setup, **change)
    assert refused.value.code == code
    assert ssbtek.requests == 0
    assert not MultifragaQuery.objects.exists()
    assert not AuditEvent.objects.filter(object_type="ekbist.multifragaquery").exists()


def test_refused_without_second_factor_role_or_in_another_kommun(setup, ssbtek, org_factory):
    unverified = staff(setup.org)
    with pytest.raises(mf.MultifragaError, match="tvåstegsverifiering") as refused:
        run(setup, actor=unverified)
    assert refused.value.code == "second_factor"
    not_social = verified(staff(setup.org, "caseworker"))
    with pytest.raises(mf.MultifragaError, match="behörighet") as refused:
        run(setup, actor=not_social)
    assert refused.value.code == "permission"
    elsewhere = verified(staff(org_factory()))
    with pytest.raises(mf.MultifragaError, match="behörighet"):
        run(setup, actor=elsewhere)
    assert ssbtek.requests == 0
    assert not MultifragaQuery.objects.exists()


def test_household_persons_are_the_application_members(setup):
    persons = mf.household_persons(setup.application)
    assert [(p.civic_number, p.role) for p in persons] == [
        (TOLVAN, "sokande"),
        (TESTA, "medsokande"),
    ]
    assert persons[0].masked == "19121212-****"
