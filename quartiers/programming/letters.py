"""The decision letter (PDF, `core.pdf`): the same document is e-mailed and downloaded."""

from django.utils.text import slugify

from quartiers.core import pdf

TEMPLATE = "programming/followup/decision_letter.html"
STYLESHEET = "programming/followup/decision_letter.css"


def decision_letter_filename(application) -> str:
    return f"decision-{slugify(application.title)[:60] or 'dossier'}.pdf"


def decision_letter_context(application, decisions) -> dict:
    """`decisions`: the application's decisions with `request__funder` and `session` loaded."""
    return {
        "application": application,
        "call": application.call,
        "contract": application.contract,
        "carrier": application.carrier,
        "decisions": decisions,
        "held_on": max((d.session.held_on for d in decisions), default=None),
        "granted_total": application.funding_requests.totals()["granted"],
        "any_granted": any(d.is_granted for d in decisions),
    }


def decision_letter_pdf(application, *, decisions) -> bytes:
    """`decisions`: as `decision_letter_context` reads them."""
    return pdf.render_pdf(
        template=TEMPLATE,
        stylesheet=STYLESHEET,
        context=decision_letter_context(application, decisions),
    )
