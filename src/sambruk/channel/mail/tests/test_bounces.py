"""Bounces of outbound e-mail, end to end over real SMTP: a caseworker writes to an external
participant, the outbox delivers to a loopback SMTP server with the VERP envelope sender, and
a Postfix-style delivery status notification comes back to the ``mailin`` receiver."""

from __future__ import annotations

from email.utils import make_msgid

import pytest
from django.urls import reverse

from sambruk.cases import services
from sambruk.cases.models import Case, CaseEvent, CaseLogEntry
from sambruk.cases.tests.factories import CaseTypeFactory, QueueFactory, caseworker
from sambruk.channel.mail.bounces import parse_report
from sambruk.channel.mail.models import InboundMail, InboundResult, InboundStatus
from sambruk.core.notifications.models import OutboxMessage, OutboxStatus

LARS = "lars@bygg.example"


def dsn(
    *,
    to: str,
    recipient: str = LARS,
    message_id: str,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 <lars@bygg.example>: Recipient address rejected:\r\n"
    "    User unknown in virtual mailbox table",
) -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464)."""
    return (
        "Return-Path: <>\r\n"
        "From: MAILER-DAEMON@mx.bygg.example (Mail Delivery System)\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        f"Message-ID: {make_msgid(domain='mx.bygg.example')}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status;\r\n"
        '\tboundary="8B2F41C0A1.1764190000/mx.bygg.example"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "This is a MIME-encapsulated message.\r\n"
        "\r\n"
        "--8B2F41C0A1.1764190000/mx.bygg.example\r\n"
        "Content-Description: Notification\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "This is the mail system at host mx.bygg.example.\r\n"
        "\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n"
        "\r\n"
        f"<{recipient}>: host mail.bygg.example said: 550 5.1.1 User unknown\r\n"
        "\r\n"
        "--8B2F41C0A1.1764190000/mx.bygg.example\r\n"
        "Content-Description: Delivery report\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mx.bygg.example\r\n"
        "X-Postfix-Queue-ID: 8B2F41C0A1\r\n"
        "X-Postfix-Sender: rfc822; bounces+x@svar.sambruk.example\r\n"
        "Arrival-Date: Thu, 26 Nov 2026 21:00:00 +0100 (CET)\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Original-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Remote-MTA: dns; mail.bygg.example\r\n"
        f"Diagnostic-Code: {diagnostic}\r\n"
        "\r\n"
        "--8B2F41C0A1.1764190000/mx.bygg.example\r\n"
        "Content-Description: Undelivered Message Headers\r\n"
        "Content-Type: text/rfc822-headers\r\n"
        "\r\n"
        "From: Sambruk <noreply@sambruk.example>\r\n"
        f"To: {recipient}\r\n"
        "Subject: =?utf-8?q?Fr=C3=A5ga_om_ledningen?=\r\n"
        f"Message-ID: {message_id}\r\n"
        "\r\n"
        "--8B2F41C0A1.1764190000/mx.bygg.example--\r\n"
    ).encode()


@pytest.fixture
def sent(mailin, running_smtp, org_factory):
    """A caseworker's message to Lars, delivered to the loopback SMTP server."""
    org = org_factory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org)
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue], full_name="Anna Handläggare")
    case = services.do_create(actor=worker, queue=queue, case_type=case_type, title="Ledning")
    conversation = services.do_start_conversation(
        case,
        actor=worker,
        topic="Fråga om ledningen",
        participants=[{"email": LARS, "name": "Lars Bygg"}],
    )
    message = services.do_post_message(conversation, actor=worker, body="Kan ni komma i dag?")
    running_smtp.wait_for(1)
    envelope = running_smtp.envelopes[0]
    outbox = OutboxMessage.objects.get()
    assert outbox.status == OutboxStatus.SENT
    return type(
        "Sent",
        (),
        {
            "org": org,
            "worker": worker,
            "case": case,
            "message": message,
            "outbox": outbox,
            "envelope": envelope,
            "smtp": running_smtp,
        },
    )


def bounce_entries(case):
    return list(CaseLogEntry.objects.filter(case=case, text__contains="kunde inte levereras"))


