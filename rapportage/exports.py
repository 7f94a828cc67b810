"""The maandrapportage as files: CSV, Excel and PDF (DESIGN.md section 7).

Every number comes from rapportage.maandrapport (the `Figuren` of a `Maandoverzicht`, named and
defined by `FIGUREN`); this module only lays them out. `tabellen()` turns an overzicht into plain
tables (a title, column headers, rows of text, int, Decimal, date or None) that the three formats
write the same way:

- CSV, for Dutch Excel: UTF-8 with a byte order mark, `;` between fields, a decimal comma and no
  thousands separator (whatever the language of the user: the file is meant to be opened by a
  Dutch Excel, which reads `1,5` as a number and `1.5` as a date). Percentages are a number of
  percent (`87,5`) without a % sign; a figure without data ("geen gegevens") is an empty field.
  The tables follow each other, each under its title, separated by an empty line.
- Excel: one sheet per table with real numbers; percentages are stored as fractions (0.875) with a
  percent format, so Excel shows 87.5% and can compute with them; no data is an empty cell.
- PDF: templates/rapportage/maandrapport_pdf.html rendered by WeasyPrint, which fetches nothing
  from the network (`url_fetcher()`), with the charts of rapportage.grafieken.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import mimetypes
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klachten import kalender
from klachten.models import Uitkomst
from klachten.termijnen import TermijnSoort
from klachten.workflow import Oordeel
from rapportage import grafieken, maandrapport, selectors
from rapportage.maandrapport import FIGUREN, Figuren, Maandoverzicht

# The figures the PDF's first page highlights, with the month before for comparison.
KERNCIJFERS = (
    "ontvangen",
    "afgesloten",
    "open_einde",
    "beantwoord_op_tijd",
    "doorlooptijd_mediaan",
    "kto_gemiddelde",
)
# The percentages of deadlines met: the PDF shows their base ("7 van 8") under them.
TERMIJN_VAN = {
    "bevestigd_op_tijd": TermijnSoort.ONTVANGSTBEVESTIGING,
    "statusupdates_op_tijd": TermijnSoort.STATUSUPDATE,
    "beantwoord_op_tijd": TermijnSoort.ANTWOORD,
}
# Afdelingen side by side in one table of the PDF (more continue in a next table).
PDF_KOLOMMEN = 6
GEEN_GEGEVENS = "\u2013"  # an en dash: the PDF's "geen gegevens"


# Tables ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kolom:
    titel: str
    procent: bool = False  # the values are percentages (0-100)


@dataclass
class Tabel:
    """One table of the report: an Excel sheet, a section of the CSV, a table in the PDF."""

    sleutel: str  # which table: "cijfers", "categorie", ...
    blad: str  # the name of the Excel sheet
    titel: str
    kolommen: list[Kolom]
    rijen: list[list]
    totaal: list | None = None  # the total row, last and bold
    leeg: str = ""  # what the PDF says when there are no rows

    @property
    def alle_rijen(self) -> list[list]:
        return [*self.rijen, self.totaal] if self.totaal is not None else list(self.rijen)


@dataclass(frozen=True)
class Kop:
    """What every export says about itself: which month, which part, how final."""

    titel: str
    maandnaam: str
    label: str
    afdelingen: str
    status: str  # "Vastgelegd op ..." or "Voorlopig"
    toelichting: str  # why a report is voorlopig ("" when it is not)
    bevroren: bool
    gemaakt_op: str

    @property
    def status_lang(self) -> str:
        return f"{self.status}: {self.toelichting}" if self.toelichting else self.status

    @property
    def regels(self) -> list[tuple[str, str]]:
        return [
            (_("Label"), self.label),
            (_("Afdelingen"), self.afdelingen),
            (_("Status"), self.status_lang),
            (_("Gemaakt op"), self.gemaakt_op),
        ]


def _moment(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def kop(overzicht: Maandoverzicht, *, label, afdelingen, namen: selectors.Namen) -> Kop:
    from rapportage.models import Maandrapport

    maandnaam = kalender.maandnaam(overzicht.jaar, overzicht.maand)
    if overzicht.bevroren:
        berekend_op = (
            Maandrapport.objects.filter(jaar=overzicht.jaar, maand=overzicht.maand)
            .values_list("berekend_op", flat=True)
            .first()
        )
        status = _("Vastgelegd op %(moment)s") % {
            "moment": _moment(berekend_op) if berekend_op else "?"
        }
        toelichting = ""
    else:
        status = _("Voorlopig")
        toelichting = _(
            "de maand loopt nog of is nog niet vastgelegd; de cijfers kunnen nog veranderen."
        )
    if afdelingen is None:
        afdelingen_tekst = _("Alle afdelingen")
    elif not afdelingen:
        afdelingen_tekst = _("Geen afdelingen")
    else:
        afdelingen_tekst = ", ".join(sorted(namen.afdeling(a) for a in afdelingen))
    return Kop(
        titel=_("Maandrapportage klachten %(maand)s") % {"maand": maandnaam},
        maandnaam=maandnaam,
        label=label.naam if label is not None else _("Alle labels"),
        afdelingen=afdelingen_tekst,
        status=status,
        toelichting=toelichting,
        bevroren=overzicht.bevroren,
        gemaakt_op=_moment(timezone.now()),
    )


def figuurkop(figuur) -> str:
    """A figure's column header: its title with its unit."""
    if figuur.eenheid == "%":
        return f"{figuur.titel} (%)"
    if figuur.eenheid:
        return f"{figuur.titel}, {figuur.eenheid}"
    return str(figuur.titel)


