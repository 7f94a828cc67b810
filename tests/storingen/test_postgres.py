"""PostgreSQL stopped and started under a live server while customers submit the complaint form
(issue 15, acceptance 2; DESIGN.md section 13; docs/storingen.md).

A throwaway cluster (tests/processen.py: initdb + pg_ctl on its own port) holds a copy of the test
database (pg_dump | pg_restore: about 1 s here, where running the migrations takes about 19 s);
gunicorn serves the application on it with production settings (persistent connections, 60 s,
with health checks). Customers in several threads fetch the form and send it, as a browser
without JavaScript does. The test stops the cluster twice, `-m fast` (a clean restart: sessions
ended) and `-m immediate` (a crash: recovery at start), for a few seconds each, and starts it
again; gunicorn and the Celery worker are never restarted.

What must hold: during the gap only 503 answers (never a 500); afterwards the server serves again
by itself; every complaint whose POST got a success is stored once, and a customer who got the
503 and sends the same form again (the one-time key) ends with one complaint and learns its
dossiernummer; no complaint without its dossiernummer, its ONTVANGEN timeline entry, its history
row and exactly one acknowledgement in the outbox. The worker that lived through the outages then
delivers every acknowledgement to the SMTP server, each once (a second copy can only be the
window berichten.bericht_afleveren describes: the server took it, the COMMIT that records it did
not happen; that copy carries the same Message-ID).

The cluster runs with fsync off for speed (it only matters when the machine itself crashes), but
the database has synchronous_commit on, as production must: with it off, `-m immediate` loses
the last commits that customers were already told about.
"""

import re
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection

from tests.processen import (
    PG_BIN,
    Bezoeker,
    Mailserver,
    PostgresCluster,
    RedisServer,
    Webserver,
    Worker,
    app_omgeving,
    klachtgegevens,
    sweep_sturen,
    verborgen_velden,
    wacht_tot,
)

pytestmark = pytest.mark.django_db(transaction=True)

KLANTEN = 4  # threads sending the form at the same time
GAT_S = 3  # how long PostgreSQL is away
DOSSIERNUMMER = re.compile(r'id="dossiernummer">(KL-\d{4}-\d{6})<')


@dataclass
class Verloop:
    """What the customers saw."""

    statussen: Counter = field(default_factory=Counter)  # (method, status) -> count
    opgeslagen: dict = field(default_factory=dict)  # one-time key -> dossiernummer or None
    niet_ontvangen: set = field(default_factory=set)  # keys whose POST got the 503 page
    onverwacht: list = field(default_factory=list)  # anything else, to show when failing
    slot: threading.Lock = field(default_factory=threading.Lock)

    def noteer(self, methode: str, status: int) -> None:
        with self.slot:
            self.statussen[(methode, status)] += 1


def _cluster_vullen(cluster: PostgresCluster) -> None:
    """The test database's schema and data (label, categorie) into the throwaway cluster."""
    instellingen = connection.settings_dict
    bron = (
        f"postgres://{instellingen['USER']}@{instellingen['HOST'] or '127.0.0.1'}:"
        f"{instellingen['PORT'] or 5432}/{instellingen['NAME']}"
    )
    cluster.psql("CREATE DATABASE klachten")
    # What production has by default; the cluster's command line turns it off for speed.
    cluster.psql("ALTER DATABASE klachten SET synchronous_commit = on")
    dump = subprocess.Popen([str(PG_BIN / "pg_dump"), "-Fc", "-d", bron], stdout=subprocess.PIPE)
    subprocess.run(
        [str(PG_BIN / "pg_restore"), "--no-owner", "-d", cluster.url("klachten")],
        stdin=dump.stdout,
        check=True,
        capture_output=True,
    )
    assert dump.wait() == 0


def _bevestiging(bezoeker: Bezoeker) -> str | None:
    """The dossiernummer on the confirmation page (None when that page met the gap)."""
    antwoord = bezoeker.get("/klacht/ontvangen/")
    gevonden = DOSSIERNUMMER.search(antwoord.text) if antwoord.status_code == 200 else None
    return gevonden.group(1) if gevonden else None


