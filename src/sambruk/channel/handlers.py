"""The channel follows the case engine through ``sambruk.cases.events.subscribe``."""

from __future__ import annotations

from sambruk.cases.events import subscribe

from .services.feed import publish_events


@subscribe
def on_case_event(event) -> None:
    """Publish the event to the feed and fan it out to webhooks (idempotent).

    A stored event is published by a task, off the request that changed the case (the feed's
    per-organisation sequence lock and the webhook fan-out are a transaction of their own); the
    periodic catch-up publishes any event whose task was lost. An unsaved event (a deleted
    draft) has no row to load later and is published at once.
    """
    if event.pk is None:
        publish_events([event])
        return
    from .tasks import publish_case_events

    publish_case_events(event.pk)
