"""Public statistics pages (national and per kommun), CSV export, and the staff dashboard.

Charts are SVG built on the server (no JavaScript, no inline styles: strict CSP). Figures come
from :mod:`..statistics` (pre-aggregated DailyStats, cached).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sambruk.core.authz.views import PermissionRequiredMixin
from sambruk.core.organisations.models import Organisation

from . import statistics as stats
from .models import Report, ReportState

PERIODS = {"30": 30, "90": 90, "365": 365, "730": 730}
DEFAULT_PERIOD = "365"


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: int
    fixed_height: int = 0
    fixed_y: int = 0


def bar_chart(points, *, width=640, height=180, pad=24) -> dict:
    """[(label, total, fixed)] → bar geometry for the SVG template (fixed drawn inside)."""
    points = list(points)
    if not points:
        return {"bars": [], "width": width, "height": height + pad, "max": 0}
    top = max(total for _l, total, _f in points) or 1
    step = max(1, (width - pad) // len(points))
    bars = []
    for i, (label, total, fixed) in enumerate(points):
        h = round(total / top * height)
        fh = round(fixed / top * height)
        bars.append(
            Bar(
                x=pad + i * step,
                y=height - h,
                width=max(1, step - 2),
                height=h,
                label=label,
                value=total,
                fixed_height=fh,
                fixed_y=height - fh,
            )
        )
    return {"bars": bars, "width": width, "height": height + pad, "max": top, "base": height}


def _period(request) -> tuple[str, date, date]:
    key = request.GET.get("period") or DEFAULT_PERIOD
    if key not in PERIODS:
        key = DEFAULT_PERIOD
    end = timezone.localdate()
    return key, end - timedelta(days=PERIODS[key] - 1), end


def _kommun(kommunkod: str) -> Organisation:
    kommun = Organisation.objects.filter(kommunkod=kommunkod).first()
    if kommun is None:
        raise Http404(_("Kommunen finns inte."))
    return kommun


def _context(request, kommun=None) -> dict:
    key, start, end = _period(request)
    granularity = "week" if PERIODS[key] <= 90 else "month"
    trend = stats.trend(kommun, start, end, granularity)
    fmt = "%Y-%m-%d" if granularity == "week" else "%Y-%m"
    return {
        "kommun": kommun,
        "period": key,
        "periods": [(k, _("%(n)s dagar") % {"n": v}) for k, v in PERIODS.items()],
        "start": start,
        "end": end,
        "granularity": granularity,
        "summary": stats.summary(kommun, start, end),
        "categories": stats.per_category(kommun, start, end),
        "trend": trend,
        "chart": bar_chart((d.strftime(fmt), s.reports, s.fixed) for d, s in trend),
    }


def national(request):
    ctx = _context(request)
    _key, start, end = _period(request)
    ctx["kommuner"] = stats.per_kommun(start, end)
    ctx["responsive"] = stats.responsive_kommuner(start, end)
    ctx["min_fixed"] = stats.RESPONSIVE_MIN_FIXED
    return render(request, "fixamingata/stats/national.html", ctx)


def kommun_page(request, kommunkod: str):
    kommun = _kommun(kommunkod)
    return render(request, "fixamingata/stats/kommun.html", _context(request, kommun))


def csv_export(request, kommunkod: str | None = None):
    kommun = _kommun(kommunkod) if kommunkod else None
    _key, start, end = _period(request)
    response = HttpResponse(
        stats.csv_text(kommun, start, end), content_type="text/csv; charset=utf-8"
    )
    name = f"fixamingata-statistik-{kommunkod or 'sverige'}-{start}-{end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class StaffDashboardView(PermissionRequiredMixin, TemplateView):
    """Last 30 days of the user's organisation(s): per category × state, live counts."""

    required_permission = "fixamingata.view_report"
    template_name = "fixamingata/stats/staff.html"
    days = 30

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        reports = Report.objects.restrict(self.request.user, self.required_permission)
        by_cat_state, by_state, total = stats.staff_breakdown(reports, self.days)
        states = [s for s in ReportState.values if any(r["st"] == s for r in by_state)]
        table: dict[str, dict] = {}
        for row in by_cat_state:
            table.setdefault(row["name"], {})[row["st"]] = row["n"]
        ctx.update(
            days=self.days,
            total=total,
            states=[(s, ReportState(s).label) for s in states],
            rows=[
                (name, [cells.get(s, 0) for s in states], sum(cells.values()))
                for name, cells in sorted(table.items())
            ],
            chart=bar_chart((ReportState(r["st"]).label, r["n"], 0) for r in by_state),
            unsent=reports.filter(send_state__in=["unsent", "failed"], send_attempts__gt=0)
            .exclude(send_last_error="")
            .count(),
        )
        return ctx
