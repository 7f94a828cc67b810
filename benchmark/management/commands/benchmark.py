"""The benchmark suite (issue Snelheid en schaal; docs/benchmarks.md). Not a test.

On a database of its own (its name must contain "benchmark") it builds, or reuses, a dataset of
1,000,000 complaints over 5 years (with their timeline, messages, history versions and deadline
outcomes), 2,000,000 contact moments and 500,000 survey responses; then it starts the real stack
(gunicorn with production settings, a Celery worker, PostgreSQL, Redis) and measures with wrk (a
load generator in C, driven by benchmark/wrk.lua, so that it does not compete with the server for
the cores):

- every scenario (the public form POST, the API registration, the work queue's first page,
  filtered and searched pages, a dossier, the customer's status page, a survey POST, the month
  report running and stored, the yearly report, the API list and detail), after a warm-up,
  closed-loop;
- the running month's report computed in-process with the cache bypassed (issue 20: < 150 ms);
- the baseline of the two hottest paths in the same run (one INSERT behind a CSRF-checked POST;
  one indexed SELECT of 25 rows rendered), so that our cost is a ratio to what the stack costs;
- each beat job, run as the worker runs it, on the steady state (nothing due);
- throughput with 1 and 2 web processes, and the outbox drained by 1 and 2 worker processes;
- a mixed-load soak (default 10 minutes): errors, and the memory of the web and worker processes;

prints a table and writes the same as JSON (`--json PATH`). `scripts/benchmark` does it all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import statistics
import threading
import time
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmark import gegevens
from benchmark.processen import Uitslag, Webserver, Worker, cpu_stand, geheugen_mb, wrk
from benchmark.scenarios import SOAK_GEWICHTEN, Scenarios, verdeling
from config.celery_app import app
from klachten import kalender
from klachten.models import Bericht, BerichtStatus, Label
from klachten.workflow import BerichtSoort

# The scenarios, in the order they run (benchmark.scenarios describes each request).
SCENARIOS = [
    "basislijn_insert",
    "formulier",
    "api_registratie",
    "basislijn_select",
    "werkvoorraad",
    "werkvoorraad_gefilterd",
    "werkvoorraad_zoeken",
    "dossier",
    "status",
    "enquete",
    "api_lijst",
    "api_detail",
    "maandrapport",
    "maandrapport_vastgelegd",
    "jaarrapport",
]
# The targets of issue 20 (Snelheid II): throughput as a share of the baseline of the same kind of
# request in the same run, and the statements of a registration: at most 10 with BEGIN and COMMIT
# (as PostgreSQL gets them). The X-Queries header counts what Django sends, without the BEGIN and
# COMMIT the driver adds: at most 8 for a registration in one transaction.
DOELEN = {
    "formulier": {"basislijn": "basislijn_insert", "verhouding": 0.25, "queries": 8},
    "api_registratie": {"basislijn": "basislijn_insert", "verhouding": 0.25, "queries": 8},
    "werkvoorraad": {"basislijn": "basislijn_select", "verhouding": 0.25},
    "dossier": {"basislijn": "basislijn_select", "verhouding": 0.25},
}
MAANDRAPPORT_DOEL_MS = 150  # the running month, uncached, in-process
SOAK_DOEL_P95_MS = 150  # every page and POST under the mixed soak
BEAT_GRENS_S = 2.0


class Command(BaseCommand):
    help = (
        "Meet de applicatie onder belasting bij 1.000.000 klachten (alleen op een aparte database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--klachten", type=int, default=1_000_000)
        parser.add_argument("--open", dest="open_", type=int, default=100_000)
        parser.add_argument("--contactmomenten", type=int, default=2_000_000)
        parser.add_argument("--responsen", type=int, default=500_000)
        parser.add_argument(
            "--hergebruik",
            action="store_true",
            help="Een bestaande vulling van deze omvang houden.",
        )
        parser.add_argument("--duur", type=float, default=20, help="Seconden meten per scenario.")
        parser.add_argument("--opwarmen", type=float, default=5, help="Seconden opwarmen ervoor.")
        parser.add_argument(
            "--web", type=int, default=4, help="gunicorn-processen (productie: 2 x cores)."
        )
        parser.add_argument("--poort", type=int, default=8765)
        parser.add_argument(
            "--verbindingen",
            type=int,
            default=8,
            help="Gelijktijdige verbindingen (gebruikers) per scenario.",
        )
        parser.add_argument("--draden", type=int, default=2, help="wrk-threads per scenario.")
        parser.add_argument(
            "--soak-gebruikers", type=int, default=16, help="Verbindingen in de duurbelasting."
        )
        parser.add_argument(
            "--soak", type=float, default=600, help="Seconden gemengde duurbelasting (0: geen)."
        )
        parser.add_argument(
            "--scenario",
            action="append",
            choices=SCENARIOS,
            help="Alleen deze (herhaalbaar).",
        )
        parser.add_argument("--zonder-schalen", action="store_true")
        parser.add_argument("--berichten", type=int, default=2000, help="Voor de workermeting.")
        parser.add_argument("--json", dest="json_pad", help="Schrijf de uitkomsten als JSON.")

    def handle(self, *args, **opties):
        naam = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "benchmark" not in naam:
            raise CommandError("Alleen op een PostgreSQL-database met 'benchmark' in de naam.")
        self.opties = opties
        self.uitkomst: dict = {
            "moment": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": _machine(),
            "database": naam,
            "settings": settings.SETTINGS_MODULE,
        }
        omvang = {
            "klachten": opties["klachten"],
            "contactmomenten": opties["contactmomenten"],
            "responsen": opties["responsen"],
        }
        if opties["hergebruik"] and gegevens.gevuld(opties["klachten"], opties["contactmomenten"]):
            self.stdout.write("Bestaande vulling hergebruikt.")
        else:
            duur = gegevens.vullen(self.stdout, open_=opties["open_"], **omvang)
            self.uitkomst["vullen_s"] = round(duur, 1)
            self.stdout.write(f"Gevuld in {duur:.0f} s.")
        self.uitkomst["omvang"] = omvang
        self.stdout.write("Voorbereiden:")
        self.data = gegevens.voorbereiden(self.stdout, enquetes=40_000)
        self.omgeving = self.omgeving_maken()
        call_command("collectstatic", interactive=False, verbosity=0)

        scenarios = opties["scenario"] or SCENARIOS
        if "maandrapport" in scenarios:
            self.uitkomst["maandrapport_ongecached"] = self.maandrapport_meten()
        with Worker(self.omgeving, processen=2) as worker:
            self.worker = worker
            with Webserver(self.omgeving, werkers=opties["web"], poort=opties["poort"]) as web:
                self.stdout.write(
                    f"\nScenario's ({opties['web']} gunicorn-processen, {opties['opwarmen']:g} s "
                    f"opwarmen, {opties['duur']:g} s meten):"
                )
                uitslagen = {s: self.scenario(s, web) for s in scenarios}
            self.uitkomst["scenarios"] = {s: asdict(u) for s, u in uitslagen.items()}
            self.verhoudingen(uitslagen)
            self.uitkomst["beat"] = self.beat_meten()
            if not opties["zonder_schalen"]:
                self.uitkomst["schalen_web"] = self.web_schalen()
            if opties["soak"]:
                self.uitkomst["soak"] = self.soak(worker, opties["soak"])
        if not opties["zonder_schalen"]:
            self.uitkomst["schalen_worker"] = self.workers_schalen(opties["berichten"])
        self.tabel(uitslagen)
        if opties["json_pad"]:
            Path(opties["json_pad"]).write_text(json.dumps(self.uitkomst, indent=2, default=str))
            self.stdout.write(f"\nJSON geschreven naar {opties['json_pad']}")

    # The stack -----------------------------------------------------------------------------------

    def omgeving_maken(self) -> dict[str, str]:
        """The environment of gunicorn and the worker: production settings (plus the
        baseline), this database, a Redis broker database of its own, mail to nowhere, and a rate
        limit high enough for one load generator on one address."""
        db = connection.settings_dict
        broker = os.environ.get("BENCHMARK_BROKER_URL", "redis://127.0.0.1:6379/14")
        omgeving = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.benchmark",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": broker,
            "CACHE_URL": os.environ.get("BENCHMARK_CACHE_URL", "redis://127.0.0.1:6379/13"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "KLACHT_FORMULIER_LIMIET": "1000000/m",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        if db.get("PASSWORD"):
            omgeving["DATABASE_URL"] = omgeving["DATABASE_URL"].replace(
                f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@"
            )
        app.conf.update(broker_url=broker)
        app._pool = None
        return omgeving

    def met_verse_enquetes(self) -> dict:
        """The scenarios' data with the survey links still unanswered (each run uses up some)."""
        from klanttevredenheid.models import Uitnodiging

        tokens = list(
            Uitnodiging.objects.filter(
                contactmoment__klantnummer=gegevens.ENQUETE_KLANTNUMMER, status="verzonden"
            ).values_list("token", flat=True)
        )
        # A run stopped at its deadline with answers in flight: the links an earlier run may
        # have used count as used, answered yet or not.
        uitgedeeld = getattr(self, "uitgedeeld", set())
        return {**self.data, "enquete_tokens": [t for t in tokens if t not in uitgedeeld]}

    def draaien(
        self, verbindingen: dict[str, int], web: Webserver, *, duur: float
    ) -> dict[str, Uitslag]:
        """wrk against `web`: each scenario with its number of connections, all at once."""
        data = self.met_verse_enquetes()
        scenarios = Scenarios(web.url, data)
        uitslagen = wrk(
            {naam: scenarios.belasting(naam) for naam in verbindingen},
            url=web.url,
            verbindingen=verbindingen,
            duur=duur,
            draden=self.opties["draden"],
        )
        if "enquete" in uitslagen:
            # Each wrk thread takes every n-th link (benchmark/wrk.lua): with at most `draden`
            # threads, the links used lie within the first draden x (answers + connections).
            bereik = self.opties["draden"] * (
                uitslagen["enquete"].aanvragen + verbindingen["enquete"]
            )
            self.uitgedeeld = getattr(self, "uitgedeeld", set()) | set(
                data["enquete_tokens"][:bereik]
            )
        return uitslagen

    def scenario(self, scenario: str, web: Webserver, *, stil: bool = False) -> Uitslag:
        gebruikers = self.opties["verbindingen"]
        if self.opties["opwarmen"]:
            # Enough connections that every web process serves the page before it is measured.
            opwarmers = max(gebruikers, 2 * web.aantal)
            self.draaien({scenario: opwarmers}, web, duur=self.opties["opwarmen"])
        processen = {"web": web.pids, "worker": self.worker.pids}
        voor = cpu_stand(processen)
        uitslag = self.draaien({scenario: gebruikers}, web, duur=self.opties["duur"])[scenario]
        uitslag.cpu_ms = cpu_per_aanvraag(voor, cpu_stand(processen), uitslag.aanvragen)
        uitslag.geheugen_mb = round(max(web.geheugen() or [0]), 1)
        if not stil:
            queries = "" if uitslag.queries is None else f"{uitslag.queries:g}"
            self.stdout.write(
                f"  {scenario:<24} {uitslag.per_seconde:7.1f}/s  p50 {uitslag.p50_ms:5.0f}  p95 "
                f"{uitslag.p95_ms:5.0f}  p99 {uitslag.p99_ms:5.0f} ms  {uitslag.fouten} fouten  "
                f"{queries} queries  {uitslag.geheugen_mb:.0f} MB  CPU per aanvraag "
                f"{cpu_tekst(uitslag.cpu_ms)}"
            )
            for melding in uitslag.foutmeldingen[:3]:
                self.stdout.write(f"      {melding}")
        return uitslag

    def maandrapport_meten(self, keer: int = 5) -> dict:
        """The running month's report for everything (the directie's page: all labels and
        afdelingen), computed in this process with the cache bypassed, `keer` times after one
        to warm up; the median counts (issue 20: < 150 ms)."""
        from django.test.utils import override_settings

        from rapportage import maandrapport

        nu = dt.datetime.now(dt.UTC)
        lokaal = kalender.lokale_datum(nu)
        tijden = []
        with override_settings(RAPPORTAGE_LIVE_CACHE_S=0):
            for _i in range(keer + 1):
                start = time.perf_counter()
                maandrapport.maandoverzicht(lokaal.year, lokaal.month, nu=nu)
                tijden.append((time.perf_counter() - start) * 1000)
        ms = round(statistics.median(tijden[1:]), 1)
        self.stdout.write(
            f"\nLopende maand, ongecached in het proces: {ms:.0f} ms (mediaan van {keer}; "
            f"doel < {MAANDRAPPORT_DOEL_MS} ms)"
        )
        return {"ms": ms, "doel_ms": MAANDRAPPORT_DOEL_MS, "gehaald": ms < MAANDRAPPORT_DOEL_MS}

    # Figures -------------------------------------------------------------------------------------

    def verhoudingen(self, uitslagen: dict[str, Uitslag]) -> None:
        """Each target of issue 20 checked: the share of the baseline's throughput, the
        statements per request where the issue names them, no errors."""
        oordeel = {}
        for scenario, doel in DOELEN.items():
            uitslag = uitslagen.get(scenario)
            if uitslag is None:
                continue
            regel: dict = {"zonder_fouten": uitslag.fouten == 0}
            basis = uitslagen.get(doel["basislijn"])
            if basis is not None and basis.per_seconde:
                regel["verhouding"] = round(uitslag.per_seconde / basis.per_seconde, 2)
                regel["verhouding_doel"] = doel["verhouding"]
                regel["verhouding_gehaald"] = regel["verhouding"] >= doel["verhouding"]
            if "queries" in doel and uitslag.queries is not None:
                regel["queries_doel"] = doel["queries"]
                regel["queries_gehaald"] = uitslag.queries <= doel["queries"]
            regel["gehaald"] = (
                regel["zonder_fouten"]
                and regel.get("verhouding_gehaald", False)
                and regel.get("queries_gehaald", True)
            )
            oordeel[scenario] = regel
        self.uitkomst["doelen"] = oordeel

    def beat_meten(self) -> dict:
        """Every job of the beat schedule, run twice as the worker runs it (task.apply), on the
        steady state: what an ordinary run costs when nothing is due."""
        self.stdout.write("\nBeat-taken (tweede run telt; niets verschuldigd):")
        gegevens.stabiele_bewaking(dt.datetime.now(dt.UTC))
        app.loader.import_default_modules()  # the tasks modules, as a worker loads them
        uitkomst = {}
        for naam, regel in settings.CELERY_BEAT_SCHEDULE.items():
            taak = app.tasks[regel["task"]]
            tijden = []
            for _i in range(2):
                start = time.perf_counter()
                resultaat = taak.apply().get()
                tijden.append(time.perf_counter() - start)
            uitkomst[naam] = {
                "eerste_s": round(tijden[0], 3),
                "s": round(tijden[1], 3),
                "resultaat": resultaat,
                "gehaald": tijden[1] < BEAT_GRENS_S,
            }
            self.stdout.write(
                f"  {naam:<28} {tijden[1]:7.3f} s  (eerste {tijden[0]:.3f} s)  -> {resultaat}"
            )
        return uitkomst

    def web_schalen(self) -> dict:
        """Throughput of the two hottest paths with 1 and 2 gunicorn processes."""
        self.stdout.write("\nSchalen, web (doorvoer per seconde):")
        uitkomst: dict = {}
        for werkers in (1, 2):
            with Webserver(self.omgeving, werkers=werkers, poort=self.opties["poort"] + 1) as web:
                for scenario in ("formulier", "werkvoorraad"):
                    uitslag = self.scenario(scenario, web, stil=True)
                    uitkomst.setdefault(scenario, {})[str(werkers)] = uitslag.per_seconde
                    self.stdout.write(
                        f"  {scenario:<14} {werkers} proces(sen): {uitslag.per_seconde:7.1f}/s "
                        f"(p95 {uitslag.p95_ms:.0f} ms, {uitslag.fouten} fouten)"
                    )
        return uitkomst

    def workers_schalen(self, aantal: int) -> dict:
        """The outbox drained by 1 and 2 worker processes: `aantal` messages queued at once."""
        self.stdout.write("\nSchalen, worker (berichten uit de outbox):")
        from klachten.berichten import tasks

        label = Label.objects.get(slug="bm-zorg")
        uitkomst = {}
        for processen in (1, 2):
            with Worker(self.omgeving, processen=processen):
                berichten = Bericht.objects.bulk_create(
                    Bericht(
                        label=label,
                        soort=BerichtSoort.MELDING_BEHANDELAAR,
                        aan="benchmark@example.nl",
                        onderwerp="Benchmark",
                        tekst="Een melding voor de benchmark.",
                    )
                    for _i in range(aantal)
                )
                ids = [b.pk for b in berichten]
                start = time.perf_counter()
                for pk in ids:
                    tasks.bericht_afleveren.delay(pk)
                while Bericht.objects.filter(pk__in=ids, status=BerichtStatus.WACHTEND).exists():
                    if time.perf_counter() - start > 600:
                        raise CommandError("De worker verzond de berichten niet binnen 10 minuten.")
                    time.sleep(0.1)
                duur = time.perf_counter() - start
                Bericht.objects.filter(pk__in=ids).delete()
            uitkomst[str(processen)] = {"s": round(duur, 2), "per_seconde": round(aantal / duur, 1)}
            self.stdout.write(
                f"  {processen} proces(sen): {aantal} berichten in {duur:.1f} s "
                f"({aantal / duur:.0f}/s)"
            )
        return uitkomst

    def soak(self, worker: Worker, duur: float) -> dict:
        """Mixed load for `duur` seconds; the memory of every web and worker process sampled
        every 10 s. Growth: the mean of the last minute against that of the second minute."""
        gebruikers = self.opties["soak_gebruikers"]
        verbindingen = verdeling(SOAK_GEWICHTEN, gebruikers)
        self.stdout.write(
            f"\nDuurbelasting: {duur:.0f} s gemengd, {sum(verbindingen.values())} verbindingen "
            f"({', '.join(f'{n} {a}' for n, a in verbindingen.items())}) ..."
        )
        monsters: list[dict] = []
        klaar = threading.Event()
        with Webserver(
            self.omgeving, werkers=self.opties["web"], poort=self.opties["poort"]
        ) as web:

            def meten():
                begin = time.monotonic()
                while not klaar.wait(10):
                    monsters.append(
                        {
                            "t": round(time.monotonic() - begin),
                            "web_mb": round(sum(web.geheugen()), 1),
                            "worker_mb": round(sum(worker.geheugen()), 1),
                        }
                    )

            draad = threading.Thread(target=meten, daemon=True)
            draad.start()
            try:
                uitslagen = self.draaien(verbindingen, web, duur=duur)
            finally:
                klaar.set()
                draad.join()
            piek_web = max(geheugen_mb(pid, "VmHWM") for pid in web.werkers)
        aanvragen = sum(u.aanvragen for u in uitslagen.values())
        fouten = sum(u.fouten for u in uitslagen.values())

        def groei(sleutel: str) -> float:
            tweede = [m[sleutel] for m in monsters if 60 <= m["t"] < 120]
            laatste = [m[sleutel] for m in monsters if m["t"] >= monsters[-1]["t"] - 60]
            if not tweede or not laatste:
                return 0.0
            return round(statistics.mean(laatste) - statistics.mean(tweede), 1)

        p95_hoogst = max((u.p95_ms for u in uitslagen.values()), default=0.0)
        uitkomst = {
            "s": duur,
            "aanvragen": aanvragen,
            "fouten": fouten,
            "p95_hoogst_ms": p95_hoogst,
            "p95_doel_ms": SOAK_DOEL_P95_MS,
            "p95_gehaald": p95_hoogst < SOAK_DOEL_P95_MS,
            "per_seconde": round(aanvragen / duur, 1),
            "per_scenario": {n: asdict(u) for n, u in uitslagen.items()},
            "web_groei_mb": groei("web_mb"),
            "worker_groei_mb": groei("worker_mb"),
            "web_piek_mb_per_proces": round(piek_web, 1),
            "monsters": monsters,
        }
        self.stdout.write(
            f"  {aanvragen:,} aanvragen ({uitkomst['per_seconde']}/s), {fouten} fouten; geheugen "
            f"web {monsters[0]['web_mb'] if monsters else 0:.0f} -> "
            f"{monsters[-1]['web_mb'] if monsters else 0:.0f} MB (groei laatste minuut t.o.v. "
            f"tweede: {uitkomst['web_groei_mb']:+.1f} MB), worker "
            f"{monsters[0]['worker_mb'] if monsters else 0:.0f} -> "
            f"{monsters[-1]['worker_mb'] if monsters else 0:.0f} MB "
            f"({uitkomst['worker_groei_mb']:+.1f} MB)"
        )
        for naam, u in uitslagen.items():
            self.stdout.write(
                f"    {naam:<24} {u.per_seconde:7.1f}/s  p50 {u.p50_ms:5.0f}  p95 {u.p95_ms:5.0f}"
                f"  p99 {u.p99_ms:5.0f} ms  {u.fouten} fouten"
                f"{'' if u.p95_ms < SOAK_DOEL_P95_MS else '  (p95 boven het doel)'}"
            )
        return uitkomst

    def tabel(self, uitslagen: dict[str, Uitslag]) -> None:
        """Every scenario with its share of its baseline, then every target of issue 20 with
        met (ja) or not met (NEE)."""
        doelen = self.uitkomst.get("doelen", {})
        self.stdout.write(
            f"\n{'scenario':<24} {'verb':>4} {'per s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
            f" {'fout':>5} {'queries':>7} {'MB':>5} {'t.o.v. basis':>12}  CPU ms per aanvraag"
        )
        for scenario, u in uitslagen.items():
            doel = doelen.get(scenario, {})
            verhouding = f"{doel['verhouding']:.2f}" if "verhouding" in doel else ""
            queries = "" if u.queries is None else f"{u.queries:g}"
            self.stdout.write(
                f"{scenario:<24} {u.gebruikers:>4} {u.per_seconde:7.1f} {u.p50_ms:6.0f}"
                f" {u.p95_ms:6.0f} {u.p99_ms:6.0f} {u.fouten:>5} {queries:>7}"
                f" {u.geheugen_mb:5.0f} {verhouding:>12}  {cpu_tekst(u.cpu_ms)}"
            )
        self.stdout.write(
            "(tijden in ms; verb: gelijktijdige verbindingen; per s: doorvoer; MB: grootste "
            "web-proces na de meting; CPU: van de hele machine per aanvraag, naar onderdeel; "
            "rest: wrk, Redis en de rest van de machine)"
        )
        self.stdout.write("\nDoelen (issue 20):")

        def regel(tekst: str, gehaald: bool | None, meting: str) -> None:
            oordeel = "niet gemeten" if gehaald is None else ("ja" if gehaald else "NEE")
            self.stdout.write(f"  {tekst:<66} {meting:<32} {oordeel}")

        for scenario, doel in DOELEN.items():
            gemeten = doelen.get(scenario)
            tekst = f"{scenario} >= {doel['verhouding']:.0%} van {doel['basislijn']}"
            if "queries" in doel:
                tekst += f", <= {doel['queries']} q (+BEGIN/COMMIT)"
            if gemeten is None or "verhouding" not in gemeten:
                regel(tekst, None, "")
                continue
            u = uitslagen[scenario]
            meting = f"{gemeten['verhouding']:.0%}, {u.queries or 0:g} q, {u.fouten} fouten"
            regel(tekst, gemeten["gehaald"], meting)
        maand = self.uitkomst.get("maandrapport_ongecached")
        regel(
            f"lopende maand ongecached < {MAANDRAPPORT_DOEL_MS} ms",
            maand["gehaald"] if maand else None,
            f"{maand['ms']:.0f} ms" if maand else "",
        )
        soak = self.uitkomst.get("soak")
        regel(
            f"duurbelasting: p95 < {SOAK_DOEL_P95_MS} ms op elke pagina en POST, geen fouten",
            (soak["p95_gehaald"] and not soak["fouten"]) if soak else None,
            f"hoogste p95 {soak['p95_hoogst_ms']:.0f} ms, {soak['fouten']} fouten" if soak else "",
        )
        for naam, beat in self.uitkomst.get("beat", {}).items():
            self.stdout.write(
                f"beat {naam:<28} {beat['s']:7.3f} s  {'ja' if beat['gehaald'] else 'NEE'}"
            )
        if soak:
            self.stdout.write(
                f"soak {soak['s']:.0f} s: {soak['aanvragen']:,} aanvragen, {soak['fouten']} "
                f"fouten, geheugengroei web {soak['web_groei_mb']:+.1f} MB, worker "
                f"{soak['worker_groei_mb']:+.1f} MB"
            )


