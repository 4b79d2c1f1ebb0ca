"""General knowledge of French politique de la ville institutions.

Used only to name and classify partners a document does not define itself; a document's own
legend always wins. This is national vocabulary, not data of any one contract.
"""

from quartiers.core.enums import OrganisationKind

STATE_CODE = "ETAT"

# Labels that designate the same partner.
CODE_ALIASES = {"ETAT": STATE_CODE, "STATE": STATE_CODE, "PREFECTURE": STATE_CODE}
# A grid column headed by this one letter is read as the State, with a warning.
STATE_LETTER = "E"

KNOWN_PARTNERS: dict[str, tuple[str, str]] = {
    "ETAT": ("État", OrganisationKind.STATE),
    "VILLE": ("Ville", OrganisationKind.COMMUNE),
    "COMMUNE": ("Commune", OrganisationKind.COMMUNE),
    "CAF": ("Caisse d'allocations familiales", OrganisationKind.CAF),
    "CD": ("Conseil départemental", OrganisationKind.DEPARTMENT),
    "CR": ("Conseil régional", OrganisationKind.REGION),
    "PE": ("Pôle emploi", OrganisationKind.EMPLOYMENT),
    "FT": ("France Travail", OrganisationKind.EMPLOYMENT),
    "MILO": ("Mission locale", OrganisationKind.EMPLOYMENT),
    "ML": ("Mission locale", OrganisationKind.EMPLOYMENT),
    "CPAM": ("Caisse primaire d'assurance maladie", OrganisationKind.OTHER),
    "CCAS": ("Centre communal d'action sociale", OrganisationKind.COMMUNE),
    "CDC": ("Caisse des dépôts – Banque des territoires", OrganisationKind.OTHER),
    "BPI": ("Bpifrance", OrganisationKind.OTHER),
    "ANRU": ("Agence nationale pour la rénovation urbaine", OrganisationKind.OTHER),
}

STATE_SERVICES: dict[str, str] = {
    "ARS": "Agence régionale de santé",
    "DRAC": "Direction régionale des affaires culturelles",
    "EN": "Éducation nationale",
    "DSDEN": "Direction des services départementaux de l'Éducation nationale",
    "DDCS": "Direction départementale de la cohésion sociale",
    "DDCSPP": "Direction départementale de la cohésion sociale et de la protection des populations",
    "DIRECCTE": "Direction régionale des entreprises, de la concurrence, de la consommation, "
    "du travail et de l'emploi",
    "DREETS": "Direction régionale de l'économie, de l'emploi, du travail et des solidarités",
    "DDETS": "Direction départementale de l'emploi, du travail et des solidarités",
    "DDETSPP": "Direction départementale de l'emploi, du travail, des solidarités et de la "
    "protection des populations",
    "DDT": "Direction départementale des territoires",
    "DDTM": "Direction départementale des territoires et de la mer",
    "DREAL": "Direction régionale de l'environnement, de l'aménagement et du logement",
    "PJJ": "Protection judiciaire de la jeunesse",
    "SPIP": "Service pénitentiaire d'insertion et de probation",
    "ANCT": "Agence nationale de la cohésion des territoires",
    "DDSP": "Direction départementale de la sécurité publique",
    "GN": "Gendarmerie nationale",
}

# Words in a name that tell an organisation's kind (checked in this order).
KIND_KEYWORDS: list[tuple[str, str]] = [
    ("conseil citoyen", OrganisationKind.CITIZEN_COUNCIL),
    ("communauté de communes", OrganisationKind.EPCI),
    ("communauté d'agglomération", OrganisationKind.EPCI),
    ("communauté urbaine", OrganisationKind.EPCI),
    ("métropole", OrganisationKind.EPCI),
    ("allocations familiales", OrganisationKind.CAF),
    ("départ", OrganisationKind.DEPARTMENT),
    ("région", OrganisationKind.REGION),
    ("régional", OrganisationKind.REGION),
    ("habitat", OrganisationKind.SOCIAL_LANDLORD),
    ("bailleur", OrganisationKind.SOCIAL_LANDLORD),
    ("logement", OrganisationKind.SOCIAL_LANDLORD),
    ("emploi", OrganisationKind.EMPLOYMENT),
    ("mission locale", OrganisationKind.EMPLOYMENT),
    ("association", OrganisationKind.ASSOCIATION),
    ("commune", OrganisationKind.COMMUNE),
    ("ville", OrganisationKind.COMMUNE),
]

# Words of a heading that designate a partner of a given kind ("Commune de X" → the commune).
HEADING_ALIASES: list[tuple[str, str]] = [
    ("conseil citoyen", OrganisationKind.CITIZEN_COUNCIL),
    ("état", OrganisationKind.STATE),
    ("etat", OrganisationKind.STATE),
    ("préfecture", OrganisationKind.STATE),
    ("département", OrganisationKind.DEPARTMENT),
    ("conseil départemental", OrganisationKind.DEPARTMENT),
    ("région", OrganisationKind.REGION),
    ("conseil régional", OrganisationKind.REGION),
    ("commune", OrganisationKind.COMMUNE),
    ("ville", OrganisationKind.COMMUNE),
    ("mairie", OrganisationKind.COMMUNE),
    ("communauté de communes", OrganisationKind.EPCI),
    ("communauté d'agglomération", OrganisationKind.EPCI),
]

CITIZEN_COUNCIL_CODE = "CONSEIL CITOYEN"

GOVERNANCE_PATTERNS: list[tuple[str, str]] = [
    (r"comit[ée]s?\s+de\s+pilotage", "Comité de pilotage"),
    (r"comit[ée]s?\s+techniques?", "Comité technique"),
    (r"ateliers?\s+th[ée]matiques?", "Ateliers thématiques"),
    (r"comit[ée]s?\s+de\s+suivi", "Comité de suivi"),
    (r"comit[ée]s?\s+des\s+financeurs", "Comité des financeurs"),
    (r"comit[ée]s?\s+d'orientation", "Comité d'orientation"),
    (r"revues?\s+de\s+projets?", "Revue de projet"),
    (r"groupes?\s+de\s+travail", "Groupes de travail"),
    (r"comit[ée]s?\s+de\s+programmation", "Comité de programmation"),
]

STOPWORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "à", "au", "aux", "sur"}
