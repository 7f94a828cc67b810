"""Mail through a real Celery worker on the real Redis broker, and the outbox when the broker or the
mail server is down (issue 4, acceptance 3; DESIGN.md section 5).

The other tests run Celery tasks eagerly. Here `celery.contrib.testing.worker.start_worker` runs a
real worker (solo pool) in a thread of the test process, consuming from Redis: it sees the rows the
test committed (hence `transaction=True`) and delivers to the same in-memory mail outbox. The broker
is a private redis-server that this module starts for itself on a free port (tests/processen.py;
never the shared Redis), and each test publishes on a queue of its own there, removed afterwards. The sweep only takes messages pending longer than 30
seconds: instead of waiting, a test makes the outage last a minute by moving `created_at` back.
"""

import contextlib
import datetime as dt
import logging
import socket
import threading
import time
import uuid
from io import StringIO

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import setup_logging, task_postrun
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from klachten import berichten, broker
from klachten.berichten.tasks import bericht_afleveren, openstaande_berichten_verzenden
from klachten.models import Bericht, BerichtStatus, Kanaal, Klacht, Termijnsignaal
from klachten.tasks import termijnen_bewaken
from tests.factories import KlachtFactory
from tests.processen import RedisServer, wacht_tot

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
AFLEVEREN = "klachten.tasks.bericht_afleveren"
SWEEP = "klachten.tasks.openstaande_berichten_verzenden"


class KapotteMailBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Mailserver onbereikbaar")


def status_van(bericht: Bericht) -> str:
    return Bericht.objects.values_list("status", flat=True).get(pk=bericht.pk)


def storing_duurde_een_minuut(bericht: Bericht) -> None:
    """Written a minute ago: old enough for the sweep (it leaves messages under 30 s alone), and
    the back-off of a failed first attempt (one minute, berichten.terugval) is over."""
    Bericht.objects.filter(pk=bericht.pk).update(
        created_at=F("created_at") - dt.timedelta(minutes=1),
        volgende_poging_op=F("volgende_poging_op") - dt.timedelta(minutes=1),
    )


def _verbindingen_vergeten() -> None:
    """Celery caches the broker connection pool, and the queue, exchange and message sender of the
    first use (`app.amqp`): built anew, they follow the configuration as it is now."""
    app._pool = None
    app.__dict__.pop("amqp", None)


@contextlib.contextmanager
def celery_via(broker_url: str, wachtrij: str):
    """Tasks go to the broker for real (not eagerly), on the test's own queue."""
    anders = {
        "task_always_eager": False,
        "broker_url": broker_url,
        "task_default_queue": wachtrij,
        # No remote-control mailbox: nothing broadcast by others reaches this worker.
        "worker_enable_remote_control": False,
    }
    vorige = {sleutel: app.conf[sleutel] for sleutel in anders}
    app.conf.update(anders)
    _verbindingen_vergeten()
    try:
        yield
    finally:
        app.conf.update(vorige)
        _verbindingen_vergeten()


def _logging_laten_zoals_het_is(**kwargs) -> None:
    """Receiving `setup_logging` stops Celery from configuring logging itself (it would set the
    root logger to the worker's level, ERROR, for the rest of the test run)."""


@contextlib.contextmanager
def worker_draait():
    """A real worker in a thread of this process, consuming the configured queue."""
    root = logging.getLogger()
    handlers = root.handlers[:]
    setup_logging.connect(_logging_laten_zoals_het_is)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False) as worker:
            # Celery's Django fixup runs django.setup() again at the first start, which applies
            # LOGGING anew and drops pytest's capture handlers: give them back.
            root.handlers[:] = handlers
            yield worker
    finally:
        setup_logging.disconnect(_logging_laten_zoals_het_is)


