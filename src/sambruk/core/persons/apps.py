from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "sambruk.core.persons"
    label = "persons"
