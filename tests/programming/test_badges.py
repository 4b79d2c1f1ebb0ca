"""One colour per opinion, decision and status, whatever the page showing it."""

from pathlib import Path

import pytest
from django.template import Context, Template

from quartiers.programming.enums import ApplicationStatus, DecisionOutcome, Opinion


def _render(source: str, **context) -> str:
    return Template("{% load badges %}" + source).render(Context(context)).strip()


@pytest.mark.parametrize(
    ("outcome", "variant"),
    [
        (DecisionOutcome.GRANTED, "success"),
        (DecisionOutcome.ADJOURNED, "warning"),
        (DecisionOutcome.REFUSED, "error"),
    ],
)
def test_a_decision_has_one_colour(outcome, variant):
    assert _render("{{ value|outcome_variant }}", value=outcome) == variant


def test_opinions_and_statuses_have_their_colour():
    assert _render("{{ value|opinion_variant }}", value=Opinion.RESERVED) == "warning"
    assert _render("{{ value|status_variant }}", value=ApplicationStatus.WITHDRAWN) == "warning"
    assert _render("{{ value|status_variant }}", value=ApplicationStatus.PAID) == "info"
    assert _render("{{ value|status_variant }}", value=ApplicationStatus.DRAFT) == ""


def test_the_follow_up_panel_and_the_session_page_share_the_decision_badge():
    """Both templates call the same filter: no colour is written in either of them."""
    folder = Path(__file__).resolve().parents[2] / "quartiers/templates/programming"
    for name in ("followup/_panel.html", "committees/_decision_table.html"):
        text = (folder / name).read_text()
        assert "|outcome_variant" in text
