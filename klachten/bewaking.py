"""The deadline watch (DESIGN.md section 5): reminders before a deadline, escalation when one is
missed, the automatic standard statusupdate, and the Kifid 8-week alarm.

Each job takes a reference moment `op` and reads what is due from the indexed deadline columns
(`termijnen.LOPEND_BIJ`): a range query per column, never a loop over all complaints. Every signal
is a `Termijnsignaal` row, unique per complaint, kind, deadline and due date, written in the same
transaction as its message: running a job twice sends nothing twice, and after an outage the next
run handles everything that fell due, once. Celery beat only triggers (klachten.tasks): the run
finds what is due and hands it to the workers in batches (`alles_verdelen`); the
management command `termijnen_bewaken --op` runs the same jobs for any moment.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from functools import cache

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from klachten import berichten, kalender, selectors, services, termijnen
from klachten.models import Bericht, Klacht, Medewerker, SignaalSoort, Termijn, Termijnsignaal
from klachten.termijnen import TermijnSoort
from klachten.workflow import SYSTEEM, BerichtSoort, Status

logger = logging.getLogger(__name__)

# A job is a plan: the due-queries it runs and, for each, what to do with a complaint found.
Plan = Iterator[tuple[QuerySet[Klacht], Callable[[Klacht], bool]]]


def _vandaag(op: dt.datetime) -> dt.date:
    return kalender.lokale_datum(op)


def _instellingen() -> dict[str, Termijn]:
    return {t.soort: t for t in Termijn.objects.all()}


def _teamleiders_per_afdeling():
    """The teamleiders of an afdeling, looked up once per job run."""

    @cache
    def teamleiders(afdeling_id: int) -> tuple[Medewerker, ...]:
        return tuple(selectors.teamleiders(afdeling_id))

    return lambda klacht: list(teamleiders(klacht.afdeling_id))


def _signaal(klacht: Klacht, soort: str, termijn: str, datum: dt.date, verstuur) -> bool:
    """Record the signal and send its message in one transaction; False if it was sent before.

    `verstuur(signaal)` writes the signal's messages to the outbox, naming the signal: the row
    records that the watch did its job once, and whether its notices arrived is for the outbox to
    say (a notice that fails for a while is retried like any message; one that is undeliverable
    leaves the signal reading "niet bezorgd", selectors.signaal_bezorging), never "sent"."""
    try:
        with transaction.atomic():
            signaal, nieuw = Termijnsignaal.objects.get_or_create(
                klacht=klacht, soort=soort, termijn=termijn, datum=datum
            )
            if nieuw:
                verstuur(signaal)
            return nieuw
    except IntegrityError:  # another run signalled it at the same moment
        return False


def _melden(
    klacht: Klacht, ontvangers: list[Medewerker], melding: str, signaal: Termijnsignaal
) -> None:
    onderwerp, tekst = berichten.bericht_opstellen(
        klacht=klacht,
        soort=BerichtSoort.TERMIJNSIGNAAL,
        melding=melding,
        dossier_url=berichten.dossier_url(klacht),
    )
    for ontvanger in ontvangers:
        berichten.bericht_versturen(
            klacht=klacht,
            soort=BerichtSoort.TERMIJNSIGNAAL,
            onderwerp=onderwerp,
            tekst=tekst,
            door=None,
            aan=ontvanger.email,
            termijnsignaal=signaal,
        )


def _nog_niet(soort: str, termijn: str, kolom: str) -> Exists:
    """Not signalled before for this due date (so a rerun does not even look at them). A
    deadline held as a moment (termijnen.MOMENTEN) is signalled under its day in Amsterdam."""
    datum = OuterRef(kolom)
    if termijn in termijnen.MOMENTEN:
        moment = ExpressionWrapper(datum, output_field=DateTimeField())
        datum = TruncDate(moment, tzinfo=kalender.AMSTERDAM)
    return ~Exists(
        Termijnsignaal.objects.filter(
            klacht=OuterRef("pk"), soort=soort, termijn=termijn, datum=datum
        )
    )


def _uiterste(klacht: Klacht, termijn: str, kolom: str) -> tuple[dt.date, str]:
    """A deadline's day (the signal's key) and how a notice names it: a moment with its time."""
    waarde = getattr(klacht, kolom)
    if termijn in termijnen.MOMENTEN:
        lokaal = waarde.astimezone(kalender.AMSTERDAM)
        return lokaal.date(), f"{berichten.datum_tekst(lokaal.date(), 'nl')} {lokaal:%H:%M}"
    return waarde, berichten.datum_tekst(waarde, "nl")


def _lopend(termijn: str, soort: str, filter_: Q):
    """Complaints in which this deadline runs, whose date matches, not yet signalled: one range
    query on the deadline's partial index."""
    kolom, statussen = termijnen.LOPEND_BIJ[termijn]
    return (
        Klacht.objects.filter(filter_, _nog_niet(soort, termijn, kolom), status__in=statussen)
        .select_related("label", "afdeling", "behandelaar", "heroverweging_behandelaar")
        .order_by(kolom, "pk")
    )


