"""Keyset pagination on ``(created_at, pk)``: no OFFSET, so page N costs what page 1 costs.

The cursor is the last row of the previous page, ``<iso timestamp>_<pk>``; it is opaque to
users and an invalid cursor simply gives the first page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

PAGE_SIZE = 50


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    is_first: bool


def encode(row) -> str:
    return f"{row.created_at.isoformat()}_{row.pk}"


def decode(cursor: str | None):
    if not cursor:
        return None
    stamp, _sep, pk = cursor.rpartition("_")
    try:
        return datetime.datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None


def keyset_page(queryset, cursor: str | None, *, size: int | None = None, descending=False) -> Page:
    """One page of ``queryset`` ordered by ``created_at, pk`` (or descending)."""
    size = size or PAGE_SIZE
    position = decode(cursor)
    if descending:
        queryset = queryset.order_by("-created_at", "-pk")
    else:
        queryset = queryset.order_by("created_at", "pk")
    if position is not None:
        at, pk = position
        if descending:
            queryset = queryset.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
        else:
            queryset = queryset.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows, next_cursor=encode(rows[-1]) if more else None, is_first=position is None
    )
