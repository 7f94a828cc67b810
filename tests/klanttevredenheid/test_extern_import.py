"""Survey results of an external research bureau, imported from its CSV export (issue 9, "External
survey data"; acceptance 4): each response once, however often the file is imported; counted in the
figures like our own responses (not in the response rate: no invitation of ours goes with them);
bad rows reported by line number; the customer reference erased after 3 months; a frozen
kwartaalcijfer stays as it was."""

import csv
import datetime as dt
import io
import re
import time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from time_machine import travel

from klachten import kalender
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht
from klanttevredenheid import cijfers, extern, services
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Kwartaalcijfer,
    Opvolging,
    Respons,
    Uitnodiging,
)
from rapportage import maandrapport
from tests.databank import tabellen_met
from tests.factories import LabelFactory, respons, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

S = ContactmomentSoort
NU = dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM)
KOP = "klantreferentie;datum;soort;cijfer;nps;toelichting"
TWEEDE_KWARTAAL = kalender.kwartaal_grenzen(2026, 2)


def om(jaar: int, maand: int, dag: int, uur: int = 10) -> dt.datetime:
    return dt.datetime(jaar, maand, dag, uur, tzinfo=AMSTERDAM)


def importeren(pad, *args, label: str = "zuid") -> tuple[str, str]:
    """Run the command; returns (stdout, stderr)."""
    uit, fout = io.StringIO(), io.StringIO()
    call_command(
        "enquete_extern_importeren", str(pad), "--label", label, *args, stdout=uit, stderr=fout
    )
    return uit.getvalue(), fout.getvalue()


