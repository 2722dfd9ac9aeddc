"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Make ``src`` importable and configure Django (settings from the environment)."""
    src = str(PROJECT_DIR / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sambruk.settings")
    import django

    django.setup()


def best_rate(fn: Callable[[], int], *, repeat: int = 5) -> tuple[float, float]:
    """Run ``fn`` (returns the number of operations done) ``repeat`` times.

    Returns (best ops/s, median ops/s).
    """
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        ops = fn()
        elapsed = time.perf_counter() - start
        rates.append(ops / elapsed)
    rates.sort()
    return rates[-1], rates[len(rates) // 2]


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    """Print a plain-text table with right-aligned numbers."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}")
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    )
    print(line)
    for row in cells:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}".replace(",", " ") if value >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)
