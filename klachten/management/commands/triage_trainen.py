"""Train the triage suggestion's classifier for a night (what beat does at 04:00)."""

from django.core.management.base import BaseCommand

from klachten import triage
from klachten.opdrachtregel import moment


class Command(BaseCommand):
    help = (
        "Train het triagemodel (voorstel van categorie en afdeling) op de afgesloten klachten; "
        "één keer per nacht."
    )

    def add_arguments(self, parser):
        parser.add_argument("--op", type=moment, help="Peilmoment, bv. 2026-12-01T04:00.")

    def handle(self, *args, op=None, **options):
        model = triage.nachtelijk_trainen(op=op)
        if model is None:
            self.stdout.write("Deze nacht is al een triagemodel getraind; niets gedaan.")
        elif model.model is None:
            self.stdout.write(f"Geen model: {model.opmerking}")
        else:
            self.stdout.write(
                f"Triagemodel {model}: {model.aantal_training} klachten getraind, "
                f"{model.aantal_toets} achtergehouden; nauwkeurigheid categorie "
                f"{model.nauwkeurigheid_categorie}%, afdeling {model.nauwkeurigheid_afdeling}%"
            )
