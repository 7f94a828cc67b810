"""Import the survey results of an external research bureau from its CSV export (issue 9,
"External survey data").

    python manage.py enquete_extern_importeren export.csv --label zuid [--bureau "Bureau X"]
        [--fouten fouten.csv] [--proef]

The columns (klanttevredenheid.extern.KOLOMMEN): klantreferentie, datum, soort and cijfer, and
optionally nps, toelichting, verbetertips, klant_email and productgroep (its code); other names the bureau may use are
accepted (e.g. klantnummer, rapportcijfer, aanbeveling, e-mail). `;` or `,` as delimiter, UTF-8
with or without BOM: the file is read by klanttevredenheid.csv_import, like the import of contact
moments. Each row is checked by klanttevredenheid.extern.ExterneResponsInvoerSerializer; the good
rows are recorded in chunks, one transaction each, by services.externe_responsen_importeren, which
skips a response that is recorded already (the same file imported twice, overlapping exports) or
comes twice in the file. Every bad row is reported with its line number and reason (and written
to --fouten with the original row, to correct and import again); with -v 2 also every duplicate.

With --proef everything is checked and counted, and rolled back: nothing is stored.

Exit code: 0 when the good rows were imported or all were known already; an error when the file
cannot be read, has no usable header, or not a single row was usable.
"""

from __future__ import annotations

import argparse
import textwrap
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import transaction
from django.utils import timezone

from klachten.models import Label
from klanttevredenheid import services
from klanttevredenheid.csv_import import Verslag, csv_openen
from klanttevredenheid.extern import KOLOMMEN, SOORT_WOORDEN, ExterneResponsInvoerSerializer
from klanttevredenheid.models import ContactmomentSoort

PER = 2000
"""Rows per transaction: a failing chunk loses no more than this."""


class Proef(Exception):
    """Rolls back a trial run."""


