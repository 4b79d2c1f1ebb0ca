from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quartiers.core"
    verbose_name = "socle"
