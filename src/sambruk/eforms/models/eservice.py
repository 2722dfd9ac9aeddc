"""The e-service (e-tjänst): a published form version plus its access point."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class Signing(models.TextChoices):
    NONE = "none", _("Ingen underskrift")
    SINGLE = "single", _("En undertecknare")
    TWO = "two", _("Två undertecknare")


#: The e-service's texts that have an English counterpart ``<field>_en``.
TRANSLATED = ("name", "description", "receipt_subject", "receipt_text")


def _is_english(language: str | None) -> bool:
    return (language or get_language() or "sv").split("-")[0].lower() == "en"


class EService(models.Model):
    """E-tjänst. Public description page at ``/e-tjanster/<org-slug>/<slug>/`` (permanent)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="eservices"
    )
    slug = models.SlugField(
        _("adress"),
        max_length=80,
        help_text=_("Del av den permanenta adressen /e-tjanster/<organisation>/<adress>/."),
    )
    name = models.CharField(_("namn"), max_length=200)
    name_en = models.CharField(
        _("namn på engelska"),
        max_length=200,
        blank=True,
        help_text=_("Tomt: det svenska namnet visas även på engelska sidor."),
    )
    description = models.TextField(
        _("beskrivning"), blank=True, help_text=_("Texten på e-tjänstens startsida.")
    )
    description_en = models.TextField(_("beskrivning på engelska"), blank=True)
    form_version = models.ForeignKey(
        "eforms.FormVersion",
        on_delete=models.PROTECT,
        related_name="eservices",
        verbose_name=_("formulärversion"),
        help_text=_("En publicerad version."),
    )
    queue = models.ForeignKey(
        "cases.Queue", on_delete=models.PROTECT, related_name="+", verbose_name=_("kö")
    )
    case_type = models.ForeignKey(
        "cases.CaseType", on_delete=models.PROTECT, related_name="+", verbose_name=_("ärendetyp")
    )
    labels = models.ManyToManyField(
        "cases.Label", blank=True, related_name="+", verbose_name=_("etiketter")
    )
    login_required = models.BooleanField(_("kräver inloggning med e-legitimation"), default=False)
    signing = models.CharField(
        _("underskrift"), max_length=8, choices=Signing.choices, default=Signing.NONE
    )
    # Receipt e-mail: a template code (``<code>_subject.txt`` / ``.txt`` / ``.html``). The
    # default templates use ``receipt_subject`` as the subject line (the case number is added)
    # and put ``receipt_text`` in the body; both are plain text without placeholders. The
    # ``*_en`` texts are used in the citizen's English, falling back to Swedish.
    receipt_template = models.CharField(
        _("mallkod för kvittens"), max_length=100, blank=True, default="eforms/email/receipt"
    )
    receipt_subject = models.CharField(_("kvittensens ämnesrad"), max_length=200, blank=True)
    receipt_subject_en = models.CharField(
        _("kvittensens ämnesrad på engelska"), max_length=200, blank=True
    )
    receipt_text = models.TextField(_("kvittensens text"), blank=True)
    receipt_text_en = models.TextField(_("kvittensens text på engelska"), blank=True)
    second_signer_template = models.CharField(
        _("mallkod för inbjudan till medsökande"),
        max_length=100,
        blank=True,
        default="eforms/email/signature_invitation",
    )
    opens_at = models.DateTimeField(_("öppnar"), null=True, blank=True)
    closes_at = models.DateTimeField(_("stänger"), null=True, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    listed = models.BooleanField(_("visas i katalogen"), default=True)
    draft_ttl_days = models.PositiveIntegerField(
        _("utkast sparas (dagar)"), default=30, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("e-tjänst")
        verbose_name_plural = _("e-tjänster")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="eforms_eservice_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return self.name

    # --- texts in the citizen's language ------------------------------------------------------
    def text(self, field: str, language: str | None = None) -> str:
        """``field`` (name, description, receipt_subject, receipt_text) in ``language`` (default:
        the active language): the English text on English pages, else (or when it is empty)
        the Swedish."""
        if field not in TRANSLATED:
            raise ValueError(field)
        if _is_english(language) and getattr(self, f"{field}_en"):
            return getattr(self, f"{field}_en")
        return getattr(self, field)

    def text_lang(self, field: str, language: str | None = None) -> str:
        """``"sv"`` when the Swedish text stands in on a page in another language (for the
        element's ``lang`` attribute, WCAG 3.1.2), else ``""``."""
        if _is_english(language) and not getattr(self, f"{field}_en") and getattr(self, field):
            return "sv"
        return ""

    @property
    def display_name(self) -> str:
        return self.text("name")

    @property
    def display_description(self) -> str:
        return self.text("description")

    @property
    def name_lang(self) -> str:
        return self.text_lang("name")

    @property
    def description_lang(self) -> str:
        return self.text_lang("description")

    def is_open(self, at=None) -> bool:
        """Active and inside the opening period."""
        at = at or timezone.now()
        if not self.active:
            return False
        if self.opens_at and at < self.opens_at:
            return False
        return not (self.closes_at and at >= self.closes_at)

    @property
    def needs_signing(self) -> bool:
        return self.signing != Signing.NONE
