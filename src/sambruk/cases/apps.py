from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sambruk.cases"
    label = "cases"
