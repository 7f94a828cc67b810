"""The handler records the root cause with the answer (for the half-yearly analysis and the AFM's
survey); the lists of causes and product groups are data."""

import pytest

from klachten.models import Klacht, Oorzaak, Productgroep
from klachten.workflow import Oordeel, Status
from tests.conftest import actie_url, formuliergegevens, geldige_gegevens
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db


def test_standaardlijsten_staan_er_na_migratie():
    assert Oorzaak.objects.filter(code="verwerking", actief=True).exists()
    assert set(Productgroep.objects.values_list("code", flat=True)) >= {"zorg", "schade", "leven"}


def test_oorzaak_wordt_met_het_antwoord_vastgelegd(behandelaar_client, behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    oorzaak = Oorzaak.objects.get(code="doorlooptijd")
    gegevens = {**geldige_gegevens("antwoord_sturen", klacht, behandelaar), "oorzaak": oorzaak}
    gegevens["versie"] = klacht.versie

    response = behandelaar_client.post(
        actie_url(klacht, "antwoord_sturen"), formuliergegevens(gegevens)
    )

    assert response.status_code == 302
    klacht = Klacht.objects.get(pk=klacht.pk)
    assert (klacht.oorzaak, klacht.oordeel) == (oorzaak, Oordeel.GEGROND)
    dossier = behandelaar_client.get(response.url).content.decode()
    assert "Te lange doorlooptijd" in dossier


def test_oorzaak_mag_nog_open_blijven(behandelaar_client, behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    gegevens = {**geldige_gegevens("antwoord_sturen", klacht, behandelaar), "versie": klacht.versie}

    behandelaar_client.post(actie_url(klacht, "antwoord_sturen"), formuliergegevens(gegevens))

    klacht = Klacht.objects.get(pk=klacht.pk)
    assert klacht.status == Status.BEANTWOORD
    assert klacht.oorzaak is None