def _figuurkolommen() -> list[Kolom]:
    return [Kolom(figuurkop(f), procent=f.eenheid == "%") for f in FIGUREN]


def _figuurwaarden(figuren: Figuren) -> list:
    return [figuren.waarde(f.naam) for f in FIGUREN]


def _per_afdeling(overzicht: Maandoverzicht, namen) -> list[tuple[str, Figuren]]:
    return sorted(
        ((namen.afdeling(a), f) for a, f in overzicht.per_afdeling), key=lambda r: r[0].lower()
    )


def _verdeling(teller, naam_van, totaal: int) -> tuple[list[list], list]:
    """Rows (name, received, share of received) for a Counter, largest first; and the total."""
    rijen = [
        [naam_van(sleutel), aantal, maandrapport.percentage(aantal, totaal)]
        for sleutel, aantal in teller.items()
        if aantal
    ]
    rijen.sort(key=lambda r: (-r[1], str(r[0]).lower()))
    return rijen, [_("Totaal"), totaal, maandrapport.percentage(totaal, totaal)]


def _oordeelkolommen() -> list[Kolom]:
    """Closed, then each verdict (the figure's title where FIGUREN has one), then closed without
    a verdict, as the page shows them: the verdicts and "zonder oordeel" add up to the closed."""
    titels = {f.naam: str(f.titel) for f in FIGUREN}
    return [
        Kolom(titels["afgesloten"]),
        *(Kolom(titels.get(code, str(label))) for code, label in Oordeel.choices),
        Kolom(_("Zonder oordeel")),
    ]


def _oordeelwaarden(figuren: Figuren) -> list:
    per_oordeel = [figuren.b.oordeel[code] for code in Oordeel.values]
    return [figuren.afgesloten, *per_oordeel, figuren.afgesloten - sum(per_oordeel)]


