"""Contact moments from other systems through the API (DESIGN.md section 6): token
authentication, the permission add_contactmoment (role systeemkoppeling), a 400 per bad field,
and the invitation planned or skipped with its reason in the response."""

import datetime as dt

import pytest
from openapi_spec_validator import validate

from klachten.kalender import AMSTERDAM
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    RedenOvergeslagen,
    UitnodigingStatus,
)
from tests.api import api_sleutel_kop, api_toegang
from tests.factories import LabelFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/contactmomenten/"
NU = dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM)  # a Monday


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def kop(systeemkoppeling):
    return api_sleutel_kop(systeemkoppeling)


@pytest.fixture
def payload(label, afdeling_a, behandelaar):
    return {
        "soort": "vraag_klantenservice",
        "moment": "2026-06-15T10:30:00+02:00",
        "klant_email": "Karel@Example.nl",
        "klant_naam": "Karel de Boer",
        "klantnummer": "K-1001",
        "afdeling": afdeling_a.code,
        "behandelaar": behandelaar.username,
    }


def post(client, data, kop):
    return client.post(URL, data, content_type="application/json", **kop)


def test_api_registreert_contactmoment_en_plant_uitnodiging_de_volgende_ochtend(
    client, kop, payload, label, afdeling_a, behandelaar
):
    response = post(client, payload, kop)

    assert response.status_code == 201, response.json()
    moment = Contactmoment.objects.get()
    assert response.json() == {
        "id": moment.pk,
        "soort": "vraag_klantenservice",
        "moment": "2026-06-15T10:30:00+02:00",
        "label": label.slug,
        "uitnodiging": {
            "status": "gepland",
            "verzenden_op": "2026-06-16T09:00:00+02:00",
            "reden_overgeslagen": None,
        },
    }
    assert moment.bron == Bron.API
    assert moment.groep == Enquetegroep.CONTACTMOMENT
    assert (moment.label, moment.afdeling, moment.behandelaar) == (label, afdeling_a, behandelaar)
    assert moment.klant_email == "Karel@Example.nl"
    assert moment.email_genormaliseerd == "karel@example.nl"
    assert moment.klantnummer == "K-1001"
    assert moment.taal == "nl"
    assert moment.uitnodiging.status == UitnodigingStatus.GEPLAND
    assert moment.uitnodiging.verzenden_op == dt.datetime(2026, 6, 16, 9, 0, tzinfo=AMSTERDAM)


def test_api_alleen_verplichte_velden(client, kop, label):
    response = post(client, {"soort": "opzegging", "moment": "2026-06-14T16:00:00Z"}, kop)

    assert response.status_code == 201, response.json()
    moment = Contactmoment.objects.get()
    assert moment.moment == dt.datetime(2026, 6, 14, 18, 0, tzinfo=AMSTERDAM)
    assert (moment.label, moment.afdeling, moment.behandelaar) == (label, None, None)


def test_api_moment_zonder_tijdzone_is_amsterdamse_tijd(client, kop, payload):
    payload["moment"] = "2026-06-15T10:30:00"

    response = post(client, payload, kop)

    assert response.status_code == 201, response.json()
    assert Contactmoment.objects.get().moment == dt.datetime(2026, 6, 15, 10, 30, tzinfo=AMSTERDAM)


def test_api_met_label_en_taal(client, kop, payload, label):
    noord = LabelFactory(slug="noord")

    response = post(client, payload | {"label": "noord", "taal": "en"}, kop)

    assert response.status_code == 201, response.json()
    assert response.json()["label"] == "noord"
    moment = Contactmoment.objects.get()
    assert (moment.label, moment.taal) == (noord, "en")


def test_api_zonder_email_slaat_uitnodiging_over_met_reden_geen_email(client, kop, payload):
    del payload["klant_email"]

    response = post(client, payload, kop)

    assert response.status_code == 201, response.json()
    assert response.json()["uitnodiging"] == {
        "status": "overgeslagen",
        "verzenden_op": None,
        "reden_overgeslagen": "geen_email",
    }
    uitnodiging = Contactmoment.objects.get().uitnodiging
    assert uitnodiging.reden_overgeslagen == RedenOvergeslagen.GEEN_EMAIL


def test_api_tweede_contact_van_dezelfde_klant_binnen_4_weken_wordt_niet_uitgenodigd(
    client, kop, payload
):
    eerste = post(client, payload, kop)
    tweede = post(
        client,
        payload
        | {
            "soort": "schade_gemeld",
            "moment": "2026-06-15T11:45:00+02:00",
            "klant_email": " karel@example.NL ",
        },
        kop,
    )
    zelfde_klantnummer = post(
        client, payload | {"klant_email": "ander@example.nl", "klantnummer": "K-1001"}, kop
    )

    assert eerste.json()["uitnodiging"]["status"] == "gepland"
    for response in (tweede, zelfde_klantnummer):
        assert response.status_code == 201
        assert response.json()["uitnodiging"] == {
            "status": "overgeslagen",
            "verzenden_op": None,
            "reden_overgeslagen": "recent_uitgenodigd",
        }
    assert Contactmoment.objects.count() == 3


