"""Statistics on a known dataset: cases made through the services, then given explicit
timestamps with ``queryset.update`` (no clock faking)."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sambruk.cases import services, statistics
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import Case, Resolution
from sambruk.core.organisations.models import OrgUnit

from .factories import CaseTypeFactory, QueueFactory, caseworker


def at(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


D = datetime.date
PERIOD = {"period_from": D(2020, 3, 2), "period_to": D(2020, 3, 22)}  # ISO weeks 10–12


@pytest.fixture
def data(db, org_factory):
    s = type("S", (), {})()
    s.org = org_factory()
    s.unit = OrgUnit.objects.create(organisation=s.org, name="Samhällsbyggnad")
    s.subunit = OrgUnit.objects.create(organisation=s.org, name="Gata", parent=s.unit)
    s.type_a = CaseTypeFactory(organisation=s.org, name="Felanmälan", resolutions=["Åtgärdat"])
    Resolution.objects.create(case_type=s.type_a, name="Avvisat")
    s.type_b = CaseTypeFactory(organisation=s.org, name="Synpunkt")
    s.q1 = QueueFactory(organisation=s.org, name="Gatuenheten", orgunit=s.subunit)
    s.q2 = QueueFactory(organisation=s.org, name="Kundtjänst")
    s.worker = caseworker(s.org, queues=[s.q1, s.q2])
    s.admin = caseworker(s.org, role="org_admin")
    s.auditor = caseworker(s.org, role="auditor")
    today = timezone.localdate()

    def make(queue, case_type, created, closed=None, resolution=None, due=None):
        case = services.do_create(
            actor=s.worker, queue=queue, case_type=case_type, title="Statistikärende"
        )
        if closed:
            case = services.do_assign(case, actor=s.worker)
            res = (
                Resolution.objects.get(case_type=case_type, name=resolution) if resolution else None
            )
            case = services.do_close(case, actor=s.worker, resolution=res)
        Case.objects.filter(pk=case.pk).update(created_at=created, closed_at=closed, due_date=due)
        return case

    # Open backlog in q1/type A: two cases in each age bucket; three overdue.
    for i, age in enumerate((0, 7, 8, 30, 31, 90, 91, 200)):
        due = today - datetime.timedelta(days=1) if i < 3 else None
        make(s.q1, s.type_a, at(today - datetime.timedelta(days=age), 0), due=due)
    # Closed in the period: type A takes 1, 2, 3, 4 and 10 days; type B 5 days.
    for created, days, resolution in (
        (D(2020, 3, 2), 1, "Åtgärdat"),
        (D(2020, 3, 3), 2, "Åtgärdat"),
        (D(2020, 3, 4), 3, "Åtgärdat"),
        (D(2020, 3, 9), 4, "Avvisat"),
        (D(2020, 3, 10), 10, None),
    ):
        make(s.q1, s.type_a, at(created), at(created + datetime.timedelta(days=days)), resolution)
    make(s.q2, s.type_b, at(D(2020, 3, 16)), at(D(2020, 3, 21)))
    # Still open, created in week 12, in q2.
    make(s.q2, s.type_b, at(D(2020, 3, 17)))
    # Another organisation's closed case in the same weeks never counts.
    other = org_factory()
    other_type = CaseTypeFactory(organisation=other, name="Felanmälan")
    other_queue = QueueFactory(organisation=other, name="Gatuenheten")
    s.stranger = caseworker(other, queues=[other_queue])
    services.do_create(actor=s.stranger, queue=other_queue, case_type=other_type, title="Annan")
    Case.objects.filter(organisation=other).update(created_at=at(D(2020, 3, 3)))
    # A restricted case that the worker cannot see does not count for them.
    s.secretive = caseworker(s.org, queues=[s.q1])
    services.do_create(
        actor=s.secretive, queue=s.q1, case_type=s.type_a, title="Hemligt", restricted=True
    )
    return s


def rows_by_first(table):
    return {row[0]: row[1:] for row in table.rows}


def test_backlog_per_queue_and_type_with_age_buckets_and_overdue(data):
    stats = statistics.compute(data.worker, **PERIOD)
    per_queue = rows_by_first(stats.table("backlog_queue"))
    #                        open  0–7 8–30 31–90 >90 overdue
    assert per_queue == {"Gatuenheten": [8, 2, 2, 2, 2, 3], "Kundtjänst": [1, 0, 0, 0, 1, 0]}
    per_type = rows_by_first(stats.table("backlog_case_type"))
    assert per_type == {"Felanmälan": [8, 2, 2, 2, 2, 3], "Synpunkt": [1, 0, 0, 0, 1, 0]}
    assert stats.table("backlog_queue").columns[2:6] == [
        "0–7 dagar",
        "8–30 dagar",
        "31–90 dagar",
        ">90 dagar",
    ]


def test_inflow_and_outflow_per_iso_week(data):
    stats = statistics.compute(data.worker, **PERIOD)
    assert stats.table("flow").rows == [
        ["2020-W10", 3, 3],
        ["2020-W11", 2, 1],
        ["2020-W12", 2, 2],
    ]


def test_time_to_close_median_and_p90(data):
    stats = statistics.compute(data.worker, **PERIOD)
    assert rows_by_first(stats.table("time_to_close")) == {
        "Felanmälan": [5, 3.0, 7.6],
        "Synpunkt": [1, 5.0, 5.0],
    }


def test_resolutions(data):
    stats = statistics.compute(data.worker, **PERIOD)
    got = {(r[0], r[1]): r[2:] for r in stats.table("resolutions").rows}
    assert got == {
        ("Felanmälan", "Åtgärdat"): [3, 60.0],
        ("Felanmälan", "Avvisat"): [1, 20.0],
        ("Felanmälan", "Inget utfall"): [1, 20.0],
        ("Synpunkt", "Inget utfall"): [1, 100.0],
    }


def test_filters_queue_type_orgunit_and_period(data):
    by_queue = statistics.compute(data.worker, queue=data.q2, **PERIOD)
    assert rows_by_first(by_queue.table("backlog_queue")) == {"Kundtjänst": [1, 0, 0, 0, 1, 0]}
    assert by_queue.table("flow").rows == [
        ["2020-W10", 0, 0],
        ["2020-W11", 0, 0],
        ["2020-W12", 2, 1],
    ]
    by_type = statistics.compute(data.admin, case_type=data.type_a.pk, **PERIOD)
    assert list(rows_by_first(by_type.table("time_to_close"))) == ["Felanmälan"]
    # The organisation unit covers its sub-units: q1 belongs to "Gata" under "Samhällsbyggnad".
    by_unit = statistics.compute(data.worker, orgunit=data.unit, **PERIOD)
    assert list(rows_by_first(by_unit.table("backlog_queue"))) == ["Gatuenheten"]
    week_11 = statistics.compute(data.worker, period_from="2020-03-09", period_to="2020-03-15")
    assert week_11.table("flow").rows == [["2020-W11", 2, 1]]
    assert rows_by_first(week_11.table("time_to_close")) == {"Felanmälan": [1, 4.0, 4.0]}
    with pytest.raises(CaseActionError) as error:
        statistics.compute(data.worker, period_from="2020-03-22", period_to="2020-03-02")
    assert error.value.code == "invalid_period"
    with pytest.raises(CaseActionError):
        statistics.compute(data.worker, period_from="förra veckan")


def test_other_organisations_and_users_without_permission_see_nothing_of_ours(data):
    stranger = statistics.compute(data.stranger, **PERIOD)
    assert stranger.table("backlog_queue").rows == [["Gatuenheten", 1, 0, 0, 0, 1, 0]]
    assert stranger.table("time_to_close").rows == []
    assert [r[1] for r in stranger.table("flow").rows] == [1, 0, 0]
    # The restricted case counts only for those who may see it.
    secretive = rows_by_first(statistics.compute(data.secretive, **PERIOD).table("backlog_queue"))
    assert secretive["Gatuenheten"] == [9, 3, 2, 2, 2, 3]
    auditor = statistics.compute(data.auditor, **PERIOD)  # no cases.view_statistics
    assert all(t.rows == [] for t in auditor.tables if t.key != "flow")
    assert all(r[1:] == [0, 0] for r in auditor.table("flow").rows)


def test_csv_export_parses_back(data):
    stats = statistics.compute(data.worker, **PERIOD)
    raw = statistics.to_csv(stats, "time_to_close")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Ärendetyp", "Avslutade", "Median", "90:e percentilen"]
    assert rows[1:] == [["Felanmälan", "5", "3,0", "7,6"], ["Synpunkt", "1", "5,0", "5,0"]]
    everything = statistics.to_csv(stats).decode("utf-8-sig")
    sections = list(csv.reader(io.StringIO(everything), delimiter=";"))
    assert ["Inflöde och utflöde per vecka"] in sections
    assert ["2020-W10", "3", "3"] in sections
    assert ["Gatuenheten", "8", "2", "2", "2", "2", "3"] in sections


def test_xlsx_export_one_sheet_per_table(data):
    stats = statistics.compute(data.worker, **PERIOD)
    workbook = load_workbook(io.BytesIO(statistics.to_xlsx(stats)))
    assert len(workbook.sheetnames) == 1 + len(stats.tables)
    assert workbook.sheetnames[0] == "Urval"
    values = {
        name: [list(r) for r in workbook[name].iter_rows(values_only=True)]
        for name in workbook.sheetnames
    }
    assert ["Period från", "2020-03-02"] in values["Urval"]
    time_sheet = next(v for v in values.values() if v and v[0][0:2] == ["Ärendetyp", "Avslutade"])
    assert time_sheet[1:] == [["Felanmälan", 5, 3.0, 7.6], ["Synpunkt", 1, 5.0, 5.0]]
    flow_sheet = next(v for v in values.values() if v and v[0][0] == "Vecka")
    assert flow_sheet[1:] == [["2020-W10", 3, 3], ["2020-W11", 2, 1], ["2020-W12", 2, 2]]