@pytest.fixture(scope="module")
def redis_server():
    """A private redis-server for this module (started here, killed afterwards)."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def broker_url(redis_server) -> str:
    return redis_server.url(0)


@pytest.fixture
def wachtrij(broker_url):
    """A queue name of this test's own on the private broker; removed afterwards."""
    verbinding = redis.Redis.from_url(broker_url, socket_connect_timeout=2)
    naam = f"klachten-test-{uuid.uuid4().hex[:12]}"
    yield naam
    for sleutel in verbinding.scan_iter(match=f"*{naam}*"):
        verbinding.delete(sleutel)
    verbinding.close()


@pytest.fixture
def onbereikbare_broker():
    """A Redis URL nobody answers on: a port that is bound but never listens refuses connections."""
    with socket.socket() as poort:
        poort.bind(("127.0.0.1", 0))
        yield f"redis://127.0.0.1:{poort.getsockname()[1]}/0"


@pytest.fixture
def uitgevoerde_taken():
    """Tasks that ran: (name, state, return value, eagerly?, in the test's own thread?)."""
    uitgevoerd = []
    hoofddraad = threading.current_thread()

    def vastleggen(sender, task, retval, state, **kwargs):
        uitgevoerd.append(
            (
                task.name,
                state,
                retval,
                bool(task.request.is_eager),
                threading.current_thread() is hoofddraad,
            )
        )

    task_postrun.connect(vastleggen, weak=False)
    yield uitgevoerd
    task_postrun.disconnect(vastleggen)


# A real worker on the real Redis broker ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_bezorgt_de_ontvangstbevestiging_van_een_webklacht(
    client, klacht_formulier_data, mailoutbox, broker_url, wachtrij, uitgevoerde_taken
):
    with celery_via(broker_url, wachtrij), worker_draait():
        response = client.post(reverse("klachten:indienen"), klacht_formulier_data)
        assert response.status_code == 302
        bericht = Bericht.objects.get()

        assert wacht_tot(lambda: status_van(bericht) == BerichtStatus.VERZONDEN)

    bericht.refresh_from_db()
    klacht = Klacht.objects.get()
    assert klacht.kanaal == Kanaal.WEBFORMULIER
    assert bericht.klacht == klacht
    assert bericht.verzonden_op is not None
    assert bericht.pogingen == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna@example.nl"]
    assert mailoutbox[0].subject == bericht.onderwerp
    assert klacht.dossiernummer in mailoutbox[0].subject + mailoutbox[0].body
    # Delivered by the worker, from Redis, in its own thread: not eagerly in the request.
    assert uitgevoerde_taken == [(AFLEVEREN, "SUCCESS", True, False, False)]


@pytest.mark.django_db(transaction=True)
def test_beat_run_verdeelt_en_de_worker_escaleert_een_gemiste_termijn(
    mailoutbox, broker_url, wachtrij, uitgevoerde_taken, behandelaar, teamleider, categorie
):
    klacht = KlachtFactory(categorie=categorie)
    gisteren = timezone.localdate() - dt.timedelta(days=1)
    Klacht.objects.filter(pk=klacht.pk).update(
        behandelaar=behandelaar, ontvangstbevestiging_uiterlijk_datum=gisteren
    )

    with celery_via(broker_url, wachtrij), worker_draait():
        termijnen_bewaken.delay()

        assert wacht_tot(lambda: len(mailoutbox) == 2)

    signaal = Termijnsignaal.objects.get()
    assert (signaal.klacht, signaal.soort, signaal.datum) == (klacht, "escalatie", gisteren)
    assert {m.to[0] for m in mailoutbox} == {teamleider.email, behandelaar.email}
    # Beat's task handed the complaint to a batch; the worker ran both, then the two deliveries.
    namen = [naam for naam, *_rest in uitgevoerde_taken]
    assert namen[:2] == ["klachten.tasks.termijnen_bewaken", "klachten.tasks.klachten_bewaken"]
    assert sorted(namen[2:]) == [AFLEVEREN, AFLEVEREN]
    assert all(not eager for _naam, _status, _ret, eager, _draad in uitgevoerde_taken)


