"""The channel follows the case engine through ``sambruk.cases.events.subscribe``."""

from __future__ import annotations

from sambruk.cases.events import subscribe

from .services.feed import publish_events


@subscribe
def on_case_event(event) -> None:
    """Publish the event to the feed and fan it out to webhooks (idempotent)."""
    publish_events([event])
