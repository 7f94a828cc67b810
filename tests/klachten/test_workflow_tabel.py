"""Every transition the workflow table does not allow is refused with a clear message and changes
nothing (issue 3, acceptance 2). The cases are generated from `klachten.workflow.ACTIES` itself:
for every action that starts from given states, every other state."""

import pytest
from django.urls import reverse

from klachten.views.medewerker import SCHERMEN
from klachten.workflow import ACTIES, KLANT, Status, toegestane_acties, weigering
from tests.conftest import actie_url, geldige_gegevens, meldingen, service_van, stand
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db

NIET_TOEGESTAAN = [
    (naam, status)
    for naam, actie in ACTIES.items()
    for status in Status
    if actie.van and status not in actie.van
]
KLANT_NIET_TOEGESTAAN = [
    (naam, status) for naam, status in NIET_TOEGESTAAN if KLANT in ACTIES[naam].rollen
]


def case_id(naam: str, status: str) -> str:
    return f"{naam}-bij-{status}"


def reden(naam: str, status: str) -> str:
    return f"'{ACTIES[naam].label}' is niet mogelijk bij status '{Status(status).label}'."


def test_elke_actie_van_de_tabel_heeft_een_scherm_en_een_service():
    met_bronstatus = {naam for naam, actie in ACTIES.items() if actie.van}

    assert set(SCHERMEN) == met_bronstatus
    for naam in met_bronstatus:
        assert callable(service_van(naam)), naam


def test_er_zijn_niet_toegestane_overgangen_voor_elke_status():
    assert {status for _naam, status in NIET_TOEGESTAAN} == set(Status)
    assert len(NIET_TOEGESTAAN) > 40


@pytest.mark.parametrize(
    ("naam", "status"), NIET_TOEGESTAAN, ids=[case_id(*c) for c in NIET_TOEGESTAAN]
)
def test_niet_toegestane_overgang_wordt_geweigerd_en_verandert_niets(
    werkplek, behandelaar, categorie, naam, status
):
    klacht = klacht_in_status(status, door=behandelaar, categorie=categorie)
    voor = stand(klacht)

    melding = werkplek.weiger(
        naam, klacht, behandelaar, **geldige_gegevens(naam, klacht, behandelaar)
    )

    assert melding == reden(naam, status)
    assert stand(klacht) == voor


@pytest.mark.parametrize(
    ("naam", "status"), NIET_TOEGESTAAN, ids=[case_id(*c) for c in NIET_TOEGESTAAN]
)
def test_pagina_van_een_niet_toegestane_actie_stuurt_terug_met_de_reden(
    client, behandelaar, categorie, naam, status
):
    klacht = klacht_in_status(status, door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)
    voor = stand(klacht)

    response = client.get(actie_url(klacht, naam))

    assert response.status_code == 302
    assert response.url == reverse("klachten:dossier", args=[klacht.dossiernummer])
    assert meldingen(response, "error") == [reden(naam, status)]
    assert stand(klacht) == voor
    dossier = client.get(response.url)
    assert naam not in [a.naam for a in dossier.context["acties"]]
    assert actie_url(klacht, naam) not in dossier.content.decode()


@pytest.mark.parametrize(
    ("naam", "status"), KLANT_NIET_TOEGESTAAN, ids=[case_id(*c) for c in KLANT_NIET_TOEGESTAAN]
)
def test_klant_wordt_op_de_statuspagina_geweigerd_wat_de_tabel_niet_toestaat(
    werkplek, behandelaar, categorie, naam, status
):
    klacht = klacht_in_status(status, door=behandelaar, categorie=categorie)
    voor = stand(klacht)

    melding = werkplek.weiger(naam, klacht, KLANT, **geldige_gegevens(naam, klacht, behandelaar))

    assert melding == reden(naam, status)
    assert stand(klacht) == voor


@pytest.mark.parametrize("status", list(Status))
def test_dossier_biedt_precies_de_acties_die_de_tabel_bij_de_status_toestaat(
    client, behandelaar, categorie, status
):
    klacht = klacht_in_status(status, door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    verwacht = [
        naam
        for naam, actie in ACTIES.items()
        if status in actie.van and weigering(naam, klacht, behandelaar) is None
    ]
    assert [a.naam for a in response.context["acties"]] == verwacht
    assert [a.naam for a in toegestane_acties(klacht, behandelaar)] == verwacht
    inhoud = response.content.decode()
    for naam in verwacht:
        assert actie_url(klacht, naam) in inhoud


def test_onbekende_actie_geeft_404(client, behandelaar, categorie):
    klacht = klacht_in_status(Status.ONTVANGEN, door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    url = reverse("klachten:actie", args=[klacht.dossiernummer, "alles-wissen"])

    assert client.get(url).status_code == 404
    assert client.post(url, {"versie": klacht.versie}).status_code == 404
