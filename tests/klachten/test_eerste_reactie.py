"""The first reaction as a watched deadline (issue 21, acceptance 1): the due moment of the label's
reaction term for the complaint's kanaal in hours and working days (weekends, holidays, a 4-hour
term from Friday 16:00 around the clock and in office hours only), stored at registration and
cleared by the first reaction, reminded and escalated once by the watch, caught up after a beat
outage, and on the queue's badge and the dossier's deadline panel."""

import datetime as dt
import importlib
import re
import types
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from klachten import bewaking, services, termijnen
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Kanaal,
    Klacht,
    Reactietermijn,
    SignaalSoort,
    TermijnEenheid,
    Termijnsignaal,
)
from klachten.termijnen import Kantooruren, Land, Reactieregel, TermijnSoort
from tests.factories import KlachtFactory

pytestmark = pytest.mark.django_db

D = dt.date
KANTOOR = Kantooruren(dt.time(9), dt.time(17))


def om(datum: dt.date, uur: int = 10, minuut: int = 0) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur, minuut), tzinfo=AMSTERDAM)


def einde_van(datum: dt.date) -> dt.datetime:
    return om(datum + dt.timedelta(days=1), 0) - dt.timedelta(microseconds=1)


# The due moment ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regel", "ontvangen", "uiterlijk"),
    [
        # Around the clock (the default): 4 hours from Friday 16:00 end Friday 20:00.
        (Reactieregel(4, "uren"), om(D(2026, 5, 8), 16), om(D(2026, 5, 8), 20)),
        # In office hours only: 1 hour on Friday, 3 on Monday morning.
        (
            Reactieregel(4, "uren", kantooruren=KANTOOR),
            om(D(2026, 5, 8), 16),
            om(D(2026, 5, 11), 12),
        ),
        # Received at night in office hours only: counts from opening.
        (
            Reactieregel(4, "uren", kantooruren=KANTOOR),
            om(D(2026, 5, 12), 22),
            om(D(2026, 5, 13), 13),
        ),
        # Received on Saturday: counts from Monday's opening.
        (
            Reactieregel(4, "uren", kantooruren=KANTOOR),
            om(D(2026, 5, 9), 11),
            om(D(2026, 5, 11), 13),
        ),
        # Thursday 3 April 2026 16:30, Good Friday and Easter Monday closed: Tuesday 12:30.
        (
            Reactieregel(4, "uren", kantooruren=KANTOOR),
            om(D(2026, 4, 2), 16, 30),
            om(D(2026, 4, 7), 12, 30),
        ),
        # Exactly the office's remaining hours: it ends at closing time that day.
        (
            Reactieregel(2, "uren", kantooruren=KANTOOR),
            om(D(2026, 5, 12), 15),
            om(D(2026, 5, 12), 17),
        ),
        # 1 working day from Friday: Monday, to its end.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 8), 16), einde_van(D(2026, 5, 11))),
        # Received on Saturday: the next working day after it is Monday.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 9)), einde_van(D(2026, 5, 11))),
        # Ascension Day (Thursday 14 May 2026) does not count.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 13)), einde_van(D(2026, 5, 15))),
        # Belgian holidays for a Belgian rule: 21 July.
        (Reactieregel(1, "werkdagen", Land.BE), om(D(2026, 7, 20)), einde_van(D(2026, 7, 22))),
        # Calendar days run through the weekend.
        (Reactieregel(2, "kalenderdagen"), om(D(2026, 5, 8)), einde_van(D(2026, 5, 10))),
    ],
)
def test_uiterste_moment_van_de_eerste_reactie(regel, ontvangen, uiterlijk):
    assert regel.uiterlijk_op(ontvangen) == uiterlijk
    assert regel.op_tijd(ontvangen, uiterlijk)
    assert not regel.op_tijd(ontvangen, uiterlijk + dt.timedelta(microseconds=1))


