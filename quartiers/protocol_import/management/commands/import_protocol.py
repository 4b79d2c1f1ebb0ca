import json
from dataclasses import asdict
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from quartiers.contracts.enums import PriorityKind
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
        arguments = {"name": path.name, "data": data}
        try:
            if options["json"] and not options["apply"]:
                self._json(services.extract_content(**arguments))
                return
            run = services.apply_import if options["apply"] else services.preview_import
            report = run(**arguments, slug=options["contract"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["json"]:
            self._json(report.content)
            return
        self._summary(report)

    def _json(self, content):
        self.stdout.write(json.dumps(asdict(content), ensure_ascii=False, indent=2, default=str))

    def _summary(self, report):
        content, write = report.content, self.stdout.write
        source, contract = content.source, content.contract
        write(f"Document : {source.name} ({source.format}, sha256 {source.sha256[:12]}…)")
        write(f"Contrat : {contract.name} [{report.slug}]")
        write(f"  EPCI : {contract.epci or '—'}")
        write(f"  signé le : {contract.signed_on or '—'} ; fin : {content.ends_on or '—'}")
        write(f"Piliers : {len(content.pillars)} ; engagements : {len(content.engagements)}")
        for pillar in content.pillars:
            count = sum(1 for e in content.engagements if e.pillar == pillar)
            write(f"  - {pillar} : {count}")
        kinds = [p.kind for p in content.priorities]
        write(
            f"Priorités : {kinds.count(PriorityKind.THEMATIC)} thématiques, "
            f"{kinds.count(PriorityKind.TRANSVERSAL)} transversales"
        )
        write(f"Instances : {', '.join(content.governance_bodies) or '—'}")
        write(f"Partenaires : {', '.join(p.code for p in content.partners) or '—'}")
        write(
            f"Glossaire : {len(content.glossary)} sigles ; "
            f"contributions : {len(content.contributions)}"
        )
        write(f"Avertissements : {len(content.warnings)}")
        for warning in content.warnings:
            where = f"ligne {warning.line}" if warning.line else "document"
            write(self.style.WARNING(f"  [{warning.code}] {where} : {warning.message}"))
        if report.up_to_date:
            write("Aucun changement par rapport à ce qui est enregistré.")
        else:
            write(f"Changements ({len(report.changes)}) :")
            for change in report.changes[:200]:
                write(f"  {change}")
        if report.applied:
            write(self.style.SUCCESS(f"Import enregistré : {report.contract.get_absolute_url()}"))
        elif not report.up_to_date:
            write("Essai à blanc : rien n'a été écrit. Relancez avec --apply pour enregistrer.")
