"""The maandrapportage as CSV, Excel and PDF (DESIGN.md section 7): the numbers of
maandoverzicht() read back from each file, the page's access rules, download headers, a PDF that
fetches nothing from the network, and the monthly job that mails the PDF to the directie."""

import csv
import datetime as dt
import io
import re
import socket
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from klachten import services as klachten_services
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, Kanaal
from klachten.workflow import Oordeel, Status
from rapportage import exports, grafieken, selectors, services
from rapportage.berichtsoorten import RapportBerichtSoort
from rapportage.maandrapport import FIGUREN, maandoverzicht
from rapportage.models import Maandrapport
from tests.factories import KlachtFactory, MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db

NA_OKTOBER = dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM)


def om(dag: int, maand: int = 10, uur: int = 10) -> dt.datetime:
    return dt.datetime(2026, maand, dag, uur, tzinfo=AMSTERDAM)


@pytest.fixture
def oktober(time_machine, behandelaar, behandelaar_b, categorie, categorie_b):
    """October 2026. Declaraties (A): one complaint closed after 11 days (ongegrond), one closed
    the day it came in (gegrond), one still open. Premie en incasso (B): one answered and still
    open, one closed the day it came in. Then the clock stands on 2 November."""
    time_machine.move_to(om(1), tick=False)
    a1 = KlachtFactory(categorie=categorie, kanaal=Kanaal.TELEFOON)
    time_machine.move_to(om(2), tick=False)
    a1 = klachten_services.ontvangst_bevestigen(klacht=a1, door=behandelaar)
    a1 = klachten_services.ontvankelijk_verklaren(klacht=a1, door=behandelaar)
    time_machine.move_to(om(10), tick=False)
    a1 = klachten_services.antwoord_sturen(klacht=a1, door=behandelaar, oordeel=Oordeel.ONGEGROND)
    time_machine.move_to(om(12), tick=False)
    klachten_services.afsluiten(klacht=a1, door=behandelaar)
    time_machine.move_to(om(5), tick=False)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(20), tick=False)
    KlachtFactory(categorie=categorie, kanaal=Kanaal.EMAIL)
    time_machine.move_to(om(7), tick=False)
    klacht_in_status(Status.BEANTWOORD, door=behandelaar_b, categorie=categorie_b, kanaal="brief")
    time_machine.move_to(om(8), tick=False)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar_b, categorie=categorie_b)
    time_machine.move_to(NA_OKTOBER, tick=False)


