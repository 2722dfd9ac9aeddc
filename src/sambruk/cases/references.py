"""Reference numbers ``<prefix>yyyyMMdd-N``, N counting per organisation and day."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CaseSettings, ReferenceCounter


def next_reference(organisation, case_type=None, *, day=None) -> str:
    """Issue the next reference. Must run inside the caller's transaction.

    The counter row is locked with ``select_for_update`` so concurrent creators in several
    processes never get the same N; the first case of the day creates the row (a concurrent
    creator losing that race retries on the unique constraint).
    """
    day = day or timezone.localdate()
    counter = (
        ReferenceCounter.objects.select_for_update()
        .filter(organisation=organisation, day=day)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                counter = ReferenceCounter.objects.create(
                    organisation=organisation, day=day, last=0
                )
        except IntegrityError:
            counter = ReferenceCounter.objects.select_for_update().get(
                organisation=organisation, day=day
            )
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = getattr(case_type, "reference_prefix", "") or _organisation_prefix(organisation)
    return f"{prefix}{day:%Y%m%d}-{counter.last}"


def _organisation_prefix(organisation) -> str:
    settings_row = (
        CaseSettings.objects.filter(organisation=organisation).only("reference_prefix").first()
    )
    return settings_row.reference_prefix if settings_row else ""