def tabellen(overzicht: Maandoverzicht, *, namen: selectors.Namen) -> list[Tabel]:
    """The report's tables, in the order of the CSV and the Excel sheets."""
    totaal = overzicht.totaal
    afdelingen = _per_afdeling(overzicht, namen)
    uitkomsten = [u for u in Uitkomst if u != Uitkomst.LOPEND]

    beslist: dict[str, dict[str, int]] = {}
    for sleutel, aantal in overzicht.extern_beslist.items():
        instantie, uitkomst = sleutel.split("|", 1)
        beslist.setdefault(instantie, {})[uitkomst] = aantal
    instanties = sorted(
        {k for k, n in overzicht.extern_ingediend.items() if n} | set(beslist),
        key=lambda i: namen.instantie(i).lower(),
    )
    externe_rijen = [
        [
            namen.instantie(i),
            overzicht.extern_ingediend.get(i, 0),
            *(beslist.get(i, {}).get(u.value, 0) for u in uitkomsten),
        ]
        for i in instanties
    ]
    externe_totaal = [
        _("Totaal"),
        totaal.externe_procedures,
        *(sum(r[2 + n] for r in externe_rijen) for n in range(len(uitkomsten))),
    ]

    categorie_rijen, categorie_totaal = _verdeling(
        overzicht.categorie, namen.categorie, totaal.ontvangen
    )
    kanaal_rijen, kanaal_totaal = _verdeling(
        overzicht.kanaal, selectors.kanaalnaam, totaal.ontvangen
    )
    reactie_figuur = next(f for f in FIGUREN if f.naam == "reactie_op_tijd")
    reactie_rijen = [
        [selectors.kanaalnaam(kanaal), op_tijd, gemeten, procent]
        for kanaal, op_tijd, gemeten, procent in totaal.reactie_per_kanaal()
    ]
    reactie_op_tijd, reactie_gemeten = totaal.reactie_teller_noemer()
    aandeel = Kolom(_("Aandeel (%)"), procent=True)
    return [
        Tabel(
            sleutel="cijfers",
            blad=_("Cijfers"),
            titel=_("Cijfers per afdeling"),
            kolommen=[Kolom(_("Afdeling")), *_figuurkolommen()],
            rijen=[[naam, *_figuurwaarden(f)] for naam, f in afdelingen],
            totaal=[_("Totaal"), *_figuurwaarden(totaal)],
        ),
        Tabel(
            sleutel="categorie",
            blad=_("Per categorie"),
            titel=_("Ontvangen klachten per categorie"),
            kolommen=[Kolom(_("Categorie")), Kolom(_("Ontvangen")), aandeel],
            rijen=categorie_rijen,
            totaal=categorie_totaal,
            leeg=_("Geen klachten ontvangen in deze maand."),
        ),
        Tabel(
            sleutel="kanaal",
            blad=_("Per kanaal"),
            titel=_("Ontvangen klachten per kanaal"),
            kolommen=[Kolom(_("Kanaal")), Kolom(_("Ontvangen")), aandeel],
            rijen=kanaal_rijen,
            totaal=kanaal_totaal,
            leeg=_("Geen klachten ontvangen in deze maand."),
        ),
        Tabel(
            sleutel="reactie",
            blad=_("Eerste reactie"),
            titel=_("%(figuur)s, per kanaal") % {"figuur": reactie_figuur.titel},
            kolommen=[
                Kolom(_("Kanaal")),
                Kolom(_("Binnen de termijn")),
                Kolom(_("Gemeten")),
                Kolom(_("Binnen de termijn (%)"), procent=True),
            ],
            rijen=reactie_rijen,
            totaal=[_("Totaal"), reactie_op_tijd, reactie_gemeten, totaal.reactie_op_tijd]
            if reactie_rijen
            else None,
            leeg=_("Geen klachten via een kanaal met een gepubliceerde reactietermijn."),
        ),
        Tabel(
            sleutel="oordelen",
            blad=_("Oordelen"),
            titel=_("Afgesloten klachten naar oordeel"),
            kolommen=[Kolom(_("Afdeling")), *_oordeelkolommen()],
            rijen=[[naam, *_oordeelwaarden(f)] for naam, f in afdelingen],
            totaal=[_("Totaal"), *_oordeelwaarden(totaal)],
        ),
        Tabel(
            sleutel="extern",
            blad=_("Externe procedures"),
            titel=_("Externe procedures: ingediend en beslist in de maand, naar uitkomst"),
            kolommen=[
                Kolom(_("Instantie")),
                Kolom(_("Ingediend")),
                *(Kolom(_("Beslist: %(uitkomst)s") % {"uitkomst": u.label}) for u in uitkomsten),
            ],
            rijen=externe_rijen,
            totaal=externe_totaal if externe_rijen else None,
            leeg=_("Geen externe procedures ingediend of beslist in deze maand."),
        ),
        Tabel(
            sleutel="trend",
            blad=_("Trend"),
            titel=_("Trend: deze maand en de twaalf maanden ervoor"),
            kolommen=[Kolom(_("Maand")), *_figuurkolommen()],
            rijen=[[dt.date(j, m, 1), *_figuurwaarden(f)] for (j, m), f in overzicht.trend],
        ),
        Tabel(
            sleutel="definities",
            blad=_("Definities"),
            titel=_("Definities"),
            kolommen=[Kolom(_("Cijfer")), Kolom(_("Eenheid")), Kolom(_("Definitie"))],
            rijen=[[str(f.titel), str(f.eenheid), str(f.definitie)] for f in FIGUREN]
            + [
                [
                    _("Aandeel"),
                    "%",
                    _("Het deel van de in de maand ontvangen klachten (van deze selectie)."),
                ],
                [
                    _("Geen gegevens"),
                    "",
                    _(
                        "Een lege cel (in de PDF: %(streep)s): er was in de maand niets om het "
                        "cijfer over te berekenen (bijvoorbeeld geen termijnen die afliepen of "
                        "geen enquêtes)."
                    )
                    % {"streep": GEEN_GEGEVENS},
                ],
            ],
        ),
    ]


