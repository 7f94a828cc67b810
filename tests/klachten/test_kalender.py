"""The calendar of the house (klachten.kalender): dates and period bounds in Europe/Amsterdam,
half-open and gapless, daylight-saving changes included."""

import datetime as dt

import time_machine
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from klachten import kalender
from klachten.kalender import AMSTERDAM

datums = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
vast = settings(derandomize=True, deadline=None, max_examples=300)


def test_vandaag_is_de_datum_in_amsterdam():
    # 23:30 UTC on 31 December is already 1 January in Amsterdam.
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        assert kalender.vandaag() == dt.date(2027, 1, 1)


def test_lokaal_moment_is_de_klok_in_amsterdam_ook_in_de_zomertijd():
    assert kalender.lokaal_moment(dt.date(2026, 7, 1), dt.time(9)) == dt.datetime(
        2026, 7, 1, 7, tzinfo=dt.UTC
    )
    assert kalender.lokaal_moment(dt.date(2026, 1, 1)) == dt.datetime(
        2025, 12, 31, 23, tzinfo=dt.UTC
    )


def test_de_dag_van_de_klokwissel_duurt_23_uur():
    van, tot = kalender.dag_grenzen(dt.date(2026, 3, 29))

    # Python subtracts moments of one tzinfo by the wall clock: compare them in UTC.
    assert tot.astimezone(dt.UTC) - van.astimezone(dt.UTC) == dt.timedelta(hours=23)


def test_maandgrenzen_als_momenten_en_als_datums():
    grenzen = kalender.maand_grenzen(2026, 12)

    assert grenzen == (
        dt.datetime(2026, 12, 1, tzinfo=AMSTERDAM),
        dt.datetime(2027, 1, 1, tzinfo=AMSTERDAM),
    )
    assert grenzen.eerste_dag == dt.date(2026, 12, 1)
    assert grenzen.laatste_dag == dt.date(2026, 12, 31)
    assert grenzen.dag_erna == dt.date(2027, 1, 1)


def test_kwartalen_halve_jaren_en_jaren():
    assert kalender.kwartaal_grenzen(2026, 4).eerste_dag == dt.date(2026, 10, 1)
    assert kalender.kwartaal_grenzen(2026, 4).dag_erna == dt.date(2027, 1, 1)
    assert kalender.kwartaal_grenzen(2026, 1).laatste_dag == dt.date(2026, 3, 31)
    assert kalender.maanden_van_kwartaal(2026, 2) == [
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]
    assert kalender.helft_grenzen(2026, 1).laatste_dag == dt.date(2026, 6, 30)
    assert kalender.helft_grenzen(2026, 2).dag_erna == dt.date(2027, 1, 1)
    assert kalender.jaar_grenzen(2026) == (
        kalender.helft_grenzen(2026, 1).van,
        kalender.helft_grenzen(2026, 2).tot,
    )


def test_rekenen_met_maanden_kwartalen_en_halve_jaren_over_de_jaargrens():
    assert kalender.vorige_maand(2026, 1) == (2025, 12)
    assert kalender.volgende_maand(2026, 12) == (2027, 1)
    assert kalender.kwartaal_van(dt.date(2026, 12, 31)) == (2026, 4)
    assert kalender.vorig_kwartaal(2026, 1) == (2025, 4)
    assert kalender.volgend_kwartaal(2026, 4) == (2027, 1)
    assert kalender.helft_van(dt.date(2026, 7, 1)) == (2026, 2)
    assert kalender.vorige_helft(2026, 1) == (2025, 2)
    assert kalender.volgende_helft(2026, 2) == (2027, 1)


@vast
@given(datums)
def test_elke_datum_ligt_in_precies_een_maand_kwartaal_en_halfjaar(datum):
    moment = kalender.lokaal_moment(datum, dt.time(12))
    for grenzen, vorige, volgende in (
        (
            kalender.maand_grenzen(datum.year, datum.month),
            kalender.maand_grenzen(*kalender.vorige_maand(datum.year, datum.month)),
            kalender.maand_grenzen(*kalender.volgende_maand(datum.year, datum.month)),
        ),
        (
            kalender.kwartaal_grenzen(*kalender.kwartaal_van(datum)),
            kalender.kwartaal_grenzen(*kalender.vorig_kwartaal(*kalender.kwartaal_van(datum))),
            kalender.kwartaal_grenzen(*kalender.volgend_kwartaal(*kalender.kwartaal_van(datum))),
        ),
        (
            kalender.helft_grenzen(*kalender.helft_van(datum)),
            kalender.helft_grenzen(*kalender.vorige_helft(*kalender.helft_van(datum))),
            kalender.helft_grenzen(*kalender.volgende_helft(*kalender.helft_van(datum))),
        ),
    ):
        assert grenzen.van <= moment < grenzen.tot
        assert grenzen.eerste_dag <= datum <= grenzen.laatste_dag
        assert vorige.tot == grenzen.van  # no gap, no overlap
        assert grenzen.tot == volgende.van


@vast
@given(datums, st.integers(min_value=-120, max_value=120))
def test_maanden_later_houdt_de_dag_of_neemt_de_laatste_van_de_maand(datum, maanden):
    uitkomst = kalender.maanden_later(datum, maanden)

    assert (uitkomst.year * 12 + uitkomst.month) - (datum.year * 12 + datum.month) == maanden
    assert uitkomst.day <= datum.day
    if uitkomst.day < datum.day:  # that day does not exist in the month: its last day
        assert (uitkomst + dt.timedelta(days=1)).day == 1


@vast
@given(
    datums.filter(lambda d: d.day <= 28),
    st.integers(min_value=-60, max_value=60),
    st.integers(min_value=-60, max_value=60),
)
def test_maanden_later_telt_op(datum, a, b):
    assert kalender.maanden_later(kalender.maanden_later(datum, a), b) == (
        kalender.maanden_later(datum, a + b)
    )


def test_de_maandnaam_in_de_actieve_taal():
    with translation.override("nl"):
        assert kalender.maandnaam(2026, 10) == "oktober 2026"
    with translation.override("fr"):
        assert kalender.maandnaam(2027, 2) == "février 2027"
