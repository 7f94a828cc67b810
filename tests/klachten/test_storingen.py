"""PostgreSQL unreachable: a 503 that says what happened, never a 500; the one-time form key; no
half-written complaint (issue 15, "What must hold" 2; DESIGN.md section 13). The fault itself,
a real PostgreSQL stopped under a real gunicorn, is tests/storingen/test_postgres.py; here the
database error is raised where it would surface, to check each page and answer in detail."""

import threading
import uuid

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError, connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from klachten import selectors, services, storingen
from klachten.models import Bericht, Gebeurtenis, Kanaal, Klacht
from klachten.workflow import BerichtSoort
from tests.api import api_sleutel_kop
from tests.processen import wacht_tot

pytestmark = pytest.mark.django_db

ONBEREIKBAAR = OperationalError(
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
)


def _database_weg(*args, **kwargs):
    raise ONBEREIKBAAR


def _formulier_sleutel(client, pad="/klacht/") -> str:
    return str(client.get(pad).context["form"]["formulier_sleutel"].value())


def test_klachtformulier_bij_onbereikbare_database_geeft_503_nog_niet_ontvangen(
    client, klacht_formulier_data, monkeypatch
):
    monkeypatch.setattr(services, "klacht_registreren", _database_weg)

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Uw klacht is nog niet ontvangen" in html
    assert "Bijlagen moet u opnieuw kiezen" in html
    assert "staat nog in het formulier" in html
    assert 'href="/klacht/"' in html  # the way back to the form
    assert "Traceback" not in html
    assert "Connection refused" not in html
    assert "formulier_bewaren.js" in html
    assert not Klacht.objects.exists()


def test_storingspagina_in_de_taal_van_de_klant(client, klacht_formulier_data, monkeypatch):
    monkeypatch.setattr(services, "klacht_registreren", _database_weg)

    for taal in ("nl", "en", "fr"):
        response = client.post(
            reverse("klachten:indienen"), klacht_formulier_data, HTTP_ACCEPT_LANGUAGE=taal
        )
        assert response.status_code == 503
        assert response["Content-Language"] == taal
        assert f'<html lang="{taal}">' in response.content.decode()


def test_pagina_opvragen_bij_onbereikbare_database_geeft_503_zonder_500(client, monkeypatch):
    monkeypatch.setattr(selectors, "label_voor_verzoek", _database_weg)

    response = client.get(reverse("klachten:indienen"))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Deze pagina is even niet beschikbaar" in response.content.decode()


def test_api_bij_onbereikbare_database_geeft_503_met_json(client, systeemkoppeling, monkeypatch):
    kop = api_sleutel_kop(systeemkoppeling)
    monkeypatch.setattr(selectors, "klachten_voor", _database_weg)

    response = client.get("/api/v1/klachten/", **kop)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "De database is tijdelijk onbereikbaar. Probeer het over een minuut opnieuw.",
        "code": "database_onbereikbaar",
    }


