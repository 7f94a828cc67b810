"""Importing contact moments from a CSV file (manage.py contactmomenten_importeren): the good rows
are recorded with their invitations, every bad row is reported with its line number, and a file
that cannot be read stops the import before anything is recorded."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from klachten.kalender import AMSTERDAM
from klanttevredenheid.models import (
    Bron,
    Campagne,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    RedenOvergeslagen,
    Uitnodiging,
    UitnodigingStatus,
)
from tests.factories import AfdelingFactory, LabelFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM)
KOP = "soort;moment;klant_email;klant_naam;klantnummer;afdeling;behandelaar"


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def importeren(pad, *args) -> tuple[str, str]:
    """Run the command; returns (stdout, stderr)."""
    uit, fout = io.StringIO(), io.StringIO()
    call_command("contactmomenten_importeren", str(pad), *args, stdout=uit, stderr=fout)
    return uit.getvalue(), fout.getvalue()


def csv_bestand(tmp_path, regels: list[str], *, naam="contactmomenten.csv", bom=False):
    pad = tmp_path / naam
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return pad


def test_import_neemt_goede_rijen_op_en_meldt_foute_met_regelnummer(
    tmp_path, label, afdeling_a, behandelaar
):
    pad = csv_bestand(
        tmp_path,
        [
            KOP,
            "vraag_klantenservice;2026-06-12T10:00:00+02:00;anna@example.nl;Anna;K1;declaraties;behandelaar",
            "schade_gemeld;12 juni 2026;bert@example.nl;Bert;K2;declaraties;",
            "postduif;2026-06-12T10:00:00+02:00;cor@example.nl;Cor;K3;;",
            "opzegging;2026-06-12T10:00:00+02:00;dirk@example.nl;Dirk;K4;bestaat-niet;",
            "",
            "verzekering_afgesloten;2026-06-12T11:00:00+02:00;geen-adres;Eva;K5;;",
            'gegevens_gewijzigd;2026-06-13 09:15;;"Vries; Fenna de";K6;;',
            "schade_gemeld;2026-06-14T08:00:00+02:00;ANNA@example.nl;Anna;;declaraties;",
            "opzegging;2026-06-14T08:00:00+02:00;gert@example.nl;Gert;K7",
        ],
    )

    uit, fout = importeren(pad)

    assert Contactmoment.objects.count() == 3
    anna = Contactmoment.objects.get(klantnummer="K1")
    assert (anna.soort, anna.bron, anna.label) == ("vraag_klantenservice", Bron.IMPORT, label)
    assert (anna.afdeling, anna.behandelaar) == (afdeling_a, behandelaar)
    assert anna.uitnodiging.status == UitnodigingStatus.GEPLAND
    fenna = Contactmoment.objects.get(klantnummer="K6")
    assert fenna.klant_naam == "Vries; Fenna de"
    assert fenna.moment == dt.datetime(2026, 6, 13, 9, 15, tzinfo=AMSTERDAM)
    assert fenna.uitnodiging.reden_overgeslagen == RedenOvergeslagen.GEEN_EMAIL
    tweede_van_anna = Contactmoment.objects.get(soort="schade_gemeld")
    assert tweede_van_anna.uitnodiging.reden_overgeslagen == RedenOvergeslagen.RECENT_UITGENODIGD

    fouten = [regel for regel in fout.splitlines() if regel.startswith("Regel ")]
    assert [regel.split(":")[0] for regel in fouten] == [
        "Regel 3",
        "Regel 4",
        "Regel 5",
        "Regel 7",
        "Regel 10",
    ]
    assert fouten[0].startswith("Regel 3: moment: ")
    assert fouten[1].startswith("Regel 4: soort: ")
    assert fouten[2] == "Regel 5: afdeling: Onbekende afdeling: bestaat-niet."
    assert fouten[3].startswith("Regel 7: klant_email: ")
    assert fouten[4] == "Regel 10: rij: 5 kolommen, de kopregel heeft er 7."
    assert "Gelezen: 8 rijen (1 lege regels overgeslagen)" in uit
    assert "Geïmporteerd: 3 contactmomenten" in uit
    assert "Fout: 5 rijen" in uit
    assert "Uitnodigingen gepland: 1" in uit
    assert "Uitnodigingen overgeslagen: 2" in uit
    assert "geen_email (Geen e-mailadres): 1" in uit
    assert "recent_uitgenodigd (In de 4 weken ervoor al uitgenodigd): 1" in uit


def test_import_schrijft_foute_rijen_naar_foutenbestand(tmp_path, label):
    pad = csv_bestand(
        tmp_path,
        [
            KOP,
            "opzegging;2026-06-12T10:00:00+02:00;anna@example.nl;Anna;K1;;",
            "opzegging;gisteren;bert@example.nl;Bert;K2;;",
        ],
    )
    foutenpad = tmp_path / "fouten.csv"

    importeren(pad, "--fouten", str(foutenpad))

    with foutenpad.open(encoding="utf-8-sig", newline="") as bestand:
        rijen = list(csv.reader(bestand, delimiter=";"))
    assert rijen[0] == ["regel", "reden", *KOP.split(";")]
    assert len(rijen) == 2
    assert rijen[1][0] == "3"
    assert rijen[1][1].startswith("moment: ")
    assert rijen[1][2:] == ["opzegging", "gisteren", "bert@example.nl", "Bert", "K2", "", ""]


def test_import_leest_excel_csv_utf8_met_bom_puntkomma_en_crlf(tmp_path, label, afdeling_a):
    pad = tmp_path / "excel.csv"
    pad.write_bytes(
        "\ufeffSoort;Moment;Klant_email;Klant_naam;Afdeling\r\n"
        "schade_gemeld;2026-06-12T10:00:00+02:00;jose@example.nl;José Müller;declaraties\r\n"
        "opzegging;morgen;;;\r\n".encode()
    )

    _uit, fout = importeren(pad)

    moment = Contactmoment.objects.get()
    assert (moment.soort, moment.klant_naam, moment.afdeling) == (
        "schade_gemeld",
        "José Müller",
        afdeling_a,
    )
    assert "Regel 3: moment: " in fout


def test_import_leest_komma_als_scheidingsteken(tmp_path, label):
    pad = csv_bestand(
        tmp_path,
        [
            "soort,moment,klant_email,klant_naam,label,taal",
            'opzegging,2026-06-12T10:00:00+02:00,kees@example.nl,"Jansen, Kees",zuid,en',
        ],
        bom=True,
    )

    importeren(pad)

    moment = Contactmoment.objects.get()
    assert (moment.klant_naam, moment.label, moment.taal) == ("Jansen, Kees", label, "en")


def test_import_met_label_optie_voor_rijen_zonder_label(tmp_path, label):
    noord = LabelFactory(slug="noord")
    pad = csv_bestand(
        tmp_path,
        [
            "soort;moment;klant_email;label",
            "opzegging;2026-06-12T10:00:00+02:00;a@example.nl;",
            "opzegging;2026-06-12T10:00:00+02:00;b@example.nl;zuid",
        ],
    )

    importeren(pad, "--label", "noord")

    assert Contactmoment.objects.get(klant_email="a@example.nl").label == noord
    assert Contactmoment.objects.get(klant_email="b@example.nl").label == label


def test_import_campagne_met_groepen(tmp_path, label):
    noord = LabelFactory(slug="noord")
    pad = csv_bestand(
        tmp_path,
        [
            "moment;klant_email;klant_naam;klantnummer;groep",
            "2026-06-15T08:00:00+02:00;a@example.nl;A;1;",
            "2026-06-15T08:00:00+02:00;b@example.nl;B;2;claimende_klant",
            "2026-06-15T08:00:00+02:00;c@example.nl;C;3;niet_claimende_klant",
            "2026-06-15T08:00:00+02:00;d@example.nl;D;4;contactmoment",
        ],
    )

    uit, fout = importeren(
        pad, "--campagne", "KTO 2026", "--groep", "nieuwe_klant", "--label", "noord"
    )

    campagne = Campagne.objects.get()
    assert (campagne.naam, campagne.label) == ("KTO 2026", noord)
    momenten = Contactmoment.objects.order_by("klantnummer")
    assert [(m.klantnummer, m.groep) for m in momenten] == [
        ("1", Enquetegroep.NIEUWE_KLANT),
        ("2", Enquetegroep.CLAIMENDE_KLANT),
        ("3", Enquetegroep.NIET_CLAIMENDE_KLANT),
    ]
    assert {(m.soort, m.campagne, m.label) for m in momenten} == {
        (ContactmomentSoort.JAARONDERZOEK, campagne, noord)
    }
    assert all(m.uitnodiging.status == UitnodigingStatus.GEPLAND for m in momenten)
    assert "Regel 5: groep: " in fout
    assert "Campagne 'KTO 2026' aangemaakt (label noord)." in uit


def test_import_campagne_zonder_groep_meldt_elke_rij_en_vult_bestaande_campagne_aan(
    tmp_path, label
):
    campagne = Campagne.objects.create(naam="KTO 2026", label=label)
    pad = csv_bestand(
        tmp_path,
        [
            "moment;klant_email;groep;label",
            "2026-06-15T08:00:00+02:00;a@example.nl;totale_klant;",
            "2026-06-15T08:00:00+02:00;b@example.nl;;",
            "2026-06-15T08:00:00+02:00;c@example.nl;totale_klant;noord",
        ],
    )
    LabelFactory(slug="noord")

    uit, fout = importeren(pad, "--campagne", "KTO 2026")

    assert Contactmoment.objects.get().campagne == campagne
    assert "Regel 3: groep: " in fout
    assert "Regel 4: label: De campagne hoort bij label zuid." in fout
    assert "bestaat al" in uit


def test_import_jaaronderzoek_alleen_met_campagne(tmp_path, label):
    pad = csv_bestand(
        tmp_path,
        [KOP, "jaaronderzoek;2026-06-12T10:00:00+02:00;a@example.nl;A;1;;"],
    )

    with pytest.raises(CommandError, match="Geen enkele rij was bruikbaar"):
        importeren(pad)

    assert not Contactmoment.objects.exists()


@pytest.mark.parametrize(
    ("inhoud", "melding"),
    [
        (b"", "geen kopregel"),
        (b"\nsoort;moment\n", "geen kopregel"),
        (b"soort;klant_email\nopzegging;a@example.nl\n", "kolom(men) moment ontbreken"),
        (b"soort;moment;soort\n", "dubbel"),
        (
            "soort;moment;klant_naam\nopzegging;2026-06-12;Jos\u00e9\n".encode("cp1252"),
            "geen UTF-8",
        ),
        (
            b'soort;moment;klant_naam\nopzegging;2026-06-12;"Jos\nopzegging;2026-06-12;Piet\n',
            "regel 3",
        ),
    ],
)
def test_onleesbaar_bestand_stopt_de_import_voordat_er_iets_is_opgenomen(
    tmp_path, label, inhoud, melding
):
    pad = tmp_path / "slecht.csv"
    pad.write_bytes(inhoud)

    with pytest.raises(CommandError, match=re.escape(melding)):
        importeren(pad)

    assert not Contactmoment.objects.exists()


def test_onbekend_bestand_geeft_een_fout(tmp_path, label):
    with pytest.raises(CommandError, match="No such file"):
        importeren(tmp_path / "bestaat-niet.csv")


def test_onbekende_kolom_wordt_gemeld_en_genegeerd(tmp_path, label):
    pad = csv_bestand(
        tmp_path,
        [
            "soort;moment;e-mail;groep",
            "opzegging;2026-06-12T10:00:00+02:00;a@example.nl;nieuwe_klant",
        ],
    )

    _uit, fout = importeren(pad)

    assert "Kolom 'e-mail' is onbekend en wordt genegeerd." in fout
    assert "Kolom 'groep' telt alleen met --campagne en wordt genegeerd." in fout
    assert Contactmoment.objects.get().groep == Enquetegroep.CONTACTMOMENT
    assert Contactmoment.objects.get().uitnodiging.reden_overgeslagen == "geen_email"


# At scale ----------------------------------------------------------------------------------------

# Chunking is what scale proves: 10,000 rows in 20 chunks of 500, each a transaction of its own,
# take the same code path as a production file of 100,000 rows in chunks of 2,000 (48 s here).
AANTAL = 10_000
PER_CHUNK = 500
FOUT_ELKE = 100  # 1% bad rows
FOUTEN = [
    ("schade_gemeld", "12-06-2026 xx", "moment"),
    ("postduif", "2026-06-12T10:00:00+02:00", "soort"),
    ("opzegging", "2026-06-12T10:00:00+02:00", "afdeling"),
    ("opzegging", "2026-06-12T10:00:00+02:00", "klant_email"),
]


def groot_bestand(pad) -> set[int]:
    """AANTAL rows over 20 afdelingen and 50 behandelaars; every 100th row is bad. Returns the
    line numbers of the bad rows."""
    soorten = [s for s in ContactmomentSoort.values if s != "jaaronderzoek"]
    fout_regels = set()
    with pad.open("w", encoding="utf-8-sig", newline="") as bestand:
        schrijver = csv.writer(bestand, delimiter=";")
        schrijver.writerow(KOP.split(";"))
        for i in range(AANTAL):
            regel = i + 2
            moment = (NU - dt.timedelta(minutes=i % 7000)).isoformat()
            rij = [
                soorten[i % len(soorten)],
                moment,
                f"klant{i % 9_000}@example.nl",
                f"Klant {i}",
                f"K{i}",
                f"afdeling-{i % 20}",
                f"medewerker-{i % 50}",
            ]
            if i % FOUT_ELKE == FOUT_ELKE - 1:
                soort, moment, veld = FOUTEN[(i // FOUT_ELKE) % len(FOUTEN)]
                rij[0], rij[1] = soort, moment
                if veld == "afdeling":
                    rij[5] = "bestaat-niet"
                if veld == "klant_email":
                    rij[2] = "geen-adres"
                fout_regels.add(regel)
            schrijver.writerow(rij)
    return fout_regels


@pytest.mark.django_db(transaction=True)  # a transaction per chunk, as in production
def test_import_van_10000_rijen_in_chunks_met_1_procent_fout(tmp_path, label):
    for n in range(20):
        AfdelingFactory(code=f"afdeling-{n}")
    for n in range(50):
        MedewerkerFactory(username=f"medewerker-{n}")
    pad = tmp_path / "groot.csv"
    fout_regels = groot_bestand(pad)
    foutenpad = tmp_path / "fouten.csv"

    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(1) or execute(sql, *args)
    ):
        uit, fout = importeren(pad, "--fouten", str(foutenpad), "--per", str(PER_CHUNK))

    # A handful of queries per chunk of rows and one per afdeling and behandelaar: never one
    # per row (that would be 10,000 and more).
    chunks = AANTAL // PER_CHUNK
    assert len(queries) < chunks * 15 + 20 + 50
    assert Contactmoment.objects.count() == 9_900
    assert Uitnodiging.objects.count() == 9_900
    gemeld = [regel for regel in fout.splitlines() if regel.startswith("Regel ")]
    assert len(gemeld) == 100
    assert {int(regel.split(":")[0].removeprefix("Regel ")) for regel in gemeld} == fout_regels
    with foutenpad.open(encoding="utf-8-sig", newline="") as bestand:
        assert len(list(csv.reader(bestand, delimiter=";"))) == 1 + 100
    assert "100%" in fout  # the progress bar
    assert "rijen" in fout
    assert "Gelezen: 10000 rijen" in uit
    assert "Geïmporteerd: 9900 contactmomenten" in uit
    assert "Fout: 100 rijen" in uit
