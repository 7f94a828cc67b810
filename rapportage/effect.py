"""Did the improvement help? (issue 22, "Learning from the complaints themselves.")

For each improvement action that is done (Verbeterpunt with status gereed and a gereed_op), the
half-yearly analysis shows the complaints of its cause per month before and after the month it
was completed, with the change and the number of complaints behind it.

Definition (one place; the page prints `DEFINITIE`):

- the complaints counted are those *received* in a month (ontvangen_op, Amsterdam) whose oorzaak
  is the oorzaak of the action's complaint; beside the cause alone, the same count within the
  complaint's categorie and within its afdeling;
- *before*: the `MAANDEN` (6) whole months before the month of completion; *after*: the whole
  months after it, at most `MAANDEN`, and only finished months (the running month is not whole);
  the month of completion itself counts in neither;
- the figure per window is the average number of complaints per month; the change is after minus
  before, and as a percentage of before (none when before is 0);
- *too few to tell* (the page says so in words, and shows no change) when fewer than
  `MIN_MAANDEN_NA` (3) finished months lie after the completion, or fewer than `MIN_KLACHTEN`
  (20) complaints lie behind the figure (before and after together). Twenty complaints over a
  year is about where a monthly swing of one or two is no longer the whole difference; below it
  any "change" is noise.

An action without a complaint, or whose complaint has no oorzaak, has no cause to follow: it is
listed with that reason. The cause is recorded with the answer, so the most recent months may
still grow as complaints received in them are answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext, gettext_lazy

from klachten import kalender
from klachten.models import Klacht, Verbeterpunt, VerbeterpuntStatus

MAANDEN = 6
MIN_MAANDEN_NA = 3
MIN_KLACHTEN = 20

DEFINITIE = gettext_lazy(
    "Klachten ontvangen per maand met dezelfde oorzaak als de klacht van de verbeteractie (ook "
    "binnen haar categorie en afdeling): gemiddeld per maand in de 6 hele maanden vóór de maand "
    "waarin de actie gereed was, en in de afgelopen hele maanden erna (hoogstens 6). De maand "
    "van gereedmelding telt niet mee. Te weinig om iets te zeggen: minder dan 3 maanden erna of "
    "minder dan 20 klachten in totaal."
)

Maand = tuple[int, int]


@dataclass(frozen=True)
class Reeks:
    """One count (the cause alone, or within a categorie or afdeling) before and after."""

    naam: str
    voor: list[tuple[Maand, int]]
    na: list[tuple[Maand, int]]

    @property
    def per_maand(self) -> list[tuple[dt.date, int, bool]]:
        """(first day of the month, complaints, after?) for the page's month table."""
        return [(dt.date(*m, 1), n, False) for m, n in self.voor] + [
            (dt.date(*m, 1), n, True) for m, n in self.na
        ]

    @property
    def aantal_voor(self) -> int:
        return sum(n for _m, n in self.voor)

    @property
    def aantal_na(self) -> int:
        return sum(n for _m, n in self.na)

    @property
    def aantal(self) -> int:
        """The number of complaints behind the figure."""
        return self.aantal_voor + self.aantal_na

    @property
    def te_weinig(self) -> bool:
        return len(self.na) < MIN_MAANDEN_NA or self.aantal < MIN_KLACHTEN

    @property
    def gemiddeld_voor(self) -> Decimal | None:
        return _gemiddelde(self.aantal_voor, len(self.voor))

    @property
    def gemiddeld_na(self) -> Decimal | None:
        return _gemiddelde(self.aantal_na, len(self.na))

    @property
    def verschil(self) -> Decimal | None:
        """After minus before, complaints per month (1 decimal); None when too few."""
        if self.te_weinig or self.gemiddeld_voor is None or self.gemiddeld_na is None:
            return None
        return self.gemiddeld_na - self.gemiddeld_voor

    @property
    def verschil_procent(self) -> int | None:
        """The change as a whole percentage of before; None when too few or before is 0."""
        if self.verschil is None or not self.aantal_voor:
            return None
        voor = Decimal(self.aantal_voor) / len(self.voor)
        na = Decimal(self.aantal_na) / len(self.na)
        return int(((na - voor) / voor * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _gemiddelde(aantal: int, maanden: int) -> Decimal | None:
    if not maanden:
        return None
    return (Decimal(aantal) / maanden).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Effect:
    verbeterpunt: Verbeterpunt
    gereed_maand: Maand | None
    reeksen: list[Reeks]  # empty when there is no cause to follow
    reden: str = ""  # why there is nothing to show

    @property
    def gereed_datum(self) -> dt.date:
        return kalender.lokale_datum(self.verbeterpunt.gereed_op)


def _maanden(van: Maand, aantal: int) -> list[Maand]:
    uit, maand = [], van
    for _i in range(aantal):
        uit.append(maand)
        maand = kalender.volgende_maand(*maand)
    return uit


def _vensters(gereed: dt.date, vandaag: dt.date) -> tuple[list[Maand], list[Maand]]:
    """The whole months before and after the month of `gereed`; after only finished months."""
    maand = (gereed.year, gereed.month)
    begin = maand
    for _i in range(MAANDEN):
        begin = kalender.vorige_maand(*begin)
    voor = _maanden(begin, MAANDEN)
    lopend = (vandaag.year, vandaag.month)
    na = [m for m in _maanden(kalender.volgende_maand(*maand), MAANDEN) if m < lopend]
    return voor, na


def effecten(
    verbeterpunten: QuerySet[Verbeterpunt], *, klachten: QuerySet[Klacht], vandaag: dt.date
) -> list[Effect]:
    """The before/after figure of every done action in `verbeterpunten`, counted among
    `klachten` (the page's selection: label, afdelingen). Two queries, whatever the number of
    actions: the actions with their complaint, and one grouped count over all their causes."""
    gereed = list(
        verbeterpunten.filter(status=VerbeterpuntStatus.GEREED, gereed_op__isnull=False)
        .select_related("klacht__oorzaak", "klacht__categorie", "klacht__afdeling")
        .order_by("gereed_op", "pk")
    )
    te_volgen = [v for v in gereed if v.klacht is not None and v.klacht.oorzaak_id is not None]
    vensters = {v.pk: _vensters(kalender.lokale_datum(v.gereed_op), vandaag) for v in te_volgen}
    tellingen: dict[tuple[int, int, int | None, int | None], int] = {}
    if te_volgen:
        eerste = min(voor[0] for voor, _na in vensters.values())
        laatste = max((na or voor)[-1] for voor, na in vensters.values())
        van = kalender.maand_grenzen(*eerste).van
        tot = kalender.maand_grenzen(*laatste).tot
        rijen = (
            klachten.filter(
                oorzaak__in={v.klacht.oorzaak_id for v in te_volgen},
                ontvangen_op__gte=van,
                ontvangen_op__lt=tot,
            )
            .annotate(m=TruncMonth("ontvangen_op", tzinfo=kalender.AMSTERDAM))
            .values("m", "oorzaak", "categorie", "afdeling")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for r in rijen:
            sleutel = (r["m"].year, r["m"].month, r["oorzaak"], r["categorie"], r["afdeling"])
            tellingen[sleutel] = r["n"]

    def reeks(naam: str, voor: list[Maand], na: list[Maand], past) -> Reeks:
        def per(maand: Maand) -> int:
            return sum(
                n
                for (j, m, oorzaak, categorie, afdeling), n in tellingen.items()
                if (j, m) == maand and past(oorzaak, categorie, afdeling)
            )

        return Reeks(naam=naam, voor=[(m, per(m)) for m in voor], na=[(m, per(m)) for m in na])

    uit = []
    for v in gereed:
        maand = kalender.lokale_datum(v.gereed_op)
        gereed_maand = (maand.year, maand.month)
        if v not in te_volgen:
            reden = (
                gettext("Geen klacht gekoppeld: er is geen oorzaak om te volgen.")
                if v.klacht is None
                else gettext("De klacht heeft geen oorzaak: er is niets om te volgen.")
            )
            uit.append(Effect(verbeterpunt=v, gereed_maand=gereed_maand, reeksen=[], reden=reden))
            continue
        voor, na = vensters[v.pk]
        k = v.klacht
        reeksen = [
            reeks(
                gettext("Oorzaak %(oorzaak)s") % {"oorzaak": k.oorzaak},
                voor,
                na,
                lambda o, c, a, k=k: o == k.oorzaak_id,
            )
        ]
        if k.categorie_id:
            reeksen.append(
                reeks(
                    gettext("… in categorie %(categorie)s") % {"categorie": k.categorie},
                    voor,
                    na,
                    lambda o, c, a, k=k: o == k.oorzaak_id and c == k.categorie_id,
                )
            )
        if k.afdeling_id:
            reeksen.append(
                reeks(
                    gettext("… in afdeling %(afdeling)s") % {"afdeling": k.afdeling},
                    voor,
                    na,
                    lambda o, c, a, k=k: o == k.oorzaak_id and a == k.afdeling_id,
                )
            )
        uit.append(Effect(verbeterpunt=v, gereed_maand=gereed_maand, reeksen=reeksen))
    return uit
