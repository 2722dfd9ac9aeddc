"""Ansökan om ekonomiskt bistånd (eAnsökan-EkBist) and Självservice provenance.

The citizen fills in the application as an e-service (``eforms``); on submission the answers
are normalised into :class:`Application` (``data`` follows ``ekbist.application_data``), linked
one-to-one with the case of type "Ansökan om ekonomiskt bistånd". Values fetched by the
applicant through Självservice are :class:`FetchedValue` rows so the caseworker sees each
value's provenance ("hämtat från Försäkringskassan 2026-11-02").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager
from sambruk.core.persons.fields import PersonnummerField

#: The adults of a household who each have a försörjningshinder (Socialstyrelsen registers it
#: per adult: the sökande and the medsökande); the keys of ``forsorjningshinder_by_adult``.
ADULT_APPLICANT = "sokande"
ADULT_CO_APPLICANT = "medsokande"
ADULT_ROLE_LABELS = {
    ADULT_APPLICANT: _("Sökande"),
    ADULT_CO_APPLICANT: _("Medsökande"),
}


class ApplicationKind(models.TextChoices):
    NEW = "nyansokan", _("Nyansökan")
    MONTHLY = "manadsansokan", _("Månadsansökan")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inlämnad")
    DECIDED = "decided", _("Beslutad")
    CLOSED = "closed", _("Avslutad")


class Application(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ekbist_application",
    )
    submission = models.OneToOneField(
        "eforms.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ekbist_application",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("föregående ansökan"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=ApplicationKind.choices)
    state = models.CharField(
        _("läge"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    period = models.DateField(_("ansökningsmånad"), help_text=_("Första dagen i månaden."))
    applicant = PersonnummerField(verbose_name=_("sökande"), db_index=True)
    co_applicant = PersonnummerField(verbose_name=_("medsökande"), blank=True, db_index=True)
    # The normalised application: household, housing, occupation, incomes, costs, assets,
    # attachments. Structure documented in docs/ekbist.md and ekbist/application_data.py.
    data = models.JSONField(_("uppgifter"), default=dict, blank=True)
    selfservice_consent_at = models.DateTimeField(
        _("samtycke till Självservice"), null=True, blank=True
    )
    selfservice_consent_withdrawn_at = models.DateTimeField(
        _("samtycke återkallat"), null=True, blank=True
    )
    # Socialstyrelsen's statistics: försörjningshinder per adult of the household for the
    # month (set by the caseworker; ``{"sokande": code, "medsokande": code}``, codes of
    # ``codes.Forsorjningshinder``, a missing or empty value = not registered) and
    # avslutsorsak (when the case of assistance ends).
    forsorjningshinder_by_adult = models.JSONField(
        _("försörjningshinder per vuxen"), default=dict, blank=True
    )
    avslutsorsak = models.CharField(_("avslutsorsak"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("inlämnad"), null=True, blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-period", "-created_at"]
        indexes = [models.Index(fields=["organisation", "period"])]
        verbose_name = _("ansökan om ekonomiskt bistånd")
        verbose_name_plural = _("ansökningar om ekonomiskt bistånd")

    def __str__(self):
        return f"{self.get_kind_display()} {self.period:%Y-%m}"

    def adult_roles(self) -> list[str]:
        """The adults of the household who each have a försörjningshinder: the sökande and,
        when there is one (in the data or on the row), the medsökande."""
        from sambruk.ekbist import application_data as ad

        roles = [ADULT_APPLICANT]
        if self.co_applicant or ad.co_applicant(self.data or {}) is not None:
            roles.append(ADULT_CO_APPLICANT)
        return roles

    def forsorjningshinder_of(self, role: str) -> str:
        """The försörjningshinder code of the adult ``role`` ("" = not registered)."""
        return str((self.forsorjningshinder_by_adult or {}).get(role) or "")


class FetchedValue(models.Model):
    """A value the applicant fetched from an agency through Självservice (SSBTEK)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="fetched_values"
    )
    person = PersonnummerField(verbose_name=_("person"))
    agency = models.CharField(_("myndighet"), max_length=10)  # AF, CSN, FK, SKV, SO, TNS, MIV
    field = models.CharField(_("uppgift"), max_length=80)  # e.g. "income:fk:bostadsbidrag"
    label = models.CharField(_("benämning"), max_length=200)
    amount = models.IntegerField(_("belopp, kr/mån"), null=True, blank=True)
    value = models.CharField(_("värde"), max_length=300, blank=True)
    period = models.CharField(_("period"), max_length=20, blank=True)
    fetched_at = models.DateTimeField(_("hämtad"))
    accepted = models.BooleanField(_("godkänd av sökande"), default=False)

    tenant_field = "application__organisation"
    objects = RestrictedManager()

    class Meta:
        ordering = ["application", "person", "agency", "field"]
        verbose_name = _("hämtad uppgift")
        verbose_name_plural = _("hämtade uppgifter")

    def __str__(self):
        return f"{self.agency} {self.label}"

    @property
    def agency_name(self) -> str:
        from sambruk.ekbist.ssbtek.types import AGENCY_NAMES

        return AGENCY_NAMES.get(self.agency, self.agency)