# The broker is down at submission ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_klacht_komt_binnen_als_de_broker_plat_ligt_en_de_sweep_bezorgt_later_een_keer(
    client,
    klacht_formulier_data,
    mailoutbox,
    broker_url,
    wachtrij,
    onbereikbare_broker,
    uitgevoerde_taken,
):
    with celery_via(onbereikbare_broker, wachtrij):
        begin = time.monotonic()
        response = client.post(reverse("klachten:indienen"), klacht_formulier_data)
        duur = time.monotonic() - begin

    assert response.status_code == 302
    assert duur < 5, f"de klant wachtte {duur:.1f} s op een onbereikbare broker"
    klacht = Klacht.objects.get()
    assert klacht.dossiernummer in client.get(response.url).content.decode()
    bericht = klacht.berichten.get()
    assert bericht.status == BerichtStatus.WACHTEND
    assert bericht.pogingen == 0
    assert mailoutbox == []
    assert uitgevoerde_taken == []

    # The broker answers again; beat sends the sweep, the worker runs it.
    storing_duurde_een_minuut(bericht)
    with celery_via(broker_url, wachtrij), worker_draait():
        openstaande_berichten_verzenden.delay()
        assert wacht_tot(lambda: status_van(bericht) == BerichtStatus.VERZONDEN)
        # A second sweep (the next beat tick) finds nothing to send.
        assert openstaande_berichten_verzenden() == 0

    bericht.refresh_from_db()
    assert bericht.pogingen == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna@example.nl"]
    assert (SWEEP, "SUCCESS", 1, False, False) in uitgevoerde_taken


def _aangeboden(taak) -> bool:
    broker.storing_opheffen()
    return broker.aanbieden(taak)


def test_een_hangende_broker_houdt_een_verzoek_hooguit_een_halve_seconde_op():
    """Redis frozen (SIGSTOP) accepts the connection and never answers: kombu would wait 15 s.
    klachten.broker gives up after BROKER_WACHTTIJD_S and then leaves the broker alone."""
    with RedisServer() as server, celery_via(server.url(0), "klachten-test-hangend"):
        # A Redis that answers takes the task. The first publish of a process also connects,
        # which on a busy machine may take longer than BROKER_WACHTTIJD_S: try until it took one.
        assert wacht_tot(lambda: _aangeboden(openstaande_berichten_verzenden))
        server.bevriezen()
        try:
            begin = time.monotonic()
            eerste = broker.aanbieden(openstaande_berichten_verzenden)
            duur_eerste = time.monotonic() - begin
            begin = time.monotonic()
            tweede = broker.aanbieden(openstaande_berichten_verzenden)
            duur_tweede = time.monotonic() - begin
            in_storing = broker.in_storing()
        finally:
            server.ontdooien()

    assert (eerste, tweede, in_storing) == (False, False, True)
    assert duur_eerste < 1.5, f"{duur_eerste:.2f} s"  # BROKER_WACHTTIJD_S is 0.5 s
    assert duur_tweede < 0.05, f"{duur_tweede:.3f} s"  # not tried at all during the pause


# The mail server is down at submission -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_bericht_wacht_als_de_mailserver_plat_ligt_en_de_sweep_bezorgt_het_daarna_een_keer(
    client,
    klacht_formulier_data,
    settings,
    mailoutbox,
    broker_url,
    wachtrij,
    monkeypatch,
    uitgevoerde_taken,
):
    settings.EMAIL_BACKEND = f"{__name__}.KapotteMailBackend"
    # The task's retries (30 s back-off and more) have run out: only the sweep is left.
    monkeypatch.setattr(bericht_afleveren, "max_retries", 0)

    with celery_via(broker_url, wachtrij), worker_draait():
        response = client.post(reverse("klachten:indienen"), klacht_formulier_data)
        assert response.status_code == 302
        bericht = Bericht.objects.get()
        assert wacht_tot(lambda: (AFLEVEREN, "FAILURE") in [t[:2] for t in uitgevoerde_taken])
        bericht.refresh_from_db()
        assert bericht.status == BerichtStatus.WACHTEND
        assert bericht.pogingen == 1
        assert "Mailserver onbereikbaar" in bericht.laatste_fout
        assert mailoutbox == []

        settings.EMAIL_BACKEND = LOCMEM
        storing_duurde_een_minuut(bericht)
        openstaande_berichten_verzenden.delay()
        assert wacht_tot(lambda: status_van(bericht) == BerichtStatus.VERZONDEN)
        assert openstaande_berichten_verzenden() == 0

    bericht.refresh_from_db()
    assert bericht.pogingen == 2
    assert bericht.laatste_fout == ""
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == bericht.onderwerp


