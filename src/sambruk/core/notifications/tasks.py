"""Delivery tasks. The periodic retry is registered in :mod:`sambruk.tasks`."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task

from . import services
from .models import OutboxStatus

log = logging.getLogger(__name__)


@db_task()
def deliver_message(message_id: str):
    """Deliver one message now (scheduled on commit by ``queue_email`` and ``retry``)."""
    message = services.deliver(message_id)
    return message.status if message else None


def deliver_due() -> int:
    """Deliver every due message now; return how many were sent.

    Called every minute by ``sambruk.tasks.retry_due_outbox``. Safe to run in several
    processes at once: each message is claimed before it is sent.
    """
    sent = 0
    for pk in services.due_message_ids():
        try:
            message = services.deliver(pk)
        except Exception:  # one broken row must not stop the others
            log.exception("Outbox %s: delivery crashed", pk)
            continue
        if message is not None and message.status == OutboxStatus.SENT:
            sent += 1
    return sent
