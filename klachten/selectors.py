"""Reads: which complaints a user may see, which label a request is for, what the outbox holds."""

import datetime as dt
import itertools
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from klachten import berichten, configuratie, kalender, rollen, termijnen
from klachten.models import (
    KLANTBERICHT_NA_AFSLUITING,
    Bericht,
    BerichtStatus,
    Bijlage,
    Categorie,
    Doorverwijzing,
    Gebeurtenis,
    GebeurtenisSoort,
    InkomendBericht,
    Kanaal,
    Klacht,
    Kwetsbaarheidssignaal,
    Label,
    Medewerker,
    Statusaantal,
    Termijn,
    Urgentie,
    Verbeterpunt,
    VerbeterpuntStatus,
    Weergave,
    keuzenaam,
)
from klachten.workflow import ACTIES, BerichtSoort, Status, mag

ALLES, NIETS, EIGEN = "alles", "niets", "eigen"


def _zicht(gebruiker) -> tuple[str, list[int]]:
    """What this user may see (DESIGN.md section 10): ALLES (directie and beheerder), NIETS (no
    staff role, not logged in), EIGEN (a partnerbehandelaar: only what is assigned to them), or
    ("afdelingen", the ids of their afdelingen)."""
    if not gebruiker.is_authenticated:
        return NIETS, []
    if rollen.is_partnerbehandelaar(gebruiker):
        return EIGEN, []
    if rollen.ziet_alle_klachten(gebruiker):
        return ALLES, []
    if not rollen.rollen_van(gebruiker):
        return NIETS, []
    # A list of ids (read once a request) rather than a subquery: the planner then reads the
    # indexes that start with afdeling.
    return "afdelingen", [afdeling.pk for afdeling in rollen.afdelingen_van(gebruiker)]


def klachten_voor(gebruiker) -> QuerySet[Klacht]:
    """Complaints this staff user may see (DESIGN.md section 10).

    Directie and beheerder see everything; a partnerbehandelaar (a handler of an outside firm,
    issue 9) only the complaints assigned to them, never by afdeling; everyone else the
    complaints of their own afdeling(en), plus those they registered themselves (a system
    account reads back what it filed). Never one about themselves.
    """
    zicht, afdelingen = _zicht(gebruiker)
    if zicht == ALLES:
        return Klacht.objects.all()
    if zicht == NIETS:
        return Klacht.objects.none()
    if zicht == EIGEN:
        return Klacht.objects.filter(_eigen(gebruiker)).exclude(betreft_medewerker=gebruiker)
    # The employee a complaint is about does not see it (the handler may not be that person).
    return Klacht.objects.filter(_afdelingszicht(gebruiker, afdelingen)).exclude(
        betreft_medewerker=gebruiker
    )


def ziet_klacht(gebruiker, klacht: Klacht) -> bool:
    """Whether `klacht` (as loaded) is among klachten_voor(gebruiker): the same rule read on the
    complaint's own fields, without a query, for a complaint an action just changed (issue 20:
    after toewijzen, teruggeven or classificeren the page asks whether the user still sees it).
    tests/klachten/test_toegang.py holds both to the same answers."""
    zicht, afdelingen = _zicht(gebruiker)
    if zicht == ALLES:
        return True
    if zicht == NIETS or klacht.betreft_medewerker_id == gebruiker.pk:
        return False
    if zicht == EIGEN:
        return gebruiker.pk in (klacht.behandelaar_id, klacht.heroverweging_behandelaar_id)
    return (
        klacht.afdeling_id in afdelingen
        or klacht.ingediend_door_id == gebruiker.pk
        or (klacht.afdeling_id is None and ziet_te_classificeren(gebruiker))
    )


def ziet_te_classificeren(gebruiker) -> bool:
    """Whether this user sees (and a teamleider classifies) the complaints that came in by e-mail
    without an afdeling: every teamleider, and directie and beheerder, who see everything; a
    klachtbehandelaar once the complaint is classified into their afdeling."""
    if not gebruiker.is_authenticated or rollen.is_partnerbehandelaar(gebruiker):
        return False
    return rollen.ziet_alle_klachten(gebruiker) or rollen.TEAMLEIDER in rollen.rollen_van(gebruiker)


def _afdelingszicht(gebruiker, afdelingen: list[int]) -> Q:
    """The complaints of these afdelingen, those the user registered, and for a teamleider the
    ones without an afdeling (nog te classificeren)."""
    zicht = Q(afdeling__in=afdelingen) | Q(ingediend_door=gebruiker)
    if ziet_te_classificeren(gebruiker):
        zicht |= Q(afdeling__isnull=True)
    return zicht


def te_classificeren() -> Q:
    """A complaint that came in by e-mail without categorie or afdeling."""
    return Q(categorie__isnull=True) | Q(afdeling__isnull=True)


def nieuw_klantbericht() -> Q:
    """A message of the customer newer than a handler's last opening of the dossier (the
    queue's marker and filter; Klacht.heeft_nieuw_klantbericht for one complaint)."""
    return Q(klantbericht_op__isnull=False) & (
        Q(behandelaar_gelezen_op__isnull=True) | Q(klantbericht_op__gt=F("behandelaar_gelezen_op"))
    )


def aantal_te_classificeren(gebruiker) -> int:
    """The count on the queue's "te classificeren" tab: open complaints only (few, on the
    categorie and afdeling indexes)."""
    return (
        klachten_voor(gebruiker)
        .filter(te_classificeren())
        .exclude(status=Status.AFGESLOTEN)
        .count()
    )


def teamleiders(afdeling_id: int | None) -> list[Medewerker]:
    """The active teamleiders of an afdeling who have an e-mail address (for signals); of a
    complaint without an afdeling (nog te classificeren), every teamleider: they all see it."""
    teamleiders = Medewerker.objects.filter(is_active=True, groups__name=rollen.TEAMLEIDER)
    if afdeling_id is not None:
        teamleiders = teamleiders.filter(afdelingen=afdeling_id)
    return list(
        teamleiders.exclude(email="").exclude(groups__name=rollen.PARTNERBEHANDELAAR).distinct()
    )


