"""The customer's signature in an inbound e-mail, found so the timeline can fold it (issue 17:
"quoted text and signatures are folded, not deleted"). Nothing is removed: the caller shows the
part above the signature and folds the signature under it; the stored message and the complaint's
omschrijving keep the whole text.

A signature starts, in Dutch, French or English, at
- the RFC 3676 delimiter, a line "-- " (also "--": many clients strip the trailing space), and runs
  to the end, however long;
- a line that is only a closing greeting ("Met vriendelijke groet(en),", "Cordialement,", "Bien à
  vous,", "Kind regards,", …), optionally with a short name after a comma, when what follows it is
  short (a name and contact lines, at most MAX_REGELS lines);
- a mobile client's line ("Verstuurd vanaf mijn iPhone", "Envoyé de mon iPhone", "Sent from my
  iPhone", "Get Outlook for iOS", …) near the end.
The earliest such line that leaves text above it: a message of only a greeting and a name keeps
its whole text visible (the visible part is never empty when the message has text).

mail-parser-reply (1.36, MIT) was evaluated and not taken: it misses "Bien à vous", "Verstuurd
vanaf mijn iPhone" and "Envoyé de mon iPhone", folds a list of lines starting with "-" and
everything after a line starting with "Bedankt," or "Thanks," (the customer's complaint itself),
and strips each line before matching, so its parts are not slices of the text we show.

HTML: a signature is folded when a mail client marked it (Gmail's `gmail_signature`, Thunderbird's
`moz-signature`, Outlook's `Signature`, Apple Mail's `AppleMailSignature`) or when a block of its
own holds the delimiter, a closing greeting or a mobile line as above; otherwise the HTML is left
as it is."""

from __future__ import annotations

import copy
import logging
import re

import lxml.html
from lxml import etree

MAX_REGELS = 12  # a closing greeting with more than this many lines after it is no signature
MAX_HTML_TEKENS = 600  # the same for HTML, in characters of text
MAX_NAAM = 40  # "Groeten, Anna de Vries": the name after the greeting, on its line
MAX_KANDIDATEN = 20  # HTML: blocks tried as a signature's start (each costs two copies)

logger = logging.getLogger(__name__)

_AFSLUITINGEN = (
    # Dutch
    r"(?:met\s+)?(?:vriendelijke|hartelijke|beste|lieve|warme)\s+groet(?:en|jes)?",
    r"(?:met\s+)?groet(?:en|jes)?",
    r"m\.?v\.?g\.?",
    r"hoogachtend",
    # French
    r"(?:bien\s+)?cordialement",
    r"tr[eè]s\s+cordialement",
    r"bien\s+[aà]\s+vous",
    r"(?:(?:meilleures|sinc[eè]res|cordiales)\s+)?salutations"
    r"(?:\s+distingu[eé]es)?",
    r"bonne\s+(?:journ[eé]e|soir[eé]e)",
    # English
    r"(?:kind|best|warm|warmest|many\s+thanks\s+and)?\s*regards",
    r"best\s+wishes",
    r"(?:yours\s+)?(?:sincerely|faithfully|truly)",
    r"cheers",
)
AFSLUITING = re.compile(
    r"^\s*(?:"
    + "|".join(_AFSLUITINGEN)
    + rf")\s*(?:[,!.]\s*(?:[^\W\d_][\w .'-]{{0,{MAX_NAAM}}})?)?$",
    re.IGNORECASE,
)
MOBIEL = re.compile(
    r"^\s*(?:"
    r"verstuurd\s+(?:vanaf|vanuit|met)|verzonden\s+(?:vanaf|vanuit|met)|download\s+outlook\s+voor|"
    r"envoy[eé]\s+(?:de|depuis|à\s+partir\s+de)|obtenir\s+outlook\s+pour|"
    r"sent\s+(?:from|with)|get\s+outlook\s+for"
    r")\s+\S.{0,50}$",
    re.IGNORECASE,
)
SCHEIDING = re.compile(r"^--\s?$")  # RFC 3676, section 4.3: "-- " (often sent without the space)

# Mail clients' own marks of the signature in HTML: class names and ids (lower case).
HTML_KLASSEN = frozenset({"gmail_signature", "moz-signature"})
HTML_IDS = frozenset({"signature", "applemailsignature", "ms-outlook-mobile-signature"})
BLOKKEN = frozenset({"div", "p", "span", "pre", "font", "b", "i", "strong", "em", "table", "td"})


