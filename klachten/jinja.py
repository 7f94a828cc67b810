"""The Jinja2 environment for the few hot fragments rendered with Jinja2 instead of Django's
template language (issue 20: the work queue's rows, a complaint's timeline; docs/benchmarks.md).
The rest of every page is Django's; a fragment is rendered by its view (or a template tag) and
placed in the page as safe HTML.

The fragments use the same msgids as the Django templates, written `{{ _("…") }}` (a constant,
so `makemessages` finds them in the .html file as it does in a Django template), and Django's
own filters for dates and truncation, so what they print is what the Django template printed.
A plural (`ngettext`) is not found there by `makemessages`: its msgids are listed in MEERVOUDEN.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.template import defaultfilters
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import get_language, gettext, ngettext, ngettext_lazy
from jinja2 import Environment

from klachten.templatetags.berichttekst import met_links

# A placeholder a slug converter accepts, replaced by the real value (see url_sjabloon).
_PLEK = "x0plek0x"


def omgeving(**options) -> Environment:
    # Every printed value escaped by Django's escape, not markupsafe's: the same entities as a
    # Django template writes (&#x27; and &quot;, where markupsafe writes &#39; and &#34;).
    # A value that is safe already (Markup, SafeString) passes unchanged.
    options.setdefault("finalize", conditional_escape)
    env = Environment(**options)
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, url=url)
    env.filters.update(
        datum=datum,
        truncatechars=defaultfilters.truncatechars,
        bestandsgrootte=defaultfilters.filesizeformat,
        met_links=met_links,
    )
    return env


# The fragments' plurals, for makemessages (the Jinja2 templates call ngettext with these).
MEERVOUDEN = [
    ngettext_lazy("%(dagen)s dag te laat", "%(dagen)s dagen te laat", "dagen"),
    ngettext_lazy("nog %(dagen)s dag", "nog %(dagen)s dagen", "dagen"),
    ngettext_lazy("%(pogingen)s poging", "%(pogingen)s pogingen", "pogingen"),
    ngettext_lazy("%(uren)s uur te laat", "%(uren)s uur te laat", "uren"),
    ngettext_lazy("nog %(uren)s uur", "nog %(uren)s uur", "uren"),
]


def url(naam: str, *args) -> str:
    """`{% url naam arg … %}`."""
    return reverse(naam, args=args)


def datum(waarde, formaat: str) -> str:
    """Django's `date` filter, in the current time zone as a Django template shows a moment. A
    format of the date alone (the queue's "j N Y") is formatted once per day, format and
    language: Django's date formatting costs more than the rest of a row."""
    if isinstance(waarde, dt.datetime) and timezone.is_aware(waarde):
        waarde = timezone.localtime(waarde)
    if isinstance(waarde, dt.date) and _ALLEEN_DATUM.issuperset(formaat):
        dag = waarde.date() if isinstance(waarde, dt.datetime) else waarde
        return _datum_opgemaakt(dag, formaat, get_language())
    return defaultfilters.date(waarde, formaat)


# Format characters of the date alone (django.utils.dateformat.DateFormat), and what is not one.
_ALLEEN_DATUM = frozenset("dDjlNnMmFyYSwzWtL .,-/")


@lru_cache(maxsize=4096)
def _datum_opgemaakt(dag: dt.date, formaat: str, _taal: str) -> str:
    return defaultfilters.date(dag, formaat)


def url_sjabloon(naam: str):
    """`reverse(naam, args=[slug])` for many slugs at the cost of one reverse: a function that
    puts the slug into the URL reversed once (per URL name and script prefix)."""
    voor, na = _gesplitst(naam, get_script_prefix())
    return lambda slug: f"{voor}{slug}{na}"


@lru_cache(maxsize=64)
def _gesplitst(naam: str, _prefix: str) -> tuple[str, str]:
    voor, na = reverse(naam, args=[_PLEK]).split(_PLEK)
    return voor, na
