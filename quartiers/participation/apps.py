from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "quartiers.participation"
    verbose_name = "participation des habitants"
