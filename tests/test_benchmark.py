"""The benchmark's dataset and preparation (benchmark.gegevens) at a small size: what the load
scenarios rely on holds (the numbers are measured by `manage.py benchmark`, not here)."""

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from benchmark import gegevens, processen, scenarios, views
from klachten import bewaking, selectors, toegang
from klachten.demo.draaiboek import demo_pdf
from klachten.models import (
    Bericht,
    Gebeurtenis,
    Klacht,
    Medewerker,
    Statusaantal,
    Termijnafloop,
)
from klanttevredenheid.models import Contactmoment, Respons, Uitnodiging

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gevuld():
    gegevens.vullen(
        io.StringIO(),
        klachten=3000,
        open_=300,
        contactmomenten=2000,
        responsen=500,
    )


def test_vulling_heeft_klachten_met_tijdlijn_berichten_en_historie(gevuld):
    assert Klacht.objects.count() == 3000
    assert gegevens.gevuld(3000, 2000)
    assert Contactmoment.objects.count() == 2000
    assert Respons.objects.count() == 500
    assert Uitnodiging.objects.count() == 2000
    # every message the customer got is on the timeline, and a version per state change
    berichten = Bericht.objects.exclude(klacht=None)
    assert berichten.count() > 3000
    assert Gebeurtenis.objects.filter(soort="bericht", bericht__isnull=False).count() == (
        berichten.count()
    )
    versies = Klacht.history.count()
    assert versies == Gebeurtenis.objects.filter(soort__in=["ontvangen", "status"]).count()
    # the numbering goes on after the highest dossiernummer of the year
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(laatste_nummer) FROM klachten_dossiernummerreeks")
        assert cursor.fetchone()[0] > 0
    # the counts the trigger keeps were counted afresh after the load (trigger off during it)
    assert sum(Statusaantal.objects.values_list("aantal", flat=True)) == 3000
    # the deadline outcomes carry their complaint's label and afdeling (trigger on during it)
    assert Termijnafloop.objects.exists()
    assert not Termijnafloop.objects.exclude(
        label_sleutel=F("klacht__label"), afdeling_sleutel=F("klacht__afdeling")
    ).exists()


def test_voorbereiden_laat_niets_verschuldigd_en_geeft_werkende_sessies(gevuld, client):
    # The search terms of 10 complaints (44 pages, each kind of term ten times), not the run's
    # 100: every page is requested below. The month report's PDF (seconds of WeasyPrint; rendered
    # and read in tests/rapportage) is a small one here.
    with mock.patch("rapportage.exports.maandrapport_pdf", return_value=demo_pdf("Maandrapport")):
        data = gegevens.voorbereiden(io.StringIO(), enquetes=50, zoekklachten=10)

    nu = timezone.now() + dt.timedelta(minutes=1)
    assert all(not bewaking.verschuldigd(job, op=nu) for job in bewaking.PLANNEN)
    assert len(data["enquete_tokens"]) == 50
    verzonden = Uitnodiging.objects.filter(token__in=data["enquete_tokens"], status="verzonden")
    assert verzonden.count() == 50
    behandelaar = Medewerker.objects.get(username=data["accounts"]["behandelaar"]["gebruikersnaam"])
    zichtbaar = set(selectors.klachten_voor(behandelaar).values_list("dossiernummer", flat=True))
    # Fewer complaints than the sample's 5,000: all of them, in id order, every time.
    afdelingen = list(behandelaar.afdelingen.values_list("pk", flat=True))
    van_afdelingen = Klacht.objects.filter(afdeling__in=afdelingen).order_by("id")
    assert data["dossiernummers"] == list(van_afdelingen.values_list("dossiernummer", flat=True))
    assert set(data["dossiernummers"]) <= zichtbaar
    assert data["status_tokens"] == list(
        Klacht.objects.order_by("id").values_list("status_token", flat=True)
    )
    # More than asked for: exactly that many, every k-th by id, the same on a second draw.
    alle = list(Klacht.objects.order_by("id").values_list("status_token", flat=True))
    assert gegevens._steekproef("status_token", None, aantal=7) == alle[::428][:7]
    assert gegevens._steekproef("status_token", None, aantal=1000) == alle[::3][:1000]

    client.cookies[data["sessiecookie"]] = data["accounts"]["behandelaar"]["sessie"]
    assert client.get("/medewerker/").status_code == 200
    # The search scenario's terms (issue 20): every page answers, and the first term (a
    # customer's name) finds that customer's complaint.
    assert len(data["werkvoorraad_zoeken"]) > 4
    for url in data["werkvoorraad_zoeken"]:
        assert client.get(url).status_code == 200
    gevonden = client.get(data["werkvoorraad_zoeken"][0]).context["pagina"]
    assert gevonden
    assert all(k.afdeling_id in afdelingen for k in gevonden)


