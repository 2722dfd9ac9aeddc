"""Statistik: the engine's statistics (``sambruk.cases.statistics``) as tables, SVG bar
charts and CSV/XLSX export. Without that module the page does not exist (404)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from sambruk.cases.errors import CaseActionError
from sambruk.cases.models import CaseType, Queue

from .. import optional
from ..charts import chart_for
from ..forms import DateInput
from .common import WorkspaceMixin

VIEW_STATISTICS = "cases.view_statistics"


class StatisticsForm(forms.Form):
    period_from = forms.DateField(label=_("Från och med"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("Till och med"), required=False, widget=DateInput())
    queue = forms.ModelChoiceField(
        queryset=Queue.objects.none(), label=_("Funktion"), required=False
    )
    case_type = forms.ModelChoiceField(
        queryset=CaseType.objects.none(), label=_("Ärendetyp"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = Queue.objects.restrict(user, "cases.view_queue")
        self.fields["case_type"].queryset = CaseType.objects.restrict(user, "cases.view_casetype")


def _module():
    module = optional.statistics()
    if module is None:
        raise Http404
    return module


def _compute(module, request):
    form = StatisticsForm(request.GET or None, user=request.user)
    stats = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        try:
            stats = module.compute(request.user, **{k: v for k, v in data.items() if v})
        except CaseActionError as error:
            form.add_error(None, error.message)
    return form, stats


class StatisticsView(WorkspaceMixin, View):
    required_permission = VIEW_STATISTICS

    def get(self, request):
        form, stats = _compute(_module(), request)
        tables = [(t, chart_for(t)) for t in stats.tables] if stats else []
        context = {"form": form, "stats": stats, "tables": tables, "query": request.GET.urlencode()}
        return render(request, "workspace/statistics.html", context, status=200 if stats else 400)


class StatisticsExportView(WorkspaceMixin, View):
    required_permission = VIEW_STATISTICS

    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        module = _module()
        form, stats = _compute(module, request)
        if stats is None:
            return HttpResponse(" ".join(form.non_field_errors()) or "", status=400)
        stamp = f"{stats.period_from:%Y%m%d}-{stats.period_to:%Y%m%d}"
        if fmt == "csv":
            body, ctype = module.to_csv(stats), "text/csv; charset=utf-8"
        else:
            body = module.to_xlsx(stats)
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="arendestatistik-{stamp}.{fmt}"'
        return response
