"""Multifråga: the caseworker's SSBTEK queries, stored on the case as dated snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class MultifragaQuery(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ekbist_queries")
    application = models.ForeignKey(
        "ekbist.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queries",
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("syfte"), max_length=300)
    legal_basis = models.CharField(_("lagstöd"), max_length=200)
    # [{"personnummer": "...", "role": "sokande"|"medsokande"|"barn"|...}]
    persons = models.JSONField(_("personer"), default=list)
    agencies = models.JSONField(_("myndigheter"), default=list)  # ["AF", "CSN", ...]
    period_from = models.DateField(_("period från"))
    period_to = models.DateField(_("period till"))
    # The structured overview per person and agency, errors per agency included.
    result = models.JSONField(_("resultat"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("antal fel"), default=0)
    duration_ms = models.PositiveIntegerField(_("tid, ms"), default=0)
    created_at = models.DateTimeField(_("hämtad"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("multifråga")
        verbose_name_plural = _("multifrågor")

    def __str__(self):
        return f"Multifråga {self.created_at:%Y-%m-%d %H:%M}"
