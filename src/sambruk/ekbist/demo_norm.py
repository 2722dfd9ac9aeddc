"""Demo only: an *estimated* riksnorm for 2026 so the demo can calculate and decide this year.

The published 2026 figures available here are only the totals — 5,220 kr for a single adult and
8,510 kr for a couple, personal and common costs included (regeringen.se, "Riksnorm för 2026
fastställd"). ``data/riksnorm_estimated.csv`` spreads them over the table: the 2023 table scaled by
1.129 and rounded to tens, the adult amounts set so that the two published totals hold exactly.
The year is marked as estimated in its note; it is loaded only by ``load_demo`` (demo mode) and
only when the year is missing, so an administrator's real table is never overwritten. Production
installations enter Socialstyrelsen's table under Administration → Riksnorm per år.
"""

from __future__ import annotations

from pathlib import Path

from sambruk.core.demo import register_demo_loader

ESTIMATED_FILE = Path(__file__).parent / "data" / "riksnorm_estimated.csv"
ESTIMATE_NOTE = (
    "DEMO – uppskattad tabell: endast totalerna 5 220 kr (ensamstående) och 8 510 kr "
    "(sammanboende) är fastställda; övriga belopp är uppräknade från 2023. Ersätt med "
    "Socialstyrelsens fastställda tabell innan beslut fattas."
)


@register_demo_loader("ekbist-estimated-norm", order=41)
def load_estimated_norm(log) -> None:
    from sambruk.ekbist.models import NormYear
    from sambruk.ekbist.norm_data import load_riksnorm, parse_riksnorm

    missing = [
        y for y in parse_riksnorm(ESTIMATED_FILE) if not NormYear.objects.filter(year=y).exists()
    ]
    if not missing:
        return
    load_riksnorm(ESTIMATED_FILE)
    NormYear.objects.filter(year__in=missing).update(note=ESTIMATE_NOTE)
    log(f"Riksnorm: uppskattad demotabell för {', '.join(map(str, missing))}.")
