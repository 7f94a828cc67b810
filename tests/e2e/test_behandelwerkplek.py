"""Acceptance 4 (issue 3): a handler logs in, finds the web complaint in the work queue and runs it
to closed through the dossier's action buttons; the customer opens the status link from the
acknowledgement e-mail, sees every message sent, and asks for heroverweging."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from klachten.berichten import interne_soorten
from klachten.models import Bericht, Kanaal, Klacht
from klachten.workflow import BerichtSoort, Oordeel, Status
from tests.e2e.conftest import inloggen, schermafbeelding

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATUSLINK = re.compile(r"https?://\S+/klacht/status/[^/\s]+/")


def klacht_indienen(page: Page, live_server) -> str:
    """The customer files the complaint through the public form; returns the dossiernummer."""
    page.goto(f"{live_server.url}/klacht/")
    page.get_by_label("Uw naam").fill("Johanna van der Meer")
    page.get_by_label("Uw e-mailadres").fill("johanna@example.nl")
    page.get_by_label("Waar gaat uw klacht over?").select_option(label="Declaratie")
    page.get_by_label("Wat is er gebeurd?").fill(
        "Mijn declaratie van de fysiotherapeut is na zes weken nog steeds niet betaald."
    )
    page.get_by_label("Wat wilt u bereiken?").fill("Dat de declaratie wordt betaald.")
    page.get_by_label("Ik ga akkoord met de privacyverklaring.").check()
    page.get_by_role("button", name="Klacht versturen").click()
    schermafbeelding(page, "ontvangen-nl-1280")
    return page.locator("#dossiernummer").inner_text().strip()


def actie_uitvoeren(page: Page, knop: str) -> None:
    """Click an action button of the dossier, submit its focused form, land back on the dossier."""
    page.locator(".acties").get_by_role("link", name=knop, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(knop)


def versturen(page: Page, melding: str) -> None:
    """Submit the action's form; the dossier confirms it."""
    page.locator("form.formulier button[type=submit]").click()
    expect(page.locator(".melding-success")).to_contain_text(melding)


