"""Reading a CSV file for an import, shared by `manage.py contactmomenten_importeren` and
`manage.py enquete_extern_importeren`.

One way to read a file: UTF-8 with or without BOM (Excel's "CSV UTF-8"), `;` (Dutch Excel) or `,`
as delimiter, a header row naming the columns (case-insensitive, in any order, with aliases), the
whole file read once before anything is imported so that an unreadable file (not UTF-8, a quote
that is never closed, a cell over the csv module's limit) stops the import with its line number.
Then the rows in chunks: each row is checked by the caller's validation (a DRF serializer's
run_validation); a bad row is reported on stderr as "Regel <n>: <reason>" under a tqdm progress
bar and written to the --fouten file with its line number, its reason and the original cells, to
correct and import again.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError
from rest_framework import serializers
from tqdm import tqdm


class Bestandsfout(Exception):
    """The file cannot be read as a CSV of this import."""


@dataclass(frozen=True)
class Kolommen:
    """The columns an import knows: their names, which are required, and other names for them
    that a header may use (e.g. an external bureau's words)."""

    bekend: list[str]
    verplicht: list[str]
    aliassen: dict[str, str] = field(default_factory=dict)

    def naam(self, kolom: str) -> str:
        """The column's own name for a name in a header (stripped, lower case, alias resolved)."""
        kolom = kolom.strip().lower()
        return self.aliassen.get(kolom, kolom)


class Verslag:
    """What an import did with the rows, for its summary: extended per import."""

    def __init__(self):
        self.gelezen = self.leeg = self.fout = 0

    def gelezen_regel(self) -> str:
        return f"Gelezen: {self.gelezen} rijen" + (
            f" ({self.leeg} lege regels overgeslagen)" if self.leeg else ""
        )


class Invoer:
    """An opened, checked CSV file: its header, and its rows in chunks of validated rows."""

    def __init__(self, lezer, kop, *, kolommen, oorspronkelijk, totaal, foutenschrijver, stderr):
        self.lezer = lezer
        self.kop = kop  # the columns' own names, in the order of the file
        self.kolommen = kolommen
        self.oorspronkelijk = oorspronkelijk  # own name -> the name in the file's header
        self.totaal = totaal
        self.foutenschrijver = foutenschrijver
        self.uitvoer = Uitvoer(stderr)

    @property
    def onbekend(self) -> list[str]:
        return sorted(set(self.kop) - set(self.kolommen.bekend))

    def partijen(
        self,
        valideren: Callable[[dict], object],
        *,
        per: int,
        verslag: Verslag,
        stil: bool = False,
    ) -> Iterator[list[tuple[int, object]]]:
        """The good rows as (line number, validated row), `per` at a time; the progress bar moves
        when the caller has handled a chunk. Every bad row is reported (see `fout`)."""
        voortgang = tqdm(
            total=self.totaal, unit=" rijen", file=self.uitvoer, disable=stil, mininterval=1
        )
        partij: list[tuple[int, object]] = []
        vorige = self.lezer.line_num
        try:
            for velden in self.lezer:
                regel, vorige = vorige + 1, self.lezer.line_num  # a quoted value may span lines
                if not any(waarde.strip() for waarde in velden):
                    verslag.leeg += 1
                    continue
                verslag.gelezen += 1
                try:
                    partij.append((regel, valideren(self.rij(velden))))
                except serializers.ValidationError as exc:
                    verslag.fout += 1
                    self.fout(regel, foutmelding(exc.detail, self.oorspronkelijk), velden)
                if len(partij) >= per:
                    yield partij
                    partij = []
                    voortgang.update(verslag.gelezen + verslag.leeg - voortgang.n)
            if partij:
                yield partij
            voortgang.update(verslag.gelezen + verslag.leeg - voortgang.n)
        finally:
            voortgang.close()

    def rij(self, velden: list[str]) -> dict:
        """The row as input for the serializer: known columns with a value (an empty cell counts
        as absent, so the defaults apply)."""
        if len(velden) != len(self.kop):
            raise serializers.ValidationError(
                {"rij": [f"{len(velden)} kolommen, de kopregel heeft er {len(self.kop)}."]}
            )
        return {
            kolom: waarde.strip()
            for kolom, waarde in zip(self.kop, velden, strict=True)
            if kolom in self.kolommen.bekend and waarde.strip()
        }

    def fout(self, regel: int, reden: str, velden: list[str]) -> None:
        """Report a bad row with its line number, and write it to the --fouten file."""
        reden = zichtbaar(reden)
        self.melden(f"Regel {regel}: {reden}")
        if self.foutenschrijver:
            self.foutenschrijver.writerow([regel, reden, *velden])

    def melden(self, tekst: str) -> None:
        """A line on stderr, above the progress bar."""
        tqdm.write(zichtbaar(tekst), file=self.uitvoer)


@contextmanager
def csv_openen(
    bestand: Path, *, kolommen: Kolommen, fouten: Path | None, stderr
) -> Iterator[Invoer]:
    """Open and check the file (see the module docstring); a file that cannot be read, or a
    --fouten file that cannot be written, is a CommandError naming the file."""
    try:
        with ExitStack() as stack:
            invoerbestand = stack.enter_context(bestand.open(encoding="utf-8-sig", newline=""))
            scheidingsteken, kop, oorspronkelijk = kop_lezen(invoerbestand, kolommen)
            totaal = rijen_tellen(invoerbestand, scheidingsteken)
            lezer = csv_lezer(invoerbestand, scheidingsteken)
            next(lezer)  # the header
            foutenschrijver = None
            if fouten:
                foutenschrijver = csv.writer(
                    stack.enter_context(fouten.open("w", encoding="utf-8-sig", newline="")),
                    delimiter=scheidingsteken,
                )
                foutenschrijver.writerow(["regel", "reden", *kop])
            invoer = Invoer(
                lezer,
                kop,
                kolommen=kolommen,
                oorspronkelijk=oorspronkelijk,
                totaal=totaal,
                foutenschrijver=foutenschrijver,
                stderr=stderr,
            )
            for kolom in invoer.onbekend:
                stderr.write(f"Kolom {kolom!r} is onbekend en wordt genegeerd.")
            yield invoer
    except OSError as exc:
        raise CommandError(f"{exc.filename or bestand}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{bestand} is geen UTF-8: sla het op als 'CSV UTF-8 (door komma's gescheiden)'."
        ) from exc
    except Bestandsfout as exc:
        raise CommandError(f"{bestand}: {exc}") from exc


def kop_lezen(invoerbestand, kolommen: Kolommen) -> tuple[str, list[str], dict[str, str]]:
    """The delimiter, the columns' own names in the order of the header row, and for each own
    name the name the header used. The delimiter is the one the header uses most: `;` (Dutch
    Excel) or `,`."""
    eerste = invoerbestand.readline()
    invoerbestand.seek(0)
    if not eerste.strip():
        raise Bestandsfout("geen kopregel (het bestand is leeg of begint met een lege regel).")
    scheidingsteken = ";" if eerste.count(";") > eerste.count(",") else ","
    namen = [kolom.strip().lower() for kolom in next(csv_lezer(invoerbestand, scheidingsteken))]
    invoerbestand.seek(0)
    kop = [kolommen.naam(naam) for naam in namen]
    dubbel = sorted(kolom for kolom, aantal in Counter(kop).items() if aantal > 1)
    if dubbel:
        raise Bestandsfout(f"kolom(men) dubbel in de kopregel: {', '.join(dubbel)}.")
    ontbrekend = [kolom for kolom in kolommen.verplicht if kolom not in kop]
    if ontbrekend:
        raise Bestandsfout(
            f"kolom(men) {', '.join(ontbrekend)} ontbreken in de kopregel; verwacht "
            f"(gescheiden door ; of ,): {', '.join(kolommen.bekend)}."
        )
    return scheidingsteken, kop, dict(zip(kop, namen, strict=True))


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


def foutmelding(detail, namen: dict[str, str] | None = None) -> str:
    """DRF's error detail of one row as one line: 'moment: ...; afdeling: ...', each field by the
    name the file's header gave it (`namen`)."""
    namen = namen or {}
    if isinstance(detail, dict):
        return "; ".join(
            f"{namen.get(veld, veld)}: {foutmelding(fouten)}"
            if veld != "non_field_errors"
            else foutmelding(fouten)
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
