"""E-mail access points (address → queue and case type) and every inbound mail, raw.

An :class:`InboundMail` row is written, with the raw bytes, and committed *before* the SMTP
receiver answers 250: nothing that was accepted can be lost. Processing (a case, a reply in
a conversation, or "ignored" for auto-replies, bounces and loops) happens afterwards and
writes its outcome on the row; a failed row keeps its error and can be processed again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class EmailAccessPoint(models.Model):
    """Streamflow's ``EmailAccessPoint``: mail to ``address`` becomes a case in ``queue``."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="email_access_points"
    )
    name = models.CharField(_("namn"), max_length=120)
    address = models.EmailField(
        _("e-postadress"),
        unique=True,
        help_text=_("Adressen som e-posten skickas till, t.ex. kundcenter@sandviken.se."),
    )
    queue = models.ForeignKey(
        "cases.Queue", on_delete=models.PROTECT, related_name="+", verbose_name=_("funktion")
    )
    case_type = models.ForeignKey(
        "cases.CaseType", on_delete=models.PROTECT, related_name="+", verbose_name=_("ärendetyp")
    )
    labels = models.ManyToManyField(
        "cases.Label", blank=True, related_name="+", verbose_name=_("etiketter")
    )
    catch_all = models.BooleanField(
        _("tar emot okända adresser"),
        default=False,
        help_text=_(
            "E-post till okända adresser i samma domän blir ärenden här (supportkö). "
            "Högst en per domän."
        ),
    )
    send_receipt = models.BooleanField(
        _("skicka mottagningskvitto"),
        default=True,
        help_text=_("Avsändaren får ett automatiskt kvitto med ärendets nummer."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["organisation", "address"]
        verbose_name = _("e-postingång")
        verbose_name_plural = _("e-postingångar")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def save(self, *args, **kwargs):
        self.address = (self.address or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[-1].lower()


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Mottagen")
    PROCESSING = "processing", _("Behandlas")
    PROCESSED = "processed", _("Behandlad")
    IGNORED = "ignored", _("Ignorerad")
    FAILED = "failed", _("Misslyckad")


class InboundResult(models.TextChoices):
    NONE = "", _("–")
    NEW_CASE = "new_case", _("Nytt ärende")
    REPLY = "reply", _("Svar i konversation")
    AUTO_REPLY = "auto_reply", _("Autosvar")
    BOUNCE = "bounce", _("Studsat meddelande")
    LOOP = "loop", _("E-postslinga")
    DUPLICATE = "duplicate", _("Dubblett")
    UNROUTED = "unrouted", _("Okänd mottagare")
    ERROR = "error", _("Fel")


class InboundMail(models.Model):
    """One mail accepted by the SMTP receiver (one SMTP transaction), raw and as processed."""

    # Set when the mail is routed (access point, reply or support); until then only
    # platform administrators see the row.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("mottagen"), auto_now_add=True, db_index=True)
    peer = models.CharField(_("avsändande server"), max_length=100, blank=True)
    envelope_from = models.CharField(_("kuvertavsändare"), max_length=320, blank=True)
    recipients = models.JSONField(_("kuvertmottagare"), default=list)
    raw = models.BinaryField(_("rått meddelande"))
    size = models.PositiveIntegerField(_("storlek"), default=0)
    # Parsed for lists and duplicate detection (filled on processing).
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    sender = models.CharField(_("avsändare"), max_length=320, blank=True)
    subject = models.CharField(_("ämne"), max_length=300, blank=True)

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InboundStatus.choices,
        default=InboundStatus.RECEIVED,
        db_index=True,
    )
    result = models.CharField(
        _("resultat"), max_length=12, choices=InboundResult.choices, default="", blank=True
    )
    detail = models.TextField(_("förklaring"), blank=True)
    error = models.TextField(_("fel"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(_("behandlad"), null=True, blank=True)
    access_point = models.ForeignKey(
        EmailAccessPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inkommande e-post")
        verbose_name_plural = _("inkommande e-post")
        permissions = [("retry_inboundmail", "Can process an inbound mail again")]

    def __str__(self) -> str:
        return self.subject or self.message_id or f"#{self.pk}"
