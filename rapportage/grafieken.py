"""The charts of the maandrapportage (DESIGN.md section 7) and of the halfjaarlijkse klachtanalyse
(issue 19): which numbers they show. They are drawn by klachten.grafieken (server-side SVG with a
table beside each, for the page, print and the PDF).

The month report's charts run over the 13 months of the trend; their series are figures of
`maandrapport.FIGUREN`, named by their titles there; what they mean is written there, once.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from klachten import kalender
from klachten.grafieken import (
    BLAUW,
    GROEN,
    ORANJE,
    PAARS,
    Grafiek,
    Paneel,
    Reeks,
    Schaal,
    Stijl,
    cijfer_tekst,
    geen_gegevens,
    groepgrafiek,
    maand_kort,
    maandgrafiek,
    maximum,
    nette_schaal,
)
from rapportage.maandrapport import FIGUREN, Maandoverzicht

# What the month report's pages and exports read from here, too.
__all__ = [
    "Grafiek",
    "analyse_grafieken",
    "cijfer_tekst",
    "geen_gegevens",
    "grafieken_voor",
    "maand_kort",
]

FIGUUR = {f.naam: f for f in FIGUREN}


def figuurreeks(naam: str, waarden: list, stijl: Stijl, soort: str = "lijn") -> Reeks:
    """A series of a figure of FIGUREN, with its title and unit from there."""
    figuur = FIGUUR[naam]
    return Reeks(naam, waarden, stijl, soort, titel=str(figuur.titel), eenheid=figuur.eenheid)


def _grafiek(
    naam: str, titel: str, maanden, panelen: list[Paneel], markeer_laatste: bool = True
) -> Grafiek:
    return maandgrafiek(
        naam,
        titel,
        maanden,
        panelen,
        labels=[maand_kort(*m) for m in maanden],
        markeer_laatste=markeer_laatste,
    )


def grafieken_voor(overzicht: Maandoverzicht) -> list[Grafiek]:
    """The four charts of the month report, over the trend (the 12 months before and this one):
    volume, deadlines met, lead time, and customer satisfaction."""
    maanden = [maand for maand, _figuren in overzicht.trend]
    figuren = [f for _maand, f in overzicht.trend]

    def reeks(naam: str, stijl: Stijl, soort: str = "lijn") -> Reeks:
        return figuurreeks(naam, [f.waarde(naam) for f in figuren], stijl, soort)

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
            [Paneel(volume, nette_schaal(maximum(*(r.waarden for r in volume)), _("aantal")))],
        ),
        _grafiek("op-tijd", _("Termijnen op tijd gehaald"), maanden, [Paneel(op_tijd, procent)]),
        _grafiek(
            "doorlooptijd",
            _("Doorlooptijd van afgesloten klachten"),
            maanden,
            [
                Paneel(
                    doorlooptijd,
                    nette_schaal(maximum(*(r.waarden for r in doorlooptijd)), _("dagen")),
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


# The half-yearly analysis ---------------------------------------------------------------------


def analyse_grafieken(a) -> dict[str, Grafiek]:
    """The charts of the halfjaarlijkse klachtanalyse (rapportage.analyse computes the numbers):
    complaints received and closed per month; the verdicts, the categories and the causes of this
    half-year beside the one before. The categories and causes have their table on the page."""
    helft = _("%(helft)se halfjaar %(jaar)s")
    nu = helft % {"helft": a.helft, "jaar": a.jaar}
    vorig_jaar, vorige_helft = kalender.vorige_helft(a.jaar, a.helft)
    toen = helft % {"helft": vorige_helft, "jaar": vorig_jaar}
    maanden = [maand for maand, _o, _a in a.per_maand]
    volume = [
        figuurreeks("ontvangen", [o for _m, o, _a in a.per_maand], BLAUW, "staaf"),
        figuurreeks(
            "afgesloten",
            [g for _m, _o, g in a.per_maand],
            Stijl(ORANJE.kleur, arcering=True),
            "staaf",
        ),
    ]

    def tegen_vorige(naam: str, rijen: list) -> list[Reeks]:
        return [
            Reeks(f"{naam}-nu", [r.aantal for r in rijen], BLAUW, "staaf", titel=nu),
            Reeks(
                f"{naam}-vorige",
                [r.vorige for r in rijen],
                Stijl(ORANJE.kleur, arcering=True),
                "staaf",
                titel=toen,
            ),
        ]

    def aantallen(reeksen: list[Reeks]) -> Schaal:
        return nette_schaal(maximum(*(r.waarden for r in reeksen)), _("aantal"))

    grafieken = {
        "per_maand": _grafiek(
            "analyse-per-maand",
            _("Ontvangen en afgesloten klachten per maand"),
            maanden,
            [Paneel(volume, aantallen(volume))],
            markeer_laatste=False,
        )
    }
    for sleutel, naam, titel, rijen, kop, waarover in [
        (
            "per_oordeel",
            "analyse-oordeel",
            _("Oordeel over de afgesloten klachten"),
            a.per_oordeel,
            _("Oordeel"),
            _("per oordeel, met het halfjaar ervoor"),
        ),
        (
            "per_categorie",
            "analyse-categorie",
            _("Ontvangen klachten per categorie"),
            a.per_categorie,
            _("Categorie"),
            _("per categorie, met het halfjaar ervoor"),
        ),
        (
            "per_oorzaak",
            "analyse-oorzaak",
            _("Afgesloten klachten per oorzaak"),
            a.per_oorzaak,
            _("Oorzaak"),
            _("per oorzaak, met het halfjaar ervoor"),
        ),
    ]:
        if not rijen:
            continue
        reeksen = tegen_vorige(sleutel, rijen)
        grafieken[sleutel] = groepgrafiek(
            naam,
            titel,
            [r.naam for r in rijen],
            reeksen,
            aantallen(reeksen),
            waarover=waarover,
            eerste_kop=kop,
            bijschrift=titel,
            met_tabel=sleutel == "per_oordeel",
        )
    return grafieken