# CSV -------------------------------------------------------------------------------------------

FORMULETEKENS = ("=", "+", "-", "@", "\t", "\r")


def _csv_veld(waarde) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, bool):
        return str(int(waarde))
    if isinstance(waarde, Decimal):
        return format(waarde, "f").replace(".", ",")
    if isinstance(waarde, int | float):
        return str(waarde).replace(".", ",")
    if isinstance(waarde, dt.date):
        return f"{waarde.year}-{waarde.month:02d}"
    tekst = str(waarde)
    # A name that starts like a formula must stay text in Excel (CSV injection).
    return "'" + tekst if tekst.startswith(FORMULETEKENS) else tekst


def maandrapport_csv(
    overzicht: Maandoverzicht, *, label, afdelingen, namen: selectors.Namen
) -> bytes:
    """The report as one CSV for Dutch Excel (see the module docstring for the number format)."""
    de_kop = kop(overzicht, label=label, afdelingen=afdelingen, namen=namen)
    buffer = io.StringIO()
    schrijver = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    schrijver.writerow([_csv_veld(de_kop.titel)])
    for naam, waarde in de_kop.regels:
        schrijver.writerow([_csv_veld(naam), _csv_veld(waarde)])
    for tabel in tabellen(overzicht, namen=namen):
        schrijver.writerow([])
        schrijver.writerow([_csv_veld(tabel.titel)])
        schrijver.writerow([_csv_veld(k.titel) for k in tabel.kolommen])
        for rij in tabel.alle_rijen:
            schrijver.writerow([_csv_veld(w) for w in rij])
    return buffer.getvalue().encode("utf-8-sig")


# Excel -----------------------------------------------------------------------------------------

KOPRIJ = 6  # rows 1-4: title and selection, 5: empty, 6: column headers


