"""An inbound e-mail shown on the dossier's timeline (issue 17): the customer's own words, with
the quoted history folded away (quotequail, Dutch, French and English reply headers) and the
signature folded apart (inkomend.handtekening; nothing is deleted), and HTML
mail sanitised (nh3): no scripts, styles, event handlers or remote images (tracking pixels), links
with rel="noopener nofollow"; inline images (cid:) served by us as the dossier's attachments."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import nh3
import quotequail

from klachten.berichten.inkomend import handtekening
from klachten.berichten.inkomend.lezen import bericht_parsen, tekst_van

logger = logging.getLogger(__name__)

# quotequail leaves an Outlook separator ("-----Oorspronkelijk bericht-----", "-----Message
# d'origine-----") as the last line of the visible part.
SCHEIDINGSLIJN = re.compile(r"\n\s*-{3,}[^\n]*-{3,}\s*$")
URL_SCHEMAS = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class Weergave:
    """What the timeline shows of one e-mail: the visible part, the folded signature and the
    folded quoted history, as plain text, or as sanitised HTML (`is_html`: safe to render as
    is). The visible part is empty only when the message has no text at all."""

    boven: str
    gevouwen: str = ""
    is_html: bool = False
    handtekening: str = ""


def tekst_vouwen(tekst: str) -> Weergave:
    """Plain text: the reply on top, its signature folded, the quoted history (a reply or
    forward header and what follows) folded."""
    gesplitst = quotequail.unwrap(tekst) if tekst else None
    if not gesplitst or not gesplitst.get("text_top", "").strip():
        boven, ondertekend = handtekening.tekst_scheiden(tekst)
        return Weergave(boven=boven, handtekening=ondertekend)
    boven = SCHEIDINGSLIJN.sub("", gesplitst["text_top"]).rstrip()
    boven, ondertekend = handtekening.tekst_scheiden(boven)
    return Weergave(
        boven=boven,
        gevouwen=tekst[len(gesplitst["text_top"]) :].strip(),
        handtekening=ondertekend,
    )


def html_schoonmaken(html: str, cid_url: Callable[[str], str | None] = lambda cid: None) -> str:
    """HTML mail made safe to show inside our page: the allowed tags and attributes of nh3,
    no <script>/<style> (nor their content), no remote images, an inline image (cid:) as the URL
    `cid_url` gives it (dropped when None), links opened without handing over our page."""

    def attribuut(element: str, naam: str, waarde: str) -> str | None:
        if element == "img" and naam == "src":
            if waarde.lower().startswith("cid:"):
                return cid_url(waarde[4:].strip("<> "))
            return None  # a remote image: a tracking pixel at worst, a privacy leak always
        return waarde

    return nh3.clean(
        html,
        url_schemes=set(URL_SCHEMAS | {"cid"}),
        attribute_filter=attribuut,
        link_rel="noopener nofollow noreferrer",
        strip_comments=True,
    ).strip()


def weergave(
    ruw: bytes, *, bijlage_url: Callable[[str], str | None] = lambda naam: None
) -> Weergave:
    """The timeline's view of a raw message: its HTML body sanitised and folded when it has one,
    else its text folded. An HTML signature is folded where inkomend.handtekening recognises it,
    else it stays in the visible part. `bijlage_url` gives the URL of a stored attachment by its name (an
    inline image is stored under its file name, or else its Content-ID: inkomend.lezen)."""
    bericht = bericht_parsen(ruw)
    namen = {
        str(deel.get("Content-ID")).strip("<> "): deel.get_filename()
        or str(deel.get("Content-ID")).strip("<> ")
        for deel in bericht.walk()
        if deel.get("Content-ID")
    }

    def cid_url(cid: str) -> str | None:
        return bijlage_url(namen[cid]) if cid in namen else None

    deel = bericht.get_body(preferencelist=("html",))
    if deel is not None and deel.get_content_type() == "text/html":
        try:
            html = deel.get_content()
        except (LookupError, UnicodeDecodeError, AssertionError):
            html = ""
        if html.strip():
            gesplitst = quotequail.unwrap_html(html)
            if gesplitst and gesplitst.get("html_top"):
                top, gevouwen = gesplitst["html_top"], gesplitst.get("html", "")
            else:
                top, gevouwen = html, ""
            top, ondertekend = handtekening.html_scheiden(top)
            boven = html_schoonmaken(top, cid_url)
            if boven:
                return Weergave(
                    boven=boven,
                    gevouwen=html_schoonmaken(gevouwen, cid_url) if gevouwen else "",
                    is_html=True,
                    handtekening=html_schoonmaken(ondertekend, cid_url) if ondertekend else "",
                )
    return tekst_vouwen(tekst_van(bericht))
