"""The statistics page renders the engine's tables with SVG bars and exports CSV/XLSX."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from sambruk.cases.tests.factories import CaseFactory, QueueFactory
from sambruk.workspace import optional

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(optional.statistics() is None, reason="no sambruk.cases.statistics"),
]


def test_statistics_page_tables_charts_and_exports(ws, org_factory):
    for _ in range(3):
        CaseFactory(queue=ws.queue, actor=ws.worker)
    CaseFactory(queue=ws.queue2, actor=ws.other, closed=True)
    CaseFactory(queue=QueueFactory(organisation=org_factory(), name="Främmande kö"))
    response = ws.client.get(reverse("workspace:statistics"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kontaktcenter" in html and "Främmande kö" not in html
    assert "<svg" in html and "<rect" in html and 'style="' not in html
    assert "export.csv" in html and "export.xlsx" in html

    csv = ws.client.get(reverse("workspace:statistics_export", args=["csv"]))
    assert csv["Content-Type"].startswith("text/csv")
    assert "Kontaktcenter" in csv.content.decode("utf-8-sig")

    xlsx = ws.client.get(reverse("workspace:statistics_export", args=["xlsx"]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert any(
        "Kontaktcenter" in str(cell.value) for sheet in book for row in sheet for cell in row
    )
    assert ws.client.get("/arenden/statistik/export.exe").status_code == 404


def test_statistics_bad_period_shows_error(ws):
    response = ws.client.get(
        reverse("workspace:statistics"), {"period_from": "2024-05-01", "period_to": "2024-01-01"}
    )
    assert response.status_code == 400
    assert "Periodens början måste vara före dess slut." in response.content.decode()
