"""Outbox services: queue a message in the business transaction; deliver it with retries.

Delivery protocol (safe with many workers, on SQLite and PostgreSQL):

1. *Claim*: in a short transaction, lock the row, check that it is due (``pending``, or a
   ``sending`` claim whose lease has expired because a worker died), set it to ``sending``
   with ``next_attempt_at`` = now + lease and count the attempt. Commit.
2. *Send* over SMTP outside any transaction, so no database lock is held while we wait for
   the mail server (on SQLite an open write transaction would block every other writer).
3. *Record* the outcome: ``sent``; or back to ``pending`` with exponential backoff; or
   ``failed`` after ``OUTBOX_MAX_ATTEMPTS`` attempts or on a permanent (5xx) SMTP answer.

A message is therefore sent at least once and, unless a worker dies between the SMTP
answer and step 3, exactly once. The stable ``Message-ID`` lets receivers drop the rare
duplicate.
"""

from __future__ import annotations

import base64
import logging
import secrets
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

#: Longest wait between two attempts.
MAX_BACKOFF = timedelta(hours=6)

#: Local part prefix of the VERP envelope sender: ``bounces+<token>@<domain>``.
BOUNCE_PREFIX = "bounces+"


def bounce_domain() -> str:
    """The domain of the VERP envelope sender, or "" when bounces are not received here.

    Enabled when the platform receives mail itself (``MAILIN_DOMAINS`` is set, see
    docs/channel-mail.md): bounces then go to ``bounces+<token>@CASES_REPLY_DOMAIN``, the
    domain whose MX already routes ``svar+…`` replies to ``sambruk mailin``.
    """
    if not getattr(settings, "MAILIN_DOMAINS", None):
        return ""
    domain = getattr(settings, "CASES_REPLY_DOMAIN", "") or ""
    return domain.strip().strip("<>").lower()


def new_bounce_token() -> str:
    """128 random bits, lower-case base32 (survives MTAs that lower-case local parts)."""
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()


def envelope_sender(message: OutboxMessage) -> str:
    """The VERP envelope sender of ``message``, or "" (then the From address is used)."""
    domain = bounce_domain()
    if not domain or not message.bounce_token:
        return ""
    return f"{BOUNCE_PREFIX}{message.bounce_token}@{domain}"


def message_for_bounce_token(token: str) -> OutboxMessage | None:
    token = (token or "").strip().lower()
    if not token or len(token) > 32:
        return None
    return OutboxMessage.objects.filter(bounce_token=token).first()


def render_email(template: str, context: dict | None = None, language: str = "sv") -> dict:
    """Render the template triplet in ``language``: ``{"subject", "body_text", "body_html"}``.

    ``_subject.txt`` and ``.txt`` are rendered without HTML escaping (they are plain text);
    ``.html`` is rendered with autoescaping. The ``.html`` part is optional.
    """
    ctx = {"site_url": settings.SITE_URL, "language": language, **(context or {})}
    with translation.override(language):
        subject = _render_text(f"{template}_subject.txt", ctx)
        body_text = _render_text(f"{template}.txt", ctx)
        try:
            body_html = render_to_string(f"{template}.html", ctx)
        except TemplateDoesNotExist:  # a plain-text-only template is allowed
            body_html = ""
    return {
        "subject": " ".join(subject.split())[:255],
        "body_text": body_text.strip() + "\n",
        "body_html": body_html,
    }


def _render_text(name: str, ctx: dict) -> str:
    tpl = get_template(name)
    django_template = getattr(tpl, "template", None)
    if django_template is None:  # another template backend
        return tpl.render(ctx)
    return django_template.render(Context(ctx, autoescape=False))


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
    the change was committed. Delivery is scheduled on commit; if scheduling fails (queue
    down) the periodic retry task picks the message up.

    Raises :class:`~django.core.exceptions.ValidationError` for an invalid address, so the
    caller's transaction fails instead of a message that can never be delivered.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValidationError("Minst en mottagare krävs.", code="no_recipient")
    for address in [*recipients, *([reply_to] if reply_to else [])]:
        validate_email(address)
    rendered = render_email(template, context, language)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "sambruk.localhost"
    message = OutboxMessage.objects.create(
        organisation=organisation,
        to=recipients,
        from_address=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to,
        subject=rendered["subject"],
        body_text=rendered["body_text"],
        body_html=rendered["body_html"],
        headers=headers or {},
        message_id=message_id or make_msgid(domain=domain),
        template=template,
        language=language,
        bounce_token=new_bounce_token(),
    )
    pk = message.pk
    transaction.on_commit(lambda: _schedule(pk), robust=True)
    return message


def _schedule(message_id) -> None:
    from .tasks import deliver_message

    deliver_message(str(message_id))


def backoff(attempts: int) -> timedelta:
    """Exponential backoff after ``attempts`` failed attempts: base, 2×base, 4×base …

    Capped at :data:`MAX_BACKOFF`.
    """
    exponent = min(max(attempts - 1, 0), 30)
    seconds = settings.OUTBOX_BACKOFF_SECONDS * (2**exponent)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def lease() -> timedelta:
    """How long a claimed message is left alone before another worker may take it over."""
    return timedelta(seconds=3 * (getattr(settings, "EMAIL_TIMEOUT", None) or 10) + 60)


