from django.core.management.base import BaseCommand

from quartiers.participation import fund


class Command(BaseCommand):
    help = (
        "Fonds des habitants : supprime les demandes jamais confirmées (30 jours après leur "
        "dépôt) et efface les coordonnées des groupes FPH_CONTACT_RETENTION_DAYS jours après "
        "le refus ou le bilan. À lancer chaque jour (cron)."
    )

    def handle(self, *args, **options):
        purged = fund.purge_personal_data()
        self.stdout.write(
            f"{purged.unconfirmed} demande(s) non confirmée(s) supprimée(s), coordonnées de "
            f"{purged.contacts} groupe(s) effacées."
        )
