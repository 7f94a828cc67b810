"""Every time staff open a dossier or an attachment it is logged (who, what, when); the beheerder
searches that log (DESIGN.md section 10; issue 8, security)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from klachten import services
from klachten.models import Inzage, InzageSoort
from tests.api import api_sleutel_kop
from tests.factories import KlachtFactory, pdf_bestand

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheerder(beheerder):
    """The beheerder works in the Django admin (DESIGN.md section 2)."""
    beheerder.is_staff = True
    beheerder.save(update_fields=["is_staff"])
    return beheerder


@pytest.fixture
def klacht(label, categorie):
    return KlachtFactory(label=label, categorie=categorie, bijlagen=[pdf_bestand("nota.pdf")])


def test_een_dossier_openen_wordt_vastgelegd(client, behandelaar, klacht):
    client.force_login(behandelaar)
    response = client.get(
        reverse("klachten:dossier", args=[klacht.dossiernummer]), REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 200

    inzage = Inzage.objects.get()
    assert (inzage.medewerker, inzage.klacht, inzage.soort) == (
        behandelaar,
        klacht,
        InzageSoort.DOSSIER,
    )
    assert inzage.ip_adres == "192.0.2.10"
    assert abs(inzage.op - klacht.ontvangen_op) < dt.timedelta(minutes=1)


def test_een_bijlage_downloaden_wordt_vastgelegd_en_komt_als_download(client, behandelaar, klacht):
    client.force_login(behandelaar)
    bijlage = klacht.bijlagen.get()
    response = client.get(reverse("klachten:bijlage", args=[bijlage.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    inzage = Inzage.objects.get()
    assert (inzage.soort, inzage.bijlage, inzage.bijlage_naam) == (
        InzageSoort.BIJLAGE,
        bijlage,
        "nota.pdf",
    )


def test_bijlagen_staan_buiten_de_webroot(klacht):
    bestand = Path(klacht.bijlagen.get().bestand.path).resolve()
    for webroot in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not bestand.is_relative_to(Path(webroot).resolve())
    # No URL serves the media directory: only the permission-checked view.
    assert reverse("klachten:bijlage", args=[1]).startswith("/medewerker/")


def test_wat_een_medewerker_niet_mag_zien_wordt_niet_geopend_en_niet_gelogd(
    client, behandelaar_b, klacht
):
    client.force_login(behandelaar_b)
    assert client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).status_code == 404
    bijlage = klacht.bijlagen.get()
    assert client.get(reverse("klachten:bijlage", args=[bijlage.pk])).status_code == 404
    assert not Inzage.objects.exists()


def test_een_klacht_opvragen_via_de_api_wordt_vastgelegd(systeemkoppeling, label, categorie):
    api = APIClient()
    api.credentials(**api_sleutel_kop(systeemkoppeling))
    klacht = KlachtFactory(label=label, categorie=categorie, ingediend_door=systeemkoppeling)

    assert api.get(f"/api/v1/klachten/{klacht.dossiernummer}/").status_code == 200
    assert api.get(f"/api/v1/klachten/{klacht.dossiernummer}/tijdlijn/").status_code == 200
    # A page of the list holds the customers' data too: each complaint on it is logged.
    assert api.get("/api/v1/klachten/").status_code == 200

    assert list(Inzage.objects.values_list("soort", "medewerker", "klacht")) == [
        (InzageSoort.API, systeemkoppeling.pk, klacht.pk),
        (InzageSoort.API, systeemkoppeling.pk, klacht.pk),
        (InzageSoort.API, systeemkoppeling.pk, klacht.pk),
    ]


def test_een_actiepagina_openen_wordt_vastgelegd(client, behandelaar, klacht):
    """An action's page shows the customer's data and the message: the dossier is opened."""
    client.force_login(behandelaar)
    url = reverse("klachten:actie", args=[klacht.dossiernummer, "notitie-toevoegen"])
    assert client.get(url).status_code == 200
    assert list(Inzage.objects.values_list("soort", flat=True)) == [InzageSoort.DOSSIER]


def test_een_oude_versie_of_een_bericht_openen_in_beheer_wordt_vastgelegd(
    client, beheerder, behandelaar, klacht
):
    services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)  # a message to the customer
    client.force_login(beheerder)
    versie = klacht.history.first()
    url = reverse("admin:klachten_klacht_simple_history", args=[klacht.pk, versie.history_id])
    assert client.get(url).status_code == 200
    bericht = klacht.berichten.first()
    assert (
        client.get(reverse("admin:klachten_bericht_change", args=[bericht.pk])).status_code == 200
    )
    assert list(Inzage.objects.values_list("soort", "klacht")) == [
        (InzageSoort.BEHEER, klacht.pk),
        (InzageSoort.BEHEER, klacht.pk),
    ]


def test_een_dossier_openen_in_beheer_wordt_vastgelegd(client, beheerder, klacht):
    client.force_login(beheerder)
    url = reverse("admin:klachten_klacht_change", args=[klacht.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:klachten_klacht_history", args=[klacht.pk])).status_code == 200
    assert list(Inzage.objects.values_list("soort", flat=True)) == [InzageSoort.BEHEER] * 2


def test_de_beheerder_zoekt_in_het_inzagelog(client, beheerder, behandelaar, teamleider, klacht):
    andere = KlachtFactory(label=klacht.label, categorie=klacht.categorie)
    for gebruiker, dossier in ((behandelaar, klacht), (teamleider, andere)):
        client.force_login(gebruiker)
        client.get(reverse("klachten:dossier", args=[dossier.dossiernummer]))

    client.force_login(beheerder)
    lijst = reverse("admin:klachten_inzage_changelist")
    op_nummer = client.get(lijst, {"q": klacht.dossiernummer}).content.decode()
    assert klacht.dossiernummer in op_nummer
    assert andere.dossiernummer not in op_nummer
    op_persoon = client.get(lijst, {"q": teamleider.username}).content.decode()
    assert andere.dossiernummer in op_persoon
    assert klacht.dossiernummer not in op_persoon
    # A log: nobody changes or deletes a line, not even the beheerder.
    inzage = Inzage.objects.first()
    assert client.get(reverse("admin:klachten_inzage_add")).status_code == 403
    assert client.post(reverse("admin:klachten_inzage_delete", args=[inzage.pk])).status_code == 403


def test_alleen_de_beheerder_ziet_het_inzagelog(
    client, beheerder, behandelaar, teamleider, directie, klacht
):
    client.force_login(behandelaar)
    client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    lijst = reverse("admin:klachten_inzage_changelist")
    for gebruiker in (behandelaar, teamleider, directie):
        client.force_login(gebruiker)
        response = client.get(lijst)
        # Not staff: the admin sends them to its login page, the log is not shown.
        assert response.status_code == 302, gebruiker.username
        assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(beheerder)
    response = client.get(lijst)
    assert response.status_code == 200
    assert klacht.dossiernummer in response.content.decode()
    assert str(behandelaar) in response.content.decode()  # who opened it
