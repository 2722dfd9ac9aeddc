"""The staff side of e-services in a real browser (Playwright + Debian Chromium): an
administrator reaches the form editor from the start page, types a definition and sees the
live preview and its validation messages, saves and publishes; then publishes it as an
e-service in the publisher (error summary, permanent address, copy link) and finds it on the
public catalogue. axe finds no WCAG 2.1 AA violations on any of these pages."""

from __future__ import annotations

import json
import re

import pytest

from sambruk.cases.tests.factories import CaseTypeFactory, LabelFactory, QueueFactory, caseworker
from sambruk.core.accounts.models import DemoDevice
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.eforms.models import EService, FormVersion, VersionStatus

from .conftest import axe_violations
from .test_workspace_e2e import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEFINITION = {
    "formatVersion": 1,
    "title": "Felanmälan lekplats",
    "pages": [
        {
            "id": "plats",
            "title": "Var är felet?",
            "fields": [
                {"type": "text", "name": "lekplats", "label": "Lekplatsens namn", "required": True},
                {"type": "yesno", "name": "fara", "label": "Är det farligt?", "required": True},
                {
                    "type": "textarea",
                    "name": "beskrivning",
                    "label": "Beskriv felet",
                    "showWhen": {"field": "fara", "anyOf": ["yes"]},
                },
            ],
        },
        {
            "id": "du",
            "title": "Dina uppgifter",
            "fields": [{"type": "email", "name": "epost", "label": "E-post"}],
        },
    ],
}


@pytest.fixture
def admin_org(settings):
    settings.DEMO_MODE = True  # the demo second factor (000000)
    org = OrganisationFactory(name="Sandvikens kommun", slug="sandviken")
    admin = caseworker(org, role="org_admin", email="admin@example.se", full_name="Ada Admin")
    DemoDevice.objects.create(user=admin, name="Demo", confirmed=True)
    worker = caseworker(org, email="bo@example.se", full_name="Bo Handläggare")
    DemoDevice.objects.create(user=worker, name="Demo", confirmed=True)
    return {
        "org": org,
        "queue": QueueFactory(organisation=org, name="Gata och park"),
        "case_type": CaseTypeFactory(organisation=org, name="Felanmälan"),
        "label": LabelFactory(organisation=org, name="Lekplats"),
    }


