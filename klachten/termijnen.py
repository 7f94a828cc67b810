"""Deadline rules (termijnen) as pure functions of dates (DESIGN.md section 5).

Deadlines are dates in Europe/Amsterdam: a complaint received at 23:30 on 31 December counts as received
on 31 December, whatever the UTC moment is, and daylight-saving changes never move a date.

A rule (`TermijnRegel`) counts calendar days, or working days: Monday to Friday without the public
holidays of the Netherlands or Belgium as the `holidays` package lists them (its default "public"
category: for the Netherlands Liberation Day counts only in lustrum years, when it is a national
holiday; Good Friday counts, as most insurers close then). The rules themselves are data
(`klachten.models.Termijn`, edited in the admin); `STANDAARD` holds the defaults.
"""

import datetime as dt
from dataclasses import astuple, dataclass
from functools import lru_cache

import holidays
from django.db import models
from django.utils.translation import gettext_lazy as _

from klachten import kalender
from klachten.workflow import Status


class TermijnSoort(models.TextChoices):
    ONTVANGSTBEVESTIGING = "ontvangstbevestiging", _("Ontvangstbevestiging")
    STATUSUPDATE = "statusupdate", _("Statusupdate")
    ANTWOORD = "antwoord", _("Antwoord")
    HEROVERWEGING = "heroverweging", _("Heroverweging")
    KIFID_ALARM = "kifid_alarm", _("Kifid-alarm (geen definitief antwoord)")
    # A message that met a deadline was undeliverable: that deadline runs again, with its date.
    BEZORGING = "bezorging", _("Bezorging (bericht niet aangekomen)")
    # The label's published reaction term for the complaint's kanaal (Reactietermijn, issue 21):
    # a moment, not a date (hour terms), in Klacht.eerste_reactie_uiterlijk_op.
    EERSTE_REACTIE = "eerste_reactie", _("Eerste reactie")


class Land(models.TextChoices):
    NL = "NL", _("Nederland")
    BE = "BE", _("België")


@dataclass(frozen=True)
class TermijnRegel:
    dagen: int
    werkdagen: bool = False
    land: str = Land.NL
    # The longest the term may be extended, in its own unit (calendar or working days); None:
    # the rules set no limit. A suspension does not count: it moves the limit (langste_datum).
    verlenging_max: int | None = None

    def einde(self, start: dt.date) -> dt.date:
        """The last day of the term that starts on `start` (day 0)."""
        if not self.werkdagen:
            return start + dt.timedelta(days=self.dagen)
        datum, geteld = start, 0
        while geteld < self.dagen:
            datum += dt.timedelta(days=1)
            if is_werkdag(datum, self.land):
                geteld += 1
        return datum

    def langste_einde(self, start: dt.date) -> dt.date | None:
        """The last day of the term at its longest extension (None: no limit)."""
        if self.verlenging_max is None:
            return None
        return TermijnRegel(self.dagen + self.verlenging_max, self.werkdagen, self.land).einde(
            start
        )


STANDAARD: dict[str, TermijnRegel] = {
    # Acknowledgement within 8 days of receipt (Gedragscode Klachtbehandeling; Solidaris step 2).
    TermijnSoort.ONTVANGSTBEVESTIGING: TermijnRegel(8),
    # A statusupdate to the customer at least every 3 weeks while the complaint is investigated.
    TermijnSoort.STATUSUPDATE: TermijnRegel(21),
    # The answer term: 6 weeks by default (SKGZ allows 6 weeks; Kifid takes the case after 8 weeks),
    # to be extended once by at most 4 weeks: 10 weeks after receipt at the longest.
    TermijnSoort.ANTWOORD: TermijnRegel(42, verlenging_max=28),
    # The reconsideration (heroverweging) is answered within 6 weeks of the request.
    TermijnSoort.HEROVERWEGING: TermijnRegel(42),
    # 8 weeks without a final answer: the customer may go to Kifid.
    TermijnSoort.KIFID_ALARM: TermijnRegel(56),
}