def _soort(regel: str) -> str:
    """What a line starts: "scheiding" (RFC 3676), "afsluiting", "mobiel" or "" (nothing)."""
    if SCHEIDING.match(regel):
        return "scheiding"
    if AFSLUITING.match(regel):
        return "afsluiting"
    if MOBIEL.match(regel.strip()):
        return "mobiel"
    return ""


def tekst_scheiden(tekst: str) -> tuple[str, str]:
    """Plain text: (the part above the signature, the signature), or (tekst, "") when it has
    none. The two parts together are the text (whitespace between them aside)."""
    regels = tekst.splitlines(keepends=True)
    begin = 0
    for index, regel in enumerate(regels):
        soort = _soort(regel.rstrip("\r\n"))
        if soort and tekst[:begin].strip():
            rest = [r for r in regels[index + 1 :] if r.strip()]
            if soort == "scheiding" or len(rest) <= MAX_REGELS:
                return tekst[:begin].rstrip(), tekst[begin:].strip()
        begin += len(regel)
    return tekst, ""


def _tekst(element) -> str:
    return " ".join(element.text_content().split())


def _losse_teksten_inpakken(body) -> None:
    """Each piece of text that is not an element's only content (text before its first child,
    text after an element) into a <span> of its own, so a line of text is an element to split at."""
    for element in list(body.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tail and element.tail.strip() and element is not body:
            span = lxml.html.Element("span")
            span.text, element.tail = element.tail, None
            element.addnext(span)
        if element.text and element.text.strip() and len(element):
            span = lxml.html.Element("span")
            span.text, element.text = element.text, None
            element.insert(0, span)


def _html_tekst(html: str) -> str:
    if not html.strip():
        return ""
    return _tekst(lxml.html.fragment_fromstring(html, create_parent="div"))


def _gemarkeerd(element) -> bool:
    klassen = set((element.get("class") or "").split())
    return bool(klassen & HTML_KLASSEN) or (element.get("id") or "").lower() in HTML_IDS


def _binnenkant(element) -> str:
    return (element.text or "") + "".join(
        etree.tostring(kind, encoding=str, method="html") for kind in element
    )


def _knippen(body, pad: str, *, boven: bool) -> str:
    """A copy of `body` with everything from the element at `pad` on removed (`boven`), or with
    everything before it removed; as HTML."""
    document = copy.deepcopy(body.getroottree().getroot())
    kopie = document.body
    element = document.getroottree().xpath(pad)[0]
    knoop = element
    while knoop is not kopie:
        ouder = knoop.getparent()
        if boven:
            for volgende in list(knoop.itersiblings()):
                ouder.remove(volgende)
        else:
            for vorige in list(knoop.itersiblings(preceding=True)):
                ouder.remove(vorige)
            ouder.text = None
        knoop = ouder
    if boven:
        element.getparent().remove(element)
    return _binnenkant(kopie).strip()


def html_scheiden(html: str) -> tuple[str, str]:
    """HTML: (the part above the signature, the signature), or (html, "") when no signature is
    recognised (module docstring) or the HTML cannot be read: the message is then shown as it
    is, never not at all."""
    try:
        return _html_scheiden(html)
    except Exception:
        logger.warning("Handtekening niet gezocht in HTML van %s tekens", len(html), exc_info=True)
        return html, ""


def _html_scheiden(html: str) -> tuple[str, str]:
    if not html.strip():
        return html, ""
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html, ""
    body = document.body
    _losse_teksten_inpakken(body)
    boom = body.getroottree()
    kandidaten = 0
    for element in body.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        if _gemarkeerd(element):
            soort = "scheiding"
        elif element.tag in BLOKKEN:
            soort = _soort(_tekst(element))
        else:
            continue
        if not soort:
            continue
        kandidaten += 1
        if kandidaten > MAX_KANDIDATEN:
            break
        pad = boom.getpath(element)
        boven = _knippen(body, pad, boven=True)
        if not _html_tekst(boven):
            continue
        handtekening = _knippen(body, pad, boven=False)
        if soort == "scheiding" or len(_html_tekst(handtekening)) <= MAX_HTML_TEKENS:
            return boven, handtekening
    return html, ""
