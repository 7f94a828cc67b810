"""No spam relay (issue 15, acceptance 6): the public form cannot make us mail text of anyone's
choosing to anyone. The acknowledgement to the typed address carries no typed text, and at most
3 go to one mailbox in 24 hours; a fourth complaint is stored all the same and the handler sees
why no mail went."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from klachten import berichten, services
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, Berichtsjabloon, Gebeurtenis, GebeurtenisSoort, Kanaal, Klacht
from klachten.workflow import BerichtSoort, Status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 10, 9, 30, tzinfo=AMSTERDAM)

# What a spammer would type into the form: every free-text field carries a payload.
NAAM = "Gefeliciteerd, u won 1000 euro: spam-naam.example"
OMSCHRIJVING = "Koop nu goedkope pillen op spam-omschrijving.example"
GEWENST = "Klik op spam-oplossing.example"
POLISNUMMER = "spam-polis.example"
TELEFOON = "0900 SPAM TEL"
PAYLOADS = ("spam-naam", "spam-omschrijving", "spam-oplossing", "spam-polis", "SPAM TEL")

GEEN_MAIL = "Geen ontvangstbevestiging gemaild"


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def spam_formulier(label, categorie):
    return {
        "klant_naam": NAAM,
        "klant_email": "slachtoffer@example.nl",
        "klant_telefoon": TELEFOON,
        "polisnummer": POLISNUMMER,
        "categorie": categorie.pk,
        "omschrijving": OMSCHRIJVING,
        "gewenste_oplossing": GEWENST,
        "privacy_akkoord": "on",
        "website": "",
    }


def indienen(formulier: dict, email: str, ip: str = "192.0.2.10") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("klachten:indienen"), {**formulier, "klant_email": email})
    assert response.status_code == 302
    return client


def zonder_vrije_tekst(tekst: str) -> bool:
    return not any(payload in tekst for payload in PAYLOADS)


def test_ontvangstbevestiging_van_een_webklacht_bevat_geen_getypte_tekst(
    spam_formulier, label, categorie, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        indienen(spam_formulier, "slachtoffer@example.nl")

    klacht = Klacht.objects.get()
    assert klacht.omschrijving == OMSCHRIJVING  # stored as typed: the status page shows it
    assert klacht.status == Status.ONTVANGST_BEVESTIGD
    bericht = berichten.samengesteld(klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING))
    (mail,) = mailoutbox
    for tekst in (bericht.onderwerp, bericht.tekst, mail.subject, mail.body):
        assert zonder_vrije_tekst(tekst), tekst
    assert mail.body.startswith("Beste klant,\n")
    # What it does carry: dossiernummer, label, date, category and the status link.
    assert klacht.dossiernummer in mail.subject
    assert label.naam in mail.subject
    assert "10 maart 2026" in mail.body
    assert f"Onderwerp: {categorie.naam}" in mail.body
    assert reverse("klachten:status", args=[klacht.status_token]) in mail.body
    assert "leest u op de statuspagina" in mail.body


@pytest.mark.parametrize(
    ("taal", "aanhef", "verwijzing"),
    [
        ("en", "Dear customer,\n", "is on the status page"),
        ("fr", "Bonjour,\n", "figure sur la page de statut"),
    ],
)
def test_ontvangstbevestiging_in_het_engels_en_frans_ook_zonder_getypte_tekst(
    label, categorie, taal, aanhef, verwijzing
):
    with translation.override(taal):
        klacht = services.klacht_registreren(
            label=label,
            kanaal=Kanaal.WEBFORMULIER,
            klant_naam=NAAM,
            klant_email="slachtoffer@example.nl",
            klant_telefoon=TELEFOON,
            polisnummer=POLISNUMMER,
            categorie=categorie,
            omschrijving=OMSCHRIJVING,
            gewenste_oplossing=GEWENST,
            privacy_akkoord=True,
        )

    bericht = berichten.samengesteld(klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING))
    assert klacht.taal == taal
    assert zonder_vrije_tekst(bericht.onderwerp + bericht.tekst)
    assert bericht.tekst.startswith(aanhef)
    assert verwijzing in bericht.tekst
    assert klacht.dossiernummer in bericht.tekst


def test_een_bewerkt_sjabloon_in_de_database_toont_de_getypte_tekst_evenmin(spam_formulier, label):
    """The rule is in the code, not in the template: a beheerder's template (or one from before
    this rule) that names every field still renders none of what the customer typed."""
    Berichtsjabloon.objects.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).update(
        onderwerp="Ontvangen: {{ klacht.dossiernummer }} {{ klacht.klant_naam }}",
        tekst=(
            "Beste {{ klacht.klant_naam }} ({{ klacht.klant_email }}, {{ klacht.klant_telefoon }}),"
            "\n{{ klacht.omschrijving }}\n{{ klacht.gewenste_oplossing }}\n"
            "{{ klacht.polisnummer }}\n{{ klacht }} {{ klacht.categorie.naam }} {{ status_url }}"
        ),
    )

    indienen(spam_formulier, "slachtoffer@example.nl")

    bericht = berichten.samengesteld(Bericht.objects.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING))
    klacht = bericht.klacht
    assert zonder_vrije_tekst(bericht.onderwerp + bericht.tekst)
    assert "slachtoffer@example.nl" not in bericht.tekst
    assert bericht.onderwerp == f"Ontvangen: {klacht.dossiernummer}"
    assert f"{klacht.dossiernummer} Declaratie http" in bericht.tekst


def test_de_statuslink_opnieuw_naar_een_webadres_bevat_geen_getypte_naam(spam_formulier):
    indienen(spam_formulier, "slachtoffer@example.nl")
    klacht = Klacht.objects.get()

    services.statuslink_opnieuw_sturen(
        dossiernummer=klacht.dossiernummer, email="slachtoffer@example.nl"
    )

    bericht = Bericht.objects.get(soort=BerichtSoort.STATUSLINK)
    assert zonder_vrije_tekst(bericht.tekst)
    assert bericht.tekst.startswith("Beste klant,\n")


def test_een_telefonische_klacht_krijgt_naam_en_samenvatting_wel(behandelaar, label, categorie):
    """Staff typed the address the customer gave them: the rule is for the public form only."""
    klacht = services.klacht_registreren(
        label=label,
        kanaal=Kanaal.TELEFOON,
        klant_naam="Anna de Vries",
        klant_email="anna@example.nl",
        categorie=categorie,
        omschrijving="Mijn declaratie is niet betaald.",
        gewenste_oplossing="Alsnog vergoeden.",
        ingediend_door=behandelaar,
    )

    klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)

    tekst = berichten.samengesteld(
        klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    ).tekst
    assert tekst.startswith("Beste Anna de Vries,\n")
    assert "Mijn declaratie is niet betaald." in tekst
    assert "Alsnog vergoeden." in tekst


def test_de_vierde_webklacht_naar_een_adres_binnen_24_uur_krijgt_geen_mail(
    spam_formulier, behandelaar_client, mailoutbox, django_capture_on_commit_callbacks
):
    # One mailbox however it is typed: case and a +tag do not make another address.
    adressen = [
        "slachtoffer@example.nl",
        "Slachtoffer@Example.NL",
        "slachtoffer+2@example.nl",
        "SLACHTOFFER+vier@example.nl",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for i, adres in enumerate(adressen[:3]):
            indienen(spam_formulier, adres, ip=f"192.0.2.{i + 1}")
    with django_capture_on_commit_callbacks(execute=True):
        klant = indienen(spam_formulier, adressen[3], ip="192.0.2.4")

    assert Klacht.objects.count() == 4  # every complaint is stored
    assert len(mailoutbox) == 3
    assert Bericht.objects.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).count() == 3
    vierde = Klacht.objects.get(klant_email=adressen[3])
    assert not vierde.berichten.exists()
    # Not acknowledged: the acknowledgement deadline keeps running for the handler.
    assert vierde.status == Status.ONTVANGEN
    assert vierde.ontvangst_bevestigd_op is None
    assert vierde.ontvangstbevestiging_uiterlijk_datum == dt.date(2026, 3, 18)
    assert vierde.volgende_termijn_datum == dt.date(2026, 3, 18)
    notitie = Gebeurtenis.objects.get(klacht=vierde, soort=GebeurtenisSoort.NOTITIE)
    assert notitie.tekst.startswith(
        f"{GEEN_MAIL}: naar {adressen[3]} gingen in de afgelopen 24 uur al 3 ontvangstbevestigingen"
    )
    assert notitie.door is None
    assert not notitie.door_klant

    # The customer: the confirmation page has the number and link, and says no mail comes.
    bevestiging = klant.get(reverse("klachten:ontvangen")).content.decode()
    assert f'id="dossiernummer">{vierde.dossiernummer}<' in bevestiging
    assert 'id="geen-bevestigingsmail"' in bevestiging
    assert "U ontvangt nu een e-mail" not in bevestiging
    statuspagina = klant.get(reverse("klachten:status", args=[vierde.status_token]))
    assert statuspagina.status_code == 200
    assert GEEN_MAIL not in statuspagina.content.decode()  # an internal note
    # The handler: the note on the dossier.
    dossier = behandelaar_client.get(reverse("klachten:dossier", args=[vierde.dossiernummer]))
    assert GEEN_MAIL in dossier.content.decode()


def test_de_bevestigingspagina_belooft_de_mail_als_die_gaat(spam_formulier):
    klant = indienen(spam_formulier, "slachtoffer@example.nl")

    bevestiging = klant.get(reverse("klachten:ontvangen")).content.decode()

    assert "U ontvangt nu een e-mail op slachtoffer@example.nl" in bevestiging
    assert 'id="geen-bevestigingsmail"' not in bevestiging


def test_andere_adressen_en_telefonische_klachten_tellen_niet_mee(
    spam_formulier, behandelaar, label, categorie
):
    for i in range(3):
        indienen(spam_formulier, "slachtoffer@example.nl", ip=f"192.0.2.{i + 1}")
    indienen(spam_formulier, "buurman@example.nl", ip="192.0.2.9")
    indienen(spam_formulier, "slachtoffer@example.org", ip="192.0.2.8")
    telefonisch = services.klacht_registreren(
        label=label,
        kanaal=Kanaal.TELEFOON,
        klant_naam="Anna",
        klant_email="slachtoffer@example.nl",
        categorie=categorie,
        omschrijving="Per telefoon.",
        ingediend_door=behandelaar,
    )
    telefonisch = services.ontvangst_bevestigen(klacht=telefonisch, door=behandelaar)

    assert Bericht.objects.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).count() == 6
    assert telefonisch.status == Status.ONTVANGST_BEVESTIGD


def test_na_24_uur_gaat_de_bevestiging_weer_per_mail(spam_formulier, time_machine):
    for i in range(3):
        indienen(spam_formulier, "slachtoffer@example.nl", ip=f"192.0.2.{i + 1}")
    time_machine.move_to(NU + dt.timedelta(hours=23, minutes=59), tick=False)
    indienen(spam_formulier, "slachtoffer@example.nl", ip="192.0.2.4")
    time_machine.move_to(NU + dt.timedelta(hours=24, minutes=1), tick=False)
    indienen(spam_formulier, "slachtoffer@example.nl", ip="192.0.2.5")

    statussen = list(Klacht.objects.order_by("ontvangen_op", "pk").values_list("status", flat=True))
    assert statussen == [Status.ONTVANGST_BEVESTIGD] * 3 + [
        Status.ONTVANGEN,
        Status.ONTVANGST_BEVESTIGD,
    ]


def test_de_behandelaar_bevestigt_de_vierde_alsnog_vanuit_het_dossier(
    spam_formulier, behandelaar, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(4):
            indienen(spam_formulier, "slachtoffer@example.nl", ip=f"192.0.2.{i + 1}")
    vierde = Klacht.objects.get(status=Status.ONTVANGEN)

    with django_capture_on_commit_callbacks(execute=True):
        vierde = services.ontvangst_bevestigen(klacht=vierde, door=behandelaar)

    assert vierde.status == Status.ONTVANGST_BEVESTIGD
    assert len(mailoutbox) == 4
    # Also the handler's pre-filled text carries no typed text to this unproven address.
    assert zonder_vrije_tekst(mailoutbox[-1].body)


@pytest.mark.django_db(transaction=True)
def test_gelijktijdige_webklachten_naar_een_adres_krijgen_samen_hooguit_3_mails(label, categorie):
    """Six complaints to one address at the same moment, each in its own connection: the count
    per mailbox is taken under a lock, so exactly three acknowledgements are written."""
    assert connection.vendor == "postgresql"
    start = threading.Barrier(6)
    fouten: list[BaseException] = []

    def registreren(i: int) -> None:
        try:
            start.wait(timeout=10)
            services.klacht_registreren(
                label=label,
                kanaal=Kanaal.WEBFORMULIER,
                klant_naam=f"Klant {i}",
                klant_email="slachtoffer@example.nl",
                categorie=categorie,
                omschrijving="Tegelijk.",
                privacy_akkoord=True,
            )
        except BaseException as fout:  # reported below
            fouten.append(fout)
        finally:
            connection.close()

    draden = [threading.Thread(target=registreren, args=(i,)) for i in range(6)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join(timeout=30)

    assert fouten == []
    assert Klacht.objects.count() == 6
    assert Bericht.objects.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).count() == 3
    assert Klacht.objects.filter(status=Status.ONTVANGEN).count() == 3
    assert (
        Gebeurtenis.objects.filter(soort=GebeurtenisSoort.NOTITIE, tekst__startswith=GEEN_MAIL)
        .values("klacht")
        .distinct()
        .count()
        == 3
    )


def test_de_telling_per_adres_leest_de_index_en_niet_de_klachten_van_de_dag(label, categorie):
    """The count runs on every registration: it reads the acknowledgements to one mailbox through
    their own index (migration 0047), not every complaint of the past 24 hours and their
    messages, whose number grows with exactly the storm the limit is for (issue 20)."""
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from klachten import selectors
    from tests.factories import KlachtFactory

    klachten = KlachtFactory.create_batch(
        40, label=label, categorie=categorie, kanaal=Kanaal.WEBFORMULIER, ontvangen_op=NU
    )
    Bericht.objects.bulk_create(
        Bericht(
            klacht=klacht,
            label=label,
            soort=BerichtSoort.ONTVANGSTBEVESTIGING,
            aan=f"postvak{i}@example.nl",
            onderwerp="Ontvangstbevestiging",
            tekst="-",
        )
        for i, klacht in enumerate(klachten)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE klachten_bericht")
        cursor.execute("ANALYZE klachten_klacht")
    with transaction.atomic():
        with connection.cursor() as cursor:
            # At this size a sequential scan would be cheapest; priced out, the plan shows
            # whether an index matches the query's expressions at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as vastgelegd:
            aantal = selectors.ontvangstbevestigingen_naar_adres(
                email="Postvak3+test@Example.nl", sinds=timezone.now() - dt.timedelta(hours=24)
            )
        (query,) = vastgelegd.captured_queries
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan = "\n".join(regel[0] for regel in cursor.fetchall())
    assert (
        aantal == 1
    )  # postvak3@ only: not postvak30@ to postvak39@, whose address starts the same
    assert "bericht_bevestiging_adres" in plan, plan
    assert "klacht_ontvangen_op" not in plan, plan
