"""Shadow cases: cases kept in another system, mirrored here so citizens see them on Mina sidor."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager
from sambruk.core.persons.fields import PersonnummerField


class ShadowCase(models.Model):
    """A case owned by an external system (e-Bygglov, a school system …).

    Identified by ``(organisation, system_name, external_id)``: the external system creates,
    updates and closes it through the integration API; repeating a create is an update.
    ``content`` is a list of ``{"key": str, "value": str}`` (order kept, keys unique).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="shadow_cases"
    )
    system_name = models.CharField(_("system"), max_length=100)
    external_id = models.CharField(_("externt id"), max_length=200)
    civic_number = PersonnummerField(verbose_name=_("personnummer"), db_index=True)
    title = models.CharField(_("rubrik"), max_length=300)
    status = models.CharField(_("status"), max_length=100, blank=True)
    content = models.JSONField(_("innehåll"), default=list, blank=True)
    closed = models.BooleanField(_("avslutat"), default=False)
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "system_name", "external_id"],
                name="channel_shadowcase_unique_external",
            )
        ]
        verbose_name = _("skuggärende")
        verbose_name_plural = _("skuggärenden")

    def __str__(self) -> str:
        return f"{self.system_name} {self.external_id}"


class ShadowCaseLogEntry(models.Model):
    """One log entry of a shadow case, as the external system reported it (append only)."""

    shadow_case = models.ForeignKey(ShadowCase, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("tidpunkt"))
    message = models.TextField(_("meddelande"))
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "shadow_case__organisation"
    objects = RestrictedManager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("logghändelse för skuggärende")
        verbose_name_plural = _("logghändelser för skuggärenden")

    def __str__(self) -> str:
        return self.message[:60]
