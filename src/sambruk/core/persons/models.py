"""Persons known to the platform, with their protection marking (skydd av personuppgifter)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import PersonnummerField
from .personnummer import Personnummer


class Protection(models.TextChoices):
    NONE = "ingen", _("Ingen")
    SEKRETESSMARKERING = "sekretessmarkering", _("Sekretessmarkering")
    SKYDDAD_FOLKBOKFORING = "skyddad_folkbokforing", _("Skyddad folkbokföring")


# Fields that are hidden for protected persons unless the viewer holds
# ``persons.view_protected`` (OSL 21 kap. 3 §).
PROTECTED_FIELDS = ("street_address", "postal_code", "city", "care_of", "email", "phone")


class Person(models.Model):
    """A natural person. Shared register: reached through the modules' records, never listed."""

    civic_number = PersonnummerField(unique=True)
    given_name = models.CharField(_("förnamn"), max_length=120)
    family_name = models.CharField(_("efternamn"), max_length=120)
    care_of = models.CharField(_("c/o"), max_length=120, blank=True)
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("postort"), max_length=120, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    protection = models.CharField(
        _("skydd"), max_length=32, choices=Protection.choices, default=Protection.NONE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def personnummer(self) -> Personnummer:
        return Personnummer(self.civic_number)

    @property
    def is_protected(self) -> bool:
        return self.protection != Protection.NONE