def export_url(formaat: str, jaar: int = 2026, maand: int = 10, **query) -> str:
    url = reverse(
        "rapportage:maand-export", kwargs={"jaar": jaar, "maand": maand, "formaat": formaat}
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_tabellen(inhoud: bytes) -> dict[str, list[list[str]]]:
    """The CSV's tables by title: the header row and the data rows."""
    assert inhoud.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    regels = list(csv.reader(io.StringIO(inhoud.decode("utf-8-sig")), delimiter=";"))
    tabellen, titel = {}, None
    for n, regel in enumerate(regels):
        if not regel:
            titel = None
        elif titel is None and n and not regels[n - 1]:
            titel = regel[0]
            tabellen[titel] = []
        elif titel is not None:
            tabellen[titel].append(regel)
    return tabellen


def als_csv(waarde) -> str:
    """A figure as the CSV must write it: a decimal comma, no % sign, empty for no data."""
    return "" if waarde is None else str(waarde).replace(".", ",")


def per_naam(overzicht) -> dict:
    namen = selectors.namen()
    uit = {namen.afdeling(a): f for a, f in overzicht.per_afdeling}
    uit["Totaal"] = overzicht.totaal
    return uit


# The numbers in each format ---------------------------------------------------------------------


def test_csv_heeft_de_cijfers_van_maandoverzicht_per_afdeling_en_totaal(oktober, client, directie):
    overzicht = maandoverzicht(2026, 10)
    client.force_login(directie)

    response = client.get(export_url("csv"))

    tabellen = csv_tabellen(response.content)
    kop, *rijen = tabellen["Cijfers per afdeling"]
    assert kop == ["Afdeling", *(exports.figuurkop(f) for f in FIGUREN)]
    verwacht = {
        naam: [als_csv(f.waarde(figuur.naam)) for figuur in FIGUREN]
        for naam, f in per_naam(overzicht).items()
    }
    assert {rij[0]: rij[1:] for rij in rijen} == verwacht
    # By hand: 5 received, 3 closed, 2 open at the end of October.
    totaal = dict(zip(kop, rijen[-1], strict=True))
    assert (totaal["Ontvangen"], totaal["Afgesloten"], totaal["Open aan het eind"]) == (
        "5",
        "3",
        "2",
    )
    assert totaal["Doorlooptijd (mediaan), dagen"] == "0,0"  # 0, 0 and 11 days
    assert totaal["Doorlooptijd (90e percentiel), dagen"] == "11"
    assert rijen[-1][0] == "Totaal"
    assert [r[0] for r in rijen[:-1]] == ["Declaraties", "Premie en incasso"]


def test_csv_bevat_de_verdelingen_de_trend_en_de_definities(oktober, client, directie):
    client.force_login(directie)

    tabellen = csv_tabellen(client.get(export_url("csv")).content)

    assert tabellen["Ontvangen klachten per kanaal"][1:] == [
        ["Telefoon", "3", "60,0"],
        ["Brief", "1", "20,0"],
        ["E-mail", "1", "20,0"],
        ["Totaal", "5", "100,0"],
    ]
    assert tabellen["Ontvangen klachten per categorie"][1:] == [
        ["Declaratie", "3", "60,0"],
        ["Premie", "2", "40,0"],
        ["Totaal", "5", "100,0"],
    ]
    oordelen = {r[0]: r[1:] for r in tabellen["Afgesloten klachten naar oordeel"][1:]}
    # Afgesloten, gegrond, deels gegrond, ongegrond, niet te beoordelen, zonder oordeel.
    assert oordelen["Totaal"] == ["3", "2", "0", "1", "0", "0"]
    assert oordelen["Declaraties"] == ["2", "1", "0", "1", "0", "0"]
    trend = tabellen["Trend: deze maand en de twaalf maanden ervoor"]
    assert trend[1][0] == "2025-10"
    assert trend[-1][:4] == ["2026-10", "5", "3", "2"]
    definities = {r[0]: r[2] for r in tabellen["Definities"][1:]}
    assert all(definities[str(f.titel)] == str(f.definitie) for f in FIGUREN)


def test_xlsx_heeft_echte_getallen_per_blad(oktober, client, directie):
    overzicht = maandoverzicht(2026, 10)
    client.force_login(directie)

    response = client.get(export_url("xlsx"))

    boek = openpyxl.load_workbook(io.BytesIO(response.content))
    assert boek.sheetnames == [
        "Cijfers",
        "Per categorie",
        "Per kanaal",
        "Eerste reactie",
        "Oordelen",
        "Externe procedures",
        "Trend",
        "Definities",
    ]
    blad = boek["Cijfers"]
    assert "oktober 2026" in blad["A1"].value
    assert blad.freeze_panes == f"B{exports.KOPRIJ + 1}"
    kop = [c.value for c in blad[exports.KOPRIJ]]
    assert kop == ["Afdeling", *(exports.figuurkop(f) for f in FIGUREN)]
    assert blad.cell(row=exports.KOPRIJ, column=1).font.bold
    rijen = {
        rij[0].value: rij[1:] for rij in blad.iter_rows(min_row=exports.KOPRIJ + 1) if rij[0].value
    }
    assert set(rijen) == set(per_naam(overzicht))
    for naam, figuren in per_naam(overzicht).items():
        for figuur, cel in zip(FIGUREN, rijen[naam], strict=True):
            verwacht = figuren.waarde(figuur.naam)
            if verwacht is None:
                assert cel.value is None, (naam, figuur.naam)
            elif figuur.eenheid == "%":
                assert cel.number_format == "0.0%"
                assert round(Decimal(str(cel.value)) * 100, 1) == verwacht, (naam, figuur.naam)
            else:
                assert isinstance(cel.value, int | float), (naam, figuur.naam)
                assert Decimal(str(cel.value)) == verwacht, (naam, figuur.naam)
    assert rijen["Totaal"][0].value == 5
    assert rijen["Totaal"][0].font.bold
    trend = boek["Trend"]
    laatste = [c.value for c in trend[trend.max_row]]
    assert laatste[0] == dt.datetime(2026, 10, 1)  # noqa: DTZ001 (Excel dates are naive)
    assert laatste[1:4] == [5, 3, 2]


def als_pdf(waarde, figuur) -> str:
    """A figure as the PDF prints it: a decimal comma, a % sign, a dash for no data."""
    if waarde is None:
        return "\u2013"
    teken = "+" if figuur.naam == "nps" and waarde > 0 else ""
    return teken + str(waarde).replace(".", ",") + ("%" if figuur.eenheid == "%" else "")


def test_pdf_noemt_de_maand_en_de_cijfers(oktober, client, directie):
    overzicht = maandoverzicht(2026, 10)
    client.force_login(directie)

    response = client.get(export_url("pdf"))

    assert response.content.startswith(b"%PDF")
    pdf = PdfReader(io.BytesIO(response.content))
    eerste = pdf.pages[0].extract_text()
    assert "oktober 2026" in eerste
    assert "Alle afdelingen" in eerste
    assert "Pagina 1 van" in eerste
    # The figures table on page 1: a row per figure, the afdelingen and the total across; the
    # base of a percentage ("4 van 5") under it.
    tabel = eerste.split("Cijfer Declaraties Premie en incasso Totaal")[1].split("\u2013: geen")[0]
    tabel = " ".join(r for r in tabel.splitlines() if not re.fullmatch(r"\d+ van \d+", r))
    kolommen = list(per_naam(overzicht).values())
    verwacht = " ".join(
        " ".join([exports.figuurkop(f), *(als_pdf(k.waarde(f.naam), f) for k in kolommen)])
        for f in FIGUREN
    )
    assert " ".join(tabel.split()) == verwacht
    assert verwacht.startswith("Ontvangen 3 2 5 Afgesloten 2 1 3 Open aan het eind 1 1 2")
    tekst = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Trend: deze maand en de twaalf maanden ervoor" in tekst
    assert "Ontvangen 0 0 0 0 0 0 0 0 0 0 0 0 5" in tekst  # the trend, October last
    for figuur in FIGUREN:
        assert " ".join(str(figuur.definitie).split()) in tekst
    for grafiek in grafieken.grafieken_voor(overzicht):
        assert grafiek.titel in tekst


# Whose numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("formaat", ["csv", "xlsx", "pdf"])
def test_teamleider_krijgt_alleen_de_eigen_afdeling(oktober, client, teamleider, formaat):
    client.force_login(teamleider)
    eigen = maandoverzicht(2026, 10, afdelingen={a.pk for a in teamleider.afdelingen.all()})

    response = client.get(export_url(formaat))

    assert response.status_code == 200
    if formaat == "csv":
        tekst = response.content.decode("utf-8-sig")
        rijen = csv_tabellen(response.content)["Cijfers per afdeling"][1:]
        assert [r[0] for r in rijen] == ["Declaraties", "Totaal"]
        assert rijen[-1][1] == str(eigen.totaal.ontvangen) == "3"
    elif formaat == "xlsx":
        boek = openpyxl.load_workbook(io.BytesIO(response.content))
        tekst = "\n".join(
            str(c.value) for blad in boek for rij in blad.iter_rows() for c in rij if c.value
        )
        blad = boek["Cijfers"]
        namen = [blad.cell(row=r, column=1).value for r in range(exports.KOPRIJ + 1, 20)]
        assert [n for n in namen if n] == ["Declaraties", "Totaal"]
    else:
        tekst = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert "Cijfer Declaraties\nOntvangen 3\nAfgesloten 2\n" in tekst  # no Totaal column
    assert "Premie en incasso" not in tekst
    assert "Premie" not in tekst  # not even the other afdeling's categorie


def test_label_kiest_het_label_en_de_bestandsnaam(oktober, client, directie, label):
    client.force_login(directie)

    response = client.get(export_url("csv", label=label.slug))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="maandrapportage-2026-10-{label.slug}.csv"'
    )
    assert f"Label;{label.naam}" in response.content.decode("utf-8-sig")


