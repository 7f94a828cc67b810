"""The maandrapportage (DESIGN.md section 7): every figure of the month report, defined once.

A month's report is built in two steps:

1. `bouwstenen(jaar, maand)` counts, in about ten grouped queries whatever the number of complaints
   or afdelingen, the building blocks of every figure per (label, afdeling): plain counts, counts
   per categorie, kanaal, oordeel and external body, and the lead times as a histogram of days.
   Building blocks add up, so the report of any selection (one label, a teamleider's afdelingen,
   everything) is their sum. They are what the monthly snapshot stores (models.Maandrapport).
2. `Figuren` turns summed building blocks into the figures; `FIGUREN` names each figure with its
   one-line definition, for the page, the exports and the tests. The definitions speak of "the
   periode": the month in the month report, the year (the sum of its months) in the year's.

Months are calendar months in Europe/Amsterdam time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from klachten import kalender, termijnen
from klachten import selectors as klachtselectors
from klachten.models import (
    BerichtStatus,
    ExterneProcedure,
    Gebeurtenis,
    GebeurtenisSoort,
    Kanaal,
    Klacht,
    Reactietermijn,
    Termijnafloop,
    Uitkomst,
)
from klachten.termijnen import Reactieregel, TermijnSoort
from klachten.workflow import Oordeel, Status
from klanttevredenheid import cijfers as kto

# The deadlines whose share met on time the report shows.
OP_TIJD_TERMIJNEN = (
    TermijnSoort.ONTVANGSTBEVESTIGING,
    TermijnSoort.STATUSUPDATE,
    TermijnSoort.ANTWOORD,
)
GROEPEN = ("tellers", "categorie", "kanaal", "oordeel", "doorlooptijd", "extern_ingediend")
GROEPEN += ("extern_beslist", "reactie")

Sleutel = tuple[int, int]  # (label_id, afdeling_id)
ZONDER_AFDELING = 0  # survey responses to contact moments without an afdeling
ZONDER_CATEGORIE = 0  # complaints not classified yet (received by e-mail)


# Building blocks ---------------------------------------------------------------------------------


@dataclass
class Bouwstenen:
    """Summable counts behind the figures of one month, for one (label, afdeling) or a sum."""

    tellers: Counter = field(default_factory=Counter)
    categorie: Counter = field(default_factory=Counter)  # categorie id -> received
    kanaal: Counter = field(default_factory=Counter)  # kanaal -> received
    oordeel: Counter = field(default_factory=Counter)  # oordeel -> closed
    doorlooptijd: Counter = field(default_factory=Counter)  # days -> closed
    extern_ingediend: Counter = field(default_factory=Counter)  # instantie id -> filed
    extern_beslist: Counter = field(default_factory=Counter)  # "instantie id|uitkomst" -> decided
    # "kanaal|gemeten" -> received with a published reaction term whose first reaction came or
    # whose term is over; "kanaal|op_tijd" -> of those, first reaction within the term. Months
    # stored before this group existed simply have none ("geen gegevens").
    reactie: Counter = field(default_factory=Counter)

    def __iadd__(self, ander: Bouwstenen) -> Bouwstenen:
        for groep in GROEPEN:
            getattr(self, groep).update(getattr(ander, groep))
        return self

    def als_json(self) -> dict:
        return {
            groep: {str(k): v for k, v in getattr(self, groep).items() if v}
            for groep in GROEPEN
            if getattr(self, groep)
        }

    @classmethod
    def uit_json(cls, gegevens: dict) -> Bouwstenen:
        return cls(**{groep: Counter(gegevens.get(groep, {})) for groep in GROEPEN})


def _rijen(qs, *velden, **aggregaten):
    return qs.values(*velden).annotate(**aggregaten).order_by()


STAATSWIJZIGINGEN = [GebeurtenisSoort.STATUS, GebeurtenisSoort.ONTVANGEN]


def open_op(moment: dt.datetime) -> QuerySet[Klacht]:
    """Complaints open at `moment`: received before it, and their state then (the last state
    change before it) not closed. Only complaints open now or closed after it can be, so the
    per-complaint lookup runs on those alone; for a moment still to come the state then is the
    state now (nothing changes state later than now)."""
    if moment > timezone.now():
        return Klacht.objects.filter(ontvangen_op__lt=moment).exclude(status=Status.AFGESLOTEN)
    staat_toen = Subquery(
        Gebeurtenis.objects.filter(
            klacht=OuterRef("pk"), soort__in=STAATSWIJZIGINGEN, op__lt=moment
        )
        .exclude(naar_status="")
        .order_by("-op", "-id")
        .values("naar_status")[:1]
    )
    return (
        Klacht.objects.filter(ontvangen_op__lt=moment)
        .filter(~Q(status=Status.AFGESLOTEN) | Q(afgesloten_op__gte=moment))
        .annotate(staat=staat_toen)
        .exclude(staat=Status.AFGESLOTEN)
    )


def afgesloten_in(van: dt.datetime, tot: dt.datetime) -> QuerySet[Klacht]:
    """Complaints closed in [van, tot), each once (closed, reopened and closed again)."""
    return Klacht.objects.filter(
        pk__in=Gebeurtenis.objects.filter(
            soort__in=STAATSWIJZIGINGEN, naar_status=Status.AFGESLOTEN, op__gte=van, op__lt=tot
        ).values("klacht")
    )


# The first reaction to a complaint, defined once (for the published reaction terms per channel,
# Keurmerk Klantgericht Verzekeren): the earliest of the acknowledgement, any message to the
# customer and any phone contact recorded on the timeline; for a complaint solved at first contact
# (direct opgelost) its receipt itself, as it was solved in that contact. Internal notices to staff
# are no reaction (they are not on the timeline as messages), nor is a status change or a note.
# A message the mail server refused for good (onbestelbaar) reached nobody: no reaction either
# (an undelivered acknowledgement also clears ontvangst_bevestigd_op; a copy sent again counts
# from its own moment). A letter counts from its print date (issue 18).
EERSTE_REACTIE = (GebeurtenisSoort.BERICHT, GebeurtenisSoort.TELEFOON)


def met_eerste_reactie(klachten: QuerySet[Klacht]) -> QuerySet[Klacht]:
    """`klachten` annotated with `eerste_reactie_op` (EERSTE_REACTIE; None: no reaction yet)."""
    bevestigd = F("ontvangst_bevestigd_op")
    # A letter (Bericht.per_post) reacts on the day it was printed and sent: not while it waits
    # in the print tray.
    contact = Subquery(
        Gebeurtenis.objects.filter(klacht=OuterRef("pk"), soort__in=EERSTE_REACTIE)
        .exclude(bericht__status=BerichtStatus.ONBESTELBAAR)
        .filter(
            Q(bericht__isnull=True)
            | Q(bericht__per_post=False)
            | Q(bericht__verzonden_op__isnull=False)
        )
        .annotate(
            reactie_op=Case(
                When(bericht__per_post=True, then=F("bericht__verzonden_op")),
                default=F("op"),
                output_field=DateTimeField(),
            )
        )
        .order_by("reactie_op")
        .values("reactie_op")[:1]
    )
    direct = Case(
        When(direct_opgelost=True, then=F("ontvangen_op")),
        default=None,
        output_field=DateTimeField(),
    )
    # The smallest that is there, on every database (LEAST of SQLite is NULL with any NULL).
    return klachten.annotate(
        eerste_reactie_op=Least(
            Coalesce(bevestigd, contact, direct),
            Coalesce(contact, direct, bevestigd),
            Coalesce(direct, bevestigd, contact),
        )
    )


def _reacties_tellen(
    blok: Callable[[int, int], Bouwstenen], van: dt.datetime, tot: dt.datetime, nu: dt.datetime
) -> None:
    """Per channel: the complaints received in [van, tot) through a channel whose label publishes
    a reaction term (models.Reactietermijn), and of those the ones whose first reaction came
    within it (termijnen.Reactieregel; working days with the holidays of the acknowledgement's
    rule). One still waiting for its first reaction counts once its term is over, as late;
    while the term runs it is not counted yet."""
    regels = {(t.label_id, t.kanaal): t for t in Reactietermijn.objects.select_related("label")}
    if not regels:
        return
    land = klachtselectors.termijnregels()[TermijnSoort.ONTVANGSTBEVESTIGING].land
    # The label's office hours for hour terms, as the deadline watch counts them
    # (klachten.selectors.reactieregel: the same rule).
    regels = {
        sleutel: Reactieregel(t.aantal, t.eenheid, land, t.label.kantooruren)
        for sleutel, t in regels.items()
    }
    met_termijn = Q(*[Q(label=lbl, kanaal=k) for lbl, k in regels], _connector=Q.OR)
    for label, afdeling, kanaal, ontvangen_op, reactie_op in met_eerste_reactie(
        Klacht.objects.filter(met_termijn, ontvangen_op__gte=van, ontvangen_op__lt=tot)
    ).values_list("label", "afdeling", "kanaal", "ontvangen_op", "eerste_reactie_op"):
        regel = regels[(label, kanaal)]
        if reactie_op is not None and reactie_op <= nu:
            op_tijd = regel.op_tijd(ontvangen_op, reactie_op)
        elif regel.verstreken(ontvangen_op, nu):
            op_tijd = False
        else:
            continue  # no reaction yet, and the term still runs
        b = blok(label, afdeling)
        b.reactie[f"{kanaal}|gemeten"] += 1
        if op_tijd:
            b.reactie[f"{kanaal}|op_tijd"] += 1


def bouwstenen(
    jaar: int, maand: int, *, nu: dt.datetime | None = None
) -> dict[Sleutel, Bouwstenen]:
    """The building blocks of month `jaar`-`maand` per (label, afdeling), as they stand `nu`."""
    nu = nu or timezone.now()
    maandgrenzen = kalender.maand_grenzen(jaar, maand)
    van, tot = maandgrenzen
    eerste_dag, laatste_dag = maandgrenzen.eerste_dag, maandgrenzen.laatste_dag
    vandaag = kalender.lokale_datum(nu)
    uitkomst: dict[Sleutel, Bouwstenen] = {}

    def blok(label: int, afdeling: int | None) -> Bouwstenen:
        # A complaint not classified yet (e-mail, klachten.models.NOG_TE_CLASSIFICEREN) counts
        # in the totals, not in an afdeling's row: as a contact moment without an afdeling.
        return uitkomst.setdefault((label, afdeling or ZONDER_AFDELING), Bouwstenen())

    # Received: per categorie and kanaal.
    for rij in _rijen(
        Klacht.objects.filter(ontvangen_op__gte=van, ontvangen_op__lt=tot),
        "label",
        "afdeling",
        "categorie",
        "kanaal",
        n=Count("pk"),
    ):
        b = blok(rij["label"], rij["afdeling"])
        b.tellers["ontvangen"] += rij["n"]
        b.categorie[str(rij["categorie"] or ZONDER_CATEGORIE)] += rij["n"]
        b.kanaal[rij["kanaal"]] += rij["n"]

    # Closed: the complaint's last closing in the month (a complaint closed, reopened and closed
    # again in one month counts once), with its verdict, admissibility and lead time in days.
    sluitingen = Gebeurtenis.objects.filter(
        soort__in=STAATSWIJZIGINGEN,
        naar_status=Status.AFGESLOTEN,
        op__gte=van,
        op__lt=tot,
    )
    laatste = sluitingen.filter(
        ~Exists(sluitingen.filter(klacht=OuterRef("klacht"), op__gt=OuterRef("op")))
    )
    for rij in _rijen(
        laatste.annotate(
            dagen=ExpressionWrapper(
                TruncDate("op", tzinfo=kalender.AMSTERDAM)
                - TruncDate("klacht__ontvangen_op", tzinfo=kalender.AMSTERDAM),
                output_field=DurationField(),
            )
        ),
        "klacht__label",
        "klacht__afdeling",
        "klacht__oordeel",
        "klacht__is_ontvankelijk",
        "dagen",
        n=Count("klacht", distinct=True),
    ):
        b = blok(rij["klacht__label"], rij["klacht__afdeling"])
        b.tellers["afgesloten"] += rij["n"]
        if rij["klacht__is_ontvankelijk"] is False:
            b.tellers["niet_ontvankelijk"] += rij["n"]
        if rij["klacht__oordeel"]:
            b.oordeel[rij["klacht__oordeel"]] += rij["n"]
        b.doorlooptijd[str(rij["dagen"].days)] += rij["n"]

    # Open at the end of the month.
    for rij in _rijen(open_op(tot), "label", "afdeling", n=Count("pk")):
        blok(rij["label"], rij["afdeling"]).tellers["open_einde"] += rij["n"]

    # Deadlines that fell due in the month: met (on time or late), or still running past it.
    # A deadline whose message was undeliverable (Termijnafloop.onbestelbaar_op) was not met: it
    # runs again, so it counts like a running one, as not on time once its date is past.
    verstreken_tot = min(laatste_dag, vandaag - dt.timedelta(days=1))
    # Per label and afdeling from the rows themselves (kept by triggers: models.Termijnafloop),
    # read from one index; SQLite has no such triggers and reads the complaint.
    label, afdeling = (
        ("label_sleutel", "afdeling_sleutel")
        if connection.vendor == "postgresql"
        else ("klacht__label", "klacht__afdeling")
    )
    for rij in _rijen(
        Termijnafloop.objects.filter(
            Q(onbestelbaar_op__isnull=True, te_printen_sinds__isnull=True)
            | Q(uiterlijk_datum__lte=verstreken_tot),
            termijn__in=OP_TIJD_TERMIJNEN,
            uiterlijk_datum__gte=eerste_dag,
            uiterlijk_datum__lte=laatste_dag,
        ),
        label,
        afdeling,
        "termijn",
        "op_tijd",
        n=Count("*"),
    ):
        b = blok(rij[label], rij[afdeling])
        b.tellers[f"{rij['termijn']}_totaal"] += rij["n"]
        if rij["op_tijd"]:
            b.tellers[f"{rij['termijn']}_op_tijd"] += rij["n"]
    if verstreken_tot >= eerste_dag:
        for termijn in OP_TIJD_TERMIJNEN:
            kolom, statussen = termijnen.LOPEND_BIJ[termijn]
            for rij in _rijen(
                Klacht.objects.filter(
                    status__in=statussen,
                    **{f"{kolom}__gte": eerste_dag, f"{kolom}__lte": verstreken_tot},
                ),
                "label",
                "afdeling",
                n=Count("pk"),
            ):
                blok(rij["label"], rij["afdeling"]).tellers[f"{termijn}_totaal"] += rij["n"]

    _reacties_tellen(blok, van, tot, nu)

    # Reconsiderations asked for in the month.
    for rij in _rijen(
        Klacht.objects.filter(
            heroverweging_gevraagd_op__gte=van, heroverweging_gevraagd_op__lt=tot
        ),
        "label",
        "afdeling",
        n=Count("pk"),
    ):
        blok(rij["label"], rij["afdeling"]).tellers["heroverwegingen"] += rij["n"]

    # External procedures filed, and decided, in the month.
    for rij in _rijen(
        ExterneProcedure.objects.filter(
            ingediend_datum__gte=eerste_dag, ingediend_datum__lte=laatste_dag
        ),
        "klacht__label",
        "klacht__afdeling",
        "instantie",
        n=Count("pk"),
    ):
        b = blok(rij["klacht__label"], rij["klacht__afdeling"])
        b.extern_ingediend[str(rij["instantie"])] += rij["n"]
    for rij in _rijen(
        ExterneProcedure.objects.filter(
            beslist_datum__gte=eerste_dag, beslist_datum__lte=laatste_dag
        ).exclude(uitkomst=Uitkomst.LOPEND),
        "klacht__label",
        "klacht__afdeling",
        "instantie",
        "uitkomst",
        n=Count("pk"),
    ):
        b = blok(rij["klacht__label"], rij["klacht__afdeling"])
        b.extern_beslist[f"{rij['instantie']}|{rij['uitkomst']}"] += rij["n"]

    # Customer satisfaction of the month (klanttevredenheid's own figures, per label and afdeling).
    for rij in kto.cijfers(van=van, tot=tot, per=("label", "afdeling")):
        if not rij.respons:
            continue
        # Contact moments without an afdeling count in the totals, not in an afdeling's row.
        b = blok(rij.groep["label"], rij.groep["afdeling"] or ZONDER_AFDELING)
        b.tellers["kto_respons"] += rij.respons
        b.tellers["kto_som"] += rij.som
        b.tellers["kto_nps_respons"] += rij.nps_respons
        b.tellers["kto_promotors"] += rij.promotors
        b.tellers["kto_criticasters"] += rij.criticasters
    return uitkomst


def optellen(
    blokken: dict[Sleutel, Bouwstenen],
    *,
    labels: set[int] | None = None,
    afdelingen: Set[int] | None = None,
) -> Bouwstenen:
    """The sum of the building blocks of the selected labels and afdelingen (None: all)."""
    som = Bouwstenen()
    for (label, afdeling), blok in blokken.items():
        if (labels is None or label in labels) and (afdelingen is None or afdeling in afdelingen):
            som += blok
    return som


# Figures ---------------------------------------------------------------------------------------


def percentage(deel: int, geheel: int) -> Decimal | None:
    return kto.percentage(deel, geheel)


def mediaan(histogram: Counter) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even number), 1 decimal."""
    n = _aantal(histogram)
    if not n:
        return None
    laag, hoog = _op_rang(histogram, (n - 1) // 2, n // 2)
    midden = (Decimal(laag) + Decimal(hoog)) / 2
    return midden.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percentiel_90(histogram: Counter) -> int | None:
    """Nearest rank: the smallest value with at least 90% of the values at or below it."""
    n = _aantal(histogram)
    if not n:
        return None
    return _op_rang(histogram, math.ceil(0.9 * n) - 1)[0]


def _aantal(histogram: Counter) -> int:
    return sum(a for a in histogram.values() if a > 0)


def _op_rang(histogram: Counter, *rangen: int) -> list[int]:
    """The values at these ranks (0-based) of the histogram's values in ascending order, read
    from the running count (without writing out every value: a year's lead times are
    hundreds of thousands)."""
    uitkomst = []
    gezien = 0
    gevraagd = iter(sorted(rangen))
    rang = next(gevraagd)
    for dagen, aantal in sorted((int(d), a) for d, a in histogram.items() if a > 0):
        gezien += aantal
        while rang is not None and rang < gezien:
            uitkomst.append(dagen)
            rang = next(gevraagd, None)
        if rang is None:
            break
    return uitkomst


@dataclass(frozen=True)
class Figuur:
    naam: str
    titel: str
    definitie: str
    eenheid: str = ""  # "%", "dagen" or "" (a count)


# "aantal": a count of complaints, not the state of one ("Reçues", not "Reçue", in French).
FIGUREN = [
    Figuur(
        "ontvangen",
        pgettext_lazy("aantal", "Ontvangen"),
        _("Klachten met een ontvangstdatum in de periode."),
    ),
    Figuur(
        "afgesloten",
        pgettext_lazy("aantal", "Afgesloten"),
        _("Klachten die in de periode zijn afgesloten (heropend en opnieuw afgesloten: één keer)."),
    ),
    Figuur(
        "open_einde",
        _("Open aan het eind"),
        _(
            "Klachten ontvangen vóór het einde van de periode die op dat moment niet afgesloten waren."
        ),
    ),
    Figuur(
        "bevestigd_op_tijd",
        _("Ontvangst op tijd bevestigd"),
        _(
            "Van de ontvangstbevestigingen die uiterlijk in de periode moesten (8 dagen na "
            "ontvangst): het deel dat op of vóór die dag is verstuurd. Een onbestelbaar bericht "
            "telt niet als verstuurd; opnieuw verstuurd telt het vanaf dat moment."
        ),
        "%",
    ),
    Figuur(
        "statusupdates_op_tijd",
        _("Statusupdates op tijd"),
        _(
            "Van de statusupdates die uiterlijk in de periode moesten (zolang de klacht in onderzoek "
            "is: 21 dagen na het laatste bericht aan de klant): het deel waarvoor de klant op of "
            "vóór die dag een bericht kreeg (een onbestelbaar bericht telt niet)."
        ),
        "%",
    ),
    Figuur(
        "beantwoord_op_tijd",
        _("Binnen de antwoordtermijn"),
        _(
            "Van de antwoordtermijnen die in de periode afliepen (na opschorting of verlenging: de "
            "nieuwe datum): het deel dat op of vóór die dag beantwoord is (een onbestelbaar "
            "antwoord telt niet)."
        ),
        "%",
    ),
    Figuur(
        "reactie_op_tijd",
        _("Eerste reactie op tijd"),
        _(
            "Van de in de periode ontvangen klachten via een kanaal waarvoor hun label een "
            "reactietermijn publiceert: het deel met een eerste reactie binnen die termijn. Eerste "
            "reactie: de ontvangstbevestiging, een bericht aan de klant (niet onbestelbaar) of een "
            "vastgelegd telefoongesprek, wat het eerst kwam (direct opgelost: de ontvangst zelf). Uren zijn "
            "klokuren, werkdagen tellen zonder weekend en feestdagen. Zonder reactie telt een "
            "klacht mee (als te laat) zodra de termijn voorbij is; kanalen zonder gepubliceerde "
            "termijn tellen niet mee."
        ),
        "%",
    ),
    Figuur(
        "doorlooptijd_mediaan",
        _("Doorlooptijd (mediaan)"),
        _(
            "Kalenderdagen van ontvangst tot afsluiting van de in de periode afgesloten klachten: de middelste."
        ),
        _("dagen"),
    ),
    Figuur(
        "doorlooptijd_p90",
        _("Doorlooptijd (90e percentiel)"),
        _(
            "Binnen zoveel kalenderdagen was 90% van de in de periode afgesloten klachten afgesloten."
        ),
        _("dagen"),
    ),
    Figuur(
        "niet_ontvankelijk",
        _("Niet ontvankelijk"),
        _("In de periode afgesloten klachten die niet ontvankelijk zijn verklaard."),
    ),
    Figuur(
        "gegrond",
        _("Gegrond"),
        _(
            "In de periode afgesloten klachten met het oordeel gegrond (het laatst gegeven oordeel)."
        ),
    ),
    Figuur(
        "deels_gegrond",
        _("Deels gegrond"),
        _("In de periode afgesloten klachten met het oordeel deels gegrond."),
    ),
    Figuur(
        "ongegrond",
        _("Ongegrond"),
        _("In de periode afgesloten klachten met het oordeel ongegrond."),
    ),
    Figuur(
        "niet_te_beoordelen",
        _("Niet te beoordelen"),
        _("In de periode afgesloten klachten met het oordeel niet te beoordelen."),
    ),
    Figuur(
        "heroverwegingen",
        _("Heroverwegingen"),
        _("Klachten waarvoor de klant in de periode om heroverweging vroeg."),
    ),
    Figuur(
        "externe_procedures",
        _("Externe procedures"),
        _("Procedures bij een externe instantie of de rechter die in de periode zijn gestart."),
    ),
    Figuur(
        "kto_gemiddelde",
        _("KTO-gemiddelde"),
        _(
            "Gemiddeld rapportcijfer (1-10) van de in de periode ontvangen enquêtes, op 1 decimaal; "
            "per afdeling van de contactmomenten van die afdeling."
        ),
    ),
    Figuur(
        "nps",
        _("NPS"),
        _(
            "Net Promoter Score van de in de periode ontvangen enquêtes: % promotors (9-10) min % "
            "criticasters (0-6), van -100 tot +100."
        ),
    ),
]


class Figuren:
    """The figures of summed building blocks (FIGUREN names them)."""

    def __init__(self, b: Bouwstenen):
        self.b = b
        t = b.tellers
        self.ontvangen = t["ontvangen"]
        self.afgesloten = t["afgesloten"]
        self.open_einde = t["open_einde"]
        self.bevestigd_op_tijd = self._op_tijd(TermijnSoort.ONTVANGSTBEVESTIGING)
        self.statusupdates_op_tijd = self._op_tijd(TermijnSoort.STATUSUPDATE)
        self.beantwoord_op_tijd = self._op_tijd(TermijnSoort.ANTWOORD)
        self.reactie_op_tijd = percentage(*self.reactie_teller_noemer())
        self.doorlooptijd_mediaan = mediaan(b.doorlooptijd)
        self.doorlooptijd_p90 = percentiel_90(b.doorlooptijd)
        self.niet_ontvankelijk = t["niet_ontvankelijk"]
        self.gegrond = b.oordeel[Oordeel.GEGROND]
        self.deels_gegrond = b.oordeel[Oordeel.DEELS_GEGROND]
        self.ongegrond = b.oordeel[Oordeel.ONGEGROND]
        self.niet_te_beoordelen = b.oordeel[Oordeel.NIET_TE_BEOORDELEN]
        self.heroverwegingen = t["heroverwegingen"]
        self.externe_procedures = sum(b.extern_ingediend.values())
        self.kto_respons = t["kto_respons"]
        self.kto_gemiddelde = kto.gemiddelde(t["kto_som"], t["kto_respons"])
        self.nps = kto.nps(t["kto_promotors"], t["kto_criticasters"], t["kto_nps_respons"])

    def _op_tijd(self, termijn: str) -> Decimal | None:
        return percentage(self.b.tellers[f"{termijn}_op_tijd"], self.b.tellers[f"{termijn}_totaal"])

    def waarde(self, naam: str):
        return getattr(self, naam)

    def teller_noemer(self, termijn: str) -> tuple[int, int]:
        return self.b.tellers[f"{termijn}_op_tijd"], self.b.tellers[f"{termijn}_totaal"]

    def reactie_teller_noemer(self, kanaal: str | None = None) -> tuple[int, int]:
        """First reactions within the published term, and the complaints measured (FIGUREN:
        reactie_op_tijd), of one channel or of all."""
        op_tijd = gemeten = 0
        for sleutel, aantal in self.b.reactie.items():
            naam, _sep, soort = sleutel.rpartition("|")
            if kanaal is None or naam == kanaal:
                op_tijd += aantal if soort == "op_tijd" else 0
                gemeten += aantal if soort == "gemeten" else 0
        return op_tijd, gemeten

    def reactie_per_kanaal(self) -> list[tuple[str, int, int, Decimal | None]]:
        """reactie_op_tijd per channel that had complaints measured, in the order of Kanaal:
        (kanaal, within the term, measured, share in %)."""
        volgorde = list(Kanaal.values)
        kanalen = {
            sleutel.rpartition("|")[0]
            for sleutel, aantal in self.b.reactie.items()
            if aantal and sleutel.endswith("|gemeten")
        }
        rijen = []
        plek = {kanaal: n for n, kanaal in enumerate(volgorde)}
        for kanaal in sorted(kanalen, key=lambda k: (plek.get(k, len(plek)), k)):
            op_tijd, gemeten = self.reactie_teller_noemer(kanaal)
            rijen.append((kanaal, op_tijd, gemeten, percentage(op_tijd, gemeten)))
        return rijen


# The report of a month, for a selection ------------------------------------------------------


def _sleutels_uit_json(gegevens: dict) -> dict[Sleutel, Bouwstenen]:
    blokken = {}
    for sleutel, blok in gegevens.items():
        label, afdeling = (int(deel) for deel in sleutel.split(":"))
        blokken[(label, afdeling)] = Bouwstenen.uit_json(blok)
    return blokken


def _sleutels_als_json(blokken: dict[Sleutel, Bouwstenen]) -> dict:
    return {f"{label}:{afdeling}": blok.als_json() for (label, afdeling), blok in blokken.items()}


def is_afgelopen(jaar: int, maand: int, nu: dt.datetime) -> bool:
    return kalender.maand_grenzen(jaar, maand).tot <= nu


def maandrapport_vastleggen(jaar: int, maand: int, *, nu: dt.datetime | None = None):
    """Store the building blocks of a finished month, once (a stored month is never recomputed:
    the report of a month stays what management received)."""
    from django.db import transaction

    from rapportage.models import Maandrapport

    nu = nu or timezone.now()
    if not is_afgelopen(jaar, maand, nu):
        raise ValueError(f"{jaar}-{maand:02d} is nog niet voorbij")
    bestaand = Maandrapport.objects.filter(jaar=jaar, maand=maand).first()
    if bestaand is not None:
        return bestaand, False
    gegevens = _sleutels_als_json(bouwstenen(jaar, maand, nu=nu))
    with transaction.atomic():
        return Maandrapport.objects.get_or_create(
            jaar=jaar, maand=maand, defaults={"bouwstenen": gegevens, "berekend_op": nu}
        )


def blokken_van(
    maanden: list[tuple[int, int]], *, nu: dt.datetime
) -> dict[tuple[int, int], tuple[dict[Sleutel, Bouwstenen], bool]]:
    """The building blocks of these months: stored ones in one query; the running month (and a
    finished month that was not stored yet) computed live. Value: (blocks, frozen?)."""
    from rapportage.models import Maandrapport

    opgeslagen = {
        (r.jaar, r.maand): r.bouwstenen
        for r in Maandrapport.objects.filter(
            Q(*[Q(jaar=j, maand=m) for j, m in maanden], _connector=Q.OR)
        )
    }
    uitkomst = {}
    ontbrekend = [m for m in maanden if m not in opgeslagen]
    begin = _eerste_gegevens() if ontbrekend else None
    for jaar, maand in maanden:
        if (jaar, maand) in opgeslagen:
            uitkomst[(jaar, maand)] = (_sleutels_uit_json(opgeslagen[(jaar, maand)]), True)
        elif begin is None or kalender.maand_grenzen(jaar, maand).tot <= begin:
            uitkomst[(jaar, maand)] = ({}, is_afgelopen(jaar, maand, nu))  # before any data
        else:
            uitkomst[(jaar, maand)] = (_live(jaar, maand, nu), False)
    return uitkomst


def _live(jaar: int, maand: int, nu: dt.datetime) -> dict[Sleutel, Bouwstenen]:
    """The building blocks of a month not stored (yet), computed live and kept in the cache for
    RAPPORTAGE_LIVE_CACHE_S seconds (shared by every user: the selection is applied later), so
    that several people opening the running month do not each count it again."""
    duur = settings.RAPPORTAGE_LIVE_CACHE_S
    if not duur:
        return bouwstenen(jaar, maand, nu=nu)
    sleutel = f"rapportage:bouwstenen:{jaar}-{maand:02d}"
    blokken = cache.get(sleutel)
    if blokken is None:
        blokken = bouwstenen(jaar, maand, nu=nu)
        cache.set(sleutel, blokken, duur)
    return blokken


def _eerste_gegevens() -> dt.datetime | None:
    """The first moment anything the report counts happened (a complaint or a survey answer):
    months before it are empty without asking."""
    from klanttevredenheid.models import Respons

    momenten = [
        Klacht.objects.aggregate(m=Min("ontvangen_op"))["m"],
        Respons.objects.aggregate(m=Min("ontvangen_op"))["m"],
    ]
    return min((m for m in momenten if m), default=None)


TRENDMAANDEN = 12


@dataclass
class Maandoverzicht:
    """Everything the page and the exports show of one month, for one selection."""

    jaar: int
    maand: int
    bevroren: bool
    totaal: Figuren
    per_afdeling: list[tuple[int, Figuren]]  # (afdeling id, figures), afdelingen with data
    trend: list[tuple[tuple[int, int], Figuren]]  # the 12 months before and this one
    categorie: Counter
    kanaal: Counter
    extern_ingediend: Counter
    extern_beslist: Counter


def maandoverzicht(
    jaar: int,
    maand: int,
    *,
    labels: set[int] | None = None,
    afdelingen: Set[int] | None = None,
    nu: dt.datetime | None = None,
) -> Maandoverzicht:
    """The month's report for the selected labels and afdelingen (None: all), with the trend of
    the 12 months before. Stored months cost one query together; the running month about ten."""
    nu = nu or timezone.now()
    maanden = [(jaar, maand)]
    for _i in range(TRENDMAANDEN):
        maanden.insert(0, kalender.vorige_maand(*maanden[0]))
    per_maand = blokken_van(maanden, nu=nu)
    blokken, bevroren = per_maand[(jaar, maand)]
    totaal = optellen(blokken, labels=labels, afdelingen=afdelingen)
    afdeling_ids = sorted(
        {
            a
            for (_l, a) in blokken
            if a != ZONDER_AFDELING and (afdelingen is None or a in afdelingen)
        }
    )
    per_afdeling = [
        (a, Figuren(optellen(blokken, labels=labels, afdelingen={a}))) for a in afdeling_ids
    ]
    return Maandoverzicht(
        jaar=jaar,
        maand=maand,
        bevroren=bevroren,
        totaal=Figuren(totaal),
        per_afdeling=[(a, f) for a, f in per_afdeling if any(getattr(f.b, g) for g in GROEPEN)],
        trend=[
            (m, Figuren(optellen(per_maand[m][0], labels=labels, afdelingen=afdelingen)))
            for m in maanden
        ],
        categorie=totaal.categorie,
        kanaal=totaal.kanaal,
        extern_ingediend=totaal.extern_ingediend,
        extern_beslist=totaal.extern_beslist,
    )


# The year --------------------------------------------------------------------------------------


@dataclass
class Jaaroverzicht:
    """The figures of a calendar year: the sum of its months (the open complaints: those at the
    end of its last month), with the months themselves for the trend."""

    jaar: int
    totaal: Figuren
    per_maand: list[tuple[int, Figuren]]
    compleet: bool  # every month is over and stored

    @property
    def b(self) -> Bouwstenen:
        return self.totaal.b


def jaarblokken(
    jaar: int,
    *,
    labels: set[int] | None = None,
    afdelingen: Set[int] | None = None,
    nu: dt.datetime | None = None,
) -> tuple[Bouwstenen, list[tuple[int, Bouwstenen]], bool]:
    """The summed building blocks of a year (up to the running month), per month, and whether
    all twelve months are stored."""
    nu = nu or timezone.now()
    vandaag = kalender.lokale_datum(nu)
    maanden = [
        (jaar, maand) for maand in range(1, 13) if (jaar, maand) <= (vandaag.year, vandaag.month)
    ]
    per_maand = blokken_van(maanden, nu=nu) if maanden else {}
    som = Bouwstenen()
    maandblokken = []
    for sleutel in maanden:
        blok = optellen(per_maand[sleutel][0], labels=labels, afdelingen=afdelingen)
        maandblokken.append((sleutel[1], blok))
        som += blok
    # Open complaints are a stock, not a flow: the year's is that at the end of its last month.
    som.tellers["open_einde"] = maandblokken[-1][1].tellers["open_einde"] if maandblokken else 0
    compleet = len(maanden) == 12 and all(per_maand[m][1] for m in maanden)
    return som, maandblokken, compleet


def jaaroverzicht(jaar: int, **kwargs) -> Jaaroverzicht:
    som, maandblokken, compleet = jaarblokken(jaar, **kwargs)
    return Jaaroverzicht(
        jaar=jaar,
        totaal=Figuren(som),
        per_maand=[(maand, Figuren(blok)) for maand, blok in maandblokken],
        compleet=compleet,
    )


def jaaroverzicht_uit_json(jaar: int, gegevens: dict) -> Jaaroverzicht:
    """A published year, as frozen (models.Jaarrapport.cijfers)."""
    return Jaaroverzicht(
        jaar=jaar,
        totaal=Figuren(Bouwstenen.uit_json(gegevens["totaal"])),
        per_maand=[
            (int(maand), Figuren(Bouwstenen.uit_json(blok)))
            for maand, blok in gegevens["per_maand"].items()
        ],
        compleet=True,
    )


def jaaroverzicht_als_json(overzicht: Jaaroverzicht) -> dict:
    return {
        "totaal": overzicht.totaal.b.als_json(),
        "per_maand": {str(maand): f.b.als_json() for maand, f in overzicht.per_maand},
    }
