"""Issue 18, acceptance 2, in a real browser: the date a handler types on the form when postponing
the answer is the date of the letter, of the customer's status page and of the dossier's deadline;
a date after the 8-week limit (Kifid) is refused with a warning until the handler confirms it; and
in a definitief answer the paragraph on what the customer can do next (the external body) stands
before the signature, in the letter as on the status page.

Lean: one complaint per test, made through the services (no demo load)."""

import datetime as dt
import io
import re

import pytest
from django.utils import dateformat, translation
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from klachten import berichten, kalender, services
from klachten.berichten import brieven
from klachten.forms import OPEN_PLEK
from klachten.models import Bericht, ExterneInstantie, Kanaal, Klacht, Label
from klachten.workflow import BerichtSoort, Oordeel
from tests.e2e.conftest import inloggen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ZIN = "We hebben uw declaratie en de voorwaarden van uw polis nagekeken."


@pytest.fixture
def in_onderzoek(e2e_label, e2e_categorie, e2e_behandelaar):
    """A phone complaint of ten days ago, in investigation by Sanne, of a label with Kifid."""
    # Transactional tests flush the rows of the data migrations: made here when missing.
    kifid, _nieuw = ExterneInstantie.objects.get_or_create(
        code="kifid",
        defaults={
            "naam": "Kifid (Klachteninstituut Financiële Dienstverlening)",
            "website": "https://www.kifid.nl",
            "maanden_na_standpunt": 3,
            "maanden_na_klacht": 12,
            "escalatie_tekst": (
                "Bent u het niet eens met dit definitieve standpunt? Dan kunt u uw klacht "
                "kosteloos voorleggen aan {{ instantie }} ({{ website }}), uiterlijk op "
                "{{ uiterste_datum }}."
            ),
        },
    )
    Label.objects.filter(pk=e2e_label.pk).update(externe_instantie=kifid)
    sanne = e2e_behandelaar
    klacht = services.klacht_registreren(
        label=Label.objects.get(pk=e2e_label.pk),
        kanaal=Kanaal.TELEFOON,
        klant_naam="Johanna van der Meer",
        klant_email="johanna.vandermeer@example.nl",
        categorie=e2e_categorie,
        afdeling=e2e_categorie.afdeling,
        omschrijving="Mijn declaratie van de fysiotherapeut is na zes weken nog niet betaald.",
        ontvangen_op=dt.datetime.now(dt.UTC) - dt.timedelta(days=10),
        ingediend_door=sanne,
    )
    klacht = services.toewijzen(
        klacht=klacht, door=sanne, afdeling=klacht.afdeling, behandelaar=sanne
    )
    klacht = services.ontvangst_bevestigen(klacht=klacht, door=sanne)
    return services.ontvankelijk_verklaren(klacht=klacht, door=sanne)


def _naar_actie(page: Page, live_server, klacht: Klacht, knop: str) -> None:
    inloggen(page, live_server, "sanne")
    page.goto(f"{live_server.url}/medewerker/klachten/{klacht.dossiernummer}/")
    page.locator(".acties").get_by_role("link", name=knop, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(knop)


def _gaten_invullen(page: Page) -> None:
    """The handler fills in what the message editor asks ([gaps]; the verdict's gap the form
    fills from the chosen verdict)."""
    tekst = page.get_by_label("Tekst")
    tekst.fill(
        OPEN_PLEK.sub(
            lambda m: m.group(0) if m.group(0) == "[oordeel]" else ZIN, tekst.input_value()
        )
    )


def _datum_typen(page: Page, datum: dt.date) -> None:
    page.get_by_label("Nieuwe datum voor het antwoord").fill(datum.isoformat())
    page.get_by_label("Reden (de klant leest die)").fill(
        "We wachten op het advies van onze medisch adviseur."
    )


def _versturen(page: Page) -> None:
    page.locator("form.formulier button[type=submit]").click()


def _statuspagina_bericht(page: Page, live_server, klacht: Klacht, onderwerp: str):
    """The customer's status page, and on it the message with `onderwerp`, opened."""
    page.goto(f"{live_server.url}/klacht/status/{klacht.status_token}/")
    bericht = page.locator("details.bericht").filter(has_text=onderwerp)
    expect(bericht).to_have_count(1)
    if bericht.get_attribute("open") is None:  # the newest message is open already
        bericht.locator("summary").click()
    return bericht.locator(".bericht-tekst")


def _pdf_tekst(bericht: Bericht) -> str:
    lezer = PdfReader(io.BytesIO(brieven.brieven_pdf([bericht])))
    return " ".join(" ".join(p.extract_text() for p in lezer.pages).split())


def test_opgeschorte_datum_van_het_formulier_staat_in_brief_statuspagina_en_termijn(
    page: Page, live_server, in_onderzoek
):
    klacht = in_onderzoek
    nieuwe_datum = klacht.antwoord_uiterlijk_datum + dt.timedelta(days=5)
    assert nieuwe_datum <= klacht.kifid_alarm_datum  # no warning for this one
    datum = berichten.datum_tekst(nieuwe_datum, "nl")

    _naar_actie(page, live_server, klacht, "Termijn opschorten")
    _datum_typen(page, nieuwe_datum)
    _gaten_invullen(page)
    _versturen(page)
    expect(page.locator(".melding-success")).to_contain_text("De termijn is opgeschort")

    # The dossier's deadline badge shows the date typed.
    with translation.override("nl"):
        kort = dateformat.format(nieuwe_datum, "j N Y")
    expect(page.locator("ul.termijnen")).to_contain_text(kort)
    klacht.refresh_from_db()
    assert klacht.antwoord_uiterlijk_datum == nieuwe_datum
    # The letter (the stored message, as e-mail and as PDF) names that date, and no other.
    bericht = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.VERTRAGING)
    assert datum in bericht.tekst
    ontvangen = berichten.datum_tekst(kalender.lokale_datum(klacht.ontvangen_op), "nl")
    datums = re.findall(r"\b\d{1,2} [a-z]+ \d{4}\b", bericht.tekst)
    assert [d for d in datums if d != ontvangen] == [datum]  # one new date, once
    assert datum in _pdf_tekst(bericht)
    # The customer's status page: the answer date and the message.
    tekst = _statuspagina_bericht(page, live_server, klacht, bericht.onderwerp)
    expect(tekst).to_contain_text(datum)
    expect(page.locator("dt:text-is('Ons antwoord uiterlijk') + dd")).to_have_text(datum)


