"""The vulnerable customer in the browser (issue 9): a handler records a signal and a referral
from the dossier's side panel, the message form then offers the plain-language text, the work
queue marks the complaint; the pages have no serious axe-core violation; the customer's status
page shows none of it."""

import pytest
from playwright.sync_api import Page, expect

from klachten.berichten import klacht_status_url
from tests.e2e.conftest import inloggen
from tests.e2e.test_toegankelijkheid import (  # noqa: F401 (axe_pagina is a fixture)
    axe_controleren,
    axe_pagina,
    axe_verslag,
    openen,
    pad_van,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_signaal_en_doorverwijzing_vastleggen_zonder_ernstige_axe_schendingen(
    axe_pagina: Page,  # noqa: F811
    live_server,
    e2e_dossiers,
    e2e_behandelaar,
):
    page, url, bevindingen = axe_pagina, live_server.url, []
    klacht = e2e_dossiers["onderzoek_te_laat"]
    inloggen(page, live_server, e2e_behandelaar.username)
    openen(page, f"{url}/medewerker/klachten/{klacht.dossiernummer}/")
    paneel = page.locator("section[aria-labelledby=kop-kwetsbaar]")
    expect(paneel).to_contain_text("Geen signalen vastgelegd.")

    paneel.get_by_role("link", name="Signaal vastleggen").click()
    page.get_by_label("Laaggeletterdheid").check()
    page.get_by_label("Toelichting (niet verplicht)").fill("Leest moeilijk; liever bellen.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".meldingen")).to_contain_text("Het signaal is vastgelegd")
    paneel.get_by_role("link", name="Doorverwijzing vastleggen").click()
    page.get_by_label("Doorverwezen naar").fill("Taalhuis in de bibliotheek")
    page.get_by_role("button", name="Opslaan").click()
    expect(paneel).to_contain_text("Leest moeilijk; liever bellen.")
    expect(paneel).to_contain_text("Taalhuis in de bibliotheek")
    expect(page.locator(".dossierkop")).to_contain_text("Urgent")
    axe_controleren(page, "dossier met een signaal", bevindingen)

    openen(page, f"{url}/medewerker/klachten/{klacht.dossiernummer}/statusupdate-sturen/")
    expect(page.locator(".melding-info")).to_contain_text("eenvoudige taal (B1)")
    expect(page.locator("#id_onderwerp")).to_have_value(
        f"Hoe staat het met uw klacht? ({klacht.dossiernummer})"
    )
    axe_controleren(page, "statusupdate in eenvoudige taal", bevindingen)
    openen(page, f"{url}/medewerker/")
    expect(page.locator("tr", has_text=klacht.dossiernummer)).to_contain_text("Kwetsbare klant")
    axe_controleren(page, "werkvoorraad met een kwetsbare klant", bevindingen)

    openen(page, url + pad_van(klacht_status_url(klacht)))
    inhoud = page.content()
    for geheim in ("Laaggeletterdheid", "Leest moeilijk", "Taalhuis", "Kwetsbare klant"):
        assert geheim not in inhoud
    axe_verslag(bevindingen)
