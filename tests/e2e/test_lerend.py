"""Issue 22 in the browser: the product review page, the claims upload with its errors and the
classify action with the triage suggestion pass axe-core (WCAG 2.1 AA, serious and critical) at
every width; screenshots to look at by eye (tests/e2e/screenshots/, not committed)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from klachten import rollen, services, triage
from klachten.models import Kanaal, Productgroep, Triage
from tests.e2e.conftest import inloggen, schermafbeelding
from tests.e2e.test_toegankelijkheid import (  # noqa: F401 (axe_pagina is a fixture)
    axe_controleren,
    axe_pagina,
    axe_verslag,
    openen,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_productreview_upload_en_triagevoorstel(
    request, live_server, e2e_behandelaar, e2e_categorie, e2e_label, monkeypatch, tmp_path
):
    page: Page = request.getfixturevalue("axe_pagina")
    url, bevindingen = live_server.url, []
    zorg, _nieuw = Productgroep.objects.get_or_create(
        code="zorg", defaults={"naam": "Zorgverzekeringen"}
    )
    e2e_categorie.productgroep = zorg
    e2e_categorie.save()
    tweede = e2e_categorie.__class__.objects.create(
        naam="Premie", code="premie", afdeling=e2e_categorie.afdeling
    )
    for i in range(12):
        services.klacht_registreren(
            label=e2e_label,
            kanaal=Kanaal.TELEFOON,
            klant_naam=f"Klant {i}",
            klant_email=f"klant{i}@example.nl",
            categorie=e2e_categorie if i % 2 else tweede,
            omschrijving=(
                "declaratie tandarts nota niet vergoed" if i % 2 else "premie incasso te hoog"
            ),
            ontvangen_op=timezone.now() - dt.timedelta(days=40 - i),
            direct_opgelost=True,
            oplossing="Uitgelegd.",
            ingediend_door=e2e_behandelaar,
        )
    monkeypatch.setattr(triage, "MIN_KLACHTEN", 10)
    triage.nachtelijk_trainen()
    Triage.objects.update_or_create(pk=1, defaults={"drempel": 0})
    per_email = services.klacht_registreren(
        label=e2e_label,
        kanaal=Kanaal.EMAIL,
        klant_naam="Sanne de Wit",
        klant_email="sanne@example.nl",
        categorie=None,
        omschrijving="Mijn premie wordt twee keer geïncasseerd.",
    )
    for rol in (rollen.DIRECTIE, rollen.TEAMLEIDER):
        e2e_behandelaar.groups.add(Group.objects.get(name=rol))
    inloggen(page, live_server, e2e_behandelaar.username)

    openen(page, f"{url}/medewerker/klachten/{per_email.dossiernummer}/classificeren/")
    expect(page.get_by_role("heading", name="Voorstel uit eerdere klachten")).to_be_visible()
    axe_controleren(page, "classificeren met triagevoorstel", bevindingen)
    schermafbeelding(page, "classificeren-triagevoorstel")

    vandaag = timezone.localdate()
    helft = 1 if vandaag.month <= 6 else 2
    openen(page, f"{url}/medewerker/rapportage/product/")
    axe_controleren(page, "productreviews", bevindingen)
    openen(page, f"{url}/medewerker/rapportage/product/zorg/{vandaag.year}/{helft}/")
    axe_controleren(page, "productreview", bevindingen)
    schermafbeelding(page, "productreview")

    openen(page, f"{url}/medewerker/rapportage/product/afgewezen-claims/")
    fout = tmp_path / "claims.csv"
    fout.write_text("productgroep;maand;afgewezen\nzorg;2026-13;4\nreis;2026-01;3\n")
    page.locator("#id_bestand").set_input_files(str(fout))
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("er is niets opgeslagen")).to_be_visible()
    axe_controleren(page, "afgewezen claims met fouten", bevindingen)
    schermafbeelding(page, "afgewezen-claims-fouten")
    axe_verslag(bevindingen)
