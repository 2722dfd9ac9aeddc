"""Read-only admin for the outbox, with a "Försök igen" action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sambruk.core.authz.admin import RestrictedReadOnlyAdmin
from sambruk.core.authz.permissions import has_perm

from . import services
from .models import OutboxMessage

VIEW_PERM = "notifications.view_outboxmessage"
RETRY_PERM = "notifications.retry_outboxmessage"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RestrictedReadOnlyAdmin):
    # Content is never edited by hand: messages are written by services.queue_email.
    view_permission = VIEW_PERM
    retry_permission = RETRY_PERM
    list_display = (
        "subject",
        "recipients",
        "organisation",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("status",)
    search_fields = ("subject", "message_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_select_related = ("organisation",)
    actions = ["retry_messages"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    fields = readonly_fields

    @admin.display(description=_("mottagare"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.action(description=_("Försök igen"), permissions=["retry"])
    def retry_messages(self, request, queryset):
        retried = skipped = 0
        for message in queryset:
            if message.can_retry and has_perm(request.user, RETRY_PERM, message.organisation_id):
                services.retry(message, actor=request.user)
                retried += 1
            else:
                skipped += 1
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d meddelande har lagts i kön igen.",
                    "%(count)d meddelanden har lagts i kön igen.",
                    retried,
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d meddelande kunde inte skickas om.",
                    "%(count)d meddelanden kunde inte skickas om.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
