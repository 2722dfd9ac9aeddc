"""Shadow cases (cases held in other systems, pushed through the Channel's integration API).

The Channel owns them; Mina sidor only reads them through
``sambruk.channel.queries.shadow_cases_for(civic_number)``, which returns objects with
``id``, ``system_name``, ``external_id``, ``organisation_name``, ``title``, ``status``, ``content`` ([{"key", "value"}]),
``log`` ([{"at", "message"}]), ``updated_at`` and ``closed``. Without the Channel (not
installed, or an older version without the query) there are simply no shadow cases.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def shadow_cases_for(civic_number: str) -> list:
    if not civic_number:
        return []
    try:
        from sambruk.channel.queries import shadow_cases_for as query
    except (ImportError, AttributeError):
        return []
    return list(query(civic_number))


def shadow_case(civic_number: str, pk: int):
    """One of the citizen's shadow cases (by its ``id``), or ``None`` (another person's or
    unknown)."""
    for item in shadow_cases_for(civic_number):
        if getattr(item, "id", None) == pk:
            return item
    return None
