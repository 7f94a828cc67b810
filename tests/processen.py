"""Real processes for the fault tests (issue 15; DESIGN.md section 13; docs/storingen.md).

Each fault is injected into a real component that a test starts for itself and may kill: a private
`redis-server` on a free port (never the shared one), a throwaway PostgreSQL cluster (initdb + pg_ctl on
its own port, in a directory of its own), an SMTP server (aiosmtpd) whose answers a test scripts, the
web application under gunicorn and a Celery worker, each in a subprocess. Tests talk to the web server
over HTTP like a browser (`Bezoeker`), never through Django's test client.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import grp
import imaplib
import json
import logging
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

PROJECT = Path(__file__).resolve().parents[1]
PG_BIN = Path(
    os.environ.get("PG_BIN")
    or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), "/usr/bin")
)


def vrije_poort() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wacht_tot(voorwaarde, *, seconden: float = 30.0, stap: float = 0.02) -> bool:
    """Poll a real process's progress until `voorwaarde()` holds or the time is up (the caller
    asserts the outcome)."""
    grens = time.monotonic() + seconden
    while not voorwaarde():
        if time.monotonic() > grens:
            return False
        time.sleep(stap)
    return True


def poort_open(poort: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", poort)) == 0


def _stoppen(
    proces: subprocess.Popen | None, sig: int = signal.SIGTERM, seconden: float = 10
) -> None:
    """Stop a process started in a session of its own, with everything it started."""
    if proces is None or proces.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proces.pid, sig)
    try:
        proces.wait(seconden)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proces.pid, signal.SIGKILL)
        proces.wait(5)


def omgeving(**extra: str) -> dict[str, str]:
    """The environment of a subprocess of the application: this one's, without what pytest and the
    test settings put in, plus `extra`."""
    basis = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    return {**basis, "PYTHONUNBUFFERED": "1", **extra}


# Redis --------------------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on a free port (cache and/or broker of the processes under test).

    `doden()` kills it with SIGKILL (what it held in memory is gone, as after a crash of a Redis that
    keeps nothing on disk); `starten()` starts it again, empty, on the same port.
    """

    def __init__(self, map: Path | None = None):
        self.map = Path(map or tempfile.mkdtemp(prefix="redis-"))
        self.map.mkdir(parents=True, exist_ok=True)
        self.poort = vrije_poort()
        self.proces: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.poort}/{db}"

    def starten(self) -> RedisServer:
        uitvoerbaar = shutil.which("redis-server")
        assert uitvoerbaar, "redis-server is needed: apt-get install -y redis-server"
        self.proces = subprocess.Popen(
            [
                *(uitvoerbaar, "--port", str(self.poort), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.map)),
                *("--logfile", str(self.map / "redis.log")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert wacht_tot(lambda: poort_open(self.poort), seconden=10), self.log()
        return self

    def doden(self) -> None:
        _stoppen(self.proces, signal.SIGKILL)
        assert wacht_tot(lambda: not poort_open(self.poort), seconden=5)

    def bevriezen(self) -> None:
        """SIGSTOP: Redis accepts connections (the kernel does) but never answers."""
        os.kill(self.proces.pid, signal.SIGSTOP)

    def ontdooien(self) -> None:
        os.kill(self.proces.pid, signal.SIGCONT)

    def log(self) -> str:
        pad = self.map / "redis.log"
        return pad.read_text(errors="replace") if pad.exists() else ""

    def __enter__(self) -> RedisServer:
        return self.starten()

    def __exit__(self, *exc) -> None:
        if self.proces is not None and self.proces.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proces.pid, signal.SIGCONT)
        _stoppen(self.proces, signal.SIGKILL)


# PostgreSQL ---------------------------------------------------------------------------------------


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl, as PostgreSQL's own test tools do it) on a
    free port, in a directory of its own, trust authentication for user postgres.

    initdb refuses to run as root: as root the cluster belongs to the `postgres` system user.
    """

    def __init__(self):
        self.map = Path(tempfile.mkdtemp(prefix="pgcluster-"))
        self.data = self.map / "data"
        self.poort = vrije_poort()
        self._als_postgres = os.geteuid() == 0
        if self._als_postgres:
            shutil.chown(self.map, "postgres", "postgres")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.poort}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        opdracht = list(args)
        if self._als_postgres:
            opdracht = ["runuser", "-u", "postgres", "--", *opdracht]
        return subprocess.run(opdracht, capture_output=True, text=True, check=check)

    def aanmaken(self) -> PostgresCluster:
        self._run(
            str(PG_BIN / "initdb"),
            *("-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
            *("--locale=C", "--no-sync"),
        )
        return self.starten()

    def starten(self) -> PostgresCluster:
        opties = (
            f"-p {self.poort} -c listen_addresses=127.0.0.1 -k {self.map} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        resultaat = self._run(
            str(PG_BIN / "pg_ctl"),
            *("-D", str(self.data), "-o", opties, "-l", str(self.map / "postgres.log")),
            *("-w", "-t", "30", "start"),
            check=False,
        )
        assert resultaat.returncode == 0, resultaat.stderr + self.log()
        return self

    def stoppen(self, modus: str = "fast") -> None:
        """`fast` ends every session and stops cleanly; `immediate` is a crash (recovery at start)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", modus, "-w", "stop")

    def draait(self) -> bool:
        return poort_open(self.poort)

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            [str(PG_BIN / "psql"), "-X", "-A", "-t", "-q", "-d", self.url(database), "-c", sql],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def log(self) -> str:
        pad = self.map / "postgres.log"
        return pad.read_text(errors="replace") if pad.exists() else ""

    def __enter__(self) -> PostgresCluster:
        return self.aanmaken()

    def __exit__(self, *exc) -> None:
        if self.data.exists():
            self._run(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
            )
        shutil.rmtree(self.map, ignore_errors=True)


# SMTP ---------------------------------------------------------------------------------------------


class Mailserver:
    """An SMTP server (aiosmtpd) on a free port whose answers a test scripts.

    - `weiger(bij, antwoord, adres=None)`: answer `antwoord` (e.g. "451 4.7.1 Greylisted, try again
      later" or "550 5.1.1 No such user") at stage `bij` ("RCPT" or "DATA") for `adres` (every
      recipient when None) until `accepteer()`.
    - `stoppen()` / `starten()`: the port refuses connections / answers again (the same port).
    - `houd_vast("voor_aanname" | "na_aanname")`: the next DATA comes in completely but the reply
      waits until `loslaten` is set; before acceptance the message is taken only then (a client gone
      by then has handed over nothing), after acceptance it is kept at once and only the reply waits.
    Everything accepted is in `aangenomen`; `message_ids()` counts what came in how often.
    """

    def __init__(self):
        self.poort = vrije_poort()
        self.aangenomen: list[email.message.EmailMessage] = []
        self.pogingen: Counter[str] = Counter()  # DATA or refused RCPT per recipient
        self._regels: dict[tuple[str, str | None], str] = {}
        self._slot = threading.Lock()
        self._controller: Controller | None = None
        self._modus: str | None = None
        self.wacht_op_antwoord = threading.Event()
        self.verbinding_weg = threading.Event()
        self.loslaten = threading.Event()

    # scripting
    def weiger(self, bij: str, antwoord: str, adres: str | None = None) -> None:
        assert bij in {"RCPT", "DATA"}
        with self._slot:
            self._regels[(bij, adres.lower() if adres else None)] = antwoord

    def accepteer(self, adres: str | None = None) -> None:
        with self._slot:
            if adres is None:
                self._regels.clear()
            else:
                for sleutel in [s for s in self._regels if s[1] == adres.lower()]:
                    del self._regels[sleutel]

    def _regel(self, bij: str, adressen: list[str]) -> str | None:
        with self._slot:
            for adres in adressen:
                if (bij, adres.lower()) in self._regels:
                    return self._regels[(bij, adres.lower())]
            return self._regels.get((bij, None))

    def houd_vast(self, modus: str) -> None:
        assert modus in {"voor_aanname", "na_aanname"}
        self.wacht_op_antwoord.clear()
        self.verbinding_weg.clear()
        self.loslaten.clear()
        self._modus = modus

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        weigering = self._regel("RCPT", [address])
        if weigering:
            self.pogingen[address.lower()] += 1
            return weigering
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for adres in envelope.rcpt_tos:
            self.pogingen[adres.lower()] += 1
        weigering = self._regel("DATA", envelope.rcpt_tos)
        if weigering:
            return weigering
        bericht = email.message_from_bytes(envelope.content, policy=email.policy.default)
        modus, self._modus = self._modus, None
        if modus == "na_aanname":
            self.aangenomen.append(bericht)
        if modus is not None:
            self.wacht_op_antwoord.set()
            try:
                while not self.loslaten.is_set():
                    await asyncio.sleep(0.01)
            except asyncio.CancelledError:  # aiosmtpd cancels us when the client disconnects
                self.verbinding_weg.set()
                raise
        if modus != "na_aanname":
            self.aangenomen.append(bericht)
        return "250 2.0.0 Message accepted for delivery"

    # what came in
    def message_ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.aangenomen)

    def aan(self, adres: str) -> list[email.message.EmailMessage]:
        return [m for m in self.aangenomen if adres.lower() in str(m["To"]).lower()]

    # the process
    def starten(self) -> Mailserver:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        self._controller = Controller(self, hostname="127.0.0.1", port=self.poort)
        self._controller.start()
        return self

    def stoppen(self) -> None:
        if self._controller is not None:
            self.loslaten.set()
            self._controller.stop()
            self._controller = None

    def django_instellingen(self) -> dict[str, str]:
        """The environment that points the application's SMTP backend at this server."""
        return {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.poort),
        }

    def __enter__(self) -> Mailserver:
        return self.starten()

    def __exit__(self, *exc) -> None:
        self.stoppen()


