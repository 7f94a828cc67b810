"""Store the report of every finished month still missing and send the month before to
management (what beat does on the 1st; idempotent), for now or a given moment."""

from django.core.management.base import BaseCommand

from klachten.opdrachtregel import moment
from rapportage import services


class Command(BaseCommand):
    help = "Leg de maandrapporten van afgelopen maanden vast en stuur de vorige maand rond."

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2026-12-01T06:00.")

    def handle(self, *args, op=None, **options):
        vastgelegd = services.maandrapporten_vastleggen(op=op)
        for rapport in vastgelegd:
            self.stdout.write(f"Vastgelegd: {rapport}")
        self.stdout.write(f"{len(vastgelegd)} maandrapporten vastgelegd")
