"""Hostile input in the CSV import of contact moments (`manage.py contactmomenten_importeren`;
issue 8, Vertrouwen): every column of a row, NUL bytes, over-long and 1 MB cells, bytes that are
not UTF-8.

The rules: the command never crashes (a bad file is a CommandError with the reason, a bad row is
reported with its line number and the good rows are imported); text is stored exactly; what it
prints cannot steer the operator's terminal (no escape sequences from the file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from klachten.kalender import AMSTERDAM
from klanttevredenheid.models import Contactmoment
from tests.beveiliging.vijandig import EEN_MB, VIJANDIG, geteld

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM)
KOP = ["soort", "moment", "klant_email", "klant_naam", "klantnummer", "afdeling", "behandelaar"]
GOED = ["vraag_klantenservice", "2026-06-12T10:00:00+02:00", "", "Anna", "K1", "", ""]
TEKSTKOLOMMEN = ["klant_naam", "klantnummer"]


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def csv_bestand(tmp_path, rijen: list[list[str]], kop: list[str] = KOP):
    pad = tmp_path / "contactmomenten.csv"
    with pad.open("w", encoding="utf-8", newline="") as bestand:
        schrijver = csv.writer(bestand, delimiter=";")
        schrijver.writerow(kop)
        schrijver.writerows(rijen)
    return pad


def importeren(pad) -> tuple[str, str]:
    uit, fout = io.StringIO(), io.StringIO()
    call_command("contactmomenten_importeren", str(pad), stdout=uit, stderr=fout)
    return uit.getvalue(), fout.getvalue()


def rij_met(**waarden: str) -> list[str]:
    rij = dict(zip(KOP, GOED, strict=True))
    rij.update(waarden)
    return [rij[kolom] for kolom in KOP]


def test_vijandige_tekst_in_de_tekstkolommen_wordt_exact_geimporteerd(tmp_path, label):
    rijen = [
        rij_met(**dict.fromkeys(TEKSTKOLOMMEN, waarde), klant_email=f"klant{i}@example.nl")
        for i, waarde in enumerate(VIJANDIG.values())
    ]

    uit, fout = importeren(csv_bestand(tmp_path, rijen))
    geteld("csv", len(rijen) * len(TEKSTKOLOMMEN))

    assert f"Geïmporteerd: {len(VIJANDIG)} contactmomenten" in uit, (uit, fout)
    opgeslagen = {m.klant_email: m for m in Contactmoment.objects.all()}
    for i, waarde in enumerate(VIJANDIG.values()):
        moment = opgeslagen[f"klant{i}@example.nl"]
        assert (moment.klant_naam, moment.klantnummer) == (waarde.strip(), waarde.strip())


@pytest.mark.parametrize("kolom", KOP)
def test_vijandige_waarde_in_een_kolom_wordt_geimporteerd_of_met_regelnummer_gemeld(
    tmp_path, label, kolom
):
    """Each hostile value on a row of its own, next to a good row: the good row is imported,
    a refused row is reported by its line; nothing the file holds reaches the terminal raw."""
    waarden = {
        **VIJANDIG,
        "nul": "a\x00b",
        "te_lang": "x" * 255,
        "lang": "<b>" + "x" * 100_000,
    }
    rijen = [rij_met(klantnummer="goed")] + [rij_met(**{kolom: w}) for w in waarden.values()]

    uit, fout = importeren(csv_bestand(tmp_path, rijen))
    geteld("csv", len(waarden))

    assert Contactmoment.objects.filter(klantnummer="goed").exists()
    gelezen = Contactmoment.objects.count() + int(uit.split("Fout: ")[1].split()[0])
    assert gelezen == len(rijen)
    for tekst in (uit, fout):
        assert "\x1b" not in tekst
        assert "\x00" not in tekst
        assert "\u202e" not in tekst


def test_een_cel_van_1_mb_weigert_het_bestand_met_de_regel_en_importeert_niets(tmp_path, label):
    pad = csv_bestand(tmp_path, [rij_met(), rij_met(klant_naam=EEN_MB)])
    geteld("csv", 1)

    with pytest.raises(CommandError, match="regel 3"):
        importeren(pad)
    assert not Contactmoment.objects.exists()


def test_bytes_die_geen_utf8_zijn_weigeren_het_bestand(tmp_path, label):
    """A lone surrogate as a file can hold it (the bytes ED A0 80) is not UTF-8."""
    pad = csv_bestand(tmp_path, [rij_met()])
    pad.write_bytes(
        pad.read_bytes() + b"vraag_klantenservice;2026-06-12T10:00:00+02:00;;Los\xed\xa0\x80;;;\n"
    )
    geteld("csv", 1)

    with pytest.raises(CommandError, match="geen UTF-8"):
        importeren(pad)
    assert not Contactmoment.objects.exists()


def test_een_kop_met_vijandige_kolomnamen_wordt_genegeerd_en_veilig_gemeld(tmp_path, label):
    kop = [*KOP, "\x1b[2J<script>", "naam\u202e"]
    pad = csv_bestand(tmp_path, [[*GOED, "x", "y"]], kop=kop)

    _uit, fout = importeren(pad)
    geteld("csv", 2)

    assert Contactmoment.objects.count() == 1
    assert "\x1b" not in fout
    assert "\u202e" not in fout
