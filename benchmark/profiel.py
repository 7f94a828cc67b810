"""Where one request of the work queue and the dossier spends its time (issue 20), in-process:
no HTTP server, no load generator, so the figures are the Python and database cost of the page
itself. `manage.py profiel` (benchmark settings: production's, DEBUG off, cached templates) runs
each scenario N times through Django's test client as a logged-in handler (password and
authenticator code done, as benchmark.gegevens does for the load generator) and prints per request the median
and mean milliseconds, the part spent waiting on the database, and the number of queries; with
`--profiel` also cProfile's top entries per scenario. The baseline view (one SELECT of 25
complaints rendered as a table, benchmark.views.lijst) is measured the same way, so each page is
also a share of it. docs/benchmarks.md, "Rendering the work queue and the dossier (issue 20)".
"""

from __future__ import annotations

import collections
import functools
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field

from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import selectors
from klachten.middleware import LAATST_ACTIEF
from klachten.models import Medewerker
from klachten.workflow import Status


@dataclass
class Meting:
    naam: str
    url: str
    ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    profiel: str = ""

    def regel(self, basis: Meting | None) -> str:
        cpu = statistics.median(self.cpu_ms)
        deel = f"{statistics.median(basis.cpu_ms) / cpu:6.2f}" if basis else "      "
        return (
            f"{self.naam:<24} {statistics.median(self.ms):8.1f} {cpu:8.1f} "
            f"{statistics.median(self.db_ms):8.1f} {statistics.median(self.queries):7.0f} {deel}"
        )


# p50 ms: wall clock of one request; cpu ms: this process's CPU time for it (Python: what the
# page costs, steady on a busy machine); db ms: wall clock inside the database calls; share:
# the baseline's cpu ms divided by the page's (the target is 0.25 and more).
KOP = f"{'scenario':<24} {'p50 ms':>8} {'cpu ms':>8} {'db ms':>8} {'queries':>7} {'share':>6}"


def ingelogde_client(gebruiker: Medewerker) -> Client:
    """A client whose session has done both login steps (password and TOTP code)."""
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(gebruiker, backend="klachten.permissies.ModelBackendEenQuery")
    apparaat = TOTPDevice.objects.get_or_create(
        user=gebruiker, confirmed=True, defaults={"name": "profiel"}
    )[0]
    sessie = client.session
    assert sessie[SESSION_KEY] == str(gebruiker.pk)
    sessie[DEVICE_ID_SESSION_KEY] = apparaat.persistent_id
    sessie[LAATST_ACTIEF] = int(time.time())
    sessie.save()
    return client


def scenarios(gebruiker: Medewerker, zoekterm: str | None) -> dict[str, str]:
    """The pages measured: the queue plain, filtered, searched and sorted, and a dossier of it."""
    queue = reverse("klachten:werkvoorraad")
    eerste = (
        selectors.werkvoorraad(gebruiker)
        .exclude(status=Status.AFGESLOTEN)
        .order_by("pk")
        .values_list("dossiernummer", "klant_naam")
        .first()
    )
    if eerste is None:
        raise ValueError(f"{gebruiker} ziet geen open klachten.")
    zoek = zoekterm or eerste[1].split()[-1]
    return {
        "basislijn_select": "/basislijn/lijst/",
        "werkvoorraad": queue,
        "werkvoorraad_status": f"{queue}?status={Status.IN_ONDERZOEK}",
        "werkvoorraad_termijn": f"{queue}?over_termijn=on",
        "werkvoorraad_zoeken": f"{queue}?zoek={zoek}",
        "werkvoorraad_sorteren": f"{queue}?sorteer=-klant",
        "dossier": reverse("klachten:dossier", args=[eerste[0]]),
    }


def meten(
    client: Client, naam: str, url: str, aantal: int, *, opwarmen: int = 3, profiel: int = 0
) -> Meting:
    """`aantal` requests of `url`, after `opwarmen` unmeasured ones (template loading, caches)."""
    meting = Meting(naam, url)
    for _ in range(opwarmen):
        _ophalen(client, url)
    for _ in range(aantal):
        ms, cpu_ms, db_ms, queries = _ophalen(client, url)
        meting.ms.append(ms)
        meting.cpu_ms.append(cpu_ms)
        meting.db_ms.append(db_ms)
        meting.queries.append(queries)
    if profiel:
        meting.profiel = bemonsteren(client, url, aantal=max(aantal, 20), top=profiel)
    return meting


