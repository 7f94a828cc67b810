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
WOORD_EN_LEESTEKENS = re.compile(r"(\S*?)([.,:;!?]*)")
# The words urlize may make a link of: it looks at a word only when it has ".", "@" or ":"
# (django.utils.html.Urlizer). Every other word it returns escaped, as the text around them is.
KANDIDAAT = re.compile(r"\S*[.@:]\S*")
MOGELIJK_ADRES = re.compile(r"[.@:]")


def links_maken(tekst: str) -> str:
    """`tekst` escaped, its addresses as links with a safe rel."""
    # urlize escapes the text between the links itself (autoescape=True); it writes
    # rel="nofollow" on every link it makes and nowhere else. Only the words that may be an
    # address go through it, one by one; the text between them is escaped at once (issue 20:
    # urlize per word was most of the dossier's timeline).
    tekst = str(tekst)
    delen = []
    begin = 0
    for kandidaat in KANDIDAAT.finditer(tekst):
        woord, leestekens = WOORD_EN_LEESTEKENS.fullmatch(kandidaat.group()).groups()
        if not MOGELIJK_ADRES.search(woord):
            continue  # "end." or "zie:": plain text
        delen.append(escape(tekst[begin : kandidaat.start()]))
        delen.append(urlize(woord, nofollow=True, autoescape=True))
        delen.append(escape(leestekens))
        begin = kandidaat.end()
    delen.append(escape(tekst[begin:]))
    return "".join(delen).replace('rel="nofollow"', REL)


@register.filter(is_safe=True, needs_autoescape=True)
def met_links(tekst, autoescape=True) -> str:
    """Plain message text as paragraphs (like `linebreaks`) with its links clickable."""
    if tekst is None:
        return ""
    if not autoescape:  # the text is trusted markup: only the paragraphs
        return linebreaks_filter(tekst, autoescape=False)
    return linebreaks_filter(mark_safe(links_maken(tekst)), autoescape=False)