def xlsx_blad(blad, de_kop: Kop, tabel: Tabel) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    vet = Font(bold=True)
    lijn = Side(style="thin", color="808080")
    blad["A1"] = de_kop.titel
    blad["A1"].font = Font(bold=True, size=14)
    blad["A2"] = tabel.titel
    blad["A2"].font = Font(bold=True, size=12)
    blad["A3"] = f"{_('Label')}: {de_kop.label} · {_('Afdelingen')}: {de_kop.afdelingen}"
    blad["A4"] = f"{de_kop.status_lang} · {_('Gemaakt op')}: {de_kop.gemaakt_op}"
    for cel in ("A1", "A2", "A3", "A4"):
        blad[cel].data_type = "s"  # never a formula, whatever a name starts with

    breedtes = [0] * len(tabel.kolommen)
    for n, kolom in enumerate(tabel.kolommen, start=1):
        cel = blad.cell(row=KOPRIJ, column=n, value=kolom.titel)
        cel.font = vet
        cel.fill = PatternFill("solid", fgColor="E3E6EA")
        cel.border = Border(bottom=lijn)
        cel.alignment = Alignment(wrap_text=True, vertical="bottom")
    for r, rij in enumerate(tabel.alle_rijen, start=KOPRIJ + 1):
        is_totaal = tabel.totaal is not None and r == KOPRIJ + len(tabel.alle_rijen)
        for n, (kolom, waarde) in enumerate(zip(tabel.kolommen, rij, strict=True), start=1):
            cel = blad.cell(row=r, column=n)
            if kolom.procent and waarde is not None:
                cel.value = Decimal(waarde) / 100
                cel.number_format = "0.0%"
            elif isinstance(waarde, Decimal):
                cel.value = waarde
                cel.number_format = "0.0"
            elif isinstance(waarde, dt.date):
                cel.value = waarde
                cel.number_format = "mmm yyyy"
            elif isinstance(waarde, int):
                cel.value = waarde
                cel.number_format = "0"
            else:
                cel.value = waarde
                if isinstance(waarde, str):
                    cel.data_type = "s"  # text starting with "=" stays text
                    cel.alignment = Alignment(wrap_text=len(waarde) > 60, vertical="top")
            if is_totaal:
                cel.font = vet
                cel.border = Border(top=lijn)
            breedtes[n - 1] = max(breedtes[n - 1], len(_csv_veld(waarde)))
    for n, (kolom, breedte) in enumerate(zip(tabel.kolommen, breedtes, strict=True), start=1):
        # As wide as the values (at least 10); a long header widens its column to 20 and wraps;
        # long texts (the definitions) wrap at 80 characters.
        kopbreedte = min(len(kolom.titel), max(breedte, 18))
        blad.column_dimensions[get_column_letter(n)].width = (
            min(max(breedte, kopbreedte, 8), 80) + 2
        )
    # Wrapped headers: as many lines as the longest needs (Excel does not size the row itself).
    regels = max(
        math.ceil(len(k.titel) / max(blad.column_dimensions[get_column_letter(n)].width - 2, 1))
        for n, k in enumerate(tabel.kolommen, start=1)
    )
    blad.row_dimensions[KOPRIJ].height = 15 * max(regels, 1)
    blad.freeze_panes = blad.cell(row=KOPRIJ + 1, column=2)
    blad.print_title_rows = f"{KOPRIJ}:{KOPRIJ}"
    blad.page_setup.orientation = "landscape"
    blad.page_setup.paperSize = blad.PAPERSIZE_A4
    blad.page_setup.fitToWidth = 1
    blad.page_setup.fitToHeight = 0
    blad.sheet_properties.pageSetUpPr.fitToPage = True


def maandrapport_xlsx(
    overzicht: Maandoverzicht, *, label, afdelingen, namen: selectors.Namen
) -> bytes:
    """The report as an Excel workbook, one sheet per table (see the module docstring)."""
    from openpyxl import Workbook

    de_kop = kop(overzicht, label=label, afdelingen=afdelingen, namen=namen)
    boek = Workbook()
    boek.remove(boek.active)
    for tabel in tabellen(overzicht, namen=namen):
        xlsx_blad(boek.create_sheet(tabel.blad[:31]), de_kop, tabel)
    boek.properties.title = de_kop.titel
    boek.properties.creator = _("Klachtenafhandeling")
    boek.properties.language = get_language()
    buffer = io.BytesIO()
    boek.save(buffer)
    return buffer.getvalue()


