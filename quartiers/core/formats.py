"""Amounts in the French way, e.g. « 12 500,00 € » (non-breaking spaces)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"


def euros(value) -> str:
    """12500 → "12 500,00 €"; empty or not a number → ""."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    integer, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(integer):,}".replace(",", NBSP)
    sign = "-" if amount < 0 else ""
    return f"{sign}{grouped},{cents}{NBSP}€"
