"""Profile, e-mail verification and claiming, SMS notices over HTTP, bad input, protection."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from sambruk.cases import services as case_services
from sambruk.cases.models import ConversationParticipant, Message
from sambruk.core.audit.models import AuditEvent
from sambruk.core.notifications.models import OutboxMessage
from sambruk.core.persons.models import Protection

from ..models import CitizenProfile, SmsMessage, SmsStatus, VerifiedEmail
from ..services import verification_token
from ..tasks import deliver_sms_now
from .conftest import PDF, TOLVAN, login_citizen, make_case, person, start_thread

pytestmark = pytest.mark.django_db


def verify(client, user, email):
    return client.get(f"/mina-sidor/profil/bekrafta/{verification_token(user, email)}/")


# --- profile and verification ------------------------------------------------------------
def test_profile_saves_and_sends_a_verification_link(client):
    user = login_citizen(client)
    response = client.post(
        "/mina-sidor/profil/",
        {"email": "Tolvan@Example.se", "phone": "070-123 45 67", "notify_email": "on"},
    )
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=user)
    assert (profile.email, profile.phone) == ("tolvan@example.se", "+46701234567")
    mail = OutboxMessage.objects.get(template="portal/email/verify_email")
    assert mail.to == ["tolvan@example.se"]
    link = re.search(r"/mina-sidor/profil/bekrafta/(\S+)/", mail.body_text).group(0)
    assert client.get(link).status_code == 302
    assert VerifiedEmail.objects.filter(user=user, email="tolvan@example.se").exists()
    page = client.get("/mina-sidor/profil/")
    assert "Adressen är bekräftad." in page.text
    assert AuditEvent.objects.filter(object_type="portal.citizenprofile", actor=user).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "inte-en-adress"}, "Ange en giltig e-postadress"),
        ({"phone": "12"}, "Ange ett mobilnummer, till exempel 070-123 45 67."),
        ({"phone": "08-123 456 78"}, "Ange ett mobilnummer"),
        ({"notify_sms": "on"}, "Ange ett mobilnummer för att få avisering med sms."),
    ],
)
def test_bad_profile_input_gets_a_swedish_message_and_saves_nothing(client, data, message):
    user = login_citizen(client)
    response = client.post("/mina-sidor/profil/", data)
    assert response.status_code == 400
    assert message in response.text
    assert not CitizenProfile.objects.filter(user=user).exists()


def test_verification_link_of_another_person_or_expired_is_refused(client, monkeypatch):
    other = login_citizen(client.__class__(), 0)
    me = login_citizen(client, 1)
    response = verify(client, other, "tolvan@example.se")
    assert response.status_code == 404 and "Länken är ogiltig." in response.text
    now = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 3 * 24 * 3600)
    token = verification_token(me, "testa@example.se")  # signed three days ago
    monkeypatch.undo()
    response = client.get(f"/mina-sidor/profil/bekrafta/{token}/")
    assert response.status_code == 404 and "Länken har gått ut" in response.text
    assert not VerifiedEmail.objects.exists()


def test_protected_person_sees_no_address_field(client):
    user = login_citizen(client)
    who = person(TOLVAN)
    who.street_address, who.postal_code, who.city = "Hemliga vägen 1", "81130", "Sandviken"
    who.save()
    page = client.get("/mina-sidor/profil/")
    assert "Folkbokföringsadress" in page.text and "Hemliga vägen 1" in page.text
    who.protection = Protection.SKYDDAD_FOLKBOKFORING
    who.save()
    page = client.get("/mina-sidor/profil/")
    assert "Folkbokföringsadress" not in page.text and "Hemliga vägen 1" not in page.text
    for label in ("Gatuadress", "Postnummer", "Postort", "81130", "c/o"):
        assert label not in page.text
    assert AuditEvent.objects.filter(action="read", actor=user, person=who).exists()


# --- claiming by a verified address --------------------------------------------------------
def test_cases_with_a_verified_address_are_claimed(
    client, kommun, django_capture_on_commit_callbacks
):
    case = make_case(
        kommun,
        contact={"name": "Tolvan", "email": "Tolvan@Example.se", "role": "Anmälare"},
        title="Trasig gatlykta",
        origin="fixamingata",
    )
    conversation = start_thread(kommun, case, {"email": "tolvan@example.se", "name": "Tolvan"})
    content_mails = OutboxMessage.objects.filter(template="cases/email/conversation_message")
    assert content_mails.count() == 1  # before the claim: an external e-mail participant
    user = login_citizen(client)
    assert "Trasig gatlykta" not in client.get("/mina-sidor/").text

    assert verify(client, user, "tolvan@example.se").status_code == 302
    assert "Trasig gatlykta" in client.get("/mina-sidor/").text
    participant = ConversationParticipant.objects.get(conversation=conversation, email__gt="")
    assert participant.kind == "citizen" and participant.person.civic_number == TOLVAN
    page = client.get(f"/mina-sidor/arende/{case.pk}/")
    assert "Vi behöver en ritning." in page.text
    assert "Invånaren följer nu konversationen på Mina sidor." in page.text

    # From now on the kommun's messages reach the citizen as a notice only.
    CitizenProfile.objects.create(user=user, email="tolvan@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        case_services.do_post_message(conversation, actor=kommun.worker, body="Lampan är bytt.")
    assert content_mails.count() == 1
    notice = OutboxMessage.objects.get(template="portal/email/new_message")
    assert notice.to == ["tolvan@example.se"]
    assert "Lampan" not in notice.body_text + notice.body_html + notice.subject


def test_an_address_verified_before_it_is_added_takes_part_as_the_citizen(
    client, kommun, django_capture_on_commit_callbacks
):
    case = make_case(kommun, contact={"email": "tolvan@example.se"}, title="Nedfallen skylt")
    other = make_case(kommun, contact={"email": "annan@example.se"}, title="Annat ärende")
    user = login_citizen(client)
    verify(client, user, "tolvan@example.se")
    CitizenProfile.objects.create(user=user, email="tolvan@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        conversation = start_thread(
            kommun, case, {"email": "Tolvan@Example.se"}, body="Skylten sitter uppe igen."
        )
        # the same address on a case the citizen does not see stays an e-mail participant
        start_thread(kommun, other, {"email": "tolvan@example.se"}, body="Till adressen.")
    participant = conversation.participants.get(email__iexact="tolvan@example.se")
    assert participant.kind == "citizen" and participant.person.civic_number == TOLVAN
    content = OutboxMessage.objects.filter(template="cases/email/conversation_message")
    assert [m.body_text.count("Till adressen.") for m in content] == [1]
    notice = OutboxMessage.objects.get(template="portal/email/new_message")
    assert "Skylten" not in notice.body_text + notice.body_html + notice.subject
    page = client.get(f"/mina-sidor/arende/{case.pk}/").text
    assert "Skylten sitter uppe igen." in page


def test_removed_address_no_longer_claims(client, kommun):
    make_case(kommun, contact={"email": "tolvan@example.se"}, title="Klotter på skolan")
    user = login_citizen(client)
    verify(client, user, "tolvan@example.se")
    assert "Klotter på skolan" in client.get("/mina-sidor/").text
    row = VerifiedEmail.objects.get(user=user)
    assert client.post(f"/mina-sidor/profil/e-post/{row.pk}/ta-bort/").status_code == 302
    assert "Klotter på skolan" not in client.get("/mina-sidor/").text


# --- replies: bad input ----------------------------------------------------------------------
@pytest.fixture
def thread(client, kommun):
    user = login_citizen(client)
    case = make_case(kommun, contact={"person": person(TOLVAN), "role": "Sökande"})
    conversation = start_thread(kommun, case, person(TOLVAN))
    url = f"/mina-sidor/arende/{case.pk}/konversation/{conversation.pk}/svara/"
    return case, conversation, url, user


def post_reply(client, conversation, url, body, files=None):
    data = {f"c{conversation.pk}-body": body}
    if files is not None:
        data[f"c{conversation.pk}-files"] = files
    return client.post(url, data)


@pytest.mark.parametrize(
    ("body", "upload", "message"),
    [
        ("", None, "Skriv ett meddelande."),
        ("Hej", SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\0" * 200), "virus.pdf"),
        ("Hej", SimpleUploadedFile("tom.pdf", b""), "tom"),
    ],
)
def test_bad_reply_gets_a_message_and_writes_nothing(client, thread, body, upload, message):
    case, conversation, url, _user = thread
    before = Message.objects.count()
    response = post_reply(client, conversation, url, body, upload)
    assert response.status_code == 400
    assert message in response.text
    assert Message.objects.count() == before
    assert not case.attachments.filter(message__channel="portal").exists()


def test_closed_case_has_no_reply_form_and_refuses_replies(client, thread, kommun):
    case, conversation, url, _user = thread
    closed = case.case_type.statuses.get(kind="closed")
    case_services.do_change_status(case, actor=kommun.worker, to=closed)
    page = client.get(f"/mina-sidor/arende/{case.pk}/")
    assert "Ärendet är avslutat. Du kan inte svara här längre" in page.text
    response = post_reply(client, conversation, url, "Hallå?")
    assert response.status_code == 400 and "Ärendet är avslutat." in response.text
    assert not Message.objects.filter(body="Hallå?").exists()


def test_internal_conversation_and_hidden_log_are_not_shown(client, thread, kommun):
    case, _conversation, _url, _user = thread
    case_services.do_start_conversation(case, actor=kommun.worker, topic="Internt om sökanden")
    case_services.do_add_note(case, actor=kommun.worker, text="Intern anteckning om Tolvan")
    case_services.do_add_note(
        case, actor=kommun.worker, text="Beslut väntas v. 50", visible_to_citizen=True
    )
    hidden = SimpleUploadedFile("intern.pdf", PDF, content_type="application/pdf")
    case_services.do_add_attachment(case, actor=kommun.worker, uploaded_file=hidden)
    page = client.get(f"/mina-sidor/arende/{case.pk}/").text
    assert "Beslut väntas v. 50" in page
    for secret in ("Internt om sökanden", "Intern anteckning", "intern.pdf"):
        assert secret not in page


# --- SMS over HTTP ---------------------------------------------------------------------------
class Gateway:
    """An SMS gateway on loopback: answers the queued statuses in order, records requests."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "body": json.loads(self.rfile.read(length)),
                        "auth": self.headers["Authorization"],
                    }
                )
                self.send_response(gateway.statuses.pop(0) if gateway.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    gw = Gateway([500])
    settings.SMS_GATEWAY_URL = gw.url
    settings.SMS_GATEWAY_TOKEN = "hemlig-nyckel"
    yield gw
    gw.close()


def test_sms_notice_is_retried_and_delivered_without_case_content(
    client, kommun, gateway, django_capture_on_commit_callbacks
):
    user = login_citizen(client)
    client.post(
        "/mina-sidor/profil/",
        {"phone": "070-123 45 67", "notify_sms": "on"},
    )
    case = make_case(kommun, contact={"person": person(TOLVAN)}, title="Bygglov för altan")
    with django_capture_on_commit_callbacks(execute=True):
        start_thread(kommun, case, person(TOLVAN), body="Hemligt besked om altanen")
    sms = SmsMessage.objects.get(user=user)
    assert sms.status == SmsStatus.QUEUED and sms.attempts == 1  # the gateway answered 500
    assert "500" in sms.last_error
    deliver_sms_now(sms.pk)  # what the huey retry runs
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT and sms.attempts == 2
    assert len(gateway.requests) == 2
    sent = gateway.requests[-1]
    assert sent["auth"] == "Bearer hemlig-nyckel"
    assert sent["body"]["to"] == "+46701234567"
    assert sent["body"]["message"].startswith("Du har ett nytt meddelande på Mina sidor")
    for secret in ("altan", "Bygglov", case.reference, "Komplettering"):
        assert secret not in sent["body"]["message"]


def test_no_sms_when_not_configured(client, kommun, settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY_URL = ""
    login_citizen(client)
    response = client.post("/mina-sidor/profil/", {"phone": "0701234567", "notify_sms": "on"})
    assert response.status_code == 302
    case = make_case(kommun, contact={"person": person(TOLVAN)})
    with django_capture_on_commit_callbacks(execute=True):
        start_thread(kommun, case, person(TOLVAN))
    assert not SmsMessage.objects.exists()


def test_a_co_applicants_own_thread_and_its_files_stay_theirs(client, kommun):
    login_citizen(client)
    testa = person("198112189876", "Testa", "Påhittadsson")
    case = make_case(kommun, contact={"person": person(TOLVAN), "role": "Sökande"})
    case_services.do_add_contact(case, actor=kommun.worker, person=testa, role="Medsökande")
    own = SimpleUploadedFile("testas-intyg.pdf", PDF, content_type="application/pdf")
    conversation = start_thread(kommun, case, testa, body="Till Testa", attachments=[own])
    attachment = conversation.messages.get().attachments.get()
    assert attachment.visible_to_citizen
    page = client.get(f"/mina-sidor/arende/{case.pk}/").text
    assert "testas-intyg.pdf" not in page and "Till Testa" not in page
    download = client.get(f"/mina-sidor/arende/{case.pk}/bilaga/{attachment.pk}/")
    assert download.status_code == 404


def test_the_case_log_shows_only_the_citizens_own_conversations(client, kommun):
    login_citizen(client)
    testa = person("198112189876", "Testa", "Påhittadsson")
    case = make_case(kommun, contact={"person": person(TOLVAN), "role": "Sökande"})
    case_services.do_add_contact(case, actor=kommun.worker, person=testa, role="Medsökande")
    start_thread(kommun, case, testa, topic="Skuld till hyresvärden")
    start_thread(kommun, case, person(TOLVAN), topic="Kontoutdrag saknas")
    page = client.get(f"/mina-sidor/arende/{case.pk}/").text
    assert "Kontoutdrag saknas" in page  # Tolvan's own thread and its log entries
    assert "Skuld till hyresvärden" not in page  # Testa's thread: not even its topic
