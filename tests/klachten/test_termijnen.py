"""Deadline functions, table-driven (issue 4, acceptance 1): calendar and working days, Dutch and
Belgian public holidays, Saturdays, daylight saving and year ends; rules as data; suspension and
extension shift the answer term."""

import datetime as dt

import pytest

from klachten import selectors, services, termijnen
from klachten.kalender import AMSTERDAM
from klachten.models import Termijn
from klachten.termijnen import TermijnRegel, TermijnSoort
from klachten.workflow import Status
from tests.factories import KlachtFactory, klacht_in_status

D = dt.date
UTC = dt.UTC


@pytest.mark.parametrize(
    ("geval", "start", "regel", "einde"),
    [
        ("kalenderdagen over de jaarwisseling", D(2026, 12, 24), TermijnRegel(8), D(2027, 1, 1)),
        (
            "werkdagen NL: kerst en nieuwjaar tellen niet",
            D(2026, 12, 24),
            TermijnRegel(8, werkdagen=True),
            D(2027, 1, 7),
        ),
        (
            "werkdagen NL: Goede Vrijdag ontvangen, Tweede Paasdag telt niet",
            D(2026, 4, 3),
            TermijnRegel(8, werkdagen=True),
            D(2026, 4, 16),
        ),
        (
            "werkdagen NL: Koningsdag telt niet",
            D(2026, 4, 24),
            TermijnRegel(3, werkdagen=True, land="NL"),
            D(2026, 4, 30),
        ),
        (
            "werkdagen BE: Koningsdag is een werkdag",
            D(2026, 4, 24),
            TermijnRegel(3, werkdagen=True, land="BE"),
            D(2026, 4, 29),
        ),
        (
            "werkdagen BE: Dag van de Arbeid telt niet",
            D(2026, 4, 29),
            TermijnRegel(2, werkdagen=True, land="BE"),
            D(2026, 5, 4),
        ),
        (
            "werkdagen NL: 1 mei is een werkdag",
            D(2026, 4, 29),
            TermijnRegel(2, werkdagen=True, land="NL"),
            D(2026, 5, 1),
        ),
        ("kalenderdagen vanaf zaterdag", D(2026, 11, 28), TermijnRegel(8), D(2026, 12, 6)),
        (
            "werkdagen vanaf zaterdag",
            D(2026, 11, 28),
            TermijnRegel(8, werkdagen=True),
            D(2026, 12, 9),
        ),
        (
            "Bevrijdingsdag telt in een lustrumjaar niet",
            D(2025, 5, 2),
            TermijnRegel(3, werkdagen=True),
            D(2025, 5, 8),
        ),
        (
            "Bevrijdingsdag is buiten een lustrumjaar een werkdag",
            D(2026, 5, 1),
            TermijnRegel(3, werkdagen=True),
            D(2026, 5, 6),
        ),
        ("schrikkeljaar", D(2028, 2, 25), TermijnRegel(8), D(2028, 3, 4)),
    ],
)
def test_einde_van_een_termijn(geval, start, regel, einde):
    assert regel.einde(start) == einde, geval


@pytest.mark.parametrize(
    ("geval", "moment", "uiterlijk"),
    [
        (
            "late avond 31 december telt als 31 december",
            dt.datetime(2026, 12, 31, 22, 30, tzinfo=UTC),  # 23:30 in Amsterdam
            D(2027, 1, 8),
        ),
        (
            "kort na middernacht op nieuwjaar (UTC nog oud jaar)",
            dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # 00:30 on 1 January
            D(2027, 1, 9),
        ),
        (
            "zomertijd begint: de nacht van 29 maart",
            dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 03:30 CEST
            D(2026, 4, 6),
        ),
        (
            "wintertijd begint: 00:30 op 25 oktober is nog zomertijd",
            dt.datetime(2026, 10, 24, 22, 30, tzinfo=UTC),  # 00:30 CEST on 25 October
            D(2026, 11, 2),
        ),
        (
            "wintertijd: 23:30 op 25 oktober",
            dt.datetime(2026, 10, 25, 22, 30, tzinfo=UTC),  # 23:30 CET
            D(2026, 11, 2),
        ),
    ],
)
def test_ontvangstbevestiging_rekent_in_amsterdamse_datums(geval, moment, uiterlijk):
    assert termijnen.ontvangstbevestiging_uiterlijk(moment) == uiterlijk, geval


