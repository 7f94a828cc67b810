"""The benchmark's dataset and preparation (benchmark.gegevens) at a small size: what the load
scenarios rely on holds (the numbers are measured by `manage.py benchmark`, not here)."""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from benchmark import gegevens, views
from klachten import bewaking, selectors
from klachten.models import Bericht, Gebeurtenis, Klacht, Medewerker, Statusaantal
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


def test_voorbereiden_laat_niets_verschuldigd_en_geeft_werkende_sessies(gevuld, client):
    data = gegevens.voorbereiden(io.StringIO(), enquetes=50)

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
