"""The charts of the maandrapportage (DESIGN.md section 7): server-side SVG over the 13 months of
the trend, so they show without JavaScript, in print and in the PDF.

Each chart comes with a table of the same numbers (for screen readers, and for whoever wants the
figure itself). The series are figures of `maandrapport.FIGUREN`, named by their titles there;
what they mean is written there, once.

The SVG uses presentation attributes only (no stylesheet, no script), which browsers and
WeasyPrint both draw. Series differ by colour and, for greyscale print, by dash pattern, marker
shape and bar fill. A month without a value leaves a gap ("geen gegevens").
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
from rapportage.maandrapport import FIGUREN, Maandoverzicht

FIGUUR = {f.naam: f for f in FIGUREN}


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


@dataclass(frozen=True)
class Grafiek:
    naam: str  # a slug, unique per report: the ids inside the SVG start with it
    titel: str
    svg: SafeString
    tabel: Tabel


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
    naam: str  # the figure in FIGUREN
    waarden: list  # one per month; None is a gap
    stijl: Stijl
    soort: str = "lijn"  # "lijn" or "staaf"

    @property
    def titel(self) -> str:
        return str(FIGUUR[self.naam].titel)


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


def _nette_schaal(maximum: float, eenheid: str) -> Schaal:
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


def _maximum(*reeksen: list) -> float:
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


def _teken(stijl: Stijl, x: float, y: float, titel: str = "") -> str:
    """The marker of a series at (x, y), with its value as a tooltip."""
    vul = "#fff" if stijl.hol else stijl.kleur
    attr = f'fill="{vul}" stroke="{stijl.kleur}" stroke-width="1.8"'
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
    maanden: list[tuple[int, int]],
    panelen: list[Paneel],
) -> SafeString:
    prefix = f"grafiek-{naam}"
    n = len(maanden)
    plot_breedte = BREEDTE - LINKS - RECHTS
    kolom = plot_breedte / n
    labels = [maand_kort(*m) for m in maanden]
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
                        f'stroke-width="1"><title>{escape(tip)}</title></rect>'
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
                    delen.append(_teken(reeks.stijl, LINKS + kolom * (i + 0.5), y_van(waarde), tip))
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
        gewicht = ' font-weight="bold"' if i == n - 1 else ""
        delen.append(
            f'<text x="{_getal(LINKS + kolom * (i + 0.5))}" y="{_getal(y + 18)}" font-size="12" '
            f'fill="{TEKST}" text-anchor="middle"{gewicht}>{escape(label)}</text>'
        )
    totale_hoogte = y + ONDER

    arceringen = {_arcering_id(prefix, r.stijl): r.stijl for r in alle_reeksen if r.stijl.arcering}
    defs = "".join(
        f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{stijl.kleur}" stroke-width="3"/></pattern>'
        for pid, stijl in arceringen.items()
    )
    kop = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grafiek-svg" role="img" '
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


def _tabel(maanden: list[tuple[int, int]], reeksen: list[Reeks]) -> Tabel:
    kop = [_("Maand")]
    for reeks in reeksen:
        eenheid = FIGUUR[reeks.naam].eenheid
        kop.append(
            _("%(titel)s in %(eenheid)s") % {"titel": reeks.titel, "eenheid": eenheid}
            if eenheid
            else reeks.titel
        )
    rijen = [
        [maand_kort(*maand)] + [cijfer_tekst(r.naam, r.waarden[i]) for r in reeksen]
        for i, maand in enumerate(maanden)
    ]
    return Tabel(kop=kop, rijen=rijen)


def _beschrijving(maanden: list[tuple[int, int]], reeksen: list[Reeks]) -> str:
    return _(
        "%(reeksen)s per maand, van %(van)s tot en met %(tot)s. Maanden zonder gegevens blijven "
        "open. De cijfers staan ook in de tabel bij de grafiek."
    ) % {
        "reeksen": ", ".join(r.titel for r in reeksen),
        "van": kalender.maandnaam(*maanden[0]),
        "tot": kalender.maandnaam(*maanden[-1]),
    }


def _grafiek(naam: str, titel: str, maanden, panelen: list[Paneel]) -> Grafiek:
    reeksen = [r for p in panelen for r in p.reeksen]
    return Grafiek(
        naam=naam,
        titel=titel,
        svg=_svg(naam, titel, _beschrijving(maanden, reeksen), maanden, panelen),
        tabel=_tabel(maanden, reeksen),
    )


def grafieken_voor(overzicht: Maandoverzicht) -> list[Grafiek]:
    """The four charts of the month report, over the trend (the 12 months before and this one):
    volume, deadlines met, lead time, and customer satisfaction."""
    maanden = [maand for maand, _figuren in overzicht.trend]
    figuren = [f for _maand, f in overzicht.trend]

    def reeks(naam: str, stijl: Stijl, soort: str = "lijn") -> Reeks:
        return Reeks(naam, [f.waarde(naam) for f in figuren], stijl, soort)

    arcering = Stijl(ORANJE.kleur, arcering=True)
    volume = [
        reeks("ontvangen", BLAUW, "staaf"),
        reeks("afgesloten", arcering, "staaf"),
        reeks("open_einde", GROEN),
    ]
    op_tijd = [
        reeks("bevestigd_op_tijd", BLAUW),
        reeks("statusupdates_op_tijd", ORANJE),
        reeks("beantwoord_op_tijd", GROEN),
    ]
    doorlooptijd = [reeks("doorlooptijd_mediaan", BLAUW), reeks("doorlooptijd_p90", ORANJE)]
    kto = reeks("kto_gemiddelde", BLAUW)
    nps = reeks("nps", PAARS)

    procent = Schaal(0, 100, [0, 25, 50, 75, 100], "%", procent=True)
    cijfer = Schaal(1, 10, list(range(1, 11)), _("cijfer"))
    nps_schaal = Schaal(-100, 100, [-100, -50, 0, 50, 100], _("NPS"), nullijn=True)
    return [
        _grafiek(
            "volume",
            _("Ontvangen, afgesloten en open klachten"),
            maanden,
            [Paneel(volume, _nette_schaal(_maximum(*(r.waarden for r in volume)), _("aantal")))],
        ),
        _grafiek("op-tijd", _("Termijnen op tijd gehaald"), maanden, [Paneel(op_tijd, procent)]),
        _grafiek(
            "doorlooptijd",
            _("Doorlooptijd van afgesloten klachten"),
            maanden,
            [
                Paneel(
                    doorlooptijd,
                    _nette_schaal(_maximum(*(r.waarden for r in doorlooptijd)), _("dagen")),
                )
            ],
        ),
        _grafiek(
            "klanttevredenheid",
            _("Klanttevredenheid"),
            maanden,
            [Paneel([kto], cijfer, hoogte=170), Paneel([nps], nps_schaal, hoogte=150)],
        ),
    ]
