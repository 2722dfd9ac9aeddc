from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "sambruk.core.organisations"
    label = "organisations"
