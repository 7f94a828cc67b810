"""The embedded default (issue 15, acceptance 8): on a machine where no PostgreSQL answers and no
Redis runs, the run command's steps work on SQLite — migrate, the demo data, the web server — and
a real server process renders the main pages over HTTP: the public form (GET and POST), the
confirmation and status page, the staff login with its second step, the work queue, a dossier, a
workflow action, the survey and the month report. Nothing here touches the test PostgreSQL.

One pytest worker runs the whole module (SAMEN_OP_EEN_WORKER in tests/conftest.py): the site is
built once. The demo is loaded with --aantal 12 (the same code as the README's full demo of 200: its first
fixed dossiers cover every step; most of a load is the fixed survey history); scripts/run loads
the full one.
"""

import datetime as dt
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp

PROJECT = Path(settings.BASE_DIR)
DEMO_AANTAL = 12


def omgeving(map_: Path) -> dict[str, str]:
    """What scripts/run exports without PostgreSQL and Redis (and no DATABASE_URL of our own):
    SQLite in a file, the cache in memory, a broker that refuses every connection."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "DJANGO_", "CELERY_", "REDIS_", "CACHE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{map_ / 'db.sqlite3'}",
        CACHE_URL="locmemcache://",
        REDIS_URL="redis://127.0.0.1:1/0",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        EMAIL_FILE_PATH=str(map_ / "mail"),
        DJANGO_MEDIA_ROOT=str(map_ / "media"),
        PYTHONUNBUFFERED="1",
    )
    return env


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def beheer(env: dict, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    resultaat = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert resultaat.returncode == 0, resultaat.stdout + resultaat.stderr
    return resultaat


# Set up what a person would do by hand: an authenticator app linked to the teamleider's account
# (the device the first login would create), and one open survey invitation of the demo data.
INRICHTEN = """
import json
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from klachten.models import Medewerker
from klanttevredenheid.models import Uitnodiging
teamleider = Medewerker.objects.get(username="teamleider")
apparaat = TOTPDevice.objects.create(user=teamleider, name="test", confirmed=True)
uitnodiging = Uitnodiging.objects.filter(
    status="verzonden", verloopt_op__gt=timezone.now()
).order_by("pk").first()
print(json.dumps({"sleutel": apparaat.key, "enquete": uitnodiging.token}))
"""


class Formulieren(HTMLParser):
    """The forms of a page with the values a browser would send unchanged."""

    def __init__(self):
        super().__init__()
        self.formulieren: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.formulieren.append(
                {
                    "action": a.get("action", ""),
                    "method": a.get("method", "get"),
                    "velden": {},
                    "opties": {},
                }
            )
        if not self.formulieren:
            return
        velden = self.formulieren[-1]["velden"]
        if tag == "input" and a.get("name"):
            soort = a.get("type", "text")
            if soort in ("checkbox", "radio"):
                if "checked" in a:
                    velden[a["name"]] = a.get("value", "on")
            elif soort not in ("submit", "button", "file"):
                velden[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self.formulieren[-1]["opties"].setdefault(self._select, []).append(a.get("value", ""))
            if self._select not in velden or "selected" in a:
                velden[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            velden[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.formulieren:
            velden = self.formulieren[-1]["velden"]
            velden[self._textarea] += (
                data.removeprefix("\n") if not velden[self._textarea] else data
            )


class GeenOmleiding(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that shows redirects instead of following them."""

    def __init__(self, basis: str):
        self.basis = basis
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), GeenOmleiding()
        )

    def verzoek(self, pad: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body)"""
        url = urllib.parse.urljoin(self.basis, pad)
        inhoud = urllib.parse.urlencode(data).encode() if data is not None else None
        verzoek = urllib.request.Request(url, data=inhoud, headers={"Accept-Language": "nl"})
        try:
            with self.opener.open(verzoek, timeout=60) as antwoord:
                return (
                    antwoord.status,
                    antwoord.headers.get("Location", ""),
                    antwoord.read().decode(),
                )
        except urllib.error.HTTPError as fout:
            return fout.code, fout.headers.get("Location", ""), fout.read().decode()

    def get(self, pad: str, verwacht: int = 200) -> str:
        status, _locatie, body = self.verzoek(pad)
        assert status == verwacht, f"GET {pad}: {status}\n{body[:2000]}"
        return body

    def volgen(self, pad: str) -> tuple[str, str]:
        """GET `pad` and follow its redirects: (the final path, its page)."""
        for _ in range(5):
            status, locatie, body = self.verzoek(pad)
            if status != 302:
                assert status == 200, f"GET {pad}: {status}\n{body[:2000]}"
                return pad, body
            pad = _pad(locatie)
        raise AssertionError(f"too many redirects: {pad}")

    def formulier(self, pad: str, actie: str = "", veld: str = "csrfmiddlewaretoken") -> dict:
        """The POST form on `pad` with the field `veld` whose action contains `actie` (the last
        one: the header's language and logout forms come first): where it posts and the values
        it holds."""
        parser = Formulieren()
        parser.feed(self.get(pad))
        formulier = [
            f
            for f in parser.formulieren
            if f["method"].lower() == "post"
            and actie in (f["action"] or pad)
            and veld in f["velden"]
        ][-1]
        formulier["action"] = urllib.parse.urljoin(pad, formulier["action"] or pad)
        return formulier

    def versturen(self, formulier: dict, verwacht: int = 302, **velden) -> str:
        """Post the form with some values changed: the redirect's path (success), or the page
        when `verwacht` is 200."""
        status, locatie, body = self.verzoek(formulier["action"], {**formulier["velden"], **velden})
        assert status == verwacht, f"POST {formulier['action']}: {status}\n{body[:3000]}"
        return _pad(locatie) if status == 302 else body


def _pad(url: str) -> str:
    delen = urllib.parse.urlparse(url)
    return delen.path + (f"?{delen.query}" if delen.query else "")


def wacht_tot(voorwaarde, seconden: float) -> None:
    einde = time.monotonic() + seconden
    while not voorwaarde():
        assert time.monotonic() < einde, "timed out"
        time.sleep(0.1)


def sql(site: dict, query: str, *params) -> list[tuple]:
    """What the server stored, read from its SQLite file."""
    with closing(sqlite3.connect(site["db"], timeout=20)) as db:
        return db.execute(query, params).fetchall()


def geen_serverfouten(site: dict) -> None:
    """Every request so far was answered without an error (runserver logs each request)."""
    log = site["log"].read_text()
    assert "Traceback" not in log, log
    assert not re.search(r'" 5\d\d ', log), log


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """migrate + demo_data on a fresh SQLite file, then the web process of scripts/run
    (runserver, as in the Procfile) on a free port. Yields (base URL, setup data, timings)."""
    map_ = tmp_path_factory.mktemp("sqlite")
    env = omgeving(map_)
    tijden = {}
    start = time.perf_counter()
    beheer(env, "migrate", "--no-input", "-v", "0")
    tijden["migrate"] = time.perf_counter() - start
    start = time.perf_counter()
    demo = beheer(env, "demo_data", "--aantal", str(DEMO_AANTAL))
    tijden["demo_data"] = time.perf_counter() - start
    assert f"{DEMO_AANTAL} klachten" in demo.stdout
    inrichting = json.loads(beheer(env, "shell", "-c", INRICHTEN).stdout.strip().splitlines()[-1])

    poort = vrije_poort()
    log = (map_ / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{poort}"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    basis = f"http://127.0.0.1:{poort}"

    def antwoordt() -> bool:
        try:
            urllib.request.urlopen(basis + "/klacht/", timeout=2).close()
            return True
        except (urllib.error.URLError, ConnectionError):
            return server.poll() is not None

    wacht_tot(antwoordt, seconden=30)
    assert server.poll() is None, (map_ / "server.log").read_text()
    try:
        yield {
            "basis": basis,
            "db": map_ / "db.sqlite3",
            "log": map_ / "server.log",
            "tijden": tijden,
            **inrichting,
        }
    finally:
        # SIGTERM, as a process manager stops it (SIGINT could leave it waiting for a thread).
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_de_demo_op_sqlite_heeft_klachten_in_elke_stap_en_een_lege_outbox_zonder_redis(
    sqlite_site,
):
    # Measured on 2 shared cores: migrate 7-23 s, demo_data --aantal 12 8-20 s, the more the
    # busier the machine (the full 200 of scripts/run: 26 s on a quiet one); so not asserted.
    print(sqlite_site["tijden"])
    statussen = dict(
        sql(sqlite_site, "SELECT status, count(*) FROM klachten_klacht GROUP BY status")
    )
    assert sum(statussen.values()) >= DEMO_AANTAL
    assert set(statussen) == {
        "ontvangen",
        "ontvangst_bevestigd",
        "in_onderzoek",
        "beantwoord",
        "in_heroverweging",
        "afgesloten",
    }
    # Without a broker the newest messages wait in the outbox for the worker, none is lost.
    assert sql(sqlite_site, "SELECT count(*) FROM klachten_bericht WHERE status = 'wachtend'")[0][0]


def test_klant_dient_een_klacht_in_en_volgt_die_op_sqlite(sqlite_site):
    klant = Browser(sqlite_site["basis"])
    formulier = klant.formulier("/klacht/", veld="omschrijving")
    categorieen = [c for c in formulier["opties"]["categorie"] if c]
    assert len(categorieen) >= 4  # the demo's categories are offered

    naar = klant.versturen(
        formulier,
        klant_naam="Sanne Visser",
        klant_email="sanne@example.nl",
        omschrijving="Mijn declaratie van de tandarts is na vier weken nog niet betaald.",
        gewenste_oplossing="Dat die alsnog betaald wordt.",
        privacy_akkoord="on",
        categorie=categorieen[0],
    )

    assert naar == "/klacht/ontvangen/"
    bevestiging = klant.get(naar)
    dossiernummer = re.search(r'id="dossiernummer">(KL-\d{4}-\d{6})<', bevestiging).group(1)
    statuspad = re.search(r'href="[^"]*(/klacht/status/[\w-]+/)"', bevestiging).group(1)
    status = klant.get(statuspad)
    assert dossiernummer in status
    assert "Mijn declaratie van de tandarts" in status
    # The customer adds information from the status page.
    aanvulling = klant.formulier(statuspad, actie="aanvullen", veld="tekst")
    assert klant.versturen(aanvulling, tekst="De factuur is van 3 maart.") == statuspad
    assert "De factuur is van 3 maart." in klant.get(statuspad)
    # Link kwijt: the same answer whatever was typed; here the link goes (to the outbox).
    link_kwijt = klant.formulier("/klacht/link-kwijt/", veld="dossiernummer")
    verstuurd = klant.versturen(
        link_kwijt, verwacht=200, dossiernummer=dossiernummer, email="sanne@example.nl"
    )
    assert "Kijk in uw e-mail" in verstuurd

    # Stored: the complaint with the typed text, the addition on its timeline, and, with no
    # Redis to hand them to a worker, the acknowledgement and the link in the outbox, waiting.
    assert sql(
        sqlite_site,
        "SELECT omschrijving FROM klachten_klacht WHERE dossiernummer = ?",
        dossiernummer,
    ) == [("Mijn declaratie van de tandarts is na vier weken nog niet betaald.",)]
    assert sql(
        sqlite_site,
        "SELECT g.tekst FROM klachten_gebeurtenis g JOIN klachten_klacht k ON g.klacht_id = k.id"
        " WHERE k.dossiernummer = ? AND g.soort = 'klantbericht'",
        dossiernummer,
    ) == [("De factuur is van 3 maart.",)]
    assert sql(
        sqlite_site,
        "SELECT b.soort, b.status FROM klachten_bericht b JOIN klachten_klacht k"
        " ON b.klacht_id = k.id WHERE k.dossiernummer = ? ORDER BY b.id",
        dossiernummer,
    ) == [("ontvangstbevestiging", "wachtend"), ("statuslink", "wachtend")]
    geen_serverfouten(sqlite_site)


def test_gelijktijdige_klachten_op_sqlite_krijgen_elk_een_eigen_nummer(sqlite_site):
    """SQLite has one writer: transactions begin IMMEDIATE and wait for each other (the
    settings), instead of failing with "database is locked" when two write at once."""
    klanten = [Browser(sqlite_site["basis"]) for _ in range(6)]
    formulieren = [klant.formulier("/klacht/", veld="omschrijving") for klant in klanten]
    categorie = next(c for c in formulieren[0]["opties"]["categorie"] if c)
    tegelijk = threading.Barrier(len(klanten))
    antwoorden: list[str] = []

    def indienen(i: int) -> None:
        tegelijk.wait(timeout=30)
        antwoorden.append(
            klanten[i].versturen(
                formulieren[i],
                klant_naam=f"Klant {i}",
                klant_email=f"tegelijk{i}@example.nl",
                omschrijving=f"Gelijktijdige klacht nummer {i} over de premie.",
                privacy_akkoord="on",
                categorie=categorie,
            )
        )

    draden = [threading.Thread(target=indienen, args=(i,)) for i in range(len(klanten))]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join(timeout=90)

    assert antwoorden == ["/klacht/ontvangen/"] * len(klanten)
    nummers = sorted(
        int(nummer[-6:])
        for (nummer,) in sql(
            sqlite_site,
            "SELECT dossiernummer FROM klachten_klacht WHERE klant_email LIKE 'tegelijk%'",
        )
    )
    assert len(nummers) == len(klanten)
    assert nummers == list(range(nummers[0], nummers[0] + len(klanten)))  # consecutive
    assert sql(
        sqlite_site,
        "SELECT count(*) FROM klachten_bericht WHERE soort = 'ontvangstbevestiging'"
        " AND aan LIKE 'tegelijk%'",
    ) == [(len(klanten),)]
    geen_serverfouten(sqlite_site)


def test_medewerker_logt_in_en_werkt_een_dossier_af_op_sqlite(sqlite_site):
    medewerker = Browser(sqlite_site["basis"])
    inloggen = medewerker.formulier("/account/login/", veld="username")
    naar = medewerker.versturen(inloggen, username="teamleider", password="demo")
    tweede_stap, _pagina = medewerker.volgen(naar)  # the queue sends to the second step
    assert tweede_stap.startswith("/account/tweestaps/")
    code = f"{totp(bytes.fromhex(sqlite_site['sleutel'])):06d}"
    naar = medewerker.versturen(medewerker.formulier(tweede_stap, veld="code"), code=code)
    assert naar.startswith("/medewerker/")

    werkvoorraad = medewerker.get("/medewerker/")
    dossiers = re.findall(r'href="(/medewerker/klachten/KL-\d{4}-\d{6}/)"', werkvoorraad)
    assert dossiers
    for pad in (
        "/medewerker/?status=in_onderzoek",
        "/medewerker/?status=afgesloten",
        "/medewerker/?zoek=declaratie",
        "/medewerker/verbeterpunten/",
        "/medewerker/klanttevredenheid/",
    ):
        medewerker.get(pad)
    for pad in dossiers[:3]:
        medewerker.get(pad)

    # A workflow action: declare the newest acknowledged complaint that offers it admissible (an
    # e-mail complaint still to classify does not: it is classified first).
    bevestigd = medewerker.get("/medewerker/?status=ontvangst_bevestigd")
    dossier = next(
        pad
        for pad in re.findall(r'href="(/medewerker/klachten/KL-\d{4}-\d{6}/)"', bevestigd)
        if pad + "ontvankelijk-verklaren/" in medewerker.get(pad)
    )
    nummer = dossier.rstrip("/").rsplit("/", 1)[1]
    actie = medewerker.formulier(dossier + "ontvankelijk-verklaren/", veld="versie")
    assert medewerker.versturen(actie) == dossier
    medewerker.get(dossier)
    assert sql(
        sqlite_site, "SELECT status FROM klachten_klacht WHERE dossiernummer = ?", nummer
    ) == [("in_onderzoek",)]
    notitie = medewerker.formulier(dossier + "notitie-toevoegen/", veld="tekst")
    assert medewerker.versturen(notitie, tekst="Gebeld met de klant.") == dossier
    assert "Gebeld met de klant." in medewerker.get(dossier)

    # The month report: this month (live figures) and the one before.
    pad, rapport = medewerker.volgen("/medewerker/rapportage/")
    assert re.fullmatch(r"/medewerker/rapportage/\d{4}/\d{1,2}/(\?.*)?", pad)
    assert 'id="rapport-titel"' in rapport
    vorige = (dt.datetime.now(tz=dt.UTC).date().replace(day=15) - dt.timedelta(days=30)).strftime(
        "%Y-%m"
    )
    _pad_vorige, rapport = medewerker.volgen(f"/medewerker/rapportage/?maand={vorige}")
    assert 'id="rapport-titel"' in rapport
    geen_serverfouten(sqlite_site)


def test_klant_beantwoordt_de_enquete_op_sqlite(sqlite_site):
    klant = Browser(sqlite_site["basis"])
    pad = f"/enquete/{sqlite_site['enquete']}/"
    formulier = klant.formulier(pad, veld="toelichting")

    naar = klant.versturen(formulier, rapportcijfer="4", nps_score="3", toelichting="Te lang.")

    assert naar == pad + "bedankt/"
    klant.get(naar)
    assert sql(
        sqlite_site,
        "SELECT r.rapportcijfer, u.status FROM klanttevredenheid_respons r"
        " JOIN klanttevredenheid_uitnodiging u ON u.contactmoment_id = r.contactmoment_id"
        " WHERE u.token = ?",
        sqlite_site["enquete"],
    ) == [(4, "beantwoord")]
    geen_serverfouten(sqlite_site)
