"""The charts of the KTO dashboard (issue 19): each draws the numbers of the table beside it,
those numbers are the figures of klanttevredenheid.cijfers (computed by hand on the dashboard's
dataset), every chart has a name and a text alternative, and the page keeps its CSP."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from klachten.kalender import AMSTERDAM
from tests import grafieken as g
from tests.klanttevredenheid.test_dashboard import dashboard, gegevens  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gegevens")]

D = Decimal
KTO_GRAFIEKEN = ["kto-trend", "kto-verdeling", "kto-afdeling-cijfer", "kto-afdeling-nps"]


def test_elke_grafiek_tekent_de_cijfers_van_haar_tabel(client, directie):
    html = dashboard(client, directie).content.decode()
    for naam in KTO_GRAFIEKEN:
        figuur = g.figuur(html, naam)
        g.toegankelijk(figuur)
        getekend = g.getekend(figuur)
        assert getekend, naam
        assert getekend == g.eigen_tabel(figuur), naam
        g.staven_evenredig(figuur)


def test_trend_per_maand_met_cijfer_nps_en_respons(client, directie):
    """12 months up to June 2026 (the quarter's last month, which has begun)."""
    figuur = g.figuur(dashboard(client, directie).content.decode(), "kto-trend")
    rijen = ["".join(th.itertext()) for th in figuur.findall(".//table/tbody/tr/th[@scope='row']")]
    assert rijen[0] == "jul 25"
    assert rijen[-1] == "jun 26"
    assert len(rijen) == 12
    getekend = g.getekend(figuur)
    # February: 6 (NPS 10). April: 8 (10) and 4 (3). May: 9 (9), 5 (9) and 6 (no NPS answer).
    assert getekend[("feb 26", "gemiddelde")] == D("6.0")
    assert getekend[("feb 26", "nps")] == 100
    assert getekend[("apr 26", "gemiddelde")] == D("6.0")
    assert getekend[("apr 26", "nps")] == 0
    assert getekend[("mei 26", "gemiddelde")] == D("6.7")
    assert getekend[("mei 26", "nps")] == 100
    assert [getekend[(m, "respons")] for m in ("feb 26", "mrt 26", "apr 26", "mei 26")] == [
        1,
        0,
        2,
        3,
    ]
    # A month without responses has no grade: nothing drawn, "geen gegevens" in the table.
    assert ("jun 26", "gemiddelde") not in getekend
    assert "geen gegevens" in "".join(figuur.find(".//table/tbody/tr[last()]").itertext())


def test_verdeling_van_de_cijfers_van_het_kwartaal(client, directie):
    getekend = g.getekend(g.figuur(dashboard(client, directie).content.decode(), "kto-verdeling"))
    rapportcijfers = {
        int(label): w for (label, reeks), w in getekend.items() if reeks == "rapportcijfer"
    }
    aanbeveling = {int(label): w for (label, reeks), w in getekend.items() if reeks == "nps_score"}
    assert rapportcijfers == {0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 1, 7: 0, 8: 1, 9: 1, 10: 0}
    assert aanbeveling == {0: 0, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 2, 10: 1}


def test_per_afdeling(client, directie, afdeling_a, afdeling_b):
    html = dashboard(client, directie).content.decode()
    cijfer = g.getekend(g.figuur(html, "kto-afdeling-cijfer"))
    nps = g.getekend(g.figuur(html, "kto-afdeling-nps"))
    # A: 8, 4, 9 (NPS 10, 3, 9); B: 5, 6 (NPS 9, no answer).
    assert cijfer == {
        (afdeling_a.naam, "gemiddelde"): D("7.0"),
        (afdeling_b.naam, "gemiddelde"): D("5.5"),
    }
    assert nps == {(afdeling_a.naam, "nps"): 33, (afdeling_b.naam, "nps"): 100}


def test_behandelaar_ziet_geen_grafiek_per_afdeling(client, behandelaar):
    """No comparison with other afdelingen for a handler (as with the tables)."""
    html = dashboard(client, behandelaar).content.decode()
    assert 'id="grafiek-kto-trend"' in html
    assert 'id="grafiek-kto-afdeling' not in html
    # Their own results only: the three April and May responses of theirs.
    verdeling = g.getekend(g.figuur(html, "kto-verdeling"))
    assert sum(w for (_label, reeks), w in verdeling.items() if reeks == "rapportcijfer") == 3


def test_de_pagina_houdt_haar_csp(client, directie):
    response = dashboard(client, directie)
    beleid = response["Content-Security-Policy"]
    assert "script-src 'self'" in beleid
    assert "unsafe-inline" not in beleid
    html = response.content.decode()
    assert "<script>" not in html
    assert " style=" not in html


def test_trend_van_een_lopend_kwartaal_stopt_bij_deze_maand(client, directie):
    client.force_login(directie)
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, tzinfo=AMSTERDAM), tick=False):
        html = client.get("/medewerker/klanttevredenheid/").content.decode()
    figuur = g.figuur(html, "kto-trend")
    rijen = ["".join(th.itertext()) for th in figuur.findall(".//table/tbody/tr/th[@scope='row']")]
    assert (rijen[0], rijen[-1], len(rijen)) == ("mei 25", "apr 26", 12)
