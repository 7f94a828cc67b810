"""The survey score on the complaint's dossier (issue 19): klanttevredenheid offers a panel through
klachten.dossierpanelen (klachten imports no other app); only for those who may see the result."""

import pytest
from django.urls import reverse

from klachten import dossierpanelen
from klachten.workflow import Status
from tests.factories import klacht_in_status, respons

pytestmark = pytest.mark.django_db


@pytest.fixture
def klacht(behandelaar, categorie):
    return klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)


@pytest.fixture
def beantwoord(klacht, behandelaar, afdeling_a):
    return respons(
        klacht=klacht,
        behandelaar=behandelaar,
        afdeling=afdeling_a,
        rapportcijfer=4,
        nps_score=2,
        toelichting="Het duurde <b>veel</b> te lang.",
    )


def dossier(client, gebruiker, klacht) -> str:
    client.force_login(gebruiker)
    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    assert response.status_code == 200
    return response.content.decode()


def test_behandelaar_ziet_cijfer_nps_en_toelichting_op_het_dossier(
    client, klacht, behandelaar, beantwoord
):
    html = dossier(client, behandelaar, klacht)

    assert 'id="kop-klanttevredenheid"' in html
    assert "<dt>Rapportcijfer</dt><dd>4</dd>" in html
    assert "<dd>2</dd>" in html
    assert "Het duurde &lt;b&gt;veel&lt;/b&gt; te lang." in html


def test_teamleider_van_de_afdeling_ziet_het_ook(client, klacht, teamleider, beantwoord):
    assert "<dt>Rapportcijfer</dt><dd>4</dd>" in dossier(client, teamleider, klacht)


def test_collega_die_het_dossier_ziet_maar_de_resultaten_niet_ziet_geen_paneel(
    client, klacht, collega, beantwoord
):
    html = dossier(client, collega, klacht)

    assert 'id="kop-klanttevredenheid"' not in html
    assert "Het duurde" not in html


def test_zonder_respons_geen_paneel(client, klacht, behandelaar):
    assert 'id="kop-klanttevredenheid"' not in dossier(client, behandelaar, klacht)


def test_respons_van_een_andere_klacht_staat_er_niet(client, klacht, behandelaar, categorie):
    andere = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    respons(klacht=andere, behandelaar=behandelaar, toelichting="Over iets anders.")

    html = dossier(client, behandelaar, klacht)

    assert "Over iets anders." not in html


def test_zonder_de_app_die_het_paneel_aanbiedt_toont_het_dossier_geen_paneel(
    client, klacht, behandelaar, beantwoord, monkeypatch
):
    monkeypatch.setattr(dossierpanelen, "PANELEN", {})

    assert 'id="kop-klanttevredenheid"' not in dossier(client, behandelaar, klacht)
