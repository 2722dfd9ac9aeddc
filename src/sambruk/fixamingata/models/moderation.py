"""Abuse list and flagged users (national: kept by the FixaMinGata administrators)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AbuseKind


class AbuseEntry(models.Model):
    """Missbruk: new reports and updates from this address or domain are silently hidden."""

    kind = models.CharField(_("slag"), max_length=10, choices=AbuseKind.choices)
    value = models.CharField(_("adress eller domän"), max_length=254)
    reason = models.CharField(_("skäl"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["value"]
        verbose_name = _("missbrukslista")
        verbose_name_plural = _("missbrukslista")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="fmg_abuse_unique_value")
        ]

    def __str__(self) -> str:
        return self.value


class FlaggedUser(models.Model):
    """A reporter flagged for the moderators' attention (not hidden: see AbuseEntry)."""

    email = models.EmailField(_("e-post"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("skäl"), max_length=300, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("flaggad användare")
        verbose_name_plural = _("flaggade användare")

    def __str__(self) -> str:
        return self.email
