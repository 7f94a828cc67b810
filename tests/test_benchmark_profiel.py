"""The in-process profile of the work queue and the dossier (benchmark.profiel, `manage.py
profiel`, issue 20) at a small size: a session through both login steps, each page timed with its
queries, and a sampled profile that says where the CPU went. The figures are measured by
scripts/profiel, not here."""

import uuid

import pytest

from benchmark import profiel
from tests.factories import KlachtFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def klacht(categorie):
    return KlachtFactory(
        categorie=categorie, klant_naam=f"Klant {uuid.uuid4().hex[:8]}", omschrijving="Vaste tekst."
    )


def test_scenarios_zijn_de_werkvoorraad_en_een_dossier_van_de_gebruiker(behandelaar, klacht):
    scenarios = profiel.scenarios(behandelaar, None)

    assert scenarios["dossier"] == f"/medewerker/klachten/{klacht.dossiernummer}/"
    assert scenarios["werkvoorraad_zoeken"].endswith(f"?zoek={klacht.klant_naam.split()[-1]}")
    assert scenarios["werkvoorraad"] == "/medewerker/"


@pytest.mark.parametrize("scenario", ["werkvoorraad", "werkvoorraad_zoeken", "dossier"])
def test_meten_telt_tijd_en_queries_van_de_ingelogde_pagina(behandelaar, klacht, scenario):
    client = profiel.ingelogde_client(behandelaar)
    url = profiel.scenarios(behandelaar, None)[scenario]

    meting = profiel.meten(client, scenario, url, 3, opwarmen=1)

    assert len(meting.ms) == len(meting.cpu_ms) == len(meting.queries) == 3
    assert min(meting.queries) > 0
    assert all(ms >= db_ms for ms, db_ms in zip(meting.ms, meting.db_ms, strict=True))
    assert meting.regel(None).startswith(scenario)


def test_een_pagina_die_niet_slaagt_stopt_de_meting(behandelaar, klacht):
    client = profiel.ingelogde_client(behandelaar)

    with pytest.raises(RuntimeError, match="404"):
        profiel.meten(client, "dossier", "/medewerker/klachten/KL-0000-000000/", 1, opwarmen=0)


def test_bemonsteren_verdeelt_de_cpu_over_pakketten(behandelaar, klacht):
    client = profiel.ingelogde_client(behandelaar)

    uitvoer = profiel.bemonsteren(client, "/medewerker/", aantal=10, top=10)

    assert "samples over 10 requests" in uitvoer
    assert "where it runs" in uitvoer
    assert "inclusive" in uitvoer
