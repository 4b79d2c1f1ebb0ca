from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "quartiers.operations"
    verbose_name = "exploitation"