def test_herinnering_een_uur_voor_een_uurtermijn_en_op_de_laatste_dag_van_een_dagtermijn():
    vrijdag = om(D(2026, 5, 8), 16)
    assert Reactieregel(4, "uren").herinnering_op(vrijdag) == om(D(2026, 5, 8), 19)
    assert Reactieregel(4, "uren", kantooruren=KANTOOR).herinnering_op(vrijdag) == om(
        D(2026, 5, 11), 11
    )
    assert Reactieregel(1, "werkdagen").herinnering_op(vrijdag) == om(D(2026, 5, 11), 0)
    # A 1-hour term: the reminder is due at once, never before the receipt.
    assert Reactieregel(1, "uren").herinnering_op(vrijdag) == vrijdag


# Stored per complaint ----------------------------------------------------------------------------


@pytest.fixture
def sociale_media(label):
    return Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.SOCIAL_MEDIA, aantal=4, eenheid=TermijnEenheid.UREN
    )


@pytest.fixture
def telefoon(label):
    return Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.TELEFOON, aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )


def registreren(time_machine, moment, behandelaar, categorie, kanaal=Kanaal.SOCIAL_MEDIA):
    time_machine.move_to(moment, tick=False)
    return KlachtFactory(
        categorie=categorie,
        ingediend_door=behandelaar,
        kanaal=kanaal,
        ontvangen_op=moment,
        klant_naam=f"Klant {uuid.uuid4().hex[:8]}",
    )


@pytest.mark.parametrize("kantooruren", [False, True])
def test_registratie_legt_de_termijn_vast_volgens_de_instelling_van_het_label(
    time_machine, label, sociale_media, behandelaar, categorie, kantooruren
):
    label.uurtermijnen_binnen_kantooruren = kantooruren
    label.save()
    klacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)

    verwacht = om(D(2026, 5, 11), 12) if kantooruren else om(D(2026, 5, 8), 20)
    klacht.refresh_from_db()
    assert klacht.eerste_reactie_uiterlijk_op == verwacht
    assert klacht.eerste_reactie_herinnering_op == verwacht - dt.timedelta(hours=1)
    # The nearest deadline of the queue: the first reaction's day.
    assert klacht.volgende_termijn_datum == verwacht.date()


def test_geen_termijn_zonder_gepubliceerde_reactietermijn(
    time_machine, sociale_media, behandelaar, categorie
):
    klacht = registreren(time_machine, om(D(2026, 5, 8)), behandelaar, categorie, Kanaal.BRIEF)
    assert klacht.eerste_reactie_uiterlijk_op is None
    assert klacht.eerste_reactie_herinnering_op is None


def test_eerste_reactie_bevestiging_of_telefoontje_rondt_de_termijn_af(
    time_machine, telefoon, behandelaar, categorie
):
    bevestigd = registreren(
        time_machine, om(D(2026, 5, 8)), behandelaar, categorie, Kanaal.TELEFOON
    )
    gebeld = registreren(time_machine, om(D(2026, 5, 8)), behandelaar, categorie, Kanaal.TELEFOON)
    assert bevestigd.eerste_reactie_uiterlijk_op == einde_van(D(2026, 5, 11))

    services.ontvangst_bevestigen(klacht=bevestigd, door=behandelaar)
    services.telefooncontact_vastleggen(klacht=gebeld, door=behandelaar, tekst="Teruggebeld.")

    for klacht in (bevestigd, gebeld):
        klacht.refresh_from_db()
        assert klacht.eerste_reactie_uiterlijk_op is None
        assert klacht.eerste_reactie_herinnering_op is None
        # A later action leaves it met.
        services.notitie_toevoegen(klacht=klacht, door=behandelaar, tekst="Nog een notitie.")
        klacht.refresh_from_db()
        assert klacht.eerste_reactie_uiterlijk_op is None
    # Only the acknowledgement's own deadline left its row; the first reaction is measured by
    # the month report.
    assert not gebeld.termijnaflopen.filter(termijn=TermijnSoort.EERSTE_REACTIE).exists()


