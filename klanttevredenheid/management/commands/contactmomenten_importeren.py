"""Import contact moments from a CSV file (DESIGN.md section 6), e.g. an export of another system,
or the list of customers of the yearly survey (a campagne, one group per customer).

    python manage.py contactmomenten_importeren export.csv [--label zuid] [--fouten fouten.csv]
    python manage.py contactmomenten_importeren kto.csv --campagne "KTO 2026" --groep nieuwe_klant

The first row names the columns: soort, moment, klant_email, klant_naam, klantnummer, afdeling,
behandelaar, and optionally label, groep and taal; `;` or `,` as delimiter, UTF-8 with or without
BOM. Each row is checked as the API checks a contact moment (klanttevredenheid.api.
ContactmomentInvoerSerializer); the good rows are recorded in chunks, one transaction each, through
services.contactmomenten_registreren, which plans or skips their invitations. Every bad row is
reported with its line number (and written to --fouten with the original row, to correct and
import again); the summary counts the invitations planned and skipped per reason.

With --campagne the campaign is created if needed (with --label, or the standaardlabel), soort
defaults to jaaronderzoek and the group comes from the row's groep column or else --groep.

Exit code: 0 when the good rows were imported; an error when the file cannot be read, has no usable
header, or not a single row was usable.
"""

from __future__ import annotations

import csv
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rest_framework import serializers
from tqdm import tqdm

from klachten.models import Label
from klanttevredenheid import services
from klanttevredenheid.api import CAMPAGNEGROEPEN, ContactmomentInvoerSerializer
from klanttevredenheid.models import Bron, Campagne, RedenOvergeslagen, UitnodigingStatus

KOLOMMEN = [
    "soort",
    "moment",
    "klant_email",
    "klant_naam",
    "klantnummer",
    "afdeling",
    "behandelaar",
    "label",
    "groep",
    "taal",
]

PER = 2000
"""Rows per transaction: a failing chunk loses no more than this, and other writers wait at most
one chunk for the customers it locks (services.KLANTSLOTEN: at most 1,024 locks per chunk)."""


class Bestandsfout(Exception):
    """The file cannot be read as a CSV of contact moments."""


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
        verslag = Verslag()
        try:
            with ExitStack() as stack:
                invoerbestand = stack.enter_context(bestand.open(encoding="utf-8-sig", newline=""))
                scheidingsteken, kop = kop_lezen(invoerbestand, campagne=bool(campagne))
                totaal = rijen_tellen(invoerbestand, scheidingsteken)
                lezer = csv_lezer(invoerbestand, scheidingsteken)
                next(lezer)  # the header
                for kolom in sorted(set(kop) - set(KOLOMMEN)):
                    self.stderr.write(f"Kolom {kolom!r} is onbekend en wordt genegeerd.")
                if "groep" in kop and not campagne:
                    self.stderr.write(
                        "Kolom 'groep' telt alleen met --campagne en wordt genegeerd."
                    )
                foutenschrijver = None
                if fouten:
                    foutenschrijver = csv.writer(
                        stack.enter_context(fouten.open("w", encoding="utf-8-sig", newline="")),
                        delimiter=scheidingsteken,
                    )
                    foutenschrijver.writerow(["regel", "reden", *kop])
                invoer = ContactmomentInvoerSerializer(
                    context={
                        "bron": Bron.IMPORT,
                        "label": label_obj,
                        "campagne": self.campagne(campagne, label_obj) if campagne else None,
                        "groep": groep,
                        "op": timezone.now(),
                    }
                )
                self.importeren(
                    lezer,
                    kop,
                    invoer=invoer,
                    per=per,
                    totaal=totaal,
                    verslag=verslag,
                    foutenschrijver=foutenschrijver,
                    stil=options["verbosity"] == 0,
                )
        except OSError as exc:
            raise CommandError(f"{exc.filename or bestand}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{bestand} is geen UTF-8: sla het op als 'CSV UTF-8 (door komma's gescheiden)'."
            ) from exc
        except Bestandsfout as exc:
            raise CommandError(f"{bestand}: {exc}") from exc

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

    def importeren(
        self, lezer, kop, *, invoer, per, totaal, verslag, foutenschrijver, stil
    ) -> None:
        uitvoer = Uitvoer(self.stderr)
        voortgang = tqdm(total=totaal, unit=" rijen", file=uitvoer, disable=stil, mininterval=1)
        partij: list[services.NieuwContactmoment] = []
        vorige = lezer.line_num
        for velden in lezer:
            regel, vorige = vorige + 1, lezer.line_num  # a quoted value may span lines
            if not any(waarde.strip() for waarde in velden):
                verslag.leeg += 1
                continue
            verslag.gelezen += 1
            try:
                partij.append(
                    services.NieuwContactmoment(**invoer.run_validation(rij(kop, velden)))
                )
            except serializers.ValidationError as exc:
                reden = zichtbaar(foutmelding(exc.detail))
                verslag.fout += 1
                tqdm.write(f"Regel {regel}: {reden}", file=uitvoer)
                if foutenschrijver:
                    foutenschrijver.writerow([regel, reden, *velden])
            if len(partij) >= per:
                verslag.tellen(services.contactmomenten_registreren(rijen=partij))
                partij = []
                voortgang.update(verslag.gelezen + verslag.leeg - voortgang.n)
        if partij:
            verslag.tellen(services.contactmomenten_registreren(rijen=partij))
        voortgang.update(verslag.gelezen + verslag.leeg - voortgang.n)
        voortgang.close()


