"""Charts drawn on the server as SVG, with a table of the same numbers beside each: the month
report's trend, the KTO dashboard and the half-yearly analysis (issue 19), so that they show
without JavaScript, in print and in the PDF. Which numbers a page charts is its app's business
(rapportage.grafieken, klanttevredenheid.grafieken); how a chart is drawn is written here, once.

Each chart comes with a table of the same numbers (for screen readers, and for whoever wants the
figure itself), built from the same series; every bar and marker carries its series, column and
value as data attributes (data-reeks, data-label, data-waarde).

The SVG uses presentation attributes only (no stylesheet, no script), which browsers and
WeasyPrint both draw, and the Content-Security-Policy needs no exception for. Series differ by
colour and, for greyscale print, by dash pattern, marker shape and bar fill. A month without a
value leaves a gap ("geen gegevens"). Why no chart library (pygal): README, "Libraries and why".

Two kinds: columns along the bottom (months, grades) with lines and bars over one or more
panels (`kolomgrafiek`, `maandgrafiek`), and horizontal bars per group (`groepgrafiek`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from klachten import kalender

# Text of a value -------------------------------------------------------------------------------


def geen_gegevens() -> str:
    return _("geen gegevens")


def cijfer_tekst(naam: str, waarde) -> str:
    """A figure of FIGUREN as the report prints it: "geen gegevens" for a missing percentage,
    median or score, decimals with the language's separator, NPS with its sign."""
    if waarde is None:
        return geen_gegevens()
    tekst = number_format(waarde)
    if naam == "nps" and waarde > 0:
        return f"+{tekst}"
    return tekst


def maand_kort(jaar: int, maand: int) -> str:
    """ "okt 26": the month as the charts' axis shows it."""
    return dateformat.format(dt.date(jaar, maand, 1), "b y")


# What the charts are made of -------------------------------------------------------------------


@dataclass(frozen=True)
class Tabel:
    """The chart's numbers: `kop` the column headings, `rijen` one row per month, the month first;
    every cell already text ("geen gegevens" where there is no value)."""

    kop: list[str]
    rijen: list[list[str]]
    reeksen: list[str] = field(default_factory=list)  # the series of each column after the first

    @property
    def kolommen(self) -> list[tuple[str, str]]:
        """(heading, series) of each column; the first (the rows' heading) has no series."""
        return list(zip(self.kop, ["", *self.reeksen], strict=True))


@dataclass(frozen=True)
class Grafiek:
    naam: str  # a slug, unique per report: the ids inside the SVG start with it
    titel: str
    svg: SafeString
    tabel: Tabel | None  # None: the page shows the chart's numbers in a table of its own
    bijschrift: str = ""  # the table's caption; "" is "<titel>: de cijfers per maand"
    markeer_laatste: bool = True  # the last row is the report month


@dataclass(frozen=True)
class Stijl:
    kleur: str
    streep: str = ""  # stroke-dasharray; "" is a solid line
    teken: str = "rondje"  # marker: rondje, vierkant, driehoek, ruit
    hol: bool = False  # marker filled white (outlined)
    arcering: bool = False  # bars: hatched instead of solid


# Dark blue, burnt orange and green: apart in colour, and in greyscale by line and marker.
BLAUW = Stijl("#1f4e79", teken="rondje")
ORANJE = Stijl("#b85600", streep="8 4", teken="vierkant", hol=True)
GROEN = Stijl("#2e7d32", streep="2 3", teken="driehoek")
PAARS = Stijl("#6a3d9a", streep="10 3 2 3", teken="ruit", hol=True)


@dataclass(frozen=True)
class Reeks:
    naam: str  # a slug: "nps" is written with its sign; the SVG's data-reeks
    waarden: list  # one per column (month, grade) or group; None is a gap
    stijl: Stijl
    soort: str = "lijn"  # "lijn" or "staaf"
    titel: str = ""  # in the legend and the table's heading
    eenheid: str = ""  # "%", "dagen"; "" a count or grade