def test_webformulier_bevestigd_bij_ontvangst_heeft_zijn_eerste_reactie(label, categorie):
    Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.WEBFORMULIER, aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )
    klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER)
    assert klacht.ontvangst_bevestigd_op is not None
    assert klacht.eerste_reactie_uiterlijk_op is None


# The deadline watch ------------------------------------------------------------------------------


def signalen(klacht) -> list[str]:
    return sorted(
        Termijnsignaal.objects.filter(
            klacht=klacht, termijn=TermijnSoort.EERSTE_REACTIE
        ).values_list("soort", flat=True)
    )


def test_herinnering_en_escalatie_elk_eenmaal_bij_elke_kwartierrun(
    time_machine, sociale_media, behandelaar, teamleider, categorie, afdeling_a
):
    """Friday 16:00, 4 hours around the clock: the watch every 15 minutes (the beat schedule)
    reminds the behandelaar once from 19:00 and escalates once from 20:00, to the teamleider."""
    klacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    klacht = services.toewijzen(
        klacht=klacht, door=behandelaar, afdeling=afdeling_a, behandelaar=behandelaar
    )
    moment = om(D(2026, 5, 8), 16, 5)
    per_run = {}
    while moment <= om(D(2026, 5, 8), 22):
        time_machine.move_to(moment, tick=False)
        per_run[moment.strftime("%H:%M")] = bewaking.alles_bewaken(op=moment)
        moment += dt.timedelta(minutes=15)

    assert signalen(klacht) == [SignaalSoort.ESCALATIE, SignaalSoort.HERINNERING]
    herinnering = Termijnsignaal.objects.get(klacht=klacht, soort=SignaalSoort.HERINNERING)
    assert herinnering.datum == D(2026, 5, 8)
    assert herinnering.created_at == om(D(2026, 5, 8), 19, 5)
    escalatie = Termijnsignaal.objects.get(klacht=klacht, soort=SignaalSoort.ESCALATIE)
    assert escalatie.created_at == om(D(2026, 5, 8), 20, 5)
    # The notices: the reminder to the behandelaar, the escalation to the teamleider (and the
    # behandelaar), naming the moment.
    herinneringen = list(herinnering.berichten.values_list("aan", "tekst"))
    assert [aan for aan, _tekst in herinneringen] == [behandelaar.email]
    assert "Eerste reactie" in herinneringen[0][1]
    assert "20:00" in herinneringen[0][1]
    assert set(escalatie.berichten.values_list("aan", flat=True)) == {
        teamleider.email,
        behandelaar.email,
    }
    assert per_run["19:05"]["herinneringen"] == 1
    assert per_run["20:05"]["escalaties"] == 1
    assert sum(r["herinneringen"] + r["escalaties"] for r in per_run.values()) == 2


def test_in_kantooruren_geen_escalatie_in_het_weekend(
    time_machine, label, sociale_media, behandelaar, teamleider, categorie
):
    label.uurtermijnen_binnen_kantooruren = True
    label.save()
    klacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    for moment in (om(D(2026, 5, 8), 20, 5), om(D(2026, 5, 9), 12, 5), om(D(2026, 5, 11), 9, 5)):
        time_machine.move_to(moment, tick=False)
        bewaking.alles_bewaken(op=moment)
    assert signalen(klacht) == []

    time_machine.move_to(om(D(2026, 5, 11), 11, 5), tick=False)
    bewaking.alles_bewaken(op=om(D(2026, 5, 11), 11, 5))
    assert signalen(klacht) == [SignaalSoort.HERINNERING]

    time_machine.move_to(om(D(2026, 5, 11), 12, 5), tick=False)
    bewaking.alles_bewaken(op=om(D(2026, 5, 11), 12, 5))
    assert signalen(klacht) == [SignaalSoort.ESCALATIE, SignaalSoort.HERINNERING]


