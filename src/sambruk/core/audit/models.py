"""Append-only audit trail: writes and reads of personal data."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedQuerySet


class AuditAction(models.TextChoices):
    CREATE = "create", _("Skapade")
    UPDATE = "update", _("Ändrade")
    DELETE = "delete", _("Tog bort")
    READ = "read", _("Läste")
    EXPORT = "export", _("Exporterade")
    LOGIN = "login", _("Loggade in")
    LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")
    LOGOUT = "logout", _("Loggade ut")
    SEARCH = "search", _("Sökte")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One audited action. Never updated, never deleted by the application."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    actor_label = models.CharField(_("användare (text)"), max_length=254, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("händelse"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("objekttyp"), max_length=100, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    object_repr = models.CharField(_("objekt"), max_length=200, blank=True)
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("berörd person"),
    )
    person_civic_number = models.CharField(
        _("berörd persons personnummer"), max_length=12, blank=True, db_index=True
    )
    purpose = models.CharField(_("syfte"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(_("ändrade fält"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["-at"]
        verbose_name = _("logghändelse")
        verbose_name_plural = _("logghändelser")
        indexes = [
            models.Index(fields=["person_civic_number", "-at"], name="audit_person_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
