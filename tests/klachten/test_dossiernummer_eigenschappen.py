"""Properties of the dossiernummer that hold for every year, every order of arrival and every
moment (hypothesis): the examples in test_dossiernummer.py pin known cases, these search for a
counterexample (issue Vertrouwen: property-based tests; DESIGN.md section 4, step 1: a unique
number, consecutive per year, never reused).

The numbers come from the database (an upsert per year in the caller's transaction), so every
example starts from its own state: the table of series is emptied, or filled as drawn.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CheckConstraint
from django.urls import resolve, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from klachten import services
from klachten.api.views import KlachtViewSet
from klachten.kalender import AMSTERDAM
from klachten.models import DossiernummerReeks, Kanaal, Klacht
from tests.factories import CategorieFactory, standaardlabel

pytestmark = pytest.mark.django_db

# The format as the database checks it (the check constraint on Klacht), not a copy of it.
FORMAAT = next(
    c.condition.children[0][1]
    for c in Klacht._meta.constraints
    if isinstance(c, CheckConstraint) and c.name == "klacht_dossiernummer_formaat"
)

jaren = st.integers(min_value=2000, max_value=2099)
# Reproducible in CI: the same examples on every run; no per-example time limit (the database).
# The `db` fixture is the test's transaction; each example sets up the state it needs itself.
vast = settings(
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def in_de_database_geldig(nummer: str) -> bool:
    """PostgreSQL's own verdict on the check constraint's pattern."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s ~ %s", [nummer, FORMAAT])
        return cursor.fetchone()[0]


@vast
@given(jaren, st.integers(min_value=0, max_value=2_000_000))
@example(jaar=2026, al_uitgegeven=999_998)  # the year's last number
@example(jaar=2026, al_uitgegeven=999_999)  # and none left
def test_een_uitgegeven_nummer_past_altijd_in_het_formaat_van_de_database(db, jaar, al_uitgegeven):
    """Whatever the year and however many numbers it already gave: the next number has the
    format the database checks, or, with all six-digit numbers of the year given, a clear error
    instead of a failing insert."""
    DossiernummerReeks.objects.update_or_create(
        jaar=jaar, defaults={"laatste_nummer": al_uitgegeven}
    )

    if al_uitgegeven >= services.DOSSIERNUMMERS_PER_JAAR:
        with pytest.raises(ValidationError, match=str(jaar)), transaction.atomic():
            services.dossiernummer_uitgeven(jaar=jaar)
        assert DossiernummerReeks.objects.get(jaar=jaar).laatste_nummer == al_uitgegeven
        return
    nummer = services.dossiernummer_uitgeven(jaar=jaar)

    assert re.fullmatch(FORMAAT, nummer)
    assert in_de_database_geldig(nummer)
    assert nummer == f"KL-{jaar}-{al_uitgegeven + 1:06d}"


@vast
@given(st.lists(st.sampled_from([2025, 2026, 2027, 2031]), max_size=40))
def test_nummers_per_jaar_zijn_opeenvolgend_en_uniek_in_elke_volgorde_van_jaren(db, volgorde):
    """Complaints of several years arrive interleaved (a letter from December registered in
    January): each year counts 1, 2, 3, ... in the order of registration, whatever came between."""
    DossiernummerReeks.objects.all().delete()

    nummers = [services.dossiernummer_uitgeven(jaar=jaar) for jaar in volgorde]

    assert len(set(nummers)) == len(nummers)
    for jaar in set(volgorde):
        van_het_jaar = [n for n in nummers if n.startswith(f"KL-{jaar}-")]
        assert van_het_jaar == [f"KL-{jaar}-{i:06d}" for i in range(1, len(van_het_jaar) + 1)]
        assert len(van_het_jaar) == volgorde.count(jaar)


# Moments around New Year's midnight in Amsterdam, in UTC: 23:00 or 22:00 UTC on 31 December is
# already (or just not yet) the new year in Amsterdam (CET, UTC+1).
rond_nieuwjaar = st.builds(
    lambda jaar, minuten: (
        dt.datetime(jaar, 1, 1, tzinfo=AMSTERDAM).astimezone(dt.UTC) + dt.timedelta(minutes=minuten)
    ),
    st.integers(min_value=2001, max_value=2026),
    st.integers(min_value=-180, max_value=180),
)


@pytest.fixture
def categorie(db):
    standaardlabel()
    return CategorieFactory()


