"""The number of a decision in the register (pure: the service and the data migration of
the programming's decisions both use it)."""


def decision_number(code: str, year: int, sequence: int) -> str:
    """`COPIL`, 2026, 14 → `COPIL-2026-014` (three digits at least, more if needed)."""
    return f"{code}-{year}-{sequence:03d}"
