from django.core.management.base import BaseCommand

from quartiers.demo import services as demo
from quartiers.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Charge la démonstration : le protocole réel du contrat de ville « Cœur de Loriol » "
        "(2020-2022), publié, et une personne fictive par rôle. Sans --apply, montre ce qui "
        "serait chargé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="écrire en base")

    def handle(self, *args, **options):
        report, people = demo.load(apply=options["apply"])
        content = report.content
        verb = "chargé" if report.applied else "déjà à jour" if options["apply"] else "à charger"
        self.stdout.write(
            f"Protocole {content.contract.name} : {len(content.engagements)} engagements, "
            f"{len(content.warnings)} avertissements — {verb}."
        )
        if not options["apply"]:
            self.stdout.write("Essai à blanc : relancez avec --apply pour enregistrer.")
            return
        self.stdout.write(f"Contrat : http://127.0.0.1:8000{report.contract.get_absolute_url()}")
        calls = report.contract.calls.order_by("year")
        self.stdout.write(
            "Programmation fictive : "
            + ", ".join(f"{call.year} ({call.applications.count()} dossiers)" for call in calls)
        )
        self.stdout.write(f"Comptes fictifs (mot de passe « {DEMO_PASSWORD} ») :")
        for user in people:
            roles = ", ".join(a.get_role_display() for a in user.role_assignments.all())
            self.stdout.write(f"  {user.email} — {roles or 'administrateur'}")
