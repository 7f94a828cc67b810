"""Acceptance 6 (issue 3): screenshots of the work queue, the dossier page and the customer's status
page at 1280 px and on a 390 px phone, in Dutch and in English, written to tests/e2e/screenshots/
(not committed) to be looked at. Each page is also checked for what a machine can see: no
horizontal page scroll, and the deadline badges in the colour of their days left."""

import pytest
from playwright.sync_api import Page, expect

from klachten.berichten import klacht_status_url
from tests.e2e.conftest import inloggen, schermafbeelding

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BREEDTES = (1280, 390)


def taal_kiezen(page: Page, taal: str) -> None:
    page.locator("#taal").select_option(taal)
    page.locator(".taalkeuze button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", taal)


def bekijken(page: Page, url: str, naam: str, problemen: list[str]) -> None:
    """Open the page and look at it at every width (the pages have no script: the browser lays
    out the same document anew when the window changes) and take a screenshot to look at; a page
    that scrolls sideways is a problem (collected, so that every screenshot is still made)."""
    page.set_viewport_size({"width": BREEDTES[0], "height": 900})
    page.goto(url)
    for breedte in BREEDTES:
        page.set_viewport_size({"width": breedte, "height": 900})
        scrollbreedte = page.evaluate("document.documentElement.scrollWidth")
        if scrollbreedte > breedte:
            problemen.append(f"{naam} is {scrollbreedte} px wide at {breedte} px")
        # Tables fit too: no column hidden behind a scrollbar of its own.
        te_breed = page.evaluate(
            "[...document.querySelectorAll('.tabel-wrapper')]"
            ".filter(w => w.scrollWidth > w.clientWidth + 1).length"
        )
        if te_breed:
            problemen.append(f"{naam}: a table scrolls sideways at {breedte} px")
        schermafbeelding(page, f"{naam}-{breedte}")


def test_schermen_van_de_behandelaar(page: Page, live_server, e2e_dossiers):
    problemen = []
    bekijken(page, f"{live_server.url}/account/login/", "inloggen-nl", problemen)
    inloggen(page, live_server, "sanne")
    dossier = e2e_dossiers["onderzoek_te_laat"]
    schermen = {
        "werkvoorraad": "/medewerker/",
        "werkvoorraad-over-termijn": "/medewerker/?over_termijn=on",
        "dossier": f"/medewerker/klachten/{dossier.dossiernummer}/",
        "dossier-beantwoord": (f"/medewerker/klachten/{e2e_dossiers['beantwoord'].dossiernummer}/"),
        "actie-antwoord": f"/medewerker/klachten/{dossier.dossiernummer}/antwoord-sturen/",
        "verbeterpunten": "/medewerker/verbeterpunten/",
    }

    page.goto(f"{live_server.url}/medewerker/")
    badges = page.locator("table.tabel .termijn")
    expect(page.locator("table.tabel .termijn-rood").first).to_be_visible()
    expect(page.locator("table.tabel .termijn-oranje").first).to_be_visible()
    expect(page.locator("table.tabel .termijn-groen").first).to_be_visible()
    assert badges.count() >= 6
    for naam, pad in schermen.items():
        bekijken(page, live_server.url + pad, f"{naam}-nl", problemen)

    page.goto(f"{live_server.url}/medewerker/")
    taal_kiezen(page, "en")
    for naam in ("werkvoorraad", "dossier", "actie-antwoord"):
        bekijken(page, live_server.url + schermen[naam], f"{naam}-en", problemen)
    taal_kiezen(page, "nl")
    assert not problemen


def test_schermen_van_de_klant(page: Page, live_server, e2e_dossiers):
    problemen = []
    schermen = {
        "status-onderzoek": e2e_dossiers["onderzoek_te_laat"],
        "status-beantwoord": e2e_dossiers["beantwoord"],
        "status-heroverweging": e2e_dossiers["heroverweging"],
        "status-nieuw": e2e_dossiers["nieuw"],
    }
    for naam, klacht in schermen.items():
        pad = klacht_status_url(klacht).split("://", 1)[1].partition("/")[2]
        bekijken(page, f"{live_server.url}/{pad}", f"{naam}-nl", problemen)

    page.goto(f"{live_server.url}/klacht/")
    taal_kiezen(page, "en")
    pad = klacht_status_url(e2e_dossiers["beantwoord"]).split("://", 1)[1].partition("/")[2]
    bekijken(page, f"{live_server.url}/{pad}", "status-beantwoord-en", problemen)
    bekijken(page, f"{live_server.url}/klacht/", "formulier-en", problemen)
    taal_kiezen(page, "nl")
    bekijken(page, f"{live_server.url}/klacht/", "formulier-nl", problemen)
    bekijken(page, f"{live_server.url}/klacht/link-kwijt/", "link-kwijt-nl", problemen)
    bekijken(
        page, f"{live_server.url}/klacht/status/geen-echt-token/", "niet-gevonden-nl", problemen
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze pagina bestaat niet")
    assert not problemen