def test_basislijn_doet_een_query_per_verzoek(client, settings):
    with connection.cursor() as cursor:
        cursor.execute(views.TABEL_SQL)
    with override_settings(
        ROOT_URLCONF="benchmark.urls",
        MIDDLEWARE=["benchmark.middleware.queries_tellen", *settings.MIDDLEWARE],
    ):
        lijst = client.get("/basislijn/lijst/")
        ingevoegd = client.post("/basislijn/invoegen/", {"tekst": "regel"})

    assert lijst.status_code == 200
    assert lijst["X-Queries"] == "1"
    assert ingevoegd.status_code == 302
    assert ingevoegd["X-Queries"] == "1"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tekst FROM {views.TABEL}")
        assert cursor.fetchall() == [("regel",)]
        cursor.execute(f"DROP TABLE {views.TABEL}")


def test_benchmarkcommando_hoort_bij_de_benchmarkinstellingen():
    """`scripts/benchmark` runs `manage.py benchmark` with config.settings.benchmark: there the
    suite is an installed app and its command is found (klachten no longer carries it)."""
    omgeving = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.benchmark",
        "DJANGO_SECRET_KEY": "benchmark-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    uitvoer = subprocess.run(
        [sys.executable, "manage.py", "help", "benchmark"],
        cwd=Path(__file__).resolve().parent.parent,
        env=omgeving,
        capture_output=True,
        text=True,
        check=False,
    )

    assert uitvoer.returncode == 0, uitvoer.stderr
    assert "--hergebruik" in uitvoer.stdout


# The load generator: wrk driven by benchmark/wrk.lua (issue 20) ---------------------------------


def test_lua_schrijft_waarden_die_lua_leest():
    tekst = processen.lua(
        {"methode": "POST", "paden": ["/a/", 'b"\\é'], "eenmalig": True, "x": None, "n": 302}
    )

    assert tekst == (
        '{["methode"] = "POST", ["paden"] = {"/a/", "b\\034\\092\\195\\169"}, '
        '["eenmalig"] = true, ["x"] = nil, ["n"] = 302}'
    )


def test_verdeling_geeft_elk_scenario_een_verbinding_en_de_rest_naar_gewicht():
    verdeeld = scenarios.verdeling(scenarios.SOAK_GEWICHTEN, 16)

    assert sum(verdeeld.values()) == 16
    assert set(verdeeld) == set(scenarios.SOAK_GEWICHTEN)
    assert min(verdeeld.values()) == 1
    assert verdeeld["dossier"] == max(verdeeld.values())


@pytest.fixture
def wrk_aanwezig():
    if shutil.which("wrk") is None:
        pytest.skip("wrk ontbreekt (apt-get install -y wrk; scripts/benchmark installeert het)")


def test_wrk_dient_het_formulier_in_met_csrf_en_telt_fouten(
    wrk_aanwezig, live_server, label, categorie, systeemkoppeling, settings
):
    """The form POST (CSRF token and cookie fetched once, random names per request) and the API
    registration (an API key) under wrk against a real server: complaints are made, every
    answer is the expected one; a POST without a token counts as an error per status code."""
    settings.KLACHT_FORMULIER_LIMIET = "1000000/m"  # as the benchmark's server has it
    _sleutel, sleutel = toegang.api_sleutel_maken(medewerker=systeemkoppeling, naam="benchmark")
    data = {
        "categorieen": [categorie.pk],
        "categorie_codes": [categorie.code],
        "api_sleutel": sleutel,
        "status_tokens": [],
    }
    bouwer = scenarios.Scenarios(live_server.url, data)
    zonder_token = bouwer.formulier()
    zonder_token.lichaam = zonder_token.lichaam.split("&csrfmiddlewaretoken=")[0]
    zonder_token.koppen = {k: v for k, v in zonder_token.koppen.items() if k != "Cookie"}

    uitslagen = processen.wrk(
        {
            "formulier": bouwer.formulier(),
            "api_registratie": bouwer.api_registratie(),
            "zonder_token": zonder_token,
        },
        url=live_server.url,
        verbindingen={"formulier": 2, "api_registratie": 1, "zonder_token": 1},
        duur=3,
    )
    _tot_de_server_stil_is()

    formulier, api, geweigerd = (
        uitslagen[n] for n in ("formulier", "api_registratie", "zonder_token")
    )
    assert formulier.aanvragen > 0
    assert formulier.fouten == 0, formulier.foutmeldingen
    assert api.aanvragen > 0
    assert api.fouten == 0, api.foutmeldingen
    assert formulier.p50_ms > 0
    assert formulier.p99_ms >= formulier.p95_ms >= formulier.p50_ms
    assert geweigerd.fouten == geweigerd.aanvragen > 0
    assert geweigerd.foutmeldingen == [f"{geweigerd.aanvragen}x status 403"]
    # Each request a complaint of its own (random names), the API's by the system account.
    namen = set(Klacht.objects.values_list("klant_naam", flat=True))
    assert len(namen) == Klacht.objects.count() >= formulier.aanvragen + api.aanvragen
    assert Klacht.objects.filter(ingediend_door=systeemkoppeling).count() >= api.aanvragen


