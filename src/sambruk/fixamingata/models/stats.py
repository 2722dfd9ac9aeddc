"""Pre-aggregated daily statistics (public figures; no personal data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyStats(models.Model):
    """Per kommun, category and day of creation: counts that the statistics pages sum.

    ``fix_seconds_sum / fix_count`` is the mean time to fix of the reports created that day
    that are fixed (medians are computed from reports directly for one kommun). Rebuilt for
    recent days by a periodic task (``stats.rebuild_daily_stats``). Public: not tenant data.
    """

    kommun = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "fixamingata.Category", on_delete=models.CASCADE, related_name="daily_stats"
    )
    day = models.DateField()
    reports = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    unconfirmed = models.PositiveIntegerField(default=0)
    fixed = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    fix_seconds_sum = models.BigIntegerField(default=0)
    fix_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        verbose_name = _("daglig statistik")
        verbose_name_plural = _("daglig statistik")
        constraints = [
            models.UniqueConstraint(
                fields=["kommun", "category", "day"], name="fmg_dailystats_unique"
            )
        ]
        indexes = [models.Index(fields=["day", "kommun"], name="fmg_dailystats_day_idx")]

    def __str__(self) -> str:
        return f"{self.kommun_id} {self.category_id} {self.day}"
