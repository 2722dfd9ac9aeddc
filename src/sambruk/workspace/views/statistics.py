"""Statistik: the engine's statistics (``sambruk.cases.statistics``) as tables and bars."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views import View

from .. import optional
from .common import WorkspaceMixin


class StatisticsView(WorkspaceMixin, View):
    def get(self, request):
        module = optional.statistics()
        if module is None:
            raise Http404
        return render(request, "workspace/statistics.html", {})