def test_na_een_beatstoring_escaleert_een_run_eenmaal_zonder_late_herinnering(
    time_machine, sociale_media, telefoon, behandelaar, teamleider, categorie
):
    """Beat down from Friday 15:00 to Tuesday 09:00: the first run escalates both terms that ran
    out meanwhile (the 4 hours and the working day), sends no reminder for them any more, and a
    second run sends nothing."""
    uren = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    dag = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie, Kanaal.TELEFOON)
    gereageerd = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    services.telefooncontact_vastleggen(klacht=gereageerd, door=behandelaar, tekst="Gebeld.")

    dinsdag = om(D(2026, 5, 12), 9, 5)
    time_machine.move_to(dinsdag, tick=False)
    verstuurd = bewaking.alles_bewaken(op=dinsdag)

    assert signalen(uren) == [SignaalSoort.ESCALATIE]
    assert signalen(dag) == [SignaalSoort.ESCALATIE]
    assert signalen(gereageerd) == []
    assert Termijnsignaal.objects.get(klacht=dag, soort=SignaalSoort.ESCALATIE).datum == D(
        2026, 5, 11
    )
    assert verstuurd["herinneringen"] == 0
    assert bewaking.alles_bewaken(op=dinsdag + dt.timedelta(minutes=15)) == dict.fromkeys(
        verstuurd, 0
    )


def test_beat_vindt_de_eerste_reactie_en_deelt_hem_uit(
    time_machine, sociale_media, behandelaar, categorie
):
    klacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    assert bewaking.verschuldigd("escalaties", op=om(D(2026, 5, 8), 19, 59)) == set()
    assert bewaking.verschuldigd("herinneringen", op=om(D(2026, 5, 8), 19, 5)) == {klacht.pk}
    assert bewaking.verschuldigd("escalaties", op=om(D(2026, 5, 8), 20, 5)) == {klacht.pk}


# The queue's badge and the dossier ---------------------------------------------------------------


def test_werkvoorraad_toont_de_uren_van_de_eerste_reactie(
    client, time_machine, sociale_media, behandelaar, categorie
):
    klacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)

    time_machine.move_to(om(D(2026, 5, 8), 16, 50), tick=False)
    client.force_login(behandelaar)
    response = client.get(reverse("klachten:werkvoorraad"))
    badge = next(k for k in response.context["pagina"] if k.pk == klacht.pk).termijn_badge
    assert (badge.naam, badge.uren, badge.kleur) == ("Eerste reactie", 3, "oranje")
    inhoud = response.content.decode()
    assert "nog 3 uur" in inhoud
    assert "20:00" in inhoud

    time_machine.move_to(om(D(2026, 5, 8), 22, 30), tick=False)
    client.force_login(behandelaar)
    response = client.get(reverse("klachten:werkvoorraad"))
    badge = next(k for k in response.context["pagina"] if k.pk == klacht.pk).termijn_badge
    assert (badge.uren, badge.kleur) == (2, "rood")
    assert "2 uur te laat" in response.content.decode()


def test_dossier_toont_de_eerste_reactie_bij_de_termijnen(
    client, time_machine, sociale_media, behandelaar, categorie
):
    klacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    time_machine.move_to(om(D(2026, 5, 8), 17), tick=False)
    client.force_login(behandelaar)
    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    inhoud = response.content.decode()
    paneel = re.search(r'<ul class="termijnen".*?</ul>', inhoud, re.S).group(0)
    eerste = re.search(r"<li.*?</li>", paneel, re.S).group(0)
    assert "Eerste reactie" in eerste
    assert "20:00" in eerste
    assert "nog 3 uur" in eerste
    assert "termijn-kaart-oranje" in eerste


# The data migration -----------------------------------------------------------------------------


