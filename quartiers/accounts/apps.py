from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quartiers.accounts"
    verbose_name = "comptes et organisations"
