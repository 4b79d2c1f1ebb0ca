from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats

from quartiers.operations import services


class Command(BaseCommand):
    help = (
        "Restaure une archive écrite par `backup` après avoir vérifié son manifeste. Refuse une "
        "base non vide sauf --force (qui l'efface). Sans --apply, vérifie et montre seulement."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="chemin de l'archive .tar.gz")
        parser.add_argument("--apply", action="store_true", help="charger l'archive")
        parser.add_argument(
            "--force", action="store_true", help="effacer la base si elle n'est pas vide"
        )

    def handle(self, *args, **options):
        try:
            backup, manifest = services.read_backup(path=options["archive"])
            date = formats.date_format(services.archive_date(manifest), "DATETIME_FORMAT")
            self.stdout.write(
                f"Archive du {date} vérifiée : {backup.objects} objets, "
                f"{len(backup.files)} fichiers déposés."
            )
            if not services.database_is_empty():
                verb = "sera effacée" if options["force"] else "refusée sans --force"
                self.stdout.write(f"La base n'est pas vide : {verb}.")
            if not options["apply"]:
                self.stdout.write("Essai à blanc : relancez avec --apply pour restaurer.")
                return
            services.restore_backup(path=options["archive"], force=options["force"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write("Restaurée.")
