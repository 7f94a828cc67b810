"""A Celery worker killed while it sends loses nothing and sends nothing twice (issue 8; DESIGN.md
section 5): acks_late with an idempotent outbox.

Everything here is real: the worker is a separate `celery worker` process (prefork pool, the
project's own Celery settings) on a private redis-server that this module starts on a free port
(tests/processen.py; never the shared Redis; its database emptied before and after each test), it
sends through Django's SMTP backend to an SMTP server (aiosmtpd) running in a thread of the test,
and it is killed with SIGKILL, as the OOM killer or a crashing machine would. The SMTP server can
hold its reply to the end of DATA: the worker is then caught in the middle of sending, its row
locked, while the test kills it.

An SMTP server takes responsibility for a message with its "250" reply to DATA (RFC 5321, 6.1).
Killed before that reply, the message has not been accepted: it must go out once, later. Killed
after the server accepted it but before the worker's COMMIT, the worker cannot know: the message
goes out again with the same Message-ID (the window berichten.bericht_afleveren describes).
"""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from klachten import berichten
from klachten.berichten.tasks import bericht_afleveren, openstaande_berichten_verzenden
from klachten.models import Bericht, BerichtStatus, Kanaal
from tests.factories import KlachtFactory
from tests.klachten.test_celery_worker import celery_via, status_van, storing_duurde_een_minuut
from tests.processen import Mailserver, RedisServer, wacht_tot

AFLEVEREN = "klachten.tasks.bericht_afleveren"
SWEEP = "klachten.tasks.openstaande_berichten_verzenden"
PROJECT = Path(__file__).resolve().parents[2]

# The worker process: the project's Celery app with its own settings; the test only shortens
# broker transport options where it says so (how soon Redis hands out a dead worker's message),
# and the outbox's lock limit (VERGRENDELING_MAXIMAAL), so it need not wait minutes.
WORKER = """
import json, sys, datetime as dt
import django
django.setup()
from config.celery_app import app
from klachten.berichten import afleveren
opties = json.loads(sys.argv[1])
app.conf.broker_transport_options = {**app.conf.broker_transport_options, **opties["transport"]}
if opties["vergrendeling_s"]:
    afleveren.VERGRENDELING_MAXIMAAL = dt.timedelta(seconds=opties["vergrendeling_s"])
app.worker_main(sys.argv[2:])
"""


@pytest.fixture
def mailserver():
    """The SMTP server, on a free port of 127.0.0.1, for this test only."""
    with Mailserver() as server:
        yield server


