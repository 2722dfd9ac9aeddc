"""Reports (rapporter), their photos and their public timeline of updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager, RestrictedQuerySet

from .choices import PUBLIC_STATES, ReportState, SendState, Source


class ReportQuerySet(RestrictedQuerySet):
    def public(self):
        """Reports anyone may see: confirmed (any public state) and not hidden."""
        return self.filter(state__in=list(PUBLIC_STATES), hidden=False)

    def in_bbox(self, south: float, west: float, north: float, east: float):
        return self.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)


ReportManager = RestrictedManager.from_queryset(ReportQuerySet)


class Report(models.Model):
    """A street-fault report (rapport).

    Tenancy: a report belongs to the organisation of its **body** (the kommun or Trafikverket
    that receives it); ``kommun`` is the kommun the point lies in (routing, statistics,
    Open311 ``jurisdiction_id``). Only :mod:`sambruk.fixamingata.services` changes a report.
    """

    service_request_id = models.CharField(
        _("rapportnummer"), max_length=40, unique=True, null=True, blank=True, editable=False
    )
    # No single-column indexes on body and kommun: the composite indexes below start with
    # them (one index fewer to maintain per INSERT each).
    body = models.ForeignKey(
        "fixamingata.Body", on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    category = models.ForeignKey(
        "fixamingata.Category", on_delete=models.PROTECT, related_name="reports"
    )
    kommun = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="fixamingata_reports",
        verbose_name=_("kommun"),
        db_index=False,
    )
    lat = models.FloatField(_("latitud"))
    lon = models.FloatField(_("longitud"))
    title = models.CharField(_("rubrik"), max_length=200)
    detail = models.TextField(_("beskrivning"), blank=True)
    address_string = models.CharField(_("adress"), max_length=300, blank=True)
    attributes = models.JSONField(_("svar på extra frågor"), default=dict, blank=True)
    media_urls = models.JSONField(_("bildadresser (Open311)"), default=list, blank=True)
    pinpointed = models.BooleanField(
        _("utmärkt på kartan"),
        default=True,
        help_text=_(
            "Falskt när platsen bara angavs som adress (Open311 address_string): "
            "lat/long är då kommunens ungefärliga läge och visas inte i Open311."
        ),
    )
    device_id = models.CharField(_("enhets-id (Open311)"), max_length=100, blank=True)
    account_id = models.CharField(_("konto-id (Open311)"), max_length=100, blank=True)

    reporter_name = models.CharField(_("namn"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("e-post"), blank=True)
    reporter_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    show_name_publicly = models.BooleanField(_("visa namnet offentligt"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fixamingata_reports",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)

    state = models.CharField(
        _("status"), max_length=20, choices=ReportState.choices, default=ReportState.UNCONFIRMED
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    confirmed_at = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("åtgärdad"), null=True, blank=True)
    closed_at = models.DateTimeField(_("stängd"), null=True, blank=True)

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fixamingata_reports",
    )
    source = models.CharField(_("källa"), max_length=10, choices=Source.choices, default=Source.WEB)
    api_client = models.ForeignKey(
        "api.ApiClient", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(
        _("Open311-token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)

    # Delivery to the body's own system (e-mail or Open311), see ``delivery``.
    send_state = models.CharField(
        _("leverans"), max_length=10, choices=SendState.choices, default=SendState.UNSENT
    )
    send_method_used = models.CharField(max_length=10, blank=True)
    send_attempts = models.PositiveIntegerField(default=0)
    send_next_attempt_at = models.DateTimeField(null=True, blank=True)
    send_last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    external_id = models.CharField(_("id i mottagarens system"), max_length=100, blank=True)

    # Moderation.
    hidden = models.BooleanField(_("dold"), default=False)
    hidden_reason = models.CharField(_("skäl"), max_length=200, blank=True)
    flagged = models.BooleanField(_("flaggad"), default=False)
    original_title = models.CharField(max_length=200, blank=True, editable=False)
    original_detail = models.TextField(blank=True, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    send_questionnaire = models.BooleanField(_("skicka enkät"), default=True)

    objects = ReportManager()
    tenant_field = "body__organisation"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="fmg_report_unique_idempotency",
            ),
        ]
        indexes = [
            # Map pins for a viewport.
            models.Index(fields=["lat", "lon"], name="fmg_report_latlon_idx"),
            # Open311 lists per jurisdiction, status and date window; kommun pages.
            models.Index(fields=["kommun", "state", "created_at"], name="fmg_report_kommun_idx"),
            # Open311 GET requests: the newest public requests of one jurisdiction, read in
            # the list's own order (created_at, id descending), so a LIMIT stops the scan
            # early and no sort is needed; serves every status filter.
            models.Index(
                fields=["kommun", "-created_at", "-id"],
                condition=Q(hidden=False),
                name="fmg_report_o311_idx",
            ),
            models.Index(fields=["body", "state", "created_at"], name="fmg_report_body_idx"),
            models.Index(fields=["updated_at"], name="fmg_report_updated_idx"),
            models.Index(
                fields=["send_next_attempt_at"],
                condition=Q(send_state="unsent"),
                name="fmg_report_unsent_idx",
            ),
            models.Index(fields=["reporter_email", "created_at"], name="fmg_report_email_idx"),
            # Questionnaires: only the reports still waiting for one (services.engagement).
            models.Index(
                fields=["sent_at"],
                condition=Q(send_questionnaire=True),
                name="fmg_report_questionnaire_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_request_id or self.pk} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES and not self.hidden

    @property
    def public_state(self) -> str:
        return ReportState.HIDDEN if self.hidden else self.state

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_STATES

        return self.state in OPEN_STATES

    @property
    def public_name(self) -> str:
        return self.reporter_name if self.show_name_publicly else ""


PHOTO_ORDER = [(1, "1"), (2, "2"), (3, "3")]


class ReportPhoto(models.Model):
    """One of at most three photos, re-encoded as JPEG without metadata."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("bild"), upload_to="fixamingata/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    order = models.PositiveSmallIntegerField(choices=PHOTO_ORDER, default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    tenant_field = "report__body__organisation"

    class Meta:
        ordering = ["report", "order"]
        verbose_name = _("bild")
        verbose_name_plural = _("bilder")
        constraints = [
            models.UniqueConstraint(fields=["report", "order"], name="fmg_photo_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.order}"


class Update(models.Model):
    """A public update on a report's timeline (from the public, the reporter or staff)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("text"), blank=True)
    author_name = models.CharField(_("namn"), max_length=200, blank=True)
    author_email = models.EmailField(_("e-post"), blank=True)
    show_name = models.BooleanField(_("visa namnet"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fixamingata_updates",
    )
    is_staff_update = models.BooleanField(default=False)
    posted_as_body = models.BooleanField(
        _("skriven som mottagaren"),
        default=False,
        help_text=_("Personalens namn visas inte, bara kommunens (eller Trafikverkets)."),
    )
    new_state = models.CharField(
        _("ny status"), max_length=20, choices=ReportState.choices, blank=True
    )
    mark_fixed = models.BooleanField(default=False)
    reopen = models.BooleanField(default=False)
    confirmed = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(_("dold"), default=False)
    hidden_reason = models.CharField(max_length=200, blank=True)
    original_text = models.TextField(blank=True, editable=False)
    external_update_id = models.CharField(max_length=100, blank=True)
    external_updated_at = models.DateTimeField(
        _("ändrad i mottagarens system"), null=True, blank=True
    )
    media_url = models.URLField(_("bildadress"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True, db_index=True)

    objects = RestrictedManager()
    tenant_field = "report__body__organisation"

    class Meta:
        ordering = ["report", "created_at", "pk"]
        verbose_name = _("uppdatering")
        verbose_name_plural = _("uppdateringar")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "external_update_id"],
                condition=~Q(external_update_id=""),
                name="fmg_update_unique_external",
            )
        ]
        indexes = [models.Index(fields=["report", "created_at"], name="fmg_update_report_idx")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.text[:60]}"

    @property
    def is_public(self) -> bool:
        return self.confirmed and not self.hidden

    def display_name(self) -> str:
        """What the public timeline shows as the author."""
        if self.posted_as_body:
            return self.report.body.name
        return self.author_name if self.show_name else ""
