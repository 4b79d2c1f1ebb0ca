from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from quartiers.participation import draws, services, volunteers
from quartiers.participation.models import Draw


class Command(BaseCommand):
    help = (
        "Refait un tirage au sort du conseil citoyen. Avec l'identifiant d'un tirage "
        "enregistré : le rejoue depuis sa graine et sa liste, et dit si l'empreinte et le "
        "résultat correspondent. Avec --liste, --graine et --sieges : refait le tirage depuis "
        "un fichier de volontaires (CSV, XLSX, ODS) et affiche l'empreinte et les rangs. "
        "N'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("draw", nargs="?", help="identifiant (UUID) d'un tirage enregistré")
        parser.add_argument("--liste", dest="list_file", help="fichier de volontaires")
        parser.add_argument("--graine", dest="seed", help="graine annoncée du tirage")
        parser.add_argument("--sieges", dest="seats", type=int, help="nombre de sièges")

    def handle(self, *args, draw=None, list_file=None, seed=None, seats=None, **options):
        if list_file:
            if seed is None or seats is None:
                raise CommandError("Avec --liste, donnez aussi --graine et --sieges.")
            return self._from_file(Path(list_file), seed, seats)
        if not draw:
            raise CommandError("Donnez l'identifiant d'un tirage, ou --liste, --graine, --sieges.")
        try:
            recorded = Draw.objects.select_related("volunteer_list").get(uuid=draw)
        except (Draw.DoesNotExist, ValidationError, ValueError):
            raise CommandError(f"Aucun tirage enregistré sous l'identifiant {draw}.") from None
        replay = services.replay_draw(recorded)
        self.stdout.write(f"Graine : {recorded.seed}")
        self.stdout.write(f"Empreinte enregistrée : {recorded.list_fingerprint}")
        self.stdout.write(f"Empreinte de la liste : {replay.fingerprint}")
        if not replay.ok:
            raise CommandError(" ".join(replay.problems))
        if replay.erased:
            self.stdout.write(
                f"Tirage vérifié pour les volontaires conservés ; {replay.erased} volontaire(s) "
                "effacé(s) à leur demande : leur place se vérifie avec la liste d'origine "
                "(--liste) et l'empreinte enregistrée."
            )
        else:
            self.stdout.write("Tirage vérifié : même empreinte, même résultat.")

    def _from_file(self, path, seed, seats):
        try:
            rows = volunteers.read_volunteers(path.name, path.read_bytes())
            pairs = [(r.gender, r.display_name) for r in rows]
            ranking = draws.rank(pairs, seed=seed, seats=seats)
        except OSError as error:
            raise CommandError(f"Fichier illisible : {error}.") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Algorithme : {draws.ALGORITHM}")
        self.stdout.write(f"Empreinte de la liste : {draws.fingerprint(pairs)}")
        for entry in ranking:
            status = "tiré·e au sort" if entry.seated else "liste complémentaire"
            self.stdout.write(f"{entry.gender} {entry.rank} : {entry.name} ({status})")