def staff_login(page, base, email):
    page.goto(base + "/konto/logga-in/?next=/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(base + "/")


def type_definition(page, text: str) -> None:
    """Replace the editor's text the way a user does (select all, type): htmx posts it."""
    editor = page.get_by_label("Formulärdefinition (JSON)")
    editor.fill("")
    editor.press_sequentially(text[:40])  # real key presses fire input events…
    editor.fill(text)  # …and the rest in one input event (typing 1 kB is slow)


def test_editor_live_preview_validation_save_and_publish(live_server, browser, admin_org):
    base = live_server.url
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    staff_login(page, base, "admin@example.se")
    cards = page.get_by_role("heading", name="Formulär för e-tjänster")
    assert cards.is_visible()
    assert page.get_by_role("link", name="E-tjänster", exact=True).is_visible()
    assert axe_violations(page) == []
    cards.get_by_role("link").click()
    page.wait_for_url(base + "/e-tjanster/admin/formular/")
    nav = page.get_by_role("navigation", name="E-tjänster, administration")
    assert nav.get_by_role("link", name="Formulär").get_attribute("aria-current") == "page"
    assert axe_violations(page) == []

    # A new form: first refused (bad code), with the message in an error summary.
    page.get_by_label("Namn").fill("Felanmälan lekplats")
    page.get_by_label("Kod").fill("Lek plats")
    page.get_by_role("button", name="Skapa formulär").click()
    assert page.get_by_role("alert").get_by_text("Ange en kod med små bokstäver").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Kod").fill("lekplats")
    page.get_by_role("button", name="Skapa formulär").click()
    page.wait_for_url(re.compile(r".*/admin/formular/\d+/version/1/$"))
    assert axe_violations(page) == []

    preview = page.locator("#preview")
    # Live preview: broken JSON → the parser's position; a semantic error → its message.
    type_definition(page, '{"formatVersion": 1, "title": "Lekplats", "pages": [')
    preview.get_by_text("fel på rad").wait_for()
    assert axe_violations(page) == []
    bad = json.loads(json.dumps(DEFINITION))
    bad["pages"][0]["fields"][2]["showWhen"] = {"field": "epost", "answered": True}
    type_definition(page, json.dumps(bad, ensure_ascii=False, indent=2))
    preview.get_by_text(re.compile("fältet ”epost” som kommer senare")).wait_for()
    assert preview.get_by_role("heading", name="1 fel i definitionen").is_visible()
    assert axe_violations(page) == []

    # A valid definition: the form as the citizen will see it, visibility rules included.
    type_definition(page, json.dumps(DEFINITION, ensure_ascii=False, indent=2))
    preview.get_by_text("Definitionen är giltig.").wait_for()
    assert preview.get_by_label("Lekplatsens namn").is_visible()
    assert preview.get_by_role("heading", name="Sida 2: Dina uppgifter").is_visible()
    assert not preview.get_by_label("Beskriv felet").is_visible()
    preview.get_by_role("group", name="Är det farligt?").get_by_label("Ja").check()
    assert preview.get_by_label("Beskriv felet").is_visible()
    assert axe_violations(page) == []

    # Saving an invalid document is refused with the messages and the text kept.
    type_definition(page, json.dumps(bad, ensure_ascii=False))
    page.get_by_role("button", name="Spara utkast").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_text("Definitionen innehåller fel och har inte sparats").is_visible()
    assert '"answered": true' in page.get_by_label("Formulärdefinition (JSON)").input_value()
    assert axe_violations(page) == []

    type_definition(page, json.dumps(DEFINITION, ensure_ascii=False, indent=2))
    page.get_by_role("button", name="Spara utkast").click()
    page.get_by_text("Utkastet har sparats.").wait_for()
    page.get_by_role("button", name="Publicera").click()
    page.get_by_text("Version 1 är publicerad.").wait_for()
    assert page.get_by_label("Formulärdefinition (JSON)").get_attribute("readonly") is not None
    assert page.get_by_role("button", name="Skapa ny version från denna").is_visible()
    assert axe_violations(page) == []
    version = FormVersion.objects.get(definition__code="lekplats")
    assert version.status == VersionStatus.PUBLISHED and version.schema == DEFINITION
    context.close()


def test_publisher_create_with_errors_then_edit_and_copy_link(live_server, browser, admin_org):
    from sambruk.eforms.tests.factories import FormVersionFactory

    version = FormVersionFactory(
        definition__organisation=admin_org["org"],
        definition__name="Felanmälan lekplats",
        schema=DEFINITION,
        published=True,
    )
    base = live_server.url
    context = browser.new_context(locale="sv-SE")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    staff_login(page, base, "admin@example.se")
    page.get_by_role("link", name="E-tjänster", exact=True).click()
    page.wait_for_url(base + "/e-tjanster/admin/tjanster/")
    assert page.get_by_text("Inga e-tjänster ännu.").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ny e-tjänst för Sandvikens kommun").click()
    assert axe_violations(page) == []

    # Submitted with gaps and a contradiction: error summary and the message at each field.
    page.get_by_label("Adress", exact=True).fill("felanmalan-lekplats")
    page.get_by_role("radio", name="Två undertecknare").check()
    page.get_by_label("Utkast sparas (dagar)").fill("0")
    page.get_by_role("button", name="Skapa e-tjänst").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    for message in (
        "Ange e-tjänstens namn.",
        "Välj en kö.",
        "En e-tjänst med underskrift kräver inloggning med e-legitimation.",
        "Utkast sparas mellan 1 och 365 dagar.",
    ):
        assert summary.get_by_role("link", name=message).is_visible()
    assert page.locator("#id_name-error").inner_text().endswith("Ange e-tjänstens namn.")
    assert page.get_by_label("Namn", exact=True).get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Välj en kö.").click()
    assert page.evaluate("location.hash") == "#id_queue"

    page.get_by_label("Namn", exact=True).fill("Felanmälan lekplats")
    page.get_by_label("Beskrivning (e-tjänstens startsida)").fill("Anmäl trasiga lekredskap.")
    page.get_by_label("Formulärversion").select_option(value=str(version.pk))
    page.get_by_label("Kö").select_option(label="Gata och park")
    page.get_by_label("Ärendetyp").select_option(label="Felanmälan")
    page.get_by_label("Lekplats").check()
    page.get_by_role("radio", name="Ingen underskrift").check()
    page.get_by_label("Utkast sparas (dagar)").fill("30")
    page.get_by_role("button", name="Skapa e-tjänst").click()
    page.wait_for_url(re.compile(r".*/admin/tjanster/\d+/(#.*)?$"))  # the #anchor stays
    eservice = EService.objects.get(slug="felanmalan-lekplats")
    assert eservice.queue == admin_org["queue"] and eservice.draft_ttl_days == 30
    permanent = page.get_by_label("Permanent adress att länka till")
    assert permanent.input_value().endswith("/e-tjanster/sandviken/felanmalan-lekplats/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Kopiera länken").click()
    page.get_by_role("status").filter(has_text="Kopierad").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == permanent.input_value()

    # Edit: the address stays; the change is saved.
    page.get_by_label("Namn", exact=True).fill("Felanmälan av lekplatser")
    page.get_by_role("button", name="Spara ändringar").click()
    page.get_by_text("Felanmälan av lekplatser").first.wait_for()
    eservice.refresh_from_db()
    assert eservice.name == "Felanmälan av lekplatser" and eservice.slug == "felanmalan-lekplats"
    page.get_by_role("link", name="Alla e-tjänster").click()
    row = page.get_by_role("row", name=re.compile("Felanmälan av lekplatser"))
    assert row.get_by_role("link", name="/e-tjanster/sandviken/felanmalan-lekplats/").is_visible()
    assert axe_violations(page) == []

    # The citizen catalogue lists it; the permanent address opens its description page.
    nav = page.get_by_role("navigation", name="E-tjänster, administration")
    nav.get_by_role("link", name="E-tjänstkatalogen (invånare)").click()
    page.get_by_role("link", name="Felanmälan av lekplatser").click()
    page.wait_for_url(base + "/e-tjanster/sandviken/felanmalan-lekplats/")
    assert page.get_by_text("Anmäl trasiga lekredskap.").is_visible()
    assert axe_violations(page) == []
    context.close()


def test_caseworker_has_no_entry_and_is_refused(live_server, browser, admin_org):
    base = live_server.url
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    staff_login(page, base, "bo@example.se")
    assert page.get_by_role("link", name="Formulär för e-tjänster").count() == 0
    assert page.get_by_role("link", name="E-tjänster", exact=True).count() == 0
    response = page.goto(base + "/e-tjanster/admin/tjanster/")
    assert response.status == 403
    context.close()
