"""Import contact moments from a CSV file (DESIGN.md section 6), e.g. an export of another system,
or the list of customers of the yearly survey (a campagne, one group per customer).

    python manage.py contactmomenten_importeren export.csv [--label zuid] [--fouten fouten.csv]
    python manage.py contactmomenten_importeren kto.csv --campagne "KTO 2026" --groep nieuwe_klant

The first row names the columns: soort, moment, klant_email, klant_naam, klantnummer, afdeling,
behandelaar, and optionally productgroep (its code; the product review), label, groep and taal; `;` or `,` as delimiter, UTF-8 with or without
BOM (read by klanttevredenheid.csv_import, like the external survey import). Each row is checked
as the API checks a contact moment (klanttevredenheid.api.ContactmomentInvoerSerializer); the
good rows are recorded in chunks, one transaction each, through
services.contactmomenten_registreren, which plans or skips their invitations. Every bad row is
reported with its line number (and written to --fouten with the original row, to correct and
import again); the summary counts the invitations planned and skipped per reason.

With --campagne the campaign is created if needed (with --label, or the standaardlabel), soort
defaults to jaaronderzoek and the group comes from the row's groep column or else --groep.

Exit code: 0 when the good rows were imported; an error when the file cannot be read, has no usable
header, or not a single row was usable.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from klachten.models import Label
from klanttevredenheid import services
from klanttevredenheid.api import CAMPAGNEGROEPEN, ContactmomentInvoerSerializer
from klanttevredenheid.csv_import import Kolommen, Verslag, csv_openen
from klanttevredenheid.models import Bron, Campagne, RedenOvergeslagen, UitnodigingStatus

KOLOMMEN = [
    "soort",
    "moment",
    "klant_email",
    "klant_naam",
    "klantnummer",
    "afdeling",
    "behandelaar",
    "productgroep",
    "label",
    "groep",
    "taal",
]

PER = 2000
"""Rows per transaction: a failing chunk loses no more than this, and other writers wait at most
one chunk for the customers it locks (services.KLANTSLOTEN: at most 1,024 locks per chunk)."""


class Command(BaseCommand):
    help = "Importeert contactmomenten (of een KTO-campagne) uit een CSV-bestand."

    def add_arguments(self, parser):
        parser.add_argument(
            "bestand", type=Path, help="CSV met kopregel; ; of , als scheidingsteken."
        )
        parser.add_argument("--label", help="Slug van het label van rijen zonder label.")
        parser.add_argument("--campagne", help='Naam van de KTO-campagne, bv. "KTO 2026".')
        parser.add_argument(
            "--groep",
            choices=[waarde for waarde, _naam in CAMPAGNEGROEPEN],
            help="Enquêtegroep van rijen zonder groep (alleen met --campagne).",
        )
        parser.add_argument(
            "--fouten", type=Path, help="Schrijf de foute rijen (regel, reden, rij) naar deze CSV."
        )
        parser.add_argument(
            "--per",
            type=int,
            default=PER,
            help=f"Rijen per transactie (standaard {PER}; meer kost PostgreSQL-locks, zie PER).",
        )

    def handle(self, *args, bestand, label, campagne, groep, fouten, per, **options):
        if groep and not campagne:
            raise CommandError("--groep hoort bij --campagne.")
        if per < 1:
            raise CommandError("--per moet minstens 1 zijn.")
        label_obj = None
        if label:
            label_obj = Label.objects.filter(slug=label).first()
            if label_obj is None:
                raise CommandError(f"Onbekend label: {label}.")
        kolommen = Kolommen(
            bekend=KOLOMMEN, verplicht=["moment"] if campagne else ["soort", "moment"]
        )
        verslag = ContactmomentVerslag()
        with csv_openen(bestand, kolommen=kolommen, fouten=fouten, stderr=self.stderr) as invoer:
            if "groep" in invoer.kop and not campagne:
                self.stderr.write("Kolom 'groep' telt alleen met --campagne en wordt genegeerd.")
            serializer = ContactmomentInvoerSerializer(
                context={
                    "bron": Bron.IMPORT,
                    "label": label_obj,
                    "campagne": self.campagne(campagne, label_obj) if campagne else None,
                    "groep": groep,
                    "op": timezone.now(),
                }
            )
            for partij in invoer.partijen(
                serializer.run_validation,
                per=per,
                verslag=verslag,
                stil=options["verbosity"] == 0,
            ):
                verslag.tellen(
                    services.contactmomenten_registreren(
                        rijen=[services.NieuwContactmoment(**velden) for _regel, velden in partij]
                    )
                )

        self.stdout.write(verslag.samenvatting())
        if fouten and verslag.fout:
            self.stdout.write(f"De foute rijen staan in {fouten}.")
        if verslag.gelezen and not verslag.geimporteerd:
            raise CommandError("Geen enkele rij was bruikbaar; er is niets geïmporteerd.")

    def campagne(self, naam: str, label: Label | None) -> Campagne:
        """The campaign by name, created with --label (or the standaardlabel) if it is new."""
        campagne = Campagne.objects.select_related("label").filter(naam=naam).first()
        if campagne is not None:
            if label is not None and campagne.label != label:
                raise CommandError(
                    f"Campagne {naam!r} hoort bij label {campagne.label.slug}, niet {label.slug}."
                )
            self.stdout.write(f"Campagne {naam!r} bestaat al; de rijen komen erbij.")
            return campagne
        label = label or Label.objects.filter(is_standaard=True).first()
        if label is None:
            raise CommandError("Er is geen standaardlabel; geef --label.")
        self.stdout.write(f"Campagne {naam!r} aangemaakt (label {label.slug}).")
        return Campagne.objects.create(naam=naam, label=label)


class ContactmomentVerslag(Verslag):
    """What the import did, for the summary."""

    def __init__(self):
        super().__init__()
        self.geimporteerd = self.gepland = 0
        self.overgeslagen: Counter[str] = Counter()

    def tellen(self, momenten) -> None:
        self.geimporteerd += len(momenten)
        for moment in momenten:
            uitnodiging = moment.uitnodiging
            if uitnodiging.status == UitnodigingStatus.GEPLAND:
                self.gepland += 1
            else:
                self.overgeslagen[uitnodiging.reden_overgeslagen] += 1

    def samenvatting(self) -> str:
        regels = [
            self.gelezen_regel(),
            f"Geïmporteerd: {self.geimporteerd} contactmomenten",
            f"Fout: {self.fout} rijen",
            f"Uitnodigingen gepland: {self.gepland}",
            f"Uitnodigingen overgeslagen: {sum(self.overgeslagen.values())}",
        ]
        regels += [
            f"  {reden} ({RedenOvergeslagen(reden).label}): {aantal}"
            for reden, aantal in self.overgeslagen.most_common()
        ]
        return "\n".join(regels)