# Kept for texts that name the default terms.
ONTVANGSTBEVESTIGING_DAGEN = STANDAARD[TermijnSoort.ONTVANGSTBEVESTIGING].dagen
STATUSUPDATE_DAGEN = STANDAARD[TermijnSoort.STATUSUPDATE].dagen
ANTWOORD_DAGEN = STANDAARD[TermijnSoort.ANTWOORD].dagen
HEROVERWEGING_DAGEN = STANDAARD[TermijnSoort.HEROVERWEGING].dagen


@lru_cache(maxsize=64)
def _feestdagen(land: str, jaar: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(land, years=jaar))


def is_werkdag(datum: dt.date, land: str = Land.NL) -> bool:
    return datum.weekday() < 5 and datum not in _feestdagen(land, datum.year)


def ontvangstbevestiging_uiterlijk(
    ontvangen_op: dt.datetime, regel: TermijnRegel = STANDAARD[TermijnSoort.ONTVANGSTBEVESTIGING]
) -> dt.date:
    """Last day on which the acknowledgement must be sent: received + 8 days."""
    return regel.einde(kalender.lokale_datum(ontvangen_op))


def statusupdate_uiterlijk(
    vorige: dt.datetime, regel: TermijnRegel = STANDAARD[TermijnSoort.STATUSUPDATE]
) -> dt.date:
    """Last day for the next statusupdate: 21 days after the previous contact."""
    return regel.einde(kalender.lokale_datum(vorige))


def antwoord_uiterlijk(
    ontvangen_op: dt.datetime, regel: TermijnRegel = STANDAARD[TermijnSoort.ANTWOORD]
) -> dt.date:
    """Last day for the reasoned answer: received + the answer term."""
    return regel.einde(kalender.lokale_datum(ontvangen_op))


def heroverweging_uiterlijk(
    gevraagd_op: dt.datetime, regel: TermijnRegel = STANDAARD[TermijnSoort.HEROVERWEGING]
) -> dt.date:
    """Last day for the answer to a reconsideration: asked + 6 weeks."""
    return regel.einde(kalender.lokale_datum(gevraagd_op))


def kifid_alarm_datum(
    ontvangen_op: dt.datetime, regel: TermijnRegel = STANDAARD[TermijnSoort.KIFID_ALARM]
) -> dt.date:
    """The day the customer may go to Kifid because there is no final answer yet: 8 weeks."""
    return regel.einde(kalender.lokale_datum(ontvangen_op))


# The kind of Termijnwijziging that moves the longest-extension limit (models.TermijnwijzigingSoort).
OPSCHORTING = "opschorting"


def langste_datum(klacht, regels: dict | None = None) -> dt.date | None:
    """The latest date the rules allow for the term that runs now (the answer, or in a
    heroverweging the reconsideration's): the term from receipt (or the request) at its longest
    extension (TermijnRegel.verlenging_max), moved by the days the term was suspended
    (opschorten: each suspension's new date minus the date it replaced). None: no limit."""
    from klachten import selectors

    regels = regels or selectors.termijnregels()
    heroverweging = klacht.status == Status.IN_HEROVERWEGING
    soort = TermijnSoort.HEROVERWEGING if heroverweging else TermijnSoort.ANTWOORD
    start = klacht.heroverweging_gevraagd_op if heroverweging else klacht.ontvangen_op
    if start is None:
        return None
    grens = regels[soort].langste_einde(kalender.lokale_datum(start))
    if grens is None:
        return None
    opschortingen = klacht.termijnwijzigingen.filter(soort=OPSCHORTING, oude_datum__isnull=False)
    if klacht.heroverweging_gevraagd_op is not None:
        # Only the suspensions of this term: of the reconsideration, or of the first answer.
        if heroverweging:
            opschortingen = opschortingen.filter(created_at__gte=klacht.heroverweging_gevraagd_op)
        else:
            opschortingen = opschortingen.filter(created_at__lt=klacht.heroverweging_gevraagd_op)
    opgeschort = sum(
        (w.nieuwe_datum - w.oude_datum).days
        for w in opschortingen.only("oude_datum", "nieuwe_datum")
    )
    return grens + dt.timedelta(days=max(opgeschort, 0))


