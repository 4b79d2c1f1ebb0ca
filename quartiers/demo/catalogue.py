"""The demonstration's fictitious catalogue: funders' envelopes, the call's attachments and
criteria, the associations and their actions, and the fate of each year's applications.

Every association here is fictitious and says so in its name.
"""

from dataclasses import dataclass

DEMO_DOMAIN = "demo.quartiers.invalid"
DEMO_ASSOCIATION = "Association fictive « Vivre ensemble au cœur » (démo)"

PROGRAMMING_SEED = 2020
FUNDER_CODES = ("ETAT", "VILLE", "CCVD", "CAF", "CD")
ENVELOPES = {"ETAT": 90000, "VILLE": 45000, "CCVD": 32000, "CAF": 35000, "CD": 40000}
REQUIRED_ATTACHMENTS = [
    ("Statuts de l'association", True),
    ("Budget prévisionnel de la structure", True),
    ("Relevé d'identité bancaire", True),
    ("Rapport d'activité de l'année précédente", False),
]
CRITERIA = [
    ("Réponse aux besoins des habitants du quartier", 2),
    ("Part du public résidant dans le QPV", 2),
    ("Partenariats mobilisés", 1),
    ("Égalité femmes-hommes", 1),
    ("Évaluation prévue", 1),
]
DEMO_FILE = "demo/piece-fictive.pdf"
DEMO_PDF = b"%PDF-1.4\n% Piece fictive de la demonstration quartiers\n%%EOF\n"

# key: (name of the fictitious association, contact's first name)
CARRIERS = {
    "vivre": (DEMO_ASSOCIATION, "Pascal"),
    "arts": ("Compagnie des Arts en partage (fictive)", "Aïcha"),
    "sport": ("Club sportif des Quatre-Vents (fictive)", "Bruno"),
    "numerique": ("Atelier numérique Clic et Lien (fictive)", "Nadia"),
    "parents": ("Maison des parents et des enfants (fictive)", "Sophie"),
    "sante": ("Réseau Santé de proximité (fictive)", "Yann"),
    "jardins": ("Les Jardins de la Colline (fictive)", "Mireille"),
    "emploi": ("Passerelle Emploi Val de Drôme (fictive)", "Karim"),
}


@dataclass(frozen=True)
class ActionSpec:
    title: str
    carrier: str
    pillar: int  # index in the contract's pillars
    funders: tuple[str, ...]
    budget: int  # charges of the first year
    public: int
    engagements: tuple[int, ...] = ()
    theme: str = ""
    period: str = "year"  # "year", "school" (September to June) or "summer"
    first_call: int = 0  # the demo's call (0: the first) where the action starts
    equality: str = "G1"


