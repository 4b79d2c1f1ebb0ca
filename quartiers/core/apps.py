from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(sender, using, **kwargs):
    """`migrate` also creates the database cache's table (the rate-limit counters), so that no
    deployment, demo or restore forgets `createcachetable`; without it every sign-in fails."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "quartiers.core"
    verbose_name = "socle"

    def ready(self):
        from quartiers.core import checks  # noqa: F401  (registers the system checks)

        # Sent once per app with models; this one has none, Django's auth always has.
        post_migrate.connect(create_cache_table, sender=apps.get_app_config("auth"))