def test_behandelaar_handelt_webklacht_af_en_klant_vraagt_heroverweging(
    page: Page,
    browser: Browser,
    live_server,
    e2e_label,
    e2e_categorie,
    e2e_behandelaar,
    e2e_tweedelijns,
):
    klant = browser.new_context(locale="nl-NL")
    klant_pagina = klant.new_page()
    nummer = klacht_indienen(klant_pagina, live_server)
    klacht = Klacht.objects.get(dossiernummer=nummer)
    assert klacht.kanaal == Kanaal.WEBFORMULIER
    assert klacht.status == Status.ONTVANGST_BEVESTIGD, "a web complaint is acknowledged at once"

    # The handler finds the complaint in the work queue by its dossiernummer.
    inloggen(page, live_server, "sanne")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    page.get_by_label("Zoeken").fill(nummer)
    page.get_by_role("button", name="Filteren").click()
    rijen = page.locator("table.tabel tbody tr")
    expect(rijen).to_have_count(1)
    expect(rijen.first).to_contain_text("Johanna van der Meer")
    expect(rijen.first).to_contain_text("Ontvangst bevestigd")
    rijen.first.get_by_role("link", name=nummer).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(nummer)
    status = page.locator(".dossierkop .status")
    expect(status).to_have_text("Ontvangst bevestigd")

    # Take it on, then run it through the procedure with the dossier's buttons.
    actie_uitvoeren(page, "Toewijzen")
    page.get_by_label("Behandelaar").select_option(label="Sanne de Vries")
    versturen(page, "De klacht is toegewezen.")

    actie_uitvoeren(page, "Ontvankelijk verklaren")
    page.get_by_label("Toelichting (intern, niet verplicht)").fill("Declaratie ligt bij ons.")
    versturen(page, "De klacht is ontvankelijk verklaard")
    expect(status).to_have_text("In onderzoek")

    actie_uitvoeren(page, "Statusupdate sturen")
    # The message editor is pre-filled from the template; the handler completes it.
    expect(page.get_by_label("Onderwerp")).to_have_value(re.compile(re.escape(nummer)))
    tekst = page.get_by_label("Tekst")
    tekst.fill(
        tekst.input_value().replace(
            "[Beschrijf wat er sinds het vorige bericht is gedaan en wat de volgende stap is.]",
            "We hebben de nota bij de fysiotherapeut opgevraagd.",
        )
    )
    versturen(page, "De statusupdate is verstuurd.")

    actie_uitvoeren(page, "Gemotiveerd antwoord sturen")
    page.get_by_label("Oordeel").select_option(label="Gegrond")
    tekst = page.get_by_label("Tekst")
    tekst.fill(
        tekst.input_value()
        .replace("[Beschrijf het onderzoek.]", "We hebben de nota en uw polis bekeken.")
        .replace("[Leg het oordeel uit.]", "De declaratie had binnen 20 dagen betaald moeten zijn.")
        .replace("[Beschrijf de oplossing of het advies.]", "We betalen de nota deze week.")
    )
    versturen(page, "Het antwoord is verstuurd.")
    expect(status).to_have_text("Beantwoord")

    actie_uitvoeren(page, "Afsluiten")
    # Closing says what happens and asks the handler to confirm (issue 19).
    expect(page.locator(".afsluitend")).to_contain_text("Dit sluit de klacht af")
    page.get_by_label("Ik begrijp dat dit de klacht afsluit").check()
    versturen(page, "De klacht is afgesloten.")
    expect(status).to_have_text("Afgesloten")

    klacht.refresh_from_db()
    assert klacht.status == Status.AFGESLOTEN
    assert klacht.oordeel == Oordeel.GEGROND
    assert klacht.behandelaar == e2e_behandelaar
    berichten = list(
        Bericht.objects.filter(klacht=klacht)
        .exclude(soort__in=interne_soorten())
        .order_by("created_at")
    )
    assert [b.soort for b in berichten] == [
        BerichtSoort.ONTVANGSTBEVESTIGING,
        BerichtSoort.STATUSUPDATE,
        BerichtSoort.ANTWOORD,
        BerichtSoort.AFSLUITING,
    ]
    tijdlijn = page.locator(".tijdlijn")
    for bericht in berichten:
        expect(tijdlijn).to_contain_text(bericht.onderwerp)
    assert "nota en uw polis bekeken" in berichten[2].tekst

    # The customer opens the link from the acknowledgement e-mail. SITE_URL is not the live
    # server's address: keep the path of the link.
    bevestiging = berichten[0]
    link = STATUSLINK.search(bevestiging.tekst)
    assert link, bevestiging.tekst
    klant_pagina.goto(live_server.url + urlsplit(link.group(0)).path)
    expect(klant_pagina.get_by_role("heading", level=1)).to_have_text("Status van uw klacht")
    expect(klant_pagina.locator(".statusblok")).to_contain_text(nummer)
    expect(klant_pagina.locator(".voortgang [aria-current=step]")).to_contain_text("Afgesloten")
    draad = klant_pagina.locator(".berichten")
    for bericht in berichten:
        expect(draad).to_contain_text(bericht.onderwerp)
    expect(draad).not_to_contain_text("Declaratie ligt bij ons.")  # internal notes stay inside

    klant_pagina.get_by_label("Waarom bent u het niet eens met ons antwoord?").fill(
        "U betaalt de nota, maar de wettelijke rente over zes weken vergoedt u niet."
    )
    klant_pagina.get_by_role("button", name="Heroverweging aanvragen").click()
    expect(klant_pagina.locator(".melding-success")).to_contain_text(
        "Uw verzoek om heroverweging is ontvangen."
    )
    expect(klant_pagina.locator(".statusblok")).to_contain_text("In heroverweging")
    expect(klant_pagina.get_by_role("button", name="Heroverweging aanvragen")).to_have_count(0)
    schermafbeelding(klant_pagina, "status-na-heroverweging-nl-1280")
    klacht.refresh_from_db()
    assert klacht.status == Status.IN_HEROVERWEGING
    assert klacht.heroverweging_gevraagd_op is not None

    # Back in the dossier: the first handler may not answer the reconsideration herself; she
    # hands it to a colleague (the second line), who can.
    page.reload()
    expect(status).to_have_text("In heroverweging")
    expect(page.locator(".tijdlijn")).to_contain_text("wettelijke rente")
    acties = page.locator(".acties")
    expect(acties.get_by_role("link", name="Heroverweging beantwoorden")).to_have_count(0)
    actie_uitvoeren(page, "Toewijzen")
    page.get_by_label("Behandelaar").select_option(label="Youssef El Amrani")
    versturen(page, "De klacht is toegewezen.")
    klacht.refresh_from_db()
    assert klacht.heroverweging_behandelaar == e2e_tweedelijns
    assert klacht.behandelaar == e2e_behandelaar
    klant.close()
