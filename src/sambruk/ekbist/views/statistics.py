"""Statistik: monthly figures as Socialstyrelsen collects them, with server-side SVG charts,
data tables and CSV; and the page where the caseworker sets an application's försörjningshinder
and avslutsorsak. Verified staff only (``ekbist.view_statistics`` / ``ekbist.change_application``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sambruk.core.authz.permissions import permitted_organisation_ids
from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.core.organisations.models import Organisation
from sambruk.ekbist.codes import Avslutsorsak
from sambruk.ekbist.models import Application
from sambruk.ekbist.roles import CHANGE_APPLICATION, VIEW_STATISTICS
from sambruk.ekbist.services.statistics import (
    StatisticsError,
    add_months,
    avslut_label,
    compute,
    do_set_avslutsorsak,
    do_set_forsorjningshinder,
    hinder_field,
    hinder_label,
    hushallstyp_label,
    statistics_csv,
)

CHART_WIDTH = 640
CHART_HEIGHT = 200
LABEL_SPACE = 28


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MonthField(forms.DateField):
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    widget = MonthInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": gettext_lazy("Ange en månad (ÅÅÅÅ-MM).")})
        super().__init__(**kwargs)


class StatisticsForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=gettext_lazy("Kommun"),
        required=False,
        empty_label=gettext_lazy("Alla mina kommuner"),
    )
    first = MonthField(label=gettext_lazy("Från och med månad"), required=False)
    last = MonthField(label=gettext_lazy("Till och med månad"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = permitted_organisation_ids(user, VIEW_STATISTICS)
        queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].queryset = (
            queryset if ids == "all" or not isinstance(ids, set) else queryset.filter(pk__in=ids)
        )

    def chosen(self) -> dict:
        data = self.cleaned_data if self.is_bound else {}
        this_month = timezone.localdate().replace(day=1)
        last = data.get("last") or this_month
        first = data.get("first") or add_months(last, -11)
        return {"first": first, "last": last, "organisation": data.get("organisation")}


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: int
    label_x: int


@dataclass
class Chart:
    key: str
    title: str
    unit: str
    bars: list
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT + LABEL_SPACE
    baseline: int = CHART_HEIGHT


def bar_chart(key: str, title: str, unit: str, points: list[tuple[str, int]]) -> Chart:
    """Vertical bars (one per month) scaled to the largest value; labels under the bars."""
    top = max((v for _label, v in points), default=0) or 1
    slot = CHART_WIDTH // max(len(points), 1)
    width = max(slot - 6, 4)
    bars = []
    for n, (label, value) in enumerate(points):
        height = round(value / top * (CHART_HEIGHT - 16)) if value else 0
        x = n * slot + 3
        bars.append(
            Bar(
                x=x,
                y=CHART_HEIGHT - height,
                width=width,
                height=height,
                label=label,
                value=value,
                label_x=x + width // 2,
            )
        )
    return Chart(key=key, title=title, unit=unit, bars=bars)


def _compute(request):
    form = StatisticsForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    try:
        return form, compute(request.user, **form.chosen())
    except StatisticsError as error:
        form.add_error(None, error.message)
        return form, None


class StatisticsView(PermissionRequiredMixin, View):
    required_permission = VIEW_STATISTICS

    def get(self, request):
        form, stats = _compute(request)
        context = {"form": form, "stats": stats, "query": request.GET.urlencode()}
        if stats is not None:
            labels = [f"{row.month:%Y-%m}" for row in stats.months]
            context["charts"] = [
                bar_chart(
                    "households",
                    _("Biståndshushåll per månad"),
                    _("hushåll"),
                    list(zip(labels, [r.households for r in stats.months], strict=True)),
                ),
                bar_chart(
                    "paid",
                    _("Utbetalt ekonomiskt bistånd per månad, kr"),
                    _("kr"),
                    list(zip(labels, [r.paid for r in stats.months], strict=True)),
                ),
            ]
            hinder = stats.hinder_codes()
            avslut = stats.avslut_codes()
            kinds = stats.hushallstyp_codes()
            context["hinder"] = [(c, hinder_label(c)) for c in hinder]
            context["kinds"] = [(c, hushallstyp_label(c)) for c in kinds]
            context["kind_rows"] = [
                (f"{r.month:%Y-%m}", [r.hushallstyp.get(c, 0) for c in kinds]) for r in stats.months
            ]
            context["avslut"] = [(c, avslut_label(c)) for c in avslut]
            context["hinder_rows"] = [
                (f"{r.month:%Y-%m}", r.adults, [r.hinder.get(c, 0) for c in hinder])
                for r in stats.months
            ]
            context["avslut_rows"] = [
                (f"{r.month:%Y-%m}", [r.avslut.get(c, 0) for c in avslut]) for r in stats.months
            ]
            totals = stats.totals
            context["totals"] = totals
            context["hinder_totals"] = [totals.hinder.get(c, 0) for c in hinder]
            context["kind_totals"] = [totals.hushallstyp.get(c, 0) for c in kinds]
            context["avslut_totals"] = [totals.avslut.get(c, 0) for c in avslut]
        return render(
            request,
            "ekbist/statistics/monthly.html",
            context,
            status=200 if stats is not None else 400,
        )


class StatisticsExportView(PermissionRequiredMixin, View):
    required_permission = VIEW_STATISTICS

    def get(self, request):
        form, stats = _compute(request)
        if stats is None:
            errors = [str(e) for e in form.non_field_errors()] + [
                str(e) for field in form for e in field.errors
            ]
            return HttpResponse(
                " ".join(errors) or _("Ogiltigt urval."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        body = statistics_csv(
            request.user,
            stats,
            organisation=form.chosen()["organisation"] if form.is_bound else None,
        )
        name = f"ekonomiskt-bistand-{stats.first:%Y%m}-{stats.last:%Y%m}.csv"
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CodesForm(forms.Form):
    """One försörjningshinder per adult of the household (sökande, medsökande) and the
    avslutsorsak."""

    avslutsorsak = forms.ChoiceField(
        label=gettext_lazy("Avslutsorsak"),
        choices=[("", gettext_lazy("Biståndet har inte avslutats"))] + list(Avslutsorsak.choices),
        required=False,
        help_text=gettext_lazy("Anges när biståndet upphör."),
    )

    def __init__(self, *args, application, **kwargs):
        from sambruk.ekbist.views.decision import hinder_choice_field

        super().__init__(*args, **kwargs)
        self.adult_roles = application.adult_roles()
        avslut = self.fields.pop("avslutsorsak")
        for role in self.adult_roles:
            self.fields[hinder_field(role)] = hinder_choice_field(
                role, initial=application.forsorjningshinder_of(role)
            )
        self.fields["avslutsorsak"] = avslut

    def hinder_codes(self) -> dict[str, str]:
        return {role: self.cleaned_data.get(hinder_field(role), "") for role in self.adult_roles}


class ApplicationCodesView(PermissionRequiredMixin, View):
    """Set the application's försörjningshinder and avslutsorsak (Socialstyrelsen's codes)."""

    required_permission = CHANGE_APPLICATION

    def _application(self, request, pk) -> Application:
        app = (
            Application.objects.restrict(request.user, CHANGE_APPLICATION)
            .select_related("organisation")
            .filter(pk=pk)
            .first()
        )
        if app is None:
            raise Http404
        return app

    def _render(self, request, application, form, status=200):
        back = reverse("ekbist:decide", args=[application.pk])
        return render(
            request,
            "ekbist/statistics/codes.html",
            {"application": application, "form": form, "back": back},
            status=status,
        )

    def get(self, request, pk):
        application = self._application(request, pk)
        form = CodesForm(
            application=application, initial={"avslutsorsak": application.avslutsorsak}
        )
        return self._render(request, application, form)

    def post(self, request, pk):
        application = self._application(request, pk)
        form = CodesForm(request.POST, application=application)
        if not form.is_valid():
            return self._render(request, application, form, status=400)
        try:
            with transaction.atomic():  # both codes or neither
                application = do_set_forsorjningshinder(
                    application, actor=request.user, codes=form.hinder_codes()
                )
                do_set_avslutsorsak(
                    application, actor=request.user, code=form.cleaned_data["avslutsorsak"]
                )
        except StatisticsError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self._render(request, application, form, status=400)
        messages.success(request, _("Uppgifterna för statistiken är sparade."))
        return redirect("ekbist:application_codes", pk=application.pk)
