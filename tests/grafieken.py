"""Reading the server-drawn charts (rapportage.grafieken) back from a page: the numbers each chart
draws, the numbers of its table, and the size of its bars, so that tests can hold them against
each other and against figures computed by hand."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

SVG = "{http://www.w3.org/2000/svg}"


def figuur(html: str, naam: str) -> ET.Element:
    """The <figure> of the chart `naam` on the page, as XML (the chart's markup is well formed)."""
    gevonden = re.findall(
        rf'<figure class="rapport-grafiek[^"]*" id="grafiek-{re.escape(naam)}".*?</figure>',
        html,
        flags=re.S,
    )
    assert len(gevonden) == 1, f"chart {naam}: {len(gevonden)} found"
    return ET.fromstring(gevonden[0])


def svg(figuur_: ET.Element) -> ET.Element:
    wortel = figuur_.find(f".//{SVG}svg")
    assert wortel is not None
    return wortel


def getal(tekst: str) -> Decimal | None:
    """A figure as the page writes it ("7,3", "+50", "-20", "12,5%"): None for "geen gegevens"."""
    tekst = tekst.strip()
    if tekst == "geen gegevens":
        return None
    return Decimal(tekst.replace("%", "").replace("+", "").replace(".", "").replace(",", "."))


def getekend(figuur_: ET.Element) -> dict[tuple[str, str], Decimal]:
    """(label, series) -> the value of every bar and marker in the chart."""
    uitkomst = {}
    for element in svg(figuur_).iter():
        if element.get("data-waarde") is not None:
            sleutel = (element.get("data-label"), element.get("data-reeks"))
            assert sleutel not in uitkomst, f"{sleutel} drawn twice"
            uitkomst[sleutel] = Decimal(element.get("data-waarde"))
    return uitkomst


def tabel(tabel_: ET.Element, reeksen: list[str] | None = None) -> dict[tuple[str, str], Decimal]:
    """(row heading, series) -> the value of every cell with a figure; the series of a column
    from its data-reeks, or from `reeksen` (for a page's own table, column by column)."""
    koppen = tabel_.findall("./thead/tr/th")[1:]
    namen = reeksen if reeksen is not None else [th.get("data-reeks") for th in koppen]
    uitkomst = {}
    for rij in tabel_.findall("./tbody/tr"):
        cellen = list(rij)
        label = "".join(cellen[0].itertext()).strip()
        for naam, cel in zip(namen, cellen[1:], strict=False):
            if naam is None:
                continue
            waarde = getal("".join(cel.itertext()))
            if waarde is not None:
                uitkomst[(label, naam)] = waarde
    return uitkomst


def eigen_tabel(figuur_: ET.Element) -> dict[tuple[str, str], Decimal]:
    gevonden = figuur_.find(".//table")
    assert gevonden is not None, "the chart has no table beside it"
    return tabel(gevonden)


def staven(figuur_: ET.Element) -> list[tuple[str, Decimal, float]]:
    """(series, value, length) of each bar: its height when it stands, its width when it lies."""
    wortel = svg(figuur_)
    liggend = "grafiek-liggend" in wortel.get("class").split()
    uitkomst = []
    for rect in wortel.iter(f"{SVG}rect"):
        if rect.get("data-waarde") is None:
            continue
        hoogte, breedte = float(rect.get("height")), float(rect.get("width"))
        uitkomst.append(
            (
                rect.get("data-reeks"),
                Decimal(rect.get("data-waarde")),
                breedte if liggend else hoogte,
            )
        )
    return uitkomst


def staven_evenredig(figuur_: ET.Element) -> None:
    """Within each series, every bar's length is its value times one factor (to the 0.1 px the
    drawing rounds to): what is drawn is the number, not just labelled with it."""
    per_reeks: dict[str, list[tuple[Decimal, float]]] = {}
    for reeks, waarde, lengte in staven(figuur_):
        per_reeks.setdefault(reeks, []).append((waarde, lengte))
    for reeks, paren in per_reeks.items():
        grootste = max(paren, key=lambda p: abs(p[0]))
        if not grootste[0]:
            assert all(lengte <= 0.1 for _w, lengte in paren), reeks
            continue
        factor = grootste[1] / float(abs(grootste[0]))
        for waarde, lengte in paren:
            assert abs(lengte - factor * float(abs(waarde))) <= 0.15, (reeks, waarde, lengte)


def toegankelijk(figuur_: ET.Element) -> None:
    """A chart with a name and a text alternative, no script, no inline style (CSP)."""
    wortel = svg(figuur_)
    assert wortel.get("role") == "img"
    ids = {e.get("id") for e in wortel.iter() if e.get("id")}
    assert set(wortel.get("aria-labelledby").split()) <= ids
    assert (wortel.find(f"{SVG}title").text or "").strip()
    assert (wortel.find(f"{SVG}desc").text or "").strip()
    for element in wortel.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject")
        assert "style" not in element.attrib
        assert not any(naam.startswith("on") for naam in element.attrib)
    kop = figuur_.find("./figcaption/h3")
    assert kop is not None
    assert (kop.text or "").strip()
