from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "quartiers.workspace"
    verbose_name = "Mon espace"
