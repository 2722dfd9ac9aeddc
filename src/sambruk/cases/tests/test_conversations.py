"""Conversations: participants, messages, threaded e-mail to external participants, replies."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from sambruk.cases import services
from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLogEntry,
    Conversation,
    ConversationParticipant,
    LogKind,
    Message,
    ParticipantKind,
)
from sambruk.core.audit.models import AuditEvent
from sambruk.core.notifications.models import OutboxMessage
from sambruk.core.notifications.tests.conftest import running_smtp, smtp_server  # noqa: F401
from sambruk.core.persons.tests.factories import PersonFactory

from .factories import CaseTypeFactory, QueueFactory, caseworker

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def case(setup):
    return services.do_create(
        actor=setup.worker, queue=setup.queue, case_type=setup.case_type, title="Vattenläcka"
    )


@pytest.fixture
def citizen(setup, case):
    person = PersonFactory(given_name="Tolvan", family_name="Tolvansson")
    services.do_add_contact(case, actor=setup.worker, person=person, role="Anmälare")
    return person


def start(setup, case, **kw):
    kw.setdefault("topic", "Fråga om ledningen")
    return services.do_start_conversation(case, actor=kw.pop("actor", setup.worker), **kw)


def test_start_adds_actor_and_participants_and_logs(setup, case, citizen):
    conv = start(
        setup,
        case,
        participants=[setup.other, citizen, {"email": "Entreprenör <lars@bygg.example>"}],
    )
    people = {(p.kind, str(p)) for p in conv.participants.all()}
    assert people == {
        (ParticipantKind.STAFF, "Anna Handläggare"),
        (ParticipantKind.STAFF, "Bo Handläggare"),
        (ParticipantKind.CITIZEN, citizen.full_name),
        (ParticipantKind.EXTERNAL, "Entreprenör"),
    }
    external = conv.participants.get(kind=ParticipantKind.EXTERNAL)
    assert external.email == "lars@bygg.example"
    entry = CaseLogEntry.objects.filter(case=case, kind=LogKind.CONVERSATION).get()
    assert entry.text == "Konversation startad: Fråga om ledningen."
    assert entry.visible_to_citizen  # not internal, and the citizen takes part
    assert CaseEvent.objects.filter(case=case, name="case.conversation_started").exists()


def test_participant_refusals_are_in_swedish(setup, case, citizen, org_factory):
    conv = start(setup, case, participants=["lars@bygg.example"])

    def refused(participant):
        with pytest.raises(CaseActionError) as err:
            services.do_add_participant(conv, actor=setup.worker, participant=participant)
        return err.value

    assert (
        refused("LARS@bygg.example").message == "lars@bygg.example deltar redan i konversationen."
    )
    assert refused(setup.worker).message == "Anna Handläggare deltar redan i konversationen."
    error = refused("inte-en-adress")
    assert error.code == "invalid_email"
    assert error.message == "”inte-en-adress” är ingen giltig e-postadress."
    stranger = PersonFactory()
    assert refused(stranger).message == f"{stranger.full_name} är inte kontakt i ärendet."
    outsider = caseworker(org_factory(), full_name="Olle Utomstående")
    assert refused(outsider).message == "Olle Utomstående har ingen behörighet till ärendet."
    assert conv.participants.count() == 2

    services.do_add_participant(conv, actor=setup.worker, participant=citizen)
    assert refused(citizen).message == f"{citizen.full_name} deltar redan i konversationen."


def test_internal_conversation_is_staff_only(setup, case, citizen):
    with pytest.raises(CaseActionError) as err:
        start(setup, case, internal=True, participants=["lars@bygg.example"])
    assert err.value.message == "En intern konversation kan bara ha personal som deltagare."
    assert not Conversation.objects.exists()
    conv = start(setup, case, internal=True, participants=[setup.other])
    with transaction.atomic():
        message = services.do_post_message(conv, actor=setup.other, body="Kolla ritningen")
    entry = CaseLogEntry.objects.filter(case=case, kind=LogKind.CONVERSATION).last()
    assert entry.data["message"] == message.pk
    assert not entry.visible_to_citizen
    assert not OutboxMessage.objects.exists()


def test_post_message_writes_message_log_audit_event_and_outbox(setup, case, citizen):
    conv = start(setup, case, participants=[citizen, "lars@bygg.example", "eva@vvs.example"])
    version = Case.objects.get(pk=case.pk).version
    first = services.do_post_message(conv, actor=setup.worker, body="Hej! När kan ni komma?")
    conv.refresh_from_db()
    assert first.message_id.startswith("<") and first.message_id.endswith("@sambruk.localhost>")
    assert conv.thread_id == first.message_id
    assert first.in_reply_to == ""
    assert first.author.user == setup.worker
    entry = CaseLogEntry.objects.filter(case=case, kind=LogKind.CONVERSATION).last()
    assert entry.text == (
        "Nytt meddelande i konversationen Fråga om ledningen från Anna Handläggare."
    )
    assert entry.visible_to_citizen
    assert Case.objects.get(pk=case.pk).version == version + 1
    assert CaseEvent.objects.filter(case=case, name="case.message_posted").exists()
    assert AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), changes__message=first.message_id
    ).exists()
    mails = OutboxMessage.objects.order_by("pk")
    assert sorted(m.to[0] for m in mails) == ["eva@vvs.example", "lars@bygg.example"]
    assert {m.message_id for m in mails} == {first.message_id}
    tokens = {
        p.email: p.reply_token for p in conv.participants.filter(kind=ParticipantKind.EXTERNAL)
    }
    for mail in mails:
        assert mail.reply_to == f"svar+{tokens[mail.to[0]]}@sambruk.localhost"
        assert mail.subject == f"Fråga om ledningen [ärende {case.reference}]"
        assert "Hej! När kan ni komma?" in mail.body_text
        assert mail.headers == {}

    # Another staff member answers: joins the conversation, threads to the first message.
    second = services.do_post_message(conv, actor=setup.other, body="Svar nummer två")
    assert second.in_reply_to == first.message_id
    assert conv.participants.filter(user=setup.other).exists()
    latest = OutboxMessage.objects.filter(message_id=second.message_id)
    assert latest.count() == 2
    assert latest.first().headers == {
        "In-Reply-To": first.message_id,
        "References": first.message_id,
    }


def test_post_refusals_leave_nothing(setup, case):
    conv = start(setup, case, participants=["lars@bygg.example"])
    with pytest.raises(CaseActionError) as err:
        services.do_post_message(conv, actor=setup.worker, body="   ")
    assert err.value.message == "Meddelandet är tomt."
    with pytest.raises(CaseActionError) as err:
        services.do_post_message(
            conv,
            actor=setup.worker,
            body="Se bilaga",
            attachments=[SimpleUploadedFile("ritning.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert err.value.code == "disguised_file"
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert not OutboxMessage.objects.exists()

    closed = services.do_close(case, actor=setup.worker)
    with pytest.raises(CaseActionError) as err:
        services.do_post_message(conv, actor=setup.worker, body="Hej")
    assert err.value.message == "Ärendet är avslutat."
    with pytest.raises(CaseActionError):
        services.do_start_conversation(closed, actor=setup.worker, topic="Ny")


def test_message_attachments_are_stored_and_named_in_the_email(setup, case):
    conv = start(setup, case, participants=["lars@bygg.example"])
    message = services.do_post_message(
        conv,
        actor=setup.worker,
        body="Ritningen bifogas",
        attachments=[SimpleUploadedFile("ritning.pdf", PDF)],
    )
    attachment = Attachment.objects.get()
    assert attachment.message == message
    assert attachment.original_name == "ritning.pdf"
    mail = OutboxMessage.objects.get()
    assert "- ritning.pdf" in mail.body_text


def test_other_organisation_cannot_converse(setup, case, org_factory):
    outsider = caseworker(org_factory())
    with pytest.raises(CaseActionError) as err:
        services.do_start_conversation(case, actor=outsider, topic="Hej")
    assert err.value.code == "not_found"


@pytest.mark.django_db(transaction=True)
def test_outbound_email_reaches_smtp_with_threading_headers(running_smtp, org_factory, settings):  # noqa: F811
    settings.CASES_REPLY_DOMAIN = "svar.sandviken.example"
    org = org_factory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org)
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue], full_name="Anna Handläggare")
    case = services.do_create(actor=worker, queue=queue, case_type=case_type, title="Ledning")
    conv = services.do_start_conversation(
        case,
        actor=worker,
        topic="Fråga om ledningen",
        participants=[{"email": "lars@bygg.example", "name": "Lars Bygg"}],
    )
    first = services.do_post_message(conv, actor=worker, body="Hej Lars!\nKan ni komma i dag?")
    second = services.do_post_message(conv, actor=worker, body="Påminnelse")

    mails = running_smtp.wait_for(2)
    assert len(mails) == 2
    by_id = {m["Message-ID"]: m for m in mails}
    assert set(by_id) == {first.message_id, second.message_id}
    token = conv.participants.get(kind=ParticipantKind.EXTERNAL).reply_token
    one, two = by_id[first.message_id], by_id[second.message_id]
    for mail in (one, two):
        assert mail["To"] == "lars@bygg.example"
        assert mail["Reply-To"] == f"svar+{token}@svar.sandviken.example"
        assert mail["Subject"] == f"Fråga om ledningen [ärende {case.reference}]"
    assert first.message_id.endswith("@svar.sandviken.example>")
    assert one["In-Reply-To"] is None and one["References"] is None
    assert two["In-Reply-To"] == first.message_id
    assert two["References"] == first.message_id
    text = one.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Hej Lars Bygg!" in text
    assert "Anna Handläggare på Sandvikens kommun har skrivit" in text
    assert "Hej Lars!\nKan ni komma i dag?" in text
    html = one.get_body(("html",)).get_content()
    assert "Hej Lars!<br>Kan ni komma i dag?" in html
    assert [e.rcpt_tos for e in running_smtp.envelopes] == [["lars@bygg.example"]] * 2

    # The reply of the external participant resolves to the conversation.
    assert services.thread_for_reply(
        f"Sandviken <svar+{token}@svar.sandviken.example>", two["Message-ID"]
    ) == (conv, conv.participants.get(kind=ParticipantKind.EXTERNAL))


def test_thread_for_reply_by_token_and_by_message_ids(setup, case):
    conv = start(setup, case, participants=["lars@bygg.example"])
    external = conv.participants.get(kind=ParticipantKind.EXTERNAL)
    first = services.do_post_message(conv, actor=setup.worker, body="Hej")
    second = services.do_post_message(conv, actor=setup.worker, body="Igen")
    other_conv = start(setup, case, topic="Annat")

    by_token = services.thread_for_reply(["kundcenter@sambruk.localhost", reply(external)], "")
    assert by_token == (conv, external)
    # A mail system that lower-cases the address still finds the participant.
    assert services.thread_for_reply(reply(external).lower(), "") == (conv, external)

    refs = f"<unknown@example.org> {first.message_id}\r\n {second.message_id}"
    assert services.thread_for_reply("kundcenter@sambruk.localhost", refs) == (conv, None)
    assert services.thread_for_reply(
        "kundcenter@sambruk.localhost", [second.message_id], from_address="Lars <LARS@bygg.example>"
    ) == (conv, external)
    conv.refresh_from_db()
    assert conv.thread_id == first.message_id
    assert services.thread_for_reply("x@sambruk.localhost", conv.thread_id)[0] == conv
    assert services.thread_for_reply("svar+okänd@sambruk.localhost", "<nope@example.org>") is None
    assert services.thread_for_reply("", "") is None
    assert other_conv.thread_id == ""


def reply(participant: ConversationParticipant) -> str:
    return f"svar+{participant.reply_token}@sambruk.localhost"
