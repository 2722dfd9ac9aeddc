"""The outbox: messages written in the business transaction, delivered by a task."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Väntar")
    SENDING = "sending", _("Skickas")
    SENT = "sent", _("Skickat")
    FAILED = "failed", _("Misslyckat")
    CANCELLED = "cancelled", _("Avbrutet")
    #: Sent, but the receiving side reported a permanent delivery failure (a DSN).
    BOUNCED = "bounced", _("Studsade")


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("E-post")


class OutboxMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    channel = models.CharField(
        _("kanal"), max_length=10, choices=OutboxChannel.choices, default=OutboxChannel.EMAIL
    )
    to = models.JSONField(_("mottagare"), default=list)
    from_address = models.CharField(_("avsändare"), max_length=254, blank=True)
    reply_to = models.CharField(_("svarsadress"), max_length=254, blank=True)
    subject = models.CharField(_("ämne"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("rubriker"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    template = models.CharField(_("mall"), max_length=120, blank=True)
    language = models.CharField(_("språk"), max_length=5, default="sv")
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(_("nästa försök"), default=timezone.now)
    last_error = models.TextField(_("senaste fel"), blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    # VERP: the envelope sender is bounces+<bounce_token>@<domain> (random, 128 bits), so a
    # bounce names this row without revealing anything about the case.
    bounce_token = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    bounced_at = models.DateTimeField(_("studsade"), null=True, blank=True)
    bounce_recipient = models.CharField(_("studsad mottagare"), max_length=254, blank=True)
    bounce_diagnostic = models.TextField(_("studsorsak"), blank=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def can_retry(self) -> bool:
        """Whether an admin may put the message back in the queue (see ``services.retry``)."""
        return self.status in (OutboxStatus.FAILED, OutboxStatus.PENDING)
