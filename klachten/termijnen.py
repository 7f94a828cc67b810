"""Deadline rules (termijnen) as pure functions of dates (DESIGN.md section 5).

Deadlines are dates in Europe/Amsterdam: a complaint received at 23:30 on 31 December counts as received
on 31 December, whatever the UTC moment is.
"""

import datetime as dt
from zoneinfo import ZoneInfo

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
