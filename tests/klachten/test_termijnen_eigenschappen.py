"""Properties of the deadline rules that hold for every date (hypothesis): the examples in
test_termijnen.py pin known dates; these search the calendar for a counterexample, holidays and
daylight-saving changes included (issue Vertrouwen: property-based tests)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from klachten import kalender, termijnen
from klachten.kalender import AMSTERDAM
from klachten.termijnen import Land, TermijnRegel

datums = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
# hypothesis takes naive bounds and makes the moments aware with `timezones`.
momenten = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2060, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
regels = st.builds(
    TermijnRegel,
    dagen=st.integers(min_value=0, max_value=120),
    werkdagen=st.booleans(),
    land=st.sampled_from(list(Land.values)),
)
# Reproducible in CI: the same examples on every run; no per-example time limit (holidays are
# computed per year on first use).
vast = settings(derandomize=True, deadline=None, max_examples=300)


@vast
@given(regels, datums)
def test_de_termijn_eindigt_nooit_voor_de_start_en_telt_precies_zijn_dagen(regel, start):
    einde = regel.einde(start)

    assert einde >= start
    if not regel.werkdagen:
        assert einde == start + dt.timedelta(days=regel.dagen)
    else:
        dagen = [start + dt.timedelta(days=i) for i in range(1, (einde - start).days + 1)]
        assert sum(termijnen.is_werkdag(d, regel.land) for d in dagen) == regel.dagen
        if regel.dagen:
            assert termijnen.is_werkdag(einde, regel.land)  # it ends on a working day
        assert (einde - start).days >= regel.dagen


@vast
@given(regels, datums, datums)
def test_later_begonnen_eindigt_niet_eerder(regel, a, b):
    eerder, later = sorted((a, b))

    assert regel.einde(eerder) <= regel.einde(later)


@vast
@given(momenten)
def test_termijnen_tellen_vanaf_de_datum_in_amsterdam(moment):
    datum = moment.astimezone(AMSTERDAM).date()

    assert kalender.lokale_datum(moment) == datum
    assert termijnen.ontvangstbevestiging_uiterlijk(moment) == datum + dt.timedelta(days=8)
    assert termijnen.antwoord_uiterlijk(moment) == datum + dt.timedelta(days=42)
    assert termijnen.kifid_alarm_datum(moment) == datum + dt.timedelta(days=56)
    assert termijnen.statusupdate_uiterlijk(moment) == datum + dt.timedelta(days=21)
