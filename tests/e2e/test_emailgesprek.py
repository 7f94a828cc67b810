"""The e-mail conversation in the browser (issue 17, acceptance 5): the queue marks a complaint
with a new message of the customer until its handler opens the dossier; the handler reads the
e-mail folded on the timeline, replies inline from the dossier in the customer's e-mail thread,
and the answer form shows the conversation it answers; axe-core finds no serious violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from klachten import berichten, services
from klachten.models import Bericht, Kanaal, Klacht, Mailbox
from klachten.workflow import BerichtSoort, Oordeel
from tests.e2e.conftest import inloggen
from tests.e2e.test_toegankelijkheid import (  # noqa: F401 (axe_pagina: a fixture)
    axe_controleren,
    axe_pagina,
    axe_verslag,
    openen,
)
from tests.inkomend import mail, monster

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARKER = "Nieuw bericht"
FILTER = "Nieuw bericht van klant"


@pytest.fixture
def gesprek(e2e_label, e2e_categorie, e2e_behandelaar):
    """A complaint in investigation, handled by e2e_behandelaar, whose customer replied by
    e-mail to our acknowledgement (quoting it)."""
    klacht = services.klacht_registreren(
        label=e2e_label,
        kanaal=Kanaal.TELEFOON,
        klant_naam="Anna de Vries",
        klant_email="anna.devries@gmail.example",
        categorie=e2e_categorie,
        omschrijving="Mijn declaratie van de fysiotherapeut is niet betaald.",
        ingediend_door=e2e_behandelaar,
    )
    services.ontvangst_bevestigen(klacht=klacht, door=e2e_behandelaar)
    services.ontvankelijk_verklaren(klacht=klacht, door=e2e_behandelaar)
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=e2e_behandelaar)
    bevestiging = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    mailbox = Mailbox.objects.create(label=e2e_label, adres=e2e_label.email)
    inkomend = berichten.inkomend_ontvangen(
        monster("antwoord-nl-gmail.eml", message_id=berichten.message_id(bevestiging)),
        mailbox=mailbox,
    )
    assert inkomend.klacht_id == klacht.pk
    return Klacht.objects.get(pk=klacht.pk), inkomend


def test_marker_inline_antwoord_en_gesprek_op_het_antwoordformulier(
    axe_pagina: Page,  # noqa: F811 (the fixture imported above)
    live_server,
    e2e_behandelaar,
    gesprek,
):
    klacht, inkomend = gesprek
    page, url, bevindingen = axe_pagina, live_server.url, []
    inloggen(page, live_server, e2e_behandelaar.username)

    # The queue marks the complaint, and its filter finds it.
    openen(page, f"{url}/medewerker/")
    rij = page.locator("tr", has=page.get_by_role("link", name=klacht.dossiernummer))
    expect(rij.locator(".badge-nieuw-bericht")).to_have_text(MARKER)
    axe_controleren(page, "werkvoorraad met nieuw bericht", bevindingen)
    page.get_by_label(FILTER).check()
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name=klacht.dossiernummer)).to_be_visible()

    # The dossier: the customer's reply on top, the quoted acknowledgement folded.
    page.get_by_role("link", name=klacht.dossiernummer).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(klacht.dossiernummer)
    geschiedenis = page.locator("details.email-geschiedenis").first
    expect(page.get_by_text("nog steeds niet betaald", exact=False).first).to_be_visible()
    expect(geschiedenis.get_by_text("Wij hebben uw klacht ontvangen", exact=False)).to_be_hidden()
    geschiedenis.locator("summary").click()
    expect(geschiedenis.get_by_text("Wij hebben uw klacht ontvangen", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Origineel bericht downloaden (.eml)")).to_be_visible()
    axe_controleren(page, "dossier met e-mailgesprek", bevindingen)

    # Opened by its handler: the marker is gone.
    openen(page, f"{url}/medewerker/")
    expect(page.get_by_role("link", name=klacht.dossiernummer)).to_be_visible()
    expect(page.locator(".badge-nieuw-bericht")).to_have_count(0)

    # The inline reply, sent in the customer's e-mail thread.
    openen(page, f"{url}/medewerker/klachten/{klacht.dossiernummer}/")
    formulier = page.locator("section.inline-antwoord")
    formulier.get_by_label("Onderwerp").fill(f"Uw klacht {klacht.dossiernummer}")
    formulier.get_by_label("Tekst").fill("Beste mevrouw De Vries, de declaratie wordt betaald.")
    formulier.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("De reactie is verstuurd.")).to_be_visible()
    antwoord = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.REACTIE)
    assert antwoord.in_reply_to == inkomend.message_id
    axe_controleren(page, "dossier na het inline antwoord", bevindingen)

    # The answer form shows the conversation it answers.
    page.get_by_role("link", name="Gemotiveerd antwoord sturen").click()
    expect(page).to_have_url(re.compile(r"/antwoord-sturen/$"))
    zij = page.locator("section.gesprek")
    expect(zij.get_by_role("heading", name="Berichten van de klant")).to_be_visible()
    expect(zij.get_by_text("nog steeds niet betaald", exact=False)).to_be_visible()
    axe_controleren(page, "antwoordformulier met gesprek", bevindingen)
    axe_verslag(bevindingen)


def test_na_de_afsluiting_kiest_de_behandelaar_een_vervolgklacht(
    axe_pagina: Page,  # noqa: F811 (the fixture imported above)
    live_server,
    e2e_behandelaar,
    e2e_label,
    gesprek,
):
    """The customer writes after the closing: the queue lists the complaint, its dossier offers
    the choices, and the vervolgklacht's form registers a new complaint linked to it."""
    klacht, _inkomend = gesprek
    klacht = services.antwoord_sturen(klacht=klacht, door=e2e_behandelaar, oordeel=Oordeel.GEGROND)
    klacht = services.afsluiten(klacht=klacht, door=e2e_behandelaar)
    afsluiting = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.AFSLUITING)
    berichten.inkomend_ontvangen(
        mail(
            van="Anna de Vries <anna.devries@gmail.example>",
            aan=berichten.antwoordadres(afsluiting),
            onderwerp=f"Re: {afsluiting.onderwerp}",
            tekst="Nu is ook mijn premie dubbel afgeschreven.",
            In_Reply_To=berichten.message_id(afsluiting),
        ),
        mailbox=Mailbox.objects.get(label=e2e_label),
    )
    page, url, bevindingen = axe_pagina, live_server.url, []
    inloggen(page, live_server, e2e_behandelaar.username)

    openen(page, f"{url}/medewerker/")
    lijst = page.locator("section.na-afsluiting")
    expect(lijst.get_by_role("link", name=klacht.dossiernummer)).to_be_visible()
    axe_controleren(page, "werkvoorraad met een afgesloten klacht die wacht", bevindingen)

    lijst.get_by_role("link", name=klacht.dossiernummer).click()
    paneel = page.locator("section.na-afsluiting")
    expect(paneel.get_by_role("heading", name="De klant schreef na de afsluiting")).to_be_visible()
    expect(paneel.get_by_text("Nu is ook mijn premie dubbel afgeschreven.")).to_be_visible()
    axe_controleren(page, "dossier met de keuzes na de afsluiting", bevindingen)

    paneel.get_by_role("link", name="Nieuwe klacht registreren, gekoppeld aan deze").click()
    expect(page.get_by_label("Omschrijving")).to_have_value(
        re.compile("Nu is ook mijn premie dubbel afgeschreven.")
    )
    axe_controleren(page, "formulier vervolgklacht", bevindingen)
    page.get_by_role("button", name="Opslaan").click()

    nieuw = Klacht.objects.get(vorige_klacht=klacht)
    expect(page.get_by_role("link", name=nieuw.dossiernummer)).to_be_visible()
    expect(page.locator("section.na-afsluiting")).to_have_count(0)
    axe_verslag(bevindingen)