# Access and headers --------------------------------------------------------------------------


def test_anoniem_gaat_naar_inloggen(client):
    response = client.get(export_url("pdf"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_behandelaar_mag_geen_rapportage_downloaden(client, behandelaar):
    client.force_login(behandelaar)

    assert client.get(export_url("csv")).status_code == 403


@pytest.mark.parametrize(
    ("formaat", "jaar", "maand"),
    [
        ("doc", 2026, 10),  # unknown format
        ("csv", 2026, 13),  # no month
        ("csv", 2026, 0),
        ("csv", 2026, 12),  # the future
        ("csv", 1999, 12),  # before any report
    ],
)
def test_onbestaand_formaat_of_maand_is_404(client, directie, time_machine, formaat, jaar, maand):
    time_machine.move_to(NA_OKTOBER, tick=False)
    client.force_login(directie)

    assert client.get(export_url(formaat, jaar, maand)).status_code == 404


@pytest.mark.parametrize(
    ("formaat", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
    ],
)
def test_download_met_naam_en_soort(oktober, client, directie, formaat, content_type):
    client.force_login(directie)

    response = client.get(export_url(formaat))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="maandrapportage-2026-10.{formaat}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_de_lopende_maand_is_voorlopig(oktober, client, directie):
    client.force_login(directie)

    tekst = client.get(export_url("csv", 2026, 11)).content.decode("utf-8-sig")

    assert "Voorlopig" in tekst


def test_een_vastgelegde_maand_noemt_wanneer(oktober, client, directie):
    services.maandrapporten_vastleggen(op=NA_OKTOBER)
    client.force_login(directie)

    tekst = client.get(export_url("csv")).content.decode("utf-8-sig")

    assert "Vastgelegd op 2 november 2026, 09:00" in tekst
    assert "Voorlopig" not in tekst


def test_aantal_queries_groeit_niet_met_de_gegevens(
    oktober, client, directie, behandelaar, categorie, categorie_b, time_machine
):
    client.force_login(directie)
    with CaptureQueriesContext(connection) as weinig:
        client.get(export_url("xlsx"))
    time_machine.move_to(om(15), tick=False)
    for cat in (categorie, categorie_b, categorie, categorie_b):
        klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=cat, kanaal="brief")
        KlachtFactory(categorie=cat, kanaal=Kanaal.WEBFORMULIER)
    time_machine.move_to(NA_OKTOBER, tick=False)

    with CaptureQueriesContext(connection) as meer:
        response = client.get(export_url("xlsx"))

    assert response.status_code == 200
    assert len(meer) == len(weinig)


# Text that looks like a formula -------------------------------------------------------------


def test_een_naam_als_formule_blijft_tekst(oktober, client, directie, afdeling_a):
    afdeling_a.naam = "=HYPERLINK(1)"
    afdeling_a.save()
    client.force_login(directie)

    tekst = client.get(export_url("csv")).content.decode("utf-8-sig")
    boek = openpyxl.load_workbook(io.BytesIO(client.get(export_url("xlsx")).content))

    assert "'=HYPERLINK(1)" in tekst
    cel = boek["Cijfers"].cell(row=exports.KOPRIJ + 1, column=1)
    assert (cel.value, cel.data_type) == ("=HYPERLINK(1)", "s")


# No network while rendering the PDF -------------------------------------------------------------


@pytest.fixture
def geen_netwerk(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    pogingen = []

    def weigeren(*args, **kwargs):
        pogingen.append(args)
        raise AssertionError(f"netwerk gebruikt: {args}")

    monkeypatch.setattr(socket.socket, "connect", weigeren)
    monkeypatch.setattr(socket, "create_connection", weigeren)
    monkeypatch.setattr(socket, "getaddrinfo", weigeren)
    return pogingen


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/huisstijl.css",
        "http://10.0.0.1/logo.png",
        "ftp://example.org/x",
        "file:///etc/passwd",
    ],
)
def test_url_fetcher_weigert_alles_van_buiten(url, geen_netwerk):
    with pytest.raises(ValueError, match="Geweigerd"):
        exports.url_fetcher().fetch(url)
    assert geen_netwerk == []


