"""The API's workflow actions for other systems: read the timeline, add a customer message; with
the same rules as the pages (issue 3)."""

import pytest

from klachten import rollen, services
from klachten.models import Bericht, Gebeurtenis, GebeurtenisSoort
from klachten.workflow import BerichtSoort
from tests.api import api_toegang
from tests.factories import KlachtFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def koppeling(afdeling_a):
    return MedewerkerFactory(rollen=[rollen.SYSTEEMKOPPELING], afdelingen=[afdeling_a])


def test_api_leest_de_tijdlijn_nieuwste_eerst(client, koppeling, behandelaar, categorie):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)

    response = client.get(
        f"/api/v1/klachten/{klacht.dossiernummer}/tijdlijn/", **api_toegang(client, koppeling)
    )

    assert response.status_code == 200
    soorten = [item["soort"] for item in response.json()]
    assert soorten[-1] == GebeurtenisSoort.ONTVANGEN
    assert GebeurtenisSoort.BERICHT in soorten
    assert GebeurtenisSoort.STATUS in soorten


def test_api_voegt_een_klantbericht_toe_en_meldt_het_de_behandelaar(
    client, koppeling, behandelaar, categorie, afdeling_a
):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    services.toewijzen(
        klacht=klacht, door=behandelaar, afdeling=afdeling_a, behandelaar=behandelaar
    )

    response = client.post(
        f"/api/v1/klachten/{klacht.dossiernummer}/klantberichten/",
        {"tekst": "De klant mailde de factuur na."},
        content_type="application/json",
        **api_toegang(client, koppeling),
    )

    assert response.status_code == 201
    assert response.json()["tekst"] == "De klant mailde de factuur na."
    gebeurtenis = Gebeurtenis.objects.get(klacht=klacht, soort=GebeurtenisSoort.KLANTBERICHT)
    assert gebeurtenis.door == koppeling
    melding = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.MELDING_BEHANDELAAR)
    assert melding.aan == behandelaar.email


def test_api_klantbericht_op_een_afgesloten_klacht_wordt_geweigerd(
    client, koppeling, behandelaar, categorie
):
    klacht = KlachtFactory(
        categorie=categorie,
        ingediend_door=behandelaar,
        direct_opgelost=True,
        oplossing="Uitgelegd.",
    )

    response = client.post(
        f"/api/v1/klachten/{klacht.dossiernummer}/klantberichten/",
        {"tekst": "Nog een vraag."},
        content_type="application/json",
        **api_toegang(client, koppeling),
    )

    assert response.status_code == 403
    assert "niet mogelijk" in response.json()["detail"]
    assert not Gebeurtenis.objects.filter(soort=GebeurtenisSoort.KLANTBERICHT).exists()


def test_api_klantbericht_zonder_tekst_geeft_een_veldfout(
    client, koppeling, behandelaar, categorie
):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)

    response = client.post(
        f"/api/v1/klachten/{klacht.dossiernummer}/klantberichten/",
        {"tekst": ""},
        content_type="application/json",
        **api_toegang(client, koppeling),
    )

    assert response.status_code == 400
    assert "tekst" in response.json()


def test_api_workflow_van_een_andere_afdeling_is_onvindbaar(
    client, behandelaar, categorie_b, afdeling_b
):
    andere = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_b])
    klacht = KlachtFactory(categorie=categorie_b, ingediend_door=andere)
    token = api_toegang(client, behandelaar)
    basis = f"/api/v1/klachten/{klacht.dossiernummer}"

    assert client.get(f"{basis}/tijdlijn/", **token).status_code == 404
    response = client.post(
        f"{basis}/klantberichten/", {"tekst": "x"}, content_type="application/json", **token
    )
    assert response.status_code == 404
    assert not Gebeurtenis.objects.filter(soort=GebeurtenisSoort.KLANTBERICHT).exists()


def test_api_zonder_token_weigert_de_tijdlijn(client, behandelaar, categorie):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)

    response = client.get(f"/api/v1/klachten/{klacht.dossiernummer}/tijdlijn/")

    assert response.status_code == 401
