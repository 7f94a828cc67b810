"""The inbound e-mail benchmark (issue 17, acceptance 7; benchmark.inkomend, docs/benchmarks.md):
messages per second through the real pipeline for one mailbox, from a local folder and from a
real Dovecot. Not a test; `scripts/benchmark inkomend` runs it with the benchmark settings."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmark import inkomend


class Command(BaseCommand):
    help = "Meet hoeveel inkomende e-mails per seconde één mailbox verwerkt (map en IMAP)."

    def add_arguments(self, parser):
        parser.add_argument("--aantal", type=int, default=10_000)
        parser.add_argument("--bron", choices=["map", "imap"], action="append")
        parser.add_argument("--json", type=Path, dest="json_pad")

    def handle(self, *args, aantal, bron, json_pad: Path | None, **options):
        naam = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "benchmark" not in naam:
            raise CommandError("Alleen op een PostgreSQL-database met 'benchmark' in de naam.")
        bronnen = bron or ["map", "imap"]
        self.stdout.write(
            f"Inkomende e-mail: {aantal} berichten per bron, één mailbox; "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, database {naam}"
        )
        uitkomst = {}
        for soort in bronnen:
            self.stdout.write(f"{soort}: voorbereiden …")
            if soort == "map":
                meting = inkomend.map_meten(aantal)
            else:
                meting, toevoegen_s = inkomend.imap_meten(aantal, uit=self.stdout)
                self.stdout.write(
                    f"  {aantal} berichten toegevoegd (APPEND) in {toevoegen_s:.1f} s"
                )
            for regel in meting.regels():
                self.stdout.write(regel)
            uitkomst[soort] = meting.als_dict()
        if json_pad is not None:
            json_pad.write_text(json.dumps(uitkomst, indent=2) + "\n")
