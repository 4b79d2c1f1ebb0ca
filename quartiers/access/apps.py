from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "quartiers.access"
    verbose_name = "rôles et journal"