# PDF -------------------------------------------------------------------------------------------


def _tekst(waarde, *, procent: bool = False, naam: str = "") -> str:
    """A value as the PDF prints it: as the page does (grafieken.cijfer_tekst), with a % sign
    for percentages and a dash for no data (the legend says so)."""
    if waarde is None:
        return GEEN_GEGEVENS
    if isinstance(waarde, dt.date):
        return date_format(waarde, "M Y")
    if isinstance(waarde, str):
        return waarde
    tekst = grafieken.cijfer_tekst(naam, waarde)
    return f"{tekst}%" if procent else tekst


@dataclass
class PdfTabel:
    """A table of the PDF, with what goes before it: the template draws them all one way."""

    titel: str
    koppen: list[str]
    rijen: list[list[dict]]  # cells: {"tekst", "getal", "basis"}
    totaal: list[dict] | None = None
    leeg: str = ""
    klasse: str = ""  # "smal", "cijfers", "trend", "grafiekdata"
    kop: str = ""  # a section heading before the table
    pagina: str = ""  # "nieuw": on a new page; "liggend": on a new landscape page
    grafiek: grafieken.Grafiek | None = None  # the chart whose numbers the table holds
    legenda: str = ""  # a note under the table
    bijschrift: bool = True  # the title as the table's caption


def _cel(waarde, *, procent: bool = False, naam: str = "", basis: str = "") -> dict:
    return {
        "tekst": _tekst(waarde, procent=procent, naam=naam),
        "getal": not isinstance(waarde, str),
        "basis": basis,
    }


def _pdf_tabel(tabel: Tabel, *, klasse: str = "") -> PdfTabel:
    def cellen(rij):
        return [_cel(w, procent=k.procent) for k, w in zip(tabel.kolommen, rij, strict=True)]

    return PdfTabel(
        titel=tabel.titel,
        koppen=[k.titel for k in tabel.kolommen],
        rijen=[cellen(r) for r in tabel.rijen],
        totaal=cellen(tabel.totaal) if tabel.totaal is not None else None,
        leeg=tabel.leeg,
        klasse=klasse,
    )


def _basis(figuren: Figuren, naam: str) -> str:
    """ "7 van 8" under a percentage of deadlines met."""
    if naam == "reactie_op_tijd":
        op_tijd, totaal = figuren.reactie_teller_noemer()
    elif naam in TERMIJN_VAN:
        op_tijd, totaal = figuren.teller_noemer(TERMIJN_VAN[naam])
    else:
        return ""
    return _("%(deel)s van %(geheel)s") % {"deel": op_tijd, "geheel": totaal} if totaal else ""


def _figuurcel(figuren: Figuren, figuur, *, basis: bool = False) -> dict:
    return _cel(
        figuren.waarde(figuur.naam),
        procent=figuur.eenheid == "%",
        naam=figuur.naam,
        basis=_basis(figuren, figuur.naam) if basis else "",
    )


def _cijfertabellen(overzicht: Maandoverzicht, namen) -> list[PdfTabel]:
    """The figures with the afdelingen as columns (a board reads down one afdeling), Totaal last;
    more than PDF_KOLOMMEN columns continue in a next table."""
    kolommen = [*_per_afdeling(overzicht, namen), (_("Totaal"), overzicht.totaal)]
    if len(kolommen) == 2:
        kolommen = kolommen[:1]  # one afdeling: the total would repeat its column
    delen = [kolommen[i : i + PDF_KOLOMMEN] for i in range(0, len(kolommen), PDF_KOLOMMEN)]
    return [
        PdfTabel(
            titel=_("Cijfers per afdeling")
            + (f" ({n + 1}/{len(delen)})" if len(delen) > 1 else ""),
            koppen=[_("Cijfer"), *(naam for naam, _f in deel)],
            rijen=[
                [_cel(figuurkop(figuur)), *(_figuurcel(f, figuur, basis=True) for _n, f in deel)]
                for figuur in FIGUREN
            ],
            klasse="cijfers",
        )
        for n, deel in enumerate(delen)
    ]


