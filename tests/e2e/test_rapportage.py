"""The maandrapportage in a real browser (DESIGN.md sections 7 and 11): directie reads the month
report of a year of complaints, a teamleider only their afdeling; both download the PDF. One test
for both roles, each in a browser context of its own: the year of complaints is built once."""

import datetime as dt
import io
import random
import re
from contextlib import contextmanager

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from klachten import kalender, rollen, services, toegang
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Afdeling,
    Categorie,
    ExterneInstantie,
    Kanaal,
    Klacht,
    Medewerker,
    Uitkomst,
)
from klachten.workflow import KLANT, Oordeel, Status
from klanttevredenheid.models import ContactmomentSoort
from rapportage.maandrapport import maandrapport_vastleggen
from tests.e2e.conftest import (
    E2E_WACHTWOORD,
    SCHERMAFBEELDINGEN,
    inloggen,
    schermafbeelding,
)
from tests.factories import respons

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMEN = [
    "Johanna van der Meer",
    "Kees Bakker",
    "Aylin Öztürk",
    "Priya Ramdin",
    "Daan Vermeulen",
    "Gerda de Haan",
    "Mohamed Boukhari",
    "Ingrid Smits",
    "Bram de Wit",
    "Fatima el Idrissi",
    "Pieter Jansen",
    "Sophie Mulder",
]
OORDELEN = [Oordeel.GEGROND, Oordeel.ONGEGROND, Oordeel.DEELS_GEGROND, Oordeel.ONGEGROND]
KANALEN = [Kanaal.WEBFORMULIER, Kanaal.TELEFOON, Kanaal.EMAIL, Kanaal.BRIEF, Kanaal.TELEFOON]


def medewerker(username: str, naam: str, rol: str, afdelingen=()) -> Medewerker:
    toegang.rollen_inrichten()
    voornaam, achternaam = naam.split(" ", 1)
    gebruiker = Medewerker.objects.create_user(
        username=username,
        password=E2E_WACHTWOORD,
        first_name=voornaam,
        last_name=achternaam,
        email=f"{username}@verzekeraar.example",
    )
    gebruiker.groups.add(Group.objects.get(name=rol))
    gebruiker.afdelingen.add(*afdelingen)
    return gebruiker


