from django.apps import AppConfig


class AuthzConfig(AppConfig):
    name = "sambruk.core.authz"
    label = "authz"
