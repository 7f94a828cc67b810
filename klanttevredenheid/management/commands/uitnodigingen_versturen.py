"""Send the survey invitations whose moment has come (what beat does every 5 minutes), for now or
for a given moment: catching up after an outage, replaying days in tests."""

from django.core.management.base import BaseCommand

from klachten.opdrachtregel import moment
from klanttevredenheid import services


class Command(BaseCommand):
    help = "Verstuur de geplande enquête-uitnodigingen waarvan het moment gekomen is."

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2026-12-01T09:00.")

    def handle(self, *args, op=None, **options):
        self.stdout.write(f"{services.uitnodigingen_versturen(op=op)} uitnodigingen verstuurd")
