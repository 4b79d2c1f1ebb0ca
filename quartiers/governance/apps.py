from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "quartiers.governance"
    verbose_name = "Gouvernance"