def _tot_de_server_stil_is(tijd: float = 60) -> None:
    """wrk stops at its deadline with requests in flight: wait until the live server finished
    them (no other session on this database in a query or a transaction), or the flush after
    the test deadlocks with them."""
    einde = time.monotonic() + tijd
    while time.monotonic() < einde:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.2)


def test_wrk_uitslag_leest_de_regels_van_wrk_lua():
    uit = "\n".join(
        [
            "Running 1s test @ http://127.0.0.1:1",
            "uitslag aanvragen 200",
            "uitslag duur_us 2000000",
            "uitslag socketfouten 1",
            "uitslag statusfouten 3",
            "uitslag status_500 3",
            "uitslag p50_us 1500",
            "uitslag p95_us 4000",
            "uitslag p99_us 9000",
            "uitslag gemiddeld_us 2000.5",
            "uitslag queries_som 300",
            "uitslag queries_aantal 100",
            "uitslag uitgeput 0",
        ]
    )

    uitslag = processen.wrk_uitslag("dossier", uit, "", gebruikers=8, duur=2)

    assert (uitslag.aanvragen, uitslag.per_seconde, uitslag.fouten) == (200, 100.0, 4)
    assert (uitslag.p50_ms, uitslag.p95_ms, uitslag.p99_ms) == (1.5, 4.0, 9.0)
    assert uitslag.queries == 3.0
    assert uitslag.foutmeldingen == ["3x status 500", "1x verbinding (connect/read/write/timeout)"]
    with pytest.raises(RuntimeError, match="geen uitslag"):
        processen.wrk_uitslag("dossier", "", "wrk: kapot", gebruikers=8, duur=2)


def test_cpu_per_onderdeel_telt_het_werk_van_elk_proces():
    """The CPU accounting of a scenario (issue 20: where a form POST's cost goes): the seconds a
    process works between two readings show in its group, per request; what the groups do not
    account for is "rest"."""
    from benchmark.management.commands.benchmark import cpu_per_aanvraag

    werk = "import time\ninput()\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\ninput()"
    werker = subprocess.Popen([sys.executable, "-c", werk], stdin=subprocess.PIPE)
    try:
        time.sleep(0.5)  # started and waiting
        groepen = {"web": [werker.pid], "worker": []}
        voor = processen.cpu_stand(groepen)
        begin = processen.cpu_s(werker.pid)
        werker.stdin.write(b"\n")
        werker.stdin.flush()
        einde = time.monotonic() + 10
        while processen.cpu_s(werker.pid) - begin < 0.3 and time.monotonic() < einde:
            time.sleep(0.05)
        na = processen.cpu_stand(groepen)
    finally:
        werker.communicate(b"\n", timeout=10)
    per = cpu_per_aanvraag(voor, na, aanvragen=10)
    assert set(per) == {"web", "worker", "postgresql", "totaal", "rest"}
    assert 25 <= per["web"] <= 60  # 0.3 s over 10 requests: about 30 ms each
    assert per["worker"] == 0
    assert per["totaal"] >= per["web"] - 2  # both counted in clock ticks
    assert per["rest"] >= 0
    assert cpu_per_aanvraag(voor, na, aanvragen=0) == {}