def kop_lezen(invoerbestand, *, campagne: bool) -> tuple[str, list[str]]:
    """The delimiter and the column names of the header row. The delimiter is the one the header
    uses most: `;` (Dutch Excel) or `,`."""
    eerste = invoerbestand.readline()
    invoerbestand.seek(0)
    if not eerste.strip():
        raise Bestandsfout("geen kopregel (het bestand is leeg of begint met een lege regel).")
    scheidingsteken = ";" if eerste.count(";") > eerste.count(",") else ","
    kop = [kolom.strip().lower() for kolom in next(csv_lezer(invoerbestand, scheidingsteken))]
    invoerbestand.seek(0)
    dubbel = sorted(kolom for kolom, aantal in Counter(kop).items() if aantal > 1)
    if dubbel:
        raise Bestandsfout(f"kolom(men) dubbel in de kopregel: {', '.join(dubbel)}.")
    verplicht = ["moment"] if campagne else ["soort", "moment"]
    ontbrekend = [kolom for kolom in verplicht if kolom not in kop]
    if ontbrekend:
        raise Bestandsfout(
            f"kolom(men) {', '.join(ontbrekend)} ontbreken in de kopregel; verwacht "
            f"(gescheiden door ; of ,): {', '.join(KOLOMMEN)}."
        )
    return scheidingsteken, kop


def csv_lezer(invoerbestand, scheidingsteken: str):
    # strict: a quote that is never closed is an error, instead of swallowing the rest of the file
    return csv.reader(invoerbestand, delimiter=scheidingsteken, strict=True)


def rijen_tellen(invoerbestand, scheidingsteken: str) -> int:
    """The number of rows after the header, for the progress bar. Reading the whole file first
    also finds what makes it unreadable (not UTF-8, a broken quote) before anything is imported."""
    lezer = csv_lezer(invoerbestand, scheidingsteken)
    try:
        aantal = sum(1 for _velden in lezer) - 1
    except csv.Error as exc:
        raise Bestandsfout(f"regel {lezer.line_num}: {exc}") from exc
    invoerbestand.seek(0)
    return aantal


def rij(kop: list[str], velden: list[str]) -> dict:
    """The row as input for the serializer: known columns with a value (an empty cell counts as
    absent, so the defaults apply)."""
    if len(velden) != len(kop):
        raise serializers.ValidationError(
            {"rij": [f"{len(velden)} kolommen, de kopregel heeft er {len(kop)}."]}
        )
    return {
        kolom: waarde.strip()
        for kolom, waarde in zip(kop, velden, strict=True)
        if kolom in KOLOMMEN and waarde.strip()
    }


def foutmelding(detail) -> str:
    """DRF's error detail of one row as one line: 'moment: ...; afdeling: ...'."""
    if isinstance(detail, dict):
        return "; ".join(
            f"{veld}: {foutmelding(fouten)}" if veld != "non_field_errors" else foutmelding(fouten)
            for veld, fouten in detail.items()
        )
    if isinstance(detail, list):
        return " ".join(foutmelding(fout) for fout in detail)
    return str(detail)


def zichtbaar(tekst: str) -> str:
    """A message for the operator's terminal with the file's control and format characters shown
    as escapes (\\x1b, \\u202e): an error may quote a cell, and an escape sequence in a cell could
    otherwise recolour or clear the screen, a right-to-left override turn a line around."""
    return "".join(
        teken if teken.isprintable() else teken.encode("unicode_escape").decode("ascii")
        for teken in tekst
    )


class Verslag:
    """What the import did, for the summary."""

    def __init__(self):
        self.gelezen = self.leeg = self.fout = self.geimporteerd = self.gepland = 0
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
            f"Gelezen: {self.gelezen} rijen"
            + (f" ({self.leeg} lege regels overgeslagen)" if self.leeg else ""),
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


class Uitvoer:
    """The command's stderr as a file for tqdm: Django's OutputWrapper ends every write with a
    newline, which would turn each refresh of the bar (\\r...) into a line of its own."""

    def __init__(self, uitvoer):
        self.uitvoer = uitvoer

    def write(self, tekst: str) -> None:
        # Unstyled: on a terminal Django would colour every refresh of the bar as an error.
        self.uitvoer.write(tekst, style_func=str, ending="")

    def flush(self) -> None:
        self.uitvoer.flush()