def test_outbound_mail_has_verp_envelope_sender_and_unchanged_from(sent):
    token = sent.outbox.bounce_token
    assert len(token) >= 26 and token.isalnum()
    assert sent.envelope.mail_from == f"bounces+{token}@svar.sambruk.example"
    original = sent.smtp.messages[0]
    assert original["From"] == "Sambruk <noreply@sambruk.example>"
    assert original["Reply-To"].startswith("svar+")
    # The token says nothing about the case.
    assert sent.case.reference.lower() not in sent.envelope.mail_from
    assert str(sent.case.pk) not in token


def test_permanent_bounce_is_recorded_on_outbox_and_case_for_staff(sent, mailin, client, login):
    refused = mailin.send(
        dsn(to=sent.envelope.mail_from, message_id=sent.message.message_id),
        mail_from="",
        to=[sent.envelope.mail_from],
    )
    assert refused == {}

    row = InboundMail.objects.get()
    assert (row.status, row.result) == (InboundStatus.PROCESSED, InboundResult.BOUNCE)
    assert row.case_id == sent.case.pk and row.organisation_id == sent.org.pk
    outbox = OutboxMessage.objects.get()
    assert outbox.status == OutboxStatus.BOUNCED
    assert outbox.bounce_recipient == LARS
    assert outbox.bounce_diagnostic.startswith("5.1.1 550 5.1.1")
    assert "User unknown in virtual mailbox table" in outbox.bounce_diagnostic
    assert outbox.bounced_at is not None

    (entry,) = bounce_entries(sent.case)
    assert entry.text.startswith(f"E-post till {LARS} kunde inte levereras: 5.1.1 550 5.1.1")
    assert entry.visible_to_citizen is False
    assert entry.data["message"] == sent.message.pk
    assert CaseEvent.objects.filter(case=sent.case, name="case.email_bounced").count() == 1
    # No case was created and nobody was answered.
    assert Case.objects.count() == 1
    assert OutboxMessage.objects.count() == 1
    assert len(sent.smtp.envelopes) == 1

    # The same report again (the sending server retried): recorded once.
    mailin.send(
        dsn(to=sent.envelope.mail_from, message_id=sent.message.message_id),
        mail_from="",
        to=[sent.envelope.mail_from],
    )
    assert len(bounce_entries(sent.case)) == 1
    assert "redan registrerad" in InboundMail.objects.order_by("-pk").first().detail

    # The caseworker sees the failed delivery next to the message in the conversation.
    login(client, sent.worker)
    page = client.get(reverse("workspace:case", args=[sent.case.pk]), {"tab": "konversationer"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kunde inte levereras" in html
    assert f"E-post till {LARS} kunde inte levereras: 5.1.1" in html
    assert html.index("Kan ni komma i dag?") < html.index("Kunde inte levereras")


def test_outbox_page_lists_bounced_messages(sent, mailin, client, login, member):
    mailin.send(
        dsn(to=sent.envelope.mail_from, message_id=sent.message.message_id),
        mail_from="",
        to=[sent.envelope.mail_from],
    )
    login(client, member(sent.org, "org_admin"))
    for status in ("", "bounced"):
        html = client.get("/utskick/", {"status": status} if status else {}).content.decode()
        assert LARS in html
        assert "Studsade" in html and "5.1.1" in html
    assert LARS not in client.get("/utskick/", {"status": "sent"}).content.decode()


def test_delayed_report_changes_nothing_on_the_case(sent, mailin):
    mailin.send(
        dsn(
            to=sent.envelope.mail_from,
            message_id=sent.message.message_id,
            action="delayed",
            status="4.4.1",
            diagnostic="X-Postfix; connect to mail.bygg.example: Connection timed out",
        ),
        mail_from="",
        to=[sent.envelope.mail_from],
    )
    row = InboundMail.objects.get()
    assert (row.status, row.result) == (InboundStatus.IGNORED, InboundResult.BOUNCE)
    assert "delayed" in row.detail and "4.4.1" in row.detail
    assert row.organisation_id == sent.org.pk  # visible to the organisation's staff
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert bounce_entries(sent.case) == []
    assert not CaseEvent.objects.filter(name="case.email_bounced").exists()


def test_report_matched_by_message_id_without_verp_token(sent, mailin):
    """A server that sends the report to the From address: the returned Message-ID and the
    failed recipient name the outbox row."""
    mailin.send(
        dsn(to="noreply@sambruk.example", message_id=sent.message.message_id),
        mail_from="",
        to=["noreply@sambruk.example"],
    )
    assert OutboxMessage.objects.get().status == OutboxStatus.BOUNCED
    assert len(bounce_entries(sent.case)) == 1


def test_forged_token_and_unknown_message_id_are_ignored(sent, mailin):
    forged = "bounces+" + "a" * 26 + "@svar.sambruk.example"
    assert (
        mailin.send(dsn(to=forged, message_id=sent.message.message_id), mail_from="", to=[forged])
        == {}
    )
    unknown = make_msgid(domain="svar.sambruk.example")
    mailin.send(
        dsn(to="noreply@sambruk.example", message_id=unknown),
        mail_from="",
        to=["noreply@sambruk.example"],
    )
    # Not a report at all, from a vacation responder, to a real bounce address.
    mailin.send(
        b"From: lars@bygg.example\r\nTo: x\r\nSubject: Semester\r\n\r\nJag ar borta.\r\n",
        mail_from="lars@bygg.example",
        to=[sent.envelope.mail_from],
    )
    rows = list(InboundMail.objects.order_by("pk"))
    assert [(r.status, r.result) for r in rows] == [
        (InboundStatus.IGNORED, InboundResult.BOUNCE),
        (InboundStatus.IGNORED, InboundResult.BOUNCE),
        (InboundStatus.IGNORED, InboundResult.BOUNCE),
    ]
    assert "Okänd studsadress" in rows[0].detail
    assert "inget utskick härifrån" in rows[1].detail
    assert "Ingen läsbar leveransrapport" in rows[2].detail
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert bounce_entries(sent.case) == []
    assert Case.objects.count() == 1 and OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        # delivery-status part without any recipient block
        b"From: MAILER-DAEMON@x.example\r\nContent-Type: multipart/report; "
        b'report-type=delivery-status; boundary="B"\r\n\r\n--B\r\nContent-Type: '
        b"message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n--B--\r\n",
        # no closing boundary, binary junk, header garbage
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n\xff\xfe\x00:::\r\n\r\n"
        b"Final-Recipient: \x00\r\nAction: \xc3(\r\n--B\r\nContent-Type: text/rfc822-headers\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!notbase64",
        # a report type that is not a delivery status, and no MIME at all
        b"Content-Type: multipart/report; report-type=delivery-status\r\n\r\nno boundary",
        b"\x00\x01\x02",
    ],
)
def test_malformed_report_is_ignored_without_crash(sent, mailin, raw):
    assert mailin.send(raw, mail_from="", to=[sent.envelope.mail_from]) == {}
    row = InboundMail.objects.get()
    assert (row.status, row.result) == (InboundStatus.IGNORED, InboundResult.BOUNCE)
    assert row.error == ""
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert Case.objects.count() == 1


