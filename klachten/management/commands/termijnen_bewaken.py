"""Run the deadline watch once, for now or for a given moment (catching up after an outage,
replaying days in tests): reminders, escalations, automatic statusupdates, Kifid alarms."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from klachten import bewaking
from klachten.opdrachtregel import moment


class Command(BaseCommand):
    help = "Termijnbewaking: herinneringen, escalaties, automatische statusupdates, Kifid-alarm."

    def add_arguments(self, parser):
        parser.add_argument(
            "--op", type=moment, help="Peilmoment (Europe/Amsterdam), bv. 2026-12-01T09:00."
        )
        parser.add_argument(
            "--job",
            dest="plannen",
            choices=sorted(bewaking.PLANNEN),
            action="append",
            help="Alleen deze job(s).",
        )

    def handle(self, *args, op=None, plannen=None, **options):
        op = op or timezone.now()
        for naam in bewaking.PLANNEN:
            if plannen and naam not in plannen:
                continue
            aantal = bewaking.plan_uitvoeren(naam, op=op)
            self.stdout.write(f"{naam}: {aantal} verstuurd (peilmoment {op.isoformat()})")
