"""How a comité de pilotage's decisions on one dossier read in the register of decisions
(pure: the service that records them and the migration of earlier sessions both use it)."""

from quartiers.core.formats import euros
from quartiers.programming.enums import DecisionOutcome


def entry_title(application_title: str, call_year: int) -> str:
    return f"Programmation {call_year} — « {application_title} »"[:300]


def entry_text(rows) -> str:
    """`rows`: (funder's name, outcome, amount granted, motivation) of each funder, one line
    each: « CAF de la Drôme : accordé, 5 000,00 € »."""
    lines = []
    for funder, outcome, amount, motivation in rows:
        line = f"{funder} : {DecisionOutcome(outcome).label}"
        if outcome == DecisionOutcome.GRANTED:
            line += f", {euros(amount)}"
        if motivation.strip():
            line += f" — {' '.join(motivation.split())}"
        lines.append(line)
    return "\n".join(lines)
