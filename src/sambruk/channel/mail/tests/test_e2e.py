"""End to end: a caseworker writes to an external participant; the mail reaches the loopback
SMTP server; its recipient answers over real SMTP to the ``mailin`` receiver; the answer
lands in the same conversation."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from sambruk.cases import services
from sambruk.cases.models import Message, MessageChannel, ParticipantKind
from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory, caseworker
from sambruk.channel.mail.models import InboundMail, InboundResult


def answer(original, body: str, *, sender: str) -> EmailMessage:
    """What a mail client does when the user presses Reply."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = original["Reply-To"]
    reply["Subject"] = "Re: " + original["Subject"]
    reply["Message-ID"] = make_msgid(domain="bygg.example")
    reply["In-Reply-To"] = original["Message-ID"]
    reply["References"] = " ".join(
        filter(None, [original.get("References", ""), original["Message-ID"]])
    )
    quoted = original.get_body(("plain",)).get_content()
    reply.set_content(body + "\n\n> " + quoted.replace("\n", "\n> "))
    return reply


def test_caseworker_message_out_and_external_reply_back_into_the_conversation(
    mailin, running_smtp, org_factory
):
    org = org_factory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org)
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue], full_name="Anna Handläggare")
    case = services.do_create(actor=worker, queue=queue, case_type=case_type, title="Ledning")
    conversation = services.do_start_conversation(
        case,
        actor=worker,
        topic="Fråga om ledningen",
        participants=[{"email": "lars@bygg.example", "name": "Lars Bygg"}],
    )
    sent = services.do_post_message(conversation, actor=worker, body="Kan ni komma i dag?")

    outbound = running_smtp.wait_for(1)
    assert len(outbound) == 1
    original = outbound[0]
    assert original["Message-ID"] == sent.message_id
    assert original["Reply-To"].startswith("svar+")

    # Lars answers from his mail client, over SMTP, to the Reply-To address.
    refused = mailin.send(
        answer(original, "Ja, vi kommer klockan 14.", sender="Lars Bygg <lars@bygg.example>")
    )
    assert refused == {}
    inbound = InboundMail.objects.get()
    assert inbound.result == InboundResult.REPLY
    assert inbound.case_id == case.pk
    messages = list(Message.objects.filter(conversation=conversation).order_by("pk"))
    assert [m.channel for m in messages] == [MessageChannel.WEB, MessageChannel.EMAIL]
    reply = messages[1]
    assert reply.body.startswith("Ja, vi kommer klockan 14.")
    assert reply.author.kind == ParticipantKind.EXTERNAL
    assert reply.author.email == "lars@bygg.example"
    assert reply.in_reply_to == sent.message_id

    # The caseworker writes again: the thread continues (References name both earlier mails).
    services.do_post_message(conversation, actor=worker, body="Bra, välkomna.")
    second = running_smtp.wait_for(2)[1]
    assert second["In-Reply-To"] == reply.message_id
    # And Lars's answer to that, sent only with References (no token in the address).
    again = answer(second, "Tack!", sender="lars@bygg.example")
    del again["To"]
    again["To"] = "kundcenter@sambruk.example"
    mailin.send(again)
    assert Message.objects.filter(conversation=conversation).count() == 4
    assert InboundMail.objects.filter(result=InboundResult.REPLY).count() == 2
