from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelMailConfig(AppConfig):
    """Inbound e-mail → cases: the SMTP receiver (``sambruk mailin``) and e-mail access points."""

    name = "sambruk.channel.mail"
    label = "channel_mail"
    verbose_name = _("Kanal: inkommande e-post")

    def ready(self) -> None:
        from . import demo, roles  # noqa: F401  (demo loader, permissions)
