from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelConfig(AppConfig):
    """Streamflow Channel: integration points (shadow cases), event feed, webhooks, contact lookup."""

    name = "sambruk.channel"
    label = "channel"
    verbose_name = _("Kanal (integrationer)")

    def ready(self) -> None:
        from sambruk.core.api.registry import register_viewset
        from sambruk.core.web.modules import ModuleEntry, register_module

        from . import demo, handlers, roles  # noqa: F401  (demo loader, case events, roles)
        from .api.feed import FeedViewSet
        from .api.lookup import ContactLookupViewSet
        from .api.shadow import ShadowCaseViewSet
        from .api.webhooks import WebhookDeliveryViewSet, WebhookSubscriptionViewSet

        register_viewset("shadow-cases", ShadowCaseViewSet, basename="shadow-case")
        register_viewset("events", FeedViewSet, basename="feed-entry")
        register_viewset("webhooks", WebhookSubscriptionViewSet, basename="webhook")
        register_viewset("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
        register_viewset("contact-lookup", ContactLookupViewSet, basename="contact-lookup")

        # Staff start page: webhook subscriptions and their delivery log (administrators).
        register_module(
            ModuleEntry(
                "channel-webhooks",
                _("Webhooks"),
                _("Prenumerationer på händelser och leveransloggen för externa system."),
                "channel:subscriptions",
                roles.VIEW_SUBSCRIPTION,
                order=800,
            )
        )