def cpu_tekst(cpu: dict[str, float]) -> str:
    """CPU ms per request and its parts, as the table prints them."""
    if not cpu:
        return ""
    return (
        f"{cpu['totaal']:.1f} ms (web {cpu['web']:.1f}, worker {cpu['worker']:.1f}, "
        f"PostgreSQL {cpu['postgresql']:.1f}, rest {cpu['rest']:.1f})"
    )


def cpu_per_aanvraag(voor: dict, na: dict, aanvragen: int) -> dict[str, float]:
    """The CPU milliseconds per request each part of the stack spent between two cpu_stand
    readings; "rest" is the machine's busy time the parts do not account for (wrk, Redis)."""
    if not aanvragen:
        return {}
    verschil = {naam: max(0.0, na[naam] - voor[naam]) for naam in na}
    verschil["rest"] = max(
        0.0, verschil["totaal"] - sum(v for k, v in verschil.items() if k != "totaal")
    )
    return {naam: round(s * 1000 / aanvragen, 1) for naam, s in verschil.items()}


def _machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    geheugen = 0
    for regel in Path("/proc/meminfo").read_text().splitlines():
        if regel.startswith("MemTotal:"):
            geheugen = round(int(regel.split()[1]) / 1024 / 1024)
    return {
        "cores": os.cpu_count(),
        "geheugen_gb": geheugen,
        "python": platform.python_version(),
        "postgresql": postgres,
        "systeem": platform.platform(),
    }
