"""Task functions of the e-mail channel (the schedule is in ``sambruk/tasks.py``)."""

from __future__ import annotations

from . import services


def process_pending() -> int:
    """Inbound mail stored by the receiver but not processed (it stopped after its 250), and
    processing claims whose process died. Returns how many were processed."""
    return services.process_pending()