# Real worker processes ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server():
    """A private redis-server for this module (started here, killed afterwards)."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def broker_url(redis_server) -> str:
    return redis_server.url(0)


@pytest.fixture
def broker_db(broker_url):
    """The private broker's database, empty before and after (unacknowledged messages live
    there)."""
    verbinding = redis.Redis.from_url(broker_url, socket_connect_timeout=2)
    verbinding.flushdb()
    yield verbinding
    verbinding.flushdb()
    verbinding.close()


class Worker:
    """`celery worker` in a process group of its own, consuming one queue, logging to a file."""

    def __init__(self, *, wachtrij: str, omgeving: dict, log: Path, concurrency: int, opties):
        self.log = log
        with log.open("wb") as uit:
            self.proces = subprocess.Popen(
                [
                    *(sys.executable, "-c", WORKER, json.dumps(opties), "worker"),
                    *("-Q", wachtrij, "-n", f"{log.stem}@%h", "-P", "prefork"),
                    *("-c", str(concurrency), "-l", "INFO"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=PROJECT,
                env=omgeving,
                stdout=uit,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wacht_tot_klaar(self) -> "Worker":
        assert wacht_tot(lambda: " ready." in self.uitvoer() or self.proces.poll() is not None)
        assert self.proces.poll() is None, self.uitvoer()
        return self

    def uitvoer(self) -> str:
        return self.log.read_text(errors="replace")

    def poolprocessen(self) -> list[int]:
        pid = self.proces.pid
        kinderen = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(kind) for kind in kinderen]

    def geslaagd(self, taak: str) -> list[str]:
        """Return values of the runs of `taak` that finished, in order, from the worker's log."""
        return re.findall(
            rf"Task {re.escape(taak)}\[[^\]]+\] succeeded in [\d.e-]+s: (\S+)", self.uitvoer()
        )

    def doden(self) -> None:
        """SIGKILL to the worker and its pool processes: no warm shutdown, nothing handed back."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proces.pid, signal.SIGKILL)
        self.proces.wait(timeout=10)


def database_url_van_de_test() -> str:
    instellingen = connection.settings_dict
    gebruiker = quote(instellingen["USER"] or "")
    if instellingen["PASSWORD"]:
        gebruiker += ":" + quote(instellingen["PASSWORD"])
    return (
        f"postgres://{gebruiker}@{instellingen['HOST'] or '127.0.0.1'}:"
        f"{instellingen['PORT'] or 5432}/{instellingen['NAME']}"
    )


@pytest.fixture
def wachtrij(broker_db):
    return f"gedood-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def workers(transactional_db, mailserver, broker_url, wachtrij, tmp_path):
    """Starts workers on the test database and the test's SMTP server; kills what is left over
    before the database is emptied."""
    omgeving = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url_van_de_test(),
        "CELERY_BROKER_URL": broker_url,
        "CACHE_URL": "locmemcache://",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailserver.poort),
        "EMAIL_USE_TLS": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        "DJANGO_STORAGE": "schijf",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_LOG_LEVEL": "INFO",
        # Django's system checks at every worker start cost seconds; they are the deploy check's
        # job (scripts/test), not these tests'.
        "CELERY_SKIP_CHECKS": "1",
    }
    gestart: list[Worker] = []

    def starten(
        *, concurrency: int = 1, zichtbaarheid_s: float | None = None, vergrendeling_s=None
    ) -> Worker:
        transport = {}
        if zichtbaarheid_s is not None:
            # A message of a dead worker goes to another one after this, checked every second.
            transport = {
                "visibility_timeout": zichtbaarheid_s,
                "unacked_restore_interval": 1,
                "unacked_restore_throttle": 1,
            }
        worker = Worker(
            wachtrij=wachtrij,
            omgeving=omgeving,
            log=tmp_path / f"worker{len(gestart) + 1}.log",
            concurrency=concurrency,
            opties={"transport": transport, "vergrendeling_s": vergrendeling_s},
        )
        gestart.append(worker)
        return worker.wacht_tot_klaar()

    with celery_via(broker_url, wachtrij):
        yield starten
    for worker in gestart:
        worker.doden()


@pytest.fixture
def zonder_eigen_taak(monkeypatch):
    """The message is written, but the test publishes its task itself (how and when it says)."""
    monkeypatch.setattr(berichten, "bericht_in_wachtrij", lambda *, bericht_id: None)


def webklacht(categorie) -> Bericht:
    klacht = KlachtFactory(
        categorie=categorie, kanaal=Kanaal.WEBFORMULIER, klant_email="anna@example.nl"
    )
    return klacht.berichten.get()


def broker_is_leeg(broker_db, wachtrij: str) -> bool:
    """No message left in the queue, and none unacknowledged."""
    return broker_db.llen(wachtrij) == 0 and broker_db.hlen("unacked") == 0


def bericht_is_vrij(bericht: Bericht) -> bool:
    """Nobody holds the row any more (a killed worker's transaction is gone)."""
    with transaction.atomic():
        vrij = Bericht.objects.select_for_update(skip_locked=True).filter(pk=bericht.pk)
        return bool(list(vrij.values_list("pk", flat=True)))


# Killed while sending ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_gedood_tijdens_het_verzenden_bezorgt_het_bericht_daarna_precies_een_keer(
    workers, mailserver, categorie, broker_db, wachtrij
):
    """The whole worker dies (SIGKILL to it and its pool) before the mail server accepted the
    customer's acknowledgement: nothing went out, the row is still pending, and what takes over
    (the redelivered task, beat's sweep) sends it once."""
    worker = workers()
    mailserver.houd_vast("voor_aanname")
    bericht = webklacht(categorie)  # its task goes to the worker after commit

    assert mailserver.wacht_op_antwoord.wait(30), worker.uitvoer()
    worker.doden()
    assert mailserver.verbinding_weg.wait(10)
    mailserver.loslaten.set()

    # Nothing went out, nothing is lost: the message is still pending, its attempt undone, and
    # its task unacknowledged in Redis.
    assert wacht_tot(lambda: bericht_is_vrij(bericht))
    bericht.refresh_from_db()
    assert (bericht.status, bericht.pogingen) == (BerichtStatus.WACHTEND, 0)
    assert mailserver.aangenomen == []
    assert broker_db.hlen("unacked") == 1

    # A new worker. Beat's sweep runs there a minute later, and Redis hands it the dead worker's
    # task after the visibility timeout (shortened here from an hour): one of them sends it, the
    # other finds nothing left to send. The row is aged before the new worker starts, so that
    # both read the same creation moment (the Message-ID is built from it).
    storing_duurde_een_minuut(bericht)
    nieuw = workers(zichtbaarheid_s=1)
    openstaande_berichten_verzenden.delay()
    assert wacht_tot(lambda: nieuw.geslaagd(AFLEVEREN) and nieuw.geslaagd(SWEEP)), nieuw.uitvoer()

    assert (nieuw.geslaagd(AFLEVEREN), nieuw.geslaagd(SWEEP)) in [
        (["True"], ["0"]),
        (["False"], ["1"]),
    ]
    bericht.refresh_from_db()
    assert [m["To"] for m in mailserver.aangenomen] == ["anna@example.nl"]
    assert mailserver.message_ids() == {berichten.message_id(bericht): 1}
    assert (bericht.status, bericht.pogingen) == (BerichtStatus.VERZONDEN, 1)
    assert bericht.verzonden_op is not None
    # acks_late: the worker acknowledges after it logged the task's result.
    assert wacht_tot(lambda: broker_is_leeg(broker_db, wachtrij))


