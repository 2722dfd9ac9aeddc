"""FixaMinGata statistics: pre-aggregated per kommun, category and day (:class:`DailyStats`).

Aggregation (chosen to be exact and cheap): a DailyStats row is a pure function of the
reports created in one kommun on one day. :func:`rebuild_daily_stats` recomputes

* with ``since``: only the (kommun, day) groups that hold a report changed since then
  (found through the ``updated_at`` index) — run hourly with a 90-minute window, so a state
  change shows in the public figures within an hour;
* without: everything (weekly, and after bulk loads; also the only way deletions by
  gallring leave the figures).

Queries read DailyStats only, except the *median* time to fix (a median cannot be summed),
which is computed from the fixed reports of the period (index ``kommun, state, created_at``;
nationally a scan of the period's fixed reports, cached). Figures:

* reports = submitted, including unconfirmed; ``share_unconfirmed`` = unconfirmed / reports
  (the figure FixaMinGata reports to its members);
* ``share_fixed`` = fixed / confirmed;
* time to fix = ``fixed_at − confirmed_at`` of reports in state fixed.

Days are local (Europe/Stockholm) calendar days of ``created_at``.
"""

from __future__ import annotations

import csv
import io
import statistics as pystats
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from .models import CLOSED_STATES, FIXED_STATES, DailyStats, Report, ReportState

INCREMENTAL_WINDOW = timedelta(minutes=90)
#: "Responsive kommuner" need at least this many fixed reports in the period (FMS: 5).
RESPONSIVE_MIN_FIXED = 5
CACHE_SECONDS = 600
MEDIAN_SQL = (
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "
    "r.fixed_at - r.confirmed_at)) FROM fixamingata_report r WHERE r.id IN "
)


# --- aggregation ----------------------------------------------------------------------
def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


def _aggregate(reports) -> dict[tuple[int, int, date], dict]:
    """Counts per (kommun, category, local day) of the given reports."""
    out: dict[tuple[int, int, date], dict] = {}
    rows = reports.values_list(
        "kommun_id", "category_id", "created_at", "state", "confirmed_at", "fixed_at"
    )
    fixed, closed = set(FIXED_STATES), set(CLOSED_STATES)
    for kommun_id, category_id, created, state, confirmed_at, fixed_at in rows.iterator(
        chunk_size=5000
    ):
        key = (kommun_id, category_id, timezone.localdate(created))
        row = out.get(key)
        if row is None:
            row = out[key] = dict.fromkeys(
                ("reports", "confirmed", "unconfirmed", "fixed", "closed", "fix_count"), 0
            )
            row["fix_seconds_sum"] = 0
        row["reports"] += 1
        if state == ReportState.UNCONFIRMED:
            row["unconfirmed"] += 1
            continue
        row["confirmed"] += 1
        if state in fixed:
            row["fixed"] += 1
            if fixed_at and confirmed_at:
                row["fix_seconds_sum"] += max(0, int((fixed_at - confirmed_at).total_seconds()))
                row["fix_count"] += 1
        elif state in closed:
            row["closed"] += 1
    return out


def _write(groups: dict, delete_filter: Q) -> int:
    with transaction.atomic():
        DailyStats.objects.filter(delete_filter).delete()
        DailyStats.objects.bulk_create(
            [
                DailyStats(kommun_id=k, category_id=c, day=d, **values)
                for (k, c, d), values in groups.items()
            ],
            batch_size=2000,
        )
    return len(groups)


def rebuild_daily_stats(*, since: datetime | None = None) -> int:
    """Recompute DailyStats (everything, or the groups touched since ``since``); returns the
    number of rows written. Also invalidates the cached page figures."""
    if since is None:
        written = _write(_aggregate(Report.objects.all()), Q())
    else:
        touched = {
            (kommun_id, timezone.localdate(created))
            for kommun_id, created in Report.objects.filter(updated_at__gte=since).values_list(
                "kommun_id", "created_at"
            )
        }
        written = 0
        for kommun_id, day in sorted(touched):
            start, end = _day_bounds(day)
            reports = Report.objects.filter(
                kommun_id=kommun_id, created_at__gte=start, created_at__lt=end
            )
            written += _write(_aggregate(reports), Q(kommun_id=kommun_id, day=day))
    cache.delete_many([_VERSION_KEY])
    return written


