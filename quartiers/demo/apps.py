from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "quartiers.demo"
    verbose_name = "démonstration"
