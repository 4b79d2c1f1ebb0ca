from django.apps import AppConfig


class ProgrammingConfig(AppConfig):
    name = "quartiers.programming"
    verbose_name = "programmation annuelle"