def _versturen(bezoeker: Bezoeker, verloop: Verloop, gegevens: dict, verborgen: dict) -> bool:
    """Send the form once; True when the complaint is in (a success or the dossiernummer)."""
    antwoord = bezoeker.post("/klacht/", gegevens, verborgen=verborgen)
    verloop.noteer("POST", antwoord.status_code)
    sleutel = verborgen["formulier_sleutel"]
    if antwoord.status_code == 302 and antwoord.headers["Location"].endswith("/klacht/ontvangen/"):
        with verloop.slot:
            verloop.opgeslagen[sleutel] = None
        nummer = _bevestiging(bezoeker)
        with verloop.slot:
            verloop.opgeslagen[sleutel] = nummer
        return True
    gevonden = DOSSIERNUMMER.search(antwoord.text)
    if antwoord.status_code == 200 and gevonden:  # stored; the session could not be saved
        with verloop.slot:
            verloop.opgeslagen[sleutel] = gevonden.group(1)
        return True
    if antwoord.status_code == 503 and "Uw klacht is nog niet ontvangen" in antwoord.text:
        assert antwoord.headers["Retry-After"] == "60"
        with verloop.slot:
            verloop.niet_ontvangen.add(sleutel)
        return False
    with verloop.slot:
        verloop.onverwacht.append((antwoord.status_code, antwoord.text[:300]))
    return False


def _klant(basis_url: str, nummer: int, categorie_id: int, verloop: Verloop, stop: threading.Event):
    """One customer after another at this thread's address: fetch the form, send it; after a 503
    send the same form again (its key) until it is in, as a customer told to try again does."""
    volgnummer = 0
    while not stop.is_set():
        volgnummer += 1
        bezoeker = Bezoeker(basis_url, ip=f"198.51.100.{nummer}", timeout=20)
        formulier = bezoeker.get("/klacht/")
        verloop.noteer("GET", formulier.status_code)
        if formulier.status_code != 200:
            time.sleep(0.2)
            continue
        verborgen = verborgen_velden(formulier.text)
        gegevens = klachtgegevens(
            categorie_id=categorie_id, email=f"klant{nummer}-{volgnummer}@example.nl"
        )
        while not _versturen(bezoeker, verloop, gegevens, verborgen):
            time.sleep(0.3)  # "try again in a minute", sooner in a test


def _klachten(cluster: PostgresCluster) -> dict[str, str]:
    regels = cluster.psql(
        "SELECT formulier_sleutel, dossiernummer FROM klachten_klacht ORDER BY id", "klachten"
    )
    paren = [regel.split("|") for regel in regels.splitlines() if regel]
    sleutels = [sleutel for sleutel, _nummer in paren]
    assert len(sleutels) == len(set(sleutels)), "a key stored twice"
    return dict(paren)


HALF_GESCHREVEN = """
SELECT k.dossiernummer FROM klachten_klacht k
WHERE k.dossiernummer !~ '^KL-[0-9]{4}-[0-9]{6}$'
   OR NOT EXISTS (SELECT 1 FROM klachten_gebeurtenis g
                  WHERE g.klacht_id = k.id AND g.soort = 'ontvangen')
   OR NOT EXISTS (SELECT 1 FROM klachten_historicalklacht h WHERE h.id = k.id)
   OR (SELECT count(*) FROM klachten_bericht b
       WHERE b.klacht_id = k.id AND b.soort = 'ontvangstbevestiging') <> 1
"""


WACHTEND = "SELECT count(*) FROM klachten_bericht WHERE status = 'wachtend'"
VERZONDEN_IDS = """
SELECT b.id || '|' || to_char(b.created_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS')
FROM klachten_bericht b WHERE b.status = 'verzonden' AND b.soort = 'ontvangstbevestiging'
"""


def _message_id(regel: str) -> str:
    """The Message-ID berichten.message_id gives the message of a VERZONDEN_IDS row."""
    pk, aangemaakt = regel.split("|")
    return f"<bericht-{pk}.{aangemaakt}@example.nl>"


