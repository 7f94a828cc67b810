"""The charts of the halfjaarlijkse klachtanalyse (issue 19): complaints per month, verdicts,
categories and causes, each drawing the numbers of its table (its own, or the page's table of
categories and causes), as counted by hand on the analysis' dataset."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests import grafieken as g
from tests.rapportage.test_analyse import halfjaar  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("halfjaar")]

URL = reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1})


@pytest.fixture
def html(client, directie):
    client.force_login(directie)
    response = client.get(URL)
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    return response.content.decode()


def pagina_tabel(html: str, bijschrift: str) -> ET.Element:
    gevonden = re.findall(
        rf'<table class="tabel">\s*<caption>{re.escape(bijschrift)}</caption>.*?</table>',
        html,
        flags=re.S,
    )
    assert len(gevonden) == 1
    return ET.fromstring(gevonden[0])


def test_elke_grafiek_is_toegankelijk_en_evenredig(html):
    for naam in ["analyse-per-maand", "analyse-oordeel", "analyse-categorie", "analyse-oorzaak"]:
        figuur = g.figuur(html, naam)
        g.toegankelijk(figuur)
        g.staven_evenredig(figuur)


def test_per_maand_ontvangen_en_afgesloten(html):
    figuur = g.figuur(html, "analyse-per-maand")
    getekend = g.getekend(figuur)
    assert getekend == g.eigen_tabel(figuur)
    # Received on 2 February, 2 March and 1 April, each closed ten days later.
    assert {m for m, _r in getekend} == {"jan 26", "feb 26", "mrt 26", "apr 26", "mei 26", "jun 26"}
    for maand in ("jan 26", "feb 26", "mrt 26", "apr 26", "mei 26", "jun 26"):
        verwacht = 1 if maand in ("feb 26", "mrt 26", "apr 26") else 0
        assert getekend[(maand, "ontvangen")] == verwacht, maand
        assert getekend[(maand, "afgesloten")] == verwacht, maand


def test_oordeel_tegen_het_halfjaar_ervoor(html):
    figuur = g.figuur(html, "analyse-oordeel")
    getekend = g.getekend(figuur)
    assert getekend == g.eigen_tabel(figuur)
    assert getekend[("Gegrond", "per_oordeel-nu")] == 3
    assert getekend[("Gegrond", "per_oordeel-vorige")] == 1  # closed in September 2025
    assert getekend[("Ongegrond", "per_oordeel-nu")] == 0


def test_categorieen_en_oorzaken_tekenen_de_tabel_eronder(html, categorie):
    """The page's own tables (count, the half-year before, difference) hold these charts'
    numbers: the chart draws the first two columns."""
    kolommen = {
        "analyse-categorie": ("per_categorie", "Ontvangen per categorie, met het halfjaar ervoor"),
        "analyse-oorzaak": (
            "per_oorzaak",
            "Afgesloten klachten per oorzaak, met het halfjaar ervoor",
        ),
    }
    for naam, (sleutel, bijschrift) in kolommen.items():
        figuur = g.figuur(html, naam)
        assert figuur.find(".//table") is None  # the page's table is the one beside it
        tabel = g.tabel(
            pagina_tabel(html, bijschrift), [f"{sleutel}-nu", f"{sleutel}-vorige", None]
        )
        assert g.getekend(figuur) == tabel, naam
    categorieen = g.getekend(g.figuur(html, "analyse-categorie"))
    assert categorieen[(categorie.naam, "per_categorie-nu")] == 2
    assert categorieen[("Premie", "per_categorie-vorige")] == 0
    oorzaken = g.getekend(g.figuur(html, "analyse-oorzaak"))
    assert oorzaken[("Fout in de verwerking", "per_oorzaak-vorige")] == 1