# --- queries --------------------------------------------------------------------------
_VERSION_KEY = "fmg-stats-version"


def _cached(key: str, fn):
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = timezone.now().timestamp()
        cache.set(_VERSION_KEY, version, None)
    full = f"fmg-stats:{version}:{key}"
    value = cache.get(full)
    if value is None:
        value = fn()
        cache.set(full, value, CACHE_SECONDS)
    return value


@dataclass
class Summary:
    reports: int = 0
    confirmed: int = 0
    unconfirmed: int = 0
    fixed: int = 0
    closed: int = 0
    fix_seconds_sum: int = 0
    fix_count: int = 0
    median_fix_days: float | None = None
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def share_fixed(self) -> float | None:
        return self.fixed / self.confirmed if self.confirmed else None

    @property
    def share_unconfirmed(self) -> float | None:
        return self.unconfirmed / self.reports if self.reports else None

    @property
    def open(self) -> int:
        return self.confirmed - self.fixed - self.closed

    @property
    def mean_fix_days(self) -> float | None:
        return self.fix_seconds_sum / self.fix_count / 86400 if self.fix_count else None


SUMS = ("reports", "confirmed", "unconfirmed", "fixed", "closed", "fix_seconds_sum", "fix_count")


def _stats(kommun=None, start: date | None = None, end: date | None = None):
    qs = DailyStats.objects.all()
    if kommun is not None:
        qs = qs.filter(kommun=kommun)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    return qs


def _sums(qs) -> dict:
    return {k: v or 0 for k, v in qs.aggregate(**{k: Sum(k) for k in SUMS}).items()}


def median_fix_days(kommun=None, start: date | None = None, end: date | None = None):
    """Median days from confirmation to fixed, of the fixed reports created in the period."""
    qs = Report.objects.filter(state__in=list(FIXED_STATES), fixed_at__isnull=False)
    qs = qs.filter(confirmed_at__isnull=False)
    if kommun is not None:
        qs = qs.filter(kommun=kommun)
    if start:
        qs = qs.filter(created_at__gte=_day_bounds(start)[0])
    if end:
        qs = qs.filter(created_at__lt=_day_bounds(end)[1])
    if connection.vendor == "postgresql":
        sql, params = qs.values("pk").query.sql_with_params()
        query = MEDIAN_SQL + f"({sql})"  # noqa: S608 (Django-generated SQL, params bound)
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            value = cursor.fetchone()[0]
        return float(value) / 86400 if value is not None else None
    durations = [
        (f - c).total_seconds() for c, f in qs.values_list("confirmed_at", "fixed_at").iterator()
    ]
    return pystats.median(durations) / 86400 if durations else None


def summary(kommun=None, start: date | None = None, end: date | None = None) -> Summary:
    def compute():
        s = Summary(**_sums(_stats(kommun, start, end)))
        s.median_fix_days = median_fix_days(kommun, start, end)
        return s

    return _cached(f"summary:{getattr(kommun, 'pk', '-')}:{start}:{end}", compute)


def per_category(kommun=None, start: date | None = None, end: date | None = None):
    """Summaries per category name (nationally, categories of all kommuner with one name)."""

    def compute():
        rows = (
            _stats(kommun, start, end)
            .values(name=F("category__name"))
            .annotate(**{k: Sum(k) for k in SUMS})
            .order_by("-reports", "name")
        )
        return [Summary(label=r.pop("name"), **r) for r in rows]

    return _cached(f"cat:{getattr(kommun, 'pk', '-')}:{start}:{end}", compute)


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def trend(kommun=None, start: date | None = None, end: date | None = None, period="month"):
    """[(period start, Summary)] per week or month, oldest first, gaps filled with zeros."""

    def compute():
        rows = (
            _stats(kommun, start, end)
            .values("day")
            .annotate(**{k: Sum(k) for k in SUMS})
            .order_by("day")
        )
        buckets: dict[date, Summary] = {}
        for row in rows:
            key = period_start(row.pop("day"), period)
            s = buckets.setdefault(key, Summary())
            for k in SUMS:
                setattr(s, k, getattr(s, k) + (row[k] or 0))
        if not buckets:
            return []
        first, last = min(buckets), max(buckets)
        out, cur = [], first
        while cur <= last:
            out.append((cur, buckets.get(cur, Summary())))
            cur = cur + timedelta(days=7) if period == "week" else _next_month(cur)
        return out

    return _cached(f"trend:{getattr(kommun, 'pk', '-')}:{start}:{end}:{period}", compute)


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def per_kommun(start: date | None = None, end: date | None = None):
    """[(kommun id, kommun name, kommunkod, Summary)] for kommuner with reports."""

    def compute():
        rows = (
            _stats(None, start, end)
            .values("kommun_id", name=F("kommun__name"), code=F("kommun__kommunkod"))
            .annotate(**{k: Sum(k) for k in SUMS})
            .order_by("name")
        )
        return [(r.pop("kommun_id"), r.pop("name"), r.pop("code"), Summary(**r)) for r in rows]

    return _cached(f"kommuner:{start}:{end}", compute)


