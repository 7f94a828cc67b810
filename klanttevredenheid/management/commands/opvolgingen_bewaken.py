"""Escalate the follow-ups of low scores open too long and close those of anonymised customers,
for the given moment (what beat does every hour)."""

from django.core.management.base import BaseCommand

from klachten.opdrachtregel import moment
from klanttevredenheid import services


class Command(BaseCommand):
    help = (
        "Escaleer opvolgingen die te lang open staan naar de teamleiders en sluit die van "
        "geanonimiseerde klanten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2026-12-07T08:20.")

    def handle(self, *args, op=None, **options):
        uitkomst = services.opvolgingen_bewaken(op=op)
        self.stdout.write(
            f"{uitkomst['geescaleerd']} opvolgingen geëscaleerd, "
            f"{uitkomst['gesloten']} gesloten (klantgegevens geanonimiseerd)"
        )
