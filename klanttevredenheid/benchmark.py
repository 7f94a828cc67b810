"""Benchmark of the satisfaction figures at scale (issue Klanttevredenheid, acceptance 5). Not a test.

Fills a scratch PostgreSQL database (its name must contain "benchmark") with contact moments,
invitations and responses (default 1,000,000 answered out of 1,250,000 invitations over 5 years,
two labels, ten afdelingen) with INSERT ... SELECT over generate_series, then times:

- the kwartaalcijfer of one quarter for every label (what beat does on the first of a quarter),
- catching up every quarter of 5 years at once (after the table was emptied),
- the dashboard's figures of a quarter per month and afdeling (cijfers.cijfers),

and prints the query plan of the quarter's aggregate.

    createdb -h 127.0.0.1 -U postgres klachten_benchmark
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/klachten_benchmark python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/klachten_benchmark \\
        python manage.py klanttevredenheid_benchmark
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from klachten import bulkladen, kalender
from klachten.models import Afdeling, Label
from klanttevredenheid import cijfers, services
from klanttevredenheid.models import Kwartaalcijfer, Respons

# Exactly r of the n contact moments (ids 1..n) answered, evenly spread.
BEANTWOORD = "(id::bigint * %(r)s / %(n)s) > ((id::bigint - 1) * %(r)s / %(n)s)"


class KlanttevredenheidBenchmark(BaseCommand):
    """`manage.py klanttevredenheid_benchmark`; benchmark/gegevens.py fills its dataset with
    `vullen`."""

    help = "Meet de kwartaalcijfers bij 1.000.000 responsen (alleen op een aparte database)."

    def add_arguments(self, parser):
        parser.add_argument("--responsen", type=int, default=1_000_000)
        parser.add_argument("--hergebruik", action="store_true", help="Bestaande vulling houden.")

    def handle(self, *args, responsen, hergebruik, **options):
        naam = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "benchmark" not in naam:
            raise CommandError("Alleen op een PostgreSQL-database met 'benchmark' in de naam.")
        nu = timezone.now()
        if not (hergebruik and Respons.objects.exists()):
            self.vullen(responsen, nu)
        with connection.cursor() as cursor:
            for tabel in ("contactmoment", "uitnodiging", "respons"):
                cursor.execute(f"ANALYZE klanttevredenheid_{tabel}")
        self.stdout.write(
            f"Database {naam}: {Respons.objects.count():,} responsen, "
            f"{Label.objects.count()} labels."
        )

        jaar, kwartaal = kalender.vorig_kwartaal(*kalender.kwartaal_van(nu.date()))
        Kwartaalcijfer.objects.all().delete()
        start = time.perf_counter()
        alle = services.kwartaalcijfers_berekenen(op=nu)
        self.stdout.write(
            f"Inhalen, alle kwartalen van 5 jaar: {time.perf_counter() - start:.3f} s "
            f"({len(alle)} kwartaalcijfers)"
        )
        Kwartaalcijfer.objects.filter(jaar=jaar, kwartaal=kwartaal).delete()
        start = time.perf_counter()
        berekend = services.kwartaalcijfers_berekenen(op=nu)
        duur = time.perf_counter() - start
        self.stdout.write(
            f"Kwartaalcijfer {jaar} K{kwartaal}, alle labels: {duur:.3f} s "
            + ", ".join(f"{k.label}: {k.gemiddelde} ({k.aantal:,})" for k in berekend)
        )
        van, tot = kalender.kwartaal_grenzen(jaar, kwartaal)
        start = time.perf_counter()
        rijen = cijfers.cijfers(van=van, tot=tot, per=("maand", "afdeling"))
        self.stdout.write(
            f"Dashboardcijfers van dat kwartaal per maand en afdeling: "
            f"{time.perf_counter() - start:.3f} s ({len(rijen)} rijen)"
        )
        plan = (
            Respons.objects.filter(
                ontvangen_op__gte=van,
                ontvangen_op__lt=tot,
                contactmoment__label=max(berekend, key=lambda k: k.aantal).label,
            )
            .order_by()
            .explain()
            if berekend
            else ""
        )
        self.stdout.write("Queryplan:\n  " + "\n  ".join(plan.splitlines()[:8]))

    def vullen(self, responsen: int, nu: dt.datetime, contactmomenten: int | None = None) -> None:
        """Contact moments (default 5 for every 4 responses) spread over 5 years, each with its
        invitation; `responsen` of them, evenly spread, answered."""
        start = time.perf_counter()
        labels = [
            Label.objects.get_or_create(slug=slug, defaults={"naam": naam})[0]
            for slug, naam in (("bm-zorg", "Benchmark Zorg"), ("bm-schade", "Benchmark Schade"))
        ]
        afdelingen = [
            Afdeling.objects.get_or_create(code=f"bm-{i}", defaults={"naam": f"Benchmark {i}"})[0]
            for i in range(10)
        ]
        uitnodigingen = contactmomenten or responsen * 5 // 4
        if responsen > uitnodigingen:
            raise CommandError("Meer responsen dan contactmomenten.")
        tabellen = [
            f"klanttevredenheid_{tabel}" for tabel in ("contactmoment", "uitnodiging", "respons")
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute(
                "TRUNCATE klanttevredenheid_opvolging, klanttevredenheid_respons, "
                "klanttevredenheid_uitnodiging, klanttevredenheid_kwartaalcijfer, "
                "klanttevredenheid_contactmoment RESTART IDENTITY CASCADE"
            )
            indexen = bulkladen.indexen_weghalen(cursor, tabellen)
            verwijzingen = bulkladen.verwijzingen_weghalen(cursor, tabellen)
            # Spread over the 5 years up to now, each with its invitation; `responsen` answered.
            cursor.execute(
                """
                INSERT INTO klanttevredenheid_contactmoment (
                    label_id, soort, groep, bron, moment, afdeling_id, taal, klant_email,
                    klant_naam, klantnummer, email_genormaliseerd, created_at
                )
                SELECT
                    (%(labels)s::int[])[1 + i %% 2],
                    (ARRAY['verzekering_afgesloten', 'vraag_klantenservice', 'schade_gemeld',
                           'gegevens_gewijzigd', 'opzegging', 'klacht_afgehandeld'])[1 + i %% 6],
                    'contactmoment', 'import',
                    %(nu)s::timestamptz - ((i::bigint * 157680000 / %(n)s) || ' seconds')::interval,
                    (%(afdelingen)s::int[])[1 + i %% 10], 'nl', '', '', '', '',
                    %(nu)s::timestamptz
                FROM generate_series(1, %(n)s) AS i
                """,
                {
                    "labels": [label.pk for label in labels],
                    "afdelingen": [afdeling.pk for afdeling in afdelingen],
                    "nu": nu,
                    "n": uitnodigingen,
                },
            )
            cursor.execute(
                """
                INSERT INTO klanttevredenheid_uitnodiging (
                    contactmoment_id, status, reden_overgeslagen, verzenden_op, verzonden_op,
                    verloopt_op, token, nps_vragen, created_at
                )
                SELECT id, CASE WHEN %(beantwoord)s THEN 'beantwoord' ELSE 'verzonden' END, '',
                    moment + interval '1 day', moment + interval '1 day',
                    moment + interval '31 days', md5(id::text) || md5((id * 7)::text), true, moment
                FROM klanttevredenheid_contactmoment
                """.replace("%(beantwoord)s", BEANTWOORD),
                {"r": responsen, "n": uitnodigingen},
            )
            cursor.execute(
                """
                INSERT INTO klanttevredenheid_respons (
                    contactmoment_id, rapportcijfer, nps_score, toelichting, verbetertips,
                    ontvangen_op
                )
                SELECT id, 1 + (id * 7919) %% 10, (id * 104729) %% 11, '', '',
                    moment + interval '2 days'
                FROM klanttevredenheid_contactmoment WHERE %(beantwoord)s
                """.replace("%(beantwoord)s", BEANTWOORD),
                {"r": responsen, "n": uitnodigingen},
            )
            for definitie in indexen + verwijzingen:
                cursor.execute(definitie)
        with connection.cursor() as cursor:
            for tabel in tabellen:
                cursor.execute(f"VACUUM ANALYZE {tabel}")
        self.stdout.write(
            f"Gevuld: {uitnodigingen:,} contactmomenten en uitnodigingen, "
            f"{Respons.objects.count():,} responsen in {time.perf_counter() - start:.1f} s."
        )
        self.stdout.write(f"(peildatum {kalender.lokale_datum(nu):%Y-%m-%d})")
