from .feed import FeedEntry, FeedState
from .shadow import ShadowCase, ShadowCaseLogEntry
from .webhooks import DeliveryStatus, SubscriptionState, WebhookDelivery, WebhookSubscription

__all__ = [
    "DeliveryStatus",
    "FeedEntry",
    "FeedState",
    "ShadowCase",
    "ShadowCaseLogEntry",
    "SubscriptionState",
    "WebhookDelivery",
    "WebhookSubscription",
]