# The management command -------------------------------------------------------------------------


NU = dt.datetime(2026, 9, 1, 10, 0, tzinfo=timezone.get_default_timezone())


def berichten_verzenden(*args: str) -> str:
    uit = StringIO()
    call_command("berichten_verzenden", *args, stdout=uit)
    return uit.getvalue().strip()


@pytest.fixture
def wachtende_berichten(label, categorie, time_machine):
    """Two acknowledgements written at 10:00 and one at 10:10 whose tasks never ran."""

    def webklacht() -> Bericht:
        klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER)
        return klacht.berichten.get()

    time_machine.move_to(NU, tick=False)
    oud = [webklacht(), webklacht()]
    time_machine.move_to(NU + dt.timedelta(minutes=10), tick=False)
    return [*oud, webklacht()]


@pytest.mark.django_db
def test_berichten_verzenden_haalt_in_wat_op_het_moment_wachtte(
    wachtende_berichten, time_machine, mailoutbox
):
    time_machine.move_to(NU + dt.timedelta(hours=1), tick=False)

    # At 10:10:20 (Amsterdam) the one written at 10:10 had not waited 30 seconds yet.
    uitvoer = berichten_verzenden("--op", "2026-09-01T10:10:20")

    assert uitvoer == "Sweep op 2026-09-01 10:10: 2 verzonden, 0 niet gelukt, 1 nog wachtend."
    assert [status_van(b) for b in wachtende_berichten] == [
        BerichtStatus.VERZONDEN,
        BerichtStatus.VERZONDEN,
        BerichtStatus.WACHTEND,
    ]
    assert sorted(m.subject for m in mailoutbox) == sorted(
        berichten.onderwerp_van(b) for b in wachtende_berichten[:2]
    )

    # Without --op: now. What was sent is not sent again.
    assert berichten_verzenden() == (
        "Sweep op 2026-09-01 11:00: 1 verzonden, 0 niet gelukt, 0 nog wachtend."
    )
    assert berichten_verzenden().endswith(": 0 verzonden, 0 niet gelukt, 0 nog wachtend.")
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_berichten_verzenden_meldt_wat_nog_niet_lukt(
    wachtende_berichten, settings, time_machine, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.KapotteMailBackend"
    time_machine.move_to(NU + dt.timedelta(hours=1), tick=False)

    assert berichten_verzenden("--op", "2026-09-01T11:00+02:00") == (
        # The first failure stops the run: the others would wait for the same timeout.
        "Sweep op 2026-09-01 11:00: 0 verzonden, 1 niet gelukt, 3 nog wachtend."
    )

    settings.EMAIL_BACKEND = LOCMEM
    # The one that met the closed port waits out its back-off (a minute, berichten.terugval).
    assert berichten_verzenden().endswith(": 2 verzonden, 0 niet gelukt, 1 nog wachtend.")
    time_machine.move_to(NU + dt.timedelta(hours=1, minutes=1), tick=False)
    assert berichten_verzenden().endswith(": 1 verzonden, 0 niet gelukt, 0 nog wachtend.")
    assert len(mailoutbox) == 3
    # One message was tried while the server was down; the others only once it was back.
    assert sorted(b.pogingen for b in Bericht.objects.all()) == [1, 1, 2]


@pytest.mark.django_db
def test_berichten_verzenden_weigert_een_onleesbaar_moment():
    with pytest.raises(CommandError, match="geen moment"):
        berichten_verzenden("--op", "morgen")
