"""The decision letter (PDF, WeasyPrint): the same document is e-mailed and downloaded."""

from django.template.loader import render_to_string
from django.utils.text import slugify

TEMPLATE = "programming/followup/decision_letter.html"
STYLESHEET = "programming/followup/decision_letter.css"


def _no_fetch(url, *args, **kwargs):
    """The letter is self-contained: WeasyPrint must not fetch anything (no SSRF, no file)."""
    raise ValueError(f"La lettre de décision ne charge aucune ressource externe ({url}).")


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
    from weasyprint import CSS, HTML  # heavy import: only when a letter is made

    html = render_to_string(TEMPLATE, decision_letter_context(application, decisions))
    css = CSS(string=render_to_string(STYLESHEET), url_fetcher=_no_fetch)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[css])