def test_url_fetcher_geeft_eigen_statische_bestanden_en_data(settings):
    css = exports.url_fetcher().fetch((settings.BASE_DIR / "static/css/site.css").as_uri())
    data = exports.url_fetcher().fetch("data:text/plain,hallo")

    assert b"Klachtenafhandeling" in css.read()
    assert data.read() == b"hallo"


def test_pdf_rendert_zonder_netwerk_ook_met_externe_verwijzingen(geen_netwerk):
    html = (
        '<html><head><link rel="stylesheet" href="https://example.org/x.css">'
        '<style>@import url("http://example.org/y.css");</style></head><body>'
        '<img src="https://example.org/logo.png"><p>Rapport</p></body></html>'
    )

    pdf = exports.html_naar_pdf(html)

    assert pdf.startswith(b"%PDF")
    assert geen_netwerk == []


def test_maandrapport_pdf_gebruikt_geen_netwerk(oktober, geen_netwerk):
    overzicht = maandoverzicht(2026, 10)

    pdf = exports.maandrapport_pdf(overzicht, label=None, afdelingen=None)

    assert pdf.startswith(b"%PDF")
    assert geen_netwerk == []


# The monthly job: stored, and mailed to the directie with the PDF, once --------------------------


def test_maandrapporten_vastleggen_mailt_de_directie_de_pdf_eenmaal(
    oktober, directie, django_capture_on_commit_callbacks
):
    tweede = MedewerkerFactory(username="directie-2", rollen=["directie"])
    MedewerkerFactory(username="directie-zonder-mail", rollen=["directie"], email="")
    op = dt.datetime(2026, 11, 1, 6, 0, tzinfo=AMSTERDAM)

    with django_capture_on_commit_callbacks(execute=True):
        vastgelegd = services.maandrapporten_vastleggen(op=op)

    assert [(r.jaar, r.maand) for r in vastgelegd] == [(2026, 10)]
    assert Maandrapport.objects.get(jaar=2026, maand=10).verzonden_op == op
    berichten = Bericht.objects.filter(soort=RapportBerichtSoort.RAPPORT)
    assert sorted(b.aan for b in berichten) == sorted([directie.email, tweede.email])
    for bericht in berichten:
        assert bericht.bijlage.name.endswith(".pdf")
        with bericht.bijlage.open("rb") as bestand:
            assert bestand.read(4) == b"%PDF"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([directie.email, tweede.email])
    for bericht in mail.outbox:
        ((naam, inhoud, soort),) = bericht.attachments
        assert naam.startswith("maandrapportage-2026-10")
        assert naam.endswith(".pdf")
        assert soort == "application/pdf"
        assert inhoud.startswith(b"%PDF")
        assert "oktober 2026" in PdfReader(io.BytesIO(inhoud)).pages[0].extract_text()

    with django_capture_on_commit_callbacks(execute=True):
        opnieuw = services.maandrapporten_vastleggen(op=op + dt.timedelta(days=1))

    assert opnieuw == []
    assert Bericht.objects.filter(soort=RapportBerichtSoort.RAPPORT).count() == 2
    assert len(mail.outbox) == 2


def test_elke_directeur_krijgt_de_bijlage_onder_dezelfde_naam(
    oktober, directie, django_capture_on_commit_callbacks
):
    MedewerkerFactory(username="directie-2", rollen=["directie"])

    with django_capture_on_commit_callbacks(execute=True):
        services.maandrapporten_vastleggen(op=dt.datetime(2026, 11, 1, 6, tzinfo=AMSTERDAM))

    namen = [naam for bericht in mail.outbox for naam, _inhoud, _soort in bericht.attachments]
    assert namen == ["maandrapportage-2026-10.pdf"] * 2
