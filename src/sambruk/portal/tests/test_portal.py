"""Mina sidor end to end: real OIDC log-in on loopback, cases of three modules (e-service,
FixaMinGata, a plain case), a message thread answered by the citizen and seen by the
caseworker, the notice e-mail on a real SMTP server without case content."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sambruk.cases.models import Attachment, Message
from sambruk.core.accounts.tests import eleg_provider
from sambruk.core.accounts.tests.eleg_provider import at_provider, back_to_rp, start
from sambruk.core.audit.models import AuditEvent
from sambruk.eforms.tests.test_submissions_support import (
    fill_kontakt,
    make_eservice,
)
from sambruk.eforms.tests.test_submissions_support import start as start_eservice
from sambruk.fixamingata import services as fmg
from sambruk.fixamingata.tests.factories import SANDVIKEN
from sambruk.fixamingata.tests.factories import world as make_world

from ..models import VerifiedEmail
from .conftest import PDF, TOLVAN, make_case, person, start_thread

oidc_provider = eleg_provider.oidc_provider
eleg_settings = eleg_provider.eleg_settings


def shadow_upsert():
    """The Channel's service for shadow cases, once it exists (another helper writes it)."""
    try:
        from sambruk.channel.services import upsert_shadow_case
    except (ImportError, AttributeError):
        return None
    return upsert_shadow_case


