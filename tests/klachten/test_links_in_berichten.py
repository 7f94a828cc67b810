"""Links in message texts are clickable, safely (issue 19): on the customer's status page and on
the dossier's timeline, the text escaped, every link with rel noopener nofollow noreferrer (our
own status link must not leak through the Referer), never a javascript: or data: link."""

import re

import pytest
from django.urls import reverse

from klachten import services
from klachten.templatetags.berichttekst import met_links
from klachten.workflow import KLANT, Status
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db

REL = 'rel="noopener nofollow noreferrer"'


def links(html: str) -> list[str]:
    return re.findall(r"<a [^>]*>", html)


def test_adressen_worden_links_met_veilige_rel_en_de_tekst_blijft_escaped():
    html = met_links(
        "Zie https://example.nl/pad?a=1&b=2 of www.example.be.\n\n"
        "Mail info@example.nl <script>alert(1)</script>"
    )

    assert f'<a href="https://example.nl/pad?a=1&amp;b=2" {REL}>' in html
    assert f'<a href="http://www.example.be" {REL}>' in html
    assert '<a href="mailto:info@example.nl">info@example.nl</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert html.count("<p>") == 2


@pytest.mark.parametrize(
    ("tekst", "einde"),
    [
        ("Kifid (https://www.kifid.nl).", "</a>)."),
        ("Kifid: https://www.kifid.nl.", "</a>."),
        ("Schrijf naar klachten@example.nl!", "</a>!"),
    ],
)
def test_leestekens_na_een_link_blijven_staan(tekst, einde):
    """Django's urlize drops a full stop after a closing bracket; the message keeps every
    character the customer is meant to read."""
    html = str(met_links(tekst))
    assert html.removeprefix("<p>").removesuffix("</p>").endswith(einde)
    assert re.sub(r"<[^>]+>", "", html) == tekst


@pytest.mark.parametrize(
    "tekst",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        'https://example.nl/"onmouseover="alert(1)',
        '<a href="javascript:alert(1)">klik</a>',
        "http://example.nl/<img src=x onerror=alert(1)>",
    ],
)
def test_vijandige_adressen_worden_nooit_een_gevaarlijke_link(tekst):
    html = met_links(tekst)

    for a in links(html):
        assert re.fullmatch(r'<a href="(https?://|mailto:)[^"<>]*"( rel="[^"]*")?>', a)
        assert "javascript:" not in a
        assert "data:" not in a
    assert "<img" not in html
    assert 'onmouseover="' not in html


def test_statuspagina_maakt_links_in_onze_berichten_klikbaar_zonder_referer(
    client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    services.statusupdate_sturen(
        klacht=klacht,
        door=behandelaar,
        onderwerp="Stand van zaken",
        tekst="Lees de voorwaarden op https://example.nl/voorwaarden <b>vet</b>",
    )

    html = client.get(reverse("klachten:status", args=[klacht.status_token])).content.decode()

    assert f'<a href="https://example.nl/voorwaarden" {REL}>' in html
    assert "&lt;b&gt;vet&lt;/b&gt;" in html


def test_dossier_maakt_links_in_een_bericht_van_de_klant_klikbaar(client, behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    services.klantbericht_toevoegen(
        klacht=klacht, door=KLANT, tekst='Mijn foto\'s: https://foto.example.nl/album "x"'
    )
    client.force_login(behandelaar)

    html = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).content.decode()

    assert f'<a href="https://foto.example.nl/album" {REL}>' in html
    assert "&quot;x&quot;" in html
