"""Who receives reports (bodies), what they receive (categories) and their reply templates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager
from sambruk.core.crypto.fields import EncryptedTextField

from .choices import ReportState


class SendMethod(models.TextChoices):
    EMAIL = "email", _("E-post")
    OPEN311 = "open311", _("Open311")
    NONE = "none", _("Ingen (bara ärendehanteringen)")


class Body(models.Model):
    """Mottagare: a kommun or Trafikverket that receives reports.

    ``national`` bodies (Trafikverket) are offered at every point in Sweden in addition to the
    kommun covering the point. Reports always become cases in ``organisation``'s case engine;
    ``send_method`` says how the report is *also* delivered to the body's own system.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="fixamingata_bodies"
    )
    name = models.CharField(_("namn"), max_length=200)
    active = models.BooleanField(_("tar emot rapporter"), default=True)
    national = models.BooleanField(
        _("nationell"),
        default=False,
        help_text=_("Erbjuds i hela Sverige utöver kommunen (till exempel Trafikverket)."),
    )
    send_method = models.CharField(
        _("leveranssätt"), max_length=10, choices=SendMethod.choices, default=SendMethod.EMAIL
    )
    contact_email = models.EmailField(_("e-post för rapporter"), blank=True)
    open311_endpoint = models.URLField(_("Open311-adress"), blank=True)
    open311_jurisdiction = models.CharField(
        _("Open311 jurisdiction_id"), max_length=100, blank=True
    )
    # The kommun's key for its Open311 server (we are its client): encrypted at rest.
    open311_api_key = EncryptedTextField(_("Open311 api_key"), blank=True, default="")
    open311_extended_statuses = models.BooleanField(_("utökade Open311-statusar"), default=True)
    open311_always_send_email = models.BooleanField(
        _("skicka alltid e-post i Open311"), default=False
    )
    open311_fetch_updates = models.BooleanField(
        _("hämta statusuppdateringar (servicerequestupdates)"), default=False
    )
    open311_updates_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("mottagare")
        verbose_name_plural = _("mottagare")

    def __str__(self) -> str:
        return self.name


class AttributeDatatype(models.TextChoices):
    """Open311 GeoReport v2 attribute datatypes."""

    STRING = "string", _("Text (en rad)")
    NUMBER = "number", _("Tal")
    DATETIME = "datetime", _("Datum och tid")
    TEXT = "text", _("Text (flera rader)")
    SINGLEVALUELIST = "singlevaluelist", _("Ett val i lista")
    MULTIVALUELIST = "multivaluelist", _("Flera val i lista")


class Category(models.Model):
    """A category a body receives (an Open311 *service*).

    ``attributes`` is the Open311 service definition's attribute list, in GeoReport v2 shape:
    ``[{"code", "datatype", "required", "datatype_description", "order", "description",
    "values": [{"key", "name"}], "variable": true}]`` (see :mod:`..attributes`).
    """

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("namn"), max_length=120)
    code = models.SlugField(
        _("tjänstekod (service_code)"),
        max_length=60,
        help_text=_("Open311 service_code, unik per mottagare."),
    )
    group = models.CharField(_("grupp"), max_length=120, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    keywords = models.CharField(_("nyckelord"), max_length=300, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    contact_email = models.EmailField(
        _("e-post"), blank=True, help_text=_("Ersätter mottagarens e-post för denna kategori.")
    )
    send_method = models.CharField(
        _("leveranssätt"),
        max_length=10,
        choices=SendMethod.choices,
        blank=True,
        help_text=_("Tomt: mottagarens leveranssätt."),
    )
    open311_service_code = models.CharField(
        _("tjänstekod hos mottagarens system"),
        max_length=100,
        blank=True,
        help_text=_("Tomt: samma som tjänstekoden."),
    )
    prefer_if_multiple = models.BooleanField(
        _("föredra om flera mottagare har kategorin"), default=False
    )
    attributes = models.JSONField(_("extra frågor (Open311-attribut)"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    tenant_field = "body__organisation"

    class Meta:
        ordering = ["body", "order", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="fmg_category_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_send_method(self) -> str:
        return self.send_method or self.body.send_method

    @property
    def effective_email(self) -> str:
        return self.contact_email or self.body.contact_email

    @property
    def external_service_code(self) -> str:
        return self.open311_service_code or self.code


class ResponseTemplate(models.Model):
    """Svarsmall: a staff reply, optionally setting a public state."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="response_templates")
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response_templates",
        verbose_name=_("kategori"),
        help_text=_("Tom: en allmän mall för alla kategorier."),
    )
    title = models.CharField(_("rubrik"), max_length=120)
    text = models.TextField(_("text"))
    state = models.CharField(
        _("sätter status"),
        max_length=20,
        choices=ReportState.choices,
        blank=True,
        help_text=_("Tomt: statusen ändras inte."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)

    objects = RestrictedManager()
    tenant_field = "body__organisation"

    class Meta:
        ordering = ["body", "order", "title"]
        verbose_name = _("svarsmall")
        verbose_name_plural = _("svarsmallar")

    def __str__(self) -> str:
        return self.title