def tweedelijnstoewijzers(afdeling_id: int | None) -> list[Medewerker]:
    """Who assigns the second-line handler of a reconsideration (issue 18): the teamleiders of
    the afdeling; when it has none, the beheerders (active, with an e-mail address)."""
    ontvangers = teamleiders(afdeling_id)
    if ontvangers:
        return ontvangers
    return list(
        Medewerker.objects.filter(is_active=True, groups__name=rollen.BEHEERDER)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def label_voor_verzoek(request: HttpRequest, slug: str | None = None) -> Label:
    """The label of a public page: from the URL (/<slug>/klacht/), the host name, or the default."""
    alle = configuratie.labels()  # read once per process (klachten.configuratie)
    if slug is not None:
        label = next((label for label in alle if label.slug == slug), None)
        if label is None:
            raise Http404
        return label
    host = request.get_host().split(":")[0].lower()
    label = next(
        (label for label in alle if label.hostnaam and label.hostnaam.lower() == host), None
    )
    if label is None:
        label = next((label for label in alle if label.is_standaard), None) or next(
            iter(alle), None
        )
    if label is None:
        raise Http404("Er is nog geen label ingericht.")
    return label


def openstaande_bericht_ids(
    *, geschreven_voor: dt.datetime, aan_de_beurt_op: dt.datetime | None = None
) -> list[int]:
    """Messages still pending that were written before `geschreven_voor` and whose next attempt
    is due at `aan_de_beurt_op` (default: now; a message in back-off after a temporary failure
    waits, berichten.terugval): the sweep sends these, oldest first, 500 at a time."""
    aan_de_beurt_op = aan_de_beurt_op or timezone.now()
    return list(
        Bericht.objects.filter(status=BerichtStatus.WACHTEND, created_at__lte=geschreven_voor)
        .filter(Q(volgende_poging_op__isnull=True) | Q(volgende_poging_op__lte=aan_de_beurt_op))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


# A complaint with a message to the customer that the mail server refused for good and that was
# not sent again: the work queue's marker "bericht niet bezorgd" and its filter (one definition).
def niet_bezorgd() -> Exists:
    return Exists(
        Bericht.objects.filter(
            klacht=OuterRef("pk"),
            status=BerichtStatus.ONBESTELBAAR,
            opnieuw_verstuurd_als__isnull=True,
        ).exclude(soort__in=berichten.interne_soorten())
    )


@dataclass(frozen=True)
class Postvak:
    """What the outbox holds that needs an eye: messages waiting (after a failed attempt, or not
    yet tried) and messages refused for good that nobody sent again (the beheerder's count)."""

    wachtend: int
    onbestelbaar: int


def postvak() -> Postvak:
    """The beheerder's count of the outbox, in one query on the partial indexes."""
    tellingen = Bericht.objects.filter(
        Q(status=BerichtStatus.WACHTEND)
        | Q(status=BerichtStatus.ONBESTELBAAR, opnieuw_verstuurd_als__isnull=True)
    ).aggregate(
        wachtend=Count("pk", filter=Q(status=BerichtStatus.WACHTEND)),
        onbestelbaar=Count("pk", filter=Q(status=BerichtStatus.ONBESTELBAAR)),
    )
    return Postvak(**tellingen)


def signaal_bezorging(signaal) -> str:
    """Whether a deadline signal's notices arrived: "verzonden" only when every one of them was
    sent; "onbestelbaar" when one was refused for good; else "wachtend" (BerichtStatus values).
    A signal without messages (its notice had no recipient) reads as sent: nothing to deliver."""
    statussen = {b.status for b in signaal.berichten.all()}
    if BerichtStatus.ONBESTELBAAR in statussen or BerichtStatus.MISLUKT in statussen:
        return BerichtStatus.ONBESTELBAAR
    if BerichtStatus.WACHTEND in statussen:
        return BerichtStatus.WACHTEND
    return BerichtStatus.VERZONDEN


def adres_onbestelbaar(klacht) -> Bericht | None:
    """The customer's address is flagged undeliverable: the latest message to the complaint's
    current address that the mail server refused for good (its 5xx, or a bounce that came back
    by e-mail: klachten.berichten.inkomend) and nobody sent again. Correcting the address through
    services.bericht_opnieuw_versturen clears it."""
    if not klacht.klant_email:
        return None
    return (
        Bericht.objects.filter(
            klacht=klacht,
            status=BerichtStatus.ONBESTELBAAR,
            opnieuw_verstuurd_als__isnull=True,
            aan__iexact=klacht.klant_email,
        )
        .exclude(soort__in=berichten.interne_soorten())
        .order_by("-created_at", "-id")
        .first()
    )


def adres_sleutel(email: str) -> str:
    """An e-mail address as one mailbox: without case and without a +tag in the local part
    (klant+1@ and klant+2@ reach the same person)."""
    lokaal, _at, domein = (email or "").strip().lower().rpartition("@")
    return f"{lokaal.split('+', 1)[0]}@{domein}"


def ontvangstbevestigingen_naar_adres(*, email: str, sinds: dt.datetime) -> int:
    """How many acknowledgements of complaints filed by the customer themselves (public form,
    e-mail: berichten.adres_onbewezen) went to the mailbox of `email`
    (adres_sleutel) since `sinds`: the complaints received since then (index on ontvangen_op),
    narrowed by the address in the database and compared exactly here."""
    sleutel = adres_sleutel(email)
    lokaal, _at, domein = sleutel.rpartition("@")
    adressen = Bericht.objects.filter(
        soort=BerichtSoort.ONTVANGSTBEVESTIGING,
        klacht__kanaal__in=[Kanaal.WEBFORMULIER, Kanaal.EMAIL],
        klacht__ingediend_door__isnull=True,
        klacht__ontvangen_op__gte=sinds,
        created_at__gte=sinds,
        aan__istartswith=lokaal,
        aan__iendswith="@" + domein,
    ).values_list("aan", flat=True)
    return sum(1 for aan in adressen if adres_sleutel(aan) == sleutel)


# The closed complaints of a queue are counted up to this many ("10.000+"): an exact count over
# years of archive would cost more than the rest of the page, and nobody pages that far.
AFGESLOTEN_TELLEN_TOT = 10_000


def _eigen(gebruiker) -> Q:
    return Q(behandelaar=gebruiker) | Q(heroverweging_behandelaar=gebruiker)


def werkvoorraad(gebruiker) -> QuerySet[Klacht]:
    """The work queue: what this user may see, marked own (is_eigen 0) or not (1), unordered
    (werkvoorraad_volgorde reads it in its order)."""
    klachten = (
        klachten_voor(gebruiker)
        .select_related("afdeling", "categorie", "behandelaar", "label")
        .annotate(is_eigen=Case(When(_eigen(gebruiker), then=Value(0)), default=Value(1)))
    )
    # The marker "bericht niet bezorgd": the customer did not get a message (issue 15).
    klachten = klachten.annotate(is_niet_bezorgd=niet_bezorgd())
    # The marker "nieuw bericht van klant" (issue 17): two columns of the row, no join.
    klachten = klachten.annotate(
        is_nieuw_klantbericht=ExpressionWrapper(nieuw_klantbericht(), output_field=BooleanField())
    )
    if ziet_kwetsbaarheid(gebruiker):
        # The discreet marker of a vulnerable customer, only for those who handle complaints.
        klachten = klachten.annotate(
            is_kwetsbaar=Exists(Kwetsbaarheidssignaal.objects.filter(klacht=OuterRef("pk")))
        )
    return klachten


def _voorrang(gebruiker) -> Q:
    """The head of the queue: the urgent complaints and the user's own (both few)."""
    return Q(urgentie=Urgentie.HOOG) | _eigen(gebruiker)


class VoorrangEerst:
    """The queue in its default order (issue 19; DESIGN.md section 11): urgent complaints first,
    then the user's own, then by the nearest deadline (none last), then the oldest first. Read
    as two parts, each on an index, so a page reads its 25 rows and not the whole queue: the
    head (urgent or own: the partial index klacht_open_urgent and the behandelaar indexes, few
    rows sorted in the database) and the rest (in the order of klacht_open_volgorde); sliced by
    the paginator."""

    VOLGORDE = (F("volgende_termijn_datum").asc(nulls_last=True), "ontvangen_op", "pk")

    def __init__(self, klachten: QuerySet[Klacht], gebruiker):
        urgent_eerst = Case(When(urgentie=Urgentie.HOOG, then=Value(0)), default=Value(1))
        self.voorrang = klachten.filter(_voorrang(gebruiker)).order_by(
            urgent_eerst, "is_eigen", *self.VOLGORDE
        )
        self.overige = klachten.exclude(_voorrang(gebruiker)).order_by(*self.VOLGORDE)

    def __getitem__(self, deel: slice) -> list[Klacht]:
        start, stop = deel.start or 0, deel.stop
        rijen = list(self.voorrang[start:stop])
        if len(rijen) == stop - start:
            return rijen
        # The head ends on this page (its length is now known) or before it.
        voorrang = start + len(rijen) if rijen or start == 0 else self.voorrang.count()
        return rijen + list(self.overige[max(0, start - voorrang) : stop - voorrang])


# The queue's sortable columns (issue 19): the value of ?sorteer= (a "-" in front: descending)
# and the order it stands for; anything else is ignored (the default order). Every order ends
# on the pk, so rows that tie keep their place from page to page (_gesorteerd).
SORTEERBAAR = {
    "dossiernummer": ("dossiernummer",),
    "klant": ("klant_naam",),
    "onderwerp": ("categorie__naam",),
    "behandelaar": ("behandelaar__first_name", "behandelaar__last_name", "behandelaar__username"),
    "status": (
        Case(
            *(When(status=code, then=Value(i)) for i, code in enumerate(Status.values)),
            default=Value(len(Status.values)),
        ),
    ),
    "termijn": ("volgende_termijn_datum", "ontvangen_op"),
    "urgentie": (Case(When(urgentie=Urgentie.HOOG, then=Value(0)), default=Value(1)),),
    "ontvangen": ("ontvangen_op",),
}


def sortering(waarde: str | None) -> tuple[str, bool] | None:
    """The queue's sort (column, descending) from ?sorteer=, or None: absent or not one of
    SORTEERBAAR (a made-up value is ignored, never an error)."""
    waarde = (waarde or "").strip()
    aflopend = waarde.startswith("-")
    kolom = waarde.removeprefix("-")
    return (kolom, aflopend) if kolom in SORTEERBAAR else None


def _gesorteerd(klachten: QuerySet[Klacht], kolom: str, aflopend: bool) -> QuerySet[Klacht]:
    """Ascending with empty values last; descending is exactly that order reversed (empty
    first, the pk too), so an index read forwards for the one serves the other read backwards
    (klacht_open_volgorde for the deadline, klacht_open_klant for the customer's name)."""
    volgorde = []
    for veld in (*SORTEERBAAR[kolom], "pk"):
        uitdrukking = F(veld) if isinstance(veld, str) else veld
        volgorde.append(
            uitdrukking.desc(nulls_first=True) if aflopend else uitdrukking.asc(nulls_last=True)
        )
    return klachten.order_by(*volgorde)


def wacht_op_keuze() -> Q:
    """A closed complaint the customer wrote to after the closing, on which the handler has not
    chosen yet (issue 17: reopen, reconsideration, a new complaint linked to it, or just an
    answer). Chosen: reopened or reconsidered (no longer closed, or closed again after the
    message), answered (a message to the customer after theirs: laatste_klantcontact_op), or a
    vervolgklacht registered after it. The one definition of the queue's list and the dossier's
    panel; the partial index klacht_wacht_op_keuze holds the rows of its first part
    (KLANTBERICHT_NA_AFSLUITING)."""
    return Q(KLANTBERICHT_NA_AFSLUITING) & ~Exists(
        Klacht.objects.filter(
            vorige_klacht=OuterRef("pk"), created_at__gt=OuterRef("klantbericht_op")
        )
    )


# How many closed complaints awaiting the handler's choice the default queue shows above the
# open work (the oldest first: handled, the next ones come up).
WACHT_OP_KEUZE_TONEN = 10


def wachten_op_keuze(klachten: QuerySet[Klacht]) -> list[Klacht]:
    """The closed complaints of the queue `klachten` (werkvoorraad) that wait for the handler's
    choice after the customer wrote (wacht_op_keuze): the queue hides the closed ones, these it
    shows above the open work until the choice is made, whether or not a handler opened them
    since; own ones first, then the longest waiting; at most WACHT_OP_KEUZE_TONEN (one query)."""
    return list(
        klachten.filter(wacht_op_keuze()).order_by("is_eigen", "klantbericht_op", "pk")[
            :WACHT_OP_KEUZE_TONEN
        ]
    )


def werkvoorraad_volgorde(
    klachten: QuerySet[Klacht], gebruiker, status: str | None, sorteer: str | None = None
):
    """The queue in its order: the column chosen (`sorteer`, see sortering), else the default
    (VoorrangEerst); the closed complaints (their own tab, no deadline) the most recently closed
    first."""
    gekozen = sortering(sorteer)
    if gekozen is not None:
        return _gesorteerd(klachten, *gekozen)
    if status == Status.AFGESLOTEN:
        return klachten.order_by(F("afgesloten_op").desc(nulls_last=True), "-pk")
    return VoorrangEerst(klachten, gebruiker)


@dataclass(frozen=True)
class Aantallen:
    """How many complaints of a (filtered) queue are in each state; the closed ones counted up to
    AFGESLOTEN_TELLEN_TOT (`afgesloten_meer`: there are more)."""

    per_status: dict[str, int]
    afgesloten_meer: bool

    @property
    def open(self) -> int:
        return sum(n for status, n in self.per_status.items() if status != Status.AFGESLOTEN)


def aantallen_per_status(klachten: QuerySet[Klacht]) -> Aantallen:
    """The tab counts: the open states in one grouped query, the closed ones in one bounded
    count (two queries whatever the size of the archive)."""
    per_status = dict.fromkeys(Status.values, 0)
    rijen = (
        klachten.exclude(status=Status.AFGESLOTEN)
        .order_by()
        .values("status")
        .annotate(aantal=Count("pk"))
    )
    for rij in rijen:
        per_status[rij["status"]] = rij["aantal"]
    afgesloten = (
        klachten.filter(status=Status.AFGESLOTEN)
        .order_by()
        .values("pk")[: AFGESLOTEN_TELLEN_TOT + 1]
        .count()
    )
    per_status[Status.AFGESLOTEN] = min(afgesloten, AFGESLOTEN_TELLEN_TOT)
    return Aantallen(per_status=per_status, afgesloten_meer=afgesloten > AFGESLOTEN_TELLEN_TOT)


def aantallen_in_werkvoorraad(gebruiker) -> Aantallen:
    """The tab counts of the unfiltered queue, exact and cheap: the Statusaantal rows the
    database keeps per afdeling (a few rows), plus what the user registered outside their
    afdelingen, minus the complaints about themselves (both small, indexed). The same figures as
    aantallen_per_status(werkvoorraad(gebruiker)), which is used where no trigger keeps them."""
    if connection.vendor != "postgresql":
        return aantallen_per_status(werkvoorraad(gebruiker))
    zicht, afdelingen = _zicht(gebruiker)
    if zicht == EIGEN:
        # A partner's own complaints: few, counted on the behandelaar index (the kept counts
        # are per afdeling, which a partner does not see).
        return aantallen_per_status(klachten_voor(gebruiker))
    per_status = dict.fromkeys(Status.values, 0)
    if zicht == NIETS:
        return Aantallen(per_status=per_status, afgesloten_meer=False)
    tellers = Statusaantal.objects.all()
    if zicht != ALLES:
        # A teamleider also sees the complaints without an afdeling (kept under sleutel 0).
        zonder_afdeling = [0] if ziet_te_classificeren(gebruiker) else []
        tellers = tellers.filter(afdeling_sleutel__in=afdelingen + zonder_afdeling)
    for rij in tellers.values("status").annotate(aantal=Sum("aantal")).order_by():
        per_status[rij["status"]] += rij["aantal"]
    if zicht != ALLES:
        erbij = Klacht.objects.filter(ingediend_door=gebruiker).exclude(afdeling__in=afdelingen)
        if zonder_afdeling:
            erbij = erbij.exclude(afdeling__isnull=True)
        eraf = Klacht.objects.filter(
            _afdelingszicht(gebruiker, afdelingen), betreft_medewerker=gebruiker
        )
        for klachten, teken in ((erbij, 1), (eraf, -1)):
            for rij in klachten.values("status").annotate(aantal=Count("pk")).order_by():
                per_status[rij["status"]] += teken * rij["aantal"]
    return Aantallen(per_status=per_status, afgesloten_meer=False)


@dataclass(frozen=True)
class TermijnBadge:
    naam: str
    datum: dt.date
    dagen: int
    # A deadline held as a moment (termijnen.MOMENTEN: the first reaction) and the time left
    # (negative: overdue): within a day of its moment the badge counts hours, not days.
    moment: dt.datetime | None = None
    resterend: dt.timedelta | None = None

    @property
    def uren(self) -> int | None:
        """Whole hours left or late (at least 1: "within the hour"); None: counted in days."""
        if self.resterend is None or abs(self.resterend) >= dt.timedelta(days=1):
            return None
        return max(abs(self.resterend) // dt.timedelta(hours=1), 1)

    @property
    def te_laat(self) -> bool:
        return self.dagen < 0 or (self.resterend is not None and self.resterend < dt.timedelta(0))

    @property
    def dagen_te_laat(self) -> int:
        return max(0, -self.dagen)

    @property
    def kleur(self) -> str:
        """Green more than 2 days left, amber 2 or fewer, red overdue (DESIGN.md section 11)."""
        if self.te_laat:
            return "rood"
        return "oranje" if self.dagen <= 2 else "groen"


def termijn_badges(klacht: Klacht, vandaag: dt.date | None = None) -> list[TermijnBadge]:
    """The deadlines that run now, with days left; the same rules the tasks use."""
    vandaag = vandaag or kalender.vandaag()
    geldend = termijnen.termijnen_van(klacht)
    datums = {termijnen.TermijnSoort(veld): datum for veld, datum in asdict(geldend).items()}
    # The Kifid limit: stored only while the complaint is open and unanswered (the watch's alarm).
    datums[termijnen.TermijnSoort.KIFID_ALARM] = klacht.kifid_alarm_datum
    badges = [
        _badge(klacht, soort, soort.label, datum, vandaag)
        for soort, datum in datums.items()
        if datum is not None
    ]
    return sorted(badges, key=lambda b: (b.datum, b.moment is None))


def _badge(klacht: Klacht, soort: str, naam: str, datum: dt.date, vandaag: dt.date) -> TermijnBadge:
    """A deadline's badge; a deadline held as a moment (termijnen.MOMENTEN) counts hours on
    its last day."""
    kolom = termijnen.LOPEND_BIJ[soort][0] if soort in termijnen.MOMENTEN else None
    moment = getattr(klacht, kolom) if kolom else None
    if moment is None:
        return TermijnBadge(naam=naam, datum=datum, dagen=(datum - vandaag).days)
    return TermijnBadge(
        naam=naam,
        datum=datum,
        dagen=(datum - vandaag).days,
        moment=moment,
        resterend=moment - timezone.now(),
    )


def antwoord_belofte(klacht: Klacht) -> dt.date | None:
    """The date by which the customer was promised an answer, while one is due."""
    geldend = termijnen.termijnen_van(klacht)
    return geldend.antwoord or geldend.heroverweging


def volgende_termijn_badge(klacht: Klacht, vandaag: dt.date | None = None) -> TermijnBadge | None:
    """The badge of the work queue: the nearest running deadline (from the indexed column)."""
    if klacht.volgende_termijn_datum is None:
        return None
    vandaag = vandaag or kalender.vandaag()
    # The first reaction due that day: its hours count (a 4-hour term ends within the day).
    eerste_reactie = klacht.eerste_reactie_uiterlijk_op
    if (
        eerste_reactie is not None
        and kalender.lokale_datum(eerste_reactie) == klacht.volgende_termijn_datum
    ):
        return _badge(
            klacht,
            termijnen.TermijnSoort.EERSTE_REACTIE,
            _("Eerste reactie"),
            klacht.volgende_termijn_datum,
            vandaag,
        )
    return TermijnBadge(
        naam=_("Termijn"),
        datum=klacht.volgende_termijn_datum,
        dagen=(klacht.volgende_termijn_datum - vandaag).days,
    )


def ziet_kwetsbaarheid(gebruiker) -> bool:
    """Whether this user sees the vulnerability signals and referrals of the complaints they may
    open (klachten_voor): only those who handle complaints, i.e. who may record a signal
    (klachten.workflow, "kwetsbaarheid_vastleggen"). Not directie, not a system account, never
    the customer (issue 9: "visible only to staff who handle it"). The API, the customer's
    status page, messages and exports never read them; the reports only count them."""
    return gebruiker.is_authenticated and mag(gebruiker, ACTIES["kwetsbaarheid_vastleggen"])


@dataclass(frozen=True)
class Kwetsbaarheid:
    """The vulnerability signals and referrals of one complaint, oldest first."""

    signalen: list[Kwetsbaarheidssignaal]
    doorverwijzingen: list[Doorverwijzing]


def kwetsbaarheid(klacht: Klacht) -> Kwetsbaarheid:
    """Read once (two queries) onto the complaint, so the workflow's conditions on it
    (klacht.kwetsbaarheidssignalen) ask nothing more. Only for users who ziet_kwetsbaarheid."""
    prefetch_related_objects(
        [klacht],
        Prefetch(
            "kwetsbaarheidssignalen",
            queryset=Kwetsbaarheidssignaal.objects.select_related("door"),
        ),
        Prefetch("doorverwijzingen", queryset=Doorverwijzing.objects.select_related("door")),
    )
    return Kwetsbaarheid(
        signalen=list(klacht.kwetsbaarheidssignalen.all()),
        doorverwijzingen=list(klacht.doorverwijzingen.all()),
    )


# Fields whose changes the timeline shows from the history (the others have their own events).
HISTORIE_VELDEN = [
    "klant_naam",
    "klant_email",
    "klant_telefoon",
    "polisnummer",
    "categorie",
    "urgentie",
    "omschrijving",
    "gewenste_oplossing",
    "betreft_medewerker",
    "label",
]


@dataclass
class TijdlijnItem:
    op: dt.datetime
    soort: str
    titel: str
    tekst: str = ""
    door: str = ""
    bericht: Bericht | None = None
    bijlagen: list = field(default_factory=list)
    wijzigingen: list[tuple[str, str, str]] = field(default_factory=list)
    # A message the customer sent by e-mail (issue 17): the stored original (downloadable as
    # .eml by staff) and its view with the quoted history folded (berichten.inkomend.tonen).
    inkomend: InkomendBericht | None = None
    email: object = None  # berichten.inkomend.tonen.Weergave
    door_klant: bool = False


def email_weergave(rij: InkomendBericht, tekst: str, bijlagen: dict[str, Bijlage]):
    """How the timeline shows a customer's e-mail: from the stored original (HTML sanitised, its
    inline images as the dossier's attachments, `bijlagen` by name), or from the text on the
    timeline when the original cannot be read."""
    from klachten.berichten.inkomend.tonen import tekst_vouwen, weergave

    def bijlage_url(naam: str) -> str | None:
        bijlage = bijlagen.get(naam)
        if bijlage is None:
            return None
        # An inline image is shown as the preview is (served inline, in the access log as viewed).
        view = (
            "klachten:bijlage-bekijken" if bijlage.voorbeeld == "afbeelding" else "klachten:bijlage"
        )
        return reverse(view, args=[bijlage.pk])

    try:
        with rij.bestand.open("rb") as bestand:
            ruw = bestand.read()
    except OSError:
        return tekst_vouwen(tekst)
    return weergave(ruw, bijlage_url=bijlage_url)


# The events whose attachments the customer sent themselves, when door_klant.
KLANT_BIJLAGE_SOORTEN = (GebeurtenisSoort.ONTVANGEN, GebeurtenisSoort.KLANTBERICHT)


def bijlagen_van_klant(klacht: Klacht):
    """The attachments the customer sent themselves (the complaint form, a message on the status
    page, their e-mails): what the status page lets them download again (issue 19). Not those
    staff added, not even on the customer's behalf; none once the complaint is anonymised."""
    if klacht.geanonimiseerd_op is not None:
        return Bijlage.objects.none()
    return Bijlage.objects.filter(
        klacht=klacht, gebeurtenis__door_klant=True, gebeurtenis__soort__in=KLANT_BIJLAGE_SOORTEN
    )


def bijlagen_van_klant_in(klacht: Klacht, tijdlijn: list[TijdlijnItem]) -> set[int]:
    """The ids of `bijlagen_van_klant` among the timeline's attachments (no query): those the
    status page links."""
    if klacht.geanonimiseerd_op is not None:
        return set()
    return {
        bijlage.pk
        for item in tijdlijn
        if item.door_klant and item.soort in KLANT_BIJLAGE_SOORTEN
        for bijlage in item.bijlagen
    }


def tijdlijn(
    klacht: Klacht,
    *,
    voor_klant: bool = False,
    kwetsbaarheid: Kwetsbaarheid | None = None,
    alleen: list[str] | None = None,
) -> list[TijdlijnItem]:
    """One timeline of the dossier, newest first: events (received, messages in and out, status
    changes, notes, phone contacts, attachments) and field changes from the history.

    For the customer: only the messages to and from them and the received moment. The
    vulnerability signals and referrals only when given (`kwetsbaarheid`: read for a user who
    ziet_kwetsbaarheid); they have no events of their own, so no other reader can meet them.
    """
    gebeurtenissen = (
        klacht.gebeurtenissen.select_related("door", "bericht")
        .prefetch_related("bijlagen")
        .order_by("-op", "-pk")
    )
    if alleen is not None:  # these kinds of event only, no field changes
        gebeurtenissen = gebeurtenissen.filter(soort__in=alleen)
    if voor_klant:
        gebeurtenissen = gebeurtenissen.filter(
            soort__in=[
                GebeurtenisSoort.ONTVANGEN,
                GebeurtenisSoort.BERICHT,
                GebeurtenisSoort.KLANTBERICHT,
            ]
        )
    # The customer's e-mails on the dossier (staff only): one query, the originals read from
    # the attachment storage to show them folded and sanitised.
    inkomend = (
        {}
        if voor_klant
        else {
            rij.gebeurtenis_id: rij
            for rij in InkomendBericht.objects.filter(klacht=klacht, gebeurtenis__isnull=False)
        }
    )
    bijlagen_per_naam = (
        {b.oorspronkelijke_naam: b for b in Bijlage.objects.filter(klacht=klacht)}
        if inkomend
        else {}
    )
    gebeurtenissen = list(gebeurtenissen)
    tweede_lijn = (
        _toewijzingen_tweede_lijn(klacht, gebeurtenissen)
        if alleen is None or GebeurtenisSoort.STATUS in alleen
        else set()
    )
    # A message the worker has yet to compose shows the text it will have (issue 20).
    from klachten.berichten import uitgesteld

    items = []
    for g in gebeurtenissen:
        titel = keuzenaam(GebeurtenisSoort, g.soort)
        if g.pk in tweede_lijn:
            titel = _("Toewijzing tweede lijn")
        elif g.soort == GebeurtenisSoort.STATUS:
            titel = _("Status: %(van)s → %(naar)s") % {
                "van": Status(g.van_status).label if g.van_status else "-",
                "naar": Status(g.naar_status).label,
            }
        elif g.soort == GebeurtenisSoort.ONTVANGEN:
            # Said at display time, in the reader's language.
            titel = _("Ontvangen via %(kanaal)s") % {"kanaal": keuzenaam(Kanaal, klacht.kanaal)}
        elif g.bericht is not None:
            titel = uitgesteld.onderwerp_van(g.bericht)
        door = str(g.door) if g.door else (_("klant") if g.door_klant else _("systeem"))
        items.append(
            TijdlijnItem(
                op=g.op,
                soort=g.soort,
                titel=titel,
                tekst=uitgesteld.tekst_van(g.bericht) if g.bericht is not None else g.tekst,
                door=door,
                bericht=g.bericht,
                bijlagen=list(g.bijlagen.all()),
                inkomend=inkomend.get(g.pk),
                email=(
                    email_weergave(inkomend[g.pk], g.tekst, bijlagen_per_naam)
                    if g.pk in inkomend
                    else None
                ),
                door_klant=g.door_klant,
            )
        )
    if not voor_klant and alleen is None:
        items.extend(_veldwijzigingen(klacht))
    if kwetsbaarheid is not None and not voor_klant:
        items.extend(_kwetsbaarheidsitems(kwetsbaarheid))
    items.sort(key=lambda i: i.op, reverse=True)
    return items


def _toewijzingen_tweede_lijn(klacht: Klacht, gebeurtenissen: list[Gebeurtenis]) -> set[int]:
    """The assignments made while the complaint was in heroverweging: the second-line handler
    (services.toewijzen), no reassignment of the first line. Read from the status changes on the
    timeline (`gebeurtenissen`, newest first), without a query."""
    oudste_eerst = gebeurtenissen[::-1]
    statussen = [g for g in oudste_eerst if g.soort == GebeurtenisSoort.STATUS]
    status = statussen[0].van_status if statussen else klacht.status
    ids = set()
    for g in oudste_eerst:
        if g.soort == GebeurtenisSoort.STATUS:
            status = g.naar_status
        elif g.soort == GebeurtenisSoort.TOEWIJZING and status == Status.IN_HEROVERWEGING:
            ids.add(g.pk)
    return ids


@dataclass
class Antwoordgesprek:
    """What a form that answers the customer shows beside it (issue 19): the customer's messages
    and additions (newest first), our last message to them, and for the answer on a
    reconsideration the first answer and why the customer disagrees."""

    klantberichten: list[TijdlijnItem]
    ons_laatste: TijdlijnItem | None = None
    eerste_antwoord: TijdlijnItem | None = None
    # The customer's request for reconsideration (a list of one, shown as a timeline).
    heroverweging_reden: list[TijdlijnItem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.klantberichten
            or self.ons_laatste
            or self.eerste_antwoord
            or self.heroverweging_reden
        )


def antwoordgesprek(klacht: Klacht, *, heroverweging: bool = False) -> Antwoordgesprek:
    """The conversation a message to the customer answers (the timeline's messages in and out,
    read once). `heroverweging`: the answer on a reconsideration, which answers the customer's
    reasons against our (first) gemotiveerd antwoord."""
    items = tijdlijn(klacht, alleen=[GebeurtenisSoort.KLANTBERICHT, GebeurtenisSoort.BERICHT])
    klantberichten = [i for i in items if i.soort == GebeurtenisSoort.KLANTBERICHT]
    ons = [i for i in items if i.soort == GebeurtenisSoort.BERICHT and i.bericht is not None]
    gesprek = Antwoordgesprek(klantberichten=klantberichten)
    gevraagd_op = klacht.heroverweging_gevraagd_op
    if heroverweging and gevraagd_op is not None:
        eerder = [i for i in ons if i.op <= gevraagd_op]
        gesprek.eerste_antwoord = next(
            (i for i in eerder if i.bericht.soort == BerichtSoort.ANTWOORD), None
        )
        # The request is the customer's first message from the moment they asked
        # (services.heroverweging_vragen writes it then): shown apart, not twice.
        verzoek = [i for i in klantberichten if i.op >= gevraagd_op]
        if verzoek:
            gesprek.heroverweging_reden = [verzoek[-1]]
            klantberichten.remove(verzoek[-1])
        ons = [i for i in ons if i is not gesprek.eerste_antwoord]
    gesprek.ons_laatste = ons[0] if ons else None
    return gesprek


def klantbericht_na_afsluiting(klacht: Klacht, items: list[TijdlijnItem]) -> TijdlijnItem | None:
    """The customer's latest message on a closed complaint, when it came after the closing.
    `items`: the dossier's timeline, newest first (tijdlijn)."""
    if klacht.status != Status.AFGESLOTEN or klacht.afgesloten_op is None:
        return None
    for item in items:
        if item.soort == GebeurtenisSoort.KLANTBERICHT:
            return item if item.op > klacht.afgesloten_op else None
    return None


def na_afsluiting(klacht: Klacht, items: list[TijdlijnItem]) -> TijdlijnItem | None:
    """The customer's message after the closing while it waits for the handler's choice
    (wacht_op_keuze; one query, only when there is such a message)."""
    bericht = klantbericht_na_afsluiting(klacht, items)
    if bericht is None or not Klacht.objects.filter(wacht_op_keuze(), pk=klacht.pk).exists():
        return None
    return bericht


def bericht_na_afsluiting(klacht: Klacht) -> TijdlijnItem | None:
    """na_afsluiting for the action forms, reading the customer's messages."""
    if klacht.status != Status.AFGESLOTEN:
        return None
    return na_afsluiting(klacht, tijdlijn(klacht, alleen=[GebeurtenisSoort.KLANTBERICHT]))


@dataclass(frozen=True)
class Klantbericht:
    op: dt.datetime
    per_email: bool


def _klantberichten_van_buiten() -> QuerySet[Gebeurtenis]:
    """The customer's messages on the complaint of the outer query, newest first."""
    return Gebeurtenis.objects.filter(
        klacht=OuterRef("pk"), soort=GebeurtenisSoort.KLANTBERICHT
    ).order_by("-op", "-pk")


def met_laatste_klantbericht(klachten: QuerySet[Klacht]) -> QuerySet[Klacht]:
    """`klachten` with the moment and channel of each one's latest customer message, read in
    their own query: for laatste_klantbericht_na_afsluiting on the complaint an action page reads
    locked (the vervolgklacht, issue 20)."""
    return klachten.annotate(
        laatste_klantbericht_op=Subquery(_klantberichten_van_buiten().values("op")[:1]),
        laatste_klantbericht_per_email=Subquery(
            _klantberichten_van_buiten()
            .annotate(per_email=Exists(InkomendBericht.objects.filter(gebeurtenis=OuterRef("pk"))))
            .values("per_email")[:1],
            output_field=BooleanField(),
        ),
    )


def laatste_klantbericht_na_afsluiting(klacht: Klacht) -> Klantbericht | None:
    """The moment and channel of the customer's latest message on a closed complaint, when it
    came after the closing (klantbericht_na_afsluiting's rule on the timeline, here in one query:
    what a vervolgklacht takes from it, issue 20; tests/klachten/test_acties_queries.py and
    test_reactie_en_na_afsluiting.py hold the vervolgklacht to it). A complaint read with
    met_laatste_klantbericht has them already: no query."""
    if klacht.status != Status.AFGESLOTEN or klacht.afgesloten_op is None:
        return None
    if not hasattr(klacht, "laatste_klantbericht_op"):  # not read with met_laatste_klantbericht
        klacht = met_laatste_klantbericht(Klacht.objects.filter(pk=klacht.pk)).only(
            "pk", "status", "afgesloten_op"
        )[0]
    op, per_email = klacht.laatste_klantbericht_op, klacht.laatste_klantbericht_per_email
    if op is None or op <= klacht.afgesloten_op:
        return None
    return Klantbericht(op=op, per_email=per_email)


def klanttekst(item: TijdlijnItem) -> str:
    """The customer's own words of a message, without the quoted history of an e-mail: what a
    form proposes (the request for reconsideration, a vervolgklacht's description)."""
    from klachten.berichten.inkomend.tonen import tekst_vouwen

    return tekst_vouwen(item.tekst).boven.strip() or item.tekst.strip()


def _kwetsbaarheidsitems(kwetsbaarheid: Kwetsbaarheid) -> list[TijdlijnItem]:
    items = [
        TijdlijnItem(
            op=signaal.op,
            soort="kwetsbaarheid",
            titel=_("Signaal kwetsbare klant: %(soort)s") % {"soort": signaal.get_soort_display()},
            tekst=signaal.toelichting,
            door=str(signaal.door),
        )
        for signaal in kwetsbaarheid.signalen
    ]
    for verwijzing in kwetsbaarheid.doorverwijzingen:
        regel = _("Doorverwezen op %(datum)s. Uitkomst: %(uitkomst)s.") % {
            "datum": formats.date_format(verwijzing.datum, "j F Y"),
            "uitkomst": verwijzing.get_uitkomst_display(),
        }
        items.append(
            TijdlijnItem(
                op=verwijzing.created_at,
                soort="doorverwijzing",
                titel=_("Doorverwijzing naar %(naar)s") % {"naar": verwijzing.naar},
                tekst="\n".join(t for t in (regel, verwijzing.toelichting) if t),
                door=str(verwijzing.door),
            )
        )
    return items


def _veldwijzigingen(klacht: Klacht) -> list[TijdlijnItem]:
    versies = list(klacht.history.select_related("history_user").order_by("history_date", "pk"))
    wijzigingen_per_versie = []
    fk_ids: dict[str, set] = {"categorie": set(), "label": set(), "betreft_medewerker": set()}
    for vorige, versie in itertools.pairwise(versies):
        delta = versie.diff_against(vorige, included_fields=HISTORIE_VELDEN)
        if delta.changes:
            wijzigingen_per_versie.append((versie, delta.changes))
            for change in delta.changes:
                if change.field in fk_ids:
                    fk_ids[change.field].update({change.old, change.new})
    if not wijzigingen_per_versie:
        return []
    namen = {
        "categorie": dict(
            Categorie.objects.filter(pk__in=fk_ids["categorie"]).values_list("pk", "naam")
        ),
        "label": dict(Label.objects.filter(pk__in=fk_ids["label"]).values_list("pk", "naam")),
        "betreft_medewerker": {
            m.pk: str(m) for m in Medewerker.objects.filter(pk__in=fk_ids["betreft_medewerker"])
        },
    }
    items = []
    for versie, changes in wijzigingen_per_versie:
        regels = []
        for change in changes:
            veld = Klacht._meta.get_field(change.field)
            oud, nieuw = change.old, change.new
            if change.field in namen:
                oud, nieuw = (
                    namen[change.field].get(oud, oud),
                    namen[change.field].get(nieuw, nieuw),
                )
            regels.append((str(veld.verbose_name), str(oud or "-"), str(nieuw or "-")))
        items.append(
            TijdlijnItem(
                op=versie.history_date,
                soort="wijziging",
                titel=_("Gegevens gewijzigd"),
                door=str(versie.history_user or _("systeem")),
                wijzigingen=regels,
            )
        )
    return items


def verbeterpunten_voor(gebruiker) -> QuerySet[Verbeterpunt]:
    """Improvement actions this user may see: those of visible complaints, those without a
    complaint, and their own; directie and beheerder see all. A partnerbehandelaar (an outside
    firm) not the insurer's own ones without a complaint."""
    punten = Verbeterpunt.objects.select_related("klacht", "eigenaar").order_by(
        Case(
            When(status__in=[VerbeterpuntStatus.GEREED, VerbeterpuntStatus.VERVALLEN], then=1),
            default=0,
        ),
        "streefdatum",
        "pk",
    )
    if rollen.ziet_alle_klachten(gebruiker):
        return punten
    zichtbaar = Q(klacht__in=klachten_voor(gebruiker).values("pk")) | Q(eigenaar=gebruiker)
    if not rollen.is_partnerbehandelaar(gebruiker):
        zichtbaar |= Q(klacht__isnull=True)
    return punten.filter(zichtbaar)


def termijnregels() -> dict[str, termijnen.TermijnRegel]:
    """The deadline rules as the beheerder set them (admin: Termijnen); defaults where missing."""
    return dict(configuratie.gelezen("termijnregels", _termijnregels_lezen))


def reactieregel(label_id: int, kanaal: str) -> termijnen.Reactieregel | None:
    """The label's reaction term for `kanaal` as a rule (None: it publishes none), with its
    office hours when its hour terms count only those (Label.kantooruren) and the working days
    of the acknowledgement rule's country. From the cached configuration: no query."""
    termijn = configuratie.reactietermijnen().get((label_id, kanaal))
    if termijn is None:
        return None
    label = next((lbl for lbl in configuratie.labels() if lbl.pk == label_id), None)
    land = termijnregels()[termijnen.TermijnSoort.ONTVANGSTBEVESTIGING].land
    kantooruren = label.kantooruren if label is not None else None
    return termijnen.Reactieregel(termijn.aantal, termijn.eenheid, land, kantooruren)


def _termijnregels_lezen() -> dict[str, termijnen.TermijnRegel]:
    regels = dict(termijnen.STANDAARD)
    regels.update({t.soort: t.regel for t in Termijn.objects.all()})
    return regels


@dataclass(frozen=True)
class BeloofdeTermijnen:
    """The terms promised to the customer, as the beheerder set them (admin: Termijnen): on the
    complaint form and its confirmation, the status page, the klachtenprocedure page and in the
    messages (Gedragscode Klachtbehandeling: the customer knows when to expect what)."""

    ontvangstbevestiging: termijnen.TermijnRegel
    statusupdate: termijnen.TermijnRegel
    antwoord: termijnen.TermijnRegel
    heroverweging: termijnen.TermijnRegel

    @property
    def statusupdate_weken(self) -> int:
        return self.statusupdate.dagen // 7

    @property
    def antwoord_weken(self) -> int:
        return self.antwoord.dagen // 7


def beloofde_termijnen() -> BeloofdeTermijnen:
    """The one place that reads the terms shown to customers (BeloofdeTermijnen)."""
    regels = termijnregels()
    return BeloofdeTermijnen(
        ontvangstbevestiging=regels[termijnen.TermijnSoort.ONTVANGSTBEVESTIGING],
        statusupdate=regels[termijnen.TermijnSoort.STATUSUPDATE],
        antwoord=regels[termijnen.TermijnSoort.ANTWOORD],
        heroverweging=regels[termijnen.TermijnSoort.HEROVERWEGING],
    )


def weergaven(gebruiker) -> list[Weergave]:
    """The saved views of the queue a user may open (issue 19): their own, and those a
    teamleider shared with one of the user's afdelingen (one query)."""
    afdelingen = [a.pk for a in rollen.afdelingen_van(gebruiker)]
    return list(
        Weergave.objects.filter(Q(eigenaar=gebruiker) | Q(afdeling__in=afdelingen))
        .select_related("eigenaar", "afdeling")
        .order_by("naam", "pk")
    )


def mag_weergave_delen(gebruiker) -> list:
    """The afdelingen a user may share a saved view with: a teamleider's own (issue 19)."""
    if rollen.TEAMLEIDER not in rollen.rollen_van(gebruiker):
        return []
    return rollen.afdelingen_van(gebruiker)


def kan_nemen(klacht: Klacht, gebruiker) -> bool:
    """Whether the queue and the dossier offer "neem in behandeling" (issue 19): nobody handles
    the complaint (in its current line), the user may assign complaints and works in its
    afdeling, and it is not about them. No query (the user's afdelingen are cached); the service
    (services.toewijzen) checks it all again on the locked row."""
    if klacht.status == Status.AFGESLOTEN or klacht.categorie_id is None:
        return False
    tweede_lijn = klacht.status == Status.IN_HEROVERWEGING
    huidige = klacht.heroverweging_behandelaar_id if tweede_lijn else klacht.behandelaar_id
    if huidige is not None or gebruiker.pk == klacht.betreft_medewerker_id:
        return False
    if tweede_lijn and klacht.behandelaar_id == gebruiker.pk:
        return False
    if not mag(gebruiker, ACTIES["toewijzen"]) or rollen.is_partnerbehandelaar(gebruiker):
        return False
    return klacht.afdeling_id in {a.pk for a in rollen.afdelingen_van(gebruiker)}
