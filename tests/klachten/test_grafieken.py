"""How a chart is drawn (klachten.grafieken): bars of groups run from 0 either way by their value,
a missing value is said in words and never drawn as 0, names and titles stay text, and the table
holds the very numbers drawn. No database: the drawing is pure."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import translation

from klachten.grafieken import (
    BLAUW,
    ORANJE,
    Paneel,
    Reeks,
    Schaal,
    groepgrafiek,
    kolomgrafiek,
    nette_schaal,
    nps_schaal,
)

SVG = "{http://www.w3.org/2000/svg}"


def staven(grafiek) -> dict[str, ET.Element]:
    wortel = ET.fromstring(str(grafiek.svg))
    return {r.get("data-label"): r for r in wortel.iter(f"{SVG}rect") if r.get("data-waarde")}


def test_staven_per_groep_lopen_vanaf_nul_naar_hun_waarde():
    with translation.override("nl"):
        grafiek = groepgrafiek(
            "nps",
            "NPS per afdeling",
            ["Schade", "Leven", "Zonder reacties"],
            [Reeks("nps", [50, -25, None], BLAUW, "staaf", titel="NPS")],
            nps_schaal(),
            waarover="per afdeling",
            eerste_kop="Afdeling",
            bijschrift="NPS per afdeling",
        )
    getekend = staven(grafiek)
    assert set(getekend) == {"Schade", "Leven"}  # no bar for a missing value
    schade, leven = getekend["Schade"], getekend["Leven"]
    nul = float(leven.get("x")) + float(leven.get("width"))
    # The positive bar starts at 0 and runs right, twice as long (to the 0.1 px drawn).
    assert abs(float(schade.get("x")) - nul) <= 0.15
    assert abs(float(schade.get("width")) - 2 * float(leven.get("width"))) <= 0.15
    teksten = [t.text for t in ET.fromstring(str(grafiek.svg)).iter(f"{SVG}text")]
    assert "+50" in teksten
    assert "-25" in teksten
    assert "geen gegevens" in teksten
    assert grafiek.tabel.rijen == [
        ["Schade", "+50"],
        ["Leven", "-25"],
        ["Zonder reacties", "geen gegevens"],
    ]
    assert grafiek.tabel.kolommen == [("Afdeling", ""), ("NPS", "nps")]


def test_kolommen_met_twee_reeksen_en_de_tabel_ernaast():
    reeksen = [
        Reeks("a", [1, 4, 0], BLAUW, "staaf", titel="Rapportcijfer"),
        Reeks("b", [2, 0, 3], ORANJE, "staaf", titel="Aanbeveling"),
    ]
    with translation.override("nl"):
        grafiek = kolomgrafiek(
            "verdeling",
            "Verdeling",
            "Het aantal per cijfer.",
            ["8", "9", "10"],
            [Paneel(reeksen, nette_schaal(4, "aantal"))],
            eerste_kop="Cijfer",
            markeer_laatste=False,
        )
    wortel = ET.fromstring(str(grafiek.svg))
    waarden = {
        (r.get("data-label"), r.get("data-reeks")): Decimal(r.get("data-waarde"))
        for r in wortel.iter(f"{SVG}rect")
        if r.get("data-waarde")
    }
    assert waarden == {
        ("8", "a"): 1,
        ("9", "a"): 4,
        ("10", "a"): 0,
        ("8", "b"): 2,
        ("9", "b"): 0,
        ("10", "b"): 3,
    }
    assert grafiek.tabel.kop == ["Cijfer", "Rapportcijfer", "Aanbeveling"]
    assert grafiek.tabel.rijen == [["8", "1", "2"], ["9", "4", "0"], ["10", "0", "3"]]
    # Nothing set apart: no band behind the last column, no bold label.
    assert not [t for t in wortel.iter(f"{SVG}text") if t.get("font-weight") == "bold"]


def test_namen_blijven_tekst():
    naam = '<script>alert("x")</script> & co'
    grafiek = groepgrafiek(
        "namen",
        "<b>Titel</b>",
        [naam],
        [Reeks("x", [3], BLAUW, "staaf", titel="<i>reeks</i>")],
        Schaal(0, 10, [0, 5, 10], "aantal"),
        waarover="per groep",
        eerste_kop="Groep",
        bijschrift="",
    )
    svg = str(grafiek.svg)
    assert "<script" not in svg
    assert "<b>" not in svg
    assert "<i>" not in svg
    wortel = ET.fromstring(svg)
    assert wortel.find(f"{SVG}title").text == "<b>Titel</b>"
    assert staven(grafiek)[naam].get("data-waarde") == "3"
