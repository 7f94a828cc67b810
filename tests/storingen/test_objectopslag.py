"""The attachment storage failing while a customer sends the complaint form (issue 15, "What must
hold" 4; DESIGN.md section 13; docs/storingen.md).

A real S3-compatible object store (moto's `moto_server`, a subprocess: tests/processen.py
`Objectopslag`) is frozen (SIGSTOP: it accepts connections and never answers, the nastiest way an
object store fails) before the form is sent, or after the first of two attachments was written.
What must hold: the customer gets the form again with what they typed and a message that the
attachments could not be saved (503); no complaint is stored half (without its attachments), the
dossiernummer is not used up, and files already written are removed: at once when the store
lets us, else by the beat job once it is back. A full disk is the same for the disk storage.
"""

import errno
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.urls import reverse
from storages.backends.s3 import S3Storage

from klachten import berichten, services
from klachten.models import Bijlage, Klacht, VerweesdBestand
from tests.factories import pdf_bestand
from tests.processen import (
    Bezoeker,
    Objectopslag,
    RedisServer,
    Webserver,
    app_omgeving,
    klachtgegevens,
    wacht_tot,
)

PDF = pdf_bestand().read()


def _test_database_url() -> str:
    instellingen = connection.settings_dict
    return (
        f"postgres://{instellingen['USER']}@{instellingen['HOST'] or '127.0.0.1'}:"
        f"{instellingen['PORT'] or 5432}/{instellingen['NAME']}"
    )


@pytest.fixture
def objectopslag():
    with Objectopslag() as opslag:
        yield opslag


@pytest.fixture
def s3_instellingen(settings, objectopslag):
    """This process's attachment storage in the object store, as DJANGO_STORAGE=s3 sets it, with
    a 1 s timeout (production: S3_TIMEOUT_S, 5 s)."""
    from botocore.config import Config

    bucket = objectopslag.bucket_aanmaken(f"klachten-{uuid.uuid4().hex[:8]}")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": objectopslag.url,
                "region_name": objectopslag.REGIO,
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "file_overwrite": False,
                "client_config": Config(
                    connect_timeout=1, read_timeout=1, retries={"max_attempts": 1}
                ),
            },
        },
    }
    return bucket


def _rustig(objectopslag: Objectopslag, bucket: str) -> list[str]:
    """The bucket's keys once a thawed store has worked off what it received while frozen (the
    same listing twice in a row)."""
    vorige: list = []

    def stabiel() -> bool:
        nonlocal vorige
        nu = sorted(objectopslag.sleutels(bucket))
        gelijk, vorige = nu == vorige, nu
        return gelijk

    wacht_tot(stabiel, seconden=5, stap=0.3)
    return vorige


