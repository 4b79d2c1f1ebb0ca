from django.core.management.base import BaseCommand

from quartiers.protocol_import import services


class Command(BaseCommand):
    help = (
        "Supprime les imports dont l'aperçu a expiré (IMPORT_PREVIEW_TTL) et leurs documents "
        "déposés. À lancer régulièrement (cron), par exemple toutes les heures."
    )

    def handle(self, *args, **options):
        deleted = services.purge_expired_imports()
        self.stdout.write(f"{deleted} document(s) d'import supprimé(s).")
