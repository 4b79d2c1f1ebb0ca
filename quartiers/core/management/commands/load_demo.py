from importlib import resources

from django.core.management.base import BaseCommand

from quartiers.protocol_import import services

DEMO_PROTOCOL = "protocole-coeur-de-loriol-2020-2022.txt"


class Command(BaseCommand):
    help = (
        "Charge la démonstration : le protocole réel du contrat de ville « Cœur de Loriol » "
        "(2020-2022). Sans --apply, montre ce qui serait chargé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="écrire en base")

    def handle(self, *args, **options):
        data = resources.files("quartiers.protocol_import").joinpath("demo", DEMO_PROTOCOL)
        extraction = services.extract_file(name=DEMO_PROTOCOL, data=data.read_bytes())
        report = services.import_protocol(extraction=extraction, apply=options["apply"])
        verb = "chargé" if report.applied else "déjà à jour" if options["apply"] else "à charger"
        self.stdout.write(
            f"Protocole {extraction.contract_name} : {len(extraction.engagements)} engagements, "
            f"{len(extraction.warnings)} avertissements — {verb}."
        )
        if options["apply"] and report.contract is not None:
            self.stdout.write(
                f"Contrat : http://127.0.0.1:8000{report.contract.get_absolute_url()}"
            )
