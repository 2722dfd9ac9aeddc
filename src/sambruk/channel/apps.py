from django.apps import AppConfig


class ChannelConfig(AppConfig):
    """Streamflow Channel: integration points (shadow cases), event feed, webhooks, contact lookup."""

    name = "sambruk.channel"
    label = "channel"
    verbose_name = "Kanal (integrationer)"
