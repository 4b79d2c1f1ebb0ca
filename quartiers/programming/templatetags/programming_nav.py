"""`{% call_nav call "route-name" %}`: links between the pages of one call for projects.

Each page is listed only to those its view lets in (the same predicates), so no link leads
to a refusal; `current` is the route name of the page shown (marked `aria-current`).
"""

from django import template
from django.urls import reverse

from quartiers.programming import permissions

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
