"""Delivery tasks. The periodic retry is registered in :mod:`sambruk.tasks`."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import services


@db_task()
def deliver_message(message_id: str):
    message = services.deliver(message_id)
    return message.status if message else None


def deliver_due() -> int:
    """Deliver every due message now (called by the periodic task and by ``sambruk``)."""
    count = 0
    for pk in services.due_message_ids():
        services.deliver(pk)
        count += 1
    return count
