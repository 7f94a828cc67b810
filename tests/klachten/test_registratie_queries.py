"""The complaint write path in a handful of statements (issue 20): one public-form POST and one
API registration, counted as PostgreSQL sees them (BEGIN and COMMIT included)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten import berichten
from klachten.models import Klacht
from tests.api import api_toegang
from tests.factories import MedewerkerFactory
from klachten import rollen

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wachtrij(monkeypatch):
    """The messages handed to the broker; in production that costs no statement (a test without
    a worker would otherwise deliver them inline, in the request)."""
    ids = []
    monkeypatch.setattr(berichten, "bericht_in_wachtrij", lambda *, bericht_id: ids.append(bericht_id))
    return ids


def test_meten_formulier(client, klacht_formulier_data, wachtrij):
    client.get(reverse("klachten:indienen"))
    with CaptureQueriesContext(connection) as q:
        r = client.post(reverse("klachten:indienen"), klacht_formulier_data)
    assert r.status_code == 302
    with open("/tmp/sp/formulier.txt", "w") as f:
        for i, x in enumerate(q.captured_queries):
            f.write(f"{i+1}: {x['sql'][:300]}\n")
    with CaptureQueriesContext(connection) as q:
        r = client.get(r.url)
    with open("/tmp/sp/ontvangen.txt", "w") as f:
        for i, x in enumerate(q.captured_queries):
            f.write(f"{i+1}: {x['sql'][:300]}\n")


def test_meten_api(client, label, categorie, wachtrij):
    koppeling = MedewerkerFactory(username="crm-koppeling", rollen=[rollen.SYSTEEMKOPPELING])
    payload = {
        "kanaal": "e-mail",
        "klant_naam": "Karel de Boer",
        "klant_email": "karel@example.nl",
        "categorie": categorie.code,
        "omschrijving": "Klacht binnengekomen via het CRM: terugbelverzoek niet opgevolgd.",
    }
    kop = api_toegang(client, koppeling)
    with CaptureQueriesContext(connection) as q:
        r = client.post("/api/v1/klachten/", payload, content_type="application/json", **kop)
    assert r.status_code == 201
    with open("/tmp/sp/api.txt", "w") as f:
        for i, x in enumerate(q.captured_queries):
            f.write(f"{i+1}: {x['sql'][:300]}\n")
