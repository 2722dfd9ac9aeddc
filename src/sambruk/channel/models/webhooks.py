"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager
from sambruk.core.crypto import mask
from sambruk.core.crypto.fields import EncryptedTextField


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class SubscriptionState(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    FAILING = "failing", _("Fungerar inte")
    PAUSED = "paused", _("Pausad")


class WebhookSubscription(models.Model):
    """An organisation's receiver of case events (``event_types`` empty = every event)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("namn"), max_length=200)
    url = models.URLField(_("adress"), max_length=500)
    # Encrypted at rest (FIELD_ENCRYPTION_KEYS); shown once, at creation and rotation.
    secret = EncryptedTextField(_("hemlighet"), default=new_secret)
    # After a new secret: the old one still signs deliveries until ``previous_secret_until``.
    previous_secret = EncryptedTextField(_("tidigare hemlighet"), blank=True, default="")
    previous_secret_until = models.DateTimeField(
        _("tidigare hemlighet gäller till"), null=True, blank=True
    )
    event_types = models.JSONField(_("händelsetyper"), default=list, blank=True)
    state = models.CharField(
        _("läge"), max_length=20, choices=SubscriptionState.choices, default="active"
    )
    failing_since = models.DateTimeField(_("fungerar inte sedan"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("webhook-prenumeration")
        verbose_name_plural = _("webhook-prenumerationer")

    def __str__(self) -> str:
        return self.name

    def wants(self, event_name: str) -> bool:
        return not self.event_types or event_name in self.event_types

    @property
    def secret_hint(self) -> str:
        """The secret masked (``whsec_…abcd``): enough to tell which one a receiver has."""
        return mask(self.secret)

    def previous_secret_valid(self, now=None) -> bool:
        return bool(
            self.previous_secret
            and self.previous_secret_until
            and self.previous_secret_until > (now or timezone.now())
        )


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Väntar")
    SENDING = "sending", _("Skickas")
    DELIVERED = "delivered", _("Levererad")
    FAILED = "failed", _("Misslyckad")
    HELD = "held", _("Vilande")  # the subscription is failing or paused: kept, sent later


class WebhookDelivery(models.Model):
    """One event to one subscription: the row is written with the feed entry, then sent."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    entry = models.ForeignKey("channel.FeedEntry", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default="pending"
    )
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(_("nästa försök"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("senaste försök"), null=True, blank=True)
    response_code = models.PositiveIntegerField(_("svarskod"), null=True, blank=True)
    last_error = models.CharField(_("senaste fel"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("levererad"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    tenant_field = "subscription__organisation"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "entry"], name="channel_delivery_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="channel_deliv_due")]
        verbose_name = _("webhook-leverans")
        verbose_name_plural = _("webhook-leveranser")

    def __str__(self) -> str:
        return f"{self.subscription_id}/{self.entry_id} {self.status}"
