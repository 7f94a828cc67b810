"""The queue's "neem in behandeling" for the dossier page (issue 19), without a change to its
view: the same rule as the queue's rows (selectors.kan_nemen)."""

from django import template

from klachten import selectors

register = template.Library()


@register.filter
def kan_nemen(klacht, gebruiker) -> bool:
    return selectors.kan_nemen(klacht, gebruiker)