@pytest.fixture
def jaar_aan_klachten(e2e_label, e2e_afdeling, e2e_categorie, e2e_behandelaar):
    """Fourteen months of complaints (about three dozen), each taken through the workflow at the
    moments it would have happened: some acknowledged late, most answered and closed, one not
    admissible, one reconsidered, two taken to Kifid; survey answers every month; the finished
    months frozen as the beat job does on the 1st."""
    kifid, _nieuw = ExterneInstantie.objects.get_or_create(
        code="kifid",
        defaults={
            "naam": "Kifid (Klachteninstituut Financiële Dienstverlening)",
            "website": "https://www.kifid.nl",
            "maanden_na_standpunt": 3,
            "maanden_na_klacht": 12,
        },
    )
    premie_afdeling = Afdeling.objects.create(naam="Premie en incasso", code="premie-incasso")
    premie = Categorie.objects.create(
        naam="Premie en betaling", code="premie", afdeling=premie_afdeling
    )
    communicatie = Categorie.objects.create(
        naam="Communicatie en informatie", code="communicatie", afdeling=premie_afdeling
    )
    sanne = e2e_behandelaar
    youssef = medewerker("youssef", "Youssef El Amrani", rollen.KLACHTBEHANDELAAR)
    youssef.afdelingen.add(e2e_afdeling, premie_afdeling)
    categorieen = [e2e_categorie, premie, e2e_categorie, communicatie]
    nu = timezone.localtime()
    toeval = random.Random(20261)

    @contextmanager
    def om(moment):
        with time_machine.travel(moment, tick=False):
            yield

    def voorbij(moment) -> bool:
        return moment < nu - dt.timedelta(hours=1)

    def klacht_afhandelen(ontvangen_op, nummer: int) -> Klacht:
        kanaal = KANALEN[nummer % len(KANALEN)]
        categorie = categorieen[nummer % len(categorieen)]
        with om(ontvangen_op):
            k = services.klacht_registreren(
                label=e2e_label,
                kanaal=kanaal,
                ontvangen_op=ontvangen_op,
                privacy_akkoord=True,
                ingediend_door=None if kanaal == Kanaal.WEBFORMULIER else sanne,
                klant_naam=NAMEN[nummer % len(NAMEN)],
                klant_email=f"klant{nummer}@example.nl",
                categorie=categorie,
                omschrijving="De klant is het niet eens met de afhandeling van zijn declaratie.",
            )
        t = ontvangen_op
        if k.status == Status.ONTVANGEN:
            t += dt.timedelta(days=toeval.choice([1, 2, 3, 5, 10]), hours=2)  # 10: too late
            if not voorbij(t):
                return k
            with om(t):
                k = services.ontvangst_bevestigen(klacht=k, door=sanne)
        t += dt.timedelta(days=1)
        if not voorbij(t):
            return k
        with om(t):
            if nummer % 17 == 5:
                return services.niet_ontvankelijk_verklaren(
                    klacht=k,
                    door=sanne,
                    onderwerp="Uw klacht",
                    tekst="Uw melding is geen klacht maar een vraag; wij beantwoorden die apart.",
                )
            k = services.ontvankelijk_verklaren(klacht=k, door=sanne)
        duur = toeval.choice([6, 12, 18, 25, 34, 45, 60])
        if duur > 21:
            t_update = ontvangen_op + dt.timedelta(days=toeval.choice([19, 20, 24]))
            if not voorbij(t_update):
                return k
            with om(t_update):
                k = services.statusupdate_sturen(klacht=k, door=sanne)
        if duur > 42:
            t_update = ontvangen_op + dt.timedelta(days=40)
            if not voorbij(t_update):
                return k
            with om(t_update):
                k = services.statusupdate_sturen(klacht=k, door=sanne)
        t = ontvangen_op + dt.timedelta(days=duur)
        if not voorbij(t):
            return k
        with om(t):
            k = services.antwoord_sturen(
                klacht=k,
                door=sanne,
                oordeel=OORDELEN[nummer % len(OORDELEN)],
                definitief_standpunt=nummer % 9 == 3,
            )
        if nummer % 11 == 4:
            t += dt.timedelta(days=6)
            if not voorbij(t):
                return k
            with om(t):
                k = services.heroverweging_vragen(
                    klacht=k, door=KLANT, reden="Ik ben het niet eens met het antwoord."
                )
            t += dt.timedelta(days=12)
            if not voorbij(t):
                return k
            with om(t):
                k = services.heroverweging_beantwoorden(
                    klacht=k, door=youssef, oordeel=Oordeel.DEELS_GEGROND
                )
        t += dt.timedelta(days=2)
        if not voorbij(t):
            return k
        with om(t):
            k = services.afsluiten(klacht=k, door=sanne)
        if nummer % 9 == 3:
            ingediend = t + dt.timedelta(days=20)
            if voorbij(ingediend):
                beslist = ingediend + dt.timedelta(days=70)
                with om(beslist if voorbij(beslist) else ingediend):
                    services.externe_procedure_vastleggen(
                        klacht=k,
                        door=sanne,
                        instantie=kifid,
                        ingediend_datum=ingediend.date(),
                        uitkomst=Uitkomst.ONGEGROND if voorbij(beslist) else Uitkomst.LOPEND,
                        beslist_datum=beslist.date() if voorbij(beslist) else None,
                    )
        return k

    # Oldest month first; the running month up to today.
    maanden = [(nu.year, nu.month)]
    for _i in range(13):
        maanden.insert(0, kalender.vorige_maand(*maanden[0]))
    nummer = 0
    for index, (jaar, maand) in enumerate(maanden):
        for _j in range(2 + (index * 5) % 3):
            dag = toeval.randint(1, 27)
            ontvangen_op = dt.datetime(jaar, maand, dag, 9 + nummer % 8, tzinfo=AMSTERDAM)
            if not voorbij(ontvangen_op):
                ontvangen_op = nu - dt.timedelta(days=toeval.randint(1, 3), hours=2)
                if ontvangen_op.month != nu.month:
                    continue
            klacht_afhandelen(ontvangen_op, nummer)
            nummer += 1
        # Survey answers of the month (the KTO figures).
        for j in range(3):
            moment = dt.datetime(jaar, maand, 5 + 6 * j, 11, tzinfo=AMSTERDAM)
            if not voorbij(moment + dt.timedelta(days=2)):
                continue
            with om(moment + dt.timedelta(days=1)):
                respons(
                    label=e2e_label,
                    soort=ContactmomentSoort.SCHADE_GEMELD,
                    moment=moment,
                    afdeling=[e2e_afdeling, premie_afdeling][j % 2],
                    klant_email=f"kto-{jaar}-{maand}-{j}@example.nl",
                    rapportcijfer=toeval.choice([5, 7, 8, 8, 9, 10]),
                    nps_score=toeval.choice([3, 6, 7, 8, 9, 10]),
                )
    # The finished months are frozen on the 1st, as the beat job does.
    for jaar, maand in maanden[:-1]:
        maandrapport_vastleggen(jaar, maand)
    return {"premie_afdeling": premie_afdeling, "aantal": nummer}


