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
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401

LOCALE = Path(sambruk.__file__).parent / "locale"

pytestmark = pytest.mark.django_db


# makemessages also writes the catalogue of an app with its own locale directory
# (core/notifications/locale): it is checked the same way.
@pytest.mark.parametrize(
    "catalogue",
    ["django.po", "djangojs.po", "../../../core/notifications/locale/en/LC_MESSAGES/django.po"],
)
def test_english_catalogue_has_no_empty_or_fuzzy_entries(catalogue):
    with open(LOCALE / "en" / "LC_MESSAGES" / catalogue, "rb") as f:
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


# --- texts outside the page templates: e-form validation, FixaMinGata e-mail ----------------
def test_form_definition_errors_in_english_and_swedish(client, org_factory, member, login):
    import json

    from sambruk.eforms.tests.factories import simple_schema

    login(client, member(org_factory(), "org_admin"))
    bad = simple_schema()
    bad["pages"][0]["fields"][1]["showWhen"] = {"field": "fraga", "answered": True}
    bad["pages"][0]["fields"].append(
        {"type": "number", "name": "n", "label": "N", "min": 5, "max": 1}
    )
    url = reverse("eforms:editor-preview")
    data = {"schema": json.dumps(bad)}

    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "Page 1, field “epost”, condition for showing: the condition refers to the field "
        "“fraga”, which comes later in the form" in english
    )
    assert "Page 1, field “n”: min is greater than max." in english
    assert "villkoret hänvisar" not in english

    swedish = client.post(url, data, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Sida 1, fält ”n”: min är större än max." in swedish


@pytest.mark.django_db(transaction=True)
def test_fixamingata_confirmation_mail_in_the_language_of_the_request(client, running_smtp):  # noqa: F811
    from sambruk.fixamingata.tests.citizen_support import form_data
    from sambruk.fixamingata.tests.factories import world as make_world

    world = make_world()
    assert client.post("/fixamingata/rapportera/", form_data(world), HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(
        "/fixamingata/rapportera/",
        form_data(world, email="bo@example.se", title="Hål i vägen"),
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    mails = {m["To"]: m for m in running_smtp.wait_for(2)}

    english = mails["asa@example.se"]
    assert english["Subject"].strip() == "Confirm your report to FixaMinGata: Trasig gatlykta"
    text = english.get_body(preferencelist=("plain",)).get_content()
    html = english.get_body(preferencelist=("html",)).get_content()
    assert "Thank you for your report “Trasig gatlykta” to FixaMinGata." in text
    assert "Only then is it sent to" in text and "Bekräfta" not in text
    assert "Thank you for your report <strong>Trasig gatlykta</strong>" in html

    swedish = mails["bo@example.se"]
    assert swedish["Subject"].strip() == "Bekräfta din rapport till FixaMinGata: Hål i vägen"
    assert (
        "Tack för din rapport ”Hål i vägen” till FixaMinGata."
        in swedish.get_body(preferencelist=("plain",)).get_content()
    )


def test_fixamingata_form_errors_in_english_and_swedish(client):
    from sambruk.fixamingata.tests.citizen_support import form_data
    from sambruk.fixamingata.tests.factories import world as make_world

    data = form_data(make_world(), title="")
    english = client.post("/fixamingata/rapportera/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert "Fill in title." in english.content.decode()
    swedish = client.post("/fixamingata/rapportera/", data, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Fyll i rubrik." in swedish.content.decode()
