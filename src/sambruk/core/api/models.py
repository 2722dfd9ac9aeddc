"""API clients: machine users per organisation with hashed tokens and scoped permissions."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager

TOKEN_PREFIX_LENGTH = 8


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is the right hash (no stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "sbk_" + secrets.token_urlsafe(32)


class ApiClient(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField(_("namn"), max_length=200)
    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="api_client", editable=False
    )
    token_prefix = models.CharField(
        _("tokenprefix"), max_length=TOKEN_PREFIX_LENGTH, editable=False
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("behörigheter"), default=list, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
