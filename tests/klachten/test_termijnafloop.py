"""How each deadline ended is recorded by the workflow (Termijnafloop): met on time or late; an
extended answer term moves instead (the reports' "op tijd" figures count these rows)."""

import datetime as dt

import pytest

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import Kanaal, Termijnafloop, TermijnwijzigingSoort
from klachten.workflow import Oordeel
from tests.factories import KlachtFactory

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur), tzinfo=AMSTERDAM)


def aflopen(klacht) -> set[tuple[str, dt.date, bool]]:
    return {
        (a.termijn, a.uiterlijk_datum, a.op_tijd)
        for a in Termijnafloop.objects.filter(klacht=klacht)
    }


def test_webklacht_is_direct_op_tijd_bevestigd(time_machine, categorie):
    time_machine.move_to(om(D(2026, 3, 2)), tick=False)
    klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER)

    assert aflopen(klacht) == {("ontvangstbevestiging", D(2026, 3, 10), True)}


def test_te_late_bevestiging_en_op_tijd_antwoord(time_machine, categorie, behandelaar):
    time_machine.move_to(om(D(2026, 3, 2)), tick=False)
    klacht = KlachtFactory(categorie=categorie)
    time_machine.move_to(om(D(2026, 3, 11)), tick=False)  # a day after the 8 days
    klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)
    time_machine.move_to(om(D(2026, 3, 20)), tick=False)
    klacht = services.statusupdate_sturen(
        klacht=klacht, door=behandelaar, onderwerp="Stand", tekst="We zijn bezig."
    )
    time_machine.move_to(om(D(2026, 4, 13)), tick=False)  # the answer's last day
    services.antwoord_sturen(
        klacht=klacht,
        door=behandelaar,
        oordeel=Oordeel.GEGROND,
        definitief_standpunt=False,
        onderwerp="Antwoord",
        tekst="U krijgt gelijk.",
    )

    assert aflopen(klacht) == {
        ("ontvangstbevestiging", D(2026, 3, 10), False),
        ("statusupdate", D(2026, 4, 1), True),  # 21 days after the acknowledgement
        ("statusupdate", D(2026, 4, 10), False),  # 21 days after 20 March, answer on 13 April
        ("antwoord", D(2026, 4, 13), True),
    }


def test_verlengde_antwoordtermijn_verschuift_en_is_niet_gehaald(
    time_machine, categorie, behandelaar
):
    time_machine.move_to(om(D(2026, 3, 2)), tick=False)
    klacht = services.ontvankelijk_verklaren(
        klacht=services.ontvangst_bevestigen(
            klacht=KlachtFactory(categorie=categorie), door=behandelaar
        ),
        door=behandelaar,
    )
    time_machine.move_to(om(D(2026, 4, 1)), tick=False)
    services.termijn_wijzigen(
        klacht=klacht,
        door=behandelaar,
        soort=TermijnwijzigingSoort.VERLENGING,
        nieuwe_datum=D(2026, 4, 30),
        reden="Wacht op een expert.",
        onderwerp="Later",
        tekst="Ons antwoord komt later.",
    )

    # The vertragingsbericht is a message to the customer: the statusupdate deadline was met.
    assert aflopen(klacht) == {
        ("ontvangstbevestiging", D(2026, 3, 10), True),
        ("statusupdate", D(2026, 3, 23), False),
    }