def test_parse_report_reads_postfix_dsn():
    report = parse_report(dsn(to="x@y", message_id="<m1@svar.sambruk.example>"))
    assert report.message_ids == ["<m1@svar.sambruk.example>"]
    (item,) = report.failed
    assert (item.recipient, item.action, item.status) == (LARS, "failed", "5.1.1")
    assert item.diagnostic.startswith("550 5.1.1 <lars@bygg.example>: Recipient address")
    assert parse_report(b"Subject: hej\r\n\r\nhej") is None


def test_without_mail_domains_the_envelope_sender_is_unchanged(
    mailin, running_smtp, org_factory, settings
):
    settings.MAILIN_DOMAINS = []
    org = org_factory(name="Sandvikens kommun")
    case_type = CaseTypeFactory(organisation=org)
    queue = QueueFactory(organisation=org, default_case_type=case_type)
    worker = caseworker(org, queues=[queue])
    case = services.do_create(actor=worker, queue=queue, case_type=case_type, title="Ledning")
    conversation = services.do_start_conversation(
        case, actor=worker, topic="Fråga", participants=[LARS]
    )
    services.do_post_message(conversation, actor=worker, body="Hej")
    running_smtp.wait_for(1)
    assert running_smtp.envelopes[0].mail_from == "noreply@sambruk.example"
