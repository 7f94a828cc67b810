"""`manage.py demo_data`: the demo of every app in one step (klachten.demo, then each other
installed app's `demo` module, found by convention: klachten.demo.vullen.app_demos).

Idempotent: when the demo labels exist it adds nothing and only prints the logins. Deterministic: the
same seed on the same day gives the same complaints (each dossier draws from its own seeded Random).
"""

import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from klachten.demo import email, stamgegevens, vullen
from klachten.models import Label


class Command(BaseCommand):
    help = (
        "Laadt demo-gegevens: twee labels, afdelingen, categorieën, een gebruiker per rol en "
        "ongeveer 200 klachten over de afgelopen 18 maanden, in elke stap van de procedure. Doet "
        "niets als ze er al zijn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--aantal", type=int, default=200, help="Aantal klachten (200).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed voor het toeval.")
        parser.add_argument(
            "--maanden", type=int, default=18, help="Periode van de klachten in maanden (18)."
        )

    def handle(self, *args, aantal, seed, maanden, **options):
        app_demos = vullen.app_demos()
        with translation.override(settings.LANGUAGE_CODE):
            if Label.objects.filter(slug=stamgegevens.LABELS[0]["slug"]).exists():
                self.stdout.write(
                    "Demo-gegevens staan er al; er is niets toegevoegd. "
                    "(Leeg de database om ze opnieuw te laden.)"
                )
            else:
                with (
                    vullen.broker_meldingen_tellen() as teller,
                    vullen.alleen_wachtende_berichten_in_wachtrij(),
                    transaction.atomic(),
                ):
                    nu = timezone.now()
                    demo = vullen.KlachtenDemo(
                        nu=nu, gebruikers=stamgegevens.stamgegevens_aanmaken()
                    )
                    klachten = demo.klachten_aanmaken(
                        aantal=aantal, rng=random.Random(seed), maanden=maanden
                    )
                    demo.losse_verbeterpunten_aanmaken(random.Random(seed + 1))
                    demo.partner_klachten_toewijzen()
                    email_demo = email.EmailDemo(demo)
                    per_email = email_demo.gesprekken_aanmaken()
                    samenvattingen = [
                        app_demo.demo_vullen(
                            nu=nu,
                            seed=seed,
                            gebruikers=demo.gebruikers,
                            labels=list(Label.objects.order_by("pk")),
                        )
                        for app_demo in app_demos
                    ]
                    demo.berichten_als_verzonden_markeren(klachten + per_email)
                if teller.aantal:
                    self.stdout.write(
                        self.style.WARNING(
                            "De Celery-broker (Redis) is niet bereikbaar: berichten die nog niet "
                            "verzonden zijn, wachten in de outbox tot de worker draait."
                        )
                    )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo-gegevens geladen: {len(stamgegevens.LABELS)} labels, "
                        f"{len(stamgegevens.AFDELINGEN)} afdelingen, "
                        f"{len(stamgegevens.CATEGORIEEN)} categorieën, "
                        f"{len(stamgegevens.GEBRUIKERS) + 1} gebruikers, {len(klachten)} klachten."
                    )
                )
                self.stdout.write(demo.overzicht(klachten))
                self.stdout.write(email_demo.overzicht())
                for samenvatting in samenvattingen:
                    self.stdout.write(samenvatting)
            adressen = [
                adres for app_demo in app_demos for adres in getattr(app_demo, "ADRESSEN", [])
            ]
            self.stdout.write(stamgegevens.logins(adressen))