def nieuwe_datum_waarschuwingen(klacht, nieuwe_datum: dt.date) -> list[str]:
    """What the handler must see before postponing the answer to `nieuwe_datum` (opschorten,
    verlengen; issue 18): a date after the 8-week limit (kifid_alarm_datum), from which the
    customer may take the complaint to the external body without our final answer; a date
    beyond the longest extension the rules allow (langste_datum). Sending stays possible once
    the handler confirms it (forms.TermijnFormulier)."""
    waarschuwingen = []
    grens = klacht.kifid_alarm_datum
    if klacht.status != Status.IN_HEROVERWEGING and grens is not None and nieuwe_datum > grens:
        instantie = klacht.label.externe_instantie if klacht.label_id else None
        waarschuwingen.append(
            _(
                "De nieuwe datum ligt na de grens van 8 weken (%(grens)s): vanaf die dag mag de "
                "klant zonder ons definitieve antwoord naar %(instantie)s."
            )
            % {
                "grens": grens.strftime("%d-%m-%Y"),
                "instantie": instantie.naam if instantie else _("de externe instantie"),
            }
        )
    langste = langste_datum(klacht)
    if langste is not None and nieuwe_datum > langste:
        waarschuwingen.append(
            _(
                "De nieuwe datum ligt na de langste verlenging die de regels toestaan "
                "(%(grens)s: de termijn met haar langste verlenging, opschortingen meegeteld)."
            )
            % {"grens": langste.strftime("%d-%m-%Y")}
        )
    return waarschuwingen


@dataclass(frozen=True)
class Kantooruren:
    """A label's office hours (Label.kantoor_open, kantoor_dicht) on the working days of `land`:
    the hours an hour term counts when the label lets hour terms run only in office hours
    (Label.uurtermijnen_binnen_kantooruren)."""

    open: dt.time
    dicht: dt.time

    def uren_later(self, start: dt.datetime, uren: int, land: str) -> dt.datetime:
        """The moment `uren` office hours after `start`: the hours outside the office hours of a
        working day (nights, weekends, public holidays) do not count."""
        resterend = dt.timedelta(hours=uren)
        moment = start.astimezone(kalender.AMSTERDAM)
        dag = moment.date()
        while True:
            if is_werkdag(dag, land):
                open_ = kalender.lokaal_moment(dag, self.open)
                dicht = kalender.lokaal_moment(dag, self.dicht)
                van = max(moment, open_)
                if van < dicht:
                    if resterend <= dicht - van:
                        return van + resterend
                    resterend -= dicht - van
            dag += dt.timedelta(days=1)
            moment = kalender.lokaal_moment(dag)


# How long before an hour term runs out the behandelaar is reminded (a day term: on its last day).
REACTIE_HERINNERING_UREN = 1


