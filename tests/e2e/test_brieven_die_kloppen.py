"""Acceptance 2 (issue 18): the delay and the final answer through the browser. The date typed on
the form is the one in the letter, on the status page and in the deadline; a date after the
Kifid alarm is warned about (in the preview and before sending); the next-step paragraph of the
final answer (the external body) stands before the signature."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from klachten.berichten import datum_tekst
from klachten.models import Bericht, ExterneInstantie, Klacht, Label
from klachten.workflow import BerichtSoort, Status
from tests.e2e.conftest import inloggen
from tests.factories import klacht_in_status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kifid_label(e2e_label):
    kifid, _nieuw = ExterneInstantie.objects.get_or_create(
        code="kifid",
        defaults={
            "naam": "Kifid",
            "website": "https://www.kifid.nl",
            "maanden_na_standpunt": 3,
            "maanden_na_klacht": 12,
            "adres": "Postbus 93257\n2509 AG Den Haag",
            "telefoon": "070 333 8 999",
            "escalatie_tekst": (
                "Bent u het niet eens met dit definitieve standpunt? Dan kunt u uw klacht gratis "
                "voorleggen aan {{ instantie }}, uiterlijk op {{ uiterste_datum }}. U kunt ook "
                "naar de rechter."
            ),
        },
    )
    Label.objects.filter(pk=e2e_label.pk).update(externe_instantie=kifid)
    return Label.objects.get(pk=e2e_label.pk)


def test_vertraging_en_definitief_antwoord_in_de_browser(
    page: Page, live_server, kifid_label, e2e_categorie, e2e_behandelaar
):
    klacht = klacht_in_status(
        Status.IN_ONDERZOEK,
        door=e2e_behandelaar,
        categorie=e2e_categorie,
        label=kifid_label,
        klant_naam="Fatima Bakker",
    )
    nieuwe_datum = klacht.kifid_alarm_datum + dt.timedelta(days=7)
    datum = datum_tekst(nieuwe_datum, "nl")
    inloggen(page, live_server, "sanne")

    # The delay: the date on the form, previewed with the warning, then sent after the tick.
    page.goto(f"{live_server.url}/medewerker/klachten/{klacht.dossiernummer}/verlengen/")
    page.get_by_label("Nieuwe datum voor het antwoord").fill(nieuwe_datum.isoformat())
    page.get_by_label("Reden (de klant leest die)").fill("We wachten op het medisch advies.")
    page.get_by_role("button", name="Voorbeeld").click()
    voorbeeld = page.locator("section.voorbeeld")
    expect(voorbeeld).to_contain_text("grens van 8 weken")
    expect(voorbeeld.locator(".voorbeeld-tekst")).to_contain_text(
        f"U krijgt uiterlijk op {datum} ons antwoord."
    )
    page.get_by_role("button", name="Versturen").click()
    page.get_by_label("Ik heb de waarschuwing gelezen").check()
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator(".melding-success")).to_be_visible()

    klacht.refresh_from_db()
    assert klacht.antwoord_uiterlijk_datum == nieuwe_datum
    brief = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.VERTRAGING).tekst
    assert brief.count(datum) == 1
    page.goto(live_server.url + reverse("klachten:status", args=[klacht.status_token]))
    expect(page.locator("body")).to_contain_text(f"U krijgt uiterlijk op {datum} ons antwoord.")

    # The final answer: the verdict chosen, the external body before the signature.
    page.goto(f"{live_server.url}/medewerker/klachten/{klacht.dossiernummer}/antwoord-sturen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemotiveerd antwoord sturen")
    page.locator("#id_oordeel").select_option("ongegrond")
    page.locator("#id_definitief_standpunt").check()
    page.locator("#id_tekst").fill("We hebben de nota en uw polis bekeken; die sluit dit uit.")
    page.get_by_role("button", name="Voorbeeld").click()
    tekst = page.locator("section.voorbeeld .voorbeeld-tekst").inner_text()
    assert tekst.index("Postbus 93257") < tekst.index("Met vriendelijke groet")
    assert "heroverweging" not in tekst
    page.get_by_role("button", name="Versturen").click()
    expect(page.locator(".melding-success")).to_be_visible()

    antwoord = Klacht.objects.get(pk=klacht.pk).berichten.get(soort=BerichtSoort.ANTWOORD).tekst
    assert antwoord.index("Postbus 93257") < antwoord.index("Met vriendelijke groet")
    assert "Ons oordeel: uw klacht is ongegrond." in antwoord
