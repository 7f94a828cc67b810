"""The link from the complaint procedure page to the public annual complaints report: offered by
rapportage through `klachten.paginalinks` (klachten names no URL of rapportage, issue 16)."""

import re

import pytest

from klachten import paginalinks
from tests.factories import LabelFactory

pytestmark = pytest.mark.django_db

LINKTEKST = "Lees wat we leerden in ons klachtenjaarverslag"


def jaarverslaglinks(response) -> list[str]:
    return re.findall(rf'<a href="([^"]*)">{LINKTEKST}</a>', response.content.decode())


def test_procedure_linkt_naar_het_jaarverslag_van_het_eigen_label(client, label):
    LabelFactory(slug="noord")

    assert jaarverslaglinks(client.get("/klachtenprocedure/")) == ["/klachtenjaarverslag/"]
    assert jaarverslaglinks(client.get("/noord/klachtenprocedure/")) == [
        "/noord/klachtenjaarverslag/"
    ]
    # Both lead to the public report page of that label.
    assert client.get("/klachtenjaarverslag/").status_code == 200
    assert client.get("/noord/klachtenjaarverslag/").status_code == 200


def test_zonder_app_die_de_link_aanbiedt_laat_de_procedure_hem_weg(client, label, monkeypatch):
    monkeypatch.setattr(paginalinks, "LINKS", {})

    response = client.get("/klachtenprocedure/")

    assert response.status_code == 200
    assert jaarverslaglinks(response) == []
    assert "We leren van klachten: wat beter kan, passen we aan." in response.content.decode()