assert SMTP  # aiosmtpd's server class: the handler hooks above follow its protocol


# Object store -------------------------------------------------------------------------------------


class Objectopslag:
    """An S3-compatible object store (moto's `moto_server`) in a subprocess on a free port, holding
    its objects in memory. `bevriezen()` (SIGSTOP) makes it a store that accepts connections but
    never answers (hung, overloaded); `doden()` one that refuses them (and forgets its objects)."""

    SLEUTELS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    REGIO = "eu-west-1"

    def __init__(self, map: Path | None = None):
        self.map = Path(map or tempfile.mkdtemp(prefix="s3-"))
        self.poort = vrije_poort()
        self.url = f"http://127.0.0.1:{self.poort}"
        self.proces: subprocess.Popen | None = None

    def starten(self) -> Objectopslag:
        uitvoerbaar = shutil.which("moto_server") or str(
            Path(sys.executable).with_name("moto_server")
        )
        with (self.map / "moto.log").open("ab") as uit:
            self.proces = subprocess.Popen(
                [uitvoerbaar, "-H", "127.0.0.1", "-p", str(self.poort)],
                stdout=uit,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert wacht_tot(lambda: poort_open(self.poort), seconden=30), self.log()
        return self

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=self.REGIO, **self.SLEUTELS)

    def bucket_aanmaken(self, naam: str) -> str:
        self.client().create_bucket(
            Bucket=naam, CreateBucketConfiguration={"LocationConstraint": self.REGIO}
        )
        return naam

    def sleutels(self, bucket: str) -> list[str]:
        return [o["Key"] for o in self.client().list_objects_v2(Bucket=bucket).get("Contents", [])]

    def django_instellingen(self, bucket: str, *, timeout_s: int = 1) -> dict[str, str]:
        """The environment that points the application's attachment storage here."""
        return {
            "DJANGO_STORAGE": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": self.REGIO,
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
            "S3_TIMEOUT_S": str(timeout_s),
        }

    def bevriezen(self) -> None:
        os.killpg(self.proces.pid, signal.SIGSTOP)

    def ontdooien(self) -> None:
        os.killpg(self.proces.pid, signal.SIGCONT)

    def doden(self) -> None:
        _stoppen(self.proces, signal.SIGKILL)

    def log(self) -> str:
        pad = self.map / "moto.log"
        return pad.read_text(errors="replace") if pad.exists() else ""

    def __enter__(self) -> Objectopslag:
        return self.starten()

    def __exit__(self, *exc) -> None:
        if self.proces is not None and self.proces.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proces.pid, signal.SIGCONT)
        _stoppen(self.proces, signal.SIGKILL)


