"""Destructive or closing actions styled and confirmed as such (issue 19): on the dossier they
carry the danger style, their page says what happens, and their form asks for a ticked box."""

import html
import re

import pytest
from django.urls import reverse

from klachten.forms import AfsluitenFormulier
from klachten.views.medewerker import SCHERMEN
from klachten.workflow import ACTIES, AFSLUITENDE_ACTIES, Status
from tests.conftest import actie_url, formulierfouten, meldingen, stand
from tests.factories import klacht_in_status

VANUIT = {"niet_ontvankelijk_verklaren": Status.ONTVANGEN, "afsluiten": Status.BEANTWOORD}


def test_de_afsluitende_acties_staan_op_een_plek():
    assert {"niet_ontvankelijk_verklaren", "afsluiten"} == AFSLUITENDE_ACTIES
    assert {n for n in AFSLUITENDE_ACTIES if ACTIES[n].naar == Status.AFGESLOTEN} == set(
        AFSLUITENDE_ACTIES
    )
    # Every action page that closes asks for the confirmation, and no other does.
    assert {
        naam
        for naam, scherm in SCHERMEN.items()
        if issubclass(scherm.formulier, AfsluitenFormulier)
    } == AFSLUITENDE_ACTIES


def _knop(response, klacht, naam: str) -> list[str]:
    """The classes of the dossier's button for the action."""
    url = re.escape(actie_url(klacht, naam))
    klassen = re.findall(rf'<a class="([^"]*)" href="{url}"', response.content.decode())
    assert klassen, naam
    return klassen[0].split()


def test_dossier_toont_niet_ontvankelijk_als_gevaar_en_ontvankelijk_niet(
    client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.ONTVANGST_BEVESTIGD, door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    assert "knop-gevaar" in _knop(response, klacht, "niet_ontvankelijk_verklaren")
    assert "knop-gevaar" not in _knop(response, klacht, "ontvankelijk_verklaren")
    assert "knop-primair" in _knop(response, klacht, "ontvankelijk_verklaren")


def test_dossier_toont_afsluiten_als_gevaar(client, behandelaar, categorie):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    assert "knop-gevaar" in _knop(response, klacht, "afsluiten")


@pytest.mark.parametrize("naam", sorted(AFSLUITENDE_ACTIES))
def test_actiepagina_zegt_wat_er_gebeurt_en_vraagt_een_vinkje(client, behandelaar, categorie, naam):
    klacht = klacht_in_status(VANUIT[naam], door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    response = client.get(actie_url(klacht, naam))

    pagina = html.unescape(response.content.decode())
    uitleg = re.search(r'<p class="[^"]*afsluitend[^"]*"[^>]*>(.*?)</p>', pagina, re.S)
    assert "Dit sluit de klacht af" in uitleg[1]
    assert str(ACTIES[naam].bericht.label) in uitleg[1]
    assert re.search(r'<input type="checkbox" name="bevestigd"[^>]* id="id_bevestigd"', pagina)
    assert '<label for="id_bevestigd"' in pagina
    assert '<button type="submit" class="knop knop-gevaar">' in pagina


def test_een_gewone_actiepagina_heeft_geen_vinkje(client, behandelaar, categorie):
    klacht = klacht_in_status(Status.ONTVANGST_BEVESTIGD, door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    response = client.get(actie_url(klacht, "ontvankelijk_verklaren"))

    assert b'name="bevestigd"' not in response.content
    assert b"Dit sluit de klacht af" not in response.content


def _bericht(klacht) -> dict:
    return {"versie": klacht.versie, "onderwerp": "Onderwerp", "tekst": "Een tekst."}


@pytest.mark.parametrize("naam", sorted(AFSLUITENDE_ACTIES))
def test_zonder_vinkje_gebeurt_er_niets_en_zegt_het_formulier_waarom(
    client, mailoutbox, behandelaar, categorie, naam
):
    klacht = klacht_in_status(VANUIT[naam], door=behandelaar, categorie=categorie)
    voor = stand(klacht)
    client.force_login(behandelaar)

    response = client.post(actie_url(klacht, naam), _bericht(klacht))

    assert response.status_code == 200
    assert any("Vink aan" in fout for fout in formulierfouten(response))
    assert "bevestigd" in response.context["form"].errors
    assert stand(klacht) == voor
    assert mailoutbox == []


@pytest.mark.parametrize("naam", sorted(AFSLUITENDE_ACTIES))
def test_met_vinkje_sluit_de_actie_de_klacht_af(client, behandelaar, categorie, naam):
    klacht = klacht_in_status(VANUIT[naam], door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    response = client.post(actie_url(klacht, naam), {**_bericht(klacht), "bevestigd": "on"})

    assert response.status_code == 302, formulierfouten(response)
    assert meldingen(response, "success")
    klacht.refresh_from_db()
    assert klacht.status == Status.AFGESLOTEN
