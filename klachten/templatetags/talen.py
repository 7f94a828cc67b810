from django import template
from django.utils.translation import get_language_info

from klachten.talen import talen_voor

register = template.Library()


@register.simple_tag(takes_context=True)
def taalkeuze_talen(context) -> list[dict]:
    """The languages the switch on this page offers (klachten.talen: staff pages have no French),
    each as Django's language info (code, name_local, ...)."""
    return [get_language_info(code) for code in talen_voor(context["request"])]


@register.filter
def vertaald(obj, veld: str) -> str:
    """Admin data a customer reads in the page's language, Dutch where a translation is missing
    (klachten.models.Vertaalbaar): `{{ klacht.categorie|vertaald:"naam" }}`."""
    if obj is None or obj == "":
        return ""
    return obj.vertaald(veld) if hasattr(obj, "vertaald") else getattr(obj, veld, "")
