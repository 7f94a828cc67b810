"""The REST API for other systems: token authentication, the same validation and permissions as
the pages, and a valid OpenAPI 3 schema (issue 2, acceptance 5, 6 and 7)."""

import datetime as dt

import pytest
from openapi_spec_validator import validate

from klachten import rollen
from klachten.kalender import AMSTERDAM
from klachten.models import OMSCHRIJVING_MAX, Bericht, Kanaal, Klacht
from klachten.workflow import Status
from tests.api import api_toegang
from tests.factories import KlachtFactory, LabelFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

LIJST = "/api/v1/klachten/"
NU = dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def koppeling(db):
    return MedewerkerFactory(username="crm-koppeling", rollen=[rollen.SYSTEEMKOPPELING])


@pytest.fixture
def payload(label, categorie):
    return {
        "kanaal": "e-mail",
        "klant_naam": "Karel de Boer",
        "klant_email": "karel@example.nl",
        "categorie": categorie.code,
        "omschrijving": "Klacht binnengekomen via het CRM: terugbelverzoek niet opgevolgd.",
        "ontvangen_op": "2026-06-12T09:30:00+02:00",
    }


def test_api_registreert_een_klacht(client, koppeling, payload, label, afdeling_a):
    response = client.post(
        LIJST, payload, content_type="application/json", **api_toegang(client, koppeling)
    )

    assert response.status_code == 201
    klacht = Klacht.objects.get()
    assert response.json()["dossiernummer"] == klacht.dossiernummer == "KL-2026-000001"
    assert klacht.kanaal == Kanaal.EMAIL
    assert klacht.label == label
    assert klacht.afdeling == afdeling_a  # the categorie's afdeling
    assert klacht.ingediend_door == koppeling
    assert klacht.status == Status.ONTVANGEN
    assert klacht.ontvangen_op == dt.datetime(2026, 6, 12, 9, 30, tzinfo=AMSTERDAM)
    assert klacht.ontvangstbevestiging_uiterlijk_datum == dt.date(2026, 6, 20)
    assert klacht.history.get().history_user == koppeling


def test_api_registreert_met_label_en_afdeling(client, koppeling, payload, label, afdeling_b):
    noord = LabelFactory(slug="noord")
    payload |= {"label": "noord", "afdeling": afdeling_b.code, "urgentie": "hoog"}

    response = client.post(
        LIJST, payload, content_type="application/json", **api_toegang(client, koppeling)
    )

    assert response.status_code == 201
    assert response.json()["label"] == "noord"
    assert response.json()["afdeling"] == afdeling_b.code
    klacht = Klacht.objects.get()
    assert (klacht.label, klacht.afdeling, klacht.urgentie) == (noord, afdeling_b, "hoog")


def test_api_registreert_een_direct_opgeloste_klacht(client, koppeling, payload):
    payload |= {"direct_opgelost": True, "oplossing": "Terugbelafspraak alsnog nagekomen."}

    response = client.post(
        LIJST, payload, content_type="application/json", **api_toegang(client, koppeling)
    )

    assert response.status_code == 201, response.json()
    klacht = Klacht.objects.get()
    assert klacht.status == Status.AFGESLOTEN
    assert klacht.afgesloten_op == NU
    assert klacht.oplossing == "Terugbelafspraak alsnog nagekomen."


def test_api_geeft_een_klacht_terug(client, koppeling, payload):
    kop = api_toegang(client, koppeling)
    nummer = client.post(LIJST, payload, content_type="application/json", **kop).json()[
        "dossiernummer"
    ]

    response = client.get(f"{LIJST}{nummer}/", **kop)

    assert response.status_code == 200
    data = response.json()
    assert data["dossiernummer"] == nummer
    assert data["klant_naam"] == "Karel de Boer"
    assert data["status"] == "ontvangen"
    assert data["status_omschrijving"] == "Ontvangen"
    assert data["ontvangstbevestiging_uiterlijk_datum"] == "2026-06-20"
    assert "status_token" not in data


def test_api_klachtbehandelaar_mag_registreren_en_lezen(client, behandelaar, payload):
    kop = api_toegang(client, behandelaar)

    aangemaakt = client.post(LIJST, payload, content_type="application/json", **kop)
    gelezen = client.get(f"{LIJST}{aangemaakt.json()['dossiernummer']}/", **kop)

    assert aangemaakt.status_code == 201
    assert gelezen.status_code == 200
    klacht = gelezen.json()
    # What is read back is what was registered, with the behandelaar's afdeling.
    assert klacht["dossiernummer"] == aangemaakt.json()["dossiernummer"] == "KL-2026-000001"
    assert {veld: klacht[veld] for veld in payload} == payload
    assert (klacht["status"], klacht["afdeling"]) == ("ontvangen", "declaraties")


def test_api_zonder_token_geeft_401(client, payload, label, categorie):
    klacht = KlachtFactory(categorie=categorie)

    post = client.post(LIJST, payload, content_type="application/json")
    get = client.get(f"{LIJST}{klacht.dossiernummer}/")

    assert post.status_code == 401
    assert get.status_code == 401
    assert Klacht.objects.count() == 1


def test_api_met_ongeldig_token_geeft_401(client, payload):
    response = client.post(
        LIJST, payload, content_type="application/json", HTTP_AUTHORIZATION="Token onzin"
    )

    assert response.status_code == 401
    assert not Klacht.objects.exists()


