"""The charts of the KTO dashboard (issue 19): which numbers they show, all computed by
klanttevredenheid.cijfers; drawn by klachten.grafieken (server-side SVG, a table beside each)."""

from __future__ import annotations

from django.utils.translation import gettext as _

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
    cijferschaal,
    groepgrafiek,
    kolomgrafiek,
    maandgrafiek,
    maximum,
    nette_schaal,
    nps_schaal,
)


def kto_grafieken(
    trend: list,
    verdeling,
    per_afdeling: list | None,
    periode: str,
) -> list[Grafiek]:
    """The charts of the KTO dashboard (klanttevredenheid.cijfers computes every number):

    - `trend`: (first day of the month, Cijfers) for the months up to the quarter's last one
      (or the current month): the grade and NPS per month, with the number of responses;
    - `verdeling`: cijfers.Verdeling of the quarter: how many gave each grade (0-10);
    - `per_afdeling`: (name, Cijfers) rows of the breakdown per afdeling (None: the user does not
      see other afdelingen): grade and NPS per afdeling.
    """
    maanden = [(dag.year, dag.month) for dag, _c in trend]
    gemiddelde = Reeks(
        "gemiddelde", [c.gemiddelde for _d, c in trend], BLAUW, titel=_("Gemiddeld cijfer")
    )
    nps = Reeks("nps", [c.nps for _d, c in trend], PAARS, titel=_("NPS"))
    respons = Reeks(
        "respons",
        [c.respons for _d, c in trend],
        Stijl(GROEN.kleur, arcering=True),
        "staaf",
        titel=_("Responsen"),
    )
    lijst = [
        maandgrafiek(
            "kto-trend",
            _("Gemiddeld cijfer en NPS per maand"),
            maanden,
            [
                Paneel([gemiddelde], cijferschaal(), hoogte=150),
                Paneel([nps], nps_schaal(), hoogte=130),
                Paneel([respons], nette_schaal(maximum(respons.waarden), _("aantal")), hoogte=90),
            ],
        )
    ]

    cijfers_ = [str(w) for w in range(0, 11)]
    rapportcijfer = Reeks(
        "rapportcijfer",
        [verdeling.rapportcijfer.get(w, 0) for w in range(0, 11)],
        BLAUW,
        "staaf",
        titel=_("Rapportcijfer"),
    )
    aanbeveling = Reeks(
        "nps_score",
        [verdeling.nps_score.get(w, 0) for w in range(0, 11)],
        Stijl(ORANJE.kleur, arcering=True),
        "staaf",
        titel=_("Aanbevelingsvraag"),
    )
    titel = _("Verdeling van de cijfers")
    reeksen = [rapportcijfer, aanbeveling]
    lijst.append(
        kolomgrafiek(
            "kto-verdeling",
            titel,
            _(
                "Het aantal reacties per gegeven cijfer van 0 tot en met 10 in %(periode)s: "
                "het rapportcijfer (1-10) en de aanbevelingsvraag (0-10). De cijfers staan "
                "ook in de tabel bij de grafiek."
            )
            % {"periode": periode},
            cijfers_,
            [Paneel(reeksen, nette_schaal(maximum(*(r.waarden for r in reeksen)), _("aantal")))],
            eerste_kop=_("Cijfer"),
            bijschrift=_("Aantal reacties per cijfer, %(periode)s") % {"periode": periode},
            markeer_laatste=False,
        )
    )

    if per_afdeling:
        namen = [naam for naam, _c in per_afdeling]
        waarover = _("per afdeling in %(periode)s") % {"periode": periode}
        lijst.append(
            groepgrafiek(
                "kto-afdeling-cijfer",
                _("Gemiddeld cijfer per afdeling"),
                namen,
                [
                    Reeks(
                        "gemiddelde",
                        [c.gemiddelde for _n, c in per_afdeling],
                        BLAUW,
                        "staaf",
                        titel=_("Gemiddeld cijfer"),
                    )
                ],
                Schaal(0, 10, [0, 2, 4, 6, 8, 10], _("cijfer")),
                waarover=waarover,
                eerste_kop=_("Afdeling"),
                bijschrift=_("Gemiddeld cijfer per afdeling, %(periode)s") % {"periode": periode},
            )
        )
        lijst.append(
            groepgrafiek(
                "kto-afdeling-nps",
                _("NPS per afdeling"),
                namen,
                [Reeks("nps", [c.nps for _n, c in per_afdeling], PAARS, "staaf", titel=_("NPS"))],
                nps_schaal(),
                waarover=waarover,
                eerste_kop=_("Afdeling"),
                bijschrift=_("NPS per afdeling, %(periode)s") % {"periode": periode},
            )
        )
    return lijst
