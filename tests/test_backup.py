"""Backup and restore (issue 8; README "Backup and restore"): a `pg_dump -Fc` of the database,
restored with `pg_restore` into a fresh database, holds every complaint as it was, and the
application carries on there: the dossiernummers continue, none is issued twice.

Real tools, real PostgreSQL: the test dumps its own test database with pg_dump from PATH, creates
a database of its own on the same server (a unique name, dropped afterwards whatever happens),
restores into it and reads it back through the ORM, by pointing Django's connection at it for a
moment.
"""

import contextlib
import os
import shutil
import subprocess
import uuid

import psycopg2
import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from klachten import services
from klachten.models import Bericht, Bijlage, Categorie, Gebeurtenis, Kanaal, Klacht
from klachten.workflow import KLANT, Status
from tests.factories import KlachtFactory, klacht_in_status, pdf_bestand, png_bestand


def programma(naam: str) -> str:
    pad = shutil.which(naam)
    if pad is None:
        pytest.fail(
            f"{naam} is not on PATH: the backup test needs the PostgreSQL client programs "
            "(apt-get install -y postgresql-client, or the postgresql package)."
        )
    return pad


def verbindingsopties() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore options and environment for the server of the test database."""
    instellingen = connection.settings_dict
    opties = [
        f"--host={instellingen['HOST'] or '127.0.0.1'}",
        f"--port={instellingen['PORT'] or 5432}",
        f"--username={instellingen['USER'] or 'postgres'}",
    ]
    omgeving = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if instellingen["PASSWORD"]:
        omgeving["PGPASSWORD"] = instellingen["PASSWORD"]
    return opties, omgeving


def beheerverbinding():
    """A connection to the server's maintenance database, to create and drop databases."""
    instellingen = connection.settings_dict
    verbinding = psycopg2.connect(
        dbname="postgres",
        host=instellingen["HOST"] or "127.0.0.1",
        port=instellingen["PORT"] or 5432,
        user=instellingen["USER"] or "postgres",
        password=instellingen["PASSWORD"] or None,
        connect_timeout=10,
    )
    verbinding.autocommit = True
    return verbinding


def uitvoeren(opdracht: list[str], omgeving: dict[str, str]) -> None:
    resultaat = subprocess.run(opdracht, env=omgeving, capture_output=True, text=True, timeout=300)
    assert resultaat.returncode == 0, f"{opdracht[0]} failed:\n{resultaat.stderr}"


@pytest.fixture
def herstelde_database(tmp_path):
    """Returns a function that dumps the test database as it is now (pg_dump -Fc) and restores
    the dump into a fresh database (pg_restore), whose name it returns; dropped afterwards."""
    pg_dump, pg_restore = programma("pg_dump"), programma("pg_restore")
    opties, omgeving = verbindingsopties()
    aangemaakt: list[str] = []

    def dumpen_en_terugzetten() -> str:
        dump = tmp_path / "klachten.dump"
        uitvoeren(
            [
                pg_dump,
                *opties,
                "--format=custom",
                f"--file={dump}",
                connection.settings_dict["NAME"],
            ],
            omgeving,
        )
        naam = f"klachten_hersteltest_{uuid.uuid4().hex[:12]}"
        with contextlib.closing(beheerverbinding()) as beheer, beheer.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{naam}" TEMPLATE template0')
        aangemaakt.append(naam)
        uitvoeren(
            [pg_restore, *opties, "--exit-on-error", "--no-owner", f"--dbname={naam}", str(dump)],
            omgeving,
        )
        return naam

    try:
        yield dumpen_en_terugzetten
    finally:
        with contextlib.closing(beheerverbinding()) as beheer, beheer.cursor() as cursor:
            for naam in aangemaakt:
                cursor.execute(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)')


@contextlib.contextmanager
def verbonden_met(database: str):
    """Django's connection on another database of the same server, for the duration."""
    oorspronkelijk = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = database
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = oorspronkelijk