@dataclass(frozen=True)
class Schaal:
    laag: float
    hoog: float
    streepjes: list  # the values with a grid line and a label
    eenheid: str  # above the axis: "aantal", "%", "dagen"
    procent: bool = False
    nullijn: bool = False  # a stronger line at 0 (a scale that runs below 0)


@dataclass
class Paneel:
    reeksen: list[Reeks]
    schaal: Schaal
    hoogte: int = 220
    legenda: list = field(default_factory=list)


def nette_schaal(maximum: float, eenheid: str) -> Schaal:
    """0 up to a round number at or above the maximum, in at most 5 steps of 1, 2 or 5 x 10^n."""
    maximum = max(float(maximum or 0), 1.0)
    stap = 1.0
    for macht in range(0, 7):
        for factor in (1, 2, 5):
            stap = factor * 10**macht
            if math.ceil(maximum / stap) <= 5:
                break
        else:
            continue
        break
    hoog = stap * math.ceil(maximum / stap)
    return Schaal(0, hoog, [stap * i for i in range(int(hoog / stap) + 1)], eenheid)


def maximum(*reeksen: list) -> float:
    return max((float(w) for r in reeksen for w in r if w is not None), default=0.0)


# Drawing ---------------------------------------------------------------------------------------

BREEDTE = 720
LINKS = 50
RECHTS = 14
BOVEN = 14  # above the legend
LEGENDA_REGEL = 20
ONDER = 30  # the month labels
TUSSEN = 6  # between two panels (the unit label of the next one comes on top)
LETTER = 'font-family="Helvetica, Arial, sans-serif"'
TEKST = "#1b1b1b"
ZACHT = "#555b61"
RASTER = "#d5dae0"


