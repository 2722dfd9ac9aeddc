"""Form definitions and their versions.

A :class:`FormDefinition` is the stable identity of a form within an organisation; each
:class:`FormVersion` holds one JSON document (``schema``, format in ``docs/eforms.md``).
A published version is immutable: services refuse to change it, and the model refuses to
save a changed document or number over a stored published/retired row (and the queryset
refuses bulk updates of the document). Only ``draft → published → retired`` moves happen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager, RestrictedQuerySet


class ImmutableVersionError(Exception):
    """Raised when code tries to change or delete a published (or retired) form version."""


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publicerad")
    RETIRED = "retired", _("Tillbakadragen")


#: Fields of a version that are frozen once it leaves the draft state.
FROZEN_FIELDS = ("schema", "number", "definition_id")


class FormDefinition(models.Model):
    """Ett formulär: the stable identity whose versions are edited and published."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="form_definitions"
    )
    code = models.SlugField(_("kod"), max_length=60)
    name = models.CharField(_("namn"), max_length=200)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("formulär")
        verbose_name_plural = _("formulär")
        permissions = [("manage_forms", "Hantera formulär och e-tjänster")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="eforms_definition_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def published_version(self) -> FormVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class FormVersionQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        frozen = ("schema", "number", "definition", "definition_id")
        if any(name in kwargs for name in frozen) and self.exclude(status="draft").exists():
            raise ImmutableVersionError("A published form version cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.exclude(status=VersionStatus.DRAFT).exists():
            raise ImmutableVersionError("A published form version cannot be deleted.")
        return super().delete()


class FormVersion(models.Model):
    """One version of a form definition: a JSON document, draft until published."""

    definition = models.ForeignKey(
        FormDefinition, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("versionsnummer"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    schema = models.JSONField(_("formulärdefinition"), default=dict, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publicerad av"),
    )
    retired_at = models.DateTimeField(_("tillbakadragen"), null=True, blank=True)

    objects = models.Manager.from_queryset(FormVersionQuerySet)()
    tenant_field = "definition__organisation"

    class Meta:
        ordering = ["definition", "-number"]
        verbose_name = _("formulärversion")
        verbose_name_plural = _("formulärversioner")
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "number"], name="eforms_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition} v{self.number}"

    def save(self, *args, **kwargs):
        """Guard: a stored non-draft version keeps its document, number and definition."""
        if self.pk is not None:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values("status", "schema", "number", "definition_id")
                .first()
            )
            if stored is not None and stored["status"] != VersionStatus.DRAFT:
                update_fields = kwargs.get("update_fields")
                for name in FROZEN_FIELDS:
                    if update_fields is not None and name.removesuffix("_id") not in {
                        f.removesuffix("_id") for f in update_fields
                    }:
                        continue
                    if getattr(self, name) != stored[name]:
                        raise ImmutableVersionError(
                            f"Form version {self.pk} is {stored['status']}: {name} cannot change."
                        )
                if self.status == VersionStatus.DRAFT:
                    raise ImmutableVersionError(
                        f"Form version {self.pk} is {stored['status']}: it cannot become a draft."
                    )
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and self.status != VersionStatus.DRAFT:
            raise ImmutableVersionError("A published form version cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED
