"""Task functions of FixaMinGata (scheduled in ``sambruk/tasks.py``)."""

from __future__ import annotations


def send_alerts() -> int:
    from .services import send_alerts as run

    return run()


def send_questionnaires() -> int:
    from .services import send_questionnaires as run

    return run()