@dataclass(frozen=True)
class Reactieregel:
    """A label's published reaction term for a channel (models.Reactietermijn; Keurmerk
    Klantgericht Verzekeren: reaction terms per channel, published and measured).

    Hours are clock hours after the moment of receipt, night and weekend included, unless the
    label lets hour terms run only in office hours (`kantooruren`, Label.
    uurtermijnen_binnen_kantooruren): then only the hours between opening and closing on a
    working day count. Working days and calendar days count like the other terms (TermijnRegel):
    from the day of receipt in Amsterdam, the reaction due at the latest on the last day; working
    days skip weekends and the public holidays of `land`.

    One function computes the due moment (`uiterlijk_op`): the deadline stored on the complaint
    (Klacht.eerste_reactie_uiterlijk_op) and the month report's measurement both read it.
    """

    aantal: int
    eenheid: str  # "uren", "werkdagen" or "kalenderdagen" (models.TermijnEenheid)
    land: str = Land.NL
    kantooruren: Kantooruren | None = None

    def uiterlijk_op(self, ontvangen_op: dt.datetime) -> dt.datetime:
        """The last moment of the term: a reaction at that moment is still on time. For a day
        term the end of its last day in Amsterdam."""
        if self.eenheid == "uren":
            if self.kantooruren is not None:
                return self.kantooruren.uren_later(ontvangen_op, self.aantal, self.land)
            return ontvangen_op + dt.timedelta(hours=self.aantal)
        regel = TermijnRegel(self.aantal, werkdagen=self.eenheid == "werkdagen", land=self.land)
        laatste_dag = regel.einde(kalender.lokale_datum(ontvangen_op))
        return kalender.lokaal_moment(laatste_dag + dt.timedelta(days=1)) - dt.timedelta(
            microseconds=1
        )

    def herinnering_op(self, ontvangen_op: dt.datetime) -> dt.datetime:
        """When the behandelaar is reminded: REACTIE_HERINNERING_UREN before an hour term runs
        out, at the start of the last day of a day term; never before the receipt."""
        uiterlijk = self.uiterlijk_op(ontvangen_op)
        if self.eenheid == "uren":
            moment = uiterlijk - dt.timedelta(hours=REACTIE_HERINNERING_UREN)
        else:
            moment = kalender.lokaal_moment(kalender.lokale_datum(uiterlijk))
        return max(moment, ontvangen_op)

    def uiterlijk(self, ontvangen_op: dt.datetime) -> dt.datetime | dt.date:
        """The last moment (hours) or the last day (days) of the term."""
        if self.eenheid == "uren":
            return self.uiterlijk_op(ontvangen_op)
        return kalender.lokale_datum(self.uiterlijk_op(ontvangen_op))

    def op_tijd(self, ontvangen_op: dt.datetime, reactie_op: dt.datetime) -> bool:
        """Whether a reaction at `reactie_op` came within the term."""
        return reactie_op <= self.uiterlijk_op(ontvangen_op)

    def verstreken(self, ontvangen_op: dt.datetime, nu: dt.datetime) -> bool:
        """Whether the term is over at `nu` (a reaction now would be late)."""
        return not self.op_tijd(ontvangen_op, nu)


def externe_uiterste_datum(
    *,
    maanden_na_standpunt: int | None,
    maanden_na_klacht: int | None,
    standpunt_op: dt.datetime,
    ontvangen_op: dt.datetime,
) -> dt.date | None:
    """The customer's last day at the external body: the latest of the configured terms.

    Kifid: 3 months after the definitief standpunt or 1 year after the complaint, whichever is later.
    """
    kandidaten = []
    if maanden_na_standpunt is not None:
        kandidaten.append(
            kalender.maanden_later(kalender.lokale_datum(standpunt_op), maanden_na_standpunt)
        )
    if maanden_na_klacht is not None:
        kandidaten.append(
            kalender.maanden_later(kalender.lokale_datum(ontvangen_op), maanden_na_klacht)
        )
    return max(kandidaten) if kandidaten else None


@dataclass(frozen=True)
class Termijnen:
    """The deadlines that apply to a complaint now, by its state (DESIGN.md section 5)."""

    ontvangstbevestiging: dt.date | None
    statusupdate: dt.date | None
    antwoord: dt.date | None
    heroverweging: dt.date | None
    bezorging: dt.date | None = None
    # The day of the first reaction's moment (Klacht.eerste_reactie_uiterlijk_op).
    eerste_reactie: dt.date | None = None

    @property
    def eerstvolgende(self) -> dt.date | None:
        datums = [d for d in astuple(self) if d is not None]
        return min(datums) if datums else None


IN_BEHANDELING = (Status.IN_ONDERZOEK, Status.IN_HEROVERWEGING)

# In which states each deadline runs, and the Klacht column that holds its date. The pages, the
# stored columns and the deadline watch (klachten.bewaking) all read this one table.
LOPEND_BIJ: dict[str, tuple[str, frozenset[Status]]] = {
    TermijnSoort.ONTVANGSTBEVESTIGING: (
        "ontvangstbevestiging_uiterlijk_datum",
        frozenset({Status.ONTVANGEN}),
    ),
    TermijnSoort.STATUSUPDATE: ("statusupdate_uiterlijk_datum", frozenset(IN_BEHANDELING)),
    TermijnSoort.ANTWOORD: (
        "antwoord_uiterlijk_datum",
        frozenset({Status.ONTVANGEN, Status.ONTVANGST_BEVESTIGD, Status.IN_ONDERZOEK}),
    ),
    TermijnSoort.HEROVERWEGING: (
        "heroverweging_uiterlijk_datum",
        frozenset({Status.IN_HEROVERWEGING}),
    ),
    # In every state: an answer that never arrived is still owed after the complaint is closed.
    TermijnSoort.BEZORGING: ("bezorging_uiterlijk_datum", frozenset(Status)),
    # Until the first reaction (EERSTE_REACTIE_GEGEVEN), whatever the state: a reaction to the
    # customer (reactie_sturen, a phone call) leaves the state as it is. The only deadline held
    # as a moment (an hour term): MOMENTEN.
    TermijnSoort.EERSTE_REACTIE: ("eerste_reactie_uiterlijk_op", frozenset(Status)),
}

