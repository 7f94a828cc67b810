"""No secret link in any log line (issue 15, acceptance 5), and logs that help: a real gunicorn with
the documented configuration (config/gunicorn.conf.py, production settings) serves the status
page, the survey and a koppellink, valid and not, a refusal, a lockout and an error; then its log
(access and application, one file) is read."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import rollen, toegang
from tests.factories import KlachtFactory, MedewerkerFactory, verzonden_uitnodiging
from tests.processen import (
    Bezoeker,
    RedisServer,
    Webserver,
    app_omgeving,
    verborgen_velden,
    wacht_tot,
)

pytestmark = pytest.mark.django_db(transaction=True)

WACHTWOORD = "een-lang-testwachtwoord"


def database_van_de_test() -> str:
    """The URL of the test database (pytest-django's), for the server under test."""
    instellingen = connection.settings_dict
    return (
        f"postgres://{instellingen['USER']}@{instellingen['HOST'] or '127.0.0.1'}:"
        f"{instellingen['PORT'] or 5432}/{instellingen['NAME']}"
    )


def inloggen(bezoeker: Bezoeker, gebruikersnaam: str, apparaat: TOTPDevice | None) -> None:
    antwoord = bezoeker.post(reverse("login"), {"username": gebruikersnaam, "password": WACHTWOORD})
    assert antwoord.status_code == 302, antwoord.text[:3000]
    if apparaat is not None:
        code = f"{totp(apparaat.bin_key, apparaat.step, apparaat.t0, apparaat.digits):06d}"
        antwoord = bezoeker.post(reverse("tweestaps"), {"code": code})
        assert antwoord.status_code == 302, antwoord.text[:500]


def test_na_een_bezoek_aan_een_echte_server_staat_geen_geheime_link_in_de_log(
    label, categorie, afdeling_a
):
    klacht = KlachtFactory(label=label, categorie=categorie, klant_email="anna@example.nl")
    uitnodiging = verzonden_uitnodiging(label=label)
    beantwoord = verzonden_uitnodiging(label=label)
    behandelaar = MedewerkerFactory(
        username="sanne", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a]
    )
    # The server runs production settings: a hasher they know (the tests' own is MD5).
    behandelaar.password = PBKDF2PasswordHasher().encode(WACHTWOORD, "zout", iterations=1000)
    behandelaar.save(update_fields=["password"])
    apparaat = TOTPDevice.objects.create(user=behandelaar, name="telefoon", confirmed=True)
    nieuw = MedewerkerFactory(username="nieuw", rollen=[rollen.KLACHTBEHANDELAAR])
    _link, koppeltoken = toegang.koppellink_maken(medewerker=nieuw)
    geheimen = {
        "status": klacht.status_token,
        "enquete": uitnodiging.token,
        "beantwoorde enquete": beantwoord.token,
        "koppellink": koppeltoken,
        "onbekende status": "onbekend-" + klacht.status_token[::-1],
        "onbekende enquete": "onbekend-" + uitnodiging.token[::-1],
    }
    status = reverse("klachten:status", args=[klacht.status_token])

    with (
        RedisServer() as redis,
        Webserver(
            omgeving=app_omgeving(
                database_url=database_van_de_test(),
                CACHE_URL=redis.url(1),
                CELERY_BROKER_URL=redis.url(0),
                DJANGO_LOG_LEVEL="INFO",
            ),
            processen=1,
        ) as web,
    ):
        klant = Bezoeker(web.url, ip="203.0.113.7")
        # The status page, its static files (their Referer is the status link), adding information.
        pagina = klant.get(status)
        assert pagina.status_code == 200
        klant.get("/static/css/site.css", headers={"Referer": web.url + status})
        aangevuld = klant.post(
            reverse("klachten:aanvullen", args=[klacht.status_token]),
            {"tekst": "Hierbij de nota."},
            verborgen=verborgen_velden(pagina.text),
        )
        assert aangevuld.status_code == 302
        assert klant.get(aangevuld.headers["Location"]).status_code == 200
        # Links that are not (or no longer) valid: 404.
        for pad in (
            reverse("klachten:status", args=[geheimen["onbekende status"]]),
            f"/enquete/{geheimen['onbekende enquete']}/",
            f"/zorg/klacht/status/{klacht.status_token}/",
        ):
            assert klant.get(pad).status_code == 404, pad
        onbekend_aanvullen = klant.post(
            reverse("klachten:aanvullen", args=[geheimen["onbekende status"]]),
            {"tekst": "Nog iets."},
            verborgen=verborgen_velden(pagina.text),
        )
        assert onbekend_aanvullen.status_code == 404
        # The survey: shown, answered (then the thank-you page), an answered one opened again.
        enquete = f"/enquete/{uitnodiging.token}/"
        assert klant.get(enquete).status_code == 200
        antwoord = klant.post(enquete, {"rapportcijfer": "8", "nps_score": "9"})
        assert antwoord.status_code == 302, antwoord.text[:500]
        assert klant.get(antwoord.headers["Location"]).status_code == 200
        klant.post(f"/enquete/{beantwoord.token}/", {"rapportcijfer": "7", "nps_score": "7"})
        klant.get(f"/enquete/{beantwoord.token}/")
        # The koppellink: opened, then the login page with a next= that carries a status link.
        assert (
            Bezoeker(web.url)
            .get(f"/account/koppelen/{koppeltoken}/", allow_redirects=False)
            .status_code
            == 302
        )
        klant.get(f"/account/login/?next={quote(status, safe='')}")
        # A refusal (403 PermissionDenied) and a lockout (429): one line each, no traceback.
        medewerker = Bezoeker(web.url, ip="203.0.113.8")
        inloggen(medewerker, "sanne", apparaat)
        assert medewerker.get(reverse("klachten:privacy"), allow_redirects=False).status_code == 403
        indringer = Bezoeker(web.url, ip="203.0.113.9")
        for _ in range(6):
            geweigerd = indringer.post(reverse("login"), {"username": "sanne", "password": "fout"})
        assert geweigerd.status_code == 429
        # An error (500): the table of the timeline is briefly away.
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE klachten_gebeurtenis RENAME TO klachten_gebeurtenis_weg")
        try:
            fout = Bezoeker(web.url, ip="203.0.113.10").get(status)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE klachten_gebeurtenis_weg RENAME TO klachten_gebeurtenis"
                )
        assert fout.status_code == 500
        verzoek_id = fout.headers["X-Request-ID"]
        # gunicorn writes the access line after the response: wait until the last one is there.
        assert wacht_tot(lambda: verzoek_id in web.log().splitlines()[-1], seconden=10), web.log()
        log = web.log()

    for naam, geheim in geheimen.items():
        assert geheim not in log, f"{naam} staat in de log"
    # What was masked is still there, so the log tells what happened.
    assert '"GET /klacht/status/***/ HTTP/1.1" 200' in log
    assert '"GET /static/css/site.css HTTP/1.1" 200' in log
    assert f'"{web.url}/klacht/status/***/"' in log
    assert '"POST /klacht/status/***/aanvullen/ HTTP/1.1" 302' in log
    assert "Not Found: /klacht/status/***/" in log
    assert '"GET /enquete/***/ HTTP/1.1" 200' in log
    assert '"GET /account/koppelen/***/ HTTP/1.1" 302' in log
    assert "next=%2Fklacht%2Fstatus%2F***%2F" in log
    # One traceback (a chained exception prints two parts): the error's, in one record with its
    # request id, which the 500 page shows the customer.
    records = re.split(r"\n(?=\d{4}-\d\d-\d\d |127\.0\.0\.1 - |\[\d{4}-)", log)
    (met_traceback,) = [r for r in records if "Traceback" in r]
    assert re.match(
        rf"\S+ \S+ ERROR \[{verzoek_id}\] django.request: Internal Server Error: "
        r"/klacht/status/\*\*\*/\n",
        met_traceback,
    ), met_traceback[:300]
    assert verzoek_id in fout.text
    # The refusal and the lockout: one application line each, no traceback.
    assert log.count("Forbidden (Permission denied): /medewerker/privacy/") == 1
    assert '"GET /medewerker/privacy/ HTTP/1.1" 403' in log
    assert '"POST /account/login/ HTTP/1.1" 429' in log
