"""`{{ value|opinion_variant }}`, `|outcome_variant`, `|status_variant`: the badge colour of an
opinion, a decision, an application status (the mappings live next to their enums)."""

from django import template

from quartiers.programming.enums import OPINION_VARIANTS, OUTCOME_VARIANTS, STATUS_VARIANTS

register = template.Library()


@register.filter
def opinion_variant(value) -> str:
    """Badge variant of an opinion (favourable, réservé, défavorable)."""
    return OPINION_VARIANTS.get(value, "")


@register.filter
def outcome_variant(value) -> str:
    """Badge variant of a decision (accordé, ajourné, refusé)."""
    return OUTCOME_VARIANTS.get(value, "")


@register.filter
def status_variant(value) -> str:
    """Badge variant of an application status (info unless said otherwise)."""
    return STATUS_VARIANTS.get(value, "info")