def csv_bestand(tmp_path, regels: list[str], *, naam="extern.csv", bom=False):
    pad = tmp_path / naam
    pad.write_text("\n".join(regels) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return pad


def foutregels(stderr: str) -> dict[int, str]:
    """The reported rows: {line number: reason} (splitlines: the progress bar redraws after \r)."""
    return {
        int(gevonden[1]): gevonden[2]
        for regel in stderr.splitlines()
        if (gevonden := re.fullmatch(r"Regel (\d+): (.*)", regel))
    }


def kwartaal(**kwargs) -> cijfers.Cijfers:
    return cijfers.totaal(van=TWEEDE_KWARTAAL[0], tot=TWEEDE_KWARTAAL[1], **kwargs)


# Acceptance 4 ------------------------------------------------------------------------------------

EXPORT = [
    KOP,
    "K1;2026-05-04;schade;9;10;Snel geholpen",  # 2
    "K2;4-5-2026;Klantenservice;7;9;",  # 3 (day-month-year, the bureau's word)
    "K3;2026-05-06;Opzegging;4;3;Te duur",  # 4: low, but no follow-up
    " k1 ;04-05-2026;Schademelding;9;10;Snel geholpen",  # 5: the same response as line 2
    "K4;2026-05-07;schade;11;;",  # 6: grade not 1-10
    "K5;2026-05-07;schade;8;12;",  # 7: NPS not 0-10
    "K6;2026-05-07;postduif;8;;",  # 8: unknown kind
    "K7;31-02-2026;schade;8;;",  # 9: no such date
    "K8;2026-06-16;schade;8;;",  # 10: in the future (today is 15 June)
    ";2026-05-07;schade;8;;",  # 11: no customer reference
    "K9;2026-05-08;wijziging;7,5;;",  # 12: not a whole number
    "K10;2026-05-09;Gegevens_gewijzigd;10;;",  # 13: without the NPS question
    "K11;2026-05-09;schade;8",  # 14: a cell short
]


@pytest.fixture
def eigen_responsen(label):
    """Our own survey, Q2 2026: two invitations on 2 June, both answered: 6 (NPS 9) and 8 (NPS
    5, a detractor: a follow-up)."""
    with travel(om(2026, 6, 2), tick=False):
        respons(rapportcijfer=6, nps_score=9, soort=S.SCHADE_GEMELD)
        respons(rapportcijfer=8, nps_score=5, soort=S.SCHADE_GEMELD)


def test_externe_export_met_dubbele_en_foute_rijen_telt_elke_respons_eenmaal_mee(
    tmp_path, time_machine, label, eigen_responsen
):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(tmp_path, EXPORT)
    voor = kwartaal()
    # By hand: grades 6, 8; NPS 9 (promoter), 5 (detractor): 50% - 50%.
    assert (voor.respons, voor.gemiddelde, voor.nps, voor.uitnodigingen) == (
        2,
        Decimal("7.0"),
        0,
        2,
    )
    assert voor.responspercentage == Decimal("100.0")
    opvolgingen, berichten = Opvolging.objects.count(), Bericht.objects.count()

    uit, fout = importeren(pad, "--bureau", "Panelbureau Noord")

    assert foutregels(fout) == {
        6: "cijfer: Het rapportcijfer moet een heel getal van 1 tot en met 10 zijn.",
        7: "nps: De aanbevelingsscore (NPS) moet een heel getal van 0 tot en met 10 zijn.",
        8: "soort: Onbekend soort contactmoment: postduif.",
        9: "datum: Onleesbare datum: 31-02-2026 (verwacht bv. 2026-06-12 of 12-06-2026, "
        "dag-maand-jaar).",
        10: "datum: Een contactmoment kan niet in de toekomst liggen.",
        11: "klantreferentie: Zonder klantreferentie kan de reactie niet ontdubbeld worden.",
        12: "cijfer: Het rapportcijfer moet een heel getal van 1 tot en met 10 zijn.",
        14: "rij: 4 kolommen, de kopregel heeft er 6.",
    }
    assert "Gelezen: 13 rijen" in uit
    assert "Geïmporteerd: 4 responsen" in uit
    assert "Dubbel (overgeslagen): 1 rijen" in uit
    assert "Fout: 8 rijen" in uit
    extern_ = Respons.objects.filter(contactmoment__bron=Bron.EXTERN).select_related(
        "contactmoment"
    )
    assert sorted(
        (r.contactmoment.klantnummer, r.contactmoment.soort, r.rapportcijfer, r.nps_score)
        for r in extern_
    ) == [
        ("K1", S.SCHADE_GEMELD, 9, 10),
        ("K10", S.GEGEVENS_GEWIJZIGD, 10, None),
        ("K2", S.VRAAG_KLANTENSERVICE, 7, 9),
        ("K3", S.OPZEGGING, 4, 3),
    ]
    k1 = extern_.get(contactmoment__klantnummer="K1")
    assert k1.ontvangen_op == k1.contactmoment.moment == om(2026, 5, 4, 0)
    assert (k1.toelichting, k1.contactmoment.label, k1.contactmoment.bureau) == (
        "Snel geholpen",
        label,
        "Panelbureau Noord",
    )
    # No invitation of ours, no follow-up and no alert for the low score of K3.
    assert not Uitnodiging.objects.filter(contactmoment__bron=Bron.EXTERN).exists()
    assert (Opvolging.objects.count(), Bericht.objects.count()) == (opvolgingen, berichten)

    # The figures, by hand: grades 6, 8 + 9, 7, 4, 10 = 44 / 6 = 7.33; NPS answers 9, 5 + 10, 9,
    # 3: 3 promoters, 2 detractors of 5 = +20. The response rate stays 2 of 2 invitations.
    na = kwartaal()
    assert (na.respons, na.extern_respons, na.gemiddelde, na.nps, na.uitnodigingen) == (
        6,
        4,
        Decimal("7.3"),
        20,
        2,
    )
    assert na.responspercentage == Decimal("100.0")
    per_maand = {
        r.groep["maand"]: (r.respons, r.gemiddelde, r.nps)
        for r in cijfers.cijfers(van=TWEEDE_KWARTAAL[0], tot=TWEEDE_KWARTAAL[1], per=("maand",))
    }
    # May: 9, 7, 4, 10 = 7.5; NPS 10, 9, 3: 2 promoters, 1 detractor of 3 = +33.
    assert per_maand == {
        dt.date(2026, 5, 1): (4, Decimal("7.5"), 33),
        dt.date(2026, 6, 1): (2, Decimal("7.0"), 0),
    }
    per_soort = {
        r.groep["soort"]: (r.respons, r.gemiddelde)
        for r in cijfers.cijfers(van=TWEEDE_KWARTAAL[0], tot=TWEEDE_KWARTAAL[1], per=("soort",))
    }
    assert per_soort == {
        S.SCHADE_GEMELD: (3, Decimal("7.7")),  # 6, 8, 9
        S.VRAAG_KLANTENSERVICE: (1, Decimal("7.0")),
        S.OPZEGGING: (1, Decimal("4.0")),
        S.GEGEVENS_GEWIJZIGD: (1, Decimal("10.0")),
    }
    per_label = cijfers.cijfers(van=TWEEDE_KWARTAAL[0], tot=TWEEDE_KWARTAAL[1], per=("label",))
    assert [(r.groep["label"], r.respons, r.gemiddelde) for r in per_label] == [
        (label.pk, 6, Decimal("7.3"))
    ]
    # The month report reads the same figures.
    mei = maandrapport.kto.totaal(van=om(2026, 5, 1, 0), tot=om(2026, 6, 1, 0))
    assert (mei.respons, mei.gemiddelde) == (4, Decimal("7.5"))

    # The same file again: nothing new, the figures stay.
    uit, fout = importeren(pad)

    assert "Geïmporteerd: 0 responsen" in uit
    assert "Dubbel (overgeslagen): 5 rijen" in uit
    assert "Fout: 8 rijen" in uit
    assert Respons.objects.filter(contactmoment__bron=Bron.EXTERN).count() == 4
    assert kwartaal() == na


def test_overlappende_exporten_tellen_elke_respons_eenmaal(tmp_path, time_machine, label):
    time_machine.move_to(NU, tick=False)
    januari_tot_mei = csv_bestand(
        tmp_path,
        [KOP, "A;2026-05-01;schade;8;;", "B;2026-05-02;schade;6;;", "C;2026-05-03;opzegging;7;;"],
        naam="deel1.csv",
    )
    mei_tot_juni = csv_bestand(
        tmp_path,
        [KOP, "C;2026-05-03;opzegging;7;;", "D;2026-06-01;schade;9;;"],
        naam="deel2.csv",
    )

    importeren(januari_tot_mei)
    uit, _fout = importeren(mei_tot_juni, "-v", "2")

    assert "Geïmporteerd: 1 responsen" in uit
    assert "Dubbel (overgeslagen): 1 rijen" in uit
    assert Respons.objects.count() == 4
    assert kwartaal().gemiddelde == Decimal("7.5")  # 8, 6, 7, 9


def test_dubbele_rijen_worden_met_v2_per_regel_gemeld(tmp_path, time_machine, label):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(tmp_path, [KOP, "A;2026-05-01;schade;8;;", "a;1-5-2026;schade;8;;"])

    _uit, fout = importeren(pad, "-v", "2")

    assert foutregels(fout) == {
        3: "dubbel (al geïmporteerd of eerder in het bestand), overgeslagen."
    }


def test_ontdubbelen_per_klant_dag_soort_en_label(tmp_path, time_machine, label):
    """The same customer on another day, or about another kind, is another response; the same
    export for another label counts for that label."""
    time_machine.move_to(NU, tick=False)
    LabelFactory(slug="noord")
    pad = csv_bestand(
        tmp_path,
        [
            KOP,
            "A;2026-05-01 09:00;schade;8;;",
            "A;2026-05-01 17:30;schade;8;;",  # same day: the same response
            "A;2026-05-02;schade;8;;",
            "A;2026-05-01;opzegging;8;;",
        ],
    )

    importeren(pad)
    importeren(pad, label="noord")

    assert Respons.objects.filter(contactmoment__label__slug="zuid").count() == 3
    assert Respons.objects.filter(contactmoment__label__slug="noord").count() == 3


def test_tegelijk_importeren_neemt_een_respons_eenmaal_op(time_machine, label):
    """The unique constraint is the last guard behind the lock: a second row with a key that is
    recorded already cannot be stored, whatever the path."""
    time_machine.move_to(NU, tick=False)
    rij = services.NieuweExterneRespons(
        klantreferentie="A", moment=om(2026, 5, 1), soort=S.SCHADE_GEMELD, rapportcijfer=8
    )
    (eerste,) = services.externe_responsen_importeren(rijen=[rij], label=label)
    assert services.externe_responsen_importeren(rijen=[rij, rij], label=label) == [None, None]

    dubbel = Contactmoment.objects.get(pk=eerste.contactmoment_id)
    dubbel.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        dubbel.save()


def test_foute_rijen_staan_in_het_foutenbestand(tmp_path, time_machine, label):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(tmp_path, [KOP, "A;2026-05-01;schade;8;;", "B;gisteren;schade;8;;Hm"])
    foutenpad = tmp_path / "fouten.csv"

    uit, _fout = importeren(pad, "--fouten", str(foutenpad))

    with foutenpad.open(encoding="utf-8-sig", newline="") as bestand:
        rijen = list(csv.reader(bestand, delimiter=";"))
    assert rijen[0] == ["regel", "reden", *KOP.split(";")]
    assert rijen[1][:2] == ["3", rijen[1][1]]
    assert rijen[1][1].startswith("datum: Onleesbare datum: gisteren")
    assert rijen[1][2:] == ["B", "gisteren", "schade", "8", "", "Hm"]
    assert len(rijen) == 2
    assert f"De foute rijen staan in {foutenpad}." in uit


def test_proef_controleert_en_telt_maar_slaat_niets_op(tmp_path, time_machine, label):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(
        tmp_path, [KOP, "A;2026-05-01;schade;8;;", "A;2026-05-01;schade;8;;", "B;x;schade;8;;"]
    )

    uit, fout = importeren(pad, "--proef")

    assert "Geïmporteerd: 1 responsen" in uit
    assert "Dubbel (overgeslagen): 1 rijen" in uit
    assert "Proef: er is niets opgeslagen." in uit
    assert list(foutregels(fout)) == [4]
    assert not Contactmoment.objects.exists()


# The file ----------------------------------------------------------------------------------------


def test_komma_bom_crlf_en_de_kolomnamen_van_het_bureau(tmp_path, time_machine, label):
    time_machine.move_to(NU, tick=False)
    pad = tmp_path / "bureau.csv"
    pad.write_bytes(
        "\ufeffKlantnummer,Enquetedatum,Contactsoort,Rapportcijfer,Aanbeveling,Opmerking,E-mail\r\n"
        '4711,12/05/2026,Beëindiging,8,9,"Netjes, en snel",jose@example.nl\r\n'
        "4712,12/05/2026,Royement,11,,,\r\n".encode()
    )

    _uit, fout = importeren(pad)

    moment = Contactmoment.objects.select_related("respons").get()
    assert (moment.soort, moment.klantnummer, moment.klant_email) == (
        S.OPZEGGING,
        "4711",
        "jose@example.nl",
    )
    assert (moment.respons.rapportcijfer, moment.respons.toelichting) == (8, "Netjes, en snel")
    # The reason names the column as the bureau's header did.
    assert foutregels(fout) == {
        3: "rapportcijfer: Het rapportcijfer moet een heel getal van 1 tot en met 10 zijn."
    }


def test_puntkomma_en_datum_met_tijd(tmp_path, time_machine, label):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(
        tmp_path,
        [
            "soort;datum;cijfer;klantreferentie;verbetertips",
            "vraag;2026-06-01T23:30:00+00:00;7;X;Eerder terugbellen",  # 2 June in Amsterdam
            "vraag;1-6-2026 08:15;8;Y;",
        ],
        bom=True,
    )

    importeren(pad)

    x = Respons.objects.get(contactmoment__klantnummer="X")
    assert x.ontvangen_op == om(2026, 6, 2, 1) + dt.timedelta(minutes=30)
    assert x.verbetertips == "Eerder terugbellen"
    y = Respons.objects.get(contactmoment__klantnummer="Y")
    assert y.ontvangen_op == om(2026, 6, 1, 8) + dt.timedelta(minutes=15)


@pytest.mark.parametrize(
    ("inhoud", "melding"),
    [
        (b"", "geen kopregel"),
        (b"klantreferentie;datum;cijfer\nA;2026-05-01;8\n", "kolom(men) soort ontbreken"),
        (b"klantnummer;klantreferentie;datum;soort;cijfer\n", "dubbel"),
        (
            "klantreferentie;datum;soort;cijfer\nJosé;2026-05-01;schade;8\n".encode("cp1252"),
            "UTF-8",
        ),
    ],
)
def test_onleesbaar_bestand_stopt_de_import(tmp_path, label, inhoud, melding):
    pad = tmp_path / "slecht.csv"
    pad.write_bytes(inhoud)

    with pytest.raises(CommandError, match=re.escape(melding)):
        importeren(pad)
    assert not Contactmoment.objects.exists()


def test_onbekend_label_en_geen_enkele_bruikbare_rij(tmp_path, time_machine, label):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(tmp_path, [KOP, "A;morgen;schade;8;;"])

    with pytest.raises(CommandError, match="Onbekend label: west"):
        importeren(pad, label="west")
    with pytest.raises(CommandError, match="Geen enkele rij was bruikbaar"):
        importeren(pad)


@pytest.mark.parametrize(
    ("woord", "soort"),
    [
        ("schade_gemeld", S.SCHADE_GEMELD),
        ("Schade-Gemeld", S.SCHADE_GEMELD),
        ("  DECLARATIE ", S.SCHADE_GEMELD),
        ("Schade of declaratie gemeld", S.SCHADE_GEMELD),
        ("Beëindiging", S.OPZEGGING),
        ("klacht", S.KLACHT_AFGEHANDELD),
        ("Klacht afgewezen", S.KLACHT_AFGEWEZEN),
        ("nieuwe polis", S.VERZEKERING_AFGESLOTEN),
        ("adreswijziging", S.GEGEVENS_GEWIJZIGD),
        ("Vraag aan de klantenservice", S.VRAAG_KLANTENSERVICE),
        ("jaaronderzoek", None),  # belongs to a campagne with groups
        ("", None),
    ],
)
def test_woorden_van_het_bureau_voor_het_soort_contactmoment(woord, soort):
    assert extern.soort_herkennen(woord) == soort


@pytest.mark.parametrize(
    ("datum", "verwacht"),
    [
        ("2026-05-04", om(2026, 5, 4, 0)),
        ("04-05-2026", om(2026, 5, 4, 0)),
        ("4-5-2026", om(2026, 5, 4, 0)),
        ("4/5/2026", om(2026, 5, 4, 0)),
        ("4.5.2026 14:05", om(2026, 5, 4, 14) + dt.timedelta(minutes=5)),
        ("2026-05-04T12:00:00Z", om(2026, 5, 4, 14)),
        ("2026-05-32", None),
        ("5/4/26", None),
        ("1999-12-31", None),  # before 2000
        ("2026-06-16", None),  # tomorrow
    ],
)
def test_datum_van_het_onderzoek(time_machine, datum, verwacht):
    time_machine.move_to(NU, tick=False)
    invoer = extern.ExterneResponsInvoerSerializer(
        data={"klantreferentie": "A", "datum": datum, "soort": "schade", "cijfer": "8"}
    )

    assert invoer.is_valid() == (verwacht is not None), invoer.errors
    if verwacht is not None:
        assert invoer.validated_data["moment"] == verwacht


# Privacy -----------------------------------------------------------------------------------------

EMAIL, REFERENTIE = "extern.privacy@example.nl", "REF-553311"


def test_klantreferentie_en_email_drie_maanden_na_het_onderzoek_gewist(
    tmp_path, time_machine, label
):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(
        tmp_path,
        [
            "klantreferentie;datum;soort;cijfer;toelichting;klant_email",
            f"{REFERENTIE};2026-06-10;schade;3;Duurde lang;{EMAIL}",
        ],
    )
    importeren(pad)
    for waarde in (EMAIL, REFERENTIE):
        assert tabellen_met(waarde), waarde

    assert services.persoonsgegevens_wissen(op=om(2026, 9, 9, 3)) == 0  # 10 June + 3 months
    call_command("persoonsgegevens_wissen", "--op", "2026-09-10T03:30")

    for waarde in (EMAIL, REFERENTIE, "extern.privacy", "553311"):
        assert tabellen_met(waarde) == set(), waarde
    moment = Contactmoment.objects.select_related("respons").get()
    assert moment.geanonimiseerd_op is not None
    assert (moment.respons.rapportcijfer, moment.respons.toelichting) == (3, "Duurde lang")
    # The key stays: the same export imported after the erasure still counts once.
    time_machine.move_to(om(2026, 9, 20), tick=False)
    uit, _fout = importeren(pad)
    assert "Dubbel (overgeslagen): 1 rijen" in uit
    assert Respons.objects.count() == 1


def test_rij_ouder_dan_drie_maanden_wordt_zonder_persoonsgegevens_opgeslagen(
    tmp_path, time_machine, label
):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(
        tmp_path,
        [
            "klantreferentie;datum;soort;cijfer;klant_email",
            f"{REFERENTIE};2026-03-15;schade;7;{EMAIL}",  # 3 months before today: erased
            "REF-2;2026-03-16;schade;8;",
        ],
    )

    uit, _fout = importeren(pad)

    assert "Zonder klantreferentie en e-mailadres opgeslagen (ouder dan 3 maanden): 1" in uit
    assert tabellen_met(REFERENTIE) == set()
    assert tabellen_met(EMAIL) == set()
    assert Contactmoment.objects.get(klantnummer="REF-2").geanonimiseerd_op is None
    assert Respons.objects.count() == 2


def test_inzage_toont_externe_respons_van_het_emailadres(tmp_path, time_machine, label):
    """A customer's request for access finds external responses by their e-mail address, when the
    bureau's export has one; without it the response cannot be matched to the customer."""
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(
        tmp_path,
        [
            "klantreferentie;datum;soort;cijfer;nps;toelichting;klant_email",
            f"{REFERENTIE};2026-06-10;schade;6;7;Redelijk;{EMAIL.upper()}",
            "REF-2;2026-06-10;schade;9;;;",
        ],
    )
    importeren(pad, "--bureau", "Panelbureau Noord")

    (onderdeel,) = services.avg_verzamelen(EMAIL)

    velden = {str(naam): waarde for naam, waarde in onderdeel.velden}
    assert velden["Bron"] == "Extern onderzoeksbureau (Panelbureau Noord)"
    assert velden["Klantnummer"] == REFERENTIE
    assert onderdeel.tabellen[0].rijen[0][1:4] == ["6", "7", "Redelijk"]
    assert services.avg_wissen(EMAIL, NU) == 1
    assert tabellen_met(REFERENTIE) == set()


# The kwartaalcijfer and the dashboard ------------------------------------------------------------


def test_late_externe_gegevens_veranderen_een_bevroren_kwartaalcijfer_niet(
    tmp_path, time_machine, label, client
):
    """The kwartaalcijfer changes only at the next computation (DESIGN.md section 6): external data
    of a quarter that is computed already shows on the dashboard, not in the published figure; data
    of the running quarter counts when it is computed."""
    with travel(om(2026, 2, 10), tick=False):
        respons(rapportcijfer=8, nps_score=9)
        respons(rapportcijfer=6, nps_score=8)
    call_command("kwartaalcijfers_berekenen", "--op", "2026-04-01T00:15")
    eerste = Kwartaalcijfer.objects.get(label=label, jaar=2026, kwartaal=1)
    assert (eerste.gemiddelde, eerste.aantal) == (Decimal("7.0"), 2)

    time_machine.move_to(om(2026, 5, 20), tick=False)
    pad = csv_bestand(
        tmp_path,
        [
            KOP,
            "A;2026-03-20;schade;2;0;",  # Q1: late
            "B;2026-03-21;schade;3;1;",  # Q1: late
            "C;2026-04-15;schade;10;10;",  # Q2: still running
        ],
    )
    importeren(pad)
    call_command("kwartaalcijfers_berekenen", "--op", "2026-05-21T00:15")

    q1 = Kwartaalcijfer.objects.get(label=label, jaar=2026, kwartaal=1)
    assert (q1.gemiddelde, q1.nps, q1.aantal, q1.berekend_op) == (
        eerste.gemiddelde,
        eerste.nps,
        2,
        eerste.berekend_op,
    )
    live = cijfers.totaal(van=om(2026, 1, 1, 0), tot=om(2026, 4, 1, 0))
    assert (live.respons, live.gemiddelde) == (4, Decimal("4.8"))  # 8, 6, 2, 3 = 19 / 4
    publiek = client.get(reverse("klanttevredenheid:publiek")).content.decode()
    assert "7,0" in publiek
    assert "4,8" not in publiek

    call_command("kwartaalcijfers_berekenen", "--op", "2026-07-01T00:15")
    q2 = Kwartaalcijfer.objects.get(label=label, jaar=2026, kwartaal=2)
    assert (q2.gemiddelde, q2.nps, q2.aantal) == (Decimal("10.0"), 100, 1)


def test_dashboard_toont_externe_respons_zonder_opvolging(
    tmp_path, time_machine, label, directie, client
):
    time_machine.move_to(NU, tick=False)
    pad = csv_bestand(tmp_path, [KOP, "A;2026-05-04;schade;3;2;Niet tevreden"])
    importeren(pad, "--bureau", "Panelbureau Noord")
    client.force_login(directie)

    pagina = client.get(reverse("klanttevredenheid:dashboard")).content.decode()

    assert "Niet tevreden" in pagina
    assert "Extern onderzoek (Panelbureau Noord)" in pagina
    assert "geen (extern onderzoek)" in pagina


def test_responspercentage_telt_alleen_reacties_op_onze_uitnodigingen(
    tmp_path, time_machine, label
):
    with travel(om(2026, 5, 10), tick=False):
        respons(rapportcijfer=8)
        for _ in range(3):
            verzonden_uitnodiging()
    time_machine.move_to(NU, tick=False)
    importeren(
        csv_bestand(
            tmp_path,
            [KOP, "A;2026-05-04;schade;7;;", "B;2026-05-04;schade;7;;", "C;2026-05-04;schade;7;;"],
        )
    )

    rij = kwartaal()

    assert (rij.respons, rij.extern_respons, rij.uitnodigingen) == (4, 3, 4)
    assert rij.responspercentage == Decimal("25.0")  # 1 of our 4 invitations


# At scale ----------------------------------------------------------------------------------------


def test_import_van_10000_rijen(tmp_path, time_machine, label):
    """10,000 rows, of which every 500th a duplicate of the row before and every 1,000th bad: a
    handful of queries per chunk, never one per row."""
    time_machine.move_to(NU, tick=False)
    soorten = list(extern.SOORT_WOORDEN)
    pad = tmp_path / "groot.csv"
    fout_regels, dubbel = set(), 0
    with pad.open("w", encoding="utf-8-sig", newline="") as bestand:
        schrijver = csv.writer(bestand, delimiter=";")
        schrijver.writerow(KOP.split(";"))
        vorige = None
        for i in range(10_000):
            datum = (NU - dt.timedelta(days=1 + i % 80)).date().isoformat()
            rij = [f"R{i}", datum, soorten[i % len(soorten)], 1 + i % 10, i % 11, f"Opmerking {i}"]
            if i % 1000 == 999:
                rij[3] = "0"
                fout_regels.add(i + 2)
            elif i % 500 == 499:
                rij = vorige
                dubbel += 1
            schrijver.writerow(rij)
            vorige = rij

    queries = []
    start = time.perf_counter()
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(1) or execute(sql, *args)
    ):
        uit, fout = importeren(pad)
    duur = time.perf_counter() - start

    assert set(foutregels(fout)) == fout_regels
    assert f"Geïmporteerd: {10_000 - 10 - dubbel} responsen" in uit
    assert f"Dubbel (overgeslagen): {dubbel} rijen" in uit
    assert Respons.objects.count() == 10_000 - 10 - dubbel
    assert "100%" in fout  # the progress bar
    assert len(queries) < 5 * 10
    print(f"10,000 rows in {duur:.1f} s")  # shown with -s; not asserted