# The deadlines whose column holds a moment rather than a date, with the column holding the
# moment their reminder is due (the watch compares them with the moment of its run).
MOMENTEN: dict[str, str] = {TermijnSoort.EERSTE_REACTIE: "eerste_reactie_herinnering_op"}


def geldende_termijnen(
    *,
    status: str,
    ontvangstbevestiging: dt.date | None,
    statusupdate: dt.date | None,
    antwoord: dt.date | None,
    heroverweging: dt.date | None,
    bezorging: dt.date | None = None,
    eerste_reactie: dt.date | None = None,
) -> Termijnen:
    """Which deadlines run in which state (LOPEND_BIJ).

    Acknowledgement: until acknowledged. Answer: until answered. Statusupdate: while investigated or
    reconsidered. Reconsideration: while it runs. Nothing else runs for an answered or closed
    complaint. Bezorging: in any state, while a message that met a deadline is undeliverable and
    not sent again (models.Termijnafloop); its date is that deadline's. Eerste reactie: until
    the first reaction (the stored moment is cleared then: eerste_reactie_gegeven).
    """
    datums = {
        TermijnSoort.ONTVANGSTBEVESTIGING: ontvangstbevestiging,
        TermijnSoort.STATUSUPDATE: statusupdate,
        TermijnSoort.ANTWOORD: antwoord,
        TermijnSoort.HEROVERWEGING: heroverweging,
        TermijnSoort.BEZORGING: bezorging,
        TermijnSoort.EERSTE_REACTIE: eerste_reactie,
    }
    return Termijnen(
        **{
            str(soort): datum if status in LOPEND_BIJ[soort][1] else None
            for soort, datum in datums.items()
        }
    )


def statusupdate_vanaf(klacht) -> dt.datetime:
    """The moment the statusupdate term counts from: the last message to the customer, or when
    handling resumed (reopened, reconsideration asked) if later: a resumed dossier is never late
    at once."""
    momenten = (klacht.laatste_klantcontact_op, klacht.behandeling_hervat_op, klacht.ontvangen_op)
    return max(m for m in momenten if m)


def termijnen_van(klacht) -> Termijnen:
    """The running deadlines of a complaint, from its stored date columns."""
    return geldende_termijnen(
        status=klacht.status,
        ontvangstbevestiging=klacht.ontvangstbevestiging_uiterlijk_datum,
        statusupdate=klacht.statusupdate_uiterlijk_datum,
        antwoord=klacht.antwoord_uiterlijk_datum,
        heroverweging=klacht.heroverweging_uiterlijk_datum,
        bezorging=klacht.bezorging_uiterlijk_datum,
        eerste_reactie=(
            kalender.lokale_datum(klacht.eerste_reactie_uiterlijk_op)
            if klacht.eerste_reactie_uiterlijk_op is not None
            else None
        ),
    )


def eerste_reactie_gegeven(klacht) -> bool:
    """Whether the complaint had its first reaction, from its own fields (no query): the rule
    of the month report (rapportage.maandrapport.EERSTE_REACTIE: the acknowledgement, any
    message to the customer, a recorded phone call, or a complaint solved at once), as the
    workflow records it on the complaint: ontvangst_bevestigd_op, laatste_klantcontact_op (every
    message to the customer), direct_opgelost; a phone call clears the deadline itself
    (services.telefooncontact_vastleggen). One difference: a letter stops the watch when it is
    written, the month report counts it from its print date."""
    return bool(
        klacht.direct_opgelost or klacht.ontvangst_bevestigd_op or klacht.laatste_klantcontact_op
    )
