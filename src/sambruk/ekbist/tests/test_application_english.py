"""The e-application in English: every text of the form, the pages a citizen sees, and the
upgrade of an installed (Swedish-only) form through the engine's versioning path."""

from __future__ import annotations

import html
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from sambruk.eforms.definition import validate_definition
from sambruk.eforms.models import FormVersion, Submission
from sambruk.ekbist import application_data as ad
from sambruk.ekbist.application_form import (
    DEFAULT_ATTACHMENTS,
    TEXT_KEYS,
    add_english,
    build_definition,
)

from .application_support import (  # noqa: F401  (fixtures)
    PAGES,
    TOLVAN,
    answers,
    citizen_login,
    eservice,
    page_url,
    post_page,
    start,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_mode(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)


def swedish_only(node):
    """The definition as it was installed before it had English (every text its Swedish)."""
    if isinstance(node, dict):
        if set(node) == {"sv", "en"}:
            return node["sv"]
        return {key: swedish_only(value) for key, value in node.items()}
    if isinstance(node, list):
        return [swedish_only(item) for item in node]
    return node


def texts(node, *, where=""):
    """(path, text) of every citizen-visible text in a definition (sub)document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS:
                yield f"{where}/{key}", value
            else:
                yield from texts(value, where=f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from texts(item, where=f"{where}/{i}")


def swedish_texts(page: dict) -> set[str]:
    """The page's Swedish texts that cannot occur in its English version."""
    found = {t["sv"] for _path, t in texts(page)}
    english = " ".join(t["en"] for _path, t in texts(page))
    return {sv for sv in found if sv not in english}


def visible(response) -> str:
    assert response.status_code == 200, response.content.decode()[:2000]
    return html.unescape(response.content.decode())


def english_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    citizen_login(client, TOLVAN)
    return client


# --- the definition ------------------------------------------------------------------------
def test_every_text_has_swedish_and_english_and_the_definition_is_valid():
    schema = build_definition()
    assert validate_definition(schema) == []
    found = list(texts(schema))
    assert len(found) > 90
    missing = [
        path
        for path, text in found
        if not (
            isinstance(text, dict) and text.get("sv", "").strip() and text.get("en", "").strip()
        )
    ]
    assert missing == []
    # The same Swedish text always has the same English (add_english relies on it).
    english: dict[str, set[str]] = {}
    for _path, text in found:
        english.setdefault(text["sv"], set()).add(text["en"])
    assert {sv: en for sv, en in english.items() if len(en) > 1} == {}


def test_option_values_are_the_stored_codes():
    schema = build_definition()
    fields = {f["name"]: f for page in schema["pages"] for f in page["fields"] if f.get("name")}
    groups = {f["name"]: f for field in fields.values() for f in field.get("fields") or []}
    values = {
        name: {o["value"] for o in f["options"]}
        for name, f in {**fields, **groups}.items()
        if "options" in f
    }
    assert values["kostnader"] == set(ad.COSTS) | {"ovrigt"}
    assert values["boendeform"] == {
        "hyresratt",
        "andrahand",
        "bostadsratt",
        "villa",
        "inneboende",
        "foraldrar",
        "utan",
    }
    assert values["inkomst_person"] == {"sokande", "medsokande"}
    assert values["ansokningstyp"] == {"nyansokan", "manadsansokan"}
    assert values["sokande_sysselsattning"] == values["medsokande_sysselsattning"]
    assert "arbetssokande" in values["sokande_sysselsattning"]


def test_add_english_completes_the_swedish_only_definition_and_keeps_a_kommuns_own_texts():
    assert add_english(swedish_only(build_definition())) == build_definition()
    own = [
        *DEFAULT_ATTACHMENTS[:1],
        ("bilaga_intyg", "Intyg från hyresvärden", None, False),
    ]
    edited = swedish_only(build_definition(own))
    upgraded = add_english(edited)
    bilagor = next(p for p in upgraded["pages"] if p["id"] == "bilagor")
    assert [f["label"] for f in bilagor["fields"]] == [
        {"sv": "Hyresavi eller hyreskontrakt", "en": "Rent notice (hyresavi) or tenancy agreement"},
        "Intyg från hyresvärden",
    ]
    assert swedish_only(upgraded) == edited  # nothing but English added


# --- the pages a citizen sees --------------------------------------------------------------
def test_english_applicant_does_the_whole_application_in_english(eservice):  # noqa: F811
    schema = build_definition()
    client = english_client()
    sub, _loc = start(client, eservice)
    assert sub.language == "en"
    first = visible(client.get(page_url(sub, PAGES["om_ansokan"])))
    assert '<html lang="en">' in first
    assert "What is the application for?" in first and "Your email address" in first
    assert "Vad gäller ansökan?" not in first

    expected = {
        "hushallet": ["Your household", "Are you applying together with your husband, wife"],
        "boende": ["Housing", "What kind of housing do you have?", "Landlord", "Rent or fee"],
        "inkomster": ["Income", "Whose income?", "Type of income", "Child allowance (barnbidrag)"],
        "kostnader": ["Costs you are applying for", "Household electricity, kronor (SEK)"],
    }
    for name, data in answers().items():
        if name in expected:
            page = schema["pages"][PAGES[name]]
            shown = visible(client.get(page_url(sub, PAGES[name])))
            for english in expected[name]:
                assert english in shown, (name, english)
            left = sorted(sv for sv in swedish_texts(page) if sv in shown)
            assert left == [], (name, left)
        post_page(client, sub, name, data)

    summary = visible(client.get(url("summary", sub)))
    for english in (
        "Rented apartment, first-hand contract (förstahandskontrakt)",
        "Landlord",
        "Household electricity",
        "Co-applicant (medsökande)",
        "Child allowance (barnbidrag)",
        "Looking for work (registered with the Public Employment Service",
        "Rent notice (hyresavi) or tenancy agreement",
    ):
        assert english in summary, english
    for swedish in (
        "Hyresrätt, förstahandskontrakt",
        "Hyresvärd",
        "Hushållsel",
        "Vems inkomst?",
        "Arbetssökande (inskriven hos Arbetsförmedlingen)",
        "Hyresavi eller hyreskontrakt",
        "Kostnader du söker för",
    ):
        assert swedish not in summary, swedish


def test_english_validation_messages(eservice):  # noqa: F811
    client = english_client()
    sub, _loc = start(client, eservice)
    data = {**answers()["om_ansokan"], "period": "12-2026"}
    shown = visible(post_page(client, sub, "om_ansokan", data, expect=200))
    assert "Write the month as YYYY-MM, for example 2026-12." in shown
    assert "Skriv månaden som ÅÅÅÅ-MM" not in shown


def test_swedish_is_unchanged(eservice):  # noqa: F811
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    citizen_login(client, TOLVAN)
    sub, _loc = start(client, eservice)
    shown = visible(client.get(page_url(sub, PAGES["boende"])))
    assert (
        "Hur bor du?" in shown
        and "Hyresvärd" in shown
        and "Hyresrätt, förstahandskontrakt" in shown
    )
    assert "Landlord" not in shown and "What kind of housing" not in shown


# --- installed forms get the English as a new published version ----------------------------
def _install_swedish_only(monkeypatch, org, schema=None):
    from sambruk.ekbist.services import application

    old = schema or swedish_only(build_definition())
    monkeypatch.setattr(application, "build_definition", lambda attachments=None: old)
    installed = application.publish_eservice(org)
    monkeypatch.undo()
    return installed


def test_existing_installation_gets_a_new_version_and_drafts_keep_theirs(monkeypatch, org_factory):
    org = org_factory(kommunkod="2181", slug="sandviken")
    installed = _install_swedish_only(monkeypatch, org)
    v1 = installed.form_version
    assert v1.number == 1 and v1.schema == swedish_only(build_definition())

    swedish = Client(HTTP_ACCEPT_LANGUAGE="sv")
    citizen_login(swedish, TOLVAN)
    draft, _loc = start(swedish, installed)
    assert draft.form_version_id == v1.pk

    out = StringIO()
    call_command("ekbist_publish_application", "--all", stdout=out)
    assert "(formulärversion 2)" in out.getvalue()
    installed.refresh_from_db()
    v2 = installed.form_version
    assert (v2.number, v2.status) == (2, "published") and v2.schema == build_definition()
    v1.refresh_from_db()
    assert v1.status == "published" and v1.schema == swedish_only(build_definition())

    # The draft started before the upgrade stays on its version and still works.
    draft.refresh_from_db()
    assert draft.form_version_id == v1.pk
    assert "Hur bor du?" in visible(swedish.get(page_url(draft, PAGES["boende"])))
    # A new English draft gets the English form.
    client = english_client()
    new, _loc = start(client, installed)
    assert new.form_version_id == v2.pk
    assert "What kind of housing do you have?" in visible(
        client.get(page_url(new, PAGES["boende"]))
    )

    call_command("ekbist_publish_application", "sandviken", stdout=out)  # nothing more to add
    assert FormVersion.objects.filter(definition=v1.definition).count() == 2
    assert Submission.objects.filter(pk=draft.pk, form_version=v1).exists()


def test_a_kommuns_edited_form_keeps_its_changes(monkeypatch, org_factory):
    own = [("bilaga_intyg", "Intyg från hyresvärden", None, True)]
    installed = _install_swedish_only(
        monkeypatch, org_factory(), swedish_only(build_definition(own))
    )
    from sambruk.ekbist.services.application import publish_eservice

    upgraded = publish_eservice(installed.organisation).form_version
    assert upgraded.number == 2
    bilagor = next(p for p in upgraded.schema["pages"] if p["id"] == "bilagor")
    assert bilagor["fields"][0]["label"] == "Intyg från hyresvärden"
    assert bilagor["fields"][0]["required"] is True
    assert bilagor["title"] == {"sv": "Bilagor", "en": "Attachments"}


def test_no_upgrade_while_the_kommun_has_a_draft_in_the_form_editor(monkeypatch, org_factory):
    from sambruk.eforms.services.definitions import create_draft_version
    from sambruk.ekbist.services.application import publish_eservice, upgrade_form

    installed = _install_swedish_only(monkeypatch, org_factory())
    editing = create_draft_version(installed.form_version.definition, actor=None)
    assert upgrade_form(installed) is None
    again = publish_eservice(installed.organisation)
    assert again.form_version.number == 1
    editing.refresh_from_db()
    assert editing.status == "draft" and editing.schema == installed.form_version.schema
