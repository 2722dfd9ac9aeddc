"""Case log, read markers and stored domain events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager, RestrictedQuerySet


class CaseChildQuerySet(RestrictedQuerySet):
    def visible_to(self, user, permission: str):
        """Rows of cases that ``user`` may see (restriction and drafts included)."""
        from .case import Case

        return self.restrict(user, permission).filter(
            case__in=Case.objects.visible_to(user, "cases.view_case")
        )


CaseChildManager = RestrictedManager.from_queryset(CaseChildQuerySet)


class LogKind(models.TextChoices):
    SYSTEM = "system", _("Systemhändelse")
    NOTE = "note", _("Anteckning")
    CONTACT = "contact", _("Kontakt")
    FORM = "form", _("Formulär")
    CONVERSATION = "conversation", _("Konversation")
    ATTACHMENT = "attachment", _("Bilaga")


class CaseLogEntry(models.Model):
    """Ärendelogg: one entry per change, note or message."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(
        _("slag"), max_length=16, choices=LogKind.choices, default=LogKind.SYSTEM
    )
    text = models.TextField(_("text"))
    data = models.JSONField(default=dict, blank=True)
    visible_to_citizen = models.BooleanField(_("synlig för medborgaren"), default=False)

    objects = CaseChildManager()
    tenant_field = "case__organisation"

    class Meta:
        ordering = ["case", "at", "pk"]
        verbose_name = _("loggpost")
        verbose_name_plural = _("ärendelogg")
        indexes = [models.Index(fields=["case", "at"], name="cases_log_case_at_idx")]

    def __str__(self) -> str:
        return self.text[:80]


class CaseRead(models.Model):
    """When a user last read a case. Unread = no row, or the case changed since ``read_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    objects = CaseChildManager()
    tenant_field = "case__organisation"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="cases_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.case_id} {self.read_at:%Y-%m-%d %H:%M}"


class CaseEvent(models.Model):
    """A stored domain event (``case.assigned`` …) for feeds, webhooks and other modules."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=60)
    payload = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CaseChildManager()
    tenant_field = "case__organisation"

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ärendehändelse")
        verbose_name_plural = _("ärendehändelser")
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.case_id}"


__all__ = ["CaseEvent", "CaseLogEntry", "CaseRead", "LogKind"]
