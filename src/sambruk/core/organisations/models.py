"""Organisations (kommuner, regioner, myndigheter, föreningar, bolag) and their units."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager

from .validators import validate_kommunkod, validate_organisationsnummer


class OrganisationType(models.TextChoices):
    KOMMUN = "kommun", _("Kommun")
    REGION = "region", _("Region")
    MYNDIGHET = "myndighet", _("Myndighet")
    FORENING = "forening", _("Förening")
    BOLAG = "bolag", _("Bolag")
    OTHER = "other", _("Annan")


class Organisation(models.Model):
    type = models.CharField(_("typ"), max_length=16, choices=OrganisationType.choices)
    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn"), max_length=80, unique=True)
    kommunkod = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_kommunkod],
    )
    lanskod = models.CharField(_("länskod"), max_length=2, blank=True)
    organisationsnummer = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        validators=[validate_organisationsnummer],
    )
    email = models.EmailField(_("e-post"), blank=True)
    website = models.URLField(_("webbplats"), blank=True)
    is_member = models.BooleanField(_("medlem i Sambruk"), default=False)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Reference data, visible to every signed-in user: not tenant-owned.
    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(type="kommun") | models.Q(kommunkod__isnull=False),
                name="kommun_has_kommunkod",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lan_name(self) -> str:
        from .reference import LAN

        return LAN.get(self.lanskod, "")


class OrgUnitKind(models.TextChoices):
    FORVALTNING = "forvaltning", _("Förvaltning")
    AVDELNING = "avdelning", _("Avdelning")
    ENHET = "enhet", _("Enhet")


class OrgUnit(models.Model):
    """Förvaltning → avdelning → enhet inside one organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(
        _("typ"), max_length=16, choices=OrgUnitKind.choices, default=OrgUnitKind.ENHET
    )
    name = models.CharField(_("namn"), max_length=200)
    code = models.CharField(_("kod"), max_length=40, blank=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("organisatorisk enhet")
        verbose_name_plural = _("organisatoriska enheter")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="orgunit_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> list[int]:
        """Ids of this unit and every unit below it (breadth first, one query per level)."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = list(
                OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids
