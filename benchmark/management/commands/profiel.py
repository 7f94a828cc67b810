"""Where one request of the work queue and the dossier spends its time, in-process (issue 20;
benchmark.profiel, docs/benchmarks.md). Not a test; `scripts/profiel` runs it with the benchmark
settings (production's, DEBUG off, cached templates) on the current database."""

from __future__ import annotations

import os
import platform

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmark import profiel as profielmeting
from klachten.models import Medewerker


class Command(BaseCommand):
    help = "Meet de werkvoorraad en het dossier in het proces: ms per request, queries, profiel."

    def add_arguments(self, parser):
        parser.add_argument("--aantal", type=int, default=50, help="Requests per scenario (50).")
        parser.add_argument(
            "--gebruiker",
            help="Gebruikersnaam (standaard: 'behandelaar' van de demo, anders die van de benchmark).",
        )
        parser.add_argument("--scenario", action="append", help="Alleen deze (herhaalbaar).")
        parser.add_argument("--zoek", help="Zoekterm (standaard: de achternaam van een klant).")
        parser.add_argument(
            "--profiel",
            type=int,
            default=0,
            metavar="N",
            help="Bemonsterd profiel (CPU-tijd): per pakket en de N vaakst geziene functies.",
        )

    def handle(self, *args, aantal, gebruiker, scenario, zoek, profiel: int, **options):
        if settings.DEBUG:
            raise CommandError("Meet met DEBUG uit (scripts/profiel: config.settings.benchmark).")
        namen = [gebruiker] if gebruiker else ["behandelaar", "bm-behandelaar-01"]
        medewerker = Medewerker.objects.filter(username__in=namen).order_by("username").first()
        if medewerker is None:
            raise CommandError(f"Geen gebruiker {' of '.join(namen)} in deze database.")
        client = profielmeting.ingelogde_client(medewerker)
        alle = profielmeting.scenarios(medewerker, zoek)
        gekozen = scenario or list(alle)
        onbekend = set(gekozen) - set(alle)
        if onbekend:
            raise CommandError(f"Onbekend scenario: {', '.join(sorted(onbekend))}")
        self.stdout.write(
            f"{aantal} requests per scenario as {medewerker.username}; database "
            f"{connection.settings_dict['NAME']}; {os.cpu_count()} cores, "
            f"Python {platform.python_version()}"
        )
        metingen = [
            profielmeting.meten(client, naam, alle[naam], aantal, profiel=profiel)
            for naam in gekozen
        ]
        basis = next((m for m in metingen if m.naam == "basislijn_select"), None)
        self.stdout.write(profielmeting.KOP)
        for meting in metingen:
            self.stdout.write(meting.regel(basis if meting is not basis else None))
        for meting in metingen:
            if meting.profiel:
                self.stdout.write(f"\n=== {meting.naam} ({meting.url}) ===")
                self.stdout.write(meting.profiel)
