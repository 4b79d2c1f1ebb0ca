"""The decision letter (PDF, `core.pdf`): the same document is e-mailed and downloaded."""

from decimal import Decimal

from django.utils.text import slugify

from quartiers.core import pdf
from quartiers.programming.enums import DecisionOutcome

TEMPLATE = "programming/followup/decision_letter.html"
STYLESHEET = "programming/followup/decision_letter.css"


def decision_letter_filename(application) -> str:
    return f"decision-{slugify(application.title)[:60] or 'dossier'}.pdf"


def decision_letter_context(application, decisions) -> dict:
    granted = [d for d in decisions if d.outcome == DecisionOutcome.GRANTED]
    return {
        "application": application,
        "call": application.call,
        "contract": application.call.contract,
        "carrier": application.carrier,
        "decisions": decisions,
        "held_on": max((d.session.held_on for d in decisions), default=None),
        "granted_total": sum((d.amount for d in granted), Decimal("0")),
        "any_granted": bool(granted),
    }


def decision_letter_pdf(application, *, decisions) -> bytes:
    """`decisions`: the application's decisions with `funder` and `session` loaded."""
    return pdf.render_pdf(
        template=TEMPLATE,
        stylesheet=STYLESHEET,
        context=decision_letter_context(application, decisions),
    )