def _trendtabel(overzicht: Maandoverzicht) -> PdfTabel:
    """The trend with the months as columns, on a landscape page."""
    return PdfTabel(
        titel=_("Trend: deze maand en de twaalf maanden ervoor"),
        koppen=[_("Cijfer"), *(grafieken.maand_kort(j, m) for (j, m), _f in overzicht.trend)],
        rijen=[
            [_cel(figuurkop(figuur)), *(_figuurcel(f, figuur) for _m, f in overzicht.trend)]
            for figuur in FIGUREN
        ],
        klasse="trend",
    )


def _kerncijfers(overzicht: Maandoverzicht) -> list[dict]:
    """The first page's tiles: the total of the month, and of the month before."""
    (vorig_jaar, vorige_maand), vorige = overzicht.trend[-2]
    figuren = {f.naam: f for f in FIGUREN}
    tegels = []
    for naam in KERNCIJFERS:
        figuur = figuren[naam]
        procent = figuur.eenheid == "%"
        tegels.append(
            {
                "titel": figuur.titel,
                "waarde": _tekst(overzicht.totaal.waarde(naam), procent=procent, naam=naam),
                "eenheid": "" if procent else figuur.eenheid,
                "vorige": _tekst(vorige.waarde(naam), procent=procent, naam=naam),
                "vorige_maand": grafieken.maand_kort(vorig_jaar, vorige_maand),
            }
        )
    return tegels


def _grafieken(overzicht: Maandoverzicht) -> list[PdfTabel]:
    """The page's charts, each with its numbers as a table with the months across (the page's
    table has them down: thirteen rows would take half a page)."""
    leeg = grafieken.geen_gegevens()
    uit = []
    for grafiek in grafieken.grafieken_voor(overzicht):
        kop, rijen = grafiek.tabel.kop, grafiek.tabel.rijen
        uit.append(
            PdfTabel(
                titel=grafiek.titel,
                koppen=[kop[0], *(rij[0] for rij in rijen)],
                rijen=[
                    [
                        {"tekst": titel, "getal": False},
                        *(
                            {"tekst": GEEN_GEGEVENS if r[n] == leeg else r[n], "getal": True}
                            for r in rijen
                        ),
                    ]
                    for n, titel in enumerate(kop[1:], start=1)
                ],
                klasse="grafiekdata",
                grafiek=grafiek,
                bijschrift=False,
            )
        )
    return uit