# The application ----------------------------------------------------------------------------------

SECRET_KEY = "storingstest-0d8a6f3c2b9e4174a5c6d0e1f2a3b4c5d6e7f8091a2b3c4d"


def app_omgeving(*, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of the application under test (config.settings.storingen): production
    settings over plain HTTP on loopback; the caller points the database, cache, broker and mail
    where the test wants them."""
    return omgeving(
        DJANGO_SETTINGS_MODULE="config.settings.storingen",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        # Different customers are told apart by the address our proxy (the test) puts in front.
        DJANGO_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        DJANGO_MEDIA_ROOT=extra.pop("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="media-")),
        **extra,
    )


class Webserver:
    """The application under gunicorn in a subprocess (its own session, so it can be killed with
    its workers), logging access and errors to one file that `log()` reads."""

    def __init__(self, *, omgeving: dict[str, str], processen: int = 2, map: Path | None = None):
        self.map = Path(map or tempfile.mkdtemp(prefix="web-"))
        self.poort = vrije_poort()
        self.url = f"http://127.0.0.1:{self.poort}"
        self.logpad = self.map / "gunicorn.log"
        self.omgeving = omgeving
        self.processen = processen
        self.proces: subprocess.Popen | None = None

    def starten(self) -> Webserver:
        config = PROJECT / "config" / "gunicorn.conf.py"
        opdracht = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        if config.exists():  # the documented production configuration, when there is one
            opdracht += ["-c", str(config)]
        opdracht += [
            *("-b", f"127.0.0.1:{self.poort}", "-w", str(self.processen)),
            *("--no-control-socket", "--timeout", "60", "--graceful-timeout", "3"),
            *("--access-logfile", "-", "--error-logfile", "-"),
        ]
        with self.logpad.open("ab") as uit:
            self.proces = subprocess.Popen(
                opdracht,
                cwd=PROJECT,
                env=self.omgeving,
                stdout=uit,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert wacht_tot(
            lambda: poort_open(self.poort) or self.proces.poll() is not None, seconden=30
        ), self.log()
        assert self.proces.poll() is None, self.log()
        return self

    def log(self) -> str:
        return self.logpad.read_text(errors="replace") if self.logpad.exists() else ""

    def stoppen(self) -> None:
        _stoppen(self.proces)

    def __enter__(self) -> Webserver:
        return self.starten()

    def __exit__(self, *exc) -> None:
        self.stoppen()


class Worker:
    """A Celery worker (`celery -A config worker`) in a subprocess, consuming `wachtrij` (default:
    Celery's default queue) of the broker in its environment, logging to a file."""

    def __init__(
        self,
        *,
        omgeving: dict[str, str],
        wachtrij: str | None = None,
        concurrency: int = 1,
        pool: str = "prefork",
        map: Path | None = None,
    ):
        self.map = Path(map or tempfile.mkdtemp(prefix="worker-"))
        self.logpad = self.map / "worker.log"
        opdracht = [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "INFO"),
            *("-P", pool, "-c", str(concurrency), "-n", f"storing-{os.getpid()}@%h"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ]
        if wachtrij:
            opdracht += ["-Q", wachtrij]
        self._opdracht = opdracht
        self.omgeving = omgeving
        self.proces: subprocess.Popen | None = None

    def starten(self) -> Worker:
        with self.logpad.open("ab") as uit:
            self.proces = subprocess.Popen(
                self._opdracht,
                cwd=PROJECT,
                env=self.omgeving,
                stdout=uit,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert wacht_tot(lambda: " ready." in self.log() or self.proces.poll() is not None), (
            self.log()
        )
        assert self.proces.poll() is None, self.log()
        return self

    def log(self) -> str:
        return self.logpad.read_text(errors="replace") if self.logpad.exists() else ""

    def doden(self) -> None:
        _stoppen(self.proces, signal.SIGKILL)

    def stoppen(self) -> None:
        _stoppen(self.proces, signal.SIGTERM, seconden=15)

    def __enter__(self) -> Worker:
        return self.starten()

    def __exit__(self, *exc) -> None:
        self.stoppen()


def sweep_sturen(broker_url: str) -> None:
    """What beat does every minute: hand the outbox sweep to the workers of `broker_url`."""
    from celery import Celery

    # Not the current app: the tests' own tasks must keep running on the project's app.
    afzender = Celery(broker=broker_url, set_as_current=False)
    try:
        afzender.send_task("klachten.tasks.openstaande_berichten_verzenden")
    finally:
        afzender.close()


# A customer's browser -----------------------------------------------------------------------------

_VERBORGEN = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>", re.IGNORECASE)
_ATTRIBUUT = re.compile(r"\b(name|value)=\"([^\"]*)\"")


def verborgen_velden(html: str) -> dict[str, str]:
    """The hidden inputs of a page (the CSRF token, a one-time form key), as a browser sends them."""
    velden = {}
    for invoer in _VERBORGEN.findall(html):
        attributen = dict(_ATTRIBUUT.findall(invoer))
        if "name" in attributen:
            velden[attributen["name"]] = attributen.get("value", "")
    return velden


class Bezoeker:
    """A browser without JavaScript: keeps cookies, fetches a form and posts it back with its hidden
    fields. `ip` is the client address our proxy would put in X-Forwarded-For."""

    def __init__(self, basis_url: str, *, ip: str = "203.0.113.1", timeout: float = 30.0):
        self.basis_url = basis_url.rstrip("/")
        self.sessie = requests.Session()
        self.sessie.headers["X-Forwarded-For"] = ip
        self.sessie.headers["Accept-Language"] = "nl"
        self.timeout = timeout

    def get(self, pad: str, **kwargs) -> requests.Response:
        return self.sessie.get(self.basis_url + pad, timeout=self.timeout, **kwargs)

    def formulier(self, pad: str) -> dict[str, str]:
        """The hidden fields of the form at `pad` (GET), to post back."""
        antwoord = self.get(pad)
        antwoord.raise_for_status()
        return verborgen_velden(antwoord.text)

    def post(
        self, pad: str, velden: dict, *, bestanden=None, verborgen: dict | None = None, **kwargs
    ) -> requests.Response:
        """POST `velden` (plus the hidden fields of a GET before, or `verborgen` when given: a
        resubmission of the same page sends the same key again)."""
        if verborgen is None:
            verborgen = self.formulier(pad)
        return self.sessie.post(
            self.basis_url + pad,
            data={**verborgen, **velden},
            files=bestanden,
            headers={"Referer": self.basis_url + pad},
            timeout=self.timeout,
            allow_redirects=kwargs.pop("allow_redirects", False),
            **kwargs,
        )


def klachtgegevens(*, categorie_id: int, email: str, naam: str = "Anna de Vries") -> dict:
    """A valid submission of the public complaint form, as a browser posts it."""
    return {
        "klant_naam": naam,
        "klant_email": email,
        "klant_telefoon": "06 12345678",
        "polisnummer": "P-123456",
        "categorie": str(categorie_id),
        "omschrijving": "Mijn declaratie van de fysiotherapeut is na zes weken nog niet betaald.",
        "gewenste_oplossing": "Dat de declaratie alsnog wordt vergoed.",
        "privacy_akkoord": "on",
        "website": "",
    }


# IMAP ---------------------------------------------------------------------------------------------


class Imapserver:
    """A private Dovecot (IMAP) on a free port of 127.0.0.1, with a throwaway configuration, its
    mailboxes (Maildir) and its password files in a directory of its own: the mail server the e-mail
    channel reads from (issue 17).

    - `gebruiker_maken(naam, wachtwoord)`: a mail user, also while the server runs. Each user has a
      password file of their own (`gebruikers/<naam>`): Dovecot looks at a password file at most
      once a second, so a user added to a shared file could not log in for up to a second.
    - `toevoegen(gebruiker, raw, flags=())`: APPEND a raw message to the user's INBOX, as a mail
      server delivers it; returns its UID. `vlaggen()`, `uids()` and `uidvalidity()` read back.
    - `stoppen()` / `starten()`: the port refuses connections / answers again (same port, same
      mailboxes); `doden()` is SIGKILL (Dovecot and every process it started).
    - `tls=True`: IMAPS as well, on `tls_poort`, with a throwaway self-signed certificate for
      127.0.0.1 and localhost (`certificaat`, for the client's `cafile`); plain IMAP (`poort`)
      offers STARTTLS then.
    - `oauth2=True`: XOAUTH2 and OAUTHBEARER logins as well (Microsoft 365 and Google Workspace use
      them): Dovecot checks a token at an introspection endpoint of the test's own (a local HTTP
      server standing in for the identity provider); `token_uitgeven(gebruiker)` issues one,
      `token_intrekken(token)` makes it invalid.

    As root, Dovecot runs its helpers as the users its Debian package creates (`dovecot`,
    `dovenull`) and refuses mail access as root: the mailboxes belong to the system user `mail`.
    Otherwise everything runs as the current user.
    """

    HOST = "127.0.0.1"

    def __init__(self, map: Path | None = None, *, tls: bool = False, oauth2: bool = False):
        self.map = Path(map or tempfile.mkdtemp(prefix="imap-"))
        self.map.mkdir(parents=True, exist_ok=True)
        self.poort = vrije_poort()
        self.tls = tls
        self.tls_poort = vrije_poort() if tls else None
        self.wachtwoorden: dict[str, str] = {}
        self.oauth2 = oauth2
        self.tokens: dict[str, str] = {}  # token -> user, as the identity provider knows them
        self._introspectie: ThreadingHTTPServer | None = None
        self.logpad = self.map / "dovecot.log"
        self.gebruikers = self.map / "gebruikers"
        self.certificaat = self.map / "certificaat.pem"
        self.sleutel = self.map / "sleutel.pem"
        self.proces: subprocess.Popen | None = None
        if os.geteuid() == 0:
            eigenaar = pwd.getpwnam("mail")
            self._uid, self._gid = eigenaar.pw_uid, eigenaar.pw_gid
        else:
            self._uid, self._gid = os.getuid(), os.getgid()
        for deel in ("run", "state", "mail", "gebruikers"):
            (self.map / deel).mkdir(exist_ok=True)
        os.chown(self.map / "mail", self._uid, self._gid)
        # Dovecot's authentication process (user `dovecot` when root) reads the password files.
        self.map.chmod(0o711)
        self.gebruikers.chmod(0o755)

    # configuration
    def gebruiker_maken(self, naam: str, wachtwoord: str) -> str:
        assert re.fullmatch(r"[\w.@+-]+", naam), naam
        assert ":" not in wachtwoord, "the password file separates its fields with ':'"
        assert "\n" not in wachtwoord
        assert naam not in self.wachtwoorden, f"{naam} exists already"
        self.wachtwoorden[naam] = wachtwoord
        tijdelijk = self.gebruikers / f".{naam}.nieuw"
        tijdelijk.write_text(
            f"{naam}:{{PLAIN}}{wachtwoord}:{self._uid}:{self._gid}::{self.map / 'mail' / naam}::\n"
        )
        tijdelijk.chmod(0o644)
        tijdelijk.replace(self.gebruikers / naam)  # Dovecot never reads half a file
        return naam

    def token_uitgeven(self, gebruiker: str) -> str:
        """An access token for `gebruiker`, as the identity provider would issue it."""
        token = secrets.token_urlsafe(24)
        self.tokens[token] = gebruiker
        return token

    def token_intrekken(self, token: str) -> None:
        self.tokens.pop(token, None)

    def _introspectie_starten(self) -> Path:
        """The identity provider's token introspection (RFC 7662) on a free port, and Dovecot's
        oauth2 passdb configuration pointing at it."""
        tokens = self.tokens

        class Introspectie(BaseHTTPRequestHandler):
            def do_POST(self):
                velden = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                gebruiker = tokens.get(velden.get("token", [""])[0])
                inhoud = json.dumps(
                    {"active": True, "email": gebruiker} if gebruiker else {"active": False}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(inhoud)))
                self.end_headers()
                self.wfile.write(inhoud)

            def log_message(self, *args):
                pass

        if self._introspectie is None:
            self._introspectie = ThreadingHTTPServer((self.HOST, vrije_poort()), Introspectie)
            threading.Thread(target=self._introspectie.serve_forever, daemon=True).start()
        pad = self.map / "oauth2.conf"
        pad.write_text(
            "introspection_mode = post\n"
            f"introspection_url = http://{self.HOST}:{self._introspectie.server_port}/introspect\n"
            "username_attribute = email\nactive_attribute = active\nactive_value = true\n"
            "force_introspection = yes\n"
        )
        pad.chmod(0o644)
        return pad

    def _configuratie(self) -> str:
        chroot = ""
        if os.geteuid() == 0:
            gebruikers = (
                f"mail_uid = {self._uid}\nmail_gid = {self._gid}\n"
                f"first_valid_uid = {self._uid}\nfirst_valid_gid = {self._gid}\n"
            )
        else:
            naam = pwd.getpwuid(self._uid).pw_name
            groep = grp.getgrgid(self._gid).gr_name
            gebruikers = (
                f"default_internal_user = {naam}\ndefault_internal_group = {groep}\n"
                f"default_login_user = {naam}\n"
                f"first_valid_uid = {self._uid}\nfirst_valid_gid = {self._gid}\n"
            )
            chroot = "  chroot =\n"  # only root may chroot (Dovecot's "rootless installation")
        if self.tls:
            versleuteling = (
                f"ssl = yes\nssl_cert = <{self.certificaat}\nssl_key = <{self.sleutel}\n"
            )
            imaps = f"address = {self.HOST}\n    port = {self.tls_poort}"
        else:
            versleuteling = "ssl = no\n"
            imaps = "port = 0"
        mechanismen = "plain login"
        oauth2 = ""
        if self.oauth2:
            mechanismen += " xoauth2 oauthbearer"
            oauth2 = (
                "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                f"  args = {self._introspectie_starten()}\n}}\n"
            )
        return f"""\
base_dir = {self.map / "run"}
state_dir = {self.map / "state"}
instance_name = imap-test-{self.poort}
listen = {self.HOST}
protocols = imap
log_path = {self.logpad}
{versleuteling}disable_plaintext_auth = no
auth_mechanisms = {mechanismen}
auth_failure_delay = 0
{gebruikers}mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.gebruikers}/%u
}}
{oauth2}userdb {{
  driver = passwd-file
  args = username_format=%u {self.gebruikers}/%u
}}
# No growing delay for an address after a failed login (a test logs in with a wrong password).
service anvil {{
{chroot}  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
{chroot}  inet_listener imap {{
    address = {self.HOST}
    port = {self.poort}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
"""

    def _certificaat_maken(self) -> None:
        if self.certificaat.exists():
            return
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost"),
                *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
                *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
                *("-keyout", str(self.sleutel), "-out", str(self.certificaat)),
            ],
            capture_output=True,
            check=True,
        )

    # the process
    def starten(self) -> Imapserver:
        uitvoerbaar = shutil.which("dovecot") or "/usr/sbin/dovecot"
        assert Path(uitvoerbaar).exists(), "dovecot is needed: apt-get install -y dovecot-imapd"
        if self.tls:
            self._certificaat_maken()
        configuratie = self.map / "dovecot.conf"
        configuratie.write_text(self._configuratie())
        with self.logpad.open("ab") as uit:
            self.proces = subprocess.Popen(
                [uitvoerbaar, "-F", "-c", str(configuratie)],
                stdout=uit,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert wacht_tot(lambda: self.draait() or self.proces.poll() is not None, seconden=10), (
            self.log()
        )
        assert self.proces.poll() is None, self.log()
        return self

    def draait(self) -> bool:
        """Does the server greet (`* OK`)? Dovecot greets once its authentication is ready."""
        try:
            with socket.create_connection((self.HOST, self.poort), timeout=1) as verbinding:
                begroet = verbinding.recv(256).startswith(b"* OK")
                verbinding.sendall(b"a LOGOUT\r\n")
                return begroet
        except OSError:
            return False

    def stoppen(self) -> None:
        """SIGTERM to Dovecot and every process it started (a clean stop of the master alone waits
        a second for its children: ten times the start-up)."""
        _stoppen(self.proces)
        assert wacht_tot(lambda: not poort_open(self.poort), seconden=5)

    def doden(self) -> None:
        _stoppen(self.proces, signal.SIGKILL)
        assert wacht_tot(lambda: not poort_open(self.poort), seconden=5)

    def log(self) -> str:
        return self.logpad.read_text(errors="replace") if self.logpad.exists() else ""

    def __enter__(self) -> Imapserver:
        return self.starten()

    def __exit__(self, *exc) -> None:
        _stoppen(self.proces, signal.SIGKILL)
        if self._introspectie is not None:
            self._introspectie.shutdown()
            self._introspectie.server_close()
        shutil.rmtree(self.map, ignore_errors=True)

    # as a client
    def verbinding(self, gebruiker: str) -> imaplib.IMAP4:
        """A logged-in IMAP connection of `gebruiker` (plain IMAP; `with` logs out)."""
        verbinding = imaplib.IMAP4(self.HOST, self.poort, timeout=10)
        verbinding.login(gebruiker, self.wachtwoorden[gebruiker])
        return verbinding

    def toevoegen(
        self, gebruiker: str, raw: bytes, flags: tuple[str, ...] = (), postvak: str = "INBOX"
    ) -> int:
        """APPEND `raw` (the message as a mail server stores it) to mailbox `postvak` of
        `gebruiker`; its UID."""
        with self.verbinding(gebruiker) as verbinding:
            vlaggen = f"({' '.join(flags)})" if flags else None
            status, antwoord = verbinding.append(postvak, vlaggen, None, raw)
            assert status == "OK", antwoord
            gevonden = re.search(rb"\[APPENDUID \d+ (\d+)\]", antwoord[0])
            assert gevonden, antwoord
            return int(gevonden.group(1))

    def uidvalidity(self, gebruiker: str, postvak: str = "INBOX") -> int:
        with self.verbinding(gebruiker) as verbinding:
            status, antwoord = verbinding.status(postvak, "(UIDVALIDITY)")
            assert status == "OK", antwoord
            return int(re.search(rb"UIDVALIDITY (\d+)", antwoord[0]).group(1))

    def vlaggen(self, gebruiker: str, postvak: str = "INBOX") -> dict[int, set[str]]:
        """The flags of every message in `postvak`, by UID (read-only: reading changes nothing),
        without `\\Recent` (a flag of the session that first sees a message, gone in IMAP4rev2)."""
        with self.verbinding(gebruiker) as verbinding:
            status, antwoord = verbinding.select(postvak, readonly=True)
            assert status == "OK", antwoord
            if int(antwoord[0]) == 0:
                return {}
            status, regels = verbinding.uid("FETCH", "1:*", "(UID FLAGS)")
            assert status == "OK", regels
        uitkomst = {}
        for regel in regels:
            gevonden = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)", regel)
            uitkomst[int(gevonden.group(1))] = set(gevonden.group(2).decode().split()) - {
                "\\Recent"
            }
        return uitkomst

    def uids(self, gebruiker: str, postvak: str = "INBOX") -> list[int]:
        return sorted(self.vlaggen(gebruiker, postvak))
