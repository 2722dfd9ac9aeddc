"""Users, memberships and the demo second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from sambruk.core.authz.querysets import RestrictedManager

from .roles import role_choices


class UserKind(models.TextChoices):
    STAFF = "staff", _("Personal")
    CITIZEN = "citizen", _("Invånare")
    API = "api", _("API-klient")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("E-postadress krävs.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-postadress"), unique=True)
    full_name = models.CharField(_("namn"), max_length=200, blank=True)
    kind = models.CharField(
        _("typ"), max_length=10, choices=UserKind.choices, default=UserKind.STAFF
    )
    civic_number = models.CharField(_("personnummer"), max_length=12, blank=True, db_index=True)
    language = models.CharField(_("språk"), max_length=5, choices=settings.LANGUAGES, default="sv")
    is_staff = models.BooleanField(
        _("tillgång till admin"), default=False, help_text=_("Får logga in i administrationen.")
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("skapad"), default=timezone.now)
    # Citizen e-legitimation: bumping the epoch ends every session of the user ("logga ut
    # överallt"); the level of assurance of the latest e-legitimation is kept for display.
    session_epoch = models.PositiveIntegerField(_("sessionsepok"), default=0, editable=False)
    last_loa = models.CharField(_("senaste tillitsnivå"), max_length=200, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class Membership(models.Model):
    """The user acts for ``organisation`` with ``role`` (optionally only within ``orgunit``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=40, choices=role_choices)
    orgunit = models.ForeignKey(
        "organisations.OrgUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("enhet"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    tenant_field = "organisation"

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.role})"


class DemoDevice(Device):
    """The documented fixed demo second factor: accepts ``000000`` in demo mode only.

    It refuses every token when ``SAMBRUK_DEMO`` is off, and production settings refuse to
    start with demo mode on, so it can never open a production account.
    """

    DEMO_TOKEN = "000000"  # noqa: S105 (the documented demo code; refused outside demo mode)

    class Meta:
        verbose_name = _("demoenhet för tvåstegsinloggning")

    def verify_token(self, token) -> bool:
        return bool(
            settings.DEMO_MODE and not settings.PRODUCTION and str(token) == self.DEMO_TOKEN
        )