def test_datum_na_de_kifid_grens_pas_na_de_waarschuwing(page: Page, live_server, in_onderzoek):
    klacht = in_onderzoek
    nieuwe_datum = klacht.kifid_alarm_datum + dt.timedelta(days=3)
    oude_datum = klacht.antwoord_uiterlijk_datum

    _naar_actie(page, live_server, klacht, "Termijn verlengen")
    _datum_typen(page, nieuwe_datum)
    _gaten_invullen(page)
    _versturen(page)

    # Refused with the warning; nothing sent, the deadline unchanged.
    waarschuwing = page.get_by_role("alert")
    expect(waarschuwing).to_contain_text("na de grens van 8 weken")
    expect(waarschuwing).to_contain_text(klacht.kifid_alarm_datum.strftime("%d-%m-%Y"))
    assert not Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.VERTRAGING).exists()
    klacht.refresh_from_db()
    assert klacht.antwoord_uiterlijk_datum == oude_datum

    # The handler confirms they read it; then it goes, with that date.
    page.get_by_label("Ik heb de waarschuwing gelezen").check()
    _versturen(page)
    expect(page.locator(".melding-success")).to_contain_text("De termijn is verlengd")
    klacht.refresh_from_db()
    assert klacht.antwoord_uiterlijk_datum == nieuwe_datum
    bericht = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.VERTRAGING)
    assert berichten.datum_tekst(nieuwe_datum, "nl") in bericht.tekst


def test_definitief_antwoord_volgende_stap_voor_de_ondertekening(
    page: Page, live_server, in_onderzoek
):
    klacht = in_onderzoek

    _naar_actie(page, live_server, klacht, "Gemotiveerd antwoord sturen")
    page.locator("#id_oordeel").select_option(label="Deels gegrond")
    page.get_by_label("Dit is ons definitieve standpunt").check()
    _gaten_invullen(page)
    _versturen(page)
    expect(page.locator(".melding-success")).to_contain_text("Het antwoord is verstuurd")

    klacht.refresh_from_db()
    assert klacht.oordeel == Oordeel.DEELS_GEGROND
    instantie = klacht.label.externe_instantie.naam
    uiterste = berichten.datum_tekst(services.externe_uiterste_datum(klacht), "nl")
    groet = berichten.ondertekening(klacht).strip().splitlines()[0]
    bericht = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ANTWOORD)

    def volgende_stap_voor_de_groet(tekst: str) -> None:
        tekst = " ".join(tekst.split())
        groet_op = tekst.index(groet)
        for deel in (instantie, uiterste):
            assert deel in tekst[:groet_op], deel
            assert deel not in tekst[groet_op:], deel

    volgende_stap_voor_de_groet(bericht.tekst)  # the e-mail
    volgende_stap_voor_de_groet(_pdf_tekst(bericht))  # the letter
    tekst = _statuspagina_bericht(page, live_server, klacht, bericht.onderwerp)
    expect(tekst).to_contain_text(instantie)
    volgende_stap_voor_de_groet(tekst.inner_text())  # the status page
