"""Hostile values and the checks every hostile-input test shares (issue 8, Vertrouwen).

`VIJANDIG` holds values that a free-text field must store exactly (as the form strips it) and
show escaped; `WEIGEREN` builds, per field, the values it must refuse with an error on that field
(NUL bytes, one character over its limit, 1 MB). `TELLER` counts what was tried: one per field
that received a hostile value in a submission (tests/beveiliging/conftest.py prints the total).
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from django.core.mail import EmailMessage
from django.utils.html import escape

from klachten.models import Bericht, BerichtStatus
from klachten.templatetags.berichttekst import links_maken

VIJANDIG: dict[str, str] = {
    # Markup and code: escaped on every page, never executed or interpreted.
    "script": '<script>alert("xss")</script>',
    "attribuut": "'\"><svg onload=alert(1)>",
    "sjabloon": "{{ klacht.status_token }}",
    "sql": "x'); DROP TABLE klant;--",
    # E-mail header injection: a new header line in whatever could reach a header.
    "kopregel": "Hoi\r\nBcc: x@evil.example",
    # Unicode: right-to-left override, zero-width joiner, combining marks, astral plane (emoji,
    # mathematical letters, CJK extension B), the same text in NFC and NFD.
    "rtl": "factuur\u202efdp.exe",
    "zwj": "\U0001f469\u200d\u2695\ufe0f zorg\u200dverlener",
    "combinerend": "Z\u0351\u0334a\u0336\u035el\u0489g\u0489o",
    "astraal": "\U0001f600 \U0001d54f \U0002070e \U0001f3f3\ufe0f\u200d\U0001f308",
    "nfc": unicodedata.normalize("NFC", "Café Ûber"),
    "nfd": unicodedata.normalize("NFD", "Café Ûber"),
    # Control characters (escape sequences, vertical tab, form feed, DEL, NEL) inside the text.
    "stuurtekens": "a\x01\x08\x0b\x0c\x1b[31m\x7f\x85b",
}
# Every value fits the shortest free-text field that stores what it gets (klant_telefoon, 30).
assert max(len(waarde) for waarde in VIJANDIG.values()) <= 30

NUL = '<script>alert("nul")</script>\x00'
EEN_MB = ("<b>Lange klacht</b> é " * 50_000)[:1_048_576]
# A lone surrogate as a form POST carries it: the UTF-8-style bytes of U+D800, percent-encoded.
SURROGAAT_RUW = "Los%ED%A0%80surrogaat"
SURROGAAT_ONTVANGEN = b"Los\xed\xa0\x80surrogaat".decode("utf-8", "replace")


def weigeren(limiet: int) -> dict[str, str]:
    """The values a field with this maximum length must refuse (with markup, so that the form
    that gives them back must escape them)."""
    return {
        "nul": NUL,
        "te_lang": ("<script>alert(1)</script>" + "x" * limiet)[: limiet + 1],
        "een_mb": EEN_MB,
    }


TELLER: Counter[str] = Counter()
"""Hostile inputs tried, per kind of entry point ("formulier", "api", "csv", ...)."""


def geteld(soort: str, aantal: int) -> None:
    TELLER[soort] += aantal


SCHEMATHESIS: Counter[str] = Counter()
"""Requests schemathesis sent, per API operation (tests/beveiliging/test_api_schemathesis.py)."""


# Checks -----------------------------------------------------------------------------------------

GEVAARLIJK = ("<script>alert", "<svg onload", "<b>Lange klacht")


def veilig_getoond(html: str, waarde: str, *, moet_tonen: bool = True) -> None:
    """The value is on the page escaped, never raw: markup arrives as text. A value with line
    breaks is shown line by line (Django's linebreaks filter); in a message text its web and
    e-mail addresses may be links (klachten.templatetags.berichttekst, issue 19), the rest
    escaped all the same."""
    for teken in GEVAARLIJK:
        assert teken not in html, f"{teken!r} onge-escaped in de pagina"
    if any(teken in waarde for teken in "<>\"'&"):
        assert waarde not in html
    if moet_tonen:
        for regel in waarde.splitlines():
            # Django's truncatechars shows a text in NFC: the same characters to the reader.
            getoond = any(
                vorm in html
                for tekst in (regel, unicodedata.normalize("NFC", regel))
                for vorm in (escape(tekst), links_maken(tekst))
            )
            assert getoond, f"{regel!r} niet (escaped) op de pagina"


def mails_veilig(outbox: list[EmailMessage], *, berichten_na: int = 0) -> None:
    """Every e-mail sent: one recipient, no Cc or Bcc, a subject of one line, headers that Django
    accepts; plain text only (no HTML part a hostile text could script). And every message
    written after `berichten_na` (a Bericht pk) was sent: none failed or is still pending."""
    for mail in outbox:
        bericht = mail.message()  # BadHeaderError for a newline in a header
        kop = bericht.as_string().split("\n\n", 1)[0]
        # A hostile subject stays one (possibly folded) header line: no header of its own.
        koppen = [r.split(":", 1)[0].lower() for r in kop.splitlines() if not r[:1].isspace()]
        assert "bcc" not in koppen, kop
        assert "cc" not in koppen, kop
        assert bericht["To"] == mail.to[0]
        assert (mail.cc, mail.bcc, len(mail.to)) == ([], [], 1)
        assert "\n" not in mail.subject
        assert "\r" not in mail.subject
        assert mail.content_subtype == "plain"
        assert not getattr(mail, "alternatives", [])
    niet_verzonden = Bericht.objects.filter(pk__gt=berichten_na).exclude(
        status=BerichtStatus.VERZONDEN
    )
    assert not niet_verzonden.exists(), list(niet_verzonden.values("onderwerp", "laatste_fout"))


def laatste_bericht() -> int:
    """The pk of the newest message (0 without any): mails_veilig checks what came after."""
    return Bericht.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
