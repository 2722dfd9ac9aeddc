"""Reference numbers ``<prefix>yyyyMMdd-N``, N counting per organisation and day."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from .models import CaseSettings, ReferenceCounter


def next_reference(organisation, case_type=None, *, day=None) -> str:
    """Issue the next reference. Must run inside the caller's transaction.

    One statement: ``INSERT … ON CONFLICT (organisation, day) DO UPDATE SET last = last + 1
    RETURNING last`` (PostgreSQL and SQLite ≥ 3.35). The upsert locks the counter row until
    the caller's transaction ends, so concurrent creators in several processes never get the
    same N, and the first case of the day creates the row without a retry. The organisation's
    reference prefix is read in the same statement.
    """
    day = day or timezone.localdate()
    counters = ReferenceCounter._meta.db_table
    settings_table = CaseSettings._meta.db_table
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(counters)} (organisation_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (organisation_id, day) DO UPDATE SET last = {qn(counters)}.last + 1 "
        f"RETURNING last, (SELECT s.reference_prefix FROM {qn(settings_table)} s "
        f"WHERE s.organisation_id = %s ORDER BY s.id LIMIT 1)"
    )
    org_id = getattr(organisation, "pk", organisation)
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id, connection.ops.adapt_datefield_value(day), org_id])
        last, org_prefix = cursor.fetchone()
    prefix = getattr(case_type, "reference_prefix", "") or org_prefix or ""
    return f"{prefix}{day:%Y%m%d}-{last}"