@pytest.fixture
def klachten_in_alle_stappen(behandelaar, collega, categorie):
    """Complaints in several states, with their timeline, messages, attachments and history,
    made through the services."""
    web = KlachtFactory(
        categorie=categorie,
        kanaal=Kanaal.WEBFORMULIER,
        klant_naam="Anna de Vries",
        klant_email="anna@example.nl",
        klant_telefoon="06 1234 5678",
        polisnummer="ZV-2026-0042",
        bijlagen=[pdf_bestand("polis.pdf")],
    )
    services.klantbericht_toevoegen(
        klacht=web, door=KLANT, tekst="Hierbij de foto.", bijlagen=[png_bestand("schade.png")]
    )
    klachten = [web]
    for status in (
        Status.ONTVANGST_BEVESTIGD,
        Status.IN_ONDERZOEK,
        Status.BEANTWOORD,
        Status.AFGESLOTEN,
        Status.IN_HEROVERWEGING,
    ):
        klachten.append(klacht_in_status(status, door=behandelaar, categorie=categorie))
    services.notitie_toevoegen(klacht=klachten[2], door=behandelaar, tekst="Gebeld met de klant.")
    return klachten


def dossiers() -> dict[str, dict]:
    """Every complaint, by dossiernummer, with all its fields and everything that hangs on it."""
    resultaat = {}
    for klacht in Klacht.objects.order_by("dossiernummer"):
        resultaat[klacht.dossiernummer] = {
            "klacht": Klacht.objects.filter(pk=klacht.pk).values().get(),
            "tijdlijn": list(Gebeurtenis.objects.filter(klacht=klacht).order_by("id").values()),
            "historie": list(klacht.history.order_by("history_id").values()),
            "berichten": list(Bericht.objects.filter(klacht=klacht).order_by("id").values()),
            "bijlagen": list(Bijlage.objects.filter(klacht=klacht).order_by("id").values()),
        }
    return resultaat


def rijen_per_tabel() -> dict[str, int]:
    return {model._meta.db_table: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db(transaction=True)
def test_teruggezette_dump_bevat_elke_klacht_zoals_hij_was(
    klachten_in_alle_stappen, herstelde_database
):
    voor = dossiers()
    tabellen_voor = rijen_per_tabel()

    with verbonden_met(herstelde_database()):
        na = dossiers()
        tabellen_na = rijen_per_tabel()
        bestanden = [b.bestand.name for b in Bijlage.objects.all()]

    assert list(na) == list(voor)
    for dossiernummer, dossier in voor.items():
        assert na[dossiernummer] == dossier, dossiernummer
    # What the rule names, spelled out: every state, the customer's data, timeline, history and
    # messages came back.
    assert {d["klacht"]["status"] for d in na.values()} == {
        Status.ONTVANGST_BEVESTIGD,
        Status.IN_ONDERZOEK,
        Status.BEANTWOORD,
        Status.AFGESLOTEN,
        Status.IN_HEROVERWEGING,
    }
    web = na[klachten_in_alle_stappen[0].dossiernummer]
    assert (web["klacht"]["klant_naam"], web["klacht"]["polisnummer"]) == (
        "Anna de Vries",
        "ZV-2026-0042",
    )
    assert all(d["tijdlijn"] and d["historie"] and d["berichten"] for d in na.values())
    assert [b["oorspronkelijke_naam"] for b in web["bijlagen"]] == ["polis.pdf", "schade.png"]
    # And nothing else went missing either: every table holds as many rows.
    assert tabellen_na == tabellen_voor
    # The dump holds where the attachments are, not the files: those are backed up apart
    # (MEDIA_ROOT or the S3 bucket), and the restored rows point at them.
    assert len(bestanden) == 2
    assert all(default_storage.exists(naam) for naam in bestanden)


@pytest.mark.django_db(transaction=True)
def test_op_een_teruggezette_dump_loopt_de_dossiernummering_door(
    klachten_in_alle_stappen, herstelde_database
):
    uitgegeven = set(Klacht.objects.values_list("dossiernummer", flat=True))
    hoogste_id = max(Klacht.objects.values_list("pk", flat=True))
    jaar = timezone.localdate().year
    hoogste_nummer = max(
        int(d.rsplit("-", 1)[1]) for d in uitgegeven if d.startswith(f"KL-{jaar}-")
    )

    with verbonden_met(herstelde_database()):
        nieuw = KlachtFactory(categorie=Categorie.objects.get(code="declaratie"))
        nieuw.refresh_from_db()
        assert nieuw.history.count() == 1

    assert nieuw.dossiernummer not in uitgegeven
    assert nieuw.dossiernummer == f"KL-{jaar}-{hoogste_nummer + 1:06d}"
    assert nieuw.pk > hoogste_id
    # The original database did not change.
    assert not Klacht.objects.filter(dossiernummer=nieuw.dossiernummer).exists()
