"""The queue a team works in all day, in a real browser (issue 19, acceptance 1): sorting and a
saved view, ten complaints assigned at once (one refused and reported, nine done), "neem in
behandeling", the marker of new information from the customer, the queue worked through with the
keyboard alone; axe-core finds no serious violation on the queue at 1280 and 390 px.

One server, one login, data from factories (no demo load)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from klachten import rollen, services, toegang
from klachten.models import Afdeling, Categorie, Klacht, Medewerker, Urgentie, Weergave
from klachten.workflow import KLANT
from tests.e2e.conftest import E2E_WACHTWOORD, inloggen
from tests.e2e.test_toegankelijkheid import AXE_RUN, ERNSTIG, WCAG_TAGS, axe_pagina  # noqa: F401
from tests.factories import KlachtFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(e2e_label, e2e_afdeling, e2e_categorie, e2e_behandelaar):
    """A teamleider of two afdelingen; Sanne (e2e_behandelaar) works only in the first. Ten
    unassigned complaints to assign (the last of the other afdeling), one urgent, and one more
    to take."""
    toegang.rollen_inrichten()
    tweede = Afdeling.objects.create(naam="Premie en incasso", code="premie")
    premie = Categorie.objects.create(naam="Premie", code="premie", afdeling=tweede)
    leider = Medewerker.objects.create_user(
        username="tineke", password=E2E_WACHTWOORD, first_name="Tineke", last_name="Bakker"
    )
    leider.groups.add(Group.objects.get(name=rollen.TEAMLEIDER))
    leider.afdelingen.add(e2e_afdeling, tweede)
    namen = ["Joost", "Anouk", "Eva", "Daan", "Lotte", "Bas", "Iris", "Gijs", "Fleur"]
    toewijzen = [
        KlachtFactory(label=e2e_label, categorie=e2e_categorie, klant_naam=naam) for naam in namen
    ]
    toewijzen.append(KlachtFactory(label=e2e_label, categorie=premie, klant_naam="Hanna"))
    urgent = KlachtFactory(
        label=e2e_label, categorie=e2e_categorie, klant_naam="Cor", urgentie=Urgentie.HOOG
    )
    nemen = KlachtFactory(label=e2e_label, categorie=e2e_categorie, klant_naam="Karel")
    return {
        "leider": leider,
        "toewijzen": toewijzen,
        "urgent": urgent,
        "nemen": nemen,
        "sanne": e2e_behandelaar,
    }


def rij(page: Page, klacht: Klacht):
    return page.locator("tbody[data-werkvoorraad] tr").filter(
        has=page.locator(f'a[data-rij-link]:text-is("{klacht.dossiernummer}")')
    )


def axe(page: Page, naam: str) -> list[str]:
    """axe-core (WCAG 2.0/2.1 A and AA) at 1280 and 390 px: the serious and critical findings."""
    bevindingen = []
    for breedte in (1280, 390):
        page.set_viewport_size({"width": breedte, "height": 900})
        for s in page.evaluate(AXE_RUN, WCAG_TAGS):
            if s["impact"] in ERNSTIG:
                bevindingen.append(f"{naam} @{breedte}px: {s['id']} {s['help']} {s['doelen'][:3]}")
    page.set_viewport_size({"width": 1280, "height": 900})
    return bevindingen


def test_werkvoorraad_van_een_team(axe_pagina: Page, live_server, team):  # noqa: F811
    page = axe_pagina
    page.set_viewport_size({"width": 1280, "height": 900})
    inloggen(page, live_server, "tineke")
    werkvoorraad = f"{live_server.url}/medewerker/"
    page.goto(werkvoorraad)

    # The urgent complaint leads the queue by default.
    eerste = page.locator("tbody[data-werkvoorraad] tr").first
    expect(eerste.locator("a[data-rij-link]")).to_have_text(team["urgent"].dossiernummer)
    expect(eerste.get_by_text("Urgent", exact=True)).to_be_visible()

    # Sorting: the header "Klant", ascending, then descending.
    page.get_by_role("link", name="Klant", exact=True).click()
    expect(page).to_have_url(re.compile(r"sorteer=klant"))
    kop = page.locator("th[aria-sort]")
    expect(kop).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("tbody[data-werkvoorraad] tr .klant").first).to_have_text("Anouk")
    page.get_by_role("link", name="Klant", exact=True).click()
    expect(kop).to_have_attribute("aria-sort", "descending")
    expect(page.locator("tbody[data-werkvoorraad] tr .klant").first).to_have_text("Lotte")

    # A saved view, shared with the team of Declaraties; opened again from the queue.
    page.get_by_text("Deze weergave opslaan").click()
    page.get_by_label("Naam van de weergave").fill("Klanten Z-A")
    page.get_by_label("Delen met team").select_option(label="Declaraties")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("De weergave “Klanten Z-A” is opgeslagen.")).to_be_visible()
    weergave = Weergave.objects.get(naam="Klanten Z-A")
    assert weergave.query == "sorteer=-klant"
    assert weergave.afdeling.naam == "Declaraties"
    page.goto(werkvoorraad)
    page.get_by_role("link", name="Klanten Z-A").click()
    expect(page.get_by_role("link", name="Klanten Z-A")).to_have_attribute("aria-current", "true")
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")

    # Ten complaints assigned to Sanne at once: Hanna's (afdeling Premie) is refused.
    page.goto(werkvoorraad)
    bevindingen = axe(page, "werkvoorraad")
    for klacht in team["toewijzen"]:
        page.get_by_label(f"{klacht.dossiernummer} kiezen").check()
    page.locator("#id_bulk-actie").select_option(label="Toewijzen aan behandelaar")
    page.locator("#id_bulk-behandelaar").select_option(label="Sanne de Vries")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.get_by_text("9 klachten zijn bijgewerkt.")).to_be_visible()
    geweigerd = team["toewijzen"][-1]
    expect(
        page.get_by_text(
            f"{geweigerd.dossiernummer}: niet gedaan: "
            "Deze medewerker werkt niet bij de gekozen afdeling."
        )
    ).to_be_visible()
    assert Klacht.objects.filter(behandelaar=team["sanne"]).count() == 9
    assert Klacht.objects.get(pk=geweigerd.pk).behandelaar is None
    bevindingen += axe(page, "werkvoorraad na bulkactie")

    # Neem in behandeling: Karel's complaint is the teamleider's.
    nemen = team["nemen"]
    rij(page, nemen).get_by_role("button", name=re.compile("Neem in behandeling")).click()
    expect(page.get_by_text(f"U behandelt nu {nemen.dossiernummer}.")).to_be_visible()
    expect(rij(page, nemen).get_by_text("Mijn", exact=True)).to_be_visible()
    expect(rij(page, nemen).get_by_role("button", name=re.compile("Neem in"))).to_have_count(0)

    # The customer adds information: the marker shows until the handler opens the dossier.
    services.klantbericht_toevoegen(
        klacht=Klacht.objects.get(pk=nemen.pk), door=KLANT, tekst="De factuur van de tandarts."
    )
    page.goto(werkvoorraad)
    marker = rij(page, nemen).locator("[data-nieuwe-informatie]")
    expect(marker).to_be_visible()
    bevindingen += axe(page, "werkvoorraad met markering")

    # Keyboard only, from a sorted queue: j/k through the rows, Enter opens, Escape goes back.
    page.goto(f"{werkvoorraad}?sorteer=klant")
    page.keyboard.press("j")
    links = page.locator("a[data-rij-link]")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    expect(links.nth(2)).to_be_focused()
    page.keyboard.press("k")
    expect(links.nth(1)).to_be_focused()
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    # On to Karel's row (the one with the marker), open it, and back.
    volgorde = [links.nth(i).inner_text() for i in range(links.count())]
    doel = volgorde.index(nemen.dossiernummer)
    for _ in range(doel - 1):
        page.keyboard.press("j")
    expect(links.nth(doel)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/medewerker/klachten/{nemen.dossiernummer}/$"))
    page.keyboard.press("Escape")
    expect(page).to_have_url(f"{werkvoorraad}?sorteer=klant")
    # Opened by its handler: the marker is gone.
    expect(rij(page, nemen).locator("[data-nieuwe-informatie]")).to_have_count(0)

    assert not bevindingen, "\n".join(bevindingen)
