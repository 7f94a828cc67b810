"""Compute every missing kwartaalcijfer up to the quarter before the given moment (what beat does
every night; a stored quarter is never computed again)."""

from django.core.management.base import BaseCommand

from klachten.opdrachtregel import moment
from klanttevredenheid import services


class Command(BaseCommand):
    help = "Bereken de ontbrekende kwartaalcijfers (per label) tot en met het vorige kwartaal."

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2027-01-01T00:15.")

    def handle(self, *args, op=None, **options):
        berekend = services.kwartaalcijfers_berekenen(op=op)
        for cijfer in berekend:
            gemiddelde = cijfer.gemiddelde if cijfer.gemiddelde is not None else "geen gegevens"
            self.stdout.write(
                f"{cijfer.label}: {cijfer.jaar} K{cijfer.kwartaal} = {gemiddelde}"
                f" ({cijfer.aantal} responsen)"
            )
        self.stdout.write(f"{len(berekend)} kwartaalcijfers berekend")