@pytest.mark.parametrize(
    ("status", "lopend"),
    [
        (Status.ONTVANGEN, {"ontvangstbevestiging", "antwoord"}),
        (Status.ONTVANGST_BEVESTIGD, {"antwoord"}),
        (Status.IN_ONDERZOEK, {"statusupdate", "antwoord"}),
        (Status.BEANTWOORD, set()),
        (Status.IN_HEROVERWEGING, {"statusupdate", "heroverweging"}),
        (Status.AFGESLOTEN, set()),
    ],
)
def test_welke_termijnen_lopen_per_status(status, lopend):
    geldend = termijnen.geldende_termijnen(
        status=status,
        ontvangstbevestiging=D(2026, 1, 9),
        statusupdate=D(2026, 1, 22),
        antwoord=D(2026, 2, 12),
        heroverweging=D(2026, 3, 1),
    )
    assert {naam for naam, datum in vars(geldend).items() if datum} == lopend


@pytest.mark.parametrize(
    ("maanden_standpunt", "maanden_klacht", "standpunt", "klacht", "uiterste"),
    [
        (3, 12, D(2026, 3, 10), D(2025, 6, 1), D(2026, 6, 10)),  # 3 months after the standpoint
        (3, 12, D(2026, 3, 10), D(2025, 12, 20), D(2026, 12, 20)),  # 1 year after the complaint
        (3, 12, D(2026, 11, 30), D(2025, 1, 5), D(2027, 2, 28)),  # 30 Nov + 3 months: 28 Feb
        (12, None, D(2026, 2, 28), D(2025, 1, 5), D(2027, 2, 28)),  # SKGZ: 1 year
        (None, None, D(2026, 2, 28), D(2025, 1, 5), None),  # no fixed term
    ],
)
def test_uiterste_datum_bij_de_externe_instantie(
    maanden_standpunt, maanden_klacht, standpunt, klacht, uiterste
):
    def middag(datum):
        return dt.datetime.combine(datum, dt.time(12), tzinfo=AMSTERDAM)

    assert (
        termijnen.externe_uiterste_datum(
            maanden_na_standpunt=maanden_standpunt,
            maanden_na_klacht=maanden_klacht,
            standpunt_op=middag(standpunt),
            ontvangen_op=middag(klacht),
        )
        == uiterste
    )


@pytest.mark.django_db
def test_termijnen_zijn_gegevens_werkdagen_met_feestdagen(behandelaar, categorie, time_machine):
    time_machine.move_to(dt.datetime(2027, 1, 5, 9, 0, tzinfo=AMSTERDAM), tick=False)
    Termijn.objects.filter(soort=TermijnSoort.ONTVANGSTBEVESTIGING).update(werkdagen=True)
    Termijn.objects.filter(soort=TermijnSoort.ANTWOORD).update(dagen=30, werkdagen=True, land="BE")

    klacht = KlachtFactory(
        categorie=categorie,
        ingediend_door=behandelaar,
        ontvangen_op=dt.datetime(2026, 12, 24, 10, 0, tzinfo=AMSTERDAM),
    )

    assert klacht.ontvangstbevestiging_uiterlijk_datum == D(2027, 1, 7)
    # 30 Belgian working days from 24 December: 28-31 Dec (4), 25 Dec and 1 Jan do not count,
    # then five full weeks (25) and Monday 8 February.
    assert klacht.antwoord_uiterlijk_datum == D(2027, 2, 8)
    assert klacht.volgende_termijn_datum == D(2027, 1, 7)


@pytest.mark.django_db
@pytest.mark.parametrize("soort", ["opschorting", "verlenging"])
def test_opschorten_en_verlengen_verschuiven_de_antwoordtermijn(behandelaar, categorie, soort):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    oud = klacht.antwoord_uiterlijk_datum
    nieuw = oud + dt.timedelta(days=14)

    klacht = services.termijn_wijzigen(
        klacht=klacht, door=behandelaar, soort=soort, nieuwe_datum=nieuw, reden="Wacht op advies."
    )

    assert klacht.antwoord_uiterlijk_datum == nieuw
    assert klacht.termijnwijzigingen.get().oude_datum == oud
    assert klacht.volgende_termijn_datum == min(nieuw, klacht.statusupdate_uiterlijk_datum)


@pytest.mark.django_db
def test_dossier_toont_de_kifid_grens_zolang_er_geen_antwoord_is(behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    namen = {b.naam for b in selectors.termijn_badges(klacht)}
    assert str(TermijnSoort.KIFID_ALARM.label) in namen
    assert klacht.kifid_alarm_datum == termijnen.kifid_alarm_datum(klacht.ontvangen_op)

    klacht = services.antwoord_sturen(
        klacht=klacht, door=behandelaar, oordeel="gegrond", onderwerp="Antwoord", tekst="Gegrond."
    )
    assert klacht.kifid_alarm_datum is None
    assert selectors.termijn_badges(klacht) == []
