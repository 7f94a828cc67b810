"""Everything beat's morning job does (rapportage.services.dagelijks_bijwerken, the same function):
store the report of every finished month still missing and send the month before to management,
offer the month's dossier review, and in March remind the directie of an unpublished yearly report;
idempotent, for now or a given moment."""

from django.core.management.base import BaseCommand

from klachten.opdrachtregel import moment
from rapportage import services


class Command(BaseCommand):
    help = (
        "Doet wat de ochtendtaak doet: legt de maandrapporten van afgelopen maanden vast, stuurt "
        "de vorige maand rond, biedt de dossierreview van de maand aan en herinnert in maart aan "
        "het jaarverslag."
    )

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2026-12-01T06:00.")

    def handle(self, *args, op=None, **options):
        gedaan = services.dagelijks_bijwerken(op=op)
        self.stdout.write(f"{gedaan['maandrapporten']} maandrapporten vastgelegd")
        self.stdout.write(f"{gedaan['dossierreview']} dossierreview aangeboden")
        self.stdout.write(
            f"{gedaan['jaarrapport_herinneringen']} herinneringen voor het jaarverslag verstuurd"
        )
