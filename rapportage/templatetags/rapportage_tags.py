"""Template filters of the reports: whether the staff menu shows "Rapportage"."""

from django import template

from rapportage import selectors

register = template.Library()


@register.filter
def mag_rapportage_zien(gebruiker) -> bool:
    """Cheap: the roles are cached on the user (klachten.rollen.rollen_van), and the staff
    header has read them already."""
    return bool(gebruiker and gebruiker.is_authenticated) and selectors.mag_rapportage_zien(
        gebruiker
    )
