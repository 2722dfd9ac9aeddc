"""Queue rules (Streamflow's filters), due-date notices, retention records, saved searches,
staff groups and form data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager

from .log import CaseChildManager


class StaffGroup(models.Model):
    """A named group of staff in an organisation; queues may have groups as members."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="case_groups"
    )
    name = models.CharField(_("namn"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="case_groups"
    )

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("grupp")
        verbose_name_plural = _("grupper")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="cases_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RuleTrigger(models.TextChoices):
    ARRIVAL = "arrival", _("När ärendet kommer till funktionen")
    CHANGE = "change", _("När ärendet ändras")
    BOTH = "both", _("Båda")


class RuleAction(models.TextChoices):
    ASSIGN = "assign", _("Tilldela")
    SEND_TO_QUEUE = "send_to_queue", _("Skicka till funktion")
    SET_LABEL = "set_label", _("Sätt etikett")
    SET_PRIORITY = "set_priority", _("Sätt prioritet")
    CLOSE = "close", _("Avsluta")
    EMAIL = "email", _("Skicka e-post")


class QueueRule(models.Model):
    """When a case arrives in (or changes in) ``queue`` and matches → act.

    ``conditions`` is a list of ``{"field": "case_type"|"label"|"origin"|"priority",
    "value": <id or code>}``; ``match_all`` chooses all/any. ``params`` holds the action's
    argument (``{"user": id}``, ``{"queue": id}``, ``{"label": id}``, ``{"priority": id}``,
    ``{"resolution": id}``, ``{"to": "a@b.se"}``).
    """

    queue = models.ForeignKey("cases.Queue", on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("namn"), max_length=120)
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    trigger = models.CharField(
        _("när"), max_length=10, choices=RuleTrigger.choices, default=RuleTrigger.ARRIVAL
    )
    match_all = models.BooleanField(_("alla villkor måste gälla"), default=True)
    conditions = models.JSONField(_("villkor"), default=list, blank=True)
    action = models.CharField(_("åtgärd"), max_length=20, choices=RuleAction.choices)
    params = models.JSONField(_("parametrar"), default=dict, blank=True)

    objects = RestrictedManager()
    tenant_field = "queue__organisation"

    class Meta:
        ordering = ["queue", "order", "pk"]
        verbose_name = _("regel")
        verbose_name_plural = _("regler")

    def __str__(self) -> str:
        return self.name


class DueNoticeLog(models.Model):
    """One digest per person per day: makes the periodic due-date task idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    case_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="cases_due_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class RetentionRecord(models.Model):
    """Metadata of what gallring removed or anonymised, and when (the case itself is gone)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    case_type_name = models.CharField(max_length=120)
    reference = models.CharField(max_length=40)
    action = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True)
    executed_at = models.DateTimeField(auto_now_add=True)
    rule = models.CharField(max_length=200, blank=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["-executed_at"]
        verbose_name = _("gallringspost")
        verbose_name_plural = _("gallringsposter")

    def __str__(self) -> str:
        return f"{self.reference} ({self.action})"


class SavedSearch(models.Model):
    """Perspektiv: a user's saved search (filters + text)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_searches"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("namn"), max_length=120)
    query = models.JSONField(_("sökning"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["user", "name"]
        verbose_name = _("perspektiv")
        verbose_name_plural = _("perspektiv")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="cases_savedsearch_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CaseFormData(models.Model):
    """A filled form on a case (e.g. the closing form of its case type)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="forms")
    form_code = models.CharField(max_length=60)
    data = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)

    objects = CaseChildManager()
    tenant_field = "case__organisation"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "form_code"], name="cases_form_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.form_code}"
