from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "sambruk.workspace"
    label = "workspace"
