"""Generated access test: every URL pattern of Mina sidor (portal/urls.py), filled with another
citizen's object ids, answers 404/403 and changes nothing — a citizen never sees another
citizen's case, attachment, conversation, form PDF, shadow case or e-mail address.

The patterns are read from the URLconf: a new pattern with a parameter fails
``test_every_parameter_is_covered`` until it is given a value below.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse

from sambruk.cases.models import Message
from sambruk.eforms.tests.test_submissions_support import fill_kontakt, make_eservice
from sambruk.eforms.tests.test_submissions_support import start as start_eservice

from .. import urls as portal_urls
from ..models import VerifiedEmail
from ..services import verification_token
from .conftest import PDF, TESTA, TOLVAN, login_citizen, make_case, person, start_thread
from .test_portal import shadow_upsert, upsert_shadow

pytestmark = pytest.mark.django_db

PATTERNS = [p for p in portal_urls.urlpatterns if isinstance(p, URLPattern)]
#: Which object a parameter names, per URL name (the pk of a case page is the case …).
PARAMS = {
    "case": {"pk": "case"},
    "reply": {"pk": "case", "conversation_pk": "conversation"},
    "attachment": {"pk": "case", "attachment_pk": "attachment"},
    "submission_pdf": {"pk": "submission"},
    "shadow": {"pk": "shadow"},
    "verify_email": {"token": "token"},
    "remove_email": {"pk": "email"},
}


def citizen_world(kommun, client, index, civic_number, given, title):
    """One citizen with one of everything Mina sidor shows."""
    user = login_citizen(client, index)
    who = person(civic_number, given)
    case = make_case(kommun, contact={"person": who, "role": "Sökande"}, title=title)
    drawing = SimpleUploadedFile(f"{given}.pdf", PDF, content_type="application/pdf")
    conversation = start_thread(kommun, case, who, attachments=[drawing])
    attachment = conversation.messages.get().attachments.get()
    eservice = make_eservice(kommun.org, login_required=True)
    sub, _location = start_eservice(client, eservice)
    fill_kontakt(client, sub)
    client.post(
        f"/e-tjanster/{kommun.org.slug}/{eservice.slug}/{sub.draft_token}/sammanfattning/",
        {"idempotency_key": sub.idempotency_key},
    )
    sub.refresh_from_db()
    sub.receipt_pdf.save("kvittens.pdf", SimpleUploadedFile("k.pdf", PDF))
    email = VerifiedEmail.objects.create(
        user=user, email=f"{given.lower()}@example.se", verified_at=sub.created_at
    )
    upsert = shadow_upsert()
    shadow = 10_000 + index  # no such shadow case while the Channel is missing
    if upsert is not None:
        shadow = upsert_shadow(upsert, kommun.org, civic_number, f"Castor {given}").pk
    return SimpleNamespace(
        user=user,
        title=title,
        values={
            "case": case.pk,
            "conversation": conversation.pk,
            "attachment": attachment.pk,
            "submission": sub.pk,
            "email": email.pk,
            "token": verification_token(user, "ny-adress@example.se"),
            "shadow": shadow,
        },
    )


@pytest.fixture
def two(kommun):
    other_client = Client()
    other = citizen_world(kommun, other_client, 1, TESTA, "Testa", "Testas bygglov")
    client = Client()
    mine = citizen_world(kommun, client, 0, TOLVAN, "Tolvan", "Tolvans bygglov")
    return SimpleNamespace(client=client, mine=mine, other=other)


def variants(name):
    """kwargs for the pattern: all parameters the other citizen's, and each one alone the
    other's with the rest the citizen's own (an own case with another's attachment …)."""
    params = PARAMS.get(name, {})
    keys = list(params)
    for count in range(1, len(keys) + 1):
        for chosen in itertools.combinations(keys, count):
            yield chosen, params


def test_every_parameter_is_covered():
    for pattern in PATTERNS:
        converters = set(pattern.pattern.converters)
        assert converters == set(PARAMS.get(pattern.name, {})), pattern.name


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_another_citizens_ids_answer_not_found(pattern, two):
    mine, other, client = two.mine, two.other, two.client
    messages_before = Message.objects.count()
    emails_before = sorted(VerifiedEmail.objects.values_list("user_id", "email"))
    if not PARAMS.get(pattern.name):
        for method in ("get", "post"):
            response = getattr(client, method)(reverse(f"portal:{pattern.name}"))
            assert response.status_code in (200, 302, 400, 405)
            assert other.title not in response.content.decode()
        return
    tried = 0
    for chosen, params in variants(pattern.name):
        kwargs = {
            key: (other if key in chosen else mine).values[kind] for key, kind in params.items()
        }
        url = reverse(f"portal:{pattern.name}", kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"c-body": "Hej"} if method == "post" else {})
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
            body = b"" if response.streaming else response.content
            assert other.title.encode() not in body and PDF not in body
            assert b"Castor Testa" not in body
            tried += 1
    assert tried
    assert Message.objects.count() == messages_before
    assert sorted(VerifiedEmail.objects.values_list("user_id", "email")) == emails_before


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.name for p in PATTERNS])
def test_own_objects_open_and_strangers_are_sent_to_login(pattern, two):
    mine = two.mine
    kwargs = {key: mine.values[kind] for key, kind in PARAMS.get(pattern.name, {}).items()}
    url = reverse(f"portal:{pattern.name}", kwargs=kwargs)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/konto/e-legitimation/" in anonymous["Location"]
    if pattern.name in ("reply", "resend_verification", "remove_email"):
        assert two.client.get(url).status_code == 405  # POST only
    elif pattern.name == "shadow" and shadow_upsert() is None:
        assert two.client.get(url).status_code == 404  # no Channel yet: no shadow cases
    else:
        assert two.client.get(url).status_code in (200, 302), url


def test_staff_accounts_are_refused(two, kommun, login):
    staff = login(Client(), kommun.worker)
    response = staff.get(reverse("portal:case", args=[two.mine.values["case"]]))
    assert response.status_code == 403
    assert "Mina sidor är för invånare" in response.text


def test_pdf_receipt_is_served_only_to_its_citizen(two):
    url = reverse("portal:submission_pdf", args=[two.mine.values["submission"]])
    response = two.client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
