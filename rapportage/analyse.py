"""The halfjaarlijkse klachtanalyse (DESIGN.md section 7): what complaints were about and why,
the lessons and improvement actions with their state, the outcomes of external procedures, and
the vulnerable customers (counts only), for the working group that writes its conclusions.
Everything aggregates in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext

from klachten import kalender
from klachten.models import (
    Doorverwijzing,
    DoorverwijzingUitkomst,
    ExterneProcedure,
    Gebeurtenis,
    Klacht,
    KwetsbaarheidSoort,
    Kwetsbaarheidssignaal,
    Leermoment,
    Oordeel,
    Status,
    Uitkomst,
    Verbeterpunt,
    VerbeterpuntStatus,
)
from rapportage import effect, maandrapport
from rapportage.selectors import Selectie, uitkomstnaam


@dataclass(frozen=True)
class Rij:
    naam: str
    aantal: int
    vorige: int  # the half-year before

    @property
    def verschil(self) -> int:
        return self.aantal - self.vorige


@dataclass
class Analyse:
    jaar: int
    helft: int
    ontvangen: int
    afgesloten: int
    # (year, month), received, closed: each month of the half-year; a complaint closed, reopened
    # and closed again in another month counts in both months (as in the month reports).
    per_maand: list[tuple[tuple[int, int], int, int]]
    per_oordeel: list[Rij]  # closed in the half-year, per verdict (all of them, also at 0)
    per_categorie: list[Rij]
    per_oorzaak: list[Rij]
    oorzaak_per_categorie: list[tuple[str, str, int]]  # (categorie, oorzaak, closed)
    leermomenten: QuerySet[Leermoment]
    verbeterpunten: QuerySet[Verbeterpunt]
    te_laat: int  # improvement actions past their target date and not done
    extern: list[tuple[str, str, int]]  # (instantie, uitkomst, decided in the half-year)
    extern_zaken: QuerySet[ExterneProcedure]
    # Vulnerable customers, anonymous: counts only (see kwetsbaarheid_tellen).
    kwetsbare_klachten: Rij
    signalen: list[Rij]
    doorverwijzingen: list[Rij]
    # Did the improvement help? The actions done in this half-year or the one before, each with
    # the complaints of its cause before and after (rapportage/effect.py).
    effecten: list[effect.Effect]


def _per_keuze(rijen: QuerySet, veld: str, keuzes, nu: Q) -> list[Rij]:
    """One row per choice (all of them, also at 0), in the choices' order: counted in the
    half-year (`nu`) and in the half-year before (the rest of `rijen`)."""
    tellingen = {
        r[veld]: r
        for r in rijen.values(veld)
        .annotate(nu=Count("pk", filter=nu), toen=Count("pk", filter=~nu))
        .order_by()
    }
    return [
        Rij(
            naam=str(naam),
            aantal=tellingen.get(waarde, {}).get("nu", 0),
            vorige=tellingen.get(waarde, {}).get("toen", 0),
        )
        for waarde, naam in keuzes
    ]


def kwetsbaarheid_tellen(
    klachten: QuerySet[Klacht], van: dt.datetime, tot: dt.datetime, vorig_van: dt.datetime
) -> tuple[Rij, list[Rij], list[Rij]]:
    """The vulnerable customers of the half-year [van, tot) against the one before [vorig_van,
    van) (Keurmerk Klantgericht Verzekeren; issue 9), as counts only: no dossiernummer, name or
    text leaves here.

    - kwetsbare klachten: complaints with at least one signal recorded in the half-year;
    - signalen: signals recorded in the half-year (their moment of recording), per kind; a
      signal withdrawn as a mistake is gone and counts nowhere;
    - doorverwijzingen: referrals whose date lies in the half-year, per outcome as recorded now.
    """
    signalen = Kwetsbaarheidssignaal.objects.filter(
        klacht__in=klachten, op__gte=vorig_van, op__lt=tot
    )
    in_helft = Q(op__gte=van)
    klachten_met_signaal = signalen.aggregate(
        nu=Count("klacht", distinct=True, filter=in_helft),
        toen=Count("klacht", distinct=True, filter=~in_helft),
    )
    verwijzingen = Doorverwijzing.objects.filter(
        klacht__in=klachten, datum__gte=vorig_van.date(), datum__lt=tot.date()
    )
    return (
        Rij(
            naam=gettext("Klachten met een signaal"),
            aantal=klachten_met_signaal["nu"],
            vorige=klachten_met_signaal["toen"],
        ),
        _per_keuze(signalen, "soort", KwetsbaarheidSoort.choices, in_helft),
        _per_keuze(
            verwijzingen, "uitkomst", DoorverwijzingUitkomst.choices, Q(datum__gte=van.date())
        ),
    )


def _klachten(selectie: Selectie) -> QuerySet[Klacht]:
    klachten = Klacht.objects.all()
    if selectie.label is not None:
        klachten = klachten.filter(label=selectie.label)
    if selectie.afdelingen is not None:
        klachten = klachten.filter(afdeling__in=selectie.afdelingen)
    return klachten


def _gesloten_in(klachten: QuerySet[Klacht], van, tot) -> QuerySet[Klacht]:
    return klachten.filter(pk__in=maandrapport.afgesloten_in(van, tot).values("pk"))


def _per_maand(
    klachten: QuerySet[Klacht], van: dt.datetime, tot: dt.datetime
) -> list[tuple[tuple[int, int], int, int]]:
    """Received and closed per month of [van, tot) (two queries)."""

    def per(qs: QuerySet, veld: str, teller: str) -> dict[tuple[int, int], int]:
        rijen = (
            qs.annotate(m=TruncMonth(veld, tzinfo=kalender.AMSTERDAM))
            .values("m")
            .annotate(n=Count(teller, distinct=True))
            .order_by()
        )
        return {(r["m"].year, r["m"].month): r["n"] for r in rijen}

    ontvangen = per(
        klachten.filter(ontvangen_op__gte=van, ontvangen_op__lt=tot), "ontvangen_op", "pk"
    )
    afgesloten = per(
        Gebeurtenis.objects.filter(
            klacht__in=klachten,
            soort__in=maandrapport.STAATSWIJZIGINGEN,
            naar_status=Status.AFGESLOTEN,
            op__gte=van,
            op__lt=tot,
        ),
        "op",
        "klacht",
    )
    maanden, maand = [], (van.year, van.month)
    while dt.date(*maand, 1) < kalender.lokale_datum(tot):
        maanden.append(maand)
        maand = kalender.volgende_maand(*maand)
    return [(m, ontvangen.get(m, 0), afgesloten.get(m, 0)) for m in maanden]


def _per_oordeel(gesloten: QuerySet[Klacht], vorig_gesloten: QuerySet[Klacht]) -> list[Rij]:
    """Closed complaints per verdict, this half-year and the one before (two queries); those
    closed without a verdict (not admissible, withdrawn) in a row of their own when there are."""
    nu, toen = (
        dict(qs.values_list("oordeel").annotate(n=Count("pk")).order_by())
        for qs in (gesloten, vorig_gesloten)
    )
    rijen = [
        Rij(naam=str(naam), aantal=nu.get(waarde, 0), vorige=toen.get(waarde, 0))
        for waarde, naam in Oordeel.choices
    ]
    if nu.get("") or toen.get(""):
        rijen.append(
            Rij(naam=gettext("Zonder oordeel"), aantal=nu.get("", 0), vorige=toen.get("", 0))
        )
    return rijen


def analyse(jaar: int, helft: int, *, selectie: Selectie, vandaag: dt.date) -> Analyse:
    periode = kalender.helft_grenzen(jaar, helft)
    van, tot = periode
    vorig_van, vorig_tot = kalender.helft_grenzen(*kalender.vorige_helft(jaar, helft))
    klachten = _klachten(selectie)
    ontvangen = klachten.filter(ontvangen_op__gte=van, ontvangen_op__lt=tot)
    vorig_ontvangen = klachten.filter(ontvangen_op__gte=vorig_van, ontvangen_op__lt=vorig_tot)
    gesloten = _gesloten_in(klachten, van, tot)
    vorig_gesloten = _gesloten_in(klachten, vorig_van, vorig_tot)

    def rijen(nu: QuerySet, toen: QuerySet, veld: str, leeg: str) -> list[Rij]:
        tellen = {r[veld]: r["n"] for r in nu.values(veld).annotate(n=Count("pk")).order_by()}
        eerder = {r[veld]: r["n"] for r in toen.values(veld).annotate(n=Count("pk")).order_by()}
        return sorted(
            (
                Rij(naam=naam or leeg, aantal=tellen.get(naam, 0), vorige=eerder.get(naam, 0))
                for naam in set(tellen) | set(eerder)
            ),
            key=lambda r: (-r.aantal, r.naam),
        )

    per_oorzaak_categorie = [
        (r["categorie__naam"], r["oorzaak__naam"] or "—", r["n"])
        for r in gesloten.values("categorie__naam", "oorzaak__naam")
        .annotate(n=Count("pk"))
        .order_by("-n", "categorie__naam")
    ]
    betrokken = Q(klacht__in=klachten)
    if selectie.afdelingen is None and selectie.label is None:
        betrokken = Q()  # also the actions from the analysis itself, without a complaint
    verbeterpunten = (
        Verbeterpunt.objects.filter(betrokken)
        .filter(
            Q(status__in=[VerbeterpuntStatus.OPEN, VerbeterpuntStatus.IN_UITVOERING])
            | Q(created_at__gte=van, created_at__lt=tot)
            | Q(gereed_op__gte=van, gereed_op__lt=tot)
        )
        .select_related("eigenaar", "klacht")
        .order_by("streefdatum", "pk")
    )
    lopend = [VerbeterpuntStatus.OPEN, VerbeterpuntStatus.IN_UITVOERING]
    beslist = ExterneProcedure.objects.filter(
        klacht__in=klachten,
        beslist_datum__gte=periode.eerste_dag,
        beslist_datum__lt=periode.dag_erna,
    ).exclude(uitkomst=Uitkomst.LOPEND)
    kwetsbare_klachten, signalen, doorverwijzingen = kwetsbaarheid_tellen(
        klachten, van, tot, vorig_van
    )
    return Analyse(
        jaar=jaar,
        helft=helft,
        ontvangen=ontvangen.count(),
        afgesloten=gesloten.count(),
        per_maand=_per_maand(klachten, van, tot),
        per_oordeel=_per_oordeel(gesloten, vorig_gesloten),
        per_categorie=rijen(ontvangen, vorig_ontvangen, "categorie__naam", "—"),
        per_oorzaak=rijen(gesloten, vorig_gesloten, "oorzaak__naam", gettext("Niet vastgesteld")),
        oorzaak_per_categorie=per_oorzaak_categorie,
        leermomenten=Leermoment.objects.filter(
            klacht__in=klachten, created_at__gte=van, created_at__lt=tot
        )
        .select_related("klacht", "door")
        .order_by("created_at"),
        verbeterpunten=verbeterpunten,
        te_laat=verbeterpunten.filter(status__in=lopend, streefdatum__lt=vandaag).count(),
        extern=[
            (r["instantie__naam"], uitkomstnaam(r["uitkomst"]), r["n"])
            for r in beslist.values("instantie__naam", "uitkomst")
            .annotate(n=Count("pk"))
            .order_by("instantie__naam", "uitkomst")
        ],
        extern_zaken=beslist.select_related("instantie", "klacht").order_by("beslist_datum"),
        kwetsbare_klachten=kwetsbare_klachten,
        signalen=signalen,
        doorverwijzingen=doorverwijzingen,
        effecten=effect.effecten(
            Verbeterpunt.objects.filter(betrokken, gereed_op__gte=vorig_van, gereed_op__lt=tot),
            klachten=klachten,
            vandaag=vandaag,
        ),
    )
