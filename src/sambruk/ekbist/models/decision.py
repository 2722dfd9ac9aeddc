"""Beslut om ekonomiskt bistånd per kostnadspost, and the payments that follow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class Outcome(models.TextChoices):
    GRANTED = "bifall", _("Bifall")
    PARTLY = "delvis_bifall", _("Delvis bifall")
    REJECTED = "avslag", _("Avslag")


class Decision(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="ekbist_decisions"
    )
    application = models.ForeignKey(
        "ekbist.Application", on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    period_from = models.DateField(_("period från"))
    period_to = models.DateField(_("period till"))
    motivation = models.TextField(_("motivering"), blank=True)
    # The norm calculation the decision rests on (NeedCalculation as dict), frozen.
    calculation = models.JSONField(_("beräkning"), default=dict, blank=True)
    total_granted = models.IntegerField(_("beviljat belopp, kr"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("beslutat"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")

    def __str__(self):
        return f"{self.get_outcome_display()} {self.period_from:%Y-%m}"


class DecisionItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kostnadspost"), max_length=40)  # norm, housing, electricity, …
    label = models.CharField(_("benämning"), max_length=200)
    applied_amount = models.IntegerField(_("sökt belopp, kr"), default=0)
    granted_amount = models.IntegerField(_("beviljat belopp, kr"), default=0)
    outcome = models.CharField(_("beslut"), max_length=20, choices=Outcome.choices)
    motivation = models.TextField(_("motivering"), blank=True)

    tenant_field = "decision__organisation"
    objects = RestrictedManager()

    class Meta:
        ordering = ["decision", "id"]
        verbose_name = _("beslutspost")
        verbose_name_plural = _("beslutsposter")

    def __str__(self):
        return f"{self.label}: {self.granted_amount} kr"


class Payment(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="payments")
    pay_date = models.DateField(_("utbetalningsdag"), db_index=True)
    amount = models.PositiveIntegerField(_("belopp, kr"))
    recipient = models.CharField(_("mottagare"), max_length=200)
    reference = models.CharField(_("referens"), max_length=60, blank=True)
    exported_at = models.DateTimeField(_("exporterad"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["pay_date", "id"]
        verbose_name = _("utbetalning")
        verbose_name_plural = _("utbetalningar")

    def __str__(self):
        return f"{self.pay_date} {self.amount} kr"