def text_of(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_citizen_follows_cases_of_three_modules_and_answers_the_kommun(
    client, eleg_settings, running_smtp, kommun, login
):
    # Log in with e-legitimation (the real OIDC provider on loopback) straight to Mina sidor.
    response = back_to_rp(client, at_provider(start(client, next_url="/mina-sidor/"), "tolvan"))
    assert response["Location"] == "/mina-sidor/"
    tolvan = person(TOLVAN)

    # 1. An e-service submission (eforms) becomes a case with the citizen as Sökande.
    world = make_world()
    eservice = make_eservice(world.sandviken, login_required=True, name="Kontakta kommunen")
    sub, _location = start_eservice(client, eservice)
    fill_kontakt(client, sub)
    assert client.post(
        f"/e-tjanster/{world.sandviken.slug}/{eservice.slug}/{sub.draft_token}/sammanfattning/",
        {"idempotency_key": sub.idempotency_key},
    ).status_code in (302, 303)
    # 2. A FixaMinGata report made while logged in.
    report = fmg.submit_report(
        lat=SANDVIKEN[0],
        lon=SANDVIKEN[1],
        category=world.cat(world.sandviken_body, "Gatubelysning"),
        title="Trasig gatlykta på Storgatan",
        user=tolvan_user(),
    )
    assert report.case is not None
    # 3. A plain case of another case type in another kommun.
    building = make_case(kommun, contact={"person": tolvan, "role": "Sökande"})
    # 4. A shadow case from an external system (when the Channel offers it).
    upsert = shadow_upsert()
    if upsert is not None:
        upsert_shadow(upsert, world.sandviken)

    # Somebody else's case is not listed.
    make_case(kommun, contact={"person": person("198112189876", "Testa")}, title="Annans ärende")

    page = client.get("/mina-sidor/")
    assert page.status_code == 200
    html = page.text
    assert "Trasig gatlykta på Storgatan" in html and "FixaMinGata" in html
    assert "Bygglov för carport" in html and "Bygglov" in html
    assert eservice.name in html and "E-tjänst" in html
    assert "Annans ärende" not in html
    if upsert is not None:
        assert "Bygglovsansökan i Castor" in html and "Från Castor" in html
    list_read = AuditEvent.objects.filter(
        action="read", actor=tolvan_user(), object_id="mina-sidor", purpose="Mina sidor"
    ).latest("pk")
    assert {building.pk, report.case_id, sub_case_id(eservice)} <= set(list_read.changes["cases"])

    # The citizen gives an e-mail address and verifies it through the e-mailed link.
    saved = client.post(
        "/mina-sidor/profil/",
        {"email": "tolvan@example.se", "phone": "070-123 45 67", "notify_email": "on"},
    )
    assert saved.status_code == 302
    link_mail = next(m for m in running_smtp.wait_for(2) if m["To"] == "tolvan@example.se")
    link = re.search(r"http://testserver(/mina-sidor/profil/bekrafta/\S+/)", text_of(link_mail))
    assert client.get(link.group(1)).status_code == 302
    assert VerifiedEmail.objects.filter(user=tolvan_user(), email="tolvan@example.se").exists()
    before = len(running_smtp.envelopes)

    # The kommun writes to the citizen, with a document.
    drawing = SimpleUploadedFile("ritning.pdf", PDF, content_type="application/pdf")
    conversation = start_thread(
        kommun, building, tolvan, body="Vi behöver en ritning över carporten.",
        attachments=[drawing],
    )  # fmt: skip
    [notice] = running_smtp.wait_for(before + 1)[before:]
    assert notice["To"] == "tolvan@example.se"
    assert notice["Subject"] == "Nytt meddelande på Mina sidor"
    body = text_of(notice) + notice.get_body(preferencelist=("html",)).get_content()
    assert "http://testserver/mina-sidor/" in body
    for secret in ("ritning", "Komplettering", "carport", building.reference, "Sandvikens"):
        assert secret not in body and secret not in notice["Subject"]

    # The citizen reads the message and the document on the case page …
    case_page = client.get(f"/mina-sidor/arende/{building.pk}/")
    assert "Vi behöver en ritning över carporten." in case_page.text
    attachment = Attachment.objects.get(case=building, original_name="ritning.pdf")
    download = client.get(f"/mina-sidor/arende/{building.pk}/bilaga/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # … and answers with an attachment.
    answer = client.post(
        f"/mina-sidor/arende/{building.pk}/konversation/{conversation.pk}/svara/",
        {
            f"c{conversation.pk}-body": "Här kommer ritningen.",
            f"c{conversation.pk}-files": SimpleUploadedFile("carport.pdf", PDF),
        },
    )
    assert answer.status_code == 302
    message = Message.objects.get(body="Här kommer ritningen.")
    assert message.channel == "portal" and message.attachments.get().original_name == "carport.pdf"
    assert "Här kommer ritningen." in client.get(f"/mina-sidor/arende/{building.pk}/").text

    # The caseworker sees the reply in the workspace conversation.
    staff = login(Client(), kommun.worker)
    assert staff.get(f"/arenden/{building.pk}/").status_code == 200
    workspace = staff.get(
        f"/arenden/{building.pk}/flik/konversationer/", headers={"HX-Request": "true"}
    )
    assert "Här kommer ritningen." in workspace.text and "Mina sidor" in workspace.text
    assert (
        "carport.pdf"
        in staff.get(f"/arenden/{building.pk}/flik/bilagor/", headers={"HX-Request": "true"}).text
    )
    # The citizen's own reply does not notify the citizen.
    assert len(running_smtp.wait_for(before + 1, timeout=0.5)) == before + 1


def sub_case_id(eservice):
    from sambruk.eforms.models import Submission

    return Submission.objects.get(eservice=eservice).case_id


def tolvan_user():
    from sambruk.core.accounts.models import User

    return User.objects.get(civic_number=TOLVAN, kind="citizen")


def upsert_shadow(upsert, organisation, civic_number=TOLVAN, title="Bygglovsansökan i Castor"):
    """A shadow case through the Channel's service; returns the stored shadow case."""
    shadow, _created = upsert(
        organisation=organisation,
        system_name="Castor",
        external_id=f"BN-2026-{civic_number[-4:]}",
        civic_number=civic_number,
        title=title,
        status="Under handläggning",
        content=[{"key": "Fastighet", "value": "Sandviken Tolvan 1:12"}],
        log=[{"at": "2026-11-20T10:00:00+01:00", "message": "Ansökan registrerad"}],
    )
    return shadow
