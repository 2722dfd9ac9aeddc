"""DRF permission classes and view mixins that use restrict()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from .permissions import has_perm


class HasPermission(BasePermission):
    """Grant access when the user holds the view's ``required_permission`` somewhere.

    A view sets ``required_permission`` (str) or ``required_permissions`` (dict of DRF action
    or HTTP method → permission). Object visibility is handled by ``restrict()`` in
    ``get_queryset``, so a row of another organisation answers 404, not 403.
    """

    message = gettext_lazy("Du saknar behörighet för detta.")

    def has_permission(self, request, view) -> bool:
        perm = required_permission(view, request)
        if perm is None:
            return bool(request.user and request.user.is_authenticated)
        return has_perm(request.user, perm)


def required_permission(view, request) -> str | None:
    perms = getattr(view, "required_permissions", None)
    if perms:
        action = getattr(view, "action", None)
        return perms.get(action) or perms.get(request.method) or perms.get("default")
    return getattr(view, "required_permission", None)


class RestrictedQuerysetMixin:
    """For DRF views and Django class-based views: queryset filtered by restrict()."""

    queryset = None
    required_permission: str | None = None

    def get_queryset(self):
        qs = super().get_queryset()
        perm = required_permission(self, self.request) or self.required_permission
        return qs.restrict(self.request.user, perm)
