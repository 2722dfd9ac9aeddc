"""Submissions (inskick), their files, signatures and second-signer invitations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sambruk.core.authz.querysets import RestrictedManager


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    AWAITING_SIGNATURE = "awaiting_signature", _("Väntar på underskrift")
    SUBMITTED = "submitted", _("Inskickad")
    EXPIRED = "expired", _("Förfallen")


class Submission(models.Model):
    """One citizen's filling of an e-service, from draft to submitted (then a case)."""

    eservice = models.ForeignKey(
        "eforms.EService", on_delete=models.PROTECT, related_name="submissions"
    )
    form_version = models.ForeignKey(
        "eforms.FormVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eform_submissions",
        help_text=_("Den inloggade invånaren; tomt för anonyma inskick."),
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("svar"), default=dict, blank=True)
    #: The page the citizen is on (index into the form's pages) — resumes a draft there.
    current_page = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
        db_index=True,
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    draft_token = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Hemlig nyckel som låter en anonym invånare återuppta sitt utkast."),
    )
    language = models.CharField(max_length=5, default="sv")
    content_hash = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    expires_at = models.DateTimeField(_("utkastet förfaller"), null=True, blank=True)
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receipt_pdf = models.FileField(
        _("kvittens (PDF)"), upload_to="eforms/receipts/%Y/%m/", null=True, blank=True
    )

    objects = RestrictedManager()
    tenant_field = "eservice__organisation"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inskick")
        verbose_name_plural = _("inskick")
        indexes = [
            models.Index(fields=["user", "status"], name="eforms_sub_user_status"),
            models.Index(fields=["status", "expires_at"], name="eforms_sub_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.eservice} #{self.pk}"


class SubmissionFile(models.Model):
    """An uploaded file answering a file field (content sniffed before storing)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    field_name = models.CharField(_("fält"), max_length=100)
    file = models.FileField(upload_to="eforms/files/%Y/%m/")
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    tenant_field = "submission__eservice__organisation"

    class Meta:
        ordering = ["submission", "field_name", "pk"]
        verbose_name = _("bifogad fil")
        verbose_name_plural = _("bifogade filer")

    def __str__(self) -> str:
        return self.original_name


class SignerRole(models.TextChoices):
    FIRST = "first", _("Sökande")
    SECOND = "second", _("Medsökande")


class SignatureMethod(models.TextChoices):
    OIDC = "oidc", _("E-legitimation (OIDC)")
    BANKID = "bankid", _("BankID")
    DEMO = "demo", _("Test-legitimation")


class Signature(models.Model):
    """A signer confirmed the submission's content (its hash) with e-legitimation."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    civic_number = models.CharField(_("personnummer"), max_length=12)
    role = models.CharField(_("roll"), max_length=8, choices=SignerRole.choices)
    signed_at = models.DateTimeField(_("undertecknad"))
    loa = models.CharField(_("tillitsnivå"), max_length=100, blank=True)
    method = models.CharField(_("metod"), max_length=10, choices=SignatureMethod.choices)
    content_hash = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)
    evidence = models.JSONField(_("underlag"), default=dict, blank=True)

    objects = RestrictedManager()
    tenant_field = "submission__eservice__organisation"

    class Meta:
        ordering = ["submission", "signed_at"]
        verbose_name = _("underskrift")
        verbose_name_plural = _("underskrifter")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "role"], name="eforms_signature_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.role}"


class SignatureInvitation(models.Model):
    """The e-mailed link that lets a second signer (medsökande) sign."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-post"))
    civic_number = models.CharField(
        _("personnummer"),
        max_length=12,
        blank=True,
        help_text=_("Om angivet måste medsökande logga in med detta personnummer."),
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("giltig till"))
    accepted_at = models.DateTimeField(_("undertecknad"), null=True, blank=True)
    declined = models.BooleanField(_("avböjd"), default=False)
    expired_notice_sent_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()
    tenant_field = "submission__eservice__organisation"

    class Meta:
        ordering = ["submission", "-created_at"]
        verbose_name = _("inbjudan att underteckna")
        verbose_name_plural = _("inbjudningar att underteckna")
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(accepted_at__isnull=True, declined=False),
                name="eforms_one_open_invitation",
            )
        ]

    def __str__(self) -> str:
        return self.email
