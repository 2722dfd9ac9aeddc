"""axe (WCAG 2.1 AA) on the e-service pages the end-to-end tests do not pass through: the
saved draft and its resume link, the catalogue with a logged-in citizen's drafts, the
retired-version page; and the idle-timeout warning dialog (session-timeout.js) with a
shortened timeout: the alertdialog opens, "Fortsätt vara inloggad" keeps the session."""

from __future__ import annotations

import re
import time

import pytest

from sambruk.eforms.models import FormVersion, Submission, VersionStatus

from .conftest import axe_violations
from .test_eforms_e2e import sandviken  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_and_start(page, base, eservice):
    page.goto(f"{base}/e-tjanster/sandviken/{eservice.slug}/")
    page.get_by_role("link", name="Logga in med e-legitimation och starta").click()
    page.get_by_role("link", name="Välj en testperson").click()
    page.get_by_label(re.compile("^Tolvan Tolvansson")).check()
    page.get_by_role("button", name="Logga in som testperson").click()
    page.get_by_role("button", name="Starta").click()
    page.wait_for_url(re.compile(r".*/sida/0/$"))


def test_saved_draft_resume_catalogue_and_retired_version(
    live_server,
    page,
    sandviken,  # noqa: F811
):
    base = live_server.url
    application = sandviken["application"]
    log_in_and_start(page, base, application)
    page.get_by_label("E-post").fill("tolvan@example.se")
    page.get_by_label("Bostadens adress").fill("Testgatan 12, Sandviken")
    page.get_by_role("button", name="Spara och fortsätt senare").click()
    page.wait_for_selector("text=Utkastet är sparat")
    assert axe_violations(page) == []  # saved-draft page
    link = page.get_by_label("Länk till ditt utkast").input_value()
    resume = base + re.sub(r"^https?://[^/]+", "", link)  # the site URL → the test server

    page.goto(resume)
    assert page.get_by_label("Bostadens adress").input_value() == "Testgatan 12, Sandviken"
    assert axe_violations(page) == []  # resumed draft

    page.goto(base + "/e-tjanster/")
    drafts = page.get_by_role("region", name="Dina utkast")
    assert drafts.get_by_role("link", name=re.compile("bostadsanpassningsbidrag")).is_visible()
    assert axe_violations(page) == []  # catalogue with the citizen's drafts

    # The form version is retired while the draft is open: the retired-version page.
    sub = Submission.objects.get()
    FormVersion.objects.filter(pk=sub.form_version_id).update(status=VersionStatus.RETIRED)
    page.goto(resume)
    page.wait_for_selector("h1:has-text('Formuläret har ändrats')")
    assert "Testgatan 12, Sandviken" in page.content()
    assert axe_violations(page) == []


def test_idle_timeout_dialog_keeps_the_session(
    live_server,
    page,
    sandviken,  # noqa: F811
    settings,
    monkeypatch,
):
    settings.CITIZEN_IDLE_TIMEOUT_SECONDS = 6
    settings.CITIZEN_IDLE_WARNING_SECONDS = 4
    # Restart the idle clock on every request (normally at most every 10 s).
    monkeypatch.setattr("sambruk.core.accounts.eleg.session.LAST_SEEN_RESOLUTION", 0)
    base = live_server.url
    log_in_and_start(page, base, sandviken["application"])
    started = time.monotonic()
    dialog = page.get_by_role("alertdialog", name="Du loggas snart ut")
    dialog.wait_for(state="visible", timeout=8000)
    keep = dialog.get_by_role("button", name="Fortsätt vara inloggad")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-eleg-extend')")
    assert axe_violations(page) == []  # with the dialog open
    with page.expect_response(re.compile(r".*/forlang/$")) as ping:
        keep.click()
    assert ping.value.status == 200
    dialog.wait_for(state="hidden")
    # Past the first timeout: still logged in (a page that needs the login is shown).
    time.sleep(max(0.0, 6.5 - (time.monotonic() - started)))
    page.reload()
    assert re.search(r"/sida/0/$", page.url)
    assert page.get_by_label("Bostadens adress").is_visible()
