"""Redis (cache and broker) down: nothing is lost, nobody is let in unlimited (issue 15, "What must
hold" 1, acceptance 1; docs/storingen.md).

A private redis-server is the cache and the broker of a real gunicorn and a real Celery worker, as in
the README's default set-up; the test submits through HTTP and kills Redis (SIGKILL) under load, or
freezes it (SIGSTOP: it accepts connections and never answers). What is stored is counted in the
database the server writes (the test database), what is delivered at a real SMTP server.
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import rollen
from klachten.berichten import message_id
from klachten.models import Bericht, BerichtStatus, Gebeurtenis, GebeurtenisSoort, Klacht
from klanttevredenheid.models import Respons
from tests.factories import MedewerkerFactory, verzonden_uitnodiging
from tests.processen import (
    Bezoeker,
    Mailserver,
    RedisServer,
    Webserver,
    Worker,
    app_omgeving,
    klachtgegevens,
    sweep_sturen,
    wacht_tot,
)

pytestmark = pytest.mark.django_db(transaction=True)

WACHTWOORD = "een-lang-testwachtwoord"


def database_url() -> str:
    """The test database, for the processes under test."""
    instellingen = connection.settings_dict
    return (
        f"postgres://{instellingen['USER'] or 'postgres'}@{instellingen['HOST'] or '127.0.0.1'}:"
        f"{instellingen['PORT'] or 5432}/{instellingen['NAME']}"
    )


def indienen(server: Webserver, *, ip: str, email: str, categorie_id: int) -> tuple[int, float]:
    """A customer opens the form and sends it; (HTTP status, seconds the POST took)."""
    bezoeker = Bezoeker(server.url, ip=ip)
    verborgen = bezoeker.formulier("/klacht/")
    begin = time.monotonic()
    antwoord = bezoeker.post(
        "/klacht/", klachtgegevens(categorie_id=categorie_id, email=email), verborgen=verborgen
    )
    return antwoord.status_code, time.monotonic() - begin


def wachtwoord_geven(*gebruikers) -> None:
    """The password hashed with production's hasher (the test settings use a fast hasher that
    the server does not know), with fewer iterations: the hash records them and the server checks
    it by them, so the wrong passwords of the lockout cost milliseconds, not seconds."""
    hasher = PBKDF2PasswordHasher()
    for gebruiker in gebruikers:
        gebruiker.password = hasher.encode(WACHTWOORD, hasher.salt(), iterations=1000)
        gebruiker.save(update_fields=["password"])


def code(apparaat: TOTPDevice) -> str:
    return f"{totp(apparaat.bin_key, apparaat.step, apparaat.t0, apparaat.digits):06d}"


def inloggen(server: Webserver, gebruiker, apparaat: TOTPDevice, *, ip: str) -> Bezoeker:
    """A member of staff signs in: password, then the code of the authenticator app."""
    bezoeker = Bezoeker(server.url, ip=ip)
    stap1 = bezoeker.post(
        "/account/login/", {"username": gebruiker.username, "password": WACHTWOORD}
    )
    assert stap1.status_code == 302, stap1.text[:500]
    stap2 = bezoeker.post("/account/tweestaps/", {"code": code(apparaat)})
    assert stap2.status_code == 302, stap2.text[:500]
    return bezoeker


@pytest.fixture
def mailserver():
    with Mailserver() as server:
        yield server


@pytest.fixture
def redis():
    with RedisServer() as server:
        yield server


@pytest.fixture
def omgeving(redis, mailserver):
    """Cache and broker in the private Redis, as in the README's default set-up."""
    return app_omgeving(
        database_url=database_url(),
        CACHE_URL=redis.url(1),
        CELERY_BROKER_URL=redis.url(0),
        BERICHTEN_SWEEP_WACHTTIJD_S="0",  # the sweep takes what waits, however young
        **mailserver.django_instellingen(),
    )


