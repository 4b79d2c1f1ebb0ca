from django import template
from django.urls import reverse

from quartiers.access import permissions
from quartiers.contracts.matrix import ROLE_LABELS

register = template.Library()

PAGES = [
    ("contract-detail", "Présentation"),
    ("matrix", "Matrice des engagements"),
    ("programming:call-list", "Appels à projets"),
    ("governance:body-list", "Instances"),
    ("governance:decision-list", "Décisions"),
    ("participation:draw-list", "Tirages au sort"),
    ("participation:fund-public", "Fonds des habitants"),
    ("glossary", "Glossaire"),
    ("source-document", "Document source"),
]


# Pages shown only to those allowed: (route, label, predicate).
RESTRICTED_PAGES = [
    ("participation:council", "Conseil citoyen", permissions.can_view_citizen_council),
    ("access:events", "Journal", permissions.can_review_import),
    ("access:contract-roles", "Rôles", permissions.can_manage_roles),
    ("protocol_import:import", "Importer", permissions.can_import_protocol),
]


@register.inclusion_tag("components/subnav.html", takes_context=True)
def contract_nav(context, contract, current=""):
    """Links between the pages of a contract; `current` is the route name of this page."""
    user = context["request"].user
    pages = [
        (name if ":" in name else f"contracts:{name}", label)
        for name, label in PAGES
        if name != "source-document" or contract.source_document_id
    ]
    pages += [(name, label) for name, label, allowed in RESTRICTED_PAGES if allowed(user, contract)]
    items = [
        {
            "url": reverse(name, kwargs={"slug": contract.slug}),
            "label": label,
            "current": name.split(":")[1] == current,
        }
        for name, label in pages
    ]
    return {"label": "Pages du contrat", "items": items}


@register.filter
def role_label(role):
    """The label of a role as in the matrix: "Chef de file", "Associé", "Rôle non précisé"."""
    return ROLE_LABELS.get(role, role)