def _herinneringen(op: dt.datetime) -> Plan:
    """Remind the behandelaar a configured number of days (default 2) before each deadline; a
    deadline held as a moment (the first reaction) from its stored reminder moment on
    (termijnen.MOMENTEN, Reactieregel.herinnering_op) until it runs out."""
    vandaag = _vandaag(op)
    instellingen = _instellingen()
    _teamleiders = _teamleiders_per_afdeling()
    for termijn, (kolom, _statussen) in termijnen.LOPEND_BIJ.items():
        if termijn in termijnen.MOMENTEN:
            binnen = Q(**{f"{kolom}__gte": op, f"{termijnen.MOMENTEN[termijn]}__lte": op})
        else:
            vooraf = (
                instellingen[termijn].herinnering_dagen_vooraf if termijn in instellingen else 2
            )
            tot = vandaag + dt.timedelta(days=vooraf)
            binnen = Q(**{f"{kolom}__gte": vandaag, f"{kolom}__lte": tot})

        def herinneren(klacht: Klacht, termijn=termijn, kolom=kolom) -> bool:
            datum, tekst = _uiterste(klacht, termijn, kolom)
            ontvanger = klacht.heroverweging_behandelaar or klacht.behandelaar
            ontvangers = [ontvanger] if ontvanger and ontvanger.email else _teamleiders(klacht)
            melding = _("Herinnering: de termijn '%(termijn)s' verloopt op %(datum)s.") % {
                "termijn": TermijnSoort(termijn).label,
                "datum": tekst,
            }
            return _signaal(
                klacht,
                SignaalSoort.HERINNERING,
                termijn,
                datum,
                lambda signaal: _melden(klacht, ontvangers, melding, signaal),
            )

        yield _lopend(termijn, SignaalSoort.HERINNERING, binnen), herinneren


def _escalaties(op: dt.datetime) -> Plan:
    """Tell the teamleider on the first day a deadline is missed (and any missed while down); a
    deadline held as a moment (the first reaction) from the first run after it."""
    vandaag = _vandaag(op)
    _teamleiders = _teamleiders_per_afdeling()
    for termijn, (kolom, _statussen) in termijnen.LOPEND_BIJ.items():
        grens = op if termijn in termijnen.MOMENTEN else vandaag

        def escaleren(klacht: Klacht, termijn=termijn, kolom=kolom) -> bool:
            datum, tekst = _uiterste(klacht, termijn, kolom)
            ontvangers = _teamleiders(klacht)
            behandelaar = klacht.heroverweging_behandelaar or klacht.behandelaar
            if behandelaar and behandelaar.email and behandelaar not in ontvangers:
                ontvangers.append(behandelaar)
            melding = _("Termijn verstreken: '%(termijn)s' verliep op %(datum)s.") % {
                "termijn": TermijnSoort(termijn).label,
                "datum": tekst,
            }
            return _signaal(
                klacht,
                SignaalSoort.ESCALATIE,
                termijn,
                datum,
                lambda signaal: _melden(klacht, ontvangers, melding, signaal),
            )

        yield _lopend(termijn, SignaalSoort.ESCALATIE, Q(**{f"{kolom}__lt": grens})), escaleren


def _statusupdates(op: dt.datetime) -> Plan:
    """Send the standard statusupdate to the customer on the day one is due and none was sent
    (switchable: Termijn 'statusupdate', field 'automatisch')."""
    instelling = Termijn.objects.filter(soort=TermijnSoort.STATUSUPDATE).first()
    if instelling is not None and not instelling.automatisch:
        return
    vandaag = _vandaag(op)

    def sturen(klacht: Klacht) -> bool:
        def verstuur(signaal: Termijnsignaal):
            onderwerp, tekst = berichten.bericht_opstellen(
                klacht=klacht, soort=BerichtSoort.STATUSUPDATE_STANDAARD
            )
            services.statusupdate_sturen(
                klacht=klacht, door=SYSTEEM, onderwerp=onderwerp, tekst=tekst
            )
            # The statusupdate it sent (the action's message) belongs to the signal.
            Bericht.objects.filter(
                pk=Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.STATUSUPDATE)
                .order_by("-pk")
                .values("pk")[:1]
            ).update(termijnsignaal=signaal)

        return _signaal(
            klacht,
            SignaalSoort.STATUSUPDATE,
            TermijnSoort.STATUSUPDATE,
            klacht.statusupdate_uiterlijk_datum,
            verstuur,
        )

    yield (
        _lopend(
            TermijnSoort.STATUSUPDATE,
            SignaalSoort.STATUSUPDATE,
            Q(statusupdate_uiterlijk_datum__lte=vandaag),
        ),
        sturen,
    )


