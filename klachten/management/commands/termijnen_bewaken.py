"""Run the deadline watch once, for now or for a given moment (catching up after an outage,
replaying days in tests): reminders, escalations, automatic statusupdates, Kifid alarms."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from klachten import bewaking
from klachten.termijnen import AMSTERDAM


def moment(waarde: str) -> dt.datetime:
    try:
        op = dt.datetime.fromisoformat(waarde)
    except ValueError as exc:
        raise CommandError(f"--op {waarde!r}: gebruik bijvoorbeeld 2026-12-01T09:00") from exc
    return op if op.tzinfo else op.replace(tzinfo=AMSTERDAM)


class Command(BaseCommand):
    help = "Termijnbewaking: herinneringen, escalaties, automatische statusupdates, Kifid-alarm."

    def add_arguments(self, parser):
        parser.add_argument(
            "--op", type=moment, help="Peilmoment (Europe/Amsterdam), bv. 2026-12-01T09:00."
        )
        parser.add_argument(
            "--job", choices=sorted(bewaking.JOBS), action="append", help="Alleen deze job(s)."
        )

    def handle(self, *args, op=None, job=None, **options):
        op = op or timezone.now()
        for naam, functie in bewaking.JOBS.items():
            if job and naam not in job:
                continue
            aantal = functie(op=op)
            self.stdout.write(f"{naam}: {aantal} verstuurd (peilmoment {op.isoformat()})")