@settings(vast, max_examples=40)
@given(rond_nieuwjaar)
@example(ontvangen_op=dt.datetime(2025, 12, 31, 22, 59, tzinfo=dt.UTC))  # 23:59 in Amsterdam
@example(ontvangen_op=dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.UTC))  # 00:00 in Amsterdam
def test_het_jaar_is_het_amsterdamse_jaar_van_ontvangst(categorie, ontvangen_op):
    """Registered through the service, as the form and the API do: the year in the number is
    the calendar year in Amsterdam at the moment of receipt, not the UTC year."""
    with time_machine.travel(ontvangen_op + dt.timedelta(days=1), tick=False):
        klacht = services.klacht_registreren(
            label=standaardlabel(),
            kanaal=Kanaal.BRIEF,
            klant_naam="Anna de Vries",
            klant_email="anna@example.nl",
            categorie=categorie,
            omschrijving="Brief van rond de jaarwisseling.",
            ontvangen_op=ontvangen_op,
        )

    assert klacht.dossiernummer.startswith(f"KL-{ontvangen_op.astimezone(AMSTERDAM).year}-")
    assert Klacht.objects.filter(dossiernummer=klacht.dossiernummer).count() == 1


def mislukte_registratie(*, jaar: int) -> None:
    """A registration that fails after its number was drawn (e.g. an attachment that cannot be
    stored): its transaction is rolled back."""
    services.dossiernummer_uitgeven(jaar=jaar)
    raise RuntimeError("de registratie mislukt na het nummer")


@settings(vast, max_examples=30)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("registreren"), st.sampled_from([2025, 2026])),
            st.tuples(st.just("verwijderen"), st.integers(min_value=0, max_value=50)),
            st.tuples(st.just("mislukt"), st.sampled_from([2025, 2026])),
        ),
        max_size=15,
    )
)
def test_een_nummer_wordt_nooit_opnieuw_uitgegeven(categorie, stappen):
    """Registering, deleting complaints (a beheerder in the admin, anonymising) and
    registrations that fail after the number was drawn, in any order: a number that was ever
    given to a complaint is never given to another. (A failed registration's number was never
    given: its transaction returns it, so the year has no gap.)"""
    Klacht.objects.all().delete()
    DossiernummerReeks.objects.all().delete()
    uitgegeven: list[str] = []
    for stap, waarde in stappen:
        if stap == "verwijderen":
            bestaand = list(Klacht.objects.order_by("pk"))
            if bestaand:
                bestaand[waarde % len(bestaand)].delete()
            continue
        ontvangen_op = dt.datetime(waarde, 6, 1, 12, tzinfo=AMSTERDAM)
        with time_machine.travel(dt.datetime(2026, 12, 1, tzinfo=AMSTERDAM), tick=False):
            if stap == "mislukt":
                with pytest.raises(RuntimeError), transaction.atomic():
                    mislukte_registratie(jaar=waarde)
                continue
            klacht = services.klacht_registreren(
                label=standaardlabel(),
                kanaal=Kanaal.TELEFOON,
                klant_naam="Anna de Vries",
                klant_email="anna@example.nl",
                categorie=categorie,
                omschrijving="Klacht.",
                ontvangen_op=ontvangen_op,
            )
        uitgegeven.append(klacht.dossiernummer)

    assert len(set(uitgegeven)) == len(uitgegeven)
    for jaar in (2025, 2026):
        van_het_jaar = [n for n in uitgegeven if n.startswith(f"KL-{jaar}-")]
        assert van_het_jaar == [f"KL-{jaar}-{i:06d}" for i in range(1, len(van_het_jaar) + 1)]


@vast
@given(jaren, st.integers(min_value=1, max_value=999_999))
def test_een_nummer_overleeft_de_weg_door_adressen_en_invoer_heen_en_terug(jaar, volgnummer):
    """There is no parse function: the number travels as text. It survives the staff URL (a
    slug), the API's lookup and "link kwijt" (spaces and lower case typed by a customer)."""
    nummer = f"KL-{jaar}-{volgnummer:06d}"
    api_patroon = re.compile(KlachtViewSet.lookup_value_regex)

    assert resolve(reverse("klachten:dossier", args=[nummer])).kwargs == {"dossiernummer": nummer}
    assert api_patroon.fullmatch(nummer)
    assert resolve(f"/api/v1/klachten/{nummer}/").kwargs == {"dossiernummer": nummer}
    assert f"  {nummer.lower()} \n".strip().upper() == nummer
