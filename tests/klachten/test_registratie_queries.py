"""The complaint write path in a handful of statements (issue 20): one public-form POST and one
API registration, counted as PostgreSQL gets them (BEGIN and COMMIT included: the request runs
outside a test transaction, as in production)."""

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from klachten import berichten, rollen
from klachten.models import Bericht, Klacht, Termijn
from klachten.termijnen import TermijnSoort
from klachten.workflow import Status
from tests.api import api_toegang
from tests.factories import MedewerkerFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Every POST, also a later one in the address's rate-limit window: django-ratelimit's add and incr
# are one statement on klachten.caches.TellerCache.
FORMULIER_MAX = 10
API_MAX = 9


@pytest.fixture
def wachtrij(monkeypatch):
    """The messages handed to the broker after commit. In production that is no statement; a
    test without a worker would deliver them inline, within the request."""
    ids = []
    monkeypatch.setattr(
        berichten, "bericht_in_wachtrij", lambda *, bericht_id: ids.append(bericht_id)
    )
    return ids


def _nieuw(data: dict) -> dict:
    return {
        **data,
        "klant_email": f"{uuid.uuid4().hex[:12]}@example.nl",
        "formulier_sleutel": str(uuid.uuid4()),
    }


def _transacties(queries) -> int:
    return sum(1 for q in queries if q["sql"] == "BEGIN")


def test_formulier_post_in_ten_hoogste_tien_statements(
    client, klacht_formulier_data, wachtrij, django_assert_max_num_queries
):
    # The first request of a process reads the configuration (klachten.configuratie).
    client.post(reverse("klachten:indienen"), _nieuw(klacht_formulier_data))

    with django_assert_max_num_queries(FORMULIER_MAX) as gedaan:
        response = client.post(reverse("klachten:indienen"), _nieuw(klacht_formulier_data))

    assert response.status_code == 302
    assert _transacties(gedaan.captured_queries) <= 2
    klacht = Klacht.objects.order_by("-pk").first()
    assert klacht.status == Status.ONTVANGST_BEVESTIGD
    bericht = Bericht.objects.get(pk=wachtrij[-1])
    assert bericht.klacht == klacht
    assert klacht.dossiernummer in berichten.tekst_van(bericht)
    # One history row: the complaint is written once, acknowledged.
    assert klacht.history.count() == 1
    # The confirmation page's complaint travels in a signed cookie, not in a session row.
    assert not Session.objects.exists()


def test_api_registratie_gepind(client, label, categorie, wachtrij, django_assert_max_num_queries):
    koppeling = MedewerkerFactory(
        username=f"crm-{uuid.uuid4().hex[:8]}", rollen=[rollen.SYSTEEMKOPPELING]
    )
    kop = api_toegang(client, koppeling)
    payload = {
        "kanaal": "e-mail",
        "klant_naam": "Karel de Boer",
        "klant_email": "karel@example.nl",
        "categorie": categorie.code,
        "omschrijving": "Klacht binnengekomen via het CRM: terugbelverzoek niet opgevolgd.",
    }
    client.post("/api/v1/klachten/", payload, content_type="application/json", **kop)

    with django_assert_max_num_queries(API_MAX) as gedaan:
        response = client.post("/api/v1/klachten/", payload, content_type="application/json", **kop)

    assert response.status_code == 201
    assert _transacties(gedaan.captured_queries) <= 2
    assert (
        Klacht.objects.get(dossiernummer=response.json()["dossiernummer"]).ingediend_door
        == koppeling
    )


def test_een_gewijzigde_termijn_geldt_meteen(client, klacht_formulier_data, wachtrij):
    client.post(reverse("klachten:indienen"), _nieuw(klacht_formulier_data))
    eerste = Klacht.objects.get()
    Termijn.objects.update_or_create(
        soort=TermijnSoort.ANTWOORD, defaults={"dagen": 99, "werkdagen": False}
    )

    client.post(reverse("klachten:indienen"), _nieuw(klacht_formulier_data))

    tweede = Klacht.objects.exclude(pk=eerste.pk).get()
    assert (tweede.antwoord_uiterlijk_datum - tweede.ontvangen_op.date()).days in (98, 99, 100)
    assert tweede.antwoord_uiterlijk_datum != eerste.antwoord_uiterlijk_datum


def test_bevestigingspagina_uit_het_getekende_cookie(client, klacht_formulier_data, wachtrij):
    response = client.post(reverse("klachten:indienen"), _nieuw(klacht_formulier_data))
    klacht = Klacht.objects.get()

    pagina = client.get(response.url)

    assert klacht.dossiernummer in pagina.content.decode()
    assert klacht.status_token not in response.url
    # A forged cookie shows no complaint.
    client.cookies["klacht_ingediend"] = str(klacht.pk)
    assert klacht.dossiernummer not in client.get(response.url).content.decode()
