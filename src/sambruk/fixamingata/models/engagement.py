"""Confirmation tokens, e-mail alerts (bevakningar) and "is it fixed?" questionnaires."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager

from .choices import AlertKind, QuestionnaireAnswer, TokenPurpose


class ConfirmationToken(models.Model):
    """A one-time link token: confirm a report, an update or an alert, answer a questionnaire.

    ``object_id`` is the pk of the Report, Update, Alert or Questionnaire named by ``purpose``.
    Not tenant data: the token is the citizen's, not an organisation's.
    """

    purpose = models.CharField(max_length=16, choices=TokenPurpose.choices)
    object_id = models.PositiveBigIntegerField()
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bekräftelsekod")
        verbose_name_plural = _("bekräftelsekoder")
        indexes = [models.Index(fields=["purpose", "object_id"], name="fmg_token_object_idx")]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.object_id}"


class Alert(models.Model):
    """Bevakning: e-mail about new reports in a kommun, near a point, or updates on a report.

    ``last_sent_until`` is the watermark: items created after it are sent at the next run.
    """

    email = models.EmailField(_("e-post"))
    kind = models.CharField(_("slag"), max_length=20, choices=AlertKind.choices)
    kommun = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fixamingata_alerts",
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    report = models.ForeignKey(
        "fixamingata.Report",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    confirmed = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_sent_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bevakning")
        verbose_name_plural = _("bevakningar")
        indexes = [
            models.Index(fields=["kind", "confirmed"], name="fmg_alert_kind_idx"),
            models.Index(fields=["email"], name="fmg_alert_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_kind_display()})"

    @property
    def active(self) -> bool:
        return self.confirmed and self.unsubscribed_at is None


class Questionnaire(models.Model):
    """Enkät: "has it been fixed?", e-mailed to the reporter 4 weeks after sending."""

    report = models.ForeignKey(
        "fixamingata.Report", on_delete=models.CASCADE, related_name="questionnaires"
    )
    sent_at = models.DateTimeField(_("skickad"))
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    answer = models.CharField(
        _("svar"), max_length=10, choices=QuestionnaireAnswer.choices, blank=True
    )
    ever_reported = models.BooleanField(_("rapporterat tidigare"), null=True, blank=True)
    ask_again = models.BooleanField(_("fråga igen senare"), default=False)
    comment = models.TextField(_("kommentar"), blank=True)

    objects = RestrictedManager()
    tenant_field = "report__body__organisation"

    class Meta:
        ordering = ["report", "sent_at"]
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")

    def __str__(self) -> str:
        return f"{self.report_id} {self.sent_at:%Y-%m-%d}"
