from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sambruk.core.audit"
    label = "audit"
