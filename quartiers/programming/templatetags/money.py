"""`{{ amount|euros }}`: an amount in the French way, e.g. « 12 500,00 € »."""

from django import template

from quartiers.core.formats import euros

register = template.Library()
register.filter("euros", euros)
