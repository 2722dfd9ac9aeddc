"""Payments: list per payment date, the CSV for the finance system (content, BOM, ;),
marking as exported, audit, access by role and tenant."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_login
from sambruk.core.audit.models import AuditEvent
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.ekbist.models import Payment
from sambruk.ekbist.services.decision import do_decide
from sambruk.ekbist.services.payments import (
    CSV_COLUMNS,
    PaymentError,
    do_mark_exported,
    payments_csv,
    payments_for,
)

from .decision_helpers import TESTA, case_setup, load_norm, make_application, single_data, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY1 = TODAY + dt.timedelta(days=5)
DAY2 = TODAY + dt.timedelta(days=12)


@pytest.fixture
def kommun():
    load_norm()
    return OrganisationFactory(name="Sandvikens kommun")


@pytest.fixture
def worker(kommun):
    return staff(kommun)


@pytest.fixture
def finance(kommun):
    return staff(kommun, "ekbist_finance")


@pytest.fixture
def decided(kommun, worker):
    """Three payments: 9 420 kr and 8 420 kr on DAY1, 7 420 kr on DAY2."""
    setup = case_setup(kommun)
    rows = []
    for income, day, applicant, name in (
        (1500, DAY1, "191212121212", "Tolvan Tolvansson"),
        (2500, DAY1, TESTA, "=Testa Påhittadsson"),  # a name a spreadsheet would evaluate
        (3500, DAY2, "191212121212", "Tolvan Tolvansson"),
    ):
        app = make_application(
            kommun,
            worker,
            data=single_data(income=income, name=name),
            applicant=applicant,
            setup=setup,
        )
        rows.append(do_decide(app, actor=worker, pay_date=day))
    return rows


def parse(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_columns_and_rows(kommun, finance, decided):
    body = payments_csv(finance, payments_for(finance, date_from=DAY1, date_to=DAY2))
    rows = parse(body)
    assert rows[0] == list(CSV_COLUMNS)
    d1, d2, d3 = decided
    ref = d1.case.reference
    assert rows[1] == [
        DAY1.isoformat(),
        "9420",
        "191212121212",
        "Tolvan Tolvansson",
        ref,
        str(d1.pk),
        "2023-12-01",
        "2023-12-31",
        "",
    ]
    assert rows[2][:4] == [DAY1.isoformat(), "8420", TESTA, "'=Testa Påhittadsson"]
    assert rows[3][:2] == [DAY2.isoformat(), "7420"]
    assert len(rows) == 4
    event = AuditEvent.objects.get(action="export", object_type="ekbist.payment")
    assert event.organisation_id == kommun.pk
    assert sorted(event.changes["payments"]) == sorted(p.pk for p in Payment.objects.all())


def test_filter_by_date(finance, decided):
    assert [p.amount for p in payments_for(finance, date_from=DAY1, date_to=DAY1)] == [9420, 8420]
    assert [p.amount for p in payments_for(finance, date_from=DAY2, date_to=DAY2)] == [7420]
    with pytest.raises(PaymentError) as error:
        payments_for(finance, date_from=DAY2, date_to=DAY1)
    assert "efter till-datumet" in error.value.message


def test_mark_exported_and_only_new(finance, decided):
    first = Payment.objects.filter(pay_date=DAY1).values_list("pk", flat=True)
    assert do_mark_exported(finance, list(first)) == 2
    assert do_mark_exported(finance, list(first)) == 0  # already marked: nothing changes
    new = payments_for(finance, date_from=DAY1, date_to=DAY2, only_new=True)
    assert [p.amount for p in new] == [7420]
    rows = parse(payments_csv(finance, payments_for(finance, date_from=DAY1, date_to=DAY1)))
    assert all(row[8] for row in rows[1:])  # the exported time is in the file
    assert AuditEvent.objects.filter(
        action="update", object_type="ekbist.payment", changes__payments=sorted(first)
    ).exists()


def test_marking_another_kommuns_payment_is_refused_as_a_whole(finance, decided):
    other = OrganisationFactory(name="Gävle kommun")
    outsider = staff(other, "ekbist_finance")
    ids = list(Payment.objects.values_list("pk", flat=True))
    with pytest.raises(PaymentError):
        do_mark_exported(outsider, ids)
    with pytest.raises(PaymentError):
        do_mark_exported(finance, [*ids, 999999])
    assert not Payment.objects.filter(exported_at__isnull=False).exists()


def test_pages_list_export_and_mark(client, finance, decided):
    verified_login(client, finance)
    query = {"date_from": DAY1.isoformat(), "date_to": DAY2.isoformat()}
    page = client.get(reverse("ekbist:payments"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert DAY1.isoformat() in html and "(2 st, 17840 kr)" in html
    assert "totalt 25260 kr" in html
    assert AuditEvent.objects.filter(action="read", object_type="ekbist.payment").exists()

    export = client.get(reverse("ekbist:payments_export"), query)
    assert export.status_code == 200
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert "utbetalningar-" in export["Content-Disposition"]
    assert len(parse(export.content)) == 4

    ids = [str(pk) for pk in Payment.objects.filter(pay_date=DAY2).values_list("pk", flat=True)]
    response = client.post(
        reverse("ekbist:payments_mark"), {"payment": ids, "query": "date_from=x&next=//evil"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("ekbist:payments"))
    assert "evil" not in response["Location"]
    assert Payment.objects.get(pay_date=DAY2).exported_at is not None


def test_bad_dates_answer_400(client, finance, decided):
    verified_login(client, finance)
    response = client.get(
        reverse("ekbist:payments"), {"date_from": DAY2.isoformat(), "date_to": DAY1.isoformat()}
    )
    assert response.status_code == 400
    assert "Från-datumet ligger efter till-datumet." in response.content.decode()
    response = client.get(reverse("ekbist:payments_export"), {"date_from": "igår"})
    assert response.status_code == 400


def test_access_by_role_and_tenant(client, kommun, worker, decided):
    query = {"date_from": DAY1.isoformat(), "date_to": DAY2.isoformat()}
    # The caseworker sees the list but may not export or mark.
    verified_login(client, worker)
    assert client.get(reverse("ekbist:payments"), query).status_code == 200
    assert client.get(reverse("ekbist:payments_export"), query).status_code == 403
    assert client.post(reverse("ekbist:payments_mark"), {"payment": ["1"]}).status_code == 403
    # A plain handläggare without ekbist roles sees nothing.
    verified_login(client, staff(kommun, "caseworker"))
    assert client.get(reverse("ekbist:payments"), query).status_code == 403
    # Another kommun's ekonomiassistent gets an empty list and an empty file.
    outsider = staff(OrganisationFactory(name="Gävle kommun"), "ekbist_finance")
    verified_login(client, outsider)
    page = client.get(reverse("ekbist:payments"), query).content.decode()
    assert "Inga utbetalningar i urvalet." in page
    assert len(parse(client.get(reverse("ekbist:payments_export"), query).content)) == 1
