"""Browser tests: Playwright drives Debian's Chromium against Django's live_server.

Never `playwright install` (these machines cannot download browsers): the browser is
/usr/bin/chromium (`apt-get install -y chromium`; scripts/test does it when it is missing).
"""

import datetime as dt
import os
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import rollen, services, toegang
from klachten.models import (
    Afdeling,
    Categorie,
    ExterneInstantie,
    Kanaal,
    Label,
    Medewerker,
    Urgentie,
)
from klachten.workflow import KLANT, Oordeel

# Playwright's sync API runs an event loop in the test thread; the ORM calls in the tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
E2E_WACHTWOORD = "e2e-wachtwoord-Zq8"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The site follows Accept-Language; these tests read the Dutch pages.
    return {**browser_context_args, "locale": "nl-NL"}


@pytest.fixture(autouse=True)
def _e2e_lege_cache():
    """The public form's rate limit counts in the cache, shared with the live server thread."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def e2e_label(transactional_db):
    return Label.objects.create(
        naam="Zorgzaam Verzekerd",
        slug="zorgzaam",
        is_standaard=True,
        telefoon="088 123 45 00",
        email="klachten@zorgzaam.example.nl",
    )


@pytest.fixture
def e2e_afdeling(transactional_db):
    return Afdeling.objects.create(naam="Declaraties", code="declaraties")


@pytest.fixture
def e2e_categorie(e2e_afdeling):
    return Categorie.objects.create(naam="Declaratie", code="declaratie", afdeling=e2e_afdeling)


@pytest.fixture
def e2e_behandelaar(e2e_afdeling):
    """A klachtbehandelaar of the afdeling, with a password to log in through the browser."""
    toegang.rollen_inrichten()
    gebruiker = Medewerker.objects.create_user(
        username="sanne", password=E2E_WACHTWOORD, first_name="Sanne", last_name="de Vries"
    )
    gebruiker.groups.add(Group.objects.get(name=rollen.KLACHTBEHANDELAAR))
    gebruiker.afdelingen.add(e2e_afdeling)
    return gebruiker


@pytest.fixture
def e2e_tweedelijns(e2e_afdeling):
    """A second klachtbehandelaar of the afdeling: the second line for a heroverweging."""
    toegang.rollen_inrichten()
    gebruiker = Medewerker.objects.create_user(
        username="youssef",
        password=E2E_WACHTWOORD,
        first_name="Youssef",
        last_name="El Amrani",
        email="youssef@verzekeraar.example",
    )
    gebruiker.groups.add(Group.objects.get(name=rollen.KLACHTBEHANDELAAR))
    gebruiker.afdelingen.add(e2e_afdeling)
    return gebruiker


def totp_code(gebruiker) -> str:
    """The code the staff member's authenticator app shows now (their confirmed TOTP device,
    made when missing). A code is accepted once: a second login within the same 30 seconds
    takes the next step's code, which the device accepts (tolerance 1)."""
    apparaat = TOTPDevice.objects.filter(user=gebruiker, confirmed=True).first()
    if apparaat is None:
        apparaat = TOTPDevice.objects.create(user=gebruiker, name="e2e", confirmed=True)
    nu = int((time.time() - apparaat.t0) // apparaat.step)
    stap = max(nu, (apparaat.last_t or -1) + 1)
    while stap > nu + apparaat.tolerance:
        time.sleep(1)
        nu = int((time.time() - apparaat.t0) // apparaat.step)
    return f"{totp(apparaat.bin_key, apparaat.step, apparaat.t0, apparaat.digits, stap - nu):06d}"


def inloggen(page, live_server, username: str, wachtwoord: str = E2E_WACHTWOORD) -> None:
    """Log in through the login page and its second step, the TOTP code (the header also
    holds a 'Wijzig taal' submit button)."""
    gebruiker = Medewerker.objects.get(username=username)
    TOTPDevice.objects.get_or_create(user=gebruiker, confirmed=True, defaults={"name": "e2e"})
    page.goto(f"{live_server.url}/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(wachtwoord)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.locator("#id_code").wait_for()
    page.locator("#id_code").fill(totp_code(gebruiker))
    page.get_by_role("button", name="Controleren", exact=True).click()
    page.locator(".gebruiker-naam").wait_for()


SCHERMAFBEELDINGEN = Path(__file__).parent / "screenshots"


def schermafbeelding(page, naam: str) -> Path:
    """A full-page screenshot in tests/e2e/screenshots/ (not committed), to look at by eye."""
    SCHERMAFBEELDINGEN.mkdir(exist_ok=True)
    pad = SCHERMAFBEELDINGEN / f"{naam}.png"
    page.screenshot(path=str(pad), full_page=True)
    return pad


@pytest.fixture
def e2e_dossiers(e2e_label, e2e_categorie, e2e_behandelaar, e2e_tweedelijns):
    """A work queue that looks like a real one: complaints in every state, received over the last
    seven weeks, some deadlines green, some amber, some overdue. Built through the services with
    the clock moved back, so that every timeline date is when it would have happened."""
    skgz, _nieuw = ExterneInstantie.objects.get_or_create(
        code="skgz",
        defaults={
            "naam": "SKGZ (Stichting Klachten en Geschillen Zorgverzekeringen)",
            "website": "https://www.skgz.nl",
            "maanden_na_standpunt": 12,
            "escalatie_tekst": (
                "Bent u het niet eens met dit definitieve standpunt? Dan kunt u uw klacht "
                "voorleggen aan de {{ instantie }} ({{ website }}). Doe dat uiterlijk op "
                "{{ uiterste_datum }}, binnen een jaar na dit standpunt."
            ),
        },
    )
    Label.objects.filter(pk=e2e_label.pk).update(externe_instantie=skgz, kleur="#0b5f7a")
    label = Label.objects.get(pk=e2e_label.pk)
    premie_afdeling = Afdeling.objects.create(naam="Premie en incasso", code="premie-incasso")
    premie = Categorie.objects.create(
        naam="Premie en betaling", code="premie", afdeling=premie_afdeling
    )
    communicatie = Categorie.objects.create(
        naam="Communicatie en informatie", code="communicatie", afdeling=premie_afdeling
    )
    e2e_behandelaar.afdelingen.add(premie_afdeling)
    e2e_tweedelijns.afdelingen.add(premie_afdeling)
    e2e_behandelaar.email = "sanne@verzekeraar.example"
    e2e_behandelaar.save(update_fields=["email"])
    sanne, youssef = e2e_behandelaar, e2e_tweedelijns
    vandaag = timezone.localtime()

    def op(dagen: int, uur: int = 10, minuut: int = 0):
        return (vandaag - dt.timedelta(days=dagen)).replace(
            hour=uur, minute=minuut, second=0, microsecond=0
        )

    @contextmanager
    def om(dagen: int, uur: int = 10, minuut: int = 0):
        with time_machine.travel(op(dagen, uur, minuut), tick=False):
            yield

    def registreren(dagen, uur, **velden):
        kanaal = velden.pop("kanaal", Kanaal.WEBFORMULIER)
        with om(dagen, uur):
            return services.klacht_registreren(
                label=label,
                kanaal=kanaal,
                ontvangen_op=op(dagen, uur),
                privacy_akkoord=True,
                ingediend_door=None if kanaal == Kanaal.WEBFORMULIER else sanne,
                **velden,
            )

    dossiers = {}

    # In investigation for 45 days: the answer is overdue. The richest timeline.
    k = registreren(
        45,
        9,
        klant_naam="Johanna van der Meer",
        klant_email="johanna.vandermeer@example.nl",
        klant_telefoon="06 12 34 56 78",
        polisnummer="ZV-2026-448812",
        categorie=e2e_categorie,
        urgentie=Urgentie.HOOG,
        omschrijving=(
            "Mijn declaratie van de fysiotherapeut van 412 euro is afgewezen, terwijl dit volgens "
            "mij gewoon onder mijn aanvullende verzekering valt. In de brief staat geen duidelijke "
            "reden. Ik heb al twee keer gebeld en telkens kreeg ik een ander verhaal."
        ),
        gewenste_oplossing="Ik wil dat de declaratie alsnog volledig wordt vergoed.",
    )
    with om(44, 11):
        k = services.toewijzen(klacht=k, door=sanne, afdeling=k.afdeling, behandelaar=sanne)
    with om(43, 14):
        k = services.ontvankelijk_verklaren(
            klacht=k,
            door=sanne,
            toelichting="Aanvullende verzekering Fysio 18 loopt sinds januari.",
        )
    with om(40, 15, 30):
        services.telefooncontact_vastleggen(
            klacht=k,
            door=sanne,
            tekst="Klant gebeld: de nota gaat over 9 behandelingen in maart. Kopie nota gevraagd.",
        )
    with om(38, 19, 12):
        services.klantbericht_toevoegen(
            klacht=k,
            door=KLANT,
            tekst="Hierbij de nota van de fysiotherapeut. Er staan negen behandelingen op.",
        )
    with om(22, 10):
        k = services.statusupdate_sturen(
            klacht=k,
            door=sanne,
            onderwerp=f"Stand van zaken van uw klacht {k.dossiernummer}",
            tekst=(
                "Beste Johanna van der Meer,\n\nBedankt voor de nota. We laten onze medisch "
                "adviseur beoordelen of alle negen behandelingen onder uw aanvullende verzekering "
                "vallen. U hoort uiterlijk over drie weken van ons.\n\nMet vriendelijke groet,\n"
                "Sanne de Vries\nKlachtenservice Zorgzaam Verzekerd\n"
            ),
        )
    with om(5, 16):
        services.notitie_toevoegen(
            klacht=k,
            door=sanne,
            tekst="Medisch adviseur gevraagd of behandeling 7 t/m 9 onder de indicatie valt.",
        )
    dossiers["onderzoek_te_laat"] = k

    # Received 9 days ago by phone, not yet acknowledged: the acknowledgement is overdue.
    dossiers["bevestiging_te_laat"] = registreren(
        9,
        13,
        kanaal=Kanaal.TELEFOON,
        klant_naam="Kees Bakker",
        klant_email="kees.bakker@example.com",
        categorie=premie,
        omschrijving="Er is deze maand twee keer premie van mijn rekening afgeschreven.",
        gewenste_oplossing="Het dubbel afgeschreven bedrag terugstorten.",
    )
    # By e-mail 6 days ago, urgent: 2 days left for the acknowledgement.
    dossiers["bevestiging_bijna"] = registreren(
        6,
        8,
        kanaal=Kanaal.EMAIL,
        klant_naam="Aylin Öztürk",
        klant_email="aylin.ozturk@example.org",
        categorie=e2e_categorie,
        urgentie=Urgentie.HOOG,
        omschrijving="Mijn machtiging voor een operatie is nog steeds niet beoordeeld.",
    )
    # Investigated, last message 20 days ago: the statusupdate is due tomorrow.
    k = registreren(
        20,
        12,
        klant_naam="Priya Ramdin",
        klant_email="priya.ramdin@example.net",
        categorie=communicatie,
        omschrijving="Ik heb drie keer een e-mail gestuurd over mijn polis en nooit antwoord gekregen.",
        gewenste_oplossing="Ik wil gewoon antwoord op mijn vraag.",
    )
    with om(19, 9):
        k = services.ontvankelijk_verklaren(klacht=k, door=sanne)
    dossiers["statusupdate_morgen"] = k
    # Fresh web complaints, acknowledged at once: green.
    dossiers["nieuw"] = registreren(
        2,
        21,
        klant_naam="Daan Vermeulen",
        klant_email="daan@example.com",
        categorie=e2e_categorie,
        omschrijving="Mijn eigen risico is onterecht aangesproken voor de huisartsenpost.",
    )
    registreren(
        1,
        7,
        kanaal=Kanaal.BRIEF,
        klant_naam="Gerda de Haan-Postma",
        klant_email="gerda.dehaan@example.nl",
        categorie=premie,
        omschrijving="Ik heb een aanmaning met incassokosten gekregen terwijl ik op tijd betaalde.",
    )
    # Answered as definitief standpunt: the customer may ask for heroverweging or go to SKGZ.
    k = registreren(
        30,
        10,
        klant_naam="Mohamed Boukhari",
        klant_email="m.boukhari@example.com",
        categorie=e2e_categorie,
        omschrijving="De vergoeding van de tandarts is lager dan wat op uw website staat.",
        gewenste_oplossing="Het verschil van 86 euro alsnog vergoeden.",
    )
    with om(29, 9):
        k = services.toewijzen(klacht=k, door=sanne, afdeling=k.afdeling, behandelaar=sanne)
        k = services.ontvankelijk_verklaren(klacht=k, door=sanne)
    with om(15, 11):
        k = services.statusupdate_sturen(
            klacht=k,
            door=sanne,
            onderwerp=f"Stand van zaken van uw klacht {k.dossiernummer}",
            tekst=(
                "Beste Mohamed Boukhari,\n\nWe hebben de tarieven van uw tandarts opgevraagd en "
                "vergelijken die met uw polisvoorwaarden. U hoort uiterlijk over drie weken van ons."
                "\n\nMet vriendelijke groet,\nKlachtenservice Zorgzaam Verzekerd\n"
            ),
        )
    with om(3, 14):
        k = services.antwoord_sturen(
            klacht=k,
            door=sanne,
            oordeel=Oordeel.DEELS_GEGROND,
            definitief_standpunt=True,
            onderwerp=f"Ons antwoord op uw klacht {k.dossiernummer}",
            tekst=(
                "Beste Mohamed Boukhari,\n\nWij hebben uw klacht onderzocht. Op onze website stond "
                "een verouderd tarief; dat is onze fout. Uw polis vergoedt 75% van het "
                "maximumtarief, niet van het bedrag op de nota.\n\nOns oordeel: deels gegrond.\n\n"
                "Wij vergoeden het verschil met het tarief dat op de website stond: 41 euro. U "
                "ontvangt dit binnen 5 werkdagen.\n\nMet vriendelijke groet,\nKlachtenservice "
                "Zorgzaam Verzekerd\n"
            ),
        )
    with om(2, 16):
        services.leermoment_toevoegen(
            klacht=k,
            door=sanne,
            omschrijving="Tarieven op de website worden niet automatisch bijgewerkt.",
        )
        services.verbeterpunt_toevoegen(
            door=sanne,
            klacht=k,
            omschrijving="Tarieventabel op de website koppelen aan het declaratiesysteem.",
            eigenaar=youssef,
            streefdatum=(vandaag + dt.timedelta(days=30)).date(),
        )
    dossiers["beantwoord"] = k
    # In heroverweging with the second line.
    k = registreren(
        60,
        10,
        klant_naam="Ingrid Smits",
        klant_email="ingrid.smits@example.org",
        categorie=premie,
        omschrijving="Mijn premie is zonder bericht verhoogd.",
    )
    with om(59, 10):
        k = services.toewijzen(klacht=k, door=sanne, afdeling=k.afdeling, behandelaar=sanne)
        k = services.ontvankelijk_verklaren(klacht=k, door=sanne)
    with om(25, 10):
        k = services.antwoord_sturen(klacht=k, door=sanne, oordeel=Oordeel.ONGEGROND)
    with om(12, 20):
        k = services.heroverweging_vragen(
            klacht=k, door=KLANT, reden="De brief over de verhoging heb ik nooit gekregen."
        )
    with om(11, 9):
        k = services.toewijzen(klacht=k, door=sanne, afdeling=k.afdeling, behandelaar=youssef)
    dossiers["heroverweging"] = k
    with om(40, 10):
        services.verbeterpunt_toevoegen(
            door=sanne,
            omschrijving="Standaardbrief over het eigen risico herschrijven in B1-taal.",
            eigenaar=sanne,
            streefdatum=(vandaag - dt.timedelta(days=5)).date(),
        )
    # Solved on the phone at once.
    registreren(
        4,
        15,
        kanaal=Kanaal.TELEFOON,
        klant_naam="Bram de Wit",
        klant_email="bram.dewit@example.net",
        categorie=premie,
        omschrijving="Klant belde: automatische incasso op verkeerd rekeningnummer.",
        direct_opgelost=True,
        oplossing="Rekeningnummer aangepast en de klant bevestigd.",
    )
    return dossiers
