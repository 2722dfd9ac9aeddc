"""Configuration as data: each organisation configures its own case types and queues."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Ange färgen som #rrggbb."))


class CaseSettings(models.Model):
    """The organisation's case settings (one row per organisation, created on demand)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="case_settings"
    )
    reference_prefix = models.CharField(
        _("prefix för ärendenummer"),
        max_length=12,
        blank=True,
        help_text=_("Sätts före yyyyMMdd-N, till exempel ”SBK-”."),
    )

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        verbose_name = _("ärendeinställningar")
        verbose_name_plural = _("ärendeinställningar")

    def __str__(self) -> str:
        return str(self.organisation)


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Radera")
    ANONYMISE = "anonymise", _("Avidentifiera")


class CaseType(models.Model):
    """Ärendetyp."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="case_types"
    )
    name = models.CharField(_("namn"), max_length=120)
    code = models.SlugField(_("kod"), max_length=40)
    description = models.TextField(_("beskrivning"), blank=True)
    default_days_to_due = models.PositiveIntegerField(
        _("dagar till förfallodatum"), null=True, blank=True
    )
    resolution_required = models.BooleanField(_("utfall krävs för att avsluta"), default=False)
    restricted_by_default = models.BooleanField(_("begränsad åtkomst som standard"), default=False)
    reference_prefix = models.CharField(
        _("prefix för ärendenummer"),
        max_length=12,
        blank=True,
        help_text=_("Ersätter organisationens prefix för ärenden av denna typ."),
    )
    retention_months = models.PositiveIntegerField(
        _("gallras efter (månader efter avslut)"), null=True, blank=True
    )
    retention_action = models.CharField(
        _("gallringsåtgärd"),
        max_length=12,
        choices=RetentionAction.choices,
        default=RetentionAction.DELETE,
    )
    closing_form = models.JSONField(
        _("avslutningsformulär"),
        default=list,
        blank=True,
        help_text=_(
            "Fält som måste fyllas i innan ärendet avslutas: en lista av "
            '{"name": "...", "label": "...", "type": "text|textarea|choice|date|number", '
            '"required": true, "choices": [...]}.'
        ),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("ärendetyp")
        verbose_name_plural = _("ärendetyper")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="cases_casetype_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def initial_status(self) -> Status | None:
        return self.statuses.filter(is_initial=True).first()


class StatusKind(models.TextChoices):
    OPEN = "open", _("Öppet")
    ON_HOLD = "on_hold", _("Vilande")
    CLOSED = "closed", _("Avslutat")


class Status(models.Model):
    """A configured status of a case type; ``kind`` says what it means to the engine."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="statuses")
    name = models.CharField(_("namn"), max_length=80)
    code = models.SlugField(_("kod"), max_length=40)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    kind = models.CharField(
        _("slag"), max_length=10, choices=StatusKind.choices, default=StatusKind.OPEN
    )
    is_initial = models.BooleanField(_("startstatus"), default=False)

    objects = RestrictedManager()
    tenant_field = "case_type__organisation"

    class Meta:
        ordering = ["case_type", "order", "pk"]
        verbose_name = _("status")
        verbose_name_plural = _("statusar")
        constraints = [
            models.UniqueConstraint(fields=["case_type", "code"], name="cases_status_unique_code"),
            models.UniqueConstraint(
                fields=["case_type"], condition=Q(is_initial=True), name="cases_status_one_initial"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Transition(models.Model):
    """One allowed status change. The rows of a case type are its transition table."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.ForeignKey(
        Status, on_delete=models.CASCADE, related_name="transitions_out"
    )
    to_status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="transitions_in")
    name = models.CharField(_("knapptext"), max_length=80, blank=True)

    objects = RestrictedManager()
    tenant_field = "case_type__organisation"

    class Meta:
        ordering = ["case_type", "from_status__order", "to_status__order"]
        verbose_name = _("tillåten statusövergång")
        verbose_name_plural = _("tillåtna statusövergångar")
        constraints = [
            models.UniqueConstraint(
                fields=["from_status", "to_status"], name="cases_transition_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="cases_transition_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Resolution(models.Model):
    """Utfall."""

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="resolutions")
    name = models.CharField(_("namn"), max_length=120)
    active = models.BooleanField(_("aktiv"), default=True)

    objects = RestrictedManager()
    tenant_field = "case_type__organisation"

    class Meta:
        ordering = ["case_type", "name"]
        verbose_name = _("utfall")
        verbose_name_plural = _("utfall")

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="case_priorities"
    )
    name = models.CharField(_("namn"), max_length=60)
    colour = models.CharField(
        _("färg"), max_length=7, default="#6b7280", validators=[colour_validator]
    )
    rank = models.PositiveIntegerField(
        _("rang"), default=0, help_text=_("Lägre rang = högre prioritet.")
    )

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "rank", "name"]
        verbose_name = _("prioritet")
        verbose_name_plural = _("prioriteter")

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    """Etikett."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="case_labels"
    )
    name = models.CharField(_("namn"), max_length=60)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("etikett")
        verbose_name_plural = _("etiketter")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="cases_label_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Queue(models.Model):
    """Funktion: a queue of cases with its members (the caseworkers who may be assigned)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="case_queues"
    )
    orgunit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_queues",
    )
    name = models.CharField(_("namn"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="case_queues",
        verbose_name=_("medlemmar"),
    )
    member_groups = models.ManyToManyField(
        "cases.StaffGroup", blank=True, related_name="queues", verbose_name=_("medlemsgrupper")
    )
    default_case_type = models.ForeignKey(
        CaseType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ärendetyp för inkommande ärenden"),
        help_text=_("Används för ärenden som skickas hit från en annan organisation."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("funktion")
        verbose_name_plural = _("funktioner")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="cases_queue_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def has_member(self, user) -> bool:
        """Named in ``members`` or in a member group: see ``predicates.is_queue_member``."""
        from ..predicates import is_queue_member

        return is_queue_member(self, user)
