"""Statistics: DailyStats rebuilt from reports, the figures, the public pages, CSV, staff."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sambruk.fixamingata import services, statistics
from sambruk.fixamingata.models import DailyStats, Report, ReportState, Source

from .factories import GAVLE, SANDVIKEN

pytestmark = pytest.mark.django_db


def submit(world, body, name, point, *, source=Source.STAFF, title="Trasig lykta"):
    return services.submit_report(
        lat=point[0],
        lon=point[1],
        category=world.cat(body, name),
        title=title,
        detail="",
        photos=[],
        name="Åsa Öberg",
        email="asa@example.se",
        phone="",
        show_name=False,
        source=source,
    )


@pytest.fixture
def data(world, member):
    """Sandviken: 3 reports (1 unconfirmed, 1 fixed, 1 open); Gävle: 1 open (Snöröjning)."""
    worker = member(world.sandviken, "caseworker")
    submit(world, world.sandviken_body, "Klotter", SANDVIKEN, source=Source.WEB)
    fixed = submit(world, world.sandviken_body, "Gatubelysning", SANDVIKEN)
    services.set_state(fixed, actor=worker, state=ReportState.FIXED, text="Lagat.")
    submit(world, world.sandviken_body, "Gatubelysning", SANDVIKEN)
    submit(world, world.gavle_body, "Snöröjning", GAVLE)
    statistics.rebuild_daily_stats()
    world.worker = worker
    return world


def test_kommun_and_national_figures(data):
    s = statistics.summary(data.sandviken)
    assert (s.reports, s.confirmed, s.unconfirmed, s.fixed) == (3, 2, 1, 1)
    assert s.share_unconfirmed == pytest.approx(1 / 3)
    assert s.share_fixed == pytest.approx(0.5)
    assert s.median_fix_days is not None and 0 <= s.median_fix_days < 0.01
    assert s.open == 1

    national = statistics.summary()
    assert (national.reports, national.unconfirmed, national.fixed) == (4, 1, 1)
    cats = {c.label: c for c in statistics.per_category(data.sandviken)}
    assert cats["Gatubelysning"].reports == 2 and cats["Gatubelysning"].fixed == 1
    assert cats["Klotter"].unconfirmed == 1


def test_incremental_rebuild_follows_state_changes(data):
    open_report = Report.objects.get(
        kommun=data.sandviken, state=ReportState.CONFIRMED, category__name="Gatubelysning"
    )
    since = timezone.now()
    services.set_state(open_report, actor=data.worker, state=ReportState.FIXED, text="Klart.")
    assert statistics.summary(data.sandviken).fixed == 1  # not yet aggregated
    rows = statistics.rebuild_daily_stats(since=since)
    assert rows >= 1
    assert statistics.summary(data.sandviken).fixed == 2
    assert statistics.summary(data.gavle).reports == 1  # untouched kommun unchanged
    full = {(r.kommun_id, r.category_id, r.day, r.fixed) for r in DailyStats.objects.all()}
    statistics.rebuild_daily_stats()
    assert full == {(r.kommun_id, r.category_id, r.day, r.fixed) for r in DailyStats.objects.all()}


def test_monthly_trend_fills_gaps(data):
    old = Report.objects.filter(kommun=data.gavle).first()
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=70))
    statistics.rebuild_daily_stats()
    trend = statistics.trend(None, period="month")
    assert len(trend) == 3
    assert [s.reports for _d, s in trend] == [1, 0, 3]
    weeks = statistics.trend(None, period="week")
    assert sum(s.reports for _d, s in weeks) == 4
    assert all((b - a).days == 7 for (a, _s), (b, _t) in zip(weeks, weeks[1:], strict=False))


def test_responsive_kommuner_needs_a_minimum_of_fixed_reports(data):
    assert statistics.responsive_kommuner() == []  # Sandviken has 1 fixed, threshold 5
    top = statistics.responsive_kommuner(min_fixed=1)
    assert [name for _id, name, _code, _s in top] == ["Sandvikens kommun"]


def test_public_pages_have_svg_charts_and_no_inline_script_or_style(client, data):
    page = client.get("/fixamingata/statistik/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<rect" in html
    assert "Andel som aldrig bekräftades" in html
    assert "33 %" in html  # 1 of 3 reports in Sandviken… and 1 of 4 nationally is 25 %
    assert "25 %" in html
    assert "Sandvikens kommun" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html

    kommun = client.get("/fixamingata/statistik/2181/?period=30")
    assert kommun.status_code == 200
    assert "Sandvikens kommun" in kommun.content.decode()
    assert "33 %" in kommun.content.decode()
    assert client.get("/fixamingata/statistik/9999/").status_code == 404


def test_csv_export(client, data):
    response = client.get("/fixamingata/statistik/2181/statistik.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == statistics.CSV_HEADER
    by_cat = {r[3]: r for r in rows[1:]}
    assert by_cat["Gatubelysning"][:2] == ["2181", "Sandvikens kommun"]
    assert by_cat["Gatubelysning"][4:9] == ["2", "2", "0", "1", "0"]
    assert by_cat["Klotter"][6] == "1"
    national = client.get("/fixamingata/statistik/statistik.csv").content.decode()
    assert "2180,Gävle kommun" in national


def test_staff_dashboard_shows_only_the_users_organisation(client, login, data):
    assert client.get("/fixamingata/personal/statistik/").status_code == 302
    login(client, data.worker)
    page = client.get("/fixamingata/personal/statistik/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Gatubelysning" in html and "Åtgärdad" in html
    assert "Snöröjning" not in html  # Gävle's category
    assert "3 rapporter" in html
    assert "<svg" in html


def test_statistics_pages_are_linked(client, login, data):
    start = client.get("/fixamingata/").content.decode()
    assert 'href="/fixamingata/statistik/"' in start  # FixaMinGata menu
    kommun = client.get("/fixamingata/kommun/2181/").content.decode()
    assert '<a href="/fixamingata/statistik/2181/">Statistik för Sandvikens kommun</a>' in kommun
    login(client, data.worker)
    staff_start = client.get("/").content.decode()
    assert 'href="/fixamingata/personal/statistik/"' in staff_start