def test_api_gebruiker_zonder_rol_geeft_403(client, payload, afdeling_a, categorie):
    zonder_rol = MedewerkerFactory(afdelingen=[afdeling_a])
    klacht = KlachtFactory(categorie=categorie)
    kop = api_toegang(client, zonder_rol)

    post = client.post(LIJST, payload, content_type="application/json", **kop)
    get = client.get(f"{LIJST}{klacht.dossiernummer}/", **kop)

    assert post.status_code == 403
    assert get.status_code == 403
    assert Klacht.objects.count() == 1


def test_api_directie_mag_lezen_maar_niet_registreren(client, directie, payload, categorie):
    klacht = KlachtFactory(categorie=categorie)
    kop = api_toegang(client, directie)

    post = client.post(LIJST, payload, content_type="application/json", **kop)
    get = client.get(f"{LIJST}{klacht.dossiernummer}/", **kop)

    assert post.status_code == 403
    assert get.status_code == 200
    assert Klacht.objects.count() == 1


@pytest.mark.parametrize(
    ("wijziging", "veld"),
    [
        ({"klant_naam": ""}, "klant_naam"),
        ({"klant_naam": None}, "klant_naam"),
        ({"klant_email": ""}, "klant_email"),
        ({"klant_email": "geen-adres"}, "klant_email"),
        ({"categorie": "bestaat-niet"}, "categorie"),
        ({"categorie": None}, "categorie"),
        ({"kanaal": "postduif"}, "kanaal"),
        ({"omschrijving": ""}, "omschrijving"),
        ({"omschrijving": "x" * (OMSCHRIJVING_MAX + 1)}, "omschrijving"),
        ({"ontvangen_op": "2026-07-01T09:00:00+02:00"}, "ontvangen_op"),
        ({"ontvangen_op": "morgen"}, "ontvangen_op"),
        ({"label": "bestaat-niet"}, "label"),
        ({"afdeling": "bestaat-niet"}, "afdeling"),
        ({"urgentie": "kritiek"}, "urgentie"),
        ({"direct_opgelost": True, "oplossing": ""}, "oplossing"),
    ],
)
def test_api_ongeldige_invoer_geeft_400_met_veldfouten_en_slaat_niets_op(
    client, koppeling, payload, wijziging, veld
):
    payload |= wijziging

    response = client.post(
        LIJST, payload, content_type="application/json", **api_toegang(client, koppeling)
    )

    assert response.status_code == 400
    assert list(response.json()) == [veld]
    assert not Klacht.objects.exists()
    assert not Bericht.objects.exists()


def test_api_ontbrekende_velden_geven_elk_een_veldfout(client, koppeling, label):
    response = client.post(
        LIJST, {}, content_type="application/json", **api_toegang(client, koppeling)
    )

    assert response.status_code == 400
    assert {"kanaal", "klant_naam", "klant_email", "categorie", "omschrijving"} <= set(
        response.json()
    )
    assert not Klacht.objects.exists()


def test_api_onbekend_dossiernummer_geeft_404(client, koppeling):
    response = client.get(f"{LIJST}KL-2026-999999/", **api_toegang(client, koppeling))

    assert response.status_code == 404


def test_openapi_schema_is_geldig(client, db):
    response = client.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/klachten/" in schema["paths"]
    assert "/api/v1/klachten/{dossiernummer}/" in schema["paths"]
    sleutel = schema["components"]["securitySchemes"]["apiSleutel"]
    assert (sleutel["type"], sleutel["in"], sleutel["name"]) == (
        "apiKey",
        "header",
        "Authorization",
    )
    assert "Api-Key <sleutel>" in sleutel["description"]
    assert "tokenAuth" not in schema["components"]["securitySchemes"]


def test_api_documentatie_is_bereikbaar(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    # Swagger UI's start script is a file of its own, not inline: the CSP allows no inline script.
    html = response.content.decode()
    assert "<script>" not in html
    assert 'src="/api/docs/?script="' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


@pytest.mark.parametrize(
    ("methode", "pad", "toegestaan"),
    [
        ("put", "{dossier}", {"GET", "HEAD", "OPTIONS"}),
        ("patch", "{dossier}", {"GET", "HEAD", "OPTIONS"}),
        ("delete", "{dossier}", {"GET", "HEAD", "OPTIONS"}),
        ("put", LIJST, {"GET", "POST", "HEAD", "OPTIONS"}),
        ("delete", LIJST, {"GET", "POST", "HEAD", "OPTIONS"}),
        ("get", "{dossier}klantberichten/", {"POST", "OPTIONS"}),
        ("delete", "/api/v1/contactmomenten/", {"POST", "OPTIONS"}),
        ("get", "/api/v1/contactmomenten/", {"POST", "OPTIONS"}),
    ],
)
@pytest.mark.parametrize("wie", ["koppeling", "directie"])
def test_een_methode_die_een_adres_niet_heeft_geeft_405_met_allow(
    client, wie, request, methode, pad, toegestaan, categorie
):
    """Not 403 (which said "not for you" where the operation does not exist), whoever asks."""
    gebruiker = request.getfixturevalue(wie)
    klacht = KlachtFactory(categorie=categorie, ingediend_door=request.getfixturevalue("koppeling"))
    url = pad.format(dossier=f"{LIJST}{klacht.dossiernummer}/")

    response = getattr(client, methode)(url, **api_toegang(client, gebruiker))

    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == toegestaan
    assert Klacht.objects.filter(pk=klacht.pk).exists()
