"""Letters by post (issue 18): a message to a customer who gets post (Klacht.per_post) is written
to the outbox like an e-mail (the same subject and text, composed by berichten.opstellen), but
waits in the print tray (BerichtStatus.TE_PRINTEN) instead of going to SMTP. Here: the tray's
contents and the PDF of one letter or of a pile of them, in the label's house style.

A letter's parts, always in this order: the label's name in its colour and its return address;
the window-envelope address block (customer's name and postal address); the date; "Betreft"
(the message's subject) and the dossiernummer; the text (exactly the e-mail's text, so that a
letter says what the e-mail would have said: assembled by berichten.samenstellen from its parts
in their fixed order, salutation, body, next step, signature, footer); the label's contact
details at the foot. The address block sits in the left window of a C5/DL window envelope
(NEN-EN-ISO 269 / NEN 1026: 20 mm from the left edge, 50 mm from the top, 85 x 40 mm), with
the return address as one small line above it.

Rendering fetches nothing from the network: url_fetcher refuses every URL but data:.
Marking letters printed (and so sent) is services.brieven_geprint.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from klachten import kalender
from klachten.berichten.opstellen import datum_tekst
from klachten.models import Bericht, BerichtStatus, Klacht


def te_printen(klachten: QuerySet[Klacht]) -> QuerySet[Bericht]:
    """The letters waiting in the print tray about `klachten` (those a user may see), per label
    and oldest first, with what the tray page and the PDF show (one query)."""
    return (
        Bericht.objects.filter(status=BerichtStatus.TE_PRINTEN, klacht__in=klachten)
        .select_related("label", "klacht")
        .order_by("label__naam", "created_at", "pk")
    )


def url_fetcher():
    """A WeasyPrint URL fetcher that never goes to the network or the disk: a letter needs
    nothing but its own HTML and CSS (data: URLs only)."""
    from weasyprint.urls import URLFetcher

    class AlleenData(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.split(":", 1)[0].lower() == "data":
                return super().fetch(url, headers)
            raise ValueError(f"Geweigerd (een brief haalt niets van buiten): {url}")

    return AlleenData()


def brief_datum(bericht: Bericht):
    """The date a letter carries: the day it was printed (and so sent); a letter still in the
    tray, today (the day it would be printed)."""
    moment = bericht.verzonden_op or timezone.now()
    return kalender.lokale_datum(moment)


def _brief_html(bericht: Bericht) -> str:
    """One letter's HTML, in the customer's language."""
    klacht = bericht.klacht
    with translation.override(klacht.taal):
        return render_to_string(
            "klachten/berichten/brief.html",
            {
                "bericht": bericht,
                "klacht": klacht,
                "label": bericht.label,
                "datum": datum_tekst(brief_datum(bericht), klacht.taal),
                "adresregels": [
                    r.strip() for r in klacht.klant_postadres.splitlines() if r.strip()
                ],
                "retouradres": ", ".join(
                    r.strip() for r in bericht.label.postadres.splitlines() if r.strip()
                ),
                "alineas": _alineas(bericht.tekst),
                "taal": klacht.taal,
            },
        )


def _alineas(tekst: str) -> list[list[str]]:
    """The text as paragraphs of lines (an empty line between paragraphs), as the e-mail has it."""
    alineas: list[list[str]] = [[]]
    for regel in tekst.strip().splitlines():
        if regel.strip():
            alineas[-1].append(regel.rstrip())
        elif alineas[-1]:
            alineas.append([])
    return [a for a in alineas if a]


def brieven_pdf(berichten: Iterable[Bericht]) -> bytes:
    """One PDF of the letters (each starting on a new page), in the order given."""
    from weasyprint import HTML

    delen = [_brief_html(bericht) for bericht in berichten]
    html = render_to_string("klachten/berichten/brieven.html", {"brieven": delen})
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf()