def _ophalen(client: Client, url: str) -> tuple[float, float, float, int]:
    db_s = 0.0
    aantal = 0

    def tellen(execute, sql, params, many, context):
        nonlocal db_s, aantal
        begin = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_s += time.perf_counter() - begin
            aantal += 1

    begin, cpu = time.perf_counter(), time.process_time()
    with connections["default"].execute_wrapper(tellen):
        response = client.get(url)
    ms = (time.perf_counter() - begin) * 1000
    cpu_ms = (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    return ms, cpu_ms, db_s * 1000, aantal


# Where the CPU goes, by the package of the innermost frame (what runs), for the profile's summary.
GROEPEN = [
    ("django/db/", "ORM: building SQL, reading rows, making objects"),
    ("psycopg2", "ORM: building SQL, reading rows, making objects"),
    ("django/template/", "Django templates (DTL)"),
    ("templatetags/", "Django templates (DTL)"),
    ("jinja2", "Jinja2"),
    ("django/forms/", "forms and widgets"),
    ("django_filters/", "forms and widgets"),
    ("django/utils/translation", "translation"),
    ("gettext", "translation"),
    ("django/utils/", "django.utils (escaping, dates, lazy strings)"),
    ("django/urls/", "URL reversing and resolving"),
    ("site-packages/django/", "Django other (request, middleware, sessions)"),
    ("site-packages/", "other packages"),
    ("/klachten/", "klachten (project code)"),
    ("/benchmark/", "test client and measuring"),
]


def _groep(bestand: str) -> str:
    return next((naam for deel, naam in GROEPEN if deel in bestand), "Python standard library")


def bemonsteren(client: Client, url: str, *, aantal: int, top: int, interval_s=0.0005) -> str:
    """A sampling profile of `aantal` requests: every `interval_s` of the process's CPU time
    (ITIMER_PROF: waiting on the database is not counted) the stack is noted. Unlike cProfile it
    adds almost nothing per call, so a page of many small calls (templates, the ORM) is not
    overstated. Gives the share per package of the running frame, and the functions found most
    often anywhere in the stack (inclusive)."""
    per_groep: collections.Counter[str] = collections.Counter()
    inclusief: collections.Counter[str] = collections.Counter()
    monsters = 0

    def monster(signum, frame):
        nonlocal monsters
        monsters += 1
        per_groep[_groep(frame.f_code.co_filename)] += 1
        gezien = set()
        while frame is not None:
            code = frame.f_code
            sleutel = f"{_kort(code.co_filename)}:{code.co_firstlineno}({code.co_name})"
            if sleutel not in gezien:
                gezien.add(sleutel)
                inclusief[sleutel] += 1
            frame = frame.f_back

    vorige = signal.signal(signal.SIGPROF, monster)
    signal.setitimer(signal.ITIMER_PROF, interval_s, interval_s)
    begin = time.process_time()
    try:
        for _ in range(aantal):
            client.get(url)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, vorige)
    cpu_ms = (time.process_time() - begin) * 1000 / aantal
    if not monsters:
        return f"no samples over {aantal} requests ({cpu_ms:.1f} ms CPU per request): ask more"
    regels = [f"{monsters} samples over {aantal} requests, {cpu_ms:.1f} ms CPU per request", ""]
    regels.append("where it runs (the sampled frame's package):")
    for groep, n in per_groep.most_common():
        regels.append(f"  {n / monsters * 100:5.1f}%  {n / monsters * cpu_ms:6.1f} ms  {groep}")
    regels.append("")
    regels.append(f"inclusive (anywhere in the stack), top {top}:")
    for sleutel, n in inclusief.most_common(top):
        regels.append(f"  {n / monsters * 100:5.1f}%  {n / monsters * cpu_ms:6.1f} ms  {sleutel}")
    return "\n".join(regels)


@functools.lru_cache(maxsize=4096)
def _kort(bestand: str) -> str:
    for wortel in sorted(sys.path, key=len, reverse=True):
        if wortel and bestand.startswith(wortel):
            return bestand[len(wortel) :].lstrip("/")
    return bestand
