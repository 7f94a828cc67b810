"""The maandrapportage page (DESIGN.md sections 7 and 11): the month's figures per afdeling and in
total, the breakdowns, the trend charts with their tables, the definitions and the exports.

The figures and their definitions come from rapportage.maandrapport (FIGUREN); this module only
arranges them for the page. Who sees which afdelingen is rapportage.selectors.selectie_voor.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from klachten import kalender, rollen
from klachten.models import Label, Uitkomst
from klachten.workflow import Oordeel
from rapportage import grafieken, maandrapport
from rapportage.maandrapport import (
    FIGUREN,
    Figuren,
    maandoverzicht,
)
from rapportage.models import Dossierreview, Maandrapport
from rapportage.selectors import (
    EERSTE_JAAR,
    huidige_maand,
    is_rapportmaand,
    kanaalnaam,
    namen,
    selectie_voor,
)

MAANDEN_IN_KEUZE = 24

# The figures per afdeling stand in two tables of the same rows (afdelingen and Totaal), so that
# each fits a screen and an A4 page: the numbers of complaints, then timeliness and satisfaction.
# Every figure of FIGUREN is a column of one of them, in FIGUREN's order, under a group heading;
# a figure not named here lands in the first table ("overig") rather than not at all.
KOLOMGROEPEN = {
    "ontvangen": "volume",
    "afgesloten": "volume",
    "open_einde": "volume",
    "niet_ontvankelijk": "uitkomst",
    "gegrond": "uitkomst",
    "deels_gegrond": "uitkomst",
    "ongegrond": "uitkomst",
    "niet_te_beoordelen": "uitkomst",
    "heroverwegingen": "vervolg",
    "externe_procedures": "vervolg",
    "bevestigd_op_tijd": "op_tijd",
    "statusupdates_op_tijd": "op_tijd",
    "beantwoord_op_tijd": "op_tijd",
    "reactie_op_tijd": "op_tijd",
    "doorlooptijd_mediaan": "doorlooptijd",
    "doorlooptijd_p90": "doorlooptijd",
    "kto_gemiddelde": "kto",
    "nps": "kto",
}
TABELLEN = [
    ("aantallen", ("volume", "uitkomst", "vervolg", "overig")),
    ("tijdigheid", ("op_tijd", "doorlooptijd", "kto")),
]


def _groepnaam(groep: str) -> str:
    return {
        "volume": _("Aantallen"),
        "op_tijd": _("Op tijd (%)"),
        "doorlooptijd": _("Doorlooptijd (dagen)"),
        "uitkomst": _("Uitkomst van de afgesloten klachten"),
        "vervolg": _("Vervolg"),
        "kto": _("Klanttevredenheid"),
        "overig": _("Overig"),
    }[groep]


def _tabeltitel(tabel: str) -> str:
    return {
        "aantallen": _("Aantallen en uitkomsten per afdeling"),
        "tijdigheid": _("Tijdigheid en klanttevredenheid per afdeling"),
    }[tabel]


# The key figures shown as tiles, with the change against the previous month.
TEGELS = [
    "ontvangen",
    "afgesloten",
    "open_einde",
    "beantwoord_op_tijd",
    "doorlooptijd_mediaan",
    "kto_gemiddelde",
]


def _maand_url(jaar: int, maand: int, label_slug: str | None) -> str:
    url = reverse("rapportage:maand", kwargs={"jaar": jaar, "maand": maand})
    return f"{url}?{urlencode({'label': label_slug})}" if label_slug else url


@login_required
@require_safe
def index(request):
    """The report of the month asked for (?maand=2026-10, the month picker), else the current
    month; keeps the label choice."""
    selectie = selectie_voor(request.user, request.GET.get("label"))
    huidig = huidige_maand(timezone.now())
    gekozen = huidig
    try:
        jaar, maand = (int(deel) for deel in request.GET.get("maand", "").split("-"))
    except ValueError:
        pass
    else:
        if is_rapportmaand(jaar, maand):
            gekozen = (jaar, maand)
    return redirect(_maand_url(*gekozen, selectie.label.slug if selectie.label else None))


def _cel(figuur, figuren: Figuren) -> dict:
    waarde = figuren.waarde(figuur.naam)
    return {
        "naam": figuur.naam,
        "titel": figuur.titel,
        "tekst": grafieken.cijfer_tekst(figuur.naam, waarde),
        "leeg": waarde is None,
    }


def _afdelingentabellen(overzicht, naam_van) -> list[dict]:
    """The two tables of figures per afdeling: their column groups, the figures (columns), a row
    per afdeling with data (by name) and the Totaal row."""
    tabellen = []
    for tabel, groepen in TABELLEN:
        kolommen = [
            (KOLOMGROEPEN.get(f.naam, "overig"), f)
            for f in FIGUREN
            if KOLOMGROEPEN.get(f.naam, "overig") in groepen
        ]
        kolommen.sort(key=lambda k: groepen.index(k[0]))  # stable: FIGUREN's order per group
        figuren = [f for _g, f in kolommen]
        koppen: list[list] = []
        for groep, _f in kolommen:
            if koppen and koppen[-1][0] == groep:
                koppen[-1][1] += 1
            else:
                koppen.append([groep, 1])
        rijen = sorted(
            (
                {"id": a, "naam": naam_van(a), "cellen": [_cel(f, fig) for f in figuren]}
                for a, fig in overzicht.per_afdeling
            ),
            key=lambda r: r["naam"].lower(),
        )
        tabellen.append(
            {
                "naam": tabel,
                "titel": _tabeltitel(tabel),
                "groepen": [(_groepnaam(g), n) for g, n in koppen],
                "figuren": figuren,
                "rijen": rijen,
                "totaal": [_cel(f, overzicht.totaal) for f in figuren],
            }
        )
    return tabellen


def _verschil(nu, toen) -> str:
    """The change against the previous month, with its sign ("+3", "-1,5"); empty when either
    month has no value."""
    if nu is None or toen is None:
        return ""
    verschil = nu - toen
    if not verschil:
        return _("gelijk")
    tekst = grafieken.cijfer_tekst("", abs(verschil))
    return f"+{tekst}" if verschil > 0 else f"\u2212{tekst}"


def _tegels(overzicht, vorige: Figuren, vorige_naam: str) -> list[dict]:
    figuren = {f.naam: f for f in FIGUREN}
    tegels = []
    for naam in TEGELS:
        figuur = figuren[naam]
        waarde, toen = overzicht.totaal.waarde(naam), vorige.waarde(naam)
        tegels.append(
            {
                "figuur": figuur,
                "tekst": grafieken.cijfer_tekst(naam, waarde),
                "leeg": waarde is None,
                "eenheid": figuur.eenheid,
                "vorige": grafieken.cijfer_tekst(naam, toen),
                "vorige_naam": vorige_naam,
                "verschil": _verschil(waarde, toen),
            }
        )
    return tegels


def _aandeel(deel: int, geheel: int) -> str:
    """A share in percent with one decimal, as in the exports (maandrapport.percentage);
    empty without a whole."""
    procent = maandrapport.percentage(deel, geheel)
    return "" if procent is None else f"{formats.localize(procent)}%"


def _verdeling(teller: Counter, naam_van) -> list[dict]:
    """Rows (name, number, share of the total) by number, largest first."""
    totaal = sum(teller.values())
    rijen = [
        {
            "naam": naam_van(sleutel),
            "aantal": aantal,
            "aandeel": _aandeel(aantal, totaal),
        }
        for sleutel, aantal in teller.items()
        if aantal
    ]
    return sorted(rijen, key=lambda r: (-r["aantal"], str(r["naam"]).lower()))


def _reacties(totaal: Figuren) -> list[dict]:
    """First reaction within the published term, per channel (FIGUREN: reactie_op_tijd)."""
    return [
        {
            "naam": kanaalnaam(kanaal),
            "op_tijd": op_tijd,
            "gemeten": gemeten,
            "aandeel": _aandeel(op_tijd, gemeten),
        }
        for kanaal, op_tijd, gemeten, _procent in totaal.reactie_per_kanaal()
    ]


def _oordelen(totaal: Figuren) -> list[dict]:
    rijen = [{"naam": label, "aantal": totaal.b.oordeel[code]} for code, label in Oordeel.choices]
    zonder = totaal.afgesloten - sum(r["aantal"] for r in rijen)
    if zonder > 0:
        rijen.append({"naam": _("Zonder oordeel"), "aantal": zonder})
    for rij in rijen:
        rij["aandeel"] = _aandeel(rij["aantal"], totaal.afgesloten)
    return rijen


def _extern_beslist(teller: Counter, naam_van) -> dict:
    """Decided external procedures as a cross table: instanties down, outcomes across."""
    per_instantie: dict[str, Counter] = {}
    for sleutel, aantal in teller.items():
        if not aantal:
            continue
        instantie, uitkomst = sleutel.split("|", 1)
        per_instantie.setdefault(instantie, Counter())[uitkomst] += aantal
    gebruikt = {u for c in per_instantie.values() for u in c}
    kolommen = [(code, label) for code, label in Uitkomst.choices if code in gebruikt]
    rijen = sorted(
        (
            {
                "naam": naam_van(instantie),
                "aantallen": [uitkomsten[code] for code, _label in kolommen],
                "totaal": sum(uitkomsten.values()),
            }
            for instantie, uitkomsten in per_instantie.items()
        ),
        key=lambda r: str(r["naam"]).lower(),
    )
    return {"kolommen": [label for _code, label in kolommen], "rijen": rijen}


def _status(overzicht, jaar: int, maand: int, huidig: tuple[int, int]) -> dict:
    """Whether the figures are final: frozen on the 1st (with that date), still running, or a
    finished month not yet stored (computed now)."""
    if overzicht.bevroren:
        berekend_op = (
            Maandrapport.objects.filter(jaar=jaar, maand=maand)
            .values_list("berekend_op", flat=True)
            .first()
        )
        return {"soort": "vastgelegd", "op": berekend_op}
    if (jaar, maand) == huidig:
        return {"soort": "lopend", "op": None}
    return {"soort": "niet_vastgelegd", "op": None}


def _maandkeuze(jaar: int, maand: int, huidig: tuple[int, int]) -> list[tuple[str, str, bool]]:
    keuze, m = [], huidig
    for _i in range(MAANDEN_IN_KEUZE):
        keuze.append(m)
        m = kalender.vorige_maand(*m)
    if (jaar, maand) not in keuze:
        keuze.append((jaar, maand))
    return [
        (f"{j}-{mm:02d}", kalender.maandnaam(j, mm), (j, mm) == (jaar, maand)) for j, mm in keuze
    ]


@login_required
@require_safe
def maand(request, jaar: int, maand: int):
    """The maandrapportage of one month for the user's selection: directie and beheerder see
    every afdeling, a teamleider their own (rows and totals); others get 403."""
    label_slug = request.GET.get("label") or None
    selectie = selectie_voor(request.user, label_slug)
    nu = timezone.now()
    huidig = huidige_maand(nu)
    if not is_rapportmaand(jaar, maand, nu):
        raise Http404
    overzicht = maandoverzicht(
        jaar, maand, labels=selectie.labels, afdelingen=selectie.afdelingen, nu=nu
    )
    n = namen()
    label_slug = selectie.label.slug if selectie.label else None

    vorige = kalender.vorige_maand(jaar, maand)
    volgende = kalender.volgende_maand(jaar, maand)
    vorige_figuren = overzicht.trend[-2][1]
    if selectie.afdelingen is None:
        bereik = _("Alle afdelingen")
    else:
        namen_eigen = sorted(n.afdeling(a) for a in selectie.afdelingen)
        bereik = (
            _("Afdeling %(afdelingen)s") % {"afdelingen": ", ".join(namen_eigen)}
            if namen_eigen
            else _("Geen afdeling")
        )
    maandnaam = kalender.maandnaam(jaar, maand)
    export_query = f"?{urlencode({'label': label_slug})}" if label_slug else ""
    return render(
        request,
        "rapportage/maandrapport.html",
        {
            "overzicht": overzicht,
            "jaar": jaar,
            "maand": maand,
            "maandnaam": maandnaam,
            "selectie": selectie,
            "label_naam": selectie.label.naam if selectie.label else _("Alle labels"),
            "bereik": bereik,
            "labels": list(Label.objects.order_by("naam").values_list("slug", "naam")),
            "label_slug": label_slug or "",
            "maandkeuze": _maandkeuze(jaar, maand, huidig),
            "status": _status(overzicht, jaar, maand, huidig),
            "nu": nu,
            "vorige_url": _maand_url(*vorige, label_slug) if vorige[0] >= EERSTE_JAAR else "",
            "vorige_naam": kalender.maandnaam(*vorige),
            "volgende_url": _maand_url(*volgende, label_slug) if volgende <= huidig else "",
            "volgende_naam": kalender.maandnaam(*volgende),
            "huidige_url": _maand_url(*huidig, label_slug) if (jaar, maand) != huidig else "",
            "figuren": FIGUREN,
            "tabellen": _afdelingentabellen(overzicht, n.afdeling),
            "tegels": _tegels(overzicht, vorige_figuren, grafieken.maand_kort(*vorige)),
            "categorieen": _verdeling(overzicht.categorie, n.categorie),
            "kanalen": _verdeling(overzicht.kanaal, kanaalnaam),
            "reacties": _reacties(overzicht.totaal),
            "reactie_figuur": next(f for f in FIGUREN if f.naam == "reactie_op_tijd"),
            "oordelen": _oordelen(overzicht.totaal),
            "afgesloten": overzicht.totaal.afgesloten,
            "ontvangen": overzicht.totaal.ontvangen,
            "extern_ingediend": _verdeling(overzicht.extern_ingediend, n.instantie),
            "extern_beslist": _extern_beslist(overzicht.extern_beslist, n.instantie),
            "grafieken": grafieken.grafieken_voor(overzicht),
            "dossierreview": Dossierreview.objects.select_related("klacht", "beoordeeld_door")
            .filter(jaar=jaar, maand=maand)
            .first(),
            "ziet_alles": rollen.ziet_alle_klachten(request.user),
            "vorig_jaar": huidig[0] - 1,
            "geen_gegevens": grafieken.geen_gegevens(),
            "exports": [
                (
                    formaat,
                    naam,
                    reverse(
                        "rapportage:maand-export",
                        kwargs={"jaar": jaar, "maand": maand, "formaat": formaat},
                    )
                    + export_query,
                )
                for formaat, naam in (("pdf", "PDF"), ("xlsx", "Excel"), ("csv", "CSV"))
            ],
        },
    )
