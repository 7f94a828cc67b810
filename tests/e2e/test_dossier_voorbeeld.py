"""In the browser (issue 19, acceptance 1): the attachment preview in the dossier, loaded when
opened under the site's own Content-Security-Policy and logged then; the conversation beside the
heroverweging form; axe-core finds no serious violation on these pages (1280 to 390 px)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from klachten import services
from klachten.models import Inzage, InzageSoort, Kanaal, Klacht
from klachten.workflow import KLANT, Oordeel
from tests.e2e.conftest import inloggen
from tests.e2e.test_toegankelijkheid import (  # noqa: F401 (axe_pagina: a fixture)
    axe_controleren,
    axe_pagina,
    axe_verslag,
    openen,
)
from tests.factories import pdf_bestand, png_bestand

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EERSTE_ANTWOORD = "De fysiotherapie valt buiten uw aanvullende verzekering."
WAAROM = "Mijn polis noemt fysiotherapie wel, zie artikel 4."


@pytest.fixture
def met_bijlagen(e2e_label, e2e_categorie, e2e_behandelaar) -> Klacht:
    klacht = services.klacht_registreren(
        label=e2e_label,
        kanaal=Kanaal.TELEFOON,
        klant_naam="Anna de Vries",
        klant_email="anna.devries@example.nl",
        categorie=e2e_categorie,
        omschrijving="Mijn declaratie van de fysiotherapeut is niet betaald.",
        ingediend_door=e2e_behandelaar,
        bijlagen=[png_bestand("foto-nota.png"), pdf_bestand("nota.pdf")],
    )
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=e2e_behandelaar)
    return klacht


def test_het_voorbeeld_laadt_pas_bij_openen_binnen_de_csp(
    page: Page, live_server, e2e_behandelaar, met_bijlagen
):
    csp_meldingen = []
    page.on(
        "console",
        lambda m: csp_meldingen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    inloggen(page, live_server, e2e_behandelaar.username)

    openen(page, f"{live_server.url}/medewerker/klachten/{met_bijlagen.dossiernummer}/")
    page.wait_for_load_state("networkidle")

    # Closed: nothing fetched, nothing in the access log.
    assert not Inzage.objects.filter(soort=InzageSoort.BIJLAGE_BEKEKEN).exists()
    voorbeeld = page.locator("details.bijlage-voorbeeld", has=page.locator("img"))
    voorbeeld.locator("summary").click()
    afbeelding = voorbeeld.get_by_role("img", name="Voorbeeld van foto-nota.png")
    expect(afbeelding).to_be_visible()
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=afbeelding.element_handle()
    )
    bekeken = Inzage.objects.filter(soort=InzageSoort.BIJLAGE_BEKEKEN)
    assert [i.bijlage_naam for i in bekeken] == ["foto-nota.png"]

    # The PDF in its frame, from our own origin: the CSP lets our page frame it.
    pdf = page.locator("details.bijlage-voorbeeld", has=page.locator("iframe"))
    bijlage = met_bijlagen.bijlagen.get(oorspronkelijke_naam="nota.pdf")
    pad = reverse("klachten:bijlage-bekijken", args=[bijlage.pk])
    with page.expect_response(lambda r: r.url.endswith(pad)) as antwoord:
        pdf.locator("summary").click()
    assert antwoord.value.status == 200
    assert antwoord.value.headers["content-type"] == "application/pdf"
    expect(pdf.locator("iframe")).to_be_visible()
    assert sorted(i.bijlage_naam for i in bekeken.all()) == ["foto-nota.png", "nota.pdf"]
    assert csp_meldingen == []


@pytest.fixture
def in_heroverweging(met_bijlagen, e2e_behandelaar, e2e_afdeling, e2e_tweedelijns) -> Klacht:
    klacht = services.ontvangst_bevestigen(klacht=met_bijlagen, door=e2e_behandelaar)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=e2e_behandelaar)
    klacht = services.antwoord_sturen(
        klacht=klacht,
        door=e2e_behandelaar,
        oordeel=Oordeel.ONGEGROND,
        onderwerp="Ons antwoord op uw klacht",
        tekst=EERSTE_ANTWOORD,
    )
    klacht = services.heroverweging_vragen(klacht=klacht, door=KLANT, reden=WAAROM)
    return services.toewijzen(
        klacht=klacht, door=e2e_behandelaar, afdeling=e2e_afdeling, behandelaar=e2e_tweedelijns
    )


def test_het_gesprek_naast_het_heroverwegingsformulier_en_axe(
    axe_pagina: Page,  # noqa: F811 (the fixture imported above)
    live_server,
    e2e_tweedelijns,
    in_heroverweging,
):
    page, url, bevindingen = axe_pagina, live_server.url, []
    inloggen(page, live_server, e2e_tweedelijns.username)

    openen(page, f"{url}/medewerker/klachten/{in_heroverweging.dossiernummer}/")
    page.locator("details.bijlage-voorbeeld", has=page.locator("img")).locator("summary").click()
    expect(page.get_by_role("img", name="Voorbeeld van foto-nota.png")).to_be_visible()
    axe_controleren(page, "dossier met een geopend voorbeeld", bevindingen)

    page.get_by_role("link", name="Heroverweging beantwoorden").click()
    eerste = page.locator(
        "section.gesprek", has=page.get_by_role("heading", name="Het eerste antwoord")
    )
    expect(eerste.get_by_text(EERSTE_ANTWOORD)).to_be_visible()
    waarom = page.locator(
        "section.gesprek", has=page.get_by_role("heading", name="Waarom de klant het niet eens is")
    )
    expect(waarom.get_by_text(WAAROM)).to_be_visible()
    axe_controleren(page, "heroverweging beantwoorden met het gesprek", bevindingen)
    axe_verslag(bevindingen)
