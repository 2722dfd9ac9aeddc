"""Conversations on a case (staff, the citizen, external e-mail participants) and attachments."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .log import CaseChildManager


def _reply_token() -> str:
    return secrets.token_urlsafe(16)


class Conversation(models.Model):
    """A thread on a case. ``internal`` conversations are between staff only."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="conversations")
    topic = models.CharField(_("ämne"), max_length=200)
    internal = models.BooleanField(_("intern"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The root Message-ID: every outbound e-mail of the thread refers to it (References).
    thread_id = models.CharField(max_length=255, blank=True, db_index=True)

    objects = CaseChildManager()
    tenant_field = "case__organisation"

    class Meta:
        ordering = ["case", "created_at"]
        verbose_name = _("konversation")
        verbose_name_plural = _("konversationer")

    def __str__(self) -> str:
        return self.topic


class ParticipantKind(models.TextChoices):
    STAFF = "staff", _("Personal")
    CITIZEN = "citizen", _("Invånare")
    EXTERNAL = "external", _("Extern e-post")


class ConversationParticipant(models.Model):
    """Who takes part. External participants reply by e-mail to ``reply_token``'s address."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=ParticipantKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("namn"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    reply_token = models.CharField(max_length=40, unique=True, default=_reply_token)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = CaseChildManager()
    tenant_field = "conversation__case__organisation"

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=models.Q(user__isnull=False),
                name="cases_participant_unique_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "email"],
                condition=models.Q(kind="external"),
                name="cases_participant_unique_email",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email or str(self.user or self.person)


class MessageChannel(models.TextChoices):
    WEB = "web", _("Handläggarvy")
    EMAIL = "email", _("E-post")
    PORTAL = "portal", _("Mina sidor")
    API = "api", _("API")


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        ConversationParticipant, on_delete=models.SET_NULL, null=True, related_name="messages"
    )
    body = models.TextField(_("meddelande"))
    channel = models.CharField(
        _("kanal"), max_length=10, choices=MessageChannel.choices, default=MessageChannel.WEB
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CaseChildManager()
    tenant_field = "conversation__case__organisation"

    class Meta:
        ordering = ["conversation", "created_at", "pk"]
        verbose_name = _("meddelande")
        verbose_name_plural = _("meddelanden")

    def __str__(self) -> str:
        return self.body[:60]


def attachment_path(instance, filename: str) -> str:
    return f"cases/{instance.case.organisation_id}/{instance.case_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file on a case (optionally on a message). The stored name is random; the original kept."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    visible_to_citizen = models.BooleanField(_("synlig för invånaren"), default=False)

    objects = CaseChildManager()
    tenant_field = "case__organisation"

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.original_name
