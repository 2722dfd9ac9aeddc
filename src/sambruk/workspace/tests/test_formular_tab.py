"""The "Formulär" tab: e-service data as labels → answers and a signature table."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sambruk.cases.models import CaseFormData
from sambruk.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

HASH = "a3f1c2d4e5b6978812345678901234567890abcdefabcdefabcdef0123456789"


def eservice_data(**extra):
    return {
        "eservice": "Bostadsanpassning",
        "submission": 7,
        "form_version": 3,
        "content_hash": HASH,
        "summary": [
            {
                "page": 0,
                "title": "Om dig",
                "items": [
                    {"name": "adress", "label": "Adress", "value": "Testgatan 12, Sandviken"},
                    {
                        "name": "hushall",
                        "label": "Hushåll",
                        "value": "",
                        "rows": [[{"name": "person_namn", "label": "Namn", "value": "Tolvan"}]],
                    },
                ],
            }
        ],
        "signatures": [
            {
                "role": "first",
                "civic_number": "191212121212",
                "signed_at": "2026-11-20T10:15:00+00:00",
                "loa": "http://id.elegnamnden.se/loa/1.0/loa3",
                "method": "bankid",
                "hash": HASH,
            }
        ],
        **extra,
    }


def tab(ws, case) -> str:
    response = ws.client.get(reverse("workspace:case", args=[case.pk]), {"tab": "formular"})
    assert response.status_code == 200
    return response.content.decode()


def test_eservice_form_as_definition_list_and_signature_table(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    CaseFormData.objects.create(case=case, form_code="etjanst-bostad", data=eservice_data())
    html = tab(ws, case)
    assert "<h3>Bostadsanpassning</h3>" in html and "<h4>Om dig</h4>" in html
    assert "<dt>Adress</dt>" in html and "<dd>Testgatan 12, Sandviken</dd>" in html
    assert "Namn: Tolvan" in html
    # No raw Python dicts.
    assert "{&#x27;" not in html and "{'" not in html and "[{" not in html
    assert '<table class="case-table signatures">' in html
    assert "<td>Sökande</td>" in html and "<td>BankID</td>" in html
    assert "191212121212" in html and "loa3" in html
    assert f'<code title="{HASH}">{HASH[:12]}…</code>' in html
    assert 'datetime="2026-11-20T' in html
    assert "Underskrift saknas" not in html


def test_missing_second_signature_is_shown(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    missing = {
        "role": "second",
        "reason": "invitation_expired",
        "invitation_expired_at": "2026-11-19T12:00:00+00:00",
    }
    CaseFormData.objects.create(
        case=case, form_code="etjanst-bostad", data=eservice_data(missing_signatures=[missing])
    )
    html = tab(ws, case)
    assert "Underskrift saknas: Medsökande." in html and "Inbjudan gick ut 2026-11-19" in html


def test_other_forms_stay_generic(ws):
    case = CaseFactory(queue=ws.queue, actor=ws.worker)
    CaseFormData.objects.create(case=case, form_code="avslut", data={"orsak": "Klart"})
    html = tab(ws, case)
    assert "<h3>avslut</h3>" in html and "<dt>orsak</dt><dd>Klart</dd>" in html
