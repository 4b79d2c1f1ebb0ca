"""The commitments matrix: engagements as rows, grid partners as columns.

One structure serves the page and the exports (see `exports.py`).
"""

from dataclasses import dataclass, field

from quartiers.contracts.enums import Role
from quartiers.contracts.models import Engagement, Partner

ROLE_LABELS = {
    Role.LEAD: "Chef de file",
    Role.ASSOCIATE: "Associé",
    Role.UNSPECIFIED: "Rôle non précisé",
}


@dataclass(frozen=True)
class Mark:
    """One role in a cell: who, which role, and the State service when named."""

    partner: str
    role: str
    service: str = ""

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def text(self) -> str:
        """As shown on the page: "Chef de file · ARS"."""
        return f"{self.label} · {self.service}" if self.service else self.label

    @property
    def export_text(self) -> str:
        """As written in the exports: "Chef de file (ARS)"."""
        return f"{self.label} ({self.service})" if self.service else self.label


@dataclass
class MatrixRow:
    engagement: Engagement
    cells: list[list[Mark]]
    others: list[Mark] = field(default_factory=list)


@dataclass
class Matrix:
    columns: list[Partner]
    rows: list[MatrixRow]


def build_matrix(*, partners, engagements) -> Matrix:
    """Place each role of `engagements` (loaded `with_grid()`) in a column of the grid.

    A role goes to its partner's column, or to its parent's column when the partner is a
    service of a grid partner (shown as the service); any other partner goes to "Autres".
    """
    columns = [p for p in partners if p.is_grid_column]
    index = {p.pk: i for i, p in enumerate(columns)}
    rows = []
    for engagement in engagements:
        row = MatrixRow(engagement=engagement, cells=[[] for _ in columns])
        for role in engagement.roles.all():
            partner = role.partner
            service = role.service.code if role.service_id else ""
            column = index.get(partner.pk)
            if column is None and partner.parent_id in index:
                column, service = index[partner.parent_id], partner.code
            mark = Mark(partner=partner.code, role=role.role, service=service)
            (row.others if column is None else row.cells[column]).append(mark)
        rows.append(row)
    return Matrix(columns=columns, rows=rows)
