"""Bad input (issue 6): malformed MIME, wrong charsets, huge mails and attachments, missing
headers, a database that is down. Each handled clearly, raw kept, the receiver keeps running."""

from __future__ import annotations

import smtplib

import pytest
from django.db import connection

from sambruk.cases.models import Attachment, Case, CaseContact, Message
from sambruk.channel.mail import services
from sambruk.channel.mail.models import InboundMail, InboundResult, InboundStatus

from .conftest import mail
from .factories import EmailAccessPointFactory

POINT = "kundcenter@sandviken.example"


@pytest.fixture
def point(transactional_db, org_factory):
    return EmailAccessPointFactory(organisation=org_factory(), address=POINT)


def send_raw(mailin, raw: bytes, *, mail_from="tolvan@medborgare.example"):
    return mailin.send(raw, mail_from=mail_from, to=[POINT])


def test_malformed_mime_still_becomes_a_case_with_raw_kept(mailin, point):
    raw = (
        b"From: Tolvan <tolvan@medborgare.example>\r\n"
        b"To: kundcenter@sandviken.example\r\n"
        b"Subject: =?utf-8?B?broken base64?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n'
        b"\r\n--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
        b"--never-closed\r\nContent-Type: application/pdf; name=a.pdf\r\n"
        b"Content-Disposition: attachment; filename=a.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n%%%\r\n"
    )
    assert send_raw(mailin, raw) == {}
    row = InboundMail.objects.get()
    assert row.status == InboundStatus.PROCESSED
    assert bytes(row.raw) == raw
    assert Case.objects.count() == 1
    assert Message.objects.get().body  # something readable, never empty


def test_wrong_and_unknown_charsets_are_decoded_leniently(mailin, point):
    latin1 = (
        "From: tolvan@medborgare.example\r\nTo: kundcenter@sandviken.example\r\n"
        "Subject: Gr\xe4vning\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n\r\n"
        "V\xe4gen \xe4r avst\xe4ngd.\r\n"
    ).encode("latin-1")
    declared_utf8 = (
        "From: tolvan@medborgare.example\r\nTo: kundcenter@sandviken.example\r\n"
        "Subject: Fel teckenkodning\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "H\xe4r st\xe5r det latin-1.\r\n"
    ).encode("latin-1")
    send_raw(mailin, latin1)
    send_raw(mailin, declared_utf8)
    bodies = [m.body for m in Message.objects.order_by("pk")]
    assert bodies == ["Vägen är avstängd.", "Här står det latin-1."]
    assert InboundMail.objects.filter(status=InboundStatus.PROCESSED).count() == 2


def test_missing_headers_use_envelope_and_defaults(mailin, point):
    raw = b"\r\nJust a body, no headers at all.\r\n"
    send_raw(mailin, raw, mail_from="anonym@medborgare.example")
    case = Case.objects.get()
    assert case.title == "E-post utan ämne"
    contact = CaseContact.objects.get(case=case)
    assert contact.email == "anonym@medborgare.example"
    message = Message.objects.get()
    assert message.body == "Just a body, no headers at all."
    assert message.message_id.startswith("<")  # one was made up for threading
    # An empty mail body and an HTML-only mail.
    html = (
        b"From: a@medborgare.example\r\nTo: kundcenter@sandviken.example\r\nSubject: HTML\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><body><p>Rad ett</p><p>Rad <b>tv\xc3\xa5</b><br>tre</p>"
        b"<script>alert(1)</script></body></html>\r\n"
    )
    send_raw(mailin, html, mail_from="a@medborgare.example")
    assert Message.objects.order_by("pk").last().body == "Rad ett\nRad två\ntre"


def test_invalid_sender_address_keeps_the_mail(mailin, point):
    raw = (
        b"From: =?utf-8?q?N=C3=A5gon?= <not an address>\r\nTo: kundcenter@sandviken.example\r\n"
        b"Subject: Hej\r\n\r\nText\r\n"
    )
    send_raw(mailin, raw, mail_from="bounce-123@list.example")
    row = InboundMail.objects.get()
    assert row.status == InboundStatus.PROCESSED, row.error
    assert Case.objects.count() == 1


