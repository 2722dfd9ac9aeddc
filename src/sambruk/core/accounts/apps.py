from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sambruk.core.accounts"
    label = "accounts"

    def ready(self):
        from . import demo, signals  # noqa: F401