class Opmaak(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's order of the options, with the list of words in the epilog kept as it is."""


def epiloog() -> str:
    """The columns and the words for the kinds of contact moment, for --help."""
    ook: dict[str, list[str]] = {kolom: [] for kolom in KOLOMMEN.bekend}
    for ander, eigen in KOLOMMEN.aliassen.items():
        ook[eigen].append(ander)
    regels = ["Kolommen (* verplicht), met de andere namen die ook herkend worden:"]
    for kolom, namen in ook.items():
        teken = "*" if kolom in KOLOMMEN.verplicht else " "
        regels.append(f"  {kolom + teken:17}{', '.join(namen)}".rstrip())
    regels += ["", "Soort contactmoment (hoofdletters, accenten, - en _ tellen niet mee):"]
    for soort, woorden in SOORT_WOORDEN.items():
        regels.append(
            textwrap.fill(
                f"{soort} ({ContactmomentSoort(soort).label}): {', '.join(woorden)}",
                width=78,
                initial_indent="  ",
                subsequent_indent="      ",
            )
        )
    regels += [
        "",
        "datum: 2026-06-12, 2026-06-12T10:30:00+02:00 of dag-maand-jaar (12-6-2026,",
        "  12/06/2026 10:30); niet in de toekomst. cijfer: 1 t/m 10. nps: 0 t/m 10, of",
        "  leeg (niet gevraagd). toelichting en verbetertips: hooguit "
        f"{services.MAX_TEKST} tekens.",
    ]
    return "\n".join(regels)


class Command(BaseCommand):
    help = (
        "Importeert de enquêteresultaten van een extern onderzoeksbureau uit zijn CSV-export: "
        "elke reactie telt eenmaal mee in de cijfers, ook als het bestand twee keer wordt "
        "ingelezen."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, formatter_class=Opmaak, **kwargs)
        parser.epilog = epiloog()
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "bestand", type=Path, help="CSV met kopregel; ; of , als scheidingsteken."
        )
        parser.add_argument(
            "--label", required=True, help="Slug van het label waarvoor het onderzoek is gedaan."
        )
        parser.add_argument("--bureau", default="", help="Naam van het onderzoeksbureau.")
        parser.add_argument(
            "--fouten", type=Path, help="Schrijf de foute rijen (regel, reden, rij) naar deze CSV."
        )
        parser.add_argument(
            "--proef",
            action="store_true",
            help="Alles controleren en tellen, niets opslaan.",
        )
        parser.add_argument(
            "--per", type=int, default=PER, help=f"Rijen per transactie (standaard {PER})."
        )

    def handle(self, *args, bestand, label, bureau, fouten, proef, per, **options):
        if per < 1:
            raise CommandError("--per moet minstens 1 zijn.")
        label_obj = Label.objects.filter(slug=label).first()
        if label_obj is None:
            raise CommandError(f"Onbekend label: {label}.")
        if len(bureau.strip()) > 100:
            raise CommandError("--bureau: hooguit 100 tekens.")
        verslag = ExternVerslag()
        try:
            # A trial runs in one transaction that is rolled back; else each chunk commits.
            with transaction.atomic() if proef else nullcontext():
                self.importeren(
                    bestand,
                    label=label_obj,
                    bureau=bureau,
                    fouten=fouten,
                    per=per,
                    verslag=verslag,
                    verbosity=options["verbosity"],
                    proef=proef,
                )
        except Proef:
            pass

        self.stdout.write(verslag.samenvatting())
        if proef:
            self.stdout.write("Proef: er is niets opgeslagen.")
        if fouten and verslag.fout:
            self.stdout.write(f"De foute rijen staan in {fouten}.")
        if verslag.gelezen and not (verslag.geimporteerd or verslag.dubbel):
            raise CommandError("Geen enkele rij was bruikbaar; er is niets geïmporteerd.")

    def importeren(self, bestand, *, label, bureau, fouten, per, verslag, verbosity, proef):
        """The rows in chunks of `per`, each recorded in a transaction of its own (with --proef:
        a savepoint in the trial's transaction, which Proef rolls back)."""
        op = timezone.now()
        grens = services.bewaargrens(op)
        serializer = ExterneResponsInvoerSerializer(context={"op": op})
        with csv_openen(bestand, kolommen=KOLOMMEN, fouten=fouten, stderr=self.stderr) as invoer:
            for partij in invoer.partijen(
                serializer.run_validation, per=per, verslag=verslag, stil=verbosity == 0
            ):
                uitkomst = services.externe_responsen_importeren(
                    rijen=[services.NieuweExterneRespons(**velden) for _regel, velden in partij],
                    label=label,
                    bureau=bureau,
                    op=op,
                )
                for (regel, _velden), respons in zip(partij, uitkomst, strict=True):
                    if respons is None:
                        verslag.dubbel += 1
                        if verbosity >= 2:
                            invoer.melden(
                                f"Regel {regel}: dubbel (al geïmporteerd of eerder in het "
                                "bestand), overgeslagen."
                            )
                    else:
                        verslag.geimporteerd += 1
                        verslag.geanonimiseerd += respons.contactmoment.moment < grens
        if proef:
            raise Proef


class ExternVerslag(Verslag):
    """What the import did, for the summary."""

    def __init__(self):
        super().__init__()
        self.geimporteerd = self.dubbel = self.geanonimiseerd = 0

    def samenvatting(self) -> str:
        regels = [
            self.gelezen_regel(),
            f"Geïmporteerd: {self.geimporteerd} responsen",
            f"Dubbel (overgeslagen): {self.dubbel} rijen",
            f"Fout: {self.fout} rijen",
        ]
        if self.geanonimiseerd:
            regels.append(
                f"Zonder klantreferentie en e-mailadres opgeslagen (ouder dan "
                f"{services.BEWAARTERMIJN_MAANDEN} maanden): {self.geanonimiseerd}"
            )
        return "\n".join(regels)
