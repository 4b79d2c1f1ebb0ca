from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from quartiers.contracts.models import Contract
from quartiers.programming import services


class Command(BaseCommand):
    help = (
        "Relance par courriel les porteurs dont le bilan (CERFA 15059) est attendu dans les "
        f"{services.REMINDER_NOTICE_DAYS} jours ou en retard, au plus une fois tous les "
        f"{services.REMINDER_INTERVAL_DAYS} jours par dossier. Sans --apply, liste seulement "
        "les relances à envoyer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="envoyer les relances")
        parser.add_argument("--contract", metavar="SLUG", help="un seul contrat (par son slug)")

    def handle(self, *args, **options):
        contract = None
        if options["contract"]:
            contract = Contract.objects.filter(slug=options["contract"]).first()
            if contract is None:
                raise CommandError(f"Aucun contrat « {options['contract']} ».")
        applications = services.reports_to_remind(contract=contract)
        sent = skipped = 0
        for application in applications:
            due = services.report_due_on(application)
            line = (
                f"« {application.title} » ({application.carrier}) — bilan attendu le {due:%d/%m/%Y}"
            )
            if not options["apply"]:
                self.stdout.write(f"  à relancer : {line}")
                continue
            try:
                services.send_report_reminder(application=application)
            except ValidationError as error:
                skipped += 1
                self.stderr.write(f"  non relancé : {line} : {' '.join(error.messages)}")
            else:
                sent += 1
                self.stdout.write(f"  relancé : {line}")
        if options["apply"]:
            self.stdout.write(f"{sent} relance(s) envoyée(s), {skipped} impossible(s).")
        else:
            self.stdout.write(
                f"{len(applications)} relance(s) à envoyer. Essai à blanc : relancez avec "
                "--apply pour les envoyer."
            )
