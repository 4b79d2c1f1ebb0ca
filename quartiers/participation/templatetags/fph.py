from django import template

from quartiers.core.formats import euros as format_euros

register = template.Library()


@register.filter
def euros(value):
    """12500 → « 12 500,00 € » (`core.formats.euros`)."""
    return format_euros(value)
