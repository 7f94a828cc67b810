"""The longest extension the rules allow (issue 18, "warnings to the handler before sending"): the
answer term of 6 weeks may be extended once by at most 4 weeks, 10 weeks after receipt, as data
on the deadline rules (Termijn.verlenging_max_dagen); a suspension moves that limit by its length.
A new date beyond it is refused with the warning until the handler ticks that they read it."""

import datetime as dt

import pytest

from klachten import selectors, services, termijnen
from klachten.kalender import AMSTERDAM
from klachten.models import Klacht, Termijn, Termijnwijziging, TermijnwijzigingSoort
from klachten.termijnen import TermijnRegel, TermijnSoort
from klachten.workflow import Status
from tests.conftest import actie_url, formulierfouten
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db

ONTVANGEN = dt.datetime(2026, 9, 1, 10, 0, tzinfo=AMSTERDAM)  # a Tuesday
# 6 weeks and at most 4 more: 10 weeks (70 days) after receipt.
GRENS = dt.date(2026, 11, 10)
WAARSCHUWING = "langste verlenging die de regels toestaan"


@pytest.fixture(autouse=True)
def _klok(time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 20, 10, 0, tzinfo=AMSTERDAM), tick=False)


@pytest.fixture
def in_onderzoek(behandelaar, categorie):
    return klacht_in_status(
        Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, ontvangen_op=ONTVANGEN
    )


def waarschuwt(klacht: Klacht, datum: dt.date) -> bool:
    klacht = Klacht.objects.get(pk=klacht.pk)
    return any(WAARSCHUWING in w for w in termijnen.nieuwe_datum_waarschuwingen(klacht, datum))


def test_de_regel_staat_als_gegeven_bij_de_termijnen():
    assert Termijn.objects.get(soort=TermijnSoort.ANTWOORD).verlenging_max_dagen == 28
    assert selectors.termijnregels()[TermijnSoort.ANTWOORD] == TermijnRegel(42, verlenging_max=28)
    # The other terms have no such limit unless the beheerder sets one.
    assert Termijn.objects.get(soort=TermijnSoort.HEROVERWEGING).verlenging_max_dagen is None


def test_tot_en_met_de_grens_geen_waarschuwing_een_dag_later_wel(in_onderzoek):
    assert termijnen.langste_datum(in_onderzoek) == GRENS
    assert not waarschuwt(in_onderzoek, GRENS)
    assert waarschuwt(in_onderzoek, GRENS + dt.timedelta(days=1))


def test_een_opschorting_schuift_de_grens_op_met_haar_duur(in_onderzoek, behandelaar):
    oud = Klacht.objects.get(pk=in_onderzoek.pk).antwoord_uiterlijk_datum
    services.termijn_wijzigen(
        klacht=in_onderzoek,
        door=behandelaar,
        soort=TermijnwijzigingSoort.OPSCHORTING,
        nieuwe_datum=oud + dt.timedelta(days=14),
        reden="We wachten op de nota van de klant.",
    )

    assert termijnen.langste_datum(Klacht.objects.get(pk=in_onderzoek.pk)) == GRENS + dt.timedelta(
        days=14
    )
    assert not waarschuwt(in_onderzoek, GRENS + dt.timedelta(days=14))
    assert waarschuwt(in_onderzoek, GRENS + dt.timedelta(days=15))


def test_een_verlenging_schuift_de_grens_niet_op(in_onderzoek, behandelaar):
    oud = Klacht.objects.get(pk=in_onderzoek.pk).antwoord_uiterlijk_datum
    services.termijn_wijzigen(
        klacht=in_onderzoek,
        door=behandelaar,
        soort=TermijnwijzigingSoort.VERLENGING,
        nieuwe_datum=oud + dt.timedelta(days=14),
        reden="Advies van de medisch adviseur.",
    )

    assert termijnen.langste_datum(Klacht.objects.get(pk=in_onderzoek.pk)) == GRENS
    assert waarschuwt(in_onderzoek, GRENS + dt.timedelta(days=1))


def test_in_werkdagen_telt_de_verlenging_in_werkdagen(in_onderzoek):
    Termijn.objects.filter(soort=TermijnSoort.ANTWOORD).update(
        dagen=30, werkdagen=True, verlenging_max_dagen=20
    )

    # 50 working days after Tuesday 1 September 2026, no public holiday in between: 10 weeks.
    assert termijnen.langste_datum(in_onderzoek) == GRENS


def test_zonder_grens_in_de_regels_geen_waarschuwing(in_onderzoek):
    Termijn.objects.filter(soort=TermijnSoort.ANTWOORD).update(verlenging_max_dagen=None)

    assert termijnen.langste_datum(in_onderzoek) is None
    assert not waarschuwt(in_onderzoek, GRENS + dt.timedelta(days=100))


def test_het_formulier_weigert_tot_de_behandelaar_de_waarschuwing_heeft_gelezen(
    client, behandelaar, in_onderzoek
):
    klacht = Klacht.objects.get(pk=in_onderzoek.pk)
    client.force_login(behandelaar)
    gegevens = {
        "versie": klacht.versie,
        "onderwerp": "Later antwoord",
        "tekst": "Een tekst van de behandelaar.",
        "nieuwe_datum": (GRENS + dt.timedelta(days=1)).isoformat(),
        "reden": "Wacht op een expert.",
    }

    eerst = client.post(actie_url(klacht, "verlengen"), gegevens)

    assert eerst.status_code == 200
    fouten = " ".join(formulierfouten(eerst))
    assert WAARSCHUWING in fouten
    assert GRENS.strftime("%d-%m-%Y") in fouten
    assert 'type="checkbox" name="ondanks_waarschuwing"' in eerst.content.decode()
    assert not Termijnwijziging.objects.filter(klacht=klacht).exists()

    daarna = client.post(actie_url(klacht, "verlengen"), {**gegevens, "ondanks_waarschuwing": "on"})

    assert daarna.status_code == 302, formulierfouten(daarna)
    assert Klacht.objects.get(pk=klacht.pk).antwoord_uiterlijk_datum == GRENS + dt.timedelta(days=1)