def test_redis_gedood_onder_50_inzendingen_verliest_niets_en_de_limiet_blijft(
    redis, mailserver, omgeving, categorie, afdeling_a, label
):
    teamleider = MedewerkerFactory(
        username="teamleider", rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_a]
    )
    apparaat = TOTPDevice.objects.create(user=teamleider, name="telefoon", confirmed=True)
    belager = MedewerkerFactory(username="belager", rollen=[rollen.KLACHTBEHANDELAAR])
    wachtwoord_geven(teamleider, belager)
    uitnodiging = verzonden_uitnodiging(label=label)
    al_verzonden = set(Bericht.objects.values_list("pk", flat=True))  # the invitation, in-process

    with Webserver(omgeving=omgeving) as web, Worker(omgeving=omgeving):
        # 50 customers at once, each from an address of their own; Redis dies after the 10th.
        klaar = []
        na_de_storing: list[float] = []
        redis_weg = threading.Event()

        def klant(nummer: int) -> int:
            status, duur = indienen(
                web,
                ip=f"198.51.100.{nummer + 1}",
                email=f"klant{nummer}@example.nl",
                categorie_id=categorie.pk,
            )
            if redis_weg.is_set():
                na_de_storing.append(duur)
            klaar.append(status)
            return status

        with ThreadPoolExecutor(8) as klanten:
            uitkomsten = klanten.map(klant, range(50))
            assert wacht_tot(lambda: len(klaar) >= 10)
            redis.doden()
            redis_weg.set()
            statussen = list(uitkomsten)

        assert statussen == [302] * 50, statussen
        klanten_50 = {f"klant{n}@example.nl" for n in range(50)}
        assert Klacht.objects.filter(klant_email__in=klanten_50).count() == 50
        assert na_de_storing, "Redis died after every submission was done"
        assert max(na_de_storing) < 3, na_de_storing

        # Redis is down. The per-address limit still counts: 10 an hour, the 11th is refused.
        herhaler = [
            indienen(
                web, ip="192.0.2.10", email=f"herhaal{n}@example.nl", categorie_id=categorie.pk
            )
            for n in range(11)
        ]
        assert [status for status, _duur in herhaler] == [302] * 10 + [429]
        geweigerd = Bezoeker(web.url, ip="192.0.2.10").post(
            "/klacht/", klachtgegevens(categorie_id=categorie.pk, email="nogmaals@example.nl")
        )
        assert geweigerd.status_code == 429
        assert "U heeft het formulier vaak verstuurd" in geweigerd.text
        assert not Klacht.objects.filter(klant_email="nogmaals@example.nl").exists()

        # Link kwijt, the status page and an addition from it.
        klacht = Klacht.objects.get(klant_email="klant3@example.nl")
        klant = Bezoeker(web.url, ip="192.0.2.20")
        link = klant.post(
            "/klacht/link-kwijt/",
            {"dossiernummer": klacht.dossiernummer, "email": "klant3@example.nl"},
        )
        assert link.status_code == 200
        assert "Kijk in uw e-mail" in link.text
        status_url = f"/klacht/status/{klacht.status_token}/"
        assert klacht.dossiernummer in klant.get(status_url).text
        aanvulling = klant.post(
            status_url + "aanvullen/",
            {"tekst": "De nota van de fysiotherapeut stuur ik per post na."},
            verborgen=klant.formulier(status_url),
        )
        assert aanvulling.status_code == 302, aanvulling.text[:500]
        assert Gebeurtenis.objects.filter(
            klacht=klacht, soort=GebeurtenisSoort.KLANTBERICHT
        ).exists()

        # The survey.
        enquete_url = f"/enquete/{uitnodiging.token}/"
        antwoord = Bezoeker(web.url, ip="192.0.2.30").post(
            enquete_url, {"rapportcijfer": "8", "nps_score": "9"}
        )
        assert antwoord.status_code == 302, antwoord.text[:500]
        assert Respons.objects.filter(contactmoment=uitnodiging.contactmoment).count() == 1

        # Staff: login with both steps, the queue, a dossier, an action, the month report
        # (its live figures are cached in Redis), the API.
        medewerker = inloggen(web, teamleider, apparaat, ip="192.0.2.40")
        assert klacht.dossiernummer in medewerker.get("/medewerker/").text
        dossier_url = f"/medewerker/klachten/{klacht.dossiernummer}/"
        assert medewerker.get(dossier_url).status_code == 200
        notitie = medewerker.post(
            dossier_url + "notitie_toevoegen/", {"tekst": "Gebeld: nota volgt per post."}
        )
        assert notitie.status_code == 302, notitie.text[:500]
        assert Gebeurtenis.objects.filter(klacht=klacht, soort=GebeurtenisSoort.NOTITIE).exists()
        vandaag = timezone.localdate()
        rapport = medewerker.get(f"/medewerker/rapportage/{vandaag.year}/{vandaag.month}/")
        assert rapport.status_code == 200
        assert "Cache (Redis) onbereikbaar bij get" in web.log()  # computed, not cached
        api = medewerker.get("/api/v1/klachten/", headers={"Accept": "application/json"})
        assert api.status_code == 200
        assert api.json()["results"]

        # Lockouts (django-axes) keep locking: 5 wrong passwords, then even the right one fails.
        raden = Bezoeker(web.url, ip="192.0.2.50")
        for _poging in range(5):
            raden.post("/account/login/", {"username": "belager", "password": "fout"})
        blokkade = raden.post("/account/login/", {"username": "belager", "password": WACHTWOORD})
        assert blokkade.status_code == 429
        assert "Inloggen tijdelijk geblokkeerd" in blokkade.text

        # Nothing answered 500, nothing printed a traceback.
        assert '" 500 ' not in web.log()
        assert "Traceback" not in web.log()

        # Redis comes back, empty. The worker reconnects; beat's next sweep sends what waited.
        assert Bericht.objects.filter(status=BerichtStatus.WACHTEND).exists()
        redis.starten()
        sweep_sturen(redis.url(0))
        assert wacht_tot(
            lambda: not Bericht.objects.filter(status=BerichtStatus.WACHTEND).exists(),
            seconden=30,
        ), list(Bericht.objects.filter(status=BerichtStatus.WACHTEND).values("pk", "laatste_fout"))

    nieuw = Bericht.objects.exclude(pk__in=al_verzonden)
    assert set(nieuw.values_list("status", flat=True)) == {BerichtStatus.VERZONDEN}
    # Every message exactly once at the mail server: one copy of each Message-ID, nothing else.
    ontvangen = mailserver.message_ids()
    assert sorted(ontvangen) == sorted(message_id(b) for b in nieuw)
    assert set(ontvangen.values()) == {1}
    # Among them, each of the 60 complaints' acknowledgement (50 at once, 10 from one address).
    for klacht in Klacht.objects.filter(klant_email__endswith="@example.nl"):
        bevestiging = klacht.berichten.get(soort="ontvangstbevestiging")
        assert ontvangen[message_id(bevestiging)] == 1
    assert Klacht.objects.count() == 60


