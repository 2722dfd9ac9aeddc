"""The caseworker's overview of an application (reached from the case in the workspace)."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from sambruk.core.authz.views import PermissionRequiredMixin

from ..models import Application, ApplicationState
from ..roles import VIEW_APPLICATION
from ..services.overview import application_overview


class ApplicationOverviewView(PermissionRequiredMixin, View):
    required_permission = VIEW_APPLICATION

    def dispatch(self, request, *args, **kwargs):
        # The page checks several permissions: read the memberships once (as the workspace).
        if getattr(request.user, "is_authenticated", False):
            prefetch_related_objects([request.user], "memberships__orgunit")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        application = get_object_or_404(
            self.restricted(Application.objects.select_related("case", "organisation")).exclude(
                state=ApplicationState.DRAFT
            ),
            pk=pk,
        )
        overview = application_overview(application, request.user)
        return render(
            request,
            "ekbist/overview/detail.html",
            {
                "application": application,
                "o": overview,
                "view": overview.view,
                "calculation": overview.calculation,
                "case_url": (
                    reverse("workspace:case", args=[application.case_id])
                    if application.case_id
                    else ""
                ),
                "multifraga_url": reverse("ekbist:multifraga", args=[application.pk]),
            },
        )
