"""The satisfaction figures, each defined once (DESIGN.md section 6; issue "Klanttevredenheid").

- gemiddelde: the mean rapportcijfer (1-10) of the responses received in the period, rounded half
  up to 1 decimal (7.25 -> 7.3); no responses means no figure (None, shown as "geen gegevens").
- NPS: % promoters (9-10) minus % detractors (0-6) of the responses that answered the recommend
  question, rounded half away from zero to a whole number, -100..+100; none answered: None.
- respons: responses received in the period; uitnodigingen: invitations sent in the period;
  responspercentage: responses to our invitations / invitations sent, in % with 1 decimal (None
  without invitations).
- extern_respons: of the responses, those from an external research bureau's survey (issue 9).
  They count in gemiddelde, NPS and respons exactly like our own, in every breakdown (label,
  afdeling, kind, group, month, quarter), on the day of the bureau's survey; not in the
  responspercentage: no invitation of ours goes with them, so they are left out of both its
  numerator and its denominator.
- overgeslagen: contact moments of the period that got no invitation, per reason (the 4-week
  throttle, no e-mail address, survey switched off, too old).

- drijfveren (a campaign's driver questions, issue 22): the mean of each rating question and
  Pearson's correlation of its answers with the rapportcijfer per Enquetegroep (statistics.
  correlation over the answered pairs, read in one query: a campaign has thousands of answers,
  not millions); no correlation below MINIMUM_PAREN answers.

Periods are Europe/Amsterdam calendar months and quarters; a response counts in the period it was
received, an invitation in the period it was sent. Everything aggregates in the database: one query
for the responses and one for the invitations, whatever the number of rows or groups.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter

from klachten import kalender
from klanttevredenheid.models import Bron, Respons, Uitnodiging, UitnodigingStatus

PROMOTOR_VANAF = 9
CRITICUS_TOT_EN_MET = 6
LAAG_CIJFER_TOT_EN_MET = 5

# The ways the figures can be broken down, and the field each reads on a response and on an
# invitation (both through their contact moment).
DIMENSIES = {
    "label": "contactmoment__label",
    "afdeling": "contactmoment__afdeling",
    "behandelaar": "contactmoment__behandelaar",
    "soort": "contactmoment__soort",
    "groep": "contactmoment__groep",
    "productgroep": "contactmoment__productgroep",
}
PERIODES = {"maand": TruncMonth, "kwartaal": TruncQuarter}


def gemiddelde(som: int | None, aantal: int) -> Decimal | None:
    if not aantal:
        return None
    return (Decimal(som) / Decimal(aantal)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def nps(promotors: int, criticasters: int, aantal: int) -> int | None:
    if not aantal:
        return None
    waarde = Decimal(100 * (promotors - criticasters)) / Decimal(aantal)
    return int(waarde.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percentage(deel: int, geheel: int) -> Decimal | None:
    if not geheel:
        return None
    return (Decimal(100 * deel) / Decimal(geheel)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def is_laag(rapportcijfer: int, nps_score: int | None) -> bool:
    """A low score asks for a follow-up: grade 5 or lower, or a detractor on the NPS question."""
    return rapportcijfer <= LAAG_CIJFER_TOT_EN_MET or (
        nps_score is not None and nps_score <= CRITICUS_TOT_EN_MET
    )


@dataclass(frozen=True)
class Cijfers:
    groep: dict  # the values of the breakdown, e.g. {"afdeling": 3, "kwartaal": date(2026, 4, 1)}
    respons: int
    gemiddelde: Decimal | None
    nps: int | None
    nps_respons: int
    uitnodigingen: int
    # The raw sums behind gemiddelde and nps, so that groups can be added up (rapportage).
    som: int = 0
    promotors: int = 0
    criticasters: int = 0
    extern_respons: int = 0

    @property
    def responspercentage(self) -> Decimal | None:
        return percentage(self.respons - self.extern_respons, self.uitnodigingen)


def cijfers(
    *,
    van: dt.datetime,
    tot: dt.datetime,
    per: tuple[str, ...] = (),
    responsen: QuerySet[Respons] | None = None,
    uitnodigingen: QuerySet[Uitnodiging] | None = None,
) -> list[Cijfers]:
    """The figures of the period [van, tot), broken down by `per` (names of DIMENSIES and
    PERIODES); `responsen` and `uitnodigingen` narrow what counts (e.g. one afdeling)."""
    responsen = Respons.objects.all() if responsen is None else responsen
    uitnodigingen = Uitnodiging.objects.all() if uitnodigingen is None else uitnodigingen

    def velden(moment: str) -> dict:
        return {
            naam: (
                PERIODES[naam](moment, tzinfo=kalender.AMSTERDAM)
                if naam in PERIODES
                else F(DIMENSIES[naam])
            )
            for naam in per
        }

    r_rijen = _gegroepeerd(
        responsen.filter(ontvangen_op__gte=van, ontvangen_op__lt=tot),
        velden("ontvangen_op"),
        respons=Count("pk"),
        som=Sum("rapportcijfer"),
        nps_respons=Count("nps_score"),
        promotors=Count("pk", filter=Q(nps_score__gte=PROMOTOR_VANAF)),
        criticasters=Count("pk", filter=Q(nps_score__lte=CRITICUS_TOT_EN_MET)),
        extern_respons=Count("pk", filter=Q(contactmoment__bron=Bron.EXTERN)),
    )
    u_rijen = _gegroepeerd(
        uitnodigingen.filter(
            verzonden_op__gte=van,
            verzonden_op__lt=tot,
            status__in=[UitnodigingStatus.VERZONDEN, UitnodigingStatus.BEANTWOORD],
        ),
        velden("verzonden_op"),
        verzonden=Count("pk"),
    )

    def sleutel(rij: dict) -> tuple:
        return tuple(_datum(rij[naam]) if naam in PERIODES else rij[naam] for naam in per)

    per_sleutel: dict[tuple, dict] = {}
    for rij in r_rijen:
        per_sleutel[sleutel(rij)] = rij
    verzonden = {sleutel(rij): rij["verzonden"] for rij in u_rijen}
    uitkomst = []
    for s in sorted(set(per_sleutel) | set(verzonden), key=_sorteerbaar):
        rij = per_sleutel.get(s, {})
        uitkomst.append(
            Cijfers(
                groep=dict(zip(per, s, strict=True)),
                respons=rij.get("respons", 0),
                gemiddelde=gemiddelde(rij.get("som"), rij.get("respons", 0)),
                nps=nps(
                    rij.get("promotors", 0), rij.get("criticasters", 0), rij.get("nps_respons", 0)
                ),
                nps_respons=rij.get("nps_respons", 0),
                uitnodigingen=verzonden.get(s, 0),
                som=rij.get("som") or 0,
                promotors=rij.get("promotors", 0),
                criticasters=rij.get("criticasters", 0),
                extern_respons=rij.get("extern_respons", 0),
            )
        )
    return uitkomst


def overgeslagen(
    *, van: dt.datetime, tot: dt.datetime, uitnodigingen: QuerySet[Uitnodiging] | None = None
) -> dict[str, int]:
    """Skipped invitations of the contact moments in [van, tot), per reason (one query)."""
    uitnodigingen = Uitnodiging.objects.all() if uitnodigingen is None else uitnodigingen
    return dict(
        uitnodigingen.filter(
            status=UitnodigingStatus.OVERGESLAGEN,
            contactmoment__moment__gte=van,
            contactmoment__moment__lt=tot,
        )
        .values_list("reden_overgeslagen")
        .annotate(aantal=Count("pk"))
        .order_by()
    )


@dataclass(frozen=True)
class Verdeling:
    """How many responses gave each answer: rapportcijfer (1-10) and the recommend question
    (0-10, the NPS score); an answer nobody gave is 0."""

    rapportcijfer: dict[int, int]
    nps_score: dict[int, int]


def verdeling(
    *, van: dt.datetime, tot: dt.datetime, responsen: QuerySet[Respons] | None = None
) -> Verdeling:
    """The distribution of the answers of the responses received in [van, tot) (one query)."""
    responsen = Respons.objects.all() if responsen is None else responsen
    rij = responsen.filter(ontvangen_op__gte=van, ontvangen_op__lt=tot).aggregate(
        **{f"cijfer_{w}": Count("pk", filter=Q(rapportcijfer=w)) for w in range(1, 11)},
        **{f"nps_{w}": Count("pk", filter=Q(nps_score=w)) for w in range(0, 11)},
    )
    return Verdeling(
        rapportcijfer={w: rij[f"cijfer_{w}"] for w in range(1, 11)},
        nps_score={w: rij[f"nps_{w}"] for w in range(0, 11)},
    )


def _gegroepeerd(qs: QuerySet, groepering: dict, **aggregaten) -> list[dict]:
    """One row per group (one query); without a breakdown, one row for everything."""
    if not groepering:
        rij = qs.aggregate(**aggregaten)
        return [rij] if any(rij.values()) else []
    return list(qs.values(**groepering).annotate(**aggregaten).order_by())


def totaal(*, van: dt.datetime, tot: dt.datetime, **kwargs) -> Cijfers:
    """The figures of the whole period, in one row (zeros and None when there is nothing)."""
    rijen = cijfers(van=van, tot=tot, **kwargs)
    return rijen[0] if rijen else Cijfers({}, 0, None, None, 0, 0)


def _datum(waarde) -> dt.date:
    return kalender.lokale_datum(waarde) if isinstance(waarde, dt.datetime) else waarde


def _sorteerbaar(sleutel: tuple) -> tuple:
    return tuple(
        (w is None, str(w) if not isinstance(w, dt.date) else w.isoformat()) for w in sleutel
    )


# Driver questions of a campaign (issue 22) ---------------------------------------------------

MINIMUM_PAREN = 30
"""Fewer answers than this to a driver question (within a group) and the report names no
correlation: with 30 pairs a Pearson correlation must be about 0.36 or more to differ from
nothing at the usual 5% level, and below that a few customers swing it either way."""


@dataclass(frozen=True)
class Drijfveer:
    """One rating question of a campaign within one group: its average and how it goes with the
    rapportcijfer.

    - gemiddelde: the mean of the answers (1-10), rounded like the grade (half up, 1 decimal).
    - correlatie: Pearson's r between the answer and the same response's rapportcijfer, over the
      responses that answered the question (`aantal`), rounded to 2 decimals; None when there are
      fewer than MINIMUM_PAREN (`te_weinig`) or when either has no spread (all the same).
    """

    vraag_id: int
    naam: str
    aantal: int
    gemiddelde: Decimal | None
    correlatie: Decimal | None
    te_weinig: bool
    geen_spreiding: bool = False


@dataclass(frozen=True)
class Groepsdrijfveren:
    groep: str | None  # an Enquetegroep, or None for all groups together
    cijfers: Cijfers
    drijfveren: list[Drijfveer]
    open_antwoorden: dict[int, int]  # open question id -> number of answers

    @property
    def sterkste(self) -> Drijfveer | None:
        """The driver that goes with the grade most: the highest correlation among those with
        enough answers (None when no driver has one)."""
        kandidaten = [d for d in self.drijfveren if d.correlatie is not None]
        return max(kandidaten, key=lambda d: d.correlatie, default=None)


def _drijfveer(vraag, paren: list[tuple[int, int]]) -> Drijfveer:
    aantal = len(paren)
    gem = gemiddelde(sum(a for a, _c in paren), aantal)
    if aantal < MINIMUM_PAREN:
        return Drijfveer(vraag.pk, vraag.drijfveer, aantal, gem, None, te_weinig=True)
    antwoorden, cijfers_ = zip(*paren, strict=True)
    try:
        r = statistics.correlation(antwoorden, cijfers_)
    except statistics.StatisticsError:  # one of both is constant: no correlation to compute
        return Drijfveer(vraag.pk, vraag.drijfveer, aantal, gem, None, False, geen_spreiding=True)
    correlatie = Decimal(str(r)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Drijfveer(vraag.pk, vraag.drijfveer, aantal, gem, correlatie, te_weinig=False)


def drijfveren(campagne) -> list[Groepsdrijfveren]:
    """The campaign report (issue 22): per Enquetegroep that answered, and for all together
    (first), the grade, NPS and response (the definitions above), the average of each rating
    question and its correlation with the grade, and the number of answers to each open
    question. Four queries whatever the number of answers."""
    from klanttevredenheid.models import Antwoord

    vragen = list(campagne.vragen.all())
    beoordelingen = [v for v in vragen if v.is_beoordeling]
    open_vragen = [v for v in vragen if not v.is_beoordeling]
    responsen = Respons.objects.filter(contactmoment__campagne=campagne)
    # All of the campaign's responses, whenever they came in.
    van = dt.datetime(2000, 1, 1, tzinfo=kalender.AMSTERDAM)
    tot = dt.datetime(3000, 1, 1, tzinfo=kalender.AMSTERDAM)
    bereik = {
        "responsen": responsen,
        "uitnodigingen": Uitnodiging.objects.filter(contactmoment__campagne=campagne),
    }
    per_groep = {
        rij.groep["groep"]: rij for rij in cijfers(van=van, tot=tot, per=("groep",), **bereik)
    }
    alle = totaal(van=van, tot=tot, **bereik)
    # (vraag, groep) -> [(answer, grade)]; open questions: (vraag, groep) -> count
    paren: dict[tuple[int, str | None], list[tuple[int, int]]] = {}
    open_tellingen: dict[tuple[int, str | None], int] = {}
    for vraag_id, cijfer, tekst, rapportcijfer, groep in Antwoord.objects.filter(
        respons__contactmoment__campagne=campagne
    ).values_list(
        "vraag_id", "cijfer", "tekst", "respons__rapportcijfer", "respons__contactmoment__groep"
    ):
        for sleutel in ((vraag_id, groep), (vraag_id, None)):
            if cijfer is not None:
                paren.setdefault(sleutel, []).append((cijfer, rapportcijfer))
            elif tekst:
                open_tellingen[sleutel] = open_tellingen.get(sleutel, 0) + 1
    uitkomst = []
    for groep, rij in [(None, alle), *sorted(per_groep.items(), key=lambda g: str(g[0]))]:
        if groep is not None and not rij.respons:
            continue
        uitkomst.append(
            Groepsdrijfveren(
                groep=groep,
                cijfers=rij,
                drijfveren=[_drijfveer(v, paren.get((v.pk, groep), [])) for v in beoordelingen],
                open_antwoorden={v.pk: open_tellingen.get((v.pk, groep), 0) for v in open_vragen},
            )
        )
    return uitkomst
