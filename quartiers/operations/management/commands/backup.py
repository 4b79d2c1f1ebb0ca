from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from quartiers.operations import services


class Command(BaseCommand):
    help = (
        "Sauvegarde l'instance dans une archive .tar.gz : la base (JSON), les fichiers déposés "
        "et un manifeste (SHA-256 de chaque fichier). Sans --apply, montre ce qui serait écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", nargs="?", help="chemin de l'archive (par défaut quartiers-<date>.tar.gz)"
        )
        parser.add_argument("--apply", action="store_true", help="écrire l'archive")

    def handle(self, *args, **options):
        path = Path(options["archive"] or services.default_archive_name())
        if options["apply"]:
            try:
                backup = services.write_backup(path=path)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        else:
            backup = services.plan_backup()
        self.stdout.write(
            f"Archive {path} : {backup.objects} objets ({len(backup.counts)} modèles), "
            f"{len(backup.files)} fichiers déposés."
        )
        for name in backup.missing:
            self.stderr.write(f"Fichier introuvable, non sauvegardé : {name}")
        if options["apply"]:
            self.stdout.write(f"Écrite ({filesizeformat(path.stat().st_size)}).")
        else:
            self.stdout.write("Essai à blanc : relancez avec --apply pour l'écrire.")
