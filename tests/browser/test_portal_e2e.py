"""Mina sidor in a real browser (Playwright + Chromium, DEMO_MODE): from the "Mina sidor" link in
the header through the Test-legitimation to the list, a case page with a message thread, a
reply with an attachment, and the profile — at phone width (375 px) and on a desktop, with no
WCAG 2.1 AA violations (axe) on the list, the case page and the profile page."""

from __future__ import annotations

import re

import pytest

from sambruk.cases import services as case_services
from sambruk.cases.models import Message
from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory, caseworker
from sambruk.core.organisations.tests.factories import OrganisationFactory
from sambruk.core.persons.models import Person

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def tolvans_cases(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path)
    org = OrganisationFactory(name="Sandvikens kommun", slug="sandviken")
    case_type = CaseTypeFactory(organisation=org, name="Bostadsanpassning")
    queue = QueueFactory(organisation=org, name="Kundtjänst", default_case_type=case_type)
    worker = caseworker(org, queues=[queue], full_name="Anna Ek")
    tolvan = Person.objects.create(
        civic_number="191212121212", given_name="Tolvan", family_name="Tolvansson"
    )
    case = case_services.do_create(
        actor=worker,
        queue=queue,
        case_type=case_type,
        title="Ansökan om bostadsanpassningsbidrag",
        contacts=[{"person": tolvan, "role": "Sökande"}],
    )
    conversation = case_services.do_start_conversation(
        case, actor=worker, topic="Komplettering", participants=[tolvan]
    )
    case_services.do_post_message(
        conversation, actor=worker, body="Hej! Vi behöver ett intyg från arbetsterapeuten."
    )
    case_services.do_add_note(
        case, actor=worker, text="Handläggningen har påbörjats.", visible_to_citizen=True
    )
    closed = case_services.do_create(
        actor=worker,
        queue=queue,
        case_type=case_type,
        title="Synpunkt på snöröjningen",
        contacts=[{"person": tolvan, "role": "Anmälare"}],
    )
    status = case_type.statuses.get(kind="closed")
    case_services.do_change_status(closed, actor=worker, to=status)
    return {"case": case, "conversation": conversation}


@pytest.mark.parametrize("width", [375, 1280])
def test_mina_sidor_list_case_reply_and_profile(
    live_server, browser, tolvans_cases, width, tmp_path
):
    base = live_server.url
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("link", name="Mina sidor").first.click()
    page.wait_for_url(re.compile(r".*/konto/e-legitimation/.*"))
    if "/test/" not in page.url:
        page.get_by_role("link", name="Välj en testperson").click()
    page.get_by_label(re.compile("^Tolvan Tolvansson")).check()
    page.get_by_role("button", name="Logga in som testperson").click()
    page.wait_for_url(base + "/mina-sidor/")

    # The list: open and closed cases.
    assert page.get_by_role("heading", name="Pågående ärenden").is_visible()
    assert page.get_by_role("heading", name="Avslutade ärenden").is_visible()
    no_sideways_scroll(page)
    assert axe_violations(page) == []

    # The case page: status, the visible log entry, the message.
    page.get_by_role("link", name="Ansökan om bostadsanpassningsbidrag").click()
    page.wait_for_url(re.compile(r".*/mina-sidor/arende/\d+/$"))
    assert page.get_by_text("Hej! Vi behöver ett intyg från arbetsterapeuten.").is_visible()
    assert page.get_by_text("Handläggningen har påbörjats.").is_visible()
    no_sideways_scroll(page)
    assert axe_violations(page) == []

    # An empty reply: an error summary; then a reply with an attachment.
    page.get_by_role("button", name="Skicka meddelande").click()
    page.wait_for_selector(".error-summary")
    assert axe_violations(page) == []
    page.get_by_label("Ditt meddelande").fill("Här är intyget.")
    upload = tmp_path / "intyg.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("Bifoga filer (valfritt)").set_input_files(str(upload))
    page.get_by_role("button", name="Skicka meddelande").click()
    page.wait_for_selector("text=Ditt meddelande är skickat.")
    assert page.get_by_role("link", name="intyg.pdf").first.is_visible()
    message = Message.objects.get(body="Här är intyget.")
    assert message.channel == "portal"

    # The profile.
    page.get_by_role("link", name="Min profil").click()
    page.wait_for_url(base + "/mina-sidor/profil/")
    page.get_by_label("E-post", exact=True).fill("inte-en-adress")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector(".error-summary")
    assert axe_violations(page) == []
    page.get_by_label("E-post", exact=True).fill("tolvan@example.se")
    page.get_by_label("Mobiltelefon").fill("070-123 45 67")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("text=Dina uppgifter är sparade.")
    no_sideways_scroll(page)
    assert axe_violations(page) == []
    context.close()


def no_sideways_scroll(page):
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        """() => (() => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); let n; while ((n = w.nextNode())) { const r = document.createRange(); r.selectNodeContents(n); const b = r.getBoundingClientRect(); if (b.right > document.documentElement.clientWidth + 1) out.push(n.parentElement.tagName + '.' + n.parentElement.className + ': ' + n.textContent.trim().slice(0, 40) + ' ' + Math.round(b.right)); } return out.slice(0, 8); })()"""
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px: {wide}"
