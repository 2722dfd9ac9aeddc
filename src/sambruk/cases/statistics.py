"""Statistics over cases (ärendestatistik): backlog and ageing, inflow/outflow, time to close,
resolutions — and CSV/XLSX export.

Every figure starts from ``Case.objects.visible_to(user, "cases.view_statistics")`` (so a
user's statistics cover their own organisations, and restricted cases only where they may see
them) and excludes drafts and removed cases. Counting is done in SQL (``GROUP BY``); only the
median/p90 of closing times is computed in Python on SQLite, over a ``values_list`` of the two
timestamps (PostgreSQL computes them with ``percentile_cont``).

* **Backlog** is a snapshot at ``now``: open and on-hold cases per queue and per case type,
  by age in whole days since creation (0–7, 8–30, 31–90, över 90), and how many are overdue
  (due date before today).
* **Period figures** (``period_from``…``period_to``, dates inclusive, default the last 12
  weeks): inflow (created) and outflow (closed) per ISO week, time to close per case type for
  cases closed in the period, resolutions (utfall) of those cases.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import CaseActionError
from .models import Case, CaseState
from .roles import VIEW_STATISTICS

DEFAULT_WEEKS = 12
#: (label, first day, last day or None)
AGE_BUCKETS = (("0–7", 0, 7), ("8–30", 8, 30), ("31–90", 31, 90), (">90", 91, None))


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Statistics:
    period_from: datetime.date
    period_to: datetime.date
    filters: dict
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


class Percentile(Aggregate):
    """PostgreSQL ``percentile_cont(p) WITHIN GROUP (ORDER BY expr)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile(values, fraction: float):
    """Linear interpolation between closest ranks — the same as ``percentile_cont``."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _date(value, name):
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise CaseActionError(
            _("Ogiltigt datum för %(name)s (ÅÅÅÅ-MM-DD).") % {"name": name}, code="invalid_period"
        ) from None


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _pk(value):
    return getattr(value, "pk", value)


def cases_for(user, *, orgunit=None, queue=None, case_type=None):
    """The cases the statistics count: visible with the permission, filtered, no drafts."""
    cases = Case.objects.visible_to(user, VIEW_STATISTICS).filter(is_draft=False, removed=False)
    if orgunit is not None:
        from sambruk.core.organisations.models import OrgUnit

        unit = orgunit if isinstance(orgunit, OrgUnit) else OrgUnit.objects.get(pk=orgunit)
        cases = cases.filter(queue__orgunit_id__in=unit.subtree_ids())
    if queue is not None:
        cases = cases.filter(queue_id=_pk(queue))
    if case_type is not None:
        cases = cases.filter(case_type_id=_pk(case_type))
    return cases


def _days(delta) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 86400, 1)


def backlog(cases, group: str, title: str, key: str, now=None) -> Table:
    """Open and on-hold cases per ``group`` (``"queue"`` or ``"case_type"``) by age bucket."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    counts = {"total": Count("pk"), "overdue": Count("pk", filter=Q(due_date__lt=today))}
    for i, (_label, first, last) in enumerate(AGE_BUCKETS):
        condition = Q()
        if last is not None:  # created on or after the morning ``last`` days ago
            condition &= Q(created_at__gte=_midnight(today - datetime.timedelta(days=last)))
        if first > 0:
            condition &= Q(created_at__lt=_midnight(today - datetime.timedelta(days=first - 1)))
        counts[f"b{i}"] = Count("pk", filter=condition)
    rows = (
        cases.filter(state__in=[CaseState.OPEN, CaseState.ON_HOLD])
        .values(f"{group}_id", f"{group}__name")
        .annotate(**counts)
        .order_by(f"{group}__name", f"{group}_id")
    )
    columns = (
        [title, _("Öppna")]
        + [_("%(label)s dagar") % {"label": b[0]} for b in AGE_BUCKETS]
        + [_("Försenade")]
    )
    table = Table(key, _("Balans per %(group)s") % {"group": title.lower()}, columns)
    for row in rows:
        buckets = [row[f"b{i}"] for i in range(len(AGE_BUCKETS))]
        table.rows.append([row[f"{group}__name"], row["total"], *buckets, row["overdue"]])
    return table