def _statische_mappen() -> tuple[Path, ...]:
    mappen = [Path(m) for m in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        mappen.append(Path(settings.STATIC_ROOT))
    return tuple(m.resolve() for m in mappen)


def url_fetcher():
    """A WeasyPrint URL fetcher that never goes to the network: it serves data: URLs and our own
    static files (file: URLs inside the static folders), and refuses everything else (http,
    https, ftp, other files). A refused resource is left out of the PDF, with a warning."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AlleenEigenBestanden(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            schema = url.split(":", 1)[0].lower()
            if schema == "data":
                return super().fetch(url, headers)
            if schema == "file":
                from urllib.request import url2pathname

                pad = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if pad.is_file() and any(pad.is_relative_to(m) for m in _statische_mappen()):
                    soort = mimetypes.guess_type(pad.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, pad.read_bytes(), headers={"Content-Type": soort}
                    )
            raise ValueError(f"Geweigerd (de PDF haalt niets van buiten): {url}")

    return AlleenEigenBestanden()


def html_naar_pdf(html: str) -> bytes:
    from weasyprint import HTML

    mappen = _statische_mappen()
    basis = mappen[0].as_uri() + "/" if mappen else None
    return HTML(string=html, base_url=basis, url_fetcher=url_fetcher()).write_pdf()


def maandrapport_pdf(
    overzicht: Maandoverzicht, *, label, afdelingen, namen: selectors.Namen | None = None
) -> bytes:
    """The report as a PDF for the board (A4): title, key figures, the tables, the charts with
    their data, the trend and the definitions."""
    namen = namen or selectors.namen()
    de_kop = kop(overzicht, label=label, afdelingen=afdelingen, namen=namen)
    alle = tabellen(overzicht, namen=namen)
    per_sleutel = {t.sleutel: t for t in alle}
    geen = _("%(teken)s: geen gegevens.") % {"teken": GEEN_GEGEVENS}

    cijfers = _cijfertabellen(overzicht, namen)
    cijfers[0].kop, cijfers[0].bijschrift = _("Cijfers per afdeling"), len(cijfers) > 1
    cijfers[-1].legenda = (
        geen
        + " "
        + _(
            "Onder een percentage: de termijnen die op tijd zijn gehaald, van alle termijnen die in "
            "de maand afliepen."
        )
    )
    verdeling = [
        _pdf_tabel(per_sleutel["oordelen"]),
        _pdf_tabel(per_sleutel["categorie"], klasse="smal"),
        _pdf_tabel(per_sleutel["kanaal"], klasse="smal"),
        _pdf_tabel(per_sleutel["reactie"], klasse="smal"),
        _pdf_tabel(per_sleutel["extern"]),
    ]
    verdeling[0].kop, verdeling[0].pagina = _("Uitkomsten en verdeling"), "nieuw"
    grafiektabellen = _grafieken(overzicht)
    if grafiektabellen:
        grafiektabellen[0].kop, grafiektabellen[0].pagina = _("Grafieken"), "nieuw"
    trend = _trendtabel(overzicht)
    trend.kop, trend.pagina, trend.bijschrift = trend.titel, "liggend", False
    trend.legenda = geen + " " + _("De laatste kolom is de maand van dit rapport.")
    context = {
        "kop": de_kop,
        "kerncijfers": _kerncijfers(overzicht),
        "tabellen": [*cijfers, *verdeling, *grafiektabellen, trend],
        "definities": per_sleutel["definities"].rijen,
        "taal": get_language(),
    }
    return html_naar_pdf(render_to_string("rapportage/maandrapport_pdf.html", context))


# The download --------------------------------------------------------------------------------

FORMATEN = {
    "csv": ("text/csv; charset=utf-8", maandrapport_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        maandrapport_xlsx,
    ),
    "pdf": ("application/pdf", maandrapport_pdf),
}


def bestandsnaam(jaar: int, maand: int, formaat: str, label=None) -> str:
    achtervoegsel = f"-{label.slug}" if label is not None else ""
    return f"maandrapportage-{jaar}-{maand:02d}{achtervoegsel}.{formaat}"


def _maand_of_404(jaar: int, maand: int) -> None:
    if not selectors.is_rapportmaand(jaar, maand):
        raise Http404


@require_GET
@never_cache
@login_required
def maand_exporteren(request, jaar: int, maand: int, formaat: str):
    """The month's report as a download, for the part the user may see (the page's rules:
    rapportage.selectors.selectie_voor); the numbers are the page's."""
    selectie = selectors.selectie_voor(request.user, request.GET.get("label"))
    if formaat not in FORMATEN:
        raise Http404
    _maand_of_404(jaar, maand)
    content_type, maker = FORMATEN[formaat]
    overzicht = maandrapport.maandoverzicht(
        jaar, maand, labels=selectie.labels, afdelingen=selectie.afdelingen
    )
    inhoud = maker(
        overzicht, label=selectie.label, afdelingen=selectie.afdelingen, namen=selectors.namen()
    )
    response = HttpResponse(inhoud, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=bestandsnaam(jaar, maand, formaat, selectie.label)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
