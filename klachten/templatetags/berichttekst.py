"""Message texts with their links clickable, safely (issue 19).

The text is escaped first; only then do http(s) addresses and e-mail addresses become links
(Django's `urlize`, which links nothing but http, https, www. and mailto, so never a javascript:
or data: link). Every link gets rel="noopener nofollow noreferrer": the secret status link in our
own messages must not leak to another site through the Referer header.
"""

import re

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe

register = template.Library()

REL = 'rel="noopener nofollow noreferrer"'
# A word's trailing punctuation: Django's urlize drops a full stop after a closing bracket
# ("(https://www.kifid.nl)." lost its "."), so it is split off before and put back after.
WOORD_EN_LEESTEKENS = re.compile(r"(\S*?)([.,:;!?]*)(\s+|$)")
# Django's urlize looks at a word only when it has one of these (django.utils.html.Urlizer).
MOGELIJK_ADRES = re.compile(r"[.@:]")


def links_maken(tekst: str) -> str:
    """`tekst` escaped, its addresses as links with a safe rel."""
    # urlize escapes the text between the links itself (autoescape=True); it writes
    # rel="nofollow" on every link it makes and nowhere else.
    delen = []
    for woord, leestekens, wit in WOORD_EN_LEESTEKENS.findall(str(tekst)):
        if MOGELIJK_ADRES.search(woord):
            delen.append(urlize(woord, nofollow=True, autoescape=True))
        else:
            # What urlize returns for a word without ".", "@" or ":" (it makes no link of it),
            # without its cost: most words of a letter (issue 20: the dossier's timeline).
            delen.append(escape(woord))
        delen.append(escape(leestekens) + wit)
    return "".join(delen).replace('rel="nofollow"', REL)


@register.filter(is_safe=True, needs_autoescape=True)
def met_links(tekst, autoescape=True) -> str:
    """Plain message text as paragraphs (like `linebreaks`) with its links clickable."""
    if tekst is None:
        return ""
    if not autoescape:  # the text is trusted markup: only the paragraphs
        return linebreaks_filter(tekst, autoescape=False)
    return linebreaks_filter(mark_safe(links_maken(tekst)), autoescape=False)