# title; carrier; pillar (index); funders; charges (€); public; engagements; theme; period;
# first call (0: the demo's first call, 4: the open one); gender-equality marker (the last
# four optional)
ACTIONS_TABLE = """
Accueil et accès aux droits au cœur du quartier; vivre; 1; ETAT CAF VILLE; 24000; 180; 5
Fête de quartier et repas partagés; vivre; 1; VILLE CCVD; 8000; 400; 5; ; summer
Café des habitants; vivre; 1; ETAT VILLE; 9000; 90; 5 14
Orchestre à l'école; arts; 1; ETAT CD CCVD; 30000; 45; 8; Culture; school
Théâtre forum : paroles d'habitants; arts; 1; ETAT VILLE; 12000; 60; 7; Culture
Fresque participative du centre ancien; arts; 2; ETAT VILLE CCVD; 15000; 70; 10
Sport pour toutes : créneaux féminins; sport; 1; ETAT CD VILLE; 11000; 50; 5; ; year; 0; G2
Éducateur sportif de rue; sport; 1; ETAT VILLE; 26000; 120; 14; Tranquillité publique
Stages multisports des vacances; sport; 1; CAF VILLE; 7000; 80; 5; ; summer
Permanences d'inclusion numérique; numerique; 1; ETAT CD CCVD; 14000; 150; 1 9
Atelier radio et éducation aux médias; numerique; 1; ETAT CAF; 10000; 35; 9; Culture; school
Coup de pouce aux démarches en ligne; numerique; 0; ETAT CCVD; 6000; 110; 1
Accompagnement à la scolarité (CLAS); parents; 1; CAF ETAT VILLE; 20000; 60; 6; ; school
Lieu d'accueil enfants-parents; parents; 1; CAF CD; 16000; 70; 5
Sorties familles de l'été; parents; 1; CAF VILLE; 6000; 120; 5; ; summer
Médiation santé : aller vers les habitants; sante; 1; ETAT CD; 28000; 200; 11; Santé
Ateliers prévention et dépistage; sante; 1; ETAT CCVD; 9000; 90; 12 13; Santé
Bien manger, petit budget; sante; 1; CAF CD; 7000; 45; 12; Santé
Jardin partagé de la Colline; jardins; 2; ETAT VILLE CCVD; 13000; 55; 14 16
Chantiers jeunes d'embellissement; jardins; 2; ETAT CD; 12000; 24; 16; ; summer
Compost collectif en pied d'immeuble; jardins; 2; VILLE CCVD; 5000; 60; 16
Permanence emploi de proximité; emploi; 0; ETAT CCVD CD; 25000; 130; 1 2
Parcours vers l'emploi des femmes; emploi; 0; ETAT CD; 18000; 30; 2; ; year; 0; G2
Découverte des métiers pour les 16-25 ans; emploi; 0; ETAT CCVD; 10000; 40; 2 3
Permis de conduire solidaire; emploi; 0; ETAT CD CCVD; 17000; 25; 3
Ateliers d'écriture au collège; arts; 1; ETAT CD; 8000; 50; 6 8; Culture; school; 1
Vélo-école pour adultes; sport; 0; ETAT CCVD; 6000; 30; 3; ; year; 1
Marche exploratoire des femmes; vivre; 2; ETAT VILLE; 5000; 25; 14; ; year; 1; G2
Point écoute jeunes; sante; 1; ETAT CAF; 15000; 60; 12; Santé; year; 2
Repair café du quartier; jardins; 2; VILLE CCVD; 4000; 80; 16; ; year; 2
Aide aux devoirs numérique; numerique; 1; CAF VILLE; 9000; 40; 6; ; school; 2
Cinéma en plein air; arts; 1; VILLE CCVD; 7000; 500; 7; Culture; summer; 2
Ateliers de français pour les parents; vivre; 1; ETAT CAF; 8000; 30; 6; ; school; 4
"""


def _actions(table: str) -> list[ActionSpec]:
    specs = []
    for row in table.strip().splitlines():
        cells = [cell.strip() for cell in row.split(";")]
        cells += [""] * (11 - len(cells))
        title, carrier, pillar, funders, budget, public, engagements, theme, period = cells[:9]
        specs.append(
            ActionSpec(
                title=title,
                carrier=carrier,
                pillar=int(pillar),
                funders=tuple(funders.split()),
                budget=int(budget),
                public=int(public),
                engagements=tuple(int(n) for n in engagements.split()),
                theme=theme,
                period=period or "year",
                first_call=int(cells[9] or 0),
                equality=cells[10] or "G1",
            )
        )
    return specs


ACTIONS = _actions(ACTIONS_TABLE)

# The final status of each application of a past call (`refused`: every funder said no,
# closed). A bilan, a balance or a closing that would fall after the load day has not happened
# yet: the dossier stays « en paiement » or « bilan reçu ».
FATES = {
    0: ["draft", "withdrawn", "refused", "paid"] + ["report_received"] * 3 + ["closed"] * 11,
    1: ["draft", "withdrawn", "refused"] + ["report_received"] * 5 + ["closed"] * 12,
}
# The last past call also took dossiers « au fil de l'eau »: a second wave, decided weeks ago.
LATE_WAVES = {
    1: ["draft", "withdrawn", "refused"] + ["report_received"] * 3 + ["closed"] * 9,
    2: ["convention_signed"] * 2 + ["decided"] * 2 + ["examined"],
}
# The call in instruction: its funders' opinions given (`instructed`) or still awaited.
INSTRUCTION_FATES = ["draft"] * 2 + ["withdrawn"] + ["instructed"] * 7 + ["under_instruction"] * 6
# The open call: dossiers already filed, and drafts (the demo carrier's is complete).
OPEN_FATES = ["submitted"] * 3 + ["draft"] * 4
FUNDED = {"paid", "report_received", "closed", "convention_signed"}
