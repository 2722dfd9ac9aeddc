"""Outbox services: queue a message in the business transaction; deliver it with retries."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def queue_email(
    *,
    to: list[str] | str,
    template: str,
    context: dict | None = None,
    language: str = "sv",
    organisation=None,
    reply_to: str = "",
    headers: dict | None = None,
    message_id: str | None = None,
) -> OutboxMessage:
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html`` and write an outbox row.

    Call inside the transaction of the business change: the message exists if and only if
    the change was committed. Delivery is scheduled on commit.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    ctx = {"site_url": settings.SITE_URL, **(context or {})}
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", ctx).strip()
        body_text = render_to_string(f"{template}.txt", ctx)
        try:
            body_html = render_to_string(f"{template}.html", ctx)
        except Exception:  # a plain-text-only template is allowed
            body_html = ""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "sambruk.localhost"
    message = OutboxMessage.objects.create(
        organisation=organisation,
        to=recipients,
        from_address=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to,
        subject=" ".join(subject.split())[:255],
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        message_id=message_id or make_msgid(domain=domain),
        template=template,
        language=language,
    )
    transaction.on_commit(lambda: _schedule(message.pk))
    return message


def _schedule(message_id) -> None:
    from .tasks import deliver_message

    deliver_message(str(message_id))


def backoff(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped at 6 hours."""
    seconds = settings.OUTBOX_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 6 * 3600))


def deliver(message_id) -> OutboxMessage | None:
    """Try to deliver one message. Locks the row so two workers never send it twice."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        )
        if message is None or message.status != OutboxStatus.PENDING:
            return message
        try:
            _send(message)
        except (smtplib.SMTPException, OSError) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                log.error("Outbox %s failed permanently: %s", message.pk, message.last_error)
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
                log.warning(
                    "Outbox %s attempt %s failed, next at %s: %s",
                    message.pk,
                    message.attempts,
                    message.next_attempt_at,
                    message.last_error,
                )
        else:
            message.attempts += 1
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
        return message


def _send(message: OutboxMessage) -> None:
    headers = {"Message-ID": message.message_id, **message.headers}
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_address or settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)


def due_message_ids(limit: int = 200) -> list:
    return list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def retry(message: OutboxMessage, *, actor) -> OutboxMessage:
    """An admin puts a failed message back in the queue (audited)."""
    from sambruk.core.audit.services import record

    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.status not in (OutboxStatus.FAILED, OutboxStatus.PENDING):
            return message
        before = {"status": message.status, "attempts": message.attempts}
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        record(
            "update",
            actor=actor,
            obj=message,
            organisation=message.organisation_id,
            changes={"status": [before["status"], "pending"], "retry": True},
        )
        transaction.on_commit(lambda: _schedule(message.pk))
    return message
