"""The customer opens the attachments they sent from their status page (issue 19): only their own,
under the secret status link, always as a download."""

import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from klachten import services
from klachten.models import Gebeurtenis, GebeurtenisSoort, Kanaal, Klacht
from klachten.workflow import KLANT
from tests.factories import pdf_bestand

pytestmark = pytest.mark.django_db


def status_url(klacht: Klacht) -> str:
    return reverse("klachten:status", args=[klacht.status_token])


def download_url(klacht: Klacht, bijlage) -> str:
    return reverse("klachten:klant-bijlage", args=[klacht.status_token, bijlage.pk])


@pytest.fixture
def klacht(label, categorie):
    return services.klacht_registreren(
        label=label,
        kanaal=Kanaal.WEBFORMULIER,
        klant_naam="Anna de Vries",
        klant_email="anna@example.nl",
        categorie=categorie,
        omschrijving="Mijn declaratie is niet betaald.",
        bijlagen=[pdf_bestand("nota-klant.pdf")],
        privacy_akkoord=True,
    )


def test_eigen_bijlage_staat_als_link_op_de_statuspagina_en_wordt_gedownload(client, klacht):
    bijlage = klacht.bijlagen.get()

    pagina = client.get(status_url(klacht)).content.decode()
    response = client.get(download_url(klacht, bijlage))

    assert f'href="{download_url(klacht, bijlage)}"' in pagina
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "nota-klant.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_bijlage_van_een_bericht_van_de_klant_wordt_gedownload(client, klacht):
    gebeurtenis = services.klantbericht_toevoegen(
        klacht=klacht, door=KLANT, tekst="Hierbij de nota.", bijlagen=[pdf_bestand("nota2.pdf")]
    )
    bijlage = gebeurtenis.bijlagen.get()

    assert client.get(download_url(klacht, bijlage)).status_code == 200


def test_bijlage_van_een_andere_klacht_geeft_404(client, klacht, label, categorie):
    andere = services.klacht_registreren(
        label=label,
        kanaal=Kanaal.WEBFORMULIER,
        klant_naam="Bert Jansen",
        klant_email="bert@example.nl",
        categorie=categorie,
        omschrijving="Iets anders.",
        bijlagen=[pdf_bestand("van-bert.pdf")],
        privacy_akkoord=True,
    )

    response = client.get(download_url(klacht, andere.bijlagen.get()))

    assert response.status_code == 404


def test_bijlage_van_een_medewerker_geeft_404_en_staat_er_niet_als_link(
    client, klacht, behandelaar
):
    notitie = Gebeurtenis.objects.create(
        klacht=klacht, soort=GebeurtenisSoort.NOTITIE, tekst="Intern", door=behandelaar
    )
    intern = services.bijlage_opslaan(
        klacht=klacht, upload=pdf_bestand("intern.pdf"), gebeurtenis=notitie
    )
    # Even a customer's message that staff recorded: staff chose what is attached to it.
    namens = Gebeurtenis.objects.create(
        klacht=klacht, soort=GebeurtenisSoort.KLANTBERICHT, tekst="Per post", door=behandelaar
    )
    namens_bijlage = services.bijlage_opslaan(
        klacht=klacht, upload=pdf_bestand("gescand.pdf"), gebeurtenis=namens
    )

    pagina = client.get(status_url(klacht)).content.decode()

    for bijlage in (intern, namens_bijlage):
        assert client.get(download_url(klacht, bijlage)).status_code == 404
        assert download_url(klacht, bijlage) not in pagina


def test_verkeerd_token_geeft_404(client, klacht):
    bijlage = klacht.bijlagen.get()

    response = client.get(
        reverse("klachten:klant-bijlage", args=[secrets.token_urlsafe(32), bijlage.pk])
    )

    assert response.status_code == 404


def test_geanonimiseerde_klacht_toont_en_geeft_geen_bijlagen(client, klacht):
    bijlage = klacht.bijlagen.get()
    Klacht.objects.filter(pk=klacht.pk).update(geanonimiseerd_op=timezone.now())

    response = client.get(download_url(klacht, bijlage))
    pagina = client.get(status_url(klacht)).content.decode()

    assert response.status_code == 404
    assert download_url(klacht, bijlage) not in pagina


def test_een_bijlage_met_een_ander_type_dan_toegestaan_wordt_niet_geserveerd(client, klacht):
    bijlage = klacht.bijlagen.get()
    bijlage.mime_type = "text/html"
    bijlage.save()

    assert client.get(download_url(klacht, bijlage)).status_code == 404


def test_een_bestand_dat_geen_toegestaan_type_meer_is_wordt_niet_geserveerd(client, klacht):
    bijlage = klacht.bijlagen.get()
    with bijlage.bestand.storage.open(bijlage.bestand.name, "wb") as bestand:
        bestand.write(b"<html><script>alert(1)</script></html>")

    assert client.get(download_url(klacht, bijlage)).status_code == 404