def test_api_contactmoment_in_de_toekomst_binnen_5_minuten_mag(client, kop, payload):
    # The other system's clock may run a little ahead of ours.
    response = post(client, payload | {"moment": "2026-06-15T12:04:00+02:00"}, kop)

    assert response.status_code == 201, response.json()
    # Recorded at the moment the other system gave, four minutes ahead of our clock.
    moment = Contactmoment.objects.get()
    assert moment.moment == dt.datetime(2026, 6, 15, 10, 4, tzinfo=dt.UTC)
    assert response.json()["moment"] == "2026-06-15T12:04:00+02:00"
    assert response.json()["uitnodiging"]["status"] == "gepland"


@pytest.mark.parametrize(
    ("wijziging", "veld"),
    [
        ({"soort": "jaaronderzoek"}, "soort"),
        ({"soort": "postduif"}, "soort"),
        ({"soort": None}, "soort"),
        ({"moment": "morgen"}, "moment"),
        ({"moment": "15-06-2026 10:30"}, "moment"),
        ({"moment": "2026-06-15T12:10:00+02:00"}, "moment"),
        ({"moment": None}, "moment"),
        ({"klant_email": "geen-adres"}, "klant_email"),
        ({"klant_naam": "x" * 201}, "klant_naam"),
        ({"klantnummer": "x" * 51}, "klantnummer"),
        ({"afdeling": "bestaat-niet"}, "afdeling"),
        ({"afdeling": ["declaraties"]}, "afdeling"),
        ({"behandelaar": "onbekend"}, "behandelaar"),
        ({"label": "bestaat-niet"}, "label"),
        ({"taal": "de"}, "taal"),  # no German message templates
    ],
)
def test_api_ongeldige_invoer_geeft_400_met_veldfout_en_slaat_niets_op(
    client, kop, payload, wijziging, veld
):
    response = post(client, payload | wijziging, kop)

    assert response.status_code == 400
    assert list(response.json()) == [veld]
    assert response.json()[veld][0]
    assert not Contactmoment.objects.exists()


def test_api_meldt_onbekende_afdeling_bij_naam(client, kop, payload):
    response = post(client, payload | {"afdeling": "bestaat-niet"}, kop)

    assert response.json() == {"afdeling": ["Onbekende afdeling: bestaat-niet."]}


def test_api_inactieve_behandelaar_wordt_geweigerd(client, kop, payload, behandelaar):
    behandelaar.is_active = False
    behandelaar.save(update_fields=["is_active"])

    response = post(client, payload, kop)

    assert response.status_code == 400
    assert response.json() == {"behandelaar": ["Onbekende of inactieve medewerker: behandelaar."]}


def test_api_ontbrekende_velden_geven_elk_een_veldfout(client, kop, label):
    response = post(client, {}, kop)

    assert response.status_code == 400
    assert set(response.json()) == {"soort", "moment"}


def test_api_zonder_token_geeft_401(client, payload):
    response = client.post(URL, payload, content_type="application/json")

    assert response.status_code == 401
    assert not Contactmoment.objects.exists()


def test_api_met_ongeldig_token_geeft_401(client, payload):
    response = post(client, payload, {"HTTP_AUTHORIZATION": "Token onzin"})

    assert response.status_code == 401
    assert not Contactmoment.objects.exists()


@pytest.mark.parametrize("gebruiker", ["behandelaar", "directie", "zonder_rol"])
def test_api_zonder_recht_add_contactmoment_geeft_403(request, client, payload, gebruiker):
    if gebruiker == "zonder_rol":
        medewerker = MedewerkerFactory(username="zonder-rol")
    else:
        medewerker = request.getfixturevalue(gebruiker)

    response = post(client, payload, api_toegang(client, medewerker))

    assert response.status_code == 403
    assert not Contactmoment.objects.exists()


def test_api_get_is_niet_toegestaan(client, kop):
    response = client.get(URL, **kop)

    assert response.status_code == 405


def test_openapi_schema_beschrijft_contactmomenten(client):
    response = client.get("/api/schema/?format=json")

    schema = response.json()
    validate(schema)
    operatie = schema["paths"]["/api/v1/contactmomenten/"]["post"]
    assert set(operatie["responses"]) == {"201", "400"}
    invoer = schema["components"]["schemas"]["ContactmomentInvoerRequest"]
    assert set(invoer["required"]) == {"soort", "moment"}
    soorten = schema["components"]["schemas"][
        invoer["properties"]["soort"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    ]["enum"]
    assert set(soorten) == set(ContactmomentSoort.values) - {"jaaronderzoek"}
