"""Inbound mail over real SMTP (aiosmtpd receiver in-process, smtplib client)."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid

import pytest

from sambruk.cases.models import (
    Attachment,
    Case,
    CaseContact,
    CaseLogEntry,
    Message,
    MessageChannel,
    Origin,
    ParticipantKind,
)
from sambruk.cases.tests.factories import LabelFactory
from sambruk.channel.mail.models import InboundMail, InboundResult, InboundStatus
from sambruk.core.notifications.models import OutboxMessage

from .conftest import mail
from .factories import EmailAccessPointFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def point(transactional_db, org_factory):
    org = org_factory(name="Sandvikens kommun")
    label = LabelFactory(organisation=org, name="E-post")
    return EmailAccessPointFactory(
        organisation=org, name="Kundcenter", address="kundcenter@sandviken.example", labels=[label]
    )


def only_mail() -> InboundMail:
    return InboundMail.objects.get()


def test_new_mail_creates_case_with_contact_conversation_and_receipt(mailin, point):
    refused = mailin.send(mail())
    assert refused == {}
    row = only_mail()
    assert (row.status, row.result) == (InboundStatus.PROCESSED, InboundResult.NEW_CASE)
    assert b"Subject: Trasig gatlykta" in bytes(row.raw)
    assert row.organisation == point.organisation and row.access_point == point
    case = Case.objects.get()
    assert row.case == case
    assert (case.title, case.origin, case.queue, case.case_type) == (
        "Trasig gatlykta",
        Origin.EMAIL,
        point.queue,
        point.case_type,
    )
    assert [label.name for label in case.labels.all()] == ["E-post"]
    contact = CaseContact.objects.get(case=case)
    assert (contact.name, contact.email, contact.role) == (
        "Tolvan Tolvansson",
        "tolvan@medborgare.example",
        "Avsändare",
    )
    message = Message.objects.get()
    assert message.channel == MessageChannel.EMAIL
    assert message.body == "Hej!\nLyktan på Storgatan 1 är trasig."
    assert message.message_id == row.message_id
    conversation = message.conversation
    assert conversation.case == case and conversation.topic == "Trasig gatlykta"
    assert conversation.thread_id == message.message_id
    assert message.author.kind == ParticipantKind.EXTERNAL
    assert message.author.email == "tolvan@medborgare.example"
    assert CaseLogEntry.objects.filter(
        case=case, text__startswith="E-post från Tolvan Tolvansson"
    ).exists()
    receipt = OutboxMessage.objects.get(template="channel_mail/email/receipt")
    assert receipt.to == ["tolvan@medborgare.example"]
    assert receipt.headers["Auto-Submitted"] == "auto-replied"
    assert receipt.reply_to == f"svar+{message.author.reply_token}@svar.sambruk.example"
    assert case.reference in receipt.subject


def test_reply_by_token_and_by_references_threads_into_conversation(mailin, point):
    mailin.send(mail())
    first = Message.objects.get()
    participant = first.author
    # 1. To the reply address (token), no threading headers at all.
    mailin.send(
        mail(to=f"svar+{participant.reply_token}@svar.sambruk.example", subject="Re: lykta")
    )
    # 2. To the access point again, but In-Reply-To the first message.
    mailin.send(mail(subject="Re: Trasig gatlykta", In_Reply_To=first.message_id))
    assert Case.objects.count() == 1
    messages = list(Message.objects.order_by("pk"))
    assert len(messages) == 3
    assert {m.conversation_id for m in messages} == {first.conversation_id}
    assert {m.author_id for m in messages} == {participant.pk}
    assert [r.result for r in InboundMail.objects.order_by("pk")] == [
        InboundResult.NEW_CASE,
        InboundResult.REPLY,
        InboundResult.REPLY,
    ]
    # Receipts only for the new case.
    assert OutboxMessage.objects.filter(template="channel_mail/email/receipt").count() == 1


def test_reply_to_closed_case_reopens_it(mailin, point):
    from sambruk.cases import services
    from sambruk.cases.models import CaseState
    from sambruk.cases.tests.factories import caseworker

    mailin.send(mail())
    case = Case.objects.get()
    worker = caseworker(point.organisation, queues=[point.queue])
    services.do_assign(case, actor=worker)
    case = services.do_close(Case.objects.get(), actor=worker)
    assert case.state == CaseState.CLOSED
    token = Message.objects.get().author.reply_token
    mailin.send(mail(to=f"svar+{token}@svar.sambruk.example", subject="Re: igen"))
    case.refresh_from_db()
    assert case.state != CaseState.CLOSED
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    "headers,envelope_from,reason",
    [
        ({"Auto_Submitted": "auto-replied"}, None, "Auto-Submitted"),
        ({"X_Autoreply": "yes"}, None, "x-autoreply"),
        ({"X_Auto_Response_Suppress": "All"}, None, "X-Auto-Response-Suppress"),
        ({"Precedence": "bulk"}, None, "Precedence: bulk"),
        ({"Precedence": "junk"}, None, "Precedence: junk"),
        ({"Precedence": "list"}, None, "Precedence: list"),
        ({"subject": "Automatiskt svar: Trasig gatlykta"}, None, "ämnesraden"),
    ],
)
def test_auto_replies_are_ignored(mailin, point, headers, envelope_from, reason):
    subject = headers.pop("subject", "Trasig gatlykta")
    mailin.send(mail(subject=subject, **headers), mail_from=envelope_from)
    row = only_mail()
    assert (row.status, row.result) == (InboundStatus.IGNORED, InboundResult.AUTO_REPLY)
    assert reason in row.detail
    assert row.organisation == point.organisation  # the kommun sees it in its list
    assert not Case.objects.exists()
    assert not OutboxMessage.objects.exists()  # and never gets our receipt


def bounce_report(to: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.medborgare.example>\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.medborgare.example')}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.medborgare.example\r\n\r\n"
        "Final-Recipient: rfc822; nobody@medborgare.example\r\nAction: failed\r\n"
        "Status: 5.1.1\r\n\r\n--B--\r\n"
    ).encode()


def test_bounce_is_ignored(mailin, point):
    mailin.send(bounce_report(point.address), mail_from="", to=[point.address])
    row = only_mail()
    assert (row.status, row.result) == (InboundStatus.IGNORED, InboundResult.BOUNCE)
    assert "multipart/report" in row.detail
    # Also an ordinary-looking mail with an empty envelope sender (RFC 5321 null path).
    mailin.send(mail(), mail_from="", to=[point.address])
    assert InboundMail.objects.filter(result=InboundResult.BOUNCE).count() == 2
    assert not Case.objects.exists() and not OutboxMessage.objects.exists()


def test_mail_loops_are_detected(mailin, point):
    # From our own address.
    mailin.send(mail(sender="Sambruk <noreply@sambruk.example>"))
    # Too many Received headers.
    looped = mail()
    for hop in range(40):
        looped["Received"] = f"from relay{hop}.example by relay{hop + 1}.example"
    mailin.send(looped)
    # Our own Message-IDs cited over and over.
    refs = " ".join(make_msgid(domain="svar.sambruk.example") for _ in range(30))
    mailin.send(mail(References=refs))
    rows = list(InboundMail.objects.order_by("pk"))
    assert [r.result for r in rows] == [InboundResult.LOOP] * 3
    assert "plattformens egen adress" in rows[0].detail
    assert "Received" in rows[1].detail
    assert "egna Message-ID" in rows[2].detail
    assert not Case.objects.exists() and not OutboxMessage.objects.exists()


def test_mail_from_an_access_point_address_is_a_loop(mailin, point):
    other = EmailAccessPointFactory(
        organisation=point.organisation, address="bygglov@sandviken.example"
    )
    mailin.send(mail(sender=f"Bygglov <{other.address.upper()}>"))
    row = only_mail()
    assert row.result == InboundResult.LOOP and "plattformens egen adress" in row.detail
    assert not Case.objects.exists()


def test_unknown_address_goes_to_catch_all_then_platform_support(mailin, point, settings):
    support = EmailAccessPointFactory(
        organisation=point.organisation,
        name="Support",
        address="support@sambruk.example",
        send_receipt=False,
    )
    catch_all = EmailAccessPointFactory(
        organisation=point.organisation, address="info@sandviken.example", catch_all=True
    )
    mailin.send(mail(to="finnsinte@sandviken.example"))
    row = only_mail()
    assert row.result == InboundResult.NEW_CASE and row.access_point == catch_all
    assert Case.objects.get().queue == catch_all.queue

    catch_all.catch_all = False
    catch_all.save()
    # Without a support address: failed, visible, raw kept.
    mailin.send(mail(to="okand@sambruk.example"))
    failed = InboundMail.objects.get(result=InboundResult.UNROUTED)
    assert failed.status == InboundStatus.FAILED and "okand@sambruk.example" in failed.error
    # The operator sets the support address and retries: now a case in the support queue.
    settings.MAILIN_SUPPORT_ADDRESS = "support@sambruk.example"
    from sambruk.channel.mail import services

    services.process(failed.pk, allow_failed=True)
    failed.refresh_from_db()
    assert (failed.status, failed.access_point) == (InboundStatus.PROCESSED, support)
    assert "supportingången" in failed.detail


def test_recipient_outside_our_domains_is_refused_at_rcpt(mailin, point):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
        mailin.send(mail(to="someone@gmail.example"))
    code, text = err.value.recipients["someone@gmail.example"]
    assert code == 550 and b"not a domain of ours" in text
    # One refused among accepted ones: the mail is accepted for the others only.
    refused = mailin.send(mail(), to=["someone@gmail.example", point.address])
    assert list(refused) == ["someone@gmail.example"]
    assert only_mail().recipients == [point.address]


def test_attachments_are_kept_and_refused_ones_noted(mailin, point):
    message = mail()
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="karta.pdf")
    message.add_attachment(
        b"MZ\x90\x00binary", maintype="application", subtype="octet-stream", filename="virus.exe"
    )
    message.add_attachment(
        b"Rad 1\nRad 2\n", maintype="text", subtype="plain", filename="anteckning.txt"
    )
    mailin.send(message)
    case = Case.objects.get()
    names = sorted(a.original_name for a in Attachment.objects.filter(case=case))
    assert names == ["anteckning.txt", "karta.pdf"]
    assert all(a.message_id == Message.objects.get().pk for a in Attachment.objects.all())
    body = Message.objects.get().body
    assert "[Bilagan togs inte med: Filtypen för ”virus.exe” är inte tillåten." in body
    entry = CaseLogEntry.objects.get(case=case, text__startswith="E-post från")
    assert entry.data["changes"]["skipped_attachments"]


def test_same_mail_twice_makes_one_case(mailin, point):
    message = mail()
    mailin.send(message)
    mailin.send(message)  # e.g. the sending server did not see our 250 and resent
    assert Case.objects.count() == 1
    assert [r.result for r in InboundMail.objects.order_by("pk")] == [
        InboundResult.NEW_CASE,
        InboundResult.DUPLICATE,
    ]
