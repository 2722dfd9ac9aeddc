"""What the citizen sees on Mina sidor: a draft with a working resume link, the notice e-mail
following the profile's switch, and a shadow case that an external system keeps up to date
through the REST API."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from sambruk.channel import roles as channel_roles
from sambruk.core.api.services import create_api_client
from sambruk.eforms.tests.test_submissions_support import (
    KONTAKT_PAGE0,
    make_eservice,
    page_url,
    start,
)

from .conftest import TOLVAN, login_citizen, make_case, person, start_thread

NOTICE_SUBJECT = "Nytt meddelande på Mina sidor"


def drafts_section(page: str) -> str:
    match = re.search(
        r'<section aria-labelledby="drafts-title">(.*?)</section>', page, flags=re.DOTALL
    )
    return match.group(1) if match else ""


# --- a draft and its resume link -------------------------------------------------------------
@pytest.mark.django_db
def test_a_draft_is_listed_with_a_resume_link_that_opens_it(client, kommun):
    eservice = make_eservice(kommun.org, name="Kontakta kommunen", login_required=True)
    login_citizen(client)
    sub, _location = start(client, eservice)
    saved = client.post(page_url(sub, 0), {**KONTAKT_PAGE0, "nav": "next"})
    assert saved.status_code == 302 and saved["Location"] == page_url(sub, 1)
    assert client.get(saved["Location"]).status_code == 200  # on page 2, then leaves

    page = client.get("/mina-sidor/")
    assert page.status_code == 200
    drafts = drafts_section(page.text)
    assert "Utkast att fortsätta med" in drafts and kommun.org.name in drafts
    link = html.unescape(re.search(r'<a href="([^"]+)">Kontakta kommunen</a>', drafts).group(1))
    assert sub.draft_token in link
    resumed = client.get(link)
    # The draft opens at the last page saved, with the answers given.
    assert resumed.status_code == 302 and resumed["Location"] == page_url(sub, 0)
    form = client.get(resumed["Location"])
    assert form.status_code == 200
    assert 'value="Anna Andersson"' in form.text and 'value="anna@example.se"' in form.text

    # Another citizen sees no such draft and may not open Tolvan's link.
    other = Client()
    login_citizen(other, 1)
    assert "Kontakta kommunen" not in drafts_section(other.get("/mina-sidor/").text)
    assert other.get(link).status_code == 403


# --- the notice e-mail follows the profile's switch -------------------------------------------
def text_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_turning_email_notices_off_and_on_stops_and_restarts_the_notice(
    client, kommun, running_smtp
):
    login_citizen(client)
    tolvan = person(TOLVAN)
    case = make_case(kommun, contact={"person": tolvan, "role": "Sökande"})
    profile = {"email": "tolvan@example.se", "phone": ""}
    assert client.post("/mina-sidor/profil/", {**profile, "notify_email": "on"}).status_code == 302
    [link_mail] = running_smtp.wait_for(1)
    link = re.search(r"http://testserver(/mina-sidor/profil/bekrafta/\S+/)", text_of(link_mail))
    assert client.get(link.group(1)).status_code == 302

    def notices(expected: int, timeout: float = 5.0):
        mails = running_smtp.wait_for(expected + 1, timeout=timeout)[1:]  # after the link mail
        return [m for m in mails if m["Subject"] == NOTICE_SUBJECT]

    # On: the kommun writes, the notice arrives at the verified address.
    start_thread(kommun, case, tolvan, body="Vi behöver en ritning.", topic="Ritning")
    [first] = notices(1)
    assert first["To"] == "tolvan@example.se"

    # Off: the kommun writes again, no notice (the message is on Mina sidor all the same).
    off = client.post("/mina-sidor/profil/", profile)
    assert off.status_code == 302
    page = client.get("/mina-sidor/profil/")
    assert 'name="notify_email"' in page.text
    assert not re.search(r'name="notify_email"[^>]*checked', page.text)
    start_thread(kommun, case, tolvan, body="Har du hunnit titta på ritningen?", topic="Påminnelse")
    assert len(notices(2, timeout=1.0)) == 1
    assert "Har du hunnit titta på ritningen?" in client.get(f"/mina-sidor/arende/{case.pk}/").text

    # On again: the next message brings a notice again.
    assert client.post("/mina-sidor/profil/", {**profile, "notify_email": "on"}).status_code == 302
    start_thread(kommun, case, tolvan, body="Tack, ritningen har kommit.", topic="Kvitto")
    assert len(notices(2)) == 2
    assert len(running_smtp.envelopes) == 3  # the link and two notices, nothing else


# --- a shadow case kept up to date through the REST API ---------------------------------------
SHADOW_URL = "/api/shadow-cases/"


@pytest.mark.django_db
def test_shadow_case_from_the_api_and_its_update_show_on_mina_sidor(client, kommun):
    _client, token = create_api_client(
        actor=None,
        organisation=kommun.org,
        name="Castor (bygglov)",
        scopes=[channel_roles.VIEW_SHADOWCASE, channel_roles.CHANGE_SHADOWCASE],
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    created = api.post(
        SHADOW_URL,
        {
            "system_name": "Castor",
            "external_id": "BN 2026-4711",
            "civic_number": "19121212-1212",
            "title": "Bygglov för friggebod",
            "status": "Mottagen",
            "content": [{"key": "Fastighet", "value": "Sandviken Tolvan 1:12"}],
            "log": [{"at": "2026-11-20T10:00:00+01:00", "message": "Ansökan mottagen"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    login_citizen(client)
    page = client.get("/mina-sidor/").text
    item = shadow_item(page, "Bygglov för friggebod")
    assert "Från Castor" in item and "Mottagen" in item and "BN 2026-4711" in item
    assert "Under handläggning" not in item

    updated = api.patch(
        f"{SHADOW_URL}{created.json()['id']}/",
        {"status": "Under handläggning", "log": [{"message": "Handläggning påbörjad"}]},
        format="json",
    )
    assert updated.status_code == 200, updated.content
    item = shadow_item(client.get("/mina-sidor/").text, "Bygglov för friggebod")
    assert "Under handläggning" in item and "Mottagen" not in item
    detail_url = re.search(r'href="(/mina-sidor/[^"]+)"', item).group(1)
    detail = client.get(detail_url)
    assert detail.status_code == 200
    assert "Handläggning påbörjad" in detail.text and "Castor" in detail.text

    # Another citizen does not see it.
    other = Client()
    login_citizen(other, 1)
    assert "Bygglov för friggebod" not in other.get("/mina-sidor/").text


def shadow_item(page: str, title: str) -> str:
    rows = re.findall(r'<li class="portal-item">(.*?)</li>', page, flags=re.DOTALL)
    found = [html.unescape(row) for row in rows if title in html.unescape(row)]
    assert len(found) == 1, f"{title} listed {len(found)} times"
    return found[0]
