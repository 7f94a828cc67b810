"""What the handler is told before a message goes out (issue 18): the verdict is chosen, never
preselected; a new answer date after the 8-week limit asks for a confirmation; a message to an
address that bounced is flagged on its form."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten.models import Bericht, BerichtStatus, Klacht, Termijnwijziging
from klachten.workflow import BerichtSoort, Oordeel, Status
from tests.conftest import actie_url, formulierfouten
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_onderzoek(behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=behandelaar)
    return Klacht.objects.get(pk=klacht.pk)


def _bericht(klacht: Klacht, **data) -> dict:
    return {
        "versie": klacht.versie,
        "onderwerp": "Onderwerp",
        "tekst": "Een tekst van de behandelaar.",
        **data,
    }


@pytest.mark.parametrize("naam", ["antwoord_sturen", "heroverweging_beantwoorden"])
def test_het_oordeel_staat_niet_voorgekozen_en_is_verplicht(
    client, behandelaar, teamleider, categorie, naam
):
    status = Status.IN_ONDERZOEK if naam == "antwoord_sturen" else Status.IN_HEROVERWEGING
    klacht = klacht_in_status(status, door=behandelaar, categorie=categorie)
    # The reconsideration is answered by another handler than the first (the second line).
    door = behandelaar if naam == "antwoord_sturen" else teamleider
    client.force_login(door)

    formulier = client.get(actie_url(klacht, naam))

    assert formulier.status_code == 200
    veld = formulier.context["form"]["oordeel"]
    assert veld.value() in (None, "")
    assert 'value="" selected' in str(veld)
    berichten_voor = Bericht.objects.filter(klacht=klacht).count()

    antwoord = client.post(actie_url(klacht, naam), _bericht(klacht))

    assert antwoord.status_code == 200
    assert "Kies het oordeel." in formulierfouten(antwoord)
    assert Bericht.objects.filter(klacht=klacht).count() == berichten_voor
    assert Klacht.objects.get(pk=klacht.pk).status == status


def test_een_datum_na_de_8_wekengrens_vraagt_eerst_een_bevestiging(
    client, behandelaar, in_onderzoek
):
    klacht = in_onderzoek
    grens = klacht.kifid_alarm_datum
    client.force_login(behandelaar)
    gegevens = _bericht(
        klacht, nieuwe_datum=(grens + dt.timedelta(days=1)).isoformat(), reden="Wacht op advies."
    )

    eerst = client.post(actie_url(klacht, "verlengen"), gegevens)

    assert eerst.status_code == 200
    fouten = " ".join(formulierfouten(eerst))
    assert "grens van 8 weken" in fouten
    assert grens.strftime("%d-%m-%Y") in fouten
    # The confirmation box appears with the warning; nothing changed yet.
    assert 'type="checkbox" name="ondanks_waarschuwing"' in eerst.content.decode()
    assert not Termijnwijziging.objects.filter(klacht=klacht).exists()
    assert (
        Klacht.objects.get(pk=klacht.pk).antwoord_uiterlijk_datum == klacht.antwoord_uiterlijk_datum
    )

    daarna = client.post(actie_url(klacht, "verlengen"), {**gegevens, "ondanks_waarschuwing": "on"})

    assert daarna.status_code == 302, formulierfouten(daarna)
    assert Klacht.objects.get(pk=klacht.pk).antwoord_uiterlijk_datum == grens + dt.timedelta(days=1)
    assert Termijnwijziging.objects.get(klacht=klacht).nieuwe_datum == grens + dt.timedelta(days=1)


def test_een_datum_binnen_de_grens_gaat_zonder_vraag(client, behandelaar, in_onderzoek):
    klacht = in_onderzoek
    nieuw = klacht.kifid_alarm_datum
    client.force_login(behandelaar)

    formulier = client.get(actie_url(klacht, "opschorten"))
    antwoord = client.post(
        actie_url(klacht, "opschorten"),
        _bericht(klacht, nieuwe_datum=nieuw.isoformat(), reden="Wacht op de klant."),
    )

    assert 'type="checkbox" name="ondanks_waarschuwing"' not in formulier.content.decode()
    assert antwoord.status_code == 302, formulierfouten(antwoord)
    assert Klacht.objects.get(pk=klacht.pk).antwoord_uiterlijk_datum == nieuw


def test_een_bericht_aan_een_onbestelbaar_adres_krijgt_een_waarschuwing(
    client, behandelaar, in_onderzoek
):
    klacht = in_onderzoek
    client.force_login(behandelaar)
    zonder = client.get(actie_url(klacht, "statusupdate_sturen")).content.decode()
    Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING).update(
        status=BerichtStatus.ONBESTELBAAR
    )

    met = client.get(actie_url(klacht, "statusupdate_sturen")).content.decode()
    notitie = client.get(actie_url(klacht, "notitie_toevoegen")).content.decode()

    assert "kwam niet aan op" not in zonder
    assert f"kwam niet aan op {klacht.klant_email}" in met
    assert "kwam niet aan op" not in notitie  # no message to the customer: nothing to warn about
    assert client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).status_code == 200


def test_het_gekozen_oordeel_gaat_mee(client, behandelaar, in_onderzoek):
    klacht = in_onderzoek
    client.force_login(behandelaar)

    antwoord = client.post(
        actie_url(klacht, "antwoord_sturen"), _bericht(klacht, oordeel=Oordeel.DEELS_GEGROND)
    )

    assert antwoord.status_code == 302, formulierfouten(antwoord)
    klacht.refresh_from_db()
    assert (klacht.status, klacht.oordeel) == (Status.BEANTWOORD, Oordeel.DEELS_GEGROND)
