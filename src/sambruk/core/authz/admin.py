"""Admin building blocks on the one authorisation mechanism."""

from __future__ import annotations

from django.contrib import admin

from .permissions import has_perm


class RestrictedReadOnlyAdmin(admin.ModelAdmin):
    """A read-only admin of rows written by services (outbox, inbound mail …): the list is
    ``restrict(user, view_permission)``; nothing is added, changed or deleted by hand; an
    action with ``permissions=["retry"]`` needs ``retry_permission``."""

    view_permission: str = ""
    retry_permission: str = ""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, self.view_permission)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return has_perm(request.user, self.view_permission, getattr(obj, "organisation_id", None))

    def has_module_permission(self, request):
        return has_perm(request.user, self.view_permission)

    def has_retry_permission(self, request):
        return bool(self.retry_permission) and has_perm(request.user, self.retry_permission)