@pytest.mark.django_db(transaction=True)
def test_gedood_poolproces_geeft_de_taak_terug_en_de_worker_verstuurt_het_een_keer(
    workers, mailserver, categorie, broker_db, wachtrij
):
    """The OOM killer takes the pool process, not the worker: reject_on_worker_lost puts the task
    back at once (without it the task would be failed and acknowledged, left to the sweep)."""
    worker = workers()
    mailserver.houd_vast("voor_aanname")
    bericht = webklacht(categorie)

    assert mailserver.wacht_op_antwoord.wait(30), worker.uitvoer()
    [poolproces] = worker.poolprocessen()
    os.kill(poolproces, signal.SIGKILL)
    assert mailserver.verbinding_weg.wait(10)
    mailserver.loslaten.set()

    assert wacht_tot(lambda: status_van(bericht) == BerichtStatus.VERZONDEN), worker.uitvoer()
    assert wacht_tot(lambda: broker_is_leeg(broker_db, wachtrij))
    assert worker.geslaagd(AFLEVEREN) == ["True"]
    assert mailserver.message_ids() == {berichten.message_id(bericht): 1}
    bericht.refresh_from_db()
    assert bericht.pogingen == 1


@pytest.mark.django_db(transaction=True)
def test_gedood_nadat_de_mailserver_het_aannam_gaat_het_nogmaals_met_dezelfde_message_id(
    workers, mailserver, categorie
):
    """The window that cannot be closed: the server accepted the message, the worker died
    before its COMMIT. The message goes out again (nothing is lost); both copies carry the same
    Message-ID, by which the recipient's mail client can recognise them as one."""
    worker = workers()
    mailserver.houd_vast("na_aanname")
    bericht = webklacht(categorie)

    assert mailserver.wacht_op_antwoord.wait(30), worker.uitvoer()
    [poolproces] = worker.poolprocessen()
    os.kill(poolproces, signal.SIGKILL)
    assert mailserver.verbinding_weg.wait(10)
    mailserver.loslaten.set()

    assert wacht_tot(lambda: status_van(bericht) == BerichtStatus.VERZONDEN), worker.uitvoer()
    assert mailserver.message_ids() == {berichten.message_id(bericht): 2}
    eerste, tweede = mailserver.aangenomen
    assert eerste.get_content() == tweede.get_content()
    bericht.refresh_from_db()  # composed by the worker (berichten.uitgesteld)
    assert eerste["Subject"] == tweede["Subject"] == bericht.onderwerp


