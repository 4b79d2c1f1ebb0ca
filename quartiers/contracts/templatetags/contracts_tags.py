from django import template
from django.urls import reverse

from quartiers.contracts.matrix import ROLE_LABELS

register = template.Library()

PAGES = [
    ("contract-detail", "Présentation"),
    ("matrix", "Matrice des engagements"),
    ("glossary", "Glossaire"),
    ("source-document", "Document source"),
]


@register.inclusion_tag("components/subnav.html")
def contract_nav(contract, current=""):
    """Links between the pages of a contract; `current` is the route name of this page."""
    pages = [p for p in PAGES if p[0] != "source-document" or contract.source_document_id]
    items = [
        {
            "url": reverse(f"contracts:{name}", kwargs={"slug": contract.slug}),
            "label": label,
            "current": name == current,
        }
        for name, label in pages
    ]
    return {"label": "Pages du contrat", "items": items}


@register.filter
def role_label(role):
    """The label of a role as in the matrix: "Chef de file", "Associé", "Rôle non précisé"."""
    return ROLE_LABELS.get(role, role)
