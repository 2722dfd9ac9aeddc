"""Mixins for server-rendered views."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .permissions import has_perm


class PermissionRequiredMixin(AccessMixin):
    """Require a verified staff login and ``required_permission`` in some organisation."""

    required_permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not getattr(user, "is_verified", lambda: False)():
            # Password given but not the second factor yet: finish the log-in first.
            return redirect_to_login(request.get_full_path(), reverse("accounts:otp"))
        if self.required_permission and not has_perm(user, self.required_permission):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def restricted(self, queryset):
        return queryset.restrict(self.request.user, self.required_permission)