def _getal(waarde: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros."""
    return f"{waarde:.1f}".rstrip("0").rstrip(".")


def _as_tekst(waarde: float, schaal: Schaal) -> str:
    getal = int(waarde) if float(waarde).is_integer() else Decimal(str(waarde))
    tekst = number_format(getal, use_l10n=True)
    if schaal.nullijn and waarde > 0:
        tekst = f"+{tekst}"
    return f"{tekst}%" if schaal.procent else tekst


def _data(reeks: Reeks, waarde, label: str) -> str:
    """The value drawn, readable by a machine (tests, tools): the series, the column or group
    (as the table's row heading writes it) and the value."""
    return (
        f'data-reeks="{escape(reeks.naam)}" data-label="{escape(label)}" '
        f'data-waarde="{escape(str(waarde))}"'
    )


def _teken(stijl: Stijl, x: float, y: float, titel: str = "", data: str = "") -> str:
    """The marker of a series at (x, y), with its value as a tooltip."""
    vul = "#fff" if stijl.hol else stijl.kleur
    attr = f'fill="{vul}" stroke="{stijl.kleur}" stroke-width="1.8"' + (f" {data}" if data else "")
    x_, y_ = _getal(x), _getal(y)
    if stijl.teken == "vierkant":
        vorm = f'<rect x="{_getal(x - 4)}" y="{_getal(y - 4)}" width="8" height="8" {attr}>'
        sluit = "</rect>"
    elif stijl.teken == "driehoek":
        punten = (
            f"{x_},{_getal(y - 5)} {_getal(x + 5)},{_getal(y + 4)} {_getal(x - 5)},{_getal(y + 4)}"
        )
        vorm, sluit = f'<polygon points="{punten}" {attr}>', "</polygon>"
    elif stijl.teken == "ruit":
        punten = f"{x_},{_getal(y - 5.5)} {_getal(x + 5.5)},{y_} {x_},{_getal(y + 5.5)} {_getal(x - 5.5)},{y_}"
        vorm, sluit = f'<polygon points="{punten}" {attr}>', "</polygon>"
    else:
        vorm, sluit = f'<circle cx="{x_}" cy="{y_}" r="4" {attr}>', "</circle>"
    return vorm + (f"<title>{escape(titel)}</title>" if titel else "") + sluit


def _arcering_id(prefix: str, stijl: Stijl) -> str:
    return f"{prefix}-arcering-{stijl.kleur.lstrip('#')}"


def _vulling(prefix: str, stijl: Stijl) -> str:
    return f"url(#{_arcering_id(prefix, stijl)})" if stijl.arcering else stijl.kleur


def _legenda(prefix: str, reeksen: list[Reeks], y: float) -> tuple[list[str], float]:
    """Swatches with the series' titles, in as many rows as the width needs; returns the SVG
    parts and the height used."""
    delen, x, regel = [], float(LINKS), 0
    for reeks in reeksen:
        breedte = 30 + 7 * len(reeks.titel) + 22
        if x + breedte > BREEDTE - RECHTS and x > LINKS:
            x, regel = float(LINKS), regel + 1
        ym = y + regel * LEGENDA_REGEL
        if reeks.soort == "staaf":
            delen.append(
                f'<rect x="{_getal(x)}" y="{_getal(ym - 6)}" width="22" height="12" '
                f'fill="{_vulling(prefix, reeks.stijl)}" stroke="{reeks.stijl.kleur}" '
                'stroke-width="1.2"/>'
            )
        else:
            delen.append(
                f'<line x1="{_getal(x)}" y1="{_getal(ym)}" x2="{_getal(x + 26)}" y2="{_getal(ym)}" '
                f'stroke="{reeks.stijl.kleur}" stroke-width="2.5"'
                + (f' stroke-dasharray="{reeks.stijl.streep}"' if reeks.stijl.streep else "")
                + "/>"
            )
            delen.append(_teken(reeks.stijl, x + 13, ym))
        delen.append(
            f'<text x="{_getal(x + 32)}" y="{_getal(ym + 4.5)}" font-size="13" '
            f'fill="{TEKST}">{escape(reeks.titel)}</text>'
        )
        x += breedte
    return delen, (regel + 1) * LEGENDA_REGEL


def _svg(
    naam: str,
    titel: str,
    beschrijving: str,
    labels: list[str],
    panelen: list[Paneel],
    markeer_laatste: bool = True,
) -> SafeString:
    """Columns (months, or grades) along the bottom, with lines and bars over one or more panels
    of their own scale; `markeer_laatste` sets the last column (the report month) apart."""
    prefix = f"grafiek-{naam}"
    n = len(labels)
    plot_breedte = BREEDTE - LINKS - RECHTS
    kolom = plot_breedte / n
    delen: list[str] = []

    alle_reeksen = [r for p in panelen for r in p.reeksen]
    legenda, legenda_hoogte = _legenda(prefix, alle_reeksen, BOVEN + 8)
    delen += legenda
    y = BOVEN + legenda_hoogte + 10

    for index, paneel in enumerate(panelen):
        if index:
            y += TUSSEN
        top, hoogte, schaal = y + 24, paneel.hoogte, paneel.schaal
        bodem = top + hoogte

        def y_van(waarde, top=top, hoogte=hoogte, schaal=schaal):
            deel = (float(waarde) - schaal.laag) / (schaal.hoog - schaal.laag)
            return top + hoogte * (1 - min(max(deel, 0.0), 1.0))

        # The report month stands out: a light band behind its column.
        if markeer_laatste:
            delen.append(
                f'<rect x="{_getal(LINKS + kolom * (n - 1))}" y="{_getal(top - 8)}" '
                f'width="{_getal(kolom)}" height="{_getal(hoogte + 8)}" fill="#eef3f8"/>'
            )
        # Unit (above the axis labels), grid and axis labels.
        if not schaal.procent:
            delen.append(
                f'<text x="{LINKS - 6}" y="{_getal(top - 12)}" font-size="12" fill="{ZACHT}" '
                f'text-anchor="end">{escape(schaal.eenheid)}</text>'
            )
        for waarde in schaal.streepjes:
            yy = y_van(waarde)
            sterk = waarde == 0 and (schaal.nullijn or schaal.laag == 0)
            delen.append(
                f'<line x1="{LINKS}" y1="{_getal(yy)}" x2="{BREEDTE - RECHTS}" y2="{_getal(yy)}" '
                f'stroke="{"#6b7280" if sterk else RASTER}" stroke-width="{1.2 if sterk else 1}"/>'
            )
            delen.append(
                f'<text x="{LINKS - 6}" y="{_getal(yy + 4)}" font-size="12" fill="{ZACHT}" '
                f'text-anchor="end">{escape(_as_tekst(waarde, schaal))}</text>'
            )

        # Months without any value in this panel: said in words, not drawn as zero.
        for i in range(n):
            if all(r.waarden[i] is None for r in paneel.reeksen):
                xm, ym = LINKS + kolom * (i + 0.5), top + hoogte / 2
                delen.append(
                    f'<text x="{_getal(xm)}" y="{_getal(ym)}" font-size="10.5" fill="{ZACHT}" '
                    f'text-anchor="middle" transform="rotate(-90 {_getal(xm)} {_getal(ym)})">'
                    f"{escape(geen_gegevens())}</text>"
                )

        # Bars first (side by side within a month), then lines on top.
        staven = [r for r in paneel.reeksen if r.soort == "staaf"]
        if staven:
            staaf = min(kolom * 0.72 / len(staven), 18)
            begin = (kolom - staaf * len(staven)) / 2
            for s, reeks in enumerate(staven):
                for i, waarde in enumerate(reeks.waarden):
                    if waarde is None:
                        continue
                    x = LINKS + kolom * i + begin + staaf * s
                    yy = y_van(waarde)
                    tip = f"{labels[i]} · {reeks.titel}: {cijfer_tekst(reeks.naam, waarde)}"
                    delen.append(
                        f'<rect x="{_getal(x)}" y="{_getal(yy)}" width="{_getal(staaf - 1)}" '
                        f'height="{_getal(max(bodem - yy, 0))}" '
                        f'fill="{_vulling(prefix, reeks.stijl)}" stroke="{reeks.stijl.kleur}" '
                        f'stroke-width="1" {_data(reeks, waarde, labels[i])}>'
                        f"<title>{escape(tip)}</title></rect>"
                    )
        for reeks in paneel.reeksen:
            if reeks.soort != "lijn":
                continue
            stukken, stuk = [], []
            for i, waarde in enumerate(reeks.waarden):
                if waarde is None:
                    if stuk:
                        stukken.append(stuk)
                    stuk = []
                else:
                    stuk.append((LINKS + kolom * (i + 0.5), y_van(waarde)))
            if stuk:
                stukken.append(stuk)
            for stuk in stukken:
                if len(stuk) > 1:
                    d = " ".join(
                        f"{'M' if j == 0 else 'L'}{_getal(x)},{_getal(yy)}"
                        for j, (x, yy) in enumerate(stuk)
                    )
                    delen.append(
                        f'<path d="{d}" fill="none" stroke="{reeks.stijl.kleur}" '
                        'stroke-width="2.5" stroke-linejoin="round"'
                        + (
                            f' stroke-dasharray="{reeks.stijl.streep}"'
                            if reeks.stijl.streep
                            else ""
                        )
                        + "/>"
                    )
            for i, waarde in enumerate(reeks.waarden):
                if waarde is not None:
                    tip = f"{labels[i]} · {reeks.titel}: {cijfer_tekst(reeks.naam, waarde)}"
                    delen.append(
                        _teken(
                            reeks.stijl,
                            LINKS + kolom * (i + 0.5),
                            y_van(waarde),
                            tip,
                            _data(reeks, waarde, labels[i]),
                        )
                    )
        # Frame of the plot.
        delen.append(
            f'<line x1="{LINKS}" y1="{_getal(top - 8)}" x2="{LINKS}" y2="{_getal(bodem)}" '
            'stroke="#6b7280" stroke-width="1"/>'
        )
        if not (schaal.laag == 0 or schaal.nullijn):
            delen.append(
                f'<line x1="{LINKS}" y1="{_getal(bodem)}" x2="{BREEDTE - RECHTS}" '
                f'y2="{_getal(bodem)}" stroke="#6b7280" stroke-width="1"/>'
            )
        y = bodem

    # Month labels under the last panel; the report month in bold.
    for i, label in enumerate(labels):
        gewicht = ' font-weight="bold"' if markeer_laatste and i == n - 1 else ""
        delen.append(
            f'<text x="{_getal(LINKS + kolom * (i + 0.5))}" y="{_getal(y + 18)}" font-size="12" '
            f'fill="{TEKST}" text-anchor="middle"{gewicht}>{escape(label)}</text>'
        )
    return _omhulsel(prefix, titel, beschrijving, alle_reeksen, delen, y + ONDER)


def _omhulsel(
    prefix: str,
    titel: str,
    beschrijving: str,
    reeksen: list[Reeks],
    delen: list[str],
    totale_hoogte: float,
    liggend: bool = False,
) -> SafeString:
    """The <svg> around the drawn parts: its title and description (the accessible name and
    text alternative), the hatching patterns and a white background."""
    arceringen = {_arcering_id(prefix, r.stijl): r.stijl for r in reeksen if r.stijl.arcering}
    defs = "".join(
        f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{stijl.kleur}" stroke-width="3"/></pattern>'
        for pid, stijl in arceringen.items()
    )
    kop = (
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'class="grafiek-svg{" grafiek-liggend" if liggend else ""}" role="img" '
        f'viewBox="0 0 {BREEDTE} {_getal(totale_hoogte)}" width="{BREEDTE}" '
        f'height="{_getal(totale_hoogte)}" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{prefix}-titel {prefix}-beschrijving" {LETTER}>'
        f'<title id="{prefix}-titel">{escape(titel)}</title>'
        f'<desc id="{prefix}-beschrijving">{escape(beschrijving)}</desc>'
        + (f"<defs>{defs}</defs>" if defs else "")
        + f'<rect width="{BREEDTE}" height="{_getal(totale_hoogte)}" fill="#fff"/>'
    )
    # Everything above was escaped or is made of numbers and fixed attributes.
    return mark_safe(kop + "".join(delen) + "</svg>")


def _tabel(labels: list[str], reeksen: list[Reeks], eerste_kop: str | None = None) -> Tabel:
    kop = [eerste_kop or _("Maand")]
    for reeks in reeksen:
        eenheid = reeks.eenheid
        kop.append(
            _("%(titel)s in %(eenheid)s") % {"titel": reeks.titel, "eenheid": eenheid}
            if eenheid
            else reeks.titel
        )
    rijen = [
        [label] + [cijfer_tekst(r.naam, r.waarden[i]) for r in reeksen]
        for i, label in enumerate(labels)
    ]
    return Tabel(kop=kop, rijen=rijen, reeksen=[r.naam for r in reeksen])


def maandbeschrijving(maanden: list[tuple[int, int]], reeksen: list[Reeks]) -> str:
    return _(
        "%(reeksen)s per maand, van %(van)s tot en met %(tot)s. Maanden zonder gegevens blijven "
        "open. De cijfers staan ook in de tabel bij de grafiek."
    ) % {
        "reeksen": ", ".join(r.titel for r in reeksen),
        "van": kalender.maandnaam(*maanden[0]),
        "tot": kalender.maandnaam(*maanden[-1]),
    }


# Charts of groups (afdelingen, categories, causes, grades) -------------------------------------

GROEP_LABELS = 200  # the width of the group names on the left of horizontal bars
GROEP_WAARDE = 56  # room right of the longest bar for its value
STAAF_DIKTE = 14
GROEP_TUSSEN = 10
NAAM_MAX = 28  # characters of a group name drawn; the table has the whole name


def _ingekort(naam: str) -> str:
    return naam if len(naam) <= NAAM_MAX else naam[: NAAM_MAX - 1].rstrip() + "…"


def _liggend_svg(
    naam: str,
    titel: str,
    beschrijving: str,
    groepen: list[str],
    reeksen: list[Reeks],
    schaal: Schaal,
) -> SafeString:
    """Horizontal bars: one row per group (its name on the left), the series side by side within
    it, each bar with its value at its end; a bar runs from 0 (or the scale's bottom) and a
    missing value is said in words."""
    prefix = f"grafiek-{naam}"
    delen: list[str] = []
    y = float(BOVEN)
    if len(reeksen) > 1:
        legenda, legenda_hoogte = _legenda(prefix, reeksen, BOVEN + 8)
        delen += legenda
        y += legenda_hoogte
    links, rechts = GROEP_LABELS, BREEDTE - RECHTS - GROEP_WAARDE
    rij_hoogte = len(reeksen) * (STAAF_DIKTE + 2) + GROEP_TUSSEN
    top = y + 10
    bodem = top + max(len(groepen), 1) * rij_hoogte

    def x_van(waarde) -> float:
        deel = (float(waarde) - schaal.laag) / (schaal.hoog - schaal.laag)
        return links + (rechts - links) * min(max(deel, 0.0), 1.0)

    nul = x_van(max(schaal.laag, 0))
    for waarde in schaal.streepjes:
        xx = x_van(waarde)
        sterk = waarde == 0
        delen.append(
            f'<line x1="{_getal(xx)}" y1="{_getal(top - 4)}" x2="{_getal(xx)}" '
            f'y2="{_getal(bodem)}" stroke="{"#6b7280" if sterk else RASTER}" '
            f'stroke-width="{1.2 if sterk else 1}"/>'
        )
        delen.append(
            f'<text x="{_getal(xx)}" y="{_getal(bodem + 16)}" font-size="12" fill="{ZACHT}" '
            f'text-anchor="middle">{escape(_as_tekst(waarde, schaal))}</text>'
        )
    if schaal.eenheid and not schaal.procent:
        delen.append(
            f'<text x="{rechts}" y="{_getal(bodem + 32)}" font-size="12" fill="{ZACHT}" '
            f'text-anchor="end">{escape(schaal.eenheid)}</text>'
        )
    for g, groep in enumerate(groepen):
        rij_top = top + g * rij_hoogte
        midden = rij_top + (rij_hoogte - GROEP_TUSSEN) / 2
        delen.append(
            f'<text x="{links - 8}" y="{_getal(midden + 4)}" font-size="12.5" fill="{TEKST}" '
            f'text-anchor="end">{escape(_ingekort(groep))}</text>'
        )
        for s, reeks in enumerate(reeksen):
            waarde = reeks.waarden[g]
            yy = rij_top + s * (STAAF_DIKTE + 2)
            tekst = cijfer_tekst(reeks.naam, waarde)
            if waarde is None:
                delen.append(
                    f'<text x="{_getal(nul + 4)}" y="{_getal(yy + STAAF_DIKTE - 3)}" '
                    f'font-size="11" fill="{ZACHT}">{escape(tekst)}</text>'
                )
                continue
            eind = x_van(waarde)
            x, breedte = min(nul, eind), abs(eind - nul)
            tip = f"{groep} · {reeks.titel}: {tekst}"
            delen.append(
                f'<rect x="{_getal(x)}" y="{_getal(yy)}" width="{_getal(breedte)}" '
                f'height="{STAAF_DIKTE}" fill="{_vulling(prefix, reeks.stijl)}" '
                f'stroke="{reeks.stijl.kleur}" stroke-width="1" {_data(reeks, waarde, groep)}>'
                f"<title>{escape(tip)}</title></rect>"
            )
            negatief = eind < nul
            delen.append(
                f'<text x="{_getal(eind - 4 if negatief else eind + 4)}" '
                f'y="{_getal(yy + STAAF_DIKTE - 3)}" font-size="11.5" fill="{TEKST}"'
                + (' text-anchor="end"' if negatief else "")
                + f">{escape(tekst)}</text>"
            )
    delen.append(
        f'<line x1="{_getal(nul)}" y1="{_getal(top - 4)}" x2="{_getal(nul)}" '
        f'y2="{_getal(bodem)}" stroke="#6b7280" stroke-width="1.2"/>'
    )
    hoogte = bodem + (40 if schaal.eenheid and not schaal.procent else 26)
    return _omhulsel(prefix, titel, beschrijving, reeksen, delen, hoogte, liggend=True)


def _groepen_beschrijving(reeksen: list[Reeks], waarover: str) -> str:
    return _("%(reeksen)s %(waarover)s. De cijfers staan ook in de tabel bij de grafiek.") % {
        "reeksen": ", ".join(r.titel for r in reeksen),
        "waarover": waarover,
    }


def groepgrafiek(
    naam: str,
    titel: str,
    groepen: list[str],
    reeksen: list[Reeks],
    schaal: Schaal,
    *,
    waarover: str,
    eerste_kop: str,
    bijschrift: str,
    met_tabel: bool = True,
) -> Grafiek:
    """Horizontal bars per group (afdeling, category, cause, verdict), with the table of the same
    numbers; `met_tabel=False` where the page's own table beside the chart holds them."""
    return Grafiek(
        naam=naam,
        titel=titel,
        svg=_liggend_svg(
            naam, titel, _groepen_beschrijving(reeksen, waarover), groepen, reeksen, schaal
        ),
        tabel=_tabel(groepen, reeksen, eerste_kop) if met_tabel else None,
        bijschrift=bijschrift,
        markeer_laatste=False,
    )


def cijferschaal() -> Schaal:
    return Schaal(1, 10, list(range(1, 11)), _("cijfer"))


def nps_schaal() -> Schaal:
    return Schaal(-100, 100, [-100, -50, 0, 50, 100], _("NPS"), nullijn=True)


def kolomgrafiek(
    naam: str,
    titel: str,
    beschrijving: str,
    labels: list[str],
    panelen: list[Paneel],
    *,
    eerste_kop: str | None = None,
    bijschrift: str = "",
    markeer_laatste: bool = True,
) -> Grafiek:
    """Columns along the bottom (`labels`: months, grades), with lines and bars over one or more
    panels, and the table of the same numbers (one row per column)."""
    reeksen = [r for p in panelen for r in p.reeksen]
    return Grafiek(
        naam=naam,
        titel=titel,
        svg=_svg(naam, titel, beschrijving, labels, panelen, markeer_laatste),
        tabel=_tabel(labels, reeksen, eerste_kop),
        bijschrift=bijschrift,
        markeer_laatste=markeer_laatste,
    )


def maandgrafiek(
    naam: str,
    titel: str,
    maanden: list[tuple[int, int]],
    panelen: list[Paneel],
    *,
    labels: list[str] | None = None,
    markeer_laatste: bool = True,
) -> Grafiek:
    """A chart over months ((year, month) in order), labelled "okt 26" unless `labels` says."""
    reeksen = [r for p in panelen for r in p.reeksen]
    return kolomgrafiek(
        naam,
        titel,
        maandbeschrijving(maanden, reeksen),
        labels if labels is not None else [maand_kort(*m) for m in maanden],
        panelen,
        markeer_laatste=markeer_laatste,
    )
