"""Riksnorm tables per year and each kommun's guideline for reasonable housing costs.

The tables are data: ``manage.py load_riksnorm`` reads the published years from
``ekbist/data/riksnorm.csv`` and administrators add new years in the Django admin.
Amounts are whole kronor per month.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class NormYear(models.Model):
    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    adult_single = models.PositiveIntegerField(_("ensamstående vuxen, kr/mån"))
    adults_couple = models.PositiveIntegerField(_("sammanboende vuxna, kr/mån"))
    extra_member_increment = models.PositiveIntegerField(
        _("tillägg per person över 7, kr/mån"),
        null=True,
        blank=True,
        help_text=_("Lämna tomt för HH7 − HH6 (riksnormens regel)."),
    )
    note = models.TextField(_("anmärkning"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("riksnorm för år")
        verbose_name_plural = _("riksnorm per år")

    def __str__(self):
        return f"Riksnorm {self.year}"

    def to_table(self):
        """The year as the pure calculation's :class:`~sambruk.ekbist.norm.NormTable`."""
        from sambruk.ekbist.norm import NormTable, PersonalRate

        return NormTable(
            year=self.year,
            personal=tuple(
                PersonalRate(p.age_from, p.age_to, p.with_school_lunch, p.amount)
                for p in self.personal_costs.all()
            ),
            adult_single=self.adult_single,
            adults_couple=self.adults_couple,
            common={c.household_size: c.amount for c in self.common_costs.all()},
            extra_member_increment=self.extra_member_increment,
            note=self.note,
        )


class PersonalCost(models.Model):
    """Personal costs of a child or youth by age band (both ages inclusive)."""

    year = models.ForeignKey(NormYear, on_delete=models.CASCADE, related_name="personal_costs")
    age_from = models.PositiveSmallIntegerField(_("från ålder"))
    age_to = models.PositiveSmallIntegerField(_("till och med ålder"))
    with_school_lunch = models.BooleanField(
        _("äter lunch i förskola/skola"),
        default=False,
        help_text=_("Beloppet utan lunch, för barn som får lunch i förskola eller skola."),
    )
    amount = models.PositiveIntegerField(_("kr/mån"))

    class Meta:
        ordering = ["year", "age_from", "with_school_lunch"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "age_from", "age_to", "with_school_lunch"],
                name="ekbist_personalcost_unique",
            )
        ]
        verbose_name = _("personlig kostnad")
        verbose_name_plural = _("personliga kostnader")

    def __str__(self):
        return f"{self.age_from}–{self.age_to} år: {self.amount} kr"

    def clean(self):
        if self.age_to is not None and self.age_from is not None and self.age_to < self.age_from:
            raise ValidationError(_("Till-åldern får inte vara lägre än från-åldern."))


class CommonCost(models.Model):
    """Common household costs by household size 1–7 (larger: the > 7 persons rule)."""

    year = models.ForeignKey(NormYear, on_delete=models.CASCADE, related_name="common_costs")
    household_size = models.PositiveSmallIntegerField(
        _("antal personer"), validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    amount = models.PositiveIntegerField(_("kr/mån"))

    class Meta:
        ordering = ["year", "household_size"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "household_size"], name="ekbist_commoncost_unique"
            )
        ]
        verbose_name = _("gemensam hushållskostnad")
        verbose_name_plural = _("gemensamma hushållskostnader")

    def __str__(self):
        return f"{self.household_size} pers.: {self.amount} kr"


class LocalGuideline(models.Model):
    """A kommun's guideline for one year: reasonable costs outside the norm."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    source = models.CharField(_("beslut/källa"), max_length=200, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="ekbist_localguideline_unique"
            )
        ]
        verbose_name = _("lokal riktlinje")
        verbose_name_plural = _("lokala riktlinjer")

    def __str__(self):
        return f"{self.organisation} {self.year}"

    def to_guideline(self):
        from sambruk.ekbist.norm import Guideline

        return Guideline(
            max_housing={c.household_size: c.max_amount for c in self.housing_caps.all()},
            source=self.source,
        )


class HousingCap(models.Model):
    """The highest reasonable housing cost for a household size (and larger, until the next)."""

    guideline = models.ForeignKey(
        LocalGuideline, on_delete=models.CASCADE, related_name="housing_caps"
    )
    household_size = models.PositiveSmallIntegerField(
        _("antal personer"), validators=[MinValueValidator(1)]
    )
    max_amount = models.PositiveIntegerField(_("högsta boendekostnad, kr/mån"))

    tenant_field = "guideline__organisation"
    objects = RestrictedManager()

    class Meta:
        ordering = ["guideline", "household_size"]
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "household_size"], name="ekbist_housingcap_unique"
            )
        ]
        verbose_name = _("tak för boendekostnad")
        verbose_name_plural = _("tak för boendekostnad")

    def __str__(self):
        return f"{self.household_size} pers.: {self.max_amount} kr"
