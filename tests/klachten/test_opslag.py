"""Attachments and report PDFs through Django's storage API, so that several web and worker
machines can share an S3-compatible object store (issue 7, "Beyond one machine"). The test runs
an S3-compatible HTTP server (moto's) in a thread and goes through boto3 and django-storages for
real: upload by the customer's form, download by staff, a report attachment by the outbox."""

import os
import subprocess
import sys
import uuid

import boto3
import pytest
from django.core.files.storage import storages
from django.urls import reverse
from moto.server import ThreadedMotoServer

from klachten import berichten
from klachten.models import Bericht, Bijlage, Klacht
from rapportage.berichtsoorten import RapportBerichtSoort
from tests.factories import pdf_bestand, standaardlabel

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_opslag(settings):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, poort = server.get_host_and_port()
    endpoint = f"http://{host}:{poort}"
    bucket = f"klachten-{uuid.uuid4().hex[:8]}"
    sleutels = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1", **sleutels).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": "eu-west-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    storages._storages = {}
    yield boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-1", **sleutels), bucket
    storages._storages = {}
    server.stop()


def test_bijlage_van_de_klant_staat_in_de_objectopslag_en_medewerker_downloadt_hem(
    s3_opslag, client, klacht_formulier_data, behandelaar_client
):
    s3, bucket = s3_opslag

    response = client.post(
        reverse("klachten:indienen"), {**klacht_formulier_data, "bijlagen": [pdf_bestand()]}
    )

    assert response.status_code == 302
    bijlage = Bijlage.objects.get()
    objecten = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert objecten == [bijlage.bestand.name]
    download = behandelaar_client.get(reverse("klachten:bijlage", args=[bijlage.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert Klacht.objects.get().bijlagen.count() == 1


def test_rapportbijlage_van_de_outbox_uit_de_objectopslag(s3_opslag, mailoutbox):
    naam, pad = berichten.bijlage_bewaren("maandrapportage-2026-10.pdf", b"%PDF-1.7 rapport")
    bericht = berichten.bericht_versturen(
        klacht=None,
        label=standaardlabel(),
        soort=RapportBerichtSoort.RAPPORT,
        onderwerp="Rapport",
        tekst="Zie de bijlage.",
        door=None,
        aan="directie@example.nl",
        bijlage=(naam, pad),
    )

    assert berichten.bericht_afleveren(bericht_id=bericht.pk)
    assert mailoutbox[0].attachments[0][0] == "maandrapportage-2026-10.pdf"
    assert mailoutbox[0].attachments[0][1] == b"%PDF-1.7 rapport"
    assert Bericht.objects.get().bijlage.name == pad


def test_instelling_kiest_de_objectopslag_uit_de_omgeving():
    omgeving = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_STORAGE": "s3",
        "S3_BUCKET": "klachten-bijlagen",
        "S3_ENDPOINT_URL": "https://s3.example.nl",
    }
    uit = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "o = settings.STORAGES['default']; "
            "print(o['BACKEND'], o['OPTIONS']['bucket_name'], o['OPTIONS']['endpoint_url'])",
        ],
        env=omgeving,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert uit == ["storages.backends.s3.S3Storage", "klachten-bijlagen", "https://s3.example.nl"]

    fout = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=omgeving | {"DJANGO_STORAGE": "ftp"},
        capture_output=True,
        text=True,
    )
    assert fout.returncode != 0
    assert "kies 'schijf' of 's3'" in fout.stderr
