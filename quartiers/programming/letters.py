"""The decision letter (PDF, `core.pdf`): the same document is e-mailed and downloaded."""

from django.utils.text import slugify

from quartiers.core import pdf
from quartiers.programming.models import DecisionLetter

TEMPLATE = "programming/followup/decision_letter.html"
STYLESHEET = (pdf.PRINT_STYLESHEET, "programming/followup/decision_letter.css")

# « Voies et délais de recours », printed in the letter and in the e-mail that carries it.
APPEAL = (
    "Voies et délais de recours : la présente décision peut faire l’objet d’un recours "
    "gracieux auprès de son auteur ou d’un recours contentieux devant le tribunal administratif "
    "compétent, dans un délai de deux mois à compter de sa notification (article R. 421-1 du "
    "code de justice administrative). Formé dans ce délai, le recours gracieux l’interrompt : le "
    "délai de recours contentieux court à nouveau à compter de la réponse, ou du rejet implicite "
    "né du silence gardé pendant deux mois. "
    "Le tribunal administratif peut être saisi par l’application « Télérecours citoyens » "
    "accessible sur le site www.telerecours.fr."
)


def decision_letter_filename(application) -> str:
    return f"decision-{slugify(application.title)[:60] or 'dossier'}.pdf"


def decision_letter_context(application, decisions) -> dict:
    """`decisions`: the application's decisions with `request__funder` and `session` loaded.

    `letter` is the issued `DecisionLetter` (reference, signatory), None before the letter is
    sent: the document is then a draft and says so."""
    return {
        "letter": DecisionLetter.objects.filter(application=application).first(),
        "appeal": APPEAL,
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
