"""Export of the commitments matrix: the table, written by `core.spreadsheets`."""

from quartiers.contracts.matrix import Matrix


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list]]:
    """Header and rows of the export, in the order of the page."""
    header = [
        "Numéro",
        "Pilier",
        "Thème",
        "Engagement",
        *(partner.code for partner in matrix.columns),
        "Autres partenaires",
        "Ligne source",
    ]
    rows = []
    for row in matrix.rows:
        e = row.engagement
        rows.append(
            [
                e.number,
                e.pillar.name,
                e.theme.name if e.theme else "",
                e.text,
                *(", ".join(mark.export_text for mark in cell) for cell in row.cells),
                ", ".join(f"{mark.partner} : {mark.export_text}" for mark in row.others),
                e.source_line if e.source_line is not None else "",
            ]
        )
    return header, rows
