from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sambruk.core.web"
    label = "web"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        import sambruk.tasks  # noqa: F401  (registers the periodic tasks)

        from .modules import ModuleEntry, register_module

        register_module(
            ModuleEntry(
                "audit",
                _("Logguppföljning"),
                _("Se vem som har tagit del av en persons uppgifter."),
                "audit:person_log",
                "audit.view_auditevent",
                order=900,
            )
        )
        register_module(
            ModuleEntry(
                "outbox",
                _("Utskick"),
                _("E-post som väntar eller har misslyckats, med möjlighet att försöka igen."),
                "notifications:outbox",
                "notifications.view_outboxmessage",
                order=910,
            )
        )
        register_module(
            ModuleEntry(
                "api",
                _("API-dokumentation"),
                _("REST-API:t med OpenAPI-beskrivning."),
                "api:docs",
                None,
                order=990,
            )
        )
