"""Attachments: PDF, JPG, PNG or DOCX by content, at most 10 MB each, at most 5 (issue 2, acceptance
7); and only through the permission-checked download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from klachten.models import Bericht, Bijlage, Klacht
from klachten.uploads import TOEGESTAAN
from tests.factories import docx_bestand, exe_als_pdf, jpg_bestand, pdf_bestand, png_bestand

pytestmark = pytest.mark.django_db

TIEN_MB = 10 * 1024 * 1024


def niets_opgeslagen() -> bool:
    return not (Klacht.objects.exists() or Bericht.objects.exists() or Bijlage.objects.exists())


def pdf_van(grootte: int, naam: str = "groot.pdf") -> SimpleUploadedFile:
    kop = b"%PDF-1.4\n"
    return SimpleUploadedFile(naam, kop + b"0" * (grootte - len(kop)), "application/pdf")


def test_pdf_png_jpg_en_docx_worden_opgeslagen_met_het_type_uit_de_inhoud(
    client, klacht_formulier_data
):
    bestanden = [pdf_bestand(), png_bestand(), jpg_bestand(), docx_bestand()]
    inhoud = {b.name: b.read() for b in bestanden}
    for b in bestanden:
        b.seek(0)
    klacht_formulier_data["bijlagen"] = bestanden

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 302
    klacht = Klacht.objects.get()
    opgeslagen = {b.oorspronkelijke_naam: b for b in klacht.bijlagen.all()}
    assert {naam: b.mime_type for naam, b in opgeslagen.items()} == {
        "brief.pdf": TOEGESTAAN["pdf"],
        "foto.png": TOEGESTAAN["png"],
        "scan.jpg": TOEGESTAAN["jpg"],
        "toelichting.docx": TOEGESTAAN["docx"],
    }
    for naam, bijlage in opgeslagen.items():
        assert bijlage.grootte == len(inhoud[naam])
        with bijlage.bestand.open("rb") as f:
            assert f.read() == inhoud[naam]
        # The customer's file name never reaches the disk.
        assert naam not in bijlage.bestand.name


def test_type_komt_uit_de_inhoud_niet_uit_de_naam(client, klacht_formulier_data):
    klacht_formulier_data["bijlagen"] = png_bestand("foto.pdf")

    client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert Bijlage.objects.get().mime_type == "image/png"


def test_exe_hernoemd_tot_pdf_wordt_geweigerd_met_de_bestandsnaam(
    client, klacht_formulier_data, mailoutbox
):
    klacht_formulier_data["bijlagen"] = [pdf_bestand(), exe_als_pdf("factuur.pdf")]

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    fouten = response.context["form"].errors
    assert list(fouten) == ["bijlagen"]
    assert "factuur.pdf is geen toegestaan bestandstype" in fouten["bijlagen"][0]
    assert "factuur.pdf is geen toegestaan bestandstype" in response.content.decode()
    assert niets_opgeslagen()
    assert mailoutbox == []


def test_exe_hernoemd_tot_pdf_wordt_ook_bij_registratie_door_medewerker_geweigerd(
    behandelaar_client, label, categorie, afdeling_a
):
    response = behandelaar_client.post(
        reverse("klachten:registreren"),
        {
            "kanaal": "brief",
            "ontvangen_op": "2026-01-05T10:00",
            "label": label.pk,
            "klant_naam": "Piet Jansen",
            "klant_email": "piet@example.nl",
            "afdeling": afdeling_a.pk,
            "categorie": categorie.pk,
            "urgentie": "normaal",
            "omschrijving": "Brief van de klant, gescand.",
            "bijlagen": exe_als_pdf("scan-brief.pdf"),
        },
    )

    assert response.status_code == 200
    assert "scan-brief.pdf is geen toegestaan bestandstype" in str(
        response.context["form"].errors["bijlagen"]
    )
    assert "kies ze opnieuw" in response.content.decode()
    assert niets_opgeslagen()


@pytest.mark.parametrize(
    "bestand",
    [
        SimpleUploadedFile("notitie.txt", b"Gewone tekst", "text/plain"),
        SimpleUploadedFile("leeg.pdf", b"", "application/pdf"),
        SimpleUploadedFile("foto.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        SimpleUploadedFile("archief.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip"),
    ],
    ids=["tekst", "leeg", "gif", "zip"],
)
def test_andere_bestandstypen_worden_geweigerd(client, klacht_formulier_data, bestand):
    klacht_formulier_data["bijlagen"] = bestand

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    assert "bijlagen" in response.context["form"].errors
    assert niets_opgeslagen()


def test_bestand_boven_de_limiet_wordt_geweigerd_met_de_bestandsnaam(
    client, settings, klacht_formulier_data
):
    settings.BIJLAGE_MAX_BYTES = 1000
    klacht_formulier_data["bijlagen"] = pdf_van(1001, "jaaropgave.pdf")

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    fout = response.context["form"].errors["bijlagen"][0]
    assert "jaaropgave.pdf is te groot" in fout
    assert niets_opgeslagen()


def test_bestand_van_precies_de_limiet_mag(client, settings, klacht_formulier_data):
    settings.BIJLAGE_MAX_BYTES = 1000
    klacht_formulier_data["bijlagen"] = pdf_van(1000)

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 302
    assert Bijlage.objects.get().grootte == 1000


def test_bestand_van_10_mb_plus_1_byte_wordt_geweigerd(client, klacht_formulier_data):
    klacht_formulier_data["bijlagen"] = pdf_van(TIEN_MB + 1, "te-groot.pdf")

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    fout = response.context["form"].errors["bijlagen"][0]
    assert "te-groot.pdf is te groot" in fout
    assert "een bestand mag ten hoogste 10 MB zijn" in fout
    assert niets_opgeslagen()


def test_bestand_van_precies_10_mb_mag(client, klacht_formulier_data):
    klacht_formulier_data["bijlagen"] = pdf_van(TIEN_MB)

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 302
    assert Bijlage.objects.get().grootte == TIEN_MB


def test_meer_dan_5_bijlagen_wordt_geweigerd(client, klacht_formulier_data):
    klacht_formulier_data["bijlagen"] = [pdf_bestand(f"brief-{i}.pdf") for i in range(6)]

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    assert "ten hoogste 5 bijlagen" in response.context["form"].errors["bijlagen"][0]
    assert niets_opgeslagen()


def test_5_bijlagen_mogen(client, klacht_formulier_data):
    klacht_formulier_data["bijlagen"] = [pdf_bestand(f"brief-{i}.pdf") for i in range(5)]

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 302
    assert Bijlage.objects.count() == 5


def test_na_een_fout_staat_er_dat_bijlagen_opnieuw_gekozen_moeten_worden(
    client, klacht_formulier_data
):
    klacht_formulier_data["klant_naam"] = ""
    klacht_formulier_data["bijlagen"] = pdf_bestand()

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    assert response.context["form"].bijlagen_opnieuw_kiezen is True
    assert "Uw bijlagen zijn nog niet opgeslagen: kies ze opnieuw." in response.content.decode()
    assert niets_opgeslagen()


def test_zonder_bijlagen_staat_er_geen_melding_over_opnieuw_kiezen(client, klacht_formulier_data):
    klacht_formulier_data["klant_naam"] = ""

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.context["form"].bijlagen_opnieuw_kiezen is False
    assert "kies ze opnieuw" not in response.content.decode()
