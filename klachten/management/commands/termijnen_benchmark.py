"""Benchmark of the deadline watch at scale (issue 4, acceptance 5). Not a test.

Fills a scratch PostgreSQL database with complaints (default 1,000,000, of which 100,000 open) in
one INSERT ... SELECT over generate_series, then times the deadline watch when nothing is due and
when 1% of the open complaints is due:

- the beat run as it happens in production (`bewaking.alles_verdelen`): the due-queries per job
  and handing the complaints found to the workers in batches, on a Redis database of its own;
- how long real Celery workers (`--workers`, prefork) then take to send every signal;
- for comparison, each job run inline in this one process, as `termijnen_bewaken --op` does;

and prints the query plans of the due-queries so one can see the partial indexes at work. Mail goes
to Django's dummy backend: the figures are our work, not an SMTP server's.

    createdb -h 127.0.0.1 -U postgres klachten_benchmark
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/klachten_benchmark python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/klachten_benchmark \\
        python manage.py termijnen_benchmark
"""

import datetime as dt
import os
import subprocess
import sys
import time

import redis
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config.celery_app import app
from klachten import bewaking, kalender, rollen, termijnen
from klachten.models import (
    Afdeling,
    Bericht,
    Categorie,
    Klacht,
    Label,
    Medewerker,
    Termijnsignaal,
)

OPEN_STATUSSEN = ["ontvangen", "ontvangst_bevestigd", "in_onderzoek", "in_heroverweging"]