@pytest.mark.django_db(transaction=True)
def test_objectopslag_valt_weg_na_de_eerste_bijlage_niets_half_opgeslagen(
    client, klacht_formulier_data, objectopslag, s3_instellingen, monkeypatch
):
    bucket = s3_instellingen
    echt_opslaan = S3Storage._save
    geschreven = []

    def eerste_lukt_dan_valt_de_opslag_weg(self, name, content):
        naam = echt_opslaan(self, name, content)
        geschreven.append(naam)
        objectopslag.bevriezen()  # after the first file: the store hangs from now on
        return naam

    monkeypatch.setattr(S3Storage, "_save", eerste_lukt_dan_valt_de_opslag_weg)

    response = client.post(
        reverse("klachten:indienen"),
        {**klacht_formulier_data, "bijlagen": [pdf_bestand("een.pdf"), pdf_bestand("twee.pdf")]},
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "konden we uw bijlagen niet opslaan" in html
    assert "verstuur uw klacht zonder bijlagen" in html
    assert klacht_formulier_data["omschrijving"] in html  # the typed text is in the form again
    assert not Klacht.objects.exists()
    assert not Bijlage.objects.exists()
    assert len(geschreven) == 1
    # The store did not let us remove the file then: recorded for the beat job.
    assert set(VerweesdBestand.objects.values_list("naam", flat=True)) >= set(geschreven)

    monkeypatch.setattr(S3Storage, "_save", echt_opslaan)
    objectopslag.ontdooien()
    _rustig(objectopslag, bucket)
    services.verweesde_bestanden_opruimen()

    assert objectopslag.sleutels(bucket) == []
    assert not VerweesdBestand.objects.exists()
    # The number was not used up: the next complaint is the year's first.
    nogmaals = client.post(
        reverse("klachten:indienen"), {**klacht_formulier_data, "bijlagen": [pdf_bestand()]}
    )
    assert nogmaals.status_code == 302
    klacht = Klacht.objects.get()
    assert klacht.dossiernummer.endswith("-000001")
    assert objectopslag.sleutels(bucket) == [klacht.bijlagen.get().bestand.name]


@pytest.mark.django_db(transaction=True)
def test_klacht_die_na_haar_bijlagen_mislukt_laat_geen_bestanden_achter(
    client, klacht_formulier_data, objectopslag, s3_instellingen, monkeypatch
):
    """The store is fine but the complaint rolls back after its files were written (here: its
    acknowledgement cannot be written): the files are removed at once."""

    def mislukt(**kwargs):
        raise RuntimeError("bevestiging kapot")

    # The acknowledgement is written to the outbox in the complaint's transaction.
    monkeypatch.setattr(berichten, "bericht_versturen", mislukt)
    client.raise_request_exception = False

    response = client.post(
        reverse("klachten:indienen"),
        {**klacht_formulier_data, "bijlagen": [pdf_bestand("een.pdf"), pdf_bestand("twee.pdf")]},
    )

    assert response.status_code == 500
    assert not Klacht.objects.exists()
    assert objectopslag.sleutels(s3_instellingen) == []
    assert not VerweesdBestand.objects.exists()


class VolleSchijf(FileSystemStorage):
    """A disk that fills up halfway through a file (ENOSPC), leaving the half file behind, as
    Django's FileSystemStorage does."""

    def _save(self, name, content):
        pad = Path(self.path(name))
        pad.parent.mkdir(parents=True, exist_ok=True)
        pad.write_bytes(content.read(10))
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.django_db
def test_volle_schijf_geeft_het_formulier_terug_en_laat_geen_half_bestand_achter(
    client, klacht_formulier_data, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.storingen.test_objectopslag.VolleSchijf",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }

    response = client.post(
        reverse("klachten:indienen"), {**klacht_formulier_data, "bijlagen": [pdf_bestand()]}
    )

    assert response.status_code == 503
    assert "konden we uw bijlagen niet opslaan" in response.content.decode()
    assert not Klacht.objects.exists()
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []


@pytest.mark.django_db(transaction=True)
def test_objectopslag_hangt_onder_gunicorn_klant_houdt_tekst_en_verstuurt_daarna_een_klacht(
    label, categorie, objectopslag
):
    """Through a real server: the store hangs when the form is sent; the customer gets the form
    back with their text (503); sent again once the store is back (the same form, so the same
    one-time key), one complaint with its attachment."""
    bucket = objectopslag.bucket_aanmaken(f"klachten-{uuid.uuid4().hex[:8]}")
    with RedisServer() as redis:
        omgeving = app_omgeving(
            database_url=_test_database_url(),
            CACHE_URL="locmemcache://",
            REDIS_URL=redis.url(0),
            CELERY_BROKER_URL=redis.url(0),
            DJANGO_LOG_LEVEL="WARNING",
            **objectopslag.django_instellingen(bucket, timeout_s=1),
        )
        with Webserver(omgeving=omgeving, processen=1) as server:
            klant = Bezoeker(server.url)
            verborgen = klant.formulier("/klacht/")
            gegevens = klachtgegevens(categorie_id=categorie.pk, email="anna@example.nl")
            bijlage = {"bijlagen": ("brief.pdf", PDF, "application/pdf")}

            objectopslag.bevriezen()
            mislukt = klant.post("/klacht/", gegevens, bestanden=bijlage, verborgen=verborgen)
            objectopslag.ontdooien()
            assert mislukt.status_code == 503, server.log()[-2000:]
            assert "konden we uw bijlagen niet opslaan" in mislukt.text
            assert gegevens["omschrijving"] in mislukt.text
            assert f'value="{verborgen["formulier_sleutel"]}"' in mislukt.text
            assert not Klacht.objects.exists()

            _rustig(objectopslag, bucket)
            gelukt = klant.post("/klacht/", gegevens, bestanden=bijlage, verborgen=verborgen)
            assert gelukt.status_code == 302, server.log()[-2000:]
            log = server.log()

    klacht = Klacht.objects.get()
    assert str(klacht.formulier_sleutel) == verborgen["formulier_sleutel"]
    naam = klacht.bijlagen.get().bestand.name
    sleutels = set(objectopslag.sleutels(bucket))
    assert naam in sleutels
    # Whatever else the hung store took in after all is known, for the beat job to remove.
    assert sleutels - {naam} <= set(VerweesdBestand.objects.values_list("naam", flat=True))
    assert "Internal Server Error" not in log
