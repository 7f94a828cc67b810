"""Acceptance 2 (issue 2): a customer files a complaint through the public form in a real browser,
gets a dossiernummer, and the acknowledgement is in the outbox with that number. Also the error
summary of the form. (A handler registering a phone complaint as "direct opgelost" is a page test,
tests/klachten/test_registratie.py; the first login through the koppellink is
tests/klachten/test_inloggen.py.)"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from klachten.models import Bericht, BerichtStatus, Kanaal, Klacht
from klachten.workflow import BerichtSoort

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DOSSIERNUMMER = re.compile(r"^KL-(\d{4})-\d{6}$")


def test_klacht_indienen_geeft_dossiernummer_en_ontvangstbevestiging(
    page: Page, live_server, e2e_label, e2e_categorie
):
    page.goto(f"{live_server.url}/klacht/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Een klacht indienen")

    page.get_by_label("Uw naam").fill("Johanna van der Meer")
    page.get_by_label("Uw e-mailadres").fill("johanna@example.nl")
    page.get_by_label("Waar gaat uw klacht over?").select_option(label="Declaratie")
    page.get_by_label("Wat is er gebeurd?").fill(
        "Mijn declaratie van de fysiotherapeut is na zes weken nog steeds niet betaald."
    )
    page.get_by_label("Wat wilt u bereiken?").fill("Dat de declaratie wordt betaald.")
    page.get_by_label("Ik ga akkoord met de privacyverklaring.").check()
    page.get_by_role("button", name="Klacht versturen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bedankt, we hebben uw klacht ontvangen"
    )
    nummer_veld = page.locator("#dossiernummer")
    expect(nummer_veld).to_have_text(DOSSIERNUMMER)
    nummer = nummer_veld.inner_text().strip()
    assert DOSSIERNUMMER.match(nummer).group(1) == str(timezone.localdate().year)

    klacht = Klacht.objects.get(dossiernummer=nummer)
    assert klacht.kanaal == Kanaal.WEBFORMULIER
    assert klacht.label == e2e_label
    assert klacht.klant_email == "johanna@example.nl"
    bericht = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    assert bericht.aan == "johanna@example.nl"
    assert nummer in bericht.onderwerp
    assert nummer in bericht.tekst
    # Through the outbox to the mail server (eager tasks in the tests): sent, once.
    assert bericht.status == BerichtStatus.VERZONDEN
    (verzonden,) = [m for m in mail.outbox if m.to == ["johanna@example.nl"]]
    assert nummer in verzonden.subject
    assert nummer in verzonden.body


def test_leeg_formulier_toont_foutsamenvatting_en_bewaart_invoer(
    page: Page, live_server, e2e_label, e2e_categorie
):
    page.goto(f"{live_server.url}/klacht/")
    page.get_by_role("button", name="Klacht versturen").click()

    samenvatting = page.locator("#foutsamenvatting")
    expect(samenvatting).to_be_visible()
    expect(samenvatting.get_by_role("heading")).to_have_text("Controleer het formulier")
    formulier = page.locator("form.formulier")
    assert samenvatting.bounding_box()["y"] < formulier.bounding_box()["y"], "summary on top"
    for veld_id in (
        "id_klant_naam",
        "id_klant_email",
        "id_categorie",
        "id_omschrijving",
        "id_privacy_akkoord",
    ):
        link = samenvatting.locator(f'a[href="#{veld_id}"]')
        expect(link).to_have_count(1)
        expect(page.locator(f"#{veld_id}")).to_have_count(1)
    expect(samenvatting).to_contain_text("Vul uw naam in")

    # Fix some fields, get one wrong: what was typed stays, only the remaining errors show.
    page.get_by_label("Uw naam").fill("Piet Jansen")
    page.get_by_label("Uw e-mailadres").fill("piet@")
    page.get_by_label("Wat is er gebeurd?").fill("Niemand belt mij terug.")
    page.get_by_role("button", name="Klacht versturen").click()

    expect(samenvatting).to_be_visible()
    expect(samenvatting.locator('a[href="#id_klant_naam"]')).to_have_count(0)
    expect(samenvatting.locator('a[href="#id_klant_email"]')).to_contain_text(
        "Vul een geldig e-mailadres in"
    )
    expect(page.get_by_label("Uw naam")).to_have_value("Piet Jansen")
    expect(page.get_by_label("Uw e-mailadres")).to_have_value("piet@")
    expect(page.get_by_label("Wat is er gebeurd?")).to_have_value("Niemand belt mij terug.")

    samenvatting.locator('a[href="#id_categorie"]').click()
    expect(page).to_have_url(re.compile(r"#id_categorie$"))
    assert not Klacht.objects.exists()


def test_getypte_tekst_en_formuliersleutel_blijven_bewaard_bij_een_databasestoring(
    page: Page, live_server, e2e_label, e2e_categorie, monkeypatch
):
    """Issue 15: PostgreSQL is away when the customer sends the form. The 503 page says the
    complaint was not received and leads back to the form, where the script
    (static/js/formulier_bewaren.js) has put the text back, with the form's one-time key; sent
    again once the database is back, one complaint; the confirmation wipes the saved text."""
    from django.db import OperationalError

    from klachten import services

    page.goto(f"{live_server.url}/klacht/")
    sleutel = page.locator('input[name="formulier_sleutel"]').input_value()
    page.get_by_label("Uw naam").fill("Johanna van der Meer")
    page.get_by_label("Uw e-mailadres").fill("johanna@example.nl")
    page.get_by_label("Waar gaat uw klacht over?").select_option(label="Declaratie")
    page.get_by_label("Wat is er gebeurd?").fill("De machtiging is twee keer kwijtgeraakt.")
    page.get_by_label("Ik ga akkoord met de privacyverklaring.").check()

    echte_registratie = services.klacht_registreren

    def database_weg(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "klacht_registreren", database_weg)
    page.get_by_role("button", name="Klacht versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw klacht is nog niet ontvangen")

    page.get_by_role("link", name="Terug naar het formulier").click()
    expect(page.get_by_label("Wat is er gebeurd?")).to_have_value(
        "De machtiging is twee keer kwijtgeraakt."
    )
    expect(page.get_by_label("Uw naam")).to_have_value("Johanna van der Meer")
    expect(page.get_by_label("Waar gaat uw klacht over?")).to_have_value(str(e2e_categorie.pk))
    expect(page.locator('input[name="formulier_sleutel"]')).to_have_value(sleutel)

    monkeypatch.setattr(services, "klacht_registreren", echte_registratie)
    page.get_by_role("button", name="Klacht versturen").click()
    expect(page.locator("#dossiernummer")).to_have_text(DOSSIERNUMMER)
    assert str(Klacht.objects.get().formulier_sleutel) == sleutel

    page.goto(f"{live_server.url}/klacht/")
    expect(page.get_by_label("Wat is er gebeurd?")).to_have_value("")
    assert page.locator('input[name="formulier_sleutel"]').input_value() != sleutel
