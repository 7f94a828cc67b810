"""Attachment preview in the dossier (issue 19): PDF and images shown in the page, served inline
through the permission-checked view with the content type read from the content, `nosniff`,
in the access log as viewed; never SVG, HTML or anything else inline (a download only); the CSP
lets only our own pages frame the preview."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from klachten.models import Bijlage, Inzage, InzageSoort, Klacht
from tests.factories import KlachtFactory, docx_bestand, jpg_bestand, pdf_bestand, png_bestand

pytestmark = pytest.mark.django_db

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><body><script>alert(1)</script></body></html>"


@pytest.fixture
def klacht(label, categorie) -> Klacht:
    return KlachtFactory(label=label, categorie=categorie)


def bijlage(klacht: Klacht, naam: str, inhoud: bytes, mime: str) -> Bijlage:
    return Bijlage.objects.create(
        klacht=klacht,
        bestand=ContentFile(inhoud, name=uuid.uuid4().hex),
        oorspronkelijke_naam=naam,
        mime_type=mime,
        grootte=len(inhoud),
    )


def bekijken(client, b: Bijlage):
    return client.get(reverse("klachten:bijlage-bekijken", args=[b.pk]))


def gelezen(upload) -> bytes:
    upload.seek(0)
    return upload.read()


@pytest.mark.parametrize(
    ("naam", "inhoud", "mime"),
    [
        ("nota.pdf", gelezen(pdf_bestand()), "application/pdf"),
        ("foto.png", gelezen(png_bestand()), "image/png"),
        ("scan.jpg", gelezen(jpg_bestand()), "image/jpeg"),
        ("schade.gif", GIF, "image/gif"),
        ("schade.webp", WEBP, "image/webp"),
    ],
)
def test_pdf_en_afbeeldingen_worden_inline_getoond_en_vastgelegd(
    client, behandelaar, klacht, naam, inhoud, mime
):
    b = bijlage(klacht, naam, inhoud, mime)
    client.force_login(behandelaar)

    response = bekijken(client, b)

    assert response.status_code == 200
    assert response["Content-Type"] == mime
    assert response["Content-Disposition"].startswith("inline;")
    assert naam in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == inhoud
    # Only our own pages may frame it (the dossier's <iframe>); nothing else of the CSP loosens.
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    inzage = Inzage.objects.get()
    assert (
        inzage.medewerker,
        inzage.klacht,
        inzage.soort,
        inzage.bijlage,
        inzage.bijlage_naam,
    ) == (
        behandelaar,
        klacht,
        InzageSoort.BIJLAGE_BEKEKEN,
        b,
        naam,
    )


@pytest.mark.parametrize(
    ("naam", "inhoud", "mime"),
    [
        ("tekening.svg", SVG, "image/svg+xml"),
        ("pagina.html", HTML, "text/html"),
        # Stored as an image, but the content is HTML: the content decides.
        ("foto.png", HTML, "image/png"),
        ("toelichting.docx", gelezen(docx_bestand()), docx_bestand().content_type),
        # A PDF stored as an image: not served inline under either type.
        ("nota.png", gelezen(pdf_bestand()), "image/png"),
    ],
)
def test_svg_html_en_andere_typen_nooit_inline_wel_als_download(
    client, behandelaar, klacht, naam, inhoud, mime
):
    b = bijlage(klacht, naam, inhoud, mime)
    client.force_login(behandelaar)

    assert bekijken(client, b).status_code == 404
    assert not Inzage.objects.exists()

    download = client.get(reverse("klachten:bijlage", args=[b.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert Inzage.objects.get().soort == InzageSoort.BIJLAGE


def test_wie_de_klacht_niet_mag_zien_krijgt_404_en_niets_in_het_log(client, behandelaar_b, klacht):
    b = bijlage(klacht, "nota.pdf", gelezen(pdf_bestand()), "application/pdf")
    client.force_login(behandelaar_b)

    assert bekijken(client, b).status_code == 404
    assert not Inzage.objects.exists()


def test_zonder_inloggen_geen_voorbeeld(client, klacht):
    b = bijlage(klacht, "nota.pdf", gelezen(pdf_bestand()), "application/pdf")

    response = bekijken(client, b)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not Inzage.objects.exists()


def test_het_dossier_toont_een_voorbeeld_voor_pdf_en_afbeelding_niet_voor_de_rest(
    client, behandelaar, klacht
):
    pdf = bijlage(klacht, "nota.pdf", gelezen(pdf_bestand()), "application/pdf")
    png = bijlage(klacht, "foto.png", gelezen(png_bestand()), "image/png")
    svg = bijlage(klacht, "tekening.svg", SVG, "image/svg+xml")
    klacht.gebeurtenissen.get().bijlagen.add(pdf, png, svg)
    client.force_login(behandelaar)

    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    pagina = response.content.decode()
    url = lambda b: reverse("klachten:bijlage-bekijken", args=[b.pk])  # noqa: E731
    assert f'<iframe src="{url(pdf)}" title="nota.pdf" loading="lazy"></iframe>' in pagina
    assert f'<img src="{url(png)}" alt="Voorbeeld van foto.png" loading="lazy">' in pagina
    assert url(svg) not in pagina
    assert reverse("klachten:bijlage", args=[svg.pk]) in pagina  # download only
    assert pagina.count('<details class="bijlage-voorbeeld">') == 2
    # The previews load when opened: rendering the dossier views no attachment.
    assert not Inzage.objects.filter(soort=InzageSoort.BIJLAGE_BEKEKEN).exists()
    # The page's own CSP lets it frame our PDF view and show our images, nothing from elsewhere.
    csp = response["Content-Security-Policy"]
    assert "frame-src 'self'" in csp
    assert "img-src 'self' data:" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
