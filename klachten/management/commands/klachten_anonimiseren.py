"""Anonymise the closed complaints past their retention period (what beat does every night)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from klachten import avg
from klachten.opdrachtregel import moment


class Command(BaseCommand):
    help = (
        "Wis de persoonsgegevens van afgesloten klachten waarvan de bewaartermijn "
        "(KLACHT_BEWAARTERMIJN_MAANDEN na afsluiting) verstreken is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2026-12-01T02:45.")

    def handle(self, *args, op=None, **options):
        aantal = avg.verlopen_klachten_anonimiseren(op=op)
        self.stdout.write(
            f"{aantal} klachten geanonimiseerd "
            f"(bewaartermijn {settings.KLACHT_BEWAARTERMIJN_MAANDEN} maanden na afsluiting)"
        )