def _week_label(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def flow(cases, start, end) -> Table:
    """Created and closed cases per ISO week of the period (weeks without cases included)."""
    created = (
        cases.filter(created_at__gte=start, created_at__lt=end)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    closed = (
        cases.filter(closed_at__gte=start, closed_at__lt=end)
        .annotate(week=TruncWeek("closed_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def by_week(rows):
        return {_week_label(_as_date(r["week"])): r["n"] for r in rows}

    inflow, outflow = by_week(created), by_week(closed)
    table = Table(
        "flow", _("Inflöde och utflöde per vecka"), [_("Vecka"), _("Inkomna"), _("Avslutade")]
    )
    day = timezone.localtime(start).date()
    last = timezone.localtime(end).date() - datetime.timedelta(days=1)
    day -= datetime.timedelta(days=day.weekday())
    while day <= last:
        label = _week_label(day)
        table.rows.append([label, inflow.get(label, 0), outflow.get(label, 0)])
        day += datetime.timedelta(days=7)
    return table


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):  # some SQLite drivers return text
        return datetime.date.fromisoformat(value[:10])
    return value


def time_to_close(cases, start, end) -> Table:
    """Median and p90 of (closed_at − created_at) per case type, in days."""
    closed = cases.filter(closed_at__gte=start, closed_at__lt=end)
    table = Table(
        "time_to_close",
        _("Handläggningstid per ärendetyp (dagar)"),
        [_("Ärendetyp"), _("Avslutade"), _("Median"), _("90:e percentilen")],
    )
    if connection.vendor == "postgresql":
        duration = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
        rows = (
            closed.values("case_type_id", "case_type__name")
            .annotate(
                n=Count("pk"),
                median=Percentile(duration, 0.5, output_field=DurationField()),
                p90=Percentile(duration, 0.9, output_field=DurationField()),
            )
            .order_by("case_type__name", "case_type_id")
        )
        for row in rows:
            table.rows.append(
                [row["case_type__name"], row["n"], _days(row["median"]), _days(row["p90"])]
            )
        return table
    durations: dict[tuple, list] = {}
    for type_id, name, created, closed_at in closed.values_list(
        "case_type_id", "case_type__name", "created_at", "closed_at"
    ):
        durations.setdefault((name, type_id), []).append(closed_at - created)
    for (name, _type_id), values in sorted(durations.items()):
        table.rows.append(
            [name, len(values), _days(percentile(values, 0.5)), _days(percentile(values, 0.9))]
        )
    return table


def resolutions(cases, start, end) -> Table:
    """Resolution (utfall) of the cases closed in the period, per case type."""
    rows = (
        cases.filter(closed_at__gte=start, closed_at__lt=end)
        .values("case_type__name", "resolution__name")
        .annotate(n=Count("pk"))
        .order_by("case_type__name", "resolution__name")
    )
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["case_type__name"]] = totals.get(row["case_type__name"], 0) + row["n"]
    table = Table(
        "resolutions",
        _("Utfall"),
        [_("Ärendetyp"), _("Utfall"), _("Antal"), _("Andel (%)")],
    )
    for row in rows:
        share = round(100 * row["n"] / totals[row["case_type__name"]], 1)
        name = row["resolution__name"] or _("Inget utfall")
        table.rows.append([row["case_type__name"], name, row["n"], share])
    return table


def compute(
    user,
    *,
    period_from=None,
    period_to=None,
    orgunit=None,
    queue=None,
    case_type=None,
    now=None,
) -> Statistics:
    """All tables for ``user`` with the given filters (see the module docstring)."""
    now = now or timezone.now()
    period_to = _date(period_to, _("periodens slut")) or timezone.localtime(now).date()
    period_from = _date(period_from, _("periodens början")) or (
        period_to - datetime.timedelta(weeks=DEFAULT_WEEKS) + datetime.timedelta(days=1)
    )
    if period_from > period_to:
        raise CaseActionError(
            _("Periodens början måste vara före dess slut."), code="invalid_period"
        )
    if (period_to - period_from).days > 3660:
        raise CaseActionError(_("Perioden får vara högst tio år."), code="invalid_period")
    cases = cases_for(user, orgunit=orgunit, queue=queue, case_type=case_type)
    start, end = _midnight(period_from), _midnight(period_to + datetime.timedelta(days=1))
    stats = Statistics(
        period_from,
        period_to,
        {"orgunit": _pk(orgunit), "queue": _pk(queue), "case_type": _pk(case_type)},
    )
    stats.tables = [
        backlog(cases, "queue", _("Funktion"), "backlog_queue", now),
        backlog(cases, "case_type", _("Ärendetyp"), "backlog_case_type", now),
        flow(cases, start, end),
        time_to_close(cases, start, end),
        resolutions(cases, start, end),
    ]
    return stats


# --- export --------------------------------------------------------------------------------


def _csv_value(value):
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")  # Swedish decimal comma, as Excel expects
    return "" if value is None else value


def to_csv(stats: Statistics, table: str | None = None) -> bytes:
    """Semicolon-separated UTF-8 with BOM (opens correctly in a Swedish Excel).

    One table by ``table`` key; without it every table, each under its title row and
    separated by an empty line.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    tables = [stats.table(table)] if table else stats.tables
    for i, t in enumerate(tables):
        if table is None:
            if i:
                writer.writerow([])
            writer.writerow([t.title])
        writer.writerow(t.columns)
        writer.writerows([_csv_value(v) for v in row] for row in t.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set) -> str:
    clean = "".join("-" if c in "[]:*?/\\" else c for c in title)[:31]
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


def to_xlsx(stats: Statistics) -> bytes:
    """An XLSX workbook: a sheet with the selection, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    info = workbook.active
    info.title = _("Urval")
    info.append([_("Period från"), stats.period_from.isoformat()])
    info.append([_("Period till"), stats.period_to.isoformat()])
    for key, value in stats.filters.items():
        info.append([key, "" if value is None else value])
    used = {info.title}
    for t in stats.tables:
        sheet = workbook.create_sheet(_sheet_title(t.title, used))
        sheet.append(t.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in t.rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
