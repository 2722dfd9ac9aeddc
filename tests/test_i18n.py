"""English translations: the catalogues are complete and pages render in English for a browser
that asks for it (Accept-Language: en or the set_language view), Swedish otherwise.

The .mo files are built from the .po files (``sambruk compile-translations``, part of
``make test``), so these tests read the same catalogues a running server uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

import sambruk

LOCALE = Path(sambruk.__file__).parent / "locale"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_english_catalogue_has_no_empty_or_fuzzy_entries(domain):
    with open(LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po", "rb") as f:
        catalog = read_po(f, abort_invalid=True)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_mina_sidor_in_english_and_swedish(client, settings):
    settings.DEMO_MODE = True
    response = client.post(reverse("accounts:eleg:test"), {"person": 0, "next": "/"})
    assert response.status_code == 302

    english = text(client.get("/mina-sidor/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'lang="en"' in english
    assert "My pages" in english
    assert "You have no cases, forms or drafts yet." in english
    assert "Du har inga ärenden" not in english

    swedish = text(client.get("/mina-sidor/", HTTP_ACCEPT_LANGUAGE="sv"))
    assert "Mina sidor" in swedish
    assert "Du har inga ärenden, formulär eller utkast ännu." in swedish

    profile = text(client.get("/mina-sidor/profil/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Contact details and notifications" in profile
    assert "Kontaktuppgifter och avisering" not in profile


def test_set_language_view_switches_public_pages(client):
    swedish = text(client.get("/e-tjanster/"))
    assert 'lang="sv"' in swedish

    response = client.post(reverse("set_language"), {"language": "en", "next": "/e-tjanster/"})
    assert response.status_code == 302
    english = text(client.get("/e-tjanster/"))
    assert 'lang="en"' in english
    assert "e-service" in english.lower()

    fixamingata = text(client.get("/fixamingata/"))
    assert 'lang="en"' in fixamingata


def test_fixamingata_in_english_and_swedish(client):
    english = text(client.get("/fixamingata/", HTTP_ACCEPT_LANGUAGE="en"))
    swedish = text(client.get("/fixamingata/", HTTP_ACCEPT_LANGUAGE="sv"))
    assert 'lang="en"' in english and 'lang="sv"' in swedish
    assert english != swedish