def pdf_downloaden(page: Page) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^PDF")).click()
    pad = download.value.path()
    with open(pad, "rb") as bestand:
        inhoud = bestand.read()
    assert download.value.suggested_filename.endswith(".pdf")
    return inhoud


def test_directie_leest_de_maandrapportage_met_pdf_en_een_teamleider_alleen_de_eigen_afdeling(
    page: Page, browser: Browser, browser_context_args, live_server, jaar_aan_klachten, e2e_afdeling
):
    assert Klacht.objects.count() >= 30
    directie_leest_de_maandrapportage_en_downloadt_de_pdf(page, live_server)
    context = browser.new_context(**browser_context_args)
    try:
        teamleider_ziet_alleen_de_eigen_afdeling(context.new_page(), live_server, e2e_afdeling)
    finally:
        context.close()


def directie_leest_de_maandrapportage_en_downloadt_de_pdf(page: Page, live_server) -> None:
    medewerker("directeur", "Marieke Dekker", rollen.DIRECTIE)
    page.set_viewport_size({"width": 1280, "height": 900})
    inloggen(page, live_server, "directeur")
    page.get_by_role("link", name="Rapportage", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Maandrapportage")
    expect(page.locator("[data-status]")).to_contain_text("Lopende maand, voorlopige cijfers")
    expect(page.locator("svg[role=img]")).to_have_count(4)
    schermafbeelding(page, "maandrapport-lopend-1280")

    # The month before: frozen, with a full trend.
    page.get_by_role("link", name=re.compile("←")).click()
    expect(page.locator("[data-status]")).to_contain_text("Vastgelegd op")
    rijen = page.locator("#tabel-aantallen tbody tr")
    expect(rijen).to_have_count(2)
    expect(rijen.nth(0)).to_contain_text("Declaraties")
    expect(rijen.nth(1)).to_contain_text("Premie en incasso")
    expect(page.locator("#tabel-aantallen tfoot")).not_to_contain_text("geen gegevens")
    schermafbeelding(page, "maandrapport-directie-1280")
    # Printed on A4 landscape (the browser's own print, not the PDF export): a few pages, no menu or forms.
    page.emulate_media(media="print")
    expect(page.locator(".hoofdmenu")).to_be_hidden()
    expect(page.locator(".rapport-keuze")).to_be_hidden()
    afdruk = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (SCHERMAFBEELDINGEN / "maandrapport-afdruk.pdf").write_bytes(afdruk)
    assert 2 <= len(PdfReader(io.BytesIO(afdruk)).pages) <= 7
    page.emulate_media(media="screen")

    inhoud = pdf_downloaden(page)
    assert inhoud[:4] == b"%PDF"


def teamleider_ziet_alleen_de_eigen_afdeling(page: Page, live_server, e2e_afdeling) -> None:
    medewerker("tessa", "Tessa Visser", rollen.TEAMLEIDER, [e2e_afdeling])
    page.set_viewport_size({"width": 1280, "height": 900})
    inloggen(page, live_server, "tessa")
    page.get_by_role("link", name="Rapportage", exact=True).click()
    page.get_by_role("link", name=re.compile("←")).click()

    expect(page.locator(".rapport-bovenregel")).to_contain_text("Afdeling Declaraties")
    rijen = page.locator("#tabel-aantallen tbody tr")
    expect(rijen).to_have_count(1)
    expect(rijen).to_contain_text("Declaraties")
    expect(page.locator("body")).not_to_contain_text("Premie en incasso")
    schermafbeelding(page, "maandrapport-teamleider-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    breedte = page.evaluate("document.documentElement.scrollWidth")
    assert breedte <= 390, f"the page scrolls sideways on a phone ({breedte}px)"
    schermafbeelding(page, "maandrapport-teamleider-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    inhoud = pdf_downloaden(page)
    assert inhoud[:4] == b"%PDF"
