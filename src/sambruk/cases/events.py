"""Subscribers to case domain events, called after commit.

Other modules react to cases here instead of importing the case engine's internals::

    from sambruk.cases.events import subscribe

    @subscribe
    def on_case_event(event):  # a stored CaseEvent
        ...

Subscribers run after the transaction commits; an exception in one is logged and does not
affect the others (the event row stays stored for feeds and retries).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_SUBSCRIBERS: list[Callable] = []


def subscribe(fn: Callable) -> Callable:
    if fn not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(fn)
    return fn


def unsubscribe(fn: Callable) -> None:
    if fn in _SUBSCRIBERS:
        _SUBSCRIBERS.remove(fn)


def dispatch(event) -> None:
    for fn in list(_SUBSCRIBERS):
        try:
            fn(event)
        except Exception:  # noqa: BLE001 — one subscriber must not break the others
            log.exception("case event subscriber %r failed for %s", fn, event.name)
