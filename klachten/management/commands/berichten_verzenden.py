"""Run the outbox sweep once: send every message still pending (DESIGN.md section 5).

The beat job `klachten.tasks.openstaande_berichten_verzenden` does this every minute. This command
is for operations catching up after an outage of the broker, the workers or the mail server, or for
checking by hand what is still waiting:

    python manage.py berichten_verzenden
    python manage.py berichten_verzenden --op 2026-12-01T09:00

`--op` is the reference moment (Europe/Amsterdam unless an offset is given): the sweep takes the
messages that were pending longer than 30 seconds at that moment, as the beat job at that moment
would have. Running it twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from klachten import berichten
from klachten.opdrachtregel import moment


class Command(BaseCommand):
    help = "Verstuurt eenmalig alle berichten die nog in de outbox wachten (de sweep)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--op",
            type=moment,
            default=None,
            help="Referentiemoment, bijvoorbeeld 2026-12-01T09:00 (standaard: nu).",
        )

    def handle(self, *args, op: dt.datetime | None = None, **options):
        referentie = op or timezone.now()
        resultaat = berichten.openstaande_berichten_verzenden(op=referentie)
        lokaal = timezone.localtime(referentie).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"Sweep op {lokaal}: {resultaat.verzonden} verzonden, "
            f"{resultaat.niet_gelukt} niet gelukt, {resultaat.wachtend} nog wachtend."
        )
