from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "quartiers.api"
    verbose_name = "API"
