"""`{% call_nav call "route-name" %}`: links between the pages of one call for projects;
`{% application_nav application "route-name" %}`: between the pages of one dossier.

Each page is listed only to those its view lets in (the same predicates), so no link leads
to a refusal; `current` is the route name of the page shown (marked `aria-current`).
"""

from django import template
from django.urls import reverse

from quartiers.accounts.models import Organisation
from quartiers.programming import permissions
from quartiers.programming.workflow import DECIDED_STATUSES, REPORT_STATUSES

register = template.Library()

# (route, label, predicate(user, call)): in the order of the call's life.
CALL_PAGES = [
    ("call-detail", "L’appel", permissions.can_view_call),
    ("instruction-list", "Instruction et comités", permissions.can_list_instruction),
    ("programming-table", "Tableau de programmation", permissions.can_read_programming_table),
    ("call-ledger", "Suivi financier", permissions.can_view_call_ledger),
]
# Work queues across calls, opened on this call (`?call=`): (route, label, predicate).
QUEUE_PAGES = [
    ("instruction-inbox", "Mes demandes à instruire", permissions.instructs_in_call),
    ("council-queue", "Avis du conseil citoyen", permissions.is_council_member_of_call),
]


@register.inclusion_tag("components/subnav.html", takes_context=True)
def call_nav(context, call, current=""):
    user = context["request"].user
    items = [
        {
            "url": reverse(f"programming:{name}", kwargs={"uuid": call.uuid}),
            "label": label,
            "current": name == current,
        }
        for name, label, allowed in CALL_PAGES
        if allowed(user, call)
    ]
    items += [
        {
            "url": f"{reverse(f'programming:{name}')}?call={call.uuid}",
            "label": label,
            "current": name == current,
        }
        for name, label, allowed in QUEUE_PAGES
        if allowed(user, call)
    ]
    return {"label": "Pages de l’appel", "items": items if len(items) > 1 else []}


def _decided(user, application):
    return application.status in DECIDED_STATUSES and permissions.can_view_decision_letter(
        user, application
    )


def _report(user, application):
    return application.status in REPORT_STATUSES and permissions.can_file_report(user, application)


# (route, label, predicate(user, application)): in the order of the dossier's life. The
# funders' opinions come after the attachments, one link per funder the person instructs for.
APPLICATION_PAGES = [
    ("application-detail", "Dossier", permissions.can_view_application),
    ("application-edit", "Formulaire", permissions.can_edit_application),
    ("application-budget", "Budget", permissions.can_edit_application),
    ("application-attachments", "Pièces jointes", permissions.can_edit_application),
    ("council-opinion", "Avis du conseil citoyen", permissions.can_give_council_opinion),
    ("ledger", "Suivi financier", permissions.can_view_ledger),
    ("report-create", "Bilan", _report),
    ("decision-letter", "Lettre de décision (PDF)", _decided),
]
OPINIONS_AFTER = "application-attachments"


def _opinion_items(user, application, current, funder):
    funders = permissions.instructed_funders(user, application)
    if not funders:
        return []
    names = Organisation.objects.filter(pk__in=funders).order_by("name").values_list("pk", "name")
    return [
        {
            "url": reverse(
                "programming:opinion-edit", kwargs={"uuid": application.uuid, "funder": pk}
            ),
            "label": f"Avis de {name}" if len(funders) > 1 else "Mon avis",
            "current": current == "opinion-edit" and pk == funder,
        }
        for pk, name in names
    ]


@register.inclusion_tag("components/subnav.html", takes_context=True)
def application_nav(context, application):
    """The pages of `application` that the person may open; the page shown is marked."""
    request = context["request"]
    user = request.user
    match = request.resolver_match
    current, funder = match.url_name, match.kwargs.get("funder")
    items = []
    for name, label, allowed in APPLICATION_PAGES:
        if allowed(user, application):
            items.append(
                {
                    "url": reverse(f"programming:{name}", kwargs={"uuid": application.uuid}),
                    "label": label,
                    "current": name == current,
                }
            )
        if name == OPINIONS_AFTER:
            items += _opinion_items(user, application, current, funder)
    return {"label": "Pages du dossier", "items": items if len(items) > 1 else []}