def _kifid_alarmen(op: dt.datetime) -> Plan:
    """8 weeks without an answer: the customer may go to Kifid. Alarm the behandelaar and the
    teamleider, once."""
    vandaag = _vandaag(op)
    _teamleiders = _teamleiders_per_afdeling()

    def alarmeren(klacht: Klacht) -> bool:
        ontvangers = _teamleiders(klacht)
        if klacht.behandelaar and klacht.behandelaar.email and klacht.behandelaar not in ontvangers:
            ontvangers.append(klacht.behandelaar)
        melding = _("8 weken zonder antwoord: de klant kan sinds %(datum)s naar Kifid.") % {
            "datum": berichten.datum_tekst(klacht.kifid_alarm_datum, "nl")
        }
        return _signaal(
            klacht,
            SignaalSoort.KIFID_ALARM,
            TermijnSoort.KIFID_ALARM,
            klacht.kifid_alarm_datum,
            lambda signaal: _melden(klacht, ontvangers, melding, signaal),
        )

    yield (
        Klacht.objects.filter(
            _nog_niet(SignaalSoort.KIFID_ALARM, TermijnSoort.KIFID_ALARM, "kifid_alarm_datum"),
            kifid_alarm_datum__lte=vandaag,
            beantwoord_op__isnull=True,
        )
        .exclude(status=Status.AFGESLOTEN)
        .select_related("label", "afdeling", "behandelaar")
        .order_by("kifid_alarm_datum", "pk"),
        alarmeren,
    )


# In this order: the automatic statusupdate goes out before a missed statusupdate could escalate.
PLANNEN: dict[str, Callable[[dt.datetime], Plan]] = {
    "statusupdates": _statusupdates,
    "herinneringen": _herinneringen,
    "escalaties": _escalaties,
    "kifid": _kifid_alarmen,
}


def plan_uitvoeren(naam: str, *, op: dt.datetime, klacht_ids: Iterable[int] | None = None) -> int:
    """Run one job (a plan of PLANNEN) for the moment `op`, for every complaint it finds due (or only those of
    `klacht_ids`); returns how many signals it sent."""
    verstuurd = 0
    for klachten, signaleren in PLANNEN[naam](op):
        if klacht_ids is not None:
            klachten = klachten.filter(pk__in=list(klacht_ids))
        for klacht in klachten:
            verstuurd += signaleren(klacht)
    return verstuurd


def verschuldigd(naam: str, *, op: dt.datetime) -> set[int]:
    """The ids of the complaints for which job `naam` has something to send at `op`: the same
    range queries, reading only the key."""
    return {
        pk
        for klachten, _signaleren in PLANNEN[naam](op)
        for pk in klachten.order_by().values_list("pk", flat=True)
    }


def herinneringen_sturen(*, op: dt.datetime) -> int:
    return plan_uitvoeren("herinneringen", op=op)


def escalaties_sturen(*, op: dt.datetime) -> int:
    return plan_uitvoeren("escalaties", op=op)


def statusupdates_sturen(*, op: dt.datetime) -> int:
    return plan_uitvoeren("statusupdates", op=op)


def kifid_alarmen_sturen(*, op: dt.datetime) -> int:
    return plan_uitvoeren("kifid", op=op)


def alles_bewaken(
    *, op: dt.datetime | None = None, klacht_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Run every job, in order, for the moment `op` (default: now), inline; returns how many
    each sent."""
    op = op or timezone.now()
    ids = None if klacht_ids is None else list(klacht_ids)
    return {naam: plan_uitvoeren(naam, op=op, klacht_ids=ids) for naam in PLANNEN}


def alles_verdelen(*, op: dt.datetime | None = None, per: int = 50) -> dict[str, int]:
    """What beat runs: find every complaint with something due (index range queries on keys
    only) and hand them to the workers in batches of `per`; each batch runs all jobs, in order,
    for its complaints (tasks.klachten_bewaken). Returns how many complaints each job found due.

    The work scales with the number of workers; a batch sent twice (beat overlapping itself)
    sends nothing twice, as every signal is a unique row. When the broker does not take a batch,
    it runs here.
    """
    from klachten import tasks

    op = op or timezone.now()
    per_plan = {naam: verschuldigd(naam, op=op) for naam in PLANNEN}
    alle = sorted(set().union(*per_plan.values()))
    for begin in range(0, len(alle), per):
        deel = alle[begin : begin + per]
        try:
            tasks.klachten_bewaken.delay(deel, op.isoformat())
        except Exception:  # broker unreachable: do it now rather than not at all
            logger.warning("Broker weigert termijnbewaking; %s klachten hier verwerkt", len(deel))
            alles_bewaken(op=op, klacht_ids=deel)
    return {naam: len(ids) for naam, ids in per_plan.items()}
