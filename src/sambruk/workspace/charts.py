"""Server-side SVG bar charts for the statistics page (no JavaScript, no inline styles)."""

from __future__ import annotations

from dataclasses import dataclass

#: table key → (label columns, value columns) to chart; default: first column, second column.
CHART_COLUMNS = {
    "flow": ((0,), (1, 2)),
    "time_to_close": ((0,), (2,)),
    "resolutions": ((0, 1), (2,)),
}
BAR_HEIGHT = 16
GAP = 6
LABEL_WIDTH = 220
BAR_WIDTH = 360
MAX_ROWS = 60


@dataclass
class Bar:
    y: int
    width: int
    value: object
    css: str


@dataclass
class ChartRow:
    label: str
    y: int
    bars: list


@dataclass
class Chart:
    title: str
    series: list
    rows: list
    height: int
    width: int = LABEL_WIDTH + BAR_WIDTH + 60
    label_width: int = LABEL_WIDTH


def _number(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def chart_for(table) -> Chart | None:
    """A horizontal bar chart of one table, or ``None`` when there is nothing to draw."""
    labels, values = CHART_COLUMNS.get(table.key, ((0,), (1,)))
    if not table.rows or max(values) >= len(table.columns):
        return None
    rows = table.rows[:MAX_ROWS]
    top = max((_number(row[i]) for row in rows for i in values), default=0) or 1
    group = len(values) * BAR_HEIGHT + GAP
    chart_rows = []
    for n, row in enumerate(rows):
        y = n * group
        label = " – ".join(str(row[i]) for i in labels)
        bars = [
            Bar(
                y=y + k * BAR_HEIGHT,
                width=max(1, round(_number(row[i]) / top * BAR_WIDTH)) if _number(row[i]) else 0,
                value=row[i] if row[i] is not None else "–",
                css="bar" if k == 0 else "bar-alt",
            )
            for k, i in enumerate(values)
        ]
        chart_rows.append(ChartRow(label=label[:40], y=y, bars=bars))
    return Chart(
        title=table.title,
        series=[(table.columns[i], "bar" if k == 0 else "bar-alt") for k, i in enumerate(values)],
        rows=chart_rows,
        height=len(rows) * group,
    )
