"""Deadline rules (termijnen) as pure functions of dates (DESIGN.md section 5).

Deadlines are dates in Europe/Amsterdam: a complaint received at 23:30 on 31 December counts as received
on 31 December, whatever the UTC moment is.
"""

import calendar
import datetime as dt
from dataclasses import astuple, dataclass
from zoneinfo import ZoneInfo

from klachten.workflow import Status

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Acknowledgement within 8 days of receipt (Gedragscode Klachtbehandeling; Solidaris procedure step 2).
ONTVANGSTBEVESTIGING_DAGEN = 8
# A statusupdate to the customer at least every 3 weeks while the complaint is investigated.
STATUSUPDATE_DAGEN = 21
# The answer term: 6 weeks by default (SKGZ allows 6 weeks; Kifid takes the case after 8 weeks).
ANTWOORD_DAGEN = 42


def lokale_datum(moment: dt.datetime) -> dt.date:
    """The calendar date of an aware moment in Europe/Amsterdam."""
    return moment.astimezone(AMSTERDAM).date()


def ontvangstbevestiging_uiterlijk(ontvangen_op: dt.datetime) -> dt.date:
    """Last day on which the acknowledgement must be sent: received + 8 calendar days."""
    return lokale_datum(ontvangen_op) + dt.timedelta(days=ONTVANGSTBEVESTIGING_DAGEN)


def statusupdate_uiterlijk(vorige: dt.datetime) -> dt.date:
    """Last day for the next statusupdate: 21 days after the previous contact."""
    return lokale_datum(vorige) + dt.timedelta(days=STATUSUPDATE_DAGEN)


def antwoord_uiterlijk(ontvangen_op: dt.datetime) -> dt.date:
    """Last day for the reasoned answer: received + the answer term."""
    return lokale_datum(ontvangen_op) + dt.timedelta(days=ANTWOORD_DAGEN)


# The reconsideration (heroverweging) is answered within 6 weeks of the request.
HEROVERWEGING_DAGEN = 42


def heroverweging_uiterlijk(gevraagd_op: dt.datetime) -> dt.date:
    return lokale_datum(gevraagd_op) + dt.timedelta(days=HEROVERWEGING_DAGEN)


def maanden_later(datum: dt.date, maanden: int) -> dt.date:
    """The same day `maanden` months later; the month's last day when that day does not exist."""
    jaar, maand = divmod(datum.month - 1 + maanden, 12)
    jaar += datum.year
    maand += 1
    laatste = calendar.monthrange(jaar, maand)[1]
    return dt.date(jaar, maand, min(datum.day, laatste))


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
        kandidaten.append(maanden_later(lokale_datum(standpunt_op), maanden_na_standpunt))
    if maanden_na_klacht is not None:
        kandidaten.append(maanden_later(lokale_datum(ontvangen_op), maanden_na_klacht))
    return max(kandidaten) if kandidaten else None


@dataclass(frozen=True)
class Termijnen:
    """The deadlines that apply to a complaint now, by its state (DESIGN.md section 5)."""

    ontvangstbevestiging: dt.date | None
    statusupdate: dt.date | None
    antwoord: dt.date | None
    heroverweging: dt.date | None

    @property
    def eerstvolgende(self) -> dt.date | None:
        datums = [d for d in astuple(self) if d is not None]
        return min(datums) if datums else None


def geldende_termijnen(
    *,
    status: str,
    ontvangstbevestiging_uiterlijk_datum: dt.date | None,
    antwoord_uiterlijk_datum: dt.date | None,
    laatste_klantcontact_op: dt.datetime | None,
    ontvangen_op: dt.datetime,
    behandeling_hervat_op: dt.datetime | None = None,
    heroverweging_uiterlijk_datum: dt.date | None,
) -> Termijnen:
    """Which deadlines run in which state.

    Acknowledgement: until acknowledged. Answer: until answered. Statusupdate: every 21 days while
    investigated or reconsidered, counted from the last message to the customer. Reconsideration:
    while it runs. Nothing runs for an answered or closed complaint.
    """
    ontvangst = ontvangstbevestiging_uiterlijk_datum if status == Status.ONTVANGEN else None
    antwoord = (
        antwoord_uiterlijk_datum
        if status in (Status.ONTVANGEN, Status.ONTVANGST_BEVESTIGD, Status.IN_ONDERZOEK)
        else None
    )
    statusupdate = None
    if status in (Status.IN_ONDERZOEK, Status.IN_HEROVERWEGING):
        # From the last message to the customer, or from when handling resumed (reopened, or
        # reconsideration asked) if that came later: a resumed dossier is never late at once.
        vanaf = max(m for m in (laatste_klantcontact_op, behandeling_hervat_op, ontvangen_op) if m)
        statusupdate = statusupdate_uiterlijk(vanaf)
    heroverweging = heroverweging_uiterlijk_datum if status == Status.IN_HEROVERWEGING else None
    return Termijnen(ontvangst, statusupdate, antwoord, heroverweging)


def termijnen_van(klacht) -> Termijnen:
    """The running deadlines of a complaint (anything with the Klacht fields)."""
    return geldende_termijnen(
        status=klacht.status,
        ontvangstbevestiging_uiterlijk_datum=klacht.ontvangstbevestiging_uiterlijk_datum,
        antwoord_uiterlijk_datum=klacht.antwoord_uiterlijk_datum,
        laatste_klantcontact_op=klacht.laatste_klantcontact_op,
        ontvangen_op=klacht.ontvangen_op,
        behandeling_hervat_op=klacht.behandeling_hervat_op,
        heroverweging_uiterlijk_datum=klacht.heroverweging_uiterlijk_datum,
    )
