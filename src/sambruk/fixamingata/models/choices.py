"""Enumerations shared by the FixaMinGata models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    """The public states of a report (FixMyStreet's, as FixaMinGata shows them).

    ``unconfirmed`` reports are never public. Moderation hides a report with
    :attr:`Report.hidden` (the state is kept, so unhiding restores it); ``hidden`` exists as a
    state for the public/Open311 mapping only and is never stored.
    """

    UNCONFIRMED = "unconfirmed", _("Obekräftad")
    CONFIRMED = "confirmed", _("Öppen")
    INVESTIGATING = "investigating", _("Undersöks")
    IN_PROGRESS = "in_progress", _("Pågår")
    ACTION_SCHEDULED = "action_scheduled", _("Åtgärd planerad")
    FIXED = "fixed", _("Åtgärdad")
    CLOSED = "closed", _("Stängd")
    DUPLICATE = "duplicate", _("Dubblett")
    NOT_RESPONSIBLE = "not_responsible", _("Inte vårt ansvar")
    UNABLE_TO_FIX = "unable_to_fix", _("Kan inte åtgärdas")
    INTERNAL_REFERRAL = "internal_referral", _("Skickad vidare internt")
    HIDDEN = "hidden", _("Dold")


OPEN_STATES = frozenset(
    {
        ReportState.CONFIRMED,
        ReportState.INVESTIGATING,
        ReportState.IN_PROGRESS,
        ReportState.ACTION_SCHEDULED,
    }
)
FIXED_STATES = frozenset({ReportState.FIXED})
CLOSED_STATES = frozenset(
    {
        ReportState.CLOSED,
        ReportState.DUPLICATE,
        ReportState.NOT_RESPONSIBLE,
        ReportState.UNABLE_TO_FIX,
        ReportState.INTERNAL_REFERRAL,
    }
)
#: States that appear on the public site and in Open311.
PUBLIC_STATES = OPEN_STATES | FIXED_STATES | CLOSED_STATES


class Source(models.TextChoices):
    WEB = "web", _("Webben")
    OPEN311 = "open311", _("Open311-klient")
    STAFF = "staff", _("Personal")


class SendState(models.TextChoices):
    UNSENT = "unsent", _("Ej skickad")
    SENT = "sent", _("Skickad")
    FAILED = "failed", _("Misslyckad")
    SKIPPED = "skipped", _("Skickas inte")


class TokenPurpose(models.TextChoices):
    REPORT = "report", _("Bekräfta rapport")
    UPDATE = "update", _("Bekräfta uppdatering")
    ALERT = "alert", _("Bekräfta bevakning")
    QUESTIONNAIRE = "questionnaire", _("Enkät")


class AlertKind(models.TextChoices):
    NEW_IN_KOMMUN = "new_in_kommun", _("Nya rapporter i en kommun")
    RADIUS = "radius", _("Nya rapporter nära en plats")
    REPORT_UPDATES = "report_updates", _("Uppdateringar av en rapport")


class QuestionnaireAnswer(models.TextChoices):
    FIXED = "fixed", _("Ja, det är åtgärdat")
    NOT_FIXED = "not_fixed", _("Nej, det är inte åtgärdat")
    UNKNOWN = "unknown", _("Vet inte")


class AbuseKind(models.TextChoices):
    EMAIL = "email", _("E-postadress")
    DOMAIN = "domain", _("Domän")
