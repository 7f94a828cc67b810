"""Issue 9, acceptance 1, in a real browser: a customer finds the klachtenprocedure page from the
public form, from the confirmation page after filing, from the status page and from the link in
the acknowledgement e-mail; axe-core reports no serious or critical violation on it. (That every
public page links to it: tests/klachten/test_klachtenprocedure.py renders them all.)"""

import html
import re

import pytest
from playwright.sync_api import Page, expect

from klachten.models import Bericht, ExterneInstantie, Kanaal, Label, Reactietermijn
from klachten.models import TermijnEenheid as Eenheid
from klachten.workflow import BerichtSoort
from tests.e2e.conftest import schermafbeelding
from tests.e2e.test_toegankelijkheid import (  # noqa: F401 (axe_pagina is a fixture)
    axe_controleren,
    axe_pagina,
    axe_verslag,
    pad_van,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINKTEKST = "Zo gaan wij om met uw klacht: de klachtenprocedure"


@pytest.fixture
def label_met_procedure(e2e_label):
    """The default label with its external body, privacy statement, postal address and the
    reaction terms it publishes."""
    # Transactional tests flush the rows of the data migrations: made here when missing.
    skgz, _nieuw = ExterneInstantie.objects.get_or_create(
        code="skgz",
        defaults={
            "naam": "SKGZ (Stichting Klachten en Geschillen Zorgverzekeringen)",
            "website": "https://www.skgz.nl",
            "maanden_na_standpunt": 12,
            "escalatie_tekst": "U kunt naar de {{ instantie }} tot {{ uiterste_datum }}.",
        },
    )
    Label.objects.filter(pk=e2e_label.pk).update(
        externe_instantie=skgz,
        kleur="#0b5f7a",
        postadres="Zorgzaam Verzekerd\nPostbus 1234\n3500 AA Utrecht",
        privacyverklaring_url="https://zorgzaam.example.nl/privacy",
        website="https://zorgzaam.example.nl",
    )
    for kanaal, aantal, eenheid in [
        (Kanaal.WEBFORMULIER, 1, Eenheid.WERKDAGEN),
        (Kanaal.TELEFOON, 1, Eenheid.WERKDAGEN),
        (Kanaal.EMAIL, 2, Eenheid.WERKDAGEN),
        (Kanaal.BRIEF, 5, Eenheid.WERKDAGEN),
        (Kanaal.SOCIAL_MEDIA, 4, Eenheid.UREN),
    ]:
        Reactietermijn.objects.create(
            label=e2e_label, kanaal=kanaal, aantal=aantal, eenheid=eenheid
        )
    return Label.objects.get(pk=e2e_label.pk)


def naar_de_procedure(page: Page) -> None:
    """Follow the link that says where it leads, and land on the procedure page."""
    page.get_by_role("link", name=LINKTEKST).click()
    expect(page).to_have_url(re.compile(r"/klachtenprocedure/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zo gaan wij om met uw klacht")
    expect(page.locator("#reactietermijnen")).to_contain_text("4 uur")


def test_klant_vindt_de_klachtenprocedure_vanaf_formulier_bevestiging_status_en_email(
    page: Page, live_server, label_met_procedure, e2e_categorie
):
    url = live_server.url

    # From the public form.
    page.goto(f"{url}/klacht/")
    naar_de_procedure(page)
    # The procedure page leads to the form.
    page.get_by_role("link", name="Dien uw klacht in met het klachtenformulier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Een klacht indienen")

    # From the confirmation page after filing.
    page.get_by_label("Uw naam").fill("Johanna van der Meer")
    page.get_by_label("Uw e-mailadres").fill("johanna@example.nl")
    page.get_by_label("Waar gaat uw klacht over?").select_option(label="Declaratie")
    page.get_by_label("Wat is er gebeurd?").fill("Mijn declaratie is na zes weken niet betaald.")
    page.get_by_label("Ik ga akkoord met de privacyverklaring.").check()
    page.get_by_role("button", name="Klacht versturen").click()
    expect(page.locator("#dossiernummer")).to_be_visible()
    statuslink = page.locator(".statuslink").inner_text().strip()
    naar_de_procedure(page)

    # From the status page (the secret link on the confirmation page).
    page.goto(url + pad_van(statuslink))
    expect(page.get_by_role("heading", level=1)).to_have_text("Status van uw klacht")
    naar_de_procedure(page)

    # From the acknowledgement e-mail in the outbox: its text as a mail client shows it (web
    # addresses become links), and the customer follows the link under the sentence.
    bevestiging = Bericht.objects.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    regels = bevestiging.tekst.splitlines()
    procedure_url = regels[regels.index(LINKTEKST) + 1]
    assert procedure_url.endswith("/klachtenprocedure/")

    def als_link(match: re.Match) -> str:
        adres = match.group(0)
        return f'<a href="{html.escape(url + pad_van(adres))}">{html.escape(adres)}</a>'

    mail = re.sub(r"https?://\S+", als_link, html.escape(bevestiging.tekst, quote=False))
    page.set_content(f"<!doctype html><title>E-mail</title><pre>{mail}</pre>")
    page.get_by_role("link", name=procedure_url).click()
    expect(page).to_have_url(re.compile(r"/klachtenprocedure/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zo gaan wij om met uw klacht")


def test_klachtenprocedure_zonder_ernstige_axe_schendingen(
    axe_pagina: Page,  # noqa: F811 (the fixture of test_toegankelijkheid)
    live_server,
    label_met_procedure,
):
    page, bevindingen = axe_pagina, []
    Label.objects.create(naam="Rechtsbijstand Plus", slug="rechtsbijstand", kleur="#6a2c70")

    for pad, naam in (
        ("/klachtenprocedure/", "klachtenprocedure"),
        ("/rechtsbijstand/klachtenprocedure/", "klachtenprocedure zonder reactietermijnen"),
    ):
        antwoord = page.goto(live_server.url + pad)
        assert antwoord.ok, f"{pad} answered {antwoord.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Zo gaan wij om met uw klacht")
        axe_controleren(page, naam, bevindingen)
        for breedte in (390, 1280):  # to look at by eye (tests/e2e/screenshots/)
            page.set_viewport_size({"width": breedte, "height": 900})
            schermafbeelding(page, f"{naam.replace(' ', '-')}-{breedte}")
    axe_verslag(bevindingen)