def test_gegevensmigratie_vult_de_open_klachten_zonder_reactie(
    time_machine, sociale_media, telefoon, behandelaar, categorie
):
    wacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    dag = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie, Kanaal.TELEFOON)
    gebeld = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    services.telefooncontact_vastleggen(klacht=gebeld, door=behandelaar, tekst="Gebeld.")
    brief = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie, Kanaal.BRIEF)
    # As before the migration: no column filled, the queue's date without it.
    Klacht.objects.update(eerste_reactie_uiterlijk_op=None, eerste_reactie_herinnering_op=None)
    Klacht.objects.filter(pk__in=[wacht.pk, dag.pk]).update(volgende_termijn_datum=D(2026, 5, 16))

    migratie = importlib.import_module("klachten.migrations.0044_eerste_reactie_vullen")
    from django.apps import apps

    migratie.vullen(apps, types.SimpleNamespace(connection=connection))

    standen = {
        k.pk: (
            k.eerste_reactie_uiterlijk_op,
            k.eerste_reactie_herinnering_op,
            k.volgende_termijn_datum,
        )
        for k in Klacht.objects.all()
    }
    assert standen[wacht.pk] == (om(D(2026, 5, 8), 20), om(D(2026, 5, 8), 19), D(2026, 5, 8))
    assert standen[dag.pk] == (einde_van(D(2026, 5, 11)), om(D(2026, 5, 11), 0), D(2026, 5, 11))
    assert standen[gebeld.pk][:2] == (None, None)
    assert standen[brief.pk][:2] == (None, None)


# One rule: the month report measures with the label's office hours too ------------------------


@pytest.mark.parametrize(("kantooruren", "op_tijd"), [(False, 0), (True, 1)])
def test_maandrapport_meet_met_dezelfde_kantooruren(
    time_machine, label, sociale_media, behandelaar, categorie, kantooruren, op_tijd
):
    """Friday 16:00, a phone call on Monday 11:00: late around the clock (due Friday 20:00), on
    time in office hours (due Monday 12:00)."""
    from rapportage.maandrapport import bouwstenen

    label.uurtermijnen_binnen_kantooruren = kantooruren
    label.save()
    klacht = registreren(time_machine, om(D(2026, 5, 8), 16), behandelaar, categorie)
    time_machine.move_to(om(D(2026, 5, 11), 11), tick=False)
    services.telefooncontact_vastleggen(klacht=klacht, door=behandelaar, tekst="Gebeld.")

    blokken = bouwstenen(2026, 5, nu=om(D(2026, 6, 15))).values()
    sleutel = Kanaal.SOCIAL_MEDIA.value
    assert sum(b.reactie[f"{sleutel}|gemeten"] for b in blokken) == 1
    assert sum(b.reactie[f"{sleutel}|op_tijd"] for b in blokken) == op_tijd


def test_de_bewaking_draait_vaak_genoeg_voor_een_termijn_van_4_uur(settings):
    """Every 15 minutes: the reminder (1 hour before) comes at least 45 minutes before a 4-hour
    term ends, and a missed term escalates within 15 minutes."""
    schema = settings.CELERY_BEAT_SCHEDULE["termijnen-bewaken"]["schedule"]
    assert schema.hour == set(range(24))
    minuten = sorted(schema.minute)
    grootste_gat = max(
        (b - a) % 60 or 60 for a, b in zip(minuten, [*minuten[1:], minuten[0]], strict=True)
    )
    assert grootste_gat <= 15
    assert termijnen.REACTIE_HERINNERING_UREN * 60 - grootste_gat >= 45


@pytest.mark.parametrize(
    ("dagen", "resterend", "uren", "kleur"),
    [
        # Due tomorrow 01:00, seen today 23:00: hours, not "1 day".
        (1, dt.timedelta(hours=2), 2, "oranje"),
        # Less than an hour left still reads "1 hour".
        (0, dt.timedelta(minutes=20), 1, "oranje"),
        # Just over: late, in hours.
        (0, -dt.timedelta(minutes=20), 1, "rood"),
        # More than a day away or late: days.
        (3, dt.timedelta(days=2, hours=20), None, "groen"),
        (-2, -dt.timedelta(days=2), None, "rood"),
    ],
)
def test_badge_telt_uren_binnen_een_dag_van_het_moment(dagen, resterend, uren, kleur):
    from klachten.selectors import TermijnBadge

    moment = om(D(2026, 5, 9), 1)
    badge = TermijnBadge(
        naam="Eerste reactie", datum=moment.date(), dagen=dagen, moment=moment, resterend=resterend
    )
    assert (badge.uren, badge.kleur) == (uren, kleur)