# Killed before it started ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_gedood_voordat_de_taak_begon_bezorgt_het_bericht_daarna_een_keer(
    workers, mailserver, categorie, broker_db, wachtrij, zonder_eigen_taak
):
    """The worker had taken the task from the queue, waiting for its moment (a retry's
    countdown), and died: with acks_late it was never acknowledged, so Redis gives it to the
    next worker."""
    worker = workers()
    bericht = webklacht(categorie)
    bericht_afleveren.apply_async((bericht.pk,), countdown=3)

    # In the worker's hands, not in the queue: unacknowledged in Redis.
    assert wacht_tot(lambda: " received" in worker.uitvoer()), worker.uitvoer()
    assert broker_db.llen(wachtrij) == 0
    assert broker_db.hlen("unacked") == 1
    worker.doden()
    assert status_van(bericht) == BerichtStatus.WACHTEND

    nieuw = workers(zichtbaarheid_s=1)
    assert wacht_tot(lambda: status_van(bericht) == BerichtStatus.VERZONDEN), nieuw.uitvoer()
    assert wacht_tot(lambda: broker_is_leeg(broker_db, wachtrij))
    # With a visibility timeout this short Redis may hand the task out once more while it runs:
    # then one run sends and the other finds it sent. Sent once either way.
    assert nieuw.geslaagd(AFLEVEREN).count("True") == 1
    assert mailserver.message_ids() == {berichten.message_id(bericht): 1}

    # Beat's next sweep finds nothing to send.
    storing_duurde_een_minuut(bericht)
    openstaande_berichten_verzenden.delay()
    assert wacht_tot(lambda: nieuw.geslaagd(SWEEP) == ["0"]), nieuw.uitvoer()
    assert len(mailserver.aangenomen) == 1


# Delivered twice -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_dezelfde_taak_twee_keer_afgeleverd_verstuurt_het_bericht_een_keer(
    workers, mailserver, categorie, broker_db, wachtrij, zonder_eigen_taak
):
    """A redelivered task (same task id) runs next to the first and once more afterwards."""
    worker = workers(concurrency=2)
    mailserver.houd_vast("voor_aanname")
    bericht = webklacht(categorie)
    taak_id = str(uuid.uuid4())

    bericht_afleveren.apply_async((bericht.pk,), task_id=taak_id)
    assert mailserver.wacht_op_antwoord.wait(30), worker.uitvoer()
    # The copy runs in the other pool process while the first holds the row: it skips it.
    bericht_afleveren.apply_async((bericht.pk,), task_id=taak_id)
    assert wacht_tot(lambda: worker.geslaagd(AFLEVEREN) == ["False"]), worker.uitvoer()

    mailserver.loslaten.set()
    assert wacht_tot(lambda: worker.geslaagd(AFLEVEREN) == ["False", "True"]), worker.uitvoer()
    # A copy that comes late finds the message sent.
    bericht_afleveren.apply_async((bericht.pk,), task_id=taak_id)
    assert wacht_tot(lambda: len(worker.geslaagd(AFLEVEREN)) == 3), worker.uitvoer()

    assert worker.geslaagd(AFLEVEREN) == ["False", "True", "False"]
    assert mailserver.message_ids() == {berichten.message_id(bericht): 1}
    bericht.refresh_from_db()
    assert (bericht.status, bericht.pogingen) == (BerichtStatus.VERZONDEN, 1)
    assert wacht_tot(lambda: broker_is_leeg(broker_db, wachtrij))


# A worker that hangs without dying -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_vastgelopen_worker_houdt_het_bericht_niet_langer_vast_dan_de_grens(
    workers, mailserver, categorie
):
    """A worker frozen mid-send (SIGSTOP: a machine gone without closing its connections) does
    not keep its message locked until TCP keepalive notices: after VERGRENDELING_MAXIMAAL (2 s
    here, 5 minutes in production) PostgreSQL ends its session and the sweep sends the message."""
    bevroren = workers(vergrendeling_s=2)
    mailserver.houd_vast("voor_aanname")
    bericht = webklacht(categorie)
    assert mailserver.wacht_op_antwoord.wait(30), bevroren.uitvoer()
    os.killpg(bevroren.proces.pid, signal.SIGSTOP)

    assert wacht_tot(lambda: bericht_is_vrij(bericht), seconden=15)
    nieuw = workers()
    storing_duurde_een_minuut(bericht)
    openstaande_berichten_verzenden.delay()
    assert wacht_tot(lambda: nieuw.geslaagd(SWEEP) == ["1"]), nieuw.uitvoer()
    bericht.refresh_from_db()

    # The frozen machine never comes back; its half conversation is dropped by the server.
    bevroren.doden()
    assert mailserver.verbinding_weg.wait(10)
    mailserver.loslaten.set()
    assert mailserver.message_ids() == {berichten.message_id(bericht): 1}
    assert status_van(bericht) == BerichtStatus.VERZONDEN
