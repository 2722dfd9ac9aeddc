from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelMailConfig(AppConfig):
    """Inbound e-mail → cases: the SMTP receiver (``sambruk mailin``) and e-mail access points."""

    name = "sambruk.channel.mail"
    label = "channel_mail"
    verbose_name = _("Kanal: inkommande e-post")

    def ready(self) -> None:
        from sambruk.core.web.modules import ModuleEntry, register_module

        from . import demo, roles  # noqa: F401  (demo loader, permissions)

        # Staff start page: failed or ignored inbound mail and the e-mail access points.
        register_module(
            ModuleEntry(
                "channel-mail",
                _("Inkommande e-post"),
                _("E-post som inte blev ärenden och adresserna som tar emot ärenden."),
                "channel_mail:inbound",
                roles.VIEW_INBOUND,
                order=810,
            )
        )
