from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from quartiers.programming import services


class Command(BaseCommand):
    help = (
        "Prévient les porteurs (notification et courriel) que le bilan (CERFA 15059) d'une "
        f"action financée est attendu dans les {services.REMINDER_NOTICE_DAYS} jours ou en "
        "retard : une fois par bilan et par date d'échéance, si souvent qu'elle tourne. "
        "À lancer chaque jour (cron)."
    )

    def handle(self, *args, **options):
        told = 0
        for application in services.reports_due():
            try:
                if services.notify_report_due(application=application):
                    told += 1
                    self.stdout.write(
                        f"  prévenu : « {application.title} » ({application.carrier})"
                    )
            except ValidationError as error:
                self.stderr.write(
                    f"  non prévenu : « {application.title} » : {' '.join(error.messages)}"
                )
        self.stdout.write(f"{told} porteur(s) prévenu(s).")
