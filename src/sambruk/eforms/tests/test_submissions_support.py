"""Helpers shared by the publisher's tests (no tests here)."""

from __future__ import annotations

import re

from django.urls import reverse

from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401

from ..demo import bostad_schema, kontakt_schema
from ..models import Submission
from .factories import EServiceFactory, FormVersionFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def make_eservice(org, schema=None, **kwargs):
    version = FormVersionFactory(
        definition__organisation=org, schema=schema or kontakt_schema(), published=True
    )
    queue = kwargs.pop("queue", None) or QueueFactory(organisation=org)
    case_type = kwargs.pop("case_type", None) or CaseTypeFactory(organisation=org)
    return EServiceFactory(
        organisation=org, form_version=version, queue=queue, case_type=case_type, **kwargs
    )


def two_signer_eservice(org, **kwargs):
    return make_eservice(org, bostad_schema(), login_required=True, signing="two", **kwargs)


def citizen_login(client, index=0):
    """Log in through the demo Test-legitimation page (DEMO_MODE must be on)."""
    response = client.post(reverse("accounts:eleg:test"), {"person": index, "next": "/"})
    assert response.status_code == 302, response.content[:500]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def start(client, eservice):
    url = reverse("eforms:eservice", args=[eservice.organisation.slug, eservice.slug])
    response = client.post(url)
    assert response.status_code == 302, response.content[:300]
    token = re.search(r"/([^/]+)/sida/", response["Location"]).group(1)
    return Submission.objects.get(draft_token=token), response["Location"]


def page_url(sub, page):
    e = sub.eservice
    return reverse("eforms:page", args=[e.organisation.slug, e.slug, sub.draft_token, page])


def url(name, sub):
    e = sub.eservice
    return reverse(f"eforms:{name}", args=[e.organisation.slug, e.slug, sub.draft_token])


KONTAKT_PAGE0 = {"namn": "Anna Andersson", "epost": "anna@example.se", "telefon": "070-1234567"}
KONTAKT_PAGE1 = {"omrade": "gata", "meddelande": "Gatlyktan vid Storgatan 5 är trasig."}


def fill_kontakt(client, sub):
    r = client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "next"})
    assert r.status_code == 302 and r["Location"] == page_url(sub, 1), r.content[:2000]
    r = client.post(page_url(sub, 1), {**KONTAKT_PAGE1, "nav": "next"})
    assert r.status_code == 302 and r["Location"] == url("summary", sub)


def pdf_link(text: str) -> str:
    return re.search(r"(/e-tjanster/kvittens/[^/\s]+/pdf/)", text).group(1)
