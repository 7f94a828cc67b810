"""The link to a label's klachtenprocedure page, for every public page (base_publiek.html) and
the signature of every e-mail to customers (Keurmerk Klantgericht Verzekeren: the procedure is
easy to find)."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def klachtenprocedure_url(label=None, absoluut: bool = False) -> str:
    """The klachtenprocedure page of `label`: /klachtenprocedure/ for the default label (and
    when no label is known), /<slug>/klachtenprocedure/ for another. `absoluut`: with SITE_URL,
    for e-mails."""
    if label is None or getattr(label, "is_standaard", True) or not getattr(label, "slug", ""):
        pad = reverse("klachten:procedure")
    else:
        pad = reverse("klachten:procedure-label", kwargs={"label_slug": label.slug})
    return settings.SITE_URL.rstrip("/") + pad if absoluut else pad
