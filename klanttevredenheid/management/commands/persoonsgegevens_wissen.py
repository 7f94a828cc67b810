"""Erase the personal data of survey invitations sent more than 3 months before the given moment
(what beat does every night)."""

from django.core.management.base import BaseCommand

from klachten.opdrachtregel import moment
from klanttevredenheid import services


class Command(BaseCommand):
    help = "Wis de persoonsgegevens van enquête-uitnodigingen ouder dan 3 maanden."

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2026-12-01T03:30.")

    def handle(self, *args, op=None, **options):
        self.stdout.write(
            f"{services.persoonsgegevens_wissen(op=op)} contactmomenten geanonimiseerd"
        )
