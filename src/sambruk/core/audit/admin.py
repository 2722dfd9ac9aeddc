from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the application offers no way to edit or delete audit events."""

    list_display = [
        "at",
        "actor_label",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "purpose",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "person_civic_number"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
