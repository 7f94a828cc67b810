"""Acceptance 4 (issue Klanttevredenheid): a customer answers the survey from the link in the
invitation e-mail; the behandelaar sees the answer on their dashboard; the low score sends the alert
and opens a follow-up, which the behandelaar closes with a report."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from klanttevredenheid import services
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import ContactmomentSoort, Opvolging, OpvolgingStatus, Respons
from tests.e2e.conftest import inloggen, schermafbeelding
from tests.factories import contactmoment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ENQUETELINK = re.compile(r"https?://\S+/enquete/[^/\s]+/")


def test_klant_beantwoordt_enquete_en_behandelaar_belt_terug(
    page: Page, browser: Browser, live_server, settings, e2e_label, e2e_afdeling, e2e_behandelaar
):
    settings.SITE_URL = live_server.url
    e2e_behandelaar.email = "sanne@verzekeraar.example"
    e2e_behandelaar.save()
    moment = contactmoment(
        label=e2e_label,
        soort=ContactmomentSoort.SCHADE_GEMELD,
        klant_email="bram@example.nl",
        klant_naam="Bram Hendriks",
        afdeling=e2e_afdeling,
        behandelaar=e2e_behandelaar,
    )
    services.uitnodigingen_versturen(op=moment.uitnodiging.verzenden_op)

    # The invitation went out through the outbox; the customer clicks its link.
    uitnodiging = next(m for m in mail.outbox if m.to == ["bram@example.nl"])
    link = ENQUETELINK.search(uitnodiging.body).group(0)
    assert link.startswith(live_server.url)
    klant = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    telefoon = klant.new_page()
    telefoon.goto(link)
    expect(telefoon.get_by_role("heading", level=1)).to_contain_text("Hoe tevreden bent u")

    # Sending without a grade: the summary at the top says what is missing.
    telefoon.get_by_role("button", name="Verstuur mijn antwoorden").click()
    expect(telefoon.locator("#foutsamenvatting")).to_contain_text("rapportcijfer")
    telefoon.get_by_role("group", name=re.compile("Welk rapportcijfer")).get_by_text(
        "4", exact=True
    ).click()
    telefoon.get_by_label("Wilt u uw cijfer toelichten?", exact=False).fill(
        "Niemand belde terug over mijn schade."
    )
    telefoon.get_by_role("group", name=re.compile("aanbeveelt")).get_by_text(
        "3", exact=True
    ).click()
    schermafbeelding(telefoon, "enquete-ingevuld-390")
    telefoon.get_by_role("button", name="Verstuur mijn antwoorden").click()
    expect(telefoon.get_by_role("heading", level=1)).to_have_text("Bedankt voor uw antwoorden")

    respons = Respons.objects.get()
    assert (respons.rapportcijfer, respons.nps_score) == (4, 3)
    # The link works once.
    telefoon.goto(link)
    expect(telefoon.locator("body")).to_contain_text("al ingevuld")
    klant.close()

    # The low score alerted the behandelaar and opened a follow-up.
    signaal = [m for m in mail.outbox if m.to == ["sanne@verzekeraar.example"]]
    assert len(signaal) == 1
    assert "Lage score" in signaal[0].subject
    assert "Bram Hendriks" not in signaal[0].body  # who the customer is stays in the system
    assert respons.contactmoment.uitnodiging.bericht.soort == KtoBerichtSoort.KTO_UITNODIGING
    opvolging = Opvolging.objects.get(respons=respons)

    # The behandelaar sees the answer on the dashboard and calls back.
    inloggen(page, live_server, e2e_behandelaar.username)
    page.get_by_role("link", name=re.compile("Klanttevredenheid")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klanttevredenheid")
    expect(page.locator("body")).to_contain_text("Niemand belde terug over mijn schade.")
    terugbellen = page.locator("section", has=page.locator("#kop-terugbellen"))
    expect(terugbellen).to_contain_text("Bram Hendriks")
    schermafbeelding(page, "kto-dashboard-1280")
    terugbellen.get_by_role("link", name=re.compile("Opvolgen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvolging na een lage score")
    expect(page.locator("body")).to_contain_text("bram@example.nl")
    page.get_by_role("button", name="Afronden").click()  # without a report: refused
    expect(page.locator(".foutmelding").first).to_be_visible()
    page.get_by_label("Verslag").fill("Gebeld; de schade wordt deze week uitbetaald.")
    page.get_by_role("button", name="Afronden").click()
    expect(page.locator(".melding-success")).to_be_visible()

    opvolging.refresh_from_db()
    assert opvolging.status == OpvolgingStatus.AFGEROND
    assert opvolging.afgerond_door == e2e_behandelaar
    expect(page.locator("section", has=page.locator("#kop-terugbellen"))).to_contain_text(
        "geen klanten op de terugbellijst"
    )
