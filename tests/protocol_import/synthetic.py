"""Small synthetic protocols written as txt, for the extraction rule tests.

None of these documents comes from the reference protocol: other territory, partners and
texts, to show the rules are generic.
"""

from quartiers.contracts.content import ImportedContent
from quartiers.protocol_import.documents import read_document
from quartiers.protocol_import.extraction import extract

TITLE = "Avenant au contrat de ville « Les Tilleuls » pour la période 2024-2026"
INTRO = (
    "Le contrat de ville « Les Tilleuls » de la Communauté d'agglomération Rives du Lac, "
    "signé le 12 mars 2015, est prolongé jusqu'au 31 décembre 2026."
)
SECTION = "Habitat et mobilité"
TEXTS = [
    "Ouvrir une maison des services publics au pied des immeubles de la résidence des Tilleuls",
    "Créer une navette à la demande entre le quartier, la gare et la zone d'activités du Lac",
    "Former des médiateurs de nuit issus du quartier et pérenniser leurs postes jusqu'en 2026",
    "Rénover l'éclairage des cheminements piétons et associer les locataires au diagnostic",
]


def header(*labels: str, theme: bool = False, legend: bool = True) -> list[str]:
    """Header rows of an engagement table: the legend (optional) then the partner labels."""
    prefix = 2 if theme else 1
    rest = [""] * (len(labels) - 1)
    if not legend:
        return ["\t".join(["Engagements", *[""] * (prefix - 1), *labels])]
    return [
        "\t".join(["Engagements", *[""] * (prefix - 1), "CHEFS DE FILE", *rest]),
        "\t".join([*[""] * prefix, "PARTENAIRES ASSOCIÉS", *rest]),
        "\t".join([*[""] * prefix, *labels]),
    ]


def row(*cells: str) -> str:
    return "\t".join(cells)


def protocol(*table: str, paragraphs: tuple[str, ...] = (), title: str = TITLE) -> ImportedContent:
    lines = [title, "", INTRO, "", *paragraphs, "", SECTION, "", *table, ""]
    lines += ["Article 4 : suivi", "", "Le suivi du présent avenant est annuel."]
    return extract(read_document("avenant.txt", "\n".join(lines).encode("utf-8")))


def roles(extraction: ImportedContent, index: int = 0) -> list[tuple[str, str | None, str]]:
    engagement = extraction.engagements[index]
    return sorted((r.partner, r.service, r.role) for r in engagement.roles)


def codes(extraction: ImportedContent) -> set[str]:
    return {w.code for w in extraction.warnings}