def _claim(message_id) -> OutboxMessage | None:
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        now = timezone.now()
        due = message.status == OutboxStatus.PENDING or (
            message.status == OutboxStatus.SENDING and message.next_attempt_at <= now
        )
        if not due or message.next_attempt_at > now:  # not due yet, or claimed by another worker
            return None
        message.status = OutboxStatus.SENDING
        message.attempts += 1
        message.next_attempt_at = now + lease()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        return message


def deliver(message_id) -> OutboxMessage | None:
    """Try to deliver one due message; return it (or None if it does not exist).

    A message that is not due (already sent, failed, claimed by another worker or waiting
    for its backoff) is returned unchanged.
    """
    message = _claim(message_id)
    if message is None:
        return OutboxMessage.objects.filter(pk=message_id).first()
    try:
        _send(message)
    except Exception as exc:  # any failure must end in a recorded state, never a stuck claim
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS or _is_permanent(exc):
            updates = {"status": OutboxStatus.FAILED, "last_error": error}
            log.error("Outbox %s failed permanently: %s", message.pk, error)
        else:
            updates = {
                "status": OutboxStatus.PENDING,
                "last_error": error,
                "next_attempt_at": timezone.now() + backoff(message.attempts),
            }
            log.warning(
                "Outbox %s attempt %s failed, next at %s: %s",
                message.pk,
                message.attempts,
                updates["next_attempt_at"],
                error,
            )
    else:
        updates = {"status": OutboxStatus.SENT, "sent_at": timezone.now(), "last_error": ""}
    # Only the worker holding the claim records the outcome.
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(**updates)
    message.refresh_from_db()
    return message


def _is_permanent(exc: BaseException) -> bool:
    """A 5xx answer about the sender, the recipients or the content will not get better."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600
    return False


def _send(message: OutboxMessage) -> None:
    from_address = message.from_address or settings.DEFAULT_FROM_EMAIL
    headers = {"Message-ID": message.message_id, **message.headers}
    sender = envelope_sender(message)
    if sender:
        # Django uses from_email as the SMTP envelope sender (MAIL FROM, later Return-Path)
        # and an explicit From header for the header: the From the reader sees is unchanged.
        headers["From"] = from_address
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=sender or from_address,
        to=message.to,
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    email.send(fail_silently=False)


def mark_bounced(
    message: OutboxMessage, *, recipient: str, diagnostic: str, actor_label: str = ""
) -> bool:
    """Record a permanent delivery failure reported after sending (a DSN); audited.

    Call inside the caller's transaction. Returns False (and changes nothing) when the
    message is already marked bounced (the same report received twice) or was cancelled.
    """
    from sambruk.core.audit.services import record

    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status in (OutboxStatus.BOUNCED, OutboxStatus.CANCELLED):
        return False
    before = message.status
    message.status = OutboxStatus.BOUNCED
    message.bounced_at = timezone.now()
    message.bounce_recipient = (recipient or "")[:254]
    message.bounce_diagnostic = (diagnostic or "")[:2000]
    message.save(update_fields=["status", "bounced_at", "bounce_recipient", "bounce_diagnostic"])
    record(
        "update",
        actor=None,
        actor_label=actor_label or None,
        obj=message,
        organisation=message.organisation_id,
        changes={
            "status": [before, OutboxStatus.BOUNCED],
            "bounce_recipient": message.bounce_recipient,
            "bounce_diagnostic": message.bounce_diagnostic[:200],
        },
    )
    log.warning("Outbox %s bounced: %s %s", message.pk, recipient, diagnostic[:200])
    return True


def due_message_ids(limit: int = 200) -> list:
    """Messages whose next attempt is due, including claims abandoned by a dead worker."""
    return list(
        OutboxMessage.objects.filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def retry(message: OutboxMessage, *, actor) -> OutboxMessage:
    """An admin puts a failed (or waiting) message back in the queue, due now (audited).

    A message being sent right now, or already sent or cancelled, is left unchanged.
    """
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
            changes={
                "status": [before["status"], OutboxStatus.PENDING],
                "attempts": [before["attempts"], 0],
                "retry": True,
            },
        )
        pk = message.pk
        transaction.on_commit(lambda: _schedule(pk), robust=True)
    return message


def send_test_message(*, to: str, actor, organisation=None, language: str = "sv") -> OutboxMessage:
    """Queue the kernel's ``test_message`` so an admin can check the SMTP settings (audited)."""
    from sambruk.core.audit.services import record

    with transaction.atomic():
        message = queue_email(
            to=to,
            template="notifications/email/test_message",
            context={
                "sender_name": getattr(actor, "get_full_name", lambda: "")() or str(actor),
                "organisation_name": getattr(organisation, "name", ""),
                "queued_at": timezone.now(),
            },
            language=language,
            organisation=organisation,
        )
        record(
            "create",
            actor=actor,
            obj=message,
            organisation=getattr(organisation, "pk", organisation),
            changes={"template": message.template},
        )
    return message
