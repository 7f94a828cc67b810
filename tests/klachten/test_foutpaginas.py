"""Pages for every status (issue 19): 400, 403, 404, the CSRF failure and 500 inside the site's
layout, with what happened and a way back; staff get the staff header and menu, the public the
label's header; in the visitor's language; the API keeps answering JSON; the 500 page needs no
database (klachten.views.fouten)."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from klachten.views import fouten
from tests.api import api_sleutel_kop

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.foutpaginas_urls")]

PUBLIEKE_PADEN = {
    400: "/test-fout/verdacht/",
    403: "/test-fout/geweigerd/",
    404: "/klacht/status/bestaat-niet/",
}
MEDEWERKER_PADEN = {
    400: "/medewerker/test-fout/verdacht/",
    403: "/medewerker/privacy/",  # a behandelaar is no beheerder
    404: "/medewerker/klachten/KL-1999-000001/",
}
API_PADEN = {
    400: "/api/v1/test-fout/verdacht/",
    403: "/api/v1/test-fout/geweigerd/",
    404: "/api/v1/bestaat-niet/",
}


def _client(taal: str | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if taal:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = taal
    return client


def _html_taal(response) -> str:
    return re.search(r'<html lang="([a-z]+)">', response.content.decode()).group(1)


@pytest.mark.parametrize("status", [400, 403, 404])
@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_foutpagina_voor_het_publiek_heeft_de_kop_van_het_label_en_een_weg_terug(
    label, status, taal
):
    response = _client(taal).get(PUBLIEKE_PADEN[status])

    assert response.status_code == status
    html = response.content.decode()
    assert _html_taal(response) == taal
    assert 'class="kop kop-publiek"' in html
    assert f'<span class="merknaam">{label.naam}</span>' in html
    assert 'class="fout-terug"' in html
    assert 'href="/klacht/"' in html  # back to the public form
    assert "Werkvoorraad" not in html


def test_publieke_foutpaginas_in_het_frans_zeggen_wat_er_gebeurde(label):
    frans = _client("fr")

    assert "Vous n'avez pas accès à cette page" in frans.get(PUBLIEKE_PADEN[403]).content.decode()
    assert "Cette page n'existe pas" in frans.get(PUBLIEKE_PADEN[404]).content.decode()


@pytest.mark.parametrize("status", [400, 403, 404])
def test_foutpagina_voor_een_medewerker_heeft_de_kop_het_menu_en_de_weg_naar_de_werkvoorraad(
    behandelaar, status
):
    client = _client()
    client.force_login(behandelaar)

    response = client.get(MEDEWERKER_PADEN[status])

    assert response.status_code == status
    html = response.content.decode()
    assert 'class="kop kop-medewerker"' in html
    assert 'aria-label="Hoofdmenu"' in html
    assert "Uitloggen" in html
    assert 'class="fout-terug"' in html
    assert 'href="/medewerker/"' in html


def test_geen_toegang_zegt_de_medewerker_dat_het_aan_de_rol_ligt(behandelaar):
    client = _client()
    client.force_login(behandelaar)

    html = client.get(MEDEWERKER_PADEN[403]).content.decode()

    assert "U heeft geen toegang tot deze pagina" in html
    assert "Uw rol geeft geen toegang tot deze pagina." in html


def test_foutpagina_voor_een_medewerker_is_nooit_frans(behandelaar, label):
    """Also on a public address (a dead link): a staff page has no French (klachten.talen)."""
    client = _client("fr")
    client.force_login(behandelaar)

    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert _html_taal(response) == "nl"
    assert 'class="kop kop-medewerker"' in response.content.decode()


def test_foutpagina_voor_een_medewerker_in_het_engels(behandelaar):
    client = _client("en")
    client.force_login(behandelaar)

    response = client.get(MEDEWERKER_PADEN[404])

    assert _html_taal(response) == "en"
    assert "Work queue" in response.content.decode()


def test_foutpagina_biedt_de_vorige_pagina_van_de_eigen_site(label):
    client = _client()

    eigen = client.get(PUBLIEKE_PADEN[404], HTTP_REFERER="http://testserver/klachtenprocedure/")
    vreemd = client.get(PUBLIEKE_PADEN[404], HTTP_REFERER="https://elders.example/pagina/")

    assert 'href="http://testserver/klachtenprocedure/"' in eigen.content.decode()
    assert "elders.example" not in vreemd.content.decode()


@pytest.mark.parametrize("status", [400, 403, 404])
@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_api_fout_blijft_json(systeemkoppeling, status, taal):
    response = _client(taal).get(API_PADEN[status], **api_sleutel_kop(systeemkoppeling))

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_formulier_zonder_geldig_csrf_token_geeft_de_pagina_met_een_weg_terug(label, taal):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = taal

    response = client.post("/klacht/link-kwijt/", {"email": "iemand@example.nl"})

    assert response.status_code == 403
    html = response.content.decode()
    assert _html_taal(response) == taal
    assert 'class="kop kop-publiek"' in html
    assert 'class="fout-terug"' in html


def test_csrf_fout_van_een_medewerker_in_de_medewerkerkop(behandelaar):
    client = Client(enforce_csrf_checks=True)
    client.force_login(behandelaar)

    response = client.post("/medewerker/klachten/nieuw/", {})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Het formulier is verlopen" in html
    assert 'class="kop kop-medewerker"' in html


@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_serverfout_voor_het_publiek_in_de_taal_van_de_bezoeker(label, taal):
    response = _client(taal).get("/test-fout/kapot/")

    assert response.status_code == 500
    html = response.content.decode()
    assert _html_taal(response) == taal
    assert 'class="kop kop-publiek"' in html
    assert response.headers["X-Request-ID"] in html
    assert 'href="/klacht/"' in html


def test_serverfout_voor_een_medewerker_met_de_weg_naar_de_werkvoorraad(behandelaar):
    client = _client()
    client.force_login(behandelaar)

    response = client.get("/medewerker/test-fout/kapot/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html
    assert 'class="kop kop-medewerker"' in html
    assert 'href="/medewerker/"' in html


@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_serverfout_van_de_api_is_json_met_het_verzoek_id(systeemkoppeling, taal):
    response = _client(taal).get("/api/v1/test-fout/kapot/", **api_sleutel_kop(systeemkoppeling))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["verzoek_id"] == response.headers["X-Request-ID"]


def _geen_database(execute, sql, params, many, context):
    raise AssertionError(f"de 500-pagina deed een query: {sql}")


@pytest.mark.parametrize(
    ("pad", "kop", "taal"),
    [
        ("/klacht/", "kop-publiek", "fr"),
        ("/medewerker/klachten/KL-2026-000001/", "kop-medewerker", "nl"),  # never French
    ],
)
def test_serverfout_pagina_zonder_database(rf, pad, kop, taal):
    """Rendered while the database is what failed: not one query (no label, session or user)."""
    request = rf.get(pad, HTTP_ACCEPT_LANGUAGE="fr")
    request.user = None  # a lazy user would query; the page must not ask for it

    with connection.execute_wrapper(_geen_database):
        try:
            raise RuntimeError("de database is weg")
        except RuntimeError:
            response = fouten.serverfout(request)
        html = response.content.decode()

    assert response.status_code == 500
    assert f'class="kop {kop}"' in html
    assert f'<html lang="{taal}">' in html
