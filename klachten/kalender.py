"""The calendar of the house: Europe/Amsterdam dates and the bounds of days, months, quarters,
half-years and years (DESIGN.md section 5: a date is the date in Amsterdam, whatever the UTC
moment; daylight-saving changes never move a date).

Every app reads dates and period bounds here. Bounds are half-open, [van, tot): `van` is the first
moment (or day) of the period, `tot` the first moment (or day) after it, so that a query filters
`__gte=van, __lt=tot` and consecutive periods meet without a gap or an overlap. Working days and
public holidays belong to the deadline rules (klachten.termijnen).
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Grenzen(NamedTuple):
    """The bounds [van, tot) of a period as aware moments in Amsterdam; unpacks as a pair."""

    van: dt.datetime
    tot: dt.datetime

    @property
    def eerste_dag(self) -> dt.date:
        return self.van.date()

    @property
    def laatste_dag(self) -> dt.date:
        return self.tot.date() - dt.timedelta(days=1)

    @property
    def dag_erna(self) -> dt.date:
        """The first day after the period (the `tot` of the period as dates)."""
        return self.tot.date()


def lokale_datum(moment: dt.datetime) -> dt.date:
    """The calendar date of an aware moment in Europe/Amsterdam."""
    return moment.astimezone(AMSTERDAM).date()


def vandaag() -> dt.date:
    """Today's date in Amsterdam."""
    return lokale_datum(timezone.now())


def lokaal_moment(datum: dt.date, tijd: dt.time = dt.time()) -> dt.datetime:
    """The aware moment at `tijd` (Amsterdam clock) on `datum`; midnight by default."""
    return dt.datetime.combine(datum, tijd, tzinfo=AMSTERDAM)


def _grenzen(van: dt.date, tot: dt.date) -> Grenzen:
    return Grenzen(lokaal_moment(van), lokaal_moment(tot))


def dag_grenzen(datum: dt.date) -> Grenzen:
    return _grenzen(datum, datum + dt.timedelta(days=1))


# Months ------------------------------------------------------------------------------------------


def maanden_later(datum: dt.date, maanden: int) -> dt.date:
    """The same day `maanden` months later; the month's last day when that day does not exist."""
    jaar, maand = divmod(datum.month - 1 + maanden, 12)
    jaar += datum.year
    maand += 1
    laatste = calendar.monthrange(jaar, maand)[1]
    return dt.date(jaar, maand, min(datum.day, laatste))


def vorige_maand(jaar: int, maand: int) -> tuple[int, int]:
    return (jaar - 1, 12) if maand == 1 else (jaar, maand - 1)


def volgende_maand(jaar: int, maand: int) -> tuple[int, int]:
    return (jaar + 1, 1) if maand == 12 else (jaar, maand + 1)


def maand_grenzen(jaar: int, maand: int) -> Grenzen:
    return _grenzen(dt.date(jaar, maand, 1), dt.date(*volgende_maand(jaar, maand), 1))


def maandnaam(jaar: int, maand: int) -> str:
    """ "oktober 2026": the month and year in the active language."""
    return date_format(dt.date(jaar, maand, 1), "F Y")


# Quarters ----------------------------------------------------------------------------------------


def kwartaal_van(datum: dt.date) -> tuple[int, int]:
    return datum.year, (datum.month - 1) // 3 + 1


def vorig_kwartaal(jaar: int, kwartaal: int) -> tuple[int, int]:
    return (jaar - 1, 4) if kwartaal == 1 else (jaar, kwartaal - 1)


def volgend_kwartaal(jaar: int, kwartaal: int) -> tuple[int, int]:
    return (jaar + 1, 1) if kwartaal == 4 else (jaar, kwartaal + 1)


def kwartaal_grenzen(jaar: int, kwartaal: int) -> Grenzen:
    eerste = dt.date(jaar, 3 * kwartaal - 2, 1)
    return _grenzen(eerste, maanden_later(eerste, 3))


def maanden_van_kwartaal(jaar: int, kwartaal: int) -> list[dt.date]:
    """The first days of the quarter's three months, in order."""
    return [dt.date(jaar, 3 * kwartaal - 2 + i, 1) for i in range(3)]


# Half-years and years ----------------------------------------------------------------------------


def helft_van(datum: dt.date) -> tuple[int, int]:
    return datum.year, 1 if datum.month <= 6 else 2


def vorige_helft(jaar: int, helft: int) -> tuple[int, int]:
    return (jaar - 1, 2) if helft == 1 else (jaar, 1)


def volgende_helft(jaar: int, helft: int) -> tuple[int, int]:
    return (jaar, 2) if helft == 1 else (jaar + 1, 1)


def helft_grenzen(jaar: int, helft: int) -> Grenzen:
    eerste = dt.date(jaar, 1 if helft == 1 else 7, 1)
    return _grenzen(eerste, maanden_later(eerste, 6))


def jaar_grenzen(jaar: int) -> Grenzen:
    return _grenzen(dt.date(jaar, 1, 1), dt.date(jaar + 1, 1, 1))