def responsive_kommuner(
    start: date | None = None, end: date | None = None, *, min_fixed=RESPONSIVE_MIN_FIXED, limit=10
):
    """Kommuner with the shortest mean time to fix, among those with ≥ ``min_fixed`` fixed
    reports in the period (so one quick fix does not top the list, FMS issue #1957)."""
    rows = [r for r in per_kommun(start, end) if r[3].fix_count >= min_fixed]
    rows.sort(key=lambda r: (r[3].mean_fix_days, -r[3].fix_count, r[1]))
    return rows[:limit]


def unconfirmed_count(kommun=None) -> int:
    return (
        Report.objects.filter(state=ReportState.UNCONFIRMED)
        .filter(**({"kommun": kommun} if kommun is not None else {}))
        .count()
    )


# --- CSV ------------------------------------------------------------------------------
CSV_HEADER = [
    "kommunkod",
    "kommun",
    "manad",
    "kategori",
    "rapporter",
    "bekraftade",
    "obekraftade",
    "atgardade",
    "stangda",
    "andel_atgardade",
    "andel_obekraftade",
    "medel_dagar_till_atgard",
]


def csv_rows(kommun=None, start: date | None = None, end: date | None = None):
    """One row per kommun, month and category (the public CSV export)."""
    qs = _stats(kommun, start, end).values(
        "day", code=F("kommun__kommunkod"), kname=F("kommun__name"), cat=F("category__name")
    )
    groups: dict[tuple, Summary] = {}
    for row in qs.annotate(**{k: Sum(k) for k in SUMS}).order_by("code", "day"):
        key = (row["code"], row["kname"], period_start(row["day"], "month"), row["cat"])
        s = groups.setdefault(key, Summary())
        for k in SUMS:
            setattr(s, k, getattr(s, k) + (row[k] or 0))
    for (code, kname, month, cat), s in sorted(groups.items(), key=lambda i: i[0][:4]):
        yield [
            code,
            kname,
            month.strftime("%Y-%m"),
            cat,
            s.reports,
            s.confirmed,
            s.unconfirmed,
            s.fixed,
            s.closed,
            _ratio(s.share_fixed),
            _ratio(s.share_unconfirmed),
            "" if s.mean_fix_days is None else f"{s.mean_fix_days:.1f}",
        ]


def _ratio(value) -> str:
    return "" if value is None else f"{value:.3f}"


def csv_text(kommun=None, start=None, end=None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(kommun, start, end))
    return buffer.getvalue()


# --- staff dashboard ------------------------------------------------------------------
def staff_breakdown(reports, days: int = 30, now=None):
    """Live counts for the staff dashboard: (rows per category × state, per state, total)
    of the given (already restricted) reports created in the last ``days`` days."""
    now = now or timezone.now()
    qs = reports.filter(created_at__gte=now - timedelta(days=days))
    by_cat_state = list(
        qs.values(name=F("category__name"), st=F("state"))
        .annotate(n=Count("pk"))
        .order_by("name", "st")
    )
    by_state = list(qs.values(st=F("state")).annotate(n=Count("pk")).order_by("-n", "st"))
    return by_cat_state, by_state, sum(r["n"] for r in by_state)
