from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sambruk.core.accounts"
    label = "accounts"
