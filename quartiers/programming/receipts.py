"""The accusé de réception of a filed dossier (PDF, `core.pdf`): one per submitted version,
e-mailed when the dossier is filed and downloaded from the dossier's page afterwards."""

from decimal import Decimal

from django.utils.text import slugify

from quartiers.core import pdf
from quartiers.programming.models import SUBSIDY_ACCOUNT

TEMPLATE = "programming/applications/receipt.html"
STYLESHEET = (pdf.PRINT_STYLESHEET, "programming/applications/receipt.css")


def receipt_filename(version) -> str:
    title = slugify(version.application.title)[:60] or "dossier"
    return f"accuse-de-reception-{title}-v{version.number}.pdf"


def requested_by_funder(version) -> list[tuple[str, Decimal]]:
    """The amounts asked of each funder in the frozen version (its 74 lines), by funder name."""
    totals: dict[str, Decimal] = {}
    for line in version.data.get("budget", []):
        if line.get("account") == SUBSIDY_ACCOUNT and line.get("funder"):
            totals[line["funder"]] = totals.get(line["funder"], Decimal("0")) + Decimal(
                line["amount"]
            )
    return sorted(totals.items())


def receipt_context(version) -> dict:
    application = version.application
    requested = requested_by_funder(version)
    return {
        "version": version,
        "application": application,
        "call": application.call,
        "contract": application.contract,
        "carrier": application.carrier,
        "requested": requested,
        "requested_total": sum((amount for _, amount in requested), Decimal("0")),
    }


def receipt_pdf(version) -> bytes:
    return pdf.render_pdf(
        template=TEMPLATE, stylesheet=STYLESHEET, context=receipt_context(version)
    )
