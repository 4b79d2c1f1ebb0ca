"""`{% instruction_panel application %}`: the instruction of an application, for its page.

Per funding request: amount requested, opinion, amount proposed, grid score, shared comment, and the
private note only for that funder's instructors; the conseil citoyen's opinion; the comité
technique's opinions; links to the opinion form for the reader's own funders. A constant number
of queries; renders nothing for people who may see none of it (carriers).
"""

from django import template
from django.urls import reverse

from quartiers.programming import exports, permissions
from quartiers.programming.models import Application, CouncilOpinion

register = template.Library()


@register.inclusion_tag("programming/instruction/_panel.html", takes_context=True)
def instruction_panel(context, application):
    user = context["request"].user
    visible = permissions.can_view_instruction(user, application)
    council = permissions.can_give_council_opinion(user, application)
    panel = {
        "application": application,
        "visible": visible,
        "council": council,
        "funders": [],
        "show_notes": False,
        "technical_opinions": [],
        "technical_label": "",
        "council_opinion": None,
    }
    if not (visible or council):
        return panel
    panel["council_opinion"] = (
        CouncilOpinion.objects.filter(application=application).select_related("by").first()
    )
    if not visible:
        return panel
    consolidation = exports.consolidate(
        application.call, Application.objects.filter(pk=application.pk)
    )
    row = consolidation.rows[0]
    own = permissions.instructed_funders(user, application)
    for cell in row.requested_cells:
        readable = cell.opinion is not None and permissions.can_read_private_note(
            user, cell.opinion
        )
        panel["funders"].append(
            {
                "cell": cell,
                "readable": readable,
                "private_note": cell.opinion.private_note if readable else "",
                "edit_url": reverse(
                    "programming:opinion-edit",
                    kwargs={"uuid": application.uuid, "funder": cell.funder.pk},
                )
                if cell.funder.pk in own and cell.opinion is not None
                else "",
            }
        )
    panel["show_notes"] = any(funder["readable"] for funder in panel["funders"])
    panel["technical_opinions"] = row.technical_opinions
    panel["technical_label"] = row.technical_label  # true to the records when none is shown
    return panel