def _zelfde_formulier_twee_keer_tegelijk(basis_url: str, categorie_id: int) -> list:
    """One form sent twice at the same moment (a double click): both answers, in order."""
    bezoeker = Bezoeker(basis_url, ip="198.51.100.200")
    verborgen = bezoeker.formulier("/klacht/")
    gegevens = klachtgegevens(categorie_id=categorie_id, email="dubbelklik@example.nl")
    antwoorden: list = [None, None]

    def sturen(i: int) -> None:
        tab = Bezoeker(basis_url, ip="198.51.100.200")  # the same browser: its cookies
        tab.sessie.cookies.update(bezoeker.sessie.cookies)
        antwoorden[i] = tab.post("/klacht/", gegevens, verborgen=verborgen)

    draden = [threading.Thread(target=sturen, args=(i,)) for i in range(2)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join(30)
    return [verborgen["formulier_sleutel"], *antwoorden]


def test_postgres_herstart_onder_belasting_geeft_503_en_verliest_niets(label, categorie):
    with PostgresCluster() as cluster, RedisServer() as redis, Mailserver() as mail:
        _cluster_vullen(cluster)
        omgeving = app_omgeving(
            database_url=cluster.url("klachten"),
            DJANGO_CONN_MAX_AGE="60",
            CACHE_URL="locmemcache://",
            KLACHT_FORMULIER_LIMIET="10000/h",  # a few addresses send many forms here
            REDIS_URL=redis.url(0),
            CELERY_BROKER_URL=redis.url(0),
            DJANGO_LOG_LEVEL="WARNING",
            BERICHTEN_SWEEP_WACHTTIJD_S="0",  # the sweep takes what waits, however young
            **mail.django_instellingen(),
        )
        with (
            Webserver(omgeving=omgeving, processen=2) as server,
            Worker(omgeving=omgeving) as worker,
        ):
            verloop = Verloop()
            stop = threading.Event()
            klanten = [
                threading.Thread(
                    target=_klant, args=(server.url, i, categorie.pk, verloop, stop), daemon=True
                )
                for i in range(1, KLANTEN + 1)
            ]
            for klant in klanten:
                klant.start()

            def opgeslagen() -> int:
                with verloop.slot:
                    return len(verloop.opgeslagen)

            for modus in ("fast", "immediate"):
                voor = opgeslagen()
                assert wacht_tot(lambda v=voor: opgeslagen() >= v + 2 * KLANTEN, seconden=20), (
                    verloop.statussen,
                    server.log()[-3000:],
                )
                # One more customer has the form open when the database goes, and sends it in
                # the gap (the threads above may all happen to be fetching the form then).
                in_het_gat = Bezoeker(server.url, ip="198.51.100.200", timeout=20)
                verborgen = verborgen_velden(in_het_gat.get("/klacht/").text)
                gegevens = klachtgegevens(
                    categorie_id=categorie.pk, email=f"in-het-gat-{modus}@example.nl"
                )
                cluster.stoppen(modus)
                tijdens = sum(verloop.statussen.values())
                assert not _versturen(in_het_gat, verloop, gegevens, verborgen)
                time.sleep(GAT_S)  # the outage itself; nothing is measured by this wait
                assert sum(verloop.statussen.values()) > tijdens, "nobody came during the gap"
                cluster.starten()
                # "Try again in a minute": the same form, once the database is back.
                assert wacht_tot(
                    lambda b=in_het_gat, g=gegevens, v=verborgen: _versturen(b, verloop, g, v),
                    seconden=20,
                    stap=0.3,
                )
                # Served again without restarting anything.
                na = opgeslagen()
                assert wacht_tot(lambda n=na: opgeslagen() >= n + KLANTEN, seconden=20), (
                    verloop.statussen,
                    server.log()[-3000:],
                )

            stop.set()
            for klant in klanten:
                klant.join(30)
            assert not any(klant.is_alive() for klant in klanten)

            sleutel, eerste, tweede = _zelfde_formulier_twee_keer_tegelijk(server.url, categorie.pk)
            boots = server.log().count("Booting worker")
            log = server.log()

            # What beat does every minute: the same worker (its tasks of the gap failed on the
            # database) sends whatever still waits.
            sweep_sturen(redis.url(0))
            assert wacht_tot(lambda: cluster.psql(WACHTEND, "klachten") == "0", seconden=60), (
                worker.log()[-3000:]
            )
            worker_leeft = worker.proces.poll() is None
            verzonden = cluster.psql(VERZONDEN_IDS, "klachten").splitlines()

        klachten = _klachten(cluster)
        half = cluster.psql(HALF_GESCHREVEN, "klachten")

    statussen = verloop.statussen
    assert verloop.onverwacht == []
    assert not [s for s in statussen if s[1] >= 500 and s[1] != 503], statussen
    assert statussen[("POST", 503)] >= 1, statussen  # the gap was met by a submission
    assert boots == 2, log[-3000:]  # the same two gunicorn workers throughout
    assert "Internal Server Error" not in log

    # Every customer told "received" (or who sent the same form again after the 503) has
    # exactly one complaint, and the stored complaints are exactly theirs.
    assert verloop.niet_ontvangen <= set(verloop.opgeslagen)
    ontbreekt = set(verloop.opgeslagen) - set(klachten)
    assert not ontbreekt, f"told received, not stored: {ontbreekt}"
    assert set(klachten) == set(verloop.opgeslagen) | {sleutel}
    for formulier_sleutel, nummer in verloop.opgeslagen.items():
        assert nummer in (None, klachten[formulier_sleutel])
    assert half == ""

    # Every acknowledgement reached the mail server, sent by the worker that lived through it.
    assert worker_leeft
    ontvangen = mail.message_ids()
    assert len(verzonden) == len(klachten)
    assert {_message_id(regel) for regel in verzonden} == set(ontvangen)
    dubbel = {mid: n for mid, n in ontvangen.items() if n > 1}
    assert sum(dubbel.values()) <= 2 * len(dubbel) <= 4, dubbel  # at most the window, per stop

    # The same form twice at once: one complaint, both answers lead to it.
    assert {eerste.status_code, tweede.status_code} == {302}
    assert sum(1 for s in klachten if s == sleutel) == 1
