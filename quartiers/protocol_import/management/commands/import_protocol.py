import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from quartiers.protocol_import import services


class Command(BaseCommand):
    help = (
        "Importe un protocole ou contrat de ville (txt, md, html, docx, odt, pdf avec texte). "
        "Sans --apply, "
        "affiche ce qui a été trouvé et ce qui changerait, sans rien écrire."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="chemin du document à importer")
        parser.add_argument("--apply", action="store_true", help="écrire en base")
        parser.add_argument("--json", action="store_true", help="afficher l'extraction en JSON")
        parser.add_argument("--contract", metavar="SLUG", help="identifiant du contrat visé")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Impossible de lire {path} : {exc.strerror or exc}.") from exc
        try:
            extraction = services.extract_file(name=path.name, data=data)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["json"] and not options["apply"]:
            self.stdout.write(json.dumps(extraction.to_json(), ensure_ascii=False, indent=2))
            return
        try:
            report = services.import_protocol(
                extraction=extraction, apply=options["apply"], slug=options["contract"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(extraction.to_json(), ensure_ascii=False, indent=2))
            return
        self._summary(report, options["apply"])

    def _summary(self, report, apply):
        ex = report.extraction
        write = self.stdout.write
        doc = ex.document
        write(f"Document : {doc.name} ({doc.format}, sha256 {doc.sha256[:12]}…)")
        write(f"Contrat : {ex.contract_name or '—'} [{report.slug}]")
        write(f"  EPCI : {ex.epci or '—'}")
        write(f"  signé le : {ex.signed_on or '—'} ; fin : {ex.ends_on or '—'}")
        write(f"Piliers : {len(ex.pillars)} ; engagements : {len(ex.engagements)}")
        for pillar in ex.pillars:
            count = sum(1 for e in ex.engagements if e.section == pillar)
            write(f"  - {pillar} : {count}")
        write(
            f"Priorités : {sum(p.kind == 'thematic' for p in ex.priorities)} thématiques, "
            f"{sum(p.kind == 'transversal' for p in ex.priorities)} transversales"
        )
        write(f"Instances : {', '.join(ex.governance_bodies) or '—'}")
        write(f"Partenaires : {', '.join(ex.partners) or '—'}")
        write(f"Glossaire : {len(ex.glossary)} sigles ; contributions : {len(ex.contributions)}")
        write(f"Avertissements : {len(ex.warnings)}")
        for warning in ex.warnings:
            where = f"ligne {warning.line}" if warning.line else "document"
            write(self.style.WARNING(f"  [{warning.code}] {where} : {warning.message}"))
        if not report.changes:
            write("Aucun changement par rapport à ce qui est enregistré.")
        else:
            write(f"Changements ({len(report.changes)}) :")
            for change in report.changes[:200]:
                write(f"  {change}")
        if report.applied:
            write(self.style.SUCCESS(f"Import enregistré : {report.contract.get_absolute_url()}"))
        elif not apply:
            write("Essai à blanc : rien n'a été écrit. Relancez avec --apply pour enregistrer.")
