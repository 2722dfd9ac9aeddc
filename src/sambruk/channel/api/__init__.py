"""REST API of the channel: shadow cases, event feed, webhooks, contact lookup (docs/channel.md)."""
