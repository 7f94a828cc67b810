"""`{% tijdlijn items %}`: a complaint's timeline, rendered with Jinja2 (issue 20; the template is
templates/jinja2/klachten/tijdlijn.html, the environment klachten/jinja.py)."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

from klachten.models import BerichtStatus, keuzenamen
from klachten.workflow import BerichtSoort

register = template.Library()


@register.simple_tag(takes_context=True)
def tijdlijn(context, items, *, bijlage_links=False, toon_berichtstatus=False):
    """The timeline of `items` (selectors.tijdlijn); with links to the attachments and each
    message's delivery status when asked. The page's complaint and whether its undeliverable
    messages may be sent again come from the page's context."""
    html = (
        engines["jinja2"]
        .get_template("klachten/tijdlijn.html")
        .render(
            {
                "tijdlijn": items,
                "bijlage_links": bijlage_links,
                "toon_berichtstatus": toon_berichtstatus,
                "klacht": context.get("klacht"),
                "mag_opnieuw_versturen": context.get("mag_opnieuw_versturen"),
                # The names of a message's kind and state, translated once for the timeline
                # (get_FOO_display builds a field's whole list of choices on every call).
                "berichtsoorten": keuzenamen(BerichtSoort),
                "berichtstatussen": keuzenamen(BerichtStatus),
            }
        )
    )
    # Jinja2 escaped every value (autoescape is on in the environment).
    return mark_safe(html)