def test_een_hangende_redis_houdt_geen_klant_op(redis, mailserver, omgeving, label, categorie):
    """Redis frozen (SIGSTOP): connections are accepted and never answered. A submission waits at
    most BROKER_WACHTTIJD_S for the broker once per web process, then not at all."""
    with Webserver(omgeving=omgeving) as web:
        status, _duur = indienen(
            web, ip="198.51.100.200", email="voor@example.nl", categorie_id=categorie.pk
        )
        assert status == 302
        redis.bevriezen()
        try:
            metingen = [
                indienen(
                    web,
                    ip=f"198.51.100.{n + 1}",
                    email=f"hang{n}@example.nl",
                    categorie_id=categorie.pk,
                )
                for n in range(12)
            ]
        finally:
            redis.ontdooien()

    assert [status for status, _duur in metingen] == [302] * 12
    duren = sorted(duur for _status, duur in metingen)
    # Two web processes: each waits for the broker once (0.5 s), then not during the pause.
    assert duren[-1] < 3, duren
    assert statistics.median(duren) < 0.5, duren
    assert Klacht.objects.filter(klant_email__startswith="hang").count() == 12
    wachtend = Bericht.objects.filter(klacht__klant_email__startswith="hang")
    assert set(wachtend.values_list("status", flat=True)) == {BerichtStatus.WACHTEND}