def test_message_over_the_size_limit_is_refused_with_552(settings, transactional_db, org_factory):
    from sambruk.channel.mail.smtp import make_controller

    from .conftest import free_port

    EmailAccessPointFactory(organisation=org_factory(), address=POINT)
    settings.MAILIN_MAX_MESSAGE_BYTES = 50_000
    controller = make_controller(host="127.0.0.1", port=free_port())
    controller.start()
    try:
        big = mail(body="x" * 80_000)
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            client.ehlo()
            assert client.has_extn("size")
            assert int(client.esmtp_features["size"]) == 50_000
            with pytest.raises(smtplib.SMTPResponseException) as err:
                client.send_message(big)
            assert err.value.smtp_code == 552
            # The server is still there and takes the next (small) mail.
            client.rset()
            assert client.send_message(mail()) == {}
        controller.handler.drain()
    finally:
        controller.stop()
        controller.handler.close()
    assert InboundMail.objects.count() == 1
    assert Case.objects.count() == 1


def test_attachment_over_the_case_limit_is_skipped_with_a_note(mailin, point, settings):
    settings.CASES_MAX_ATTACHMENT_BYTES = 1000
    message = mail()
    message.add_attachment(
        b"%PDF-1.4\n" + b"0" * 5000, maintype="application", subtype="pdf", filename="stor.pdf"
    )
    mailin.send(message)
    assert not Attachment.objects.exists()
    body = Message.objects.get().body
    assert "[Bilagan togs inte med: Filen ”stor.pdf” är för stor." in body
    assert b"stor.pdf" in bytes(InboundMail.objects.get().raw)  # the raw mail has it


def test_processing_error_is_recorded_and_retryable(mailin, point, monkeypatch):
    from sambruk.channel.mail import services as mail_services

    def broken(*args, **kwargs):
        raise RuntimeError("the case engine is having a bad day")

    monkeypatch.setattr(mail_services, "do_create", broken)
    mailin.send(mail())
    row = InboundMail.objects.get()
    assert (row.status, row.result) == (InboundStatus.FAILED, InboundResult.ERROR)
    assert "bad day" in row.error
    assert not Case.objects.exists()  # nothing half-written
    monkeypatch.undo()
    assert services.process(row.pk) is None  # a failed mail is only retried on purpose
    services.process(row.pk, allow_failed=True)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (InboundStatus.PROCESSED, 2)
    assert Case.objects.count() == 1


def test_database_down_answers_451_and_nothing_is_claimed(mailin, point, monkeypatch):
    def down(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("database is down")

    monkeypatch.setattr(services, "store", down)
    with pytest.raises(smtplib.SMTPDataError) as err:
        mailin.send(mail())
    assert err.value.smtp_code == 451
    monkeypatch.undo()
    assert mailin.send(mail()) == {}  # the receiver survived
    assert InboundMail.objects.count() == 1


def test_stored_but_unprocessed_mail_is_picked_up_later(point):
    row = services.store(
        bytes(mail()), envelope_from="tolvan@medborgare.example", recipients=[POINT]
    )
    InboundMail.objects.filter(pk=row.pk).update(
        received_at=row.received_at.replace(year=row.received_at.year - 1)
    )
    assert services.process_pending() == 1
    row.refresh_from_db()
    assert row.status == InboundStatus.PROCESSED
    assert connection.vendor in ("sqlite", "postgresql")


def test_unnamed_inline_image_is_kept_with_a_made_up_name(mailin, point):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
    message = mail()
    message.add_related(png, maintype="image", subtype="png", cid="<logo@medborgare.example>")
    mailin.send(message)
    names = list(Attachment.objects.values_list("original_name", flat=True))
    assert len(names) == 1 and names[0].endswith(".png")
