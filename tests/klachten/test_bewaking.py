"""The deadline watch replayed with a frozen clock (issue 4, acceptance 2): ten days of hourly runs
send exactly the expected reminders, escalations, automatic statusupdates and Kifid alarms; a
second run changes nothing; after ten days without beat, one run catches up, once."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from klachten import bewaking, services, tasks
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, Kanaal, Termijn, Termijnsignaal
from klachten.termijnen import TermijnSoort
from klachten.workflow import BerichtSoort
from tests.factories import KlachtFactory
from tests.klachten.test_celery_worker import celery_via
from tests.processen import vrije_poort

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur), tzinfo=AMSTERDAM)


@pytest.fixture
def dossiers(time_machine, behandelaar, teamleider, categorie, afdeling_a):
    """Five complaints whose deadlines fall in, before and after 2-11 March 2026."""

    def op(datum):
        time_machine.move_to(om(datum), tick=False)

    def nieuw(ontvangen: dt.date, naam: str):
        op(ontvangen)
        klacht = KlachtFactory(
            categorie=categorie,
            ingediend_door=behandelaar,
            kanaal=Kanaal.TELEFOON,
            ontvangen_op=om(ontvangen),
            klant_naam=naam,
        )
        return services.toewijzen(
            klacht=klacht, door=behandelaar, afdeling=afdeling_a, behandelaar=behandelaar
        )

    def in_onderzoek(klacht, op_datum):
        op(op_datum)
        klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)
        return services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)

    # 1: acknowledgement due 5 March, never sent.
    k1 = nieuw(D(2026, 2, 25), "Een")
    # 2: acknowledged 12 Feb, so a statusupdate is due 5 March; answer due 24 March.
    k2 = in_onderzoek(nieuw(D(2026, 2, 10), "Twee"), D(2026, 2, 12))
    # 3: answer due 3 March; last statusupdate 11 Feb, so the next is due 4 March.
    k3 = in_onderzoek(nieuw(D(2026, 1, 20), "Drie"), D(2026, 1, 21))
    op(D(2026, 2, 11))
    k3 = services.statusupdate_sturen(
        klacht=k3, door=behandelaar, onderwerp="Stand", tekst="Bezig."
    )
    # 4: answer was due 16 Feb (missed before the window); 8 weeks without answer on 2 March.
    k4 = in_onderzoek(nieuw(D(2026, 1, 5), "Vier"), D(2026, 1, 6))
    op(D(2026, 2, 26))
    k4 = services.statusupdate_sturen(
        klacht=k4, door=behandelaar, onderwerp="Stand", tekst="Bezig."
    )
    # 5: solved at first contact: nothing runs.
    op(D(2026, 3, 1))
    KlachtFactory(
        categorie=categorie,
        ingediend_door=behandelaar,
        direct_opgelost=True,
        oplossing="Uitgelegd.",
    )
    assert (k1.ontvangstbevestiging_uiterlijk_datum, k2.statusupdate_uiterlijk_datum) == (
        D(2026, 3, 5),
        D(2026, 3, 5),
    )
    assert (k3.antwoord_uiterlijk_datum, k3.statusupdate_uiterlijk_datum) == (
        D(2026, 3, 3),
        D(2026, 3, 4),
    )
    assert (k4.antwoord_uiterlijk_datum, k4.kifid_alarm_datum) == (D(2026, 2, 16), D(2026, 3, 2))
    return {"een": k1, "twee": k2, "drie": k3, "vier": k4}


def signalen() -> set[tuple[str, str, str, dt.date]]:
    return {
        (s.klacht.klant_naam, s.soort, s.termijn, s.datum)
        for s in Termijnsignaal.objects.select_related("klacht")
    }


def berichten_stand() -> dict:
    return {
        "klant": Bericht.objects.filter(soort=BerichtSoort.STATUSUPDATE).count(),
        "intern": Bericht.objects.filter(soort=BerichtSoort.TERMIJNSIGNAAL).count(),
    }


VERWACHT_PER_UUR = {
    ("Een", "herinnering", "ontvangstbevestiging", D(2026, 3, 5)),
    ("Een", "escalatie", "ontvangstbevestiging", D(2026, 3, 5)),
    ("Twee", "herinnering", "statusupdate", D(2026, 3, 5)),
    ("Twee", "statusupdate", "statusupdate", D(2026, 3, 5)),
    ("Drie", "herinnering", "antwoord", D(2026, 3, 3)),
    ("Drie", "herinnering", "statusupdate", D(2026, 3, 4)),
    ("Drie", "statusupdate", "statusupdate", D(2026, 3, 4)),
    ("Drie", "escalatie", "antwoord", D(2026, 3, 3)),
    ("Vier", "escalatie", "antwoord", D(2026, 2, 16)),
    ("Vier", "kifid_alarm", "kifid_alarm", D(2026, 3, 2)),
}


def verdeeld(*, op: dt.datetime) -> None:
    """As beat does it: find what is due and hand it out in batches (tasks run eagerly here)."""
    bewaking.alles_verdelen(op=op, per=2)


@pytest.mark.parametrize("run", [bewaking.alles_bewaken, verdeeld], ids=["inline", "verdeeld"])
def test_tien_dagen_elk_uur_geeft_precies_de_verwachte_signalen(dossiers, time_machine, run):
    begin = om(D(2026, 3, 2), 0).replace(minute=5)
    eerste_keer = {}
    for uur in range(10 * 24):
        moment = begin + dt.timedelta(hours=uur)
        time_machine.move_to(moment, tick=False)
        run(op=moment)
        for signaal in signalen() - set(eerste_keer):
            eerste_keer[signaal] = termijn_dag = moment.astimezone(AMSTERDAM).date()
            assert termijn_dag  # recorded the day it was first sent

    assert signalen() == VERWACHT_PER_UUR
    # Reminders two days ahead, escalations on the first day after, the statusupdate on its day.
    assert eerste_keer[("Een", "herinnering", "ontvangstbevestiging", D(2026, 3, 5))] == D(
        2026, 3, 3
    )
    assert eerste_keer[("Een", "escalatie", "ontvangstbevestiging", D(2026, 3, 5))] == D(2026, 3, 6)
    assert eerste_keer[("Twee", "statusupdate", "statusupdate", D(2026, 3, 5))] == D(2026, 3, 5)
    assert eerste_keer[("Drie", "escalatie", "antwoord", D(2026, 3, 3))] == D(2026, 3, 4)
    assert eerste_keer[("Vier", "kifid_alarm", "kifid_alarm", D(2026, 3, 2))] == D(2026, 3, 2)
    # The customers of 2 and 3 got the standard statusupdate; the next is due 21 days later.
    twee = dossiers["twee"]
    twee.refresh_from_db()
    assert twee.statusupdate_uiterlijk_datum == D(2026, 3, 26)
    automatisch = Bericht.objects.get(klacht=twee, soort=BerichtSoort.STATUSUPDATE)
    assert "minstens elke 21 kalenderdagen" in automatisch.tekst
    assert "[" not in automatisch.tekst

    # Every job again at the last moment: nothing new.
    voor = (signalen(), berichten_stand())
    for naam in bewaking.PLANNEN:
        assert bewaking.plan_uitvoeren(naam, op=moment) == 0
    assert (signalen(), berichten_stand()) == voor


def test_na_tien_dagen_zonder_beat_haalt_een_run_alles_in_eenmaal(dossiers, time_machine):
    moment = om(D(2026, 3, 11), 23)
    time_machine.move_to(moment, tick=False)

    call_command("termijnen_bewaken", op=moment)
    call_command("termijnen_bewaken", op=moment)

    # Reminders for deadlines already past are not sent; those deadlines escalate instead.
    assert signalen() == INGEHAALD
    assert berichten_stand()["klant"] == 2 + 2  # two manual earlier, two automatic now


def test_de_opdracht_draait_met_job_alleen_dat_plan(dossiers, time_machine):
    moment = om(D(2026, 3, 11), 23)
    time_machine.move_to(moment, tick=False)
    uitvoer = io.StringIO()

    call_command(
        "termijnen_bewaken", "--op", moment.isoformat(), "--job", "escalaties", stdout=uitvoer
    )

    verstuurd = signalen()
    assert verstuurd
    assert {soort for _naam, soort, _termijn, _datum in verstuurd} == {"escalatie"}
    assert uitvoer.getvalue().splitlines() == [
        f"escalaties: {len(verstuurd)} verstuurd (peilmoment {moment.isoformat()})"
    ]


INGEHAALD = {
    ("Een", "escalatie", "ontvangstbevestiging", D(2026, 3, 5)),
    ("Twee", "statusupdate", "statusupdate", D(2026, 3, 5)),
    ("Drie", "statusupdate", "statusupdate", D(2026, 3, 4)),
    ("Drie", "escalatie", "antwoord", D(2026, 3, 3)),
    ("Vier", "escalatie", "antwoord", D(2026, 2, 16)),
    ("Vier", "kifid_alarm", "kifid_alarm", D(2026, 3, 2)),
}


def test_beat_verdeelt_de_verschuldigde_klachten_in_partijen(dossiers, time_machine, monkeypatch):
    moment = om(D(2026, 3, 11), 23)
    time_machine.move_to(moment, tick=False)
    partijen = []
    monkeypatch.setattr(tasks.klachten_bewaken, "delay", lambda ids, op: partijen.append((ids, op)))

    gevonden = bewaking.alles_verdelen(op=moment, per=3)

    ids = sorted(k.pk for k in dossiers.values())
    assert partijen == [(ids[:3], moment.isoformat()), (ids[3:], moment.isoformat())]
    # Two and Drie's missed statusupdates count as due for an escalation too; in the batch the
    # automatic statusupdate goes first, so it does not escalate (INGEHAALD).
    assert gevonden == {"statusupdates": 2, "herinneringen": 0, "escalaties": 4, "kifid": 1}
    assert signalen() == set()  # the run itself only hands out; the workers send

    for deel, op in partijen:
        tasks.klachten_bewaken(deel, op)
    assert signalen() == INGEHAALD


def test_zonder_broker_verwerkt_de_beat_run_zelf(dossiers, time_machine, caplog):
    """Tasks really go to a broker, and nothing listens at its address: the batch runs here."""
    moment = om(D(2026, 3, 11), 23)
    time_machine.move_to(moment, tick=False)

    with celery_via(f"redis://127.0.0.1:{vrije_poort()}/0", "bewaking-zonder-broker"):
        bewaking.alles_verdelen(op=moment)

    assert signalen() == INGEHAALD
    assert "Broker weigert termijnbewaking" in caplog.text


def test_een_partij_die_twee_keer_komt_stuurt_niets_twee_keer(dossiers, time_machine):
    moment = om(D(2026, 3, 11), 23)
    time_machine.move_to(moment, tick=False)
    ids = [k.pk for k in dossiers.values()]

    tasks.klachten_bewaken(ids, moment.isoformat())
    stand = (signalen(), berichten_stand())
    tasks.klachten_bewaken(ids, moment.isoformat())

    assert (signalen(), berichten_stand()) == stand
    assert signalen() == INGEHAALD


def test_escalatie_gaat_naar_teamleider_en_behandelaar(dossiers, teamleider, behandelaar):
    bewaking.escalaties_sturen(op=om(D(2026, 3, 6)))

    een = dossiers["een"]
    ontvangers = set(
        Bericht.objects.filter(klacht=een, soort=BerichtSoort.TERMIJNSIGNAAL).values_list(
            "aan", flat=True
        )
    )
    assert ontvangers == {teamleider.email, behandelaar.email}


def test_automatische_statusupdate_is_uit_te_zetten(dossiers):
    Termijn.objects.filter(soort=TermijnSoort.STATUSUPDATE).update(automatisch=False)

    assert bewaking.statusupdates_sturen(op=om(D(2026, 3, 6))) == 0
    assert not Termijnsignaal.objects.filter(soort="statusupdate").exists()


def test_verschoven_termijn_wordt_opnieuw_bewaakt(dossiers, behandelaar, time_machine):
    drie = dossiers["drie"]
    bewaking.herinneringen_sturen(op=om(D(2026, 3, 2)))
    time_machine.move_to(om(D(2026, 3, 2)), tick=False)
    drie = services.termijn_wijzigen(
        klacht=drie,
        door=behandelaar,
        soort="verlenging",
        nieuwe_datum=D(2026, 3, 20),
        reden="Wacht op advies.",
        onderwerp="Later",
        tekst="Ons antwoord komt later.",
    )

    bewaking.herinneringen_sturen(op=om(D(2026, 3, 18)))

    assert {
        s.datum for s in drie.termijnsignalen.filter(soort="herinnering", termijn="antwoord")
    } == {
        D(2026, 3, 3),
        D(2026, 3, 20),
    }