class Command(BaseCommand):
    help = "Meet de termijnbewaking bij 1.000.000 klachten (alleen op een aparte database)."

    def add_arguments(self, parser):
        parser.add_argument("--aantal", type=int, default=1_000_000)
        parser.add_argument("--open", type=int, default=100_000)
        parser.add_argument("--hergebruik", action="store_true", help="Bestaande vulling houden.")
        parser.add_argument("--workers", type=int, default=2, help="Celery-workerprocessen.")
        parser.add_argument(
            "--broker",
            default="redis://127.0.0.1:6379/14",
            help="Een eigen Redis-database: de benchmark leegt die voor en na.",
        )

    def handle(self, *args, aantal, open, hergebruik, workers, broker, **options):
        naam = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "benchmark" not in naam:
            raise CommandError("Alleen op een PostgreSQL-database met 'benchmark' in de naam.")
        vandaag = kalender.vandaag()
        op = kalender.lokaal_moment(vandaag, dt.time(9, 5))
        if not (hergebruik and Klacht.objects.exists()):
            self.vullen(aantal=aantal, open_=open, vandaag=vandaag)
        self.niets_verschuldigd(vandaag)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE klachten_klacht")
        totaal = Klacht.objects.count()
        open_ = Klacht.objects.filter(status__in=OPEN_STATUSSEN).count()
        self.stdout.write(f"Database {naam}: {totaal:,} klachten, {open_:,} open.")

        redis.Redis.from_url(broker).flushdb()
        app.conf.update(task_always_eager=False, broker_url=broker)
        app._pool = None
        app.__dict__.pop("amqp", None)
        werkers = self.workers_starten(broker, workers)
        try:
            self.stdout.write("\nNiets verschuldigd (peilmoment vandaag 09:05):")
            self.beatrun(op)
            self.inline(op)

            due = self.een_procent_verschuldigd(vandaag, open_)
            self.stdout.write(
                f"\n1% verschuldigd ({due:,} klachten, termijnen gisteren verstreken):"
            )
            self.beatrun(op)
            self.afwachten(broker, workers)
            self.stdout.write("  Nogmaals (alles al gesignaleerd):")
            self.beatrun(op)
            self.afwachten(broker, workers)

            Termijnsignaal.objects.all().delete()
            self.een_procent_verschuldigd(vandaag, open_)
            self.stdout.write("\n1% verschuldigd, elke job inline in dit ene proces:")
            self.inline(op)
        finally:
            werkers.terminate()
            werkers.wait(timeout=30)
            redis.Redis.from_url(broker).flushdb()
        self.plannen(vandaag)

    def workers_starten(self, broker: str, aantal: int) -> subprocess.Popen:
        omgeving = os.environ | {
            "CELERY_BROKER_URL": broker,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        werkers = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config.celery_app", "worker"),
                *("--pool", "prefork", "--concurrency", str(aantal), "--loglevel", "WARNING"),
            ],
            env=omgeving,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not app.control.ping(timeout=15):
            for _ in range(30):
                if app.control.ping(timeout=1):
                    break
            else:
                werkers.terminate()
                raise CommandError("De Celery-workers starten niet.")
        return werkers

    def beatrun(self, op: dt.datetime) -> None:
        """One beat run: the due-queries of every job, then the batches to the broker."""
        for naam in bewaking.PLANNEN:
            start = time.perf_counter()
            aantal = len(bewaking.verschuldigd(naam, op=op))
            duur = time.perf_counter() - start
            self.stdout.write(
                f"  zoeken {naam:<14} {duur:7.3f} s  {aantal:>6} klachten verschuldigd"
            )
        start = time.perf_counter()
        bewaking.alles_verdelen(op=op)
        self.stdout.write(
            f"  beat-run (zoeken + verdelen over de workers) {time.perf_counter() - start:7.3f} s"
        )
        self._verdeeld_om = time.perf_counter()

    def afwachten(self, broker: str, workers: int) -> None:
        """Until the queue is empty and no signal or message was added for a second."""
        wachtrij = redis.Redis.from_url(broker)

        def stand():
            return (Termijnsignaal.objects.count(), Bericht.objects.count())

        vorige, stil_sinds = stand(), time.perf_counter()
        laatste_wijziging = stil_sinds
        while time.perf_counter() - stil_sinds < 1.0 or wachtrij.llen("celery"):
            time.sleep(0.05)
            nu = stand()
            if nu != vorige:
                vorige, stil_sinds = nu, time.perf_counter()
                laatste_wijziging = stil_sinds
            elif wachtrij.llen("celery"):
                stil_sinds = time.perf_counter()
        self.stdout.write(
            f"  workers ({workers} processen) klaar na {laatste_wijziging - self._verdeeld_om:7.3f} s,"
            f" {Termijnsignaal.objects.count():,} signalen in totaal"
        )

    def inline(self, op: dt.datetime) -> None:
        for naam in bewaking.PLANNEN:
            start = time.perf_counter()
            aantal = bewaking.plan_uitvoeren(naam, op=op)
            duur = time.perf_counter() - start
            self.stdout.write(f"  inline {naam:<14} {duur:7.3f} s  {aantal:>6} verstuurd")

    def vullen(self, *, aantal: int, open_: int, vandaag: dt.date) -> None:
        start = time.perf_counter()
        Termijnsignaal.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE klachten_klacht CASCADE")
        label = Label.objects.get_or_create(
            slug="benchmark", defaults={"naam": "Benchmark", "is_standaard": True}
        )[0]
        afdeling = Afdeling.objects.get_or_create(code="benchmark", defaults={"naam": "Benchmark"})[
            0
        ]
        categorie = Categorie.objects.get_or_create(
            code="benchmark", defaults={"naam": "Benchmark", "afdeling": afdeling}
        )[0]
        for gebruikersnaam, rol in (
            ("bm-behandelaar", rollen.KLACHTBEHANDELAAR),
            ("bm-teamleider", rollen.TEAMLEIDER),
        ):
            gebruiker = Medewerker.objects.get_or_create(
                username=gebruikersnaam, defaults={"email": f"{gebruikersnaam}@example.nl"}
            )[0]
            gebruiker.groups.add(Group.objects.get(name=rol))
            gebruiker.afdelingen.add(afdeling)
        behandelaar = Medewerker.objects.get(username="bm-behandelaar")
        elke = max(1, aantal // open_)
        # Closed complaints spread over 5 years; every `elke`-th is open, received in the last
        # 40 days, with its running deadlines 3 to 302 days ahead (nothing due today).
        sql = f"""
            INSERT INTO klachten_klacht (
                dossiernummer, status, kanaal, ontvangen_op, taal, klant_naam, klant_email,
                klant_telefoon, polisnummer, urgentie, omschrijving, gewenste_oplossing,
                direct_opgelost, oplossing, status_token, created_at, updated_at, afdeling_id,
                categorie_id, label_id, behandelaar_id, oordeel, versie,
                ontvangstbevestiging_uiterlijk_datum, antwoord_uiterlijk_datum,
                statusupdate_uiterlijk_datum, heroverweging_uiterlijk_datum, kifid_alarm_datum,
                volgende_termijn_datum, beantwoord_op, afgesloten_op, klant_postadres
            )
            SELECT
                'KL-' || (2000 + (i - 1) / 200000) || '-' || lpad((((i - 1) %% 200000) + 1)::text, 6, '0'),
                CASE WHEN i %% {elke} = 0 THEN (ARRAY{OPEN_STATUSSEN!r})[1 + (i / {elke}) %% 4]
                     ELSE 'afgesloten' END,
                'webformulier', o.op, 'nl', 'Klant ' || i, 'klant' || i || '@example.nl', '', '',
                'normaal', 'Benchmarkklacht', '', false, '', md5(i::text) || md5((i * 7)::text),
                o.op, o.op, {afdeling.pk}, {categorie.pk}, {label.pk}, {behandelaar.pk}, '', 1,
                d.ontvangst, d.antwoord, d.statusupdate, d.heroverweging, d.kifid, d.volgende,
                CASE WHEN i %% {elke} = 0 THEN NULL ELSE o.op + interval '30 days' END,
                CASE WHEN i %% {elke} = 0 THEN NULL ELSE o.op + interval '35 days' END, ''
            FROM generate_series(1, {aantal}) AS i
            CROSS JOIN LATERAL (
                SELECT CASE WHEN i %% {elke} = 0
                    THEN %(vandaag)s::timestamptz - ((i %% 40) || ' days')::interval
                    ELSE %(vandaag)s::timestamptz - ((i %% 1825) + 60 || ' days')::interval
                END AS op
            ) o
            CROSS JOIN LATERAL (
                SELECT
                    %(vandaag)s::date + 3 + (i %% 300) AS ontvangst,
                    %(vandaag)s::date + 3 + ((i + 50) %% 300) AS antwoord,
                    %(vandaag)s::date + 3 + ((i + 100) %% 300) AS statusupdate,
                    %(vandaag)s::date + 3 + ((i + 150) %% 300) AS heroverweging,
                    CASE WHEN i %% {elke} = 0 THEN %(vandaag)s::date + 3 + ((i + 200) %% 300) END
                        AS kifid,
                    CASE WHEN i %% {elke} = 0 THEN %(vandaag)s::date + 3 + (i %% 300) END
                        AS volgende
            ) d
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, {"vandaag": vandaag})
        self.stdout.write(f"Gevuld: {aantal:,} klachten in {time.perf_counter() - start:.1f} s.")

    def niets_verschuldigd(self, vandaag: dt.date) -> None:
        """Back to the filled state after an earlier run: every deadline 3 to 302 days ahead."""
        Termijnsignaal.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE klachten_klacht SET
                    ontvangstbevestiging_uiterlijk_datum = %(vandaag)s::date + 3 + (id %% 300)::int,
                    antwoord_uiterlijk_datum = %(vandaag)s::date + 3 + ((id + 50) %% 300)::int,
                    statusupdate_uiterlijk_datum = %(vandaag)s::date + 3 + ((id + 100) %% 300)::int,
                    heroverweging_uiterlijk_datum = %(vandaag)s::date + 3 + ((id + 150) %% 300)::int,
                    kifid_alarm_datum = %(vandaag)s::date + 3 + ((id + 200) %% 300)::int
                WHERE status <> 'afgesloten' AND (
                    ontvangstbevestiging_uiterlijk_datum < %(grens)s
                    OR antwoord_uiterlijk_datum < %(grens)s
                    OR statusupdate_uiterlijk_datum < %(grens)s
                    OR heroverweging_uiterlijk_datum < %(grens)s
                    OR kifid_alarm_datum < %(grens)s)
                """,
                {"vandaag": vandaag, "grens": vandaag + dt.timedelta(days=3)},
            )

    def een_procent_verschuldigd(self, vandaag: dt.date, open_: int) -> int:
        """Move every deadline of 1% of the open complaints to yesterday."""
        gisteren = vandaag - dt.timedelta(days=1)
        ids = list(
            Klacht.objects.filter(status__in=OPEN_STATUSSEN)
            .order_by("pk")
            .values_list("pk", flat=True)[: max(1, open_ // 100)]
        )
        Klacht.objects.filter(pk__in=ids).update(
            ontvangstbevestiging_uiterlijk_datum=gisteren,
            antwoord_uiterlijk_datum=gisteren,
            statusupdate_uiterlijk_datum=gisteren,
            heroverweging_uiterlijk_datum=gisteren,
            kifid_alarm_datum=gisteren,
        )
        return len(ids)

    def plannen(self, vandaag: dt.date) -> None:
        self.stdout.write("\nQueryplannen van de due-queries (escalaties, per termijn):")
        for soort, (kolom, statussen) in termijnen.LOPEND_BIJ.items():
            # A deadline held as a moment (the first reaction) is compared with a moment.
            grens = kalender.lokaal_moment(vandaag) if soort in termijnen.MOMENTEN else vandaag
            qs = Klacht.objects.filter(**{f"{kolom}__lt": grens}, status__in=statussen)
            plan = qs.explain()
            eerste = next((r for r in plan.splitlines() if "Index" in r), plan.splitlines()[0])
            self.stdout.write(f"  {soort:<22} {eerste.strip()}")
        plan = Klacht.objects.filter(kifid_alarm_datum__lte=vandaag).explain()
        eerste = next((r for r in plan.splitlines() if "Index" in r), plan.splitlines()[0])
        self.stdout.write(f"  {'kifid_alarm':<22} {eerste.strip()}")