def test_medewerkerpagina_bij_onbereikbare_database_geeft_eenvoudige_503(
    behandelaar_client, monkeypatch
):
    monkeypatch.setattr(selectors, "werkvoorraad", _database_weg)

    response = behandelaar_client.get(reverse("klachten:werkvoorraad"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 503
    html = response.content.decode()
    assert "De database is tijdelijk onbereikbaar" in html
    assert '<html lang="nl">' in html  # staff pages are never French (klachten.talen)
    assert "Werkvoorraad" not in html  # no menu: it would need the user from the database


def test_storingspagina_doet_geen_enkele_query(rf: RequestFactory, django_assert_num_queries):
    """Rendered while PostgreSQL is gone: no label, session, user or messages from the database."""
    request = rf.post("/klacht/", HTTP_ACCEPT_LANGUAGE="en")
    request.session = SessionStore(session_key="een-sessie-die-uit-de-database-zou-komen")
    request.user = None  # a lazy user would query; the page must not ask for it

    with django_assert_num_queries(0):
        response = storingen.storing_antwoord(request, storingen.DATABASE_ONBEREIKBAAR)
        html = response.content.decode()

    assert response.status_code == 503
    assert '<html lang="en">' in html
    assert not request.session.accessed


@pytest.mark.parametrize("fout", [InterfaceError("connection already closed"), ONBEREIKBAAR])
def test_storing_buiten_de_view_via_handler500_is_ook_503(rf, fout):
    request = rf.get("/klacht/")
    try:
        raise fout
    except type(fout):
        response = storingen.server_fout(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"


def test_andere_fout_blijft_de_gewone_500(rf):
    try:
        raise RuntimeError("een programmeerfout")
    except RuntimeError:
        response = storingen.server_fout(rf.get("/klacht/"))

    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


def test_opgeslagen_klacht_waarvan_de_sessie_niet_bewaard_kon_worden_toont_het_dossiernummer(
    client, klacht_formulier_data, monkeypatch
):
    """The database went away between the complaint's COMMIT and the session's save (the 17 of
    1,800 who got an error page after their complaint was stored). The form's POST writes no
    session any more (issue 20: the confirmation travels in a signed cookie): with the sessions
    failing, the customer still gets the confirmation with the dossiernummer."""
    client.raise_request_exception = False
    sleutel = _formulier_sleutel(client)
    monkeypatch.setattr(SessionStore, "save", _database_weg)

    response = client.post(
        reverse("klachten:indienen"), {**klacht_formulier_data, "formulier_sleutel": sleutel}
    )

    klacht = Klacht.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("klachten:ontvangen")
    bevestiging = client.get(response.url).content.decode()
    assert klacht.dossiernummer in bevestiging
    assert "data-formulier-wissen" in bevestiging


# The one-time form key ----------------------------------------------------------------------------


def test_formulier_heeft_een_nieuwe_eenmalige_sleutel(client, label):
    eerste = _formulier_sleutel(client)
    tweede = _formulier_sleutel(client)

    assert uuid.UUID(eerste) != uuid.UUID(tweede)
    html = client.get("/klacht/").content.decode()
    assert f'type="hidden" name="formulier_sleutel" value="{eerste}"' not in html


def test_zelfde_formulier_opnieuw_verstuurd_geeft_een_klacht_en_haar_dossiernummer(
    client, klacht_formulier_data
):
    """A customer who got an error page after their complaint was stored sends the form again
    (from another session even): one complaint, and the answer shows its dossiernummer."""
    sleutel = _formulier_sleutel(client)
    data = {**klacht_formulier_data, "formulier_sleutel": sleutel}
    client.post(reverse("klachten:indienen"), data)
    klacht = Klacht.objects.get()

    ander = Client()
    response = ander.post(reverse("klachten:indienen"), data, follow=True)

    assert Klacht.objects.count() == 1
    assert Bericht.objects.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).count() == 1
    assert response.status_code == 200
    assert klacht.dossiernummer in response.content.decode()
    assert Klacht.objects.get().formulier_sleutel == uuid.UUID(sleutel)


def test_dubbel_formulier_laat_geen_gat_in_de_nummering(categorie, label):
    sleutel = uuid.uuid4()
    gegevens = {
        "label": label,
        "kanaal": Kanaal.WEBFORMULIER,
        "klant_naam": "Anna de Vries",
        "klant_email": "anna@example.nl",
        "categorie": categorie,
        "omschrijving": "Te laat betaald.",
    }
    eerste = services.klacht_registreren(**gegevens, formulier_sleutel=sleutel)
    nogmaals = services.klacht_registreren(**gegevens, formulier_sleutel=sleutel)
    volgende = services.klacht_registreren(**gegevens, formulier_sleutel=uuid.uuid4())

    assert nogmaals.pk == eerste.pk
    assert [eerste.dossiernummer[-6:], volgende.dossiernummer[-6:]] == ["000001", "000002"]


@pytest.mark.django_db(transaction=True)
def test_twee_keer_hetzelfde_formulier_tegelijk_geeft_een_klacht(categorie, label):
    """Two requests with the same key at the same moment: the second waits on the first's
    transaction and then meets the unique constraint (no SELECT beforehand decides)."""
    sleutel = uuid.uuid4()
    gegevens = {
        "label": label,
        "kanaal": Kanaal.WEBFORMULIER,
        "klant_naam": "Anna de Vries",
        "klant_email": "anna@example.nl",
        "categorie": categorie,
        "omschrijving": "Te laat betaald.",
        "formulier_sleutel": sleutel,
    }
    tweede: list = []

    def tegelijk():
        try:
            tweede.append(services.klacht_registreren(**gegevens))
        finally:
            connection.close()

    with transaction.atomic():
        eerste = services.klacht_registreren(**gegevens)
        draad = threading.Thread(target=tegelijk)
        draad.start()
        # The second one is inside its transaction, waiting for this one's locks.
        assert wacht_tot(lambda: _wachtende_sessies() >= 1, seconden=10), (
            "de tweede registratie wacht niet"
        )
    draad.join(10)

    assert len(tweede) == 1
    assert tweede[0].pk == eerste.pk
    assert Klacht.objects.count() == 1
    assert Gebeurtenis.objects.filter(soort="ontvangen").count() == 1
    assert Bericht.objects.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).count() == 1


def _wachtende_sessies() -> int:
    from django.db import connections

    # A connection of its own: the test's own is inside the transaction being waited for.
    eigen = connections.create_connection("default")
    try:
        with eigen.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0]
    finally:
        eigen.close()
