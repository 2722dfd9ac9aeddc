"""Fixtures: the ``mailin`` receiver running in-process on a free loopback port, and a
sender that speaks real SMTP to it (smtplib)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from sambruk.core.notifications.tests.conftest import (  # noqa: F401
    free_port,
    running_smtp,
    smtp_server,
)


@pytest.fixture(autouse=True)
def _mail_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASES_REPLY_DOMAIN = "svar.sambruk.example"
    settings.MAILIN_DOMAINS = ["sambruk.example"]
    settings.MAILIN_SUPPORT_ADDRESS = ""
    settings.DEFAULT_FROM_EMAIL = "Sambruk <noreply@sambruk.example>"


class Receiver:
    """The started controller; ``send()`` delivers over SMTP and waits until processed."""

    def __init__(self, controller):
        self.controller = controller
        self.host, self.port = "127.0.0.1", controller.port

    def smtp(self) -> smtplib.SMTP:
        return smtplib.SMTP(self.host, self.port, timeout=10)

    def send(self, message, *, mail_from=None, to=None):
        """Send an ``EmailMessage`` (or raw bytes); returns the refused recipients dict."""
        with self.smtp() as client:
            if isinstance(message, bytes | str):
                raw = message.encode() if isinstance(message, str) else message
                refused = client.sendmail(mail_from or "", to, raw)
            else:
                refused = client.send_message(message, from_addr=mail_from, to_addrs=to)
        self.controller.handler.drain()
        return refused


@pytest.fixture
def mailin(transactional_db, settings):
    from sambruk.channel.mail.smtp import make_controller

    controller = make_controller(host="127.0.0.1", port=free_port(), workers=2)
    controller.start()
    yield Receiver(controller)
    controller.stop()
    controller.handler.close()


def mail(
    *,
    sender="Tolvan Tolvansson <tolvan@medborgare.example>",
    to="kundcenter@sandviken.example",
    subject="Trasig gatlykta",
    body="Hej!\nLyktan på Storgatan 1 är trasig.",
    **headers,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if subject is not None:
        message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="medborgare.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message
