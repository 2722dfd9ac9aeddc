"""huey tasks of the channel app. The periodic schedule is in :mod:`sambruk.tasks`."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def publish_case_events(*event_ids):
    """Publish stored case events to the feed (queued by the case-event subscriber)."""
    from sambruk.cases.queries import stored_events

    from .services.feed import publish_events

    return len(publish_events(list(stored_events(event_ids))))


@db_task()
def deliver_webhooks():
    """Send the webhook deliveries that are due (queued on commit after new events)."""
    from .services.webhooks import deliver_due

    return deliver_due()


def retry_due_webhooks() -> int:
    """Every minute: retries whose backoff has passed (and anything a worker dropped)."""
    from .services.webhooks import deliver_due

    return deliver_due()


def catch_up_feed() -> int:
    """Every 5 minutes: publish stored case events whose after-commit subscriber never ran."""
    from .services.feed import catch_up

    return catch_up()
