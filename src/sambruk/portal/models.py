"""Mina sidor: the citizen's profile, verified e-mail addresses and the SMS outbox.

These rows belong to a citizen (a ``User`` of kind citizen), not to an organisation: they are
not tenant data and are never listed for staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CitizenProfile(models.Model):
    """Contact details and notification preferences of a citizen.

    ``email`` is where notices go, once it is verified (a :class:`VerifiedEmail` row of the
    same user with that address). There is no address field: the postal address comes from
    the population register and is never asked for or shown here (skyddad folkbokföring).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_profile"
    )
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("mobiltelefon"), max_length=20, blank=True)
    notify_email = models.BooleanField(_("avisering med e-post"), default=True)
    notify_sms = models.BooleanField(_("avisering med sms"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil på Mina sidor")
        verbose_name_plural = _("profiler på Mina sidor")

    def __str__(self) -> str:
        return str(self.user)


class VerifiedEmail(models.Model):
    """An address the citizen proved to own (link in an e-mail). Cases whose contact has this
    address are shown on Mina sidor (claiming reports confirmed by e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_emails"
    )
    email = models.EmailField(_("e-post"))
    verified_at = models.DateTimeField(_("bekräftad"))

    class Meta:
        ordering = ["email"]
        verbose_name = _("bekräftad e-postadress")
        verbose_name_plural = _("bekräftade e-postadresser")
        constraints = [
            models.UniqueConstraint(fields=["user", "email"], name="portal_verified_unique")
        ]

    def __str__(self) -> str:
        return self.email


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("Köad")
    SENT = "sent", _("Skickad")
    FAILED = "failed", _("Misslyckad")


class SmsMessage(models.Model):
    """One SMS notice, written with the change and delivered by a huey task with retries."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to = models.CharField(_("till"), max_length=20)
    body = models.CharField(_("text"), max_length=320)
    status = models.CharField(
        _("status"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sms")
        verbose_name_plural = _("sms")

    def __str__(self) -> str:
        return f"{self.to} {self.status}"
