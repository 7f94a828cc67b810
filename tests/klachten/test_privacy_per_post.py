"""AVG requests of a customer without an e-mail address (issue 18: a phone complaint registered
with a postal address only, or a letter): the beheerder finds them by name and postcode or by a
dossiernummer, downloads what is stored and erases it; the request log keeps neither name nor
address."""

import io
import uuid
import zipfile

import pytest
from django.urls import reverse

from klachten import avg
from klachten.models import AvgVerzoek, Kanaal, Klacht
from klachten.workflow import Status
from tests.factories import KlachtFactory, klacht_in_status

pytestmark = pytest.mark.django_db

URL = reverse("klachten:privacy")


def postadres(postcode: str) -> str:
    return f"Dorpsstraat 12\n{postcode}  Ergenshuizen"


@pytest.fixture
def beheerder_client(client, beheerder):
    client.force_login(beheerder)
    return client


@pytest.fixture
def naam() -> str:
    return f"Gerrit {uuid.uuid4().hex[:8]}"


@pytest.fixture
def per_post(naam, behandelaar, categorie) -> Klacht:
    """A closed phone complaint of a customer with a postal address and no e-mail."""
    return klacht_in_status(
        Status.AFGESLOTEN,
        door=behandelaar,
        categorie=categorie,
        kanaal=Kanaal.TELEFOON,
        klant_naam=naam,
        klant_email="",
        klant_postadres=postadres("1234 AB"),
        omschrijving="Mijn brief over de nota POST-VERHAAL-6612 kreeg geen antwoord.",
    )


@pytest.fixture
def anderen(naam, categorie):
    """The same name elsewhere, and someone at that postcode with an e-mail address: not theirs."""
    return [
        KlachtFactory(
            categorie=categorie,
            klant_naam=naam,
            klant_email="",
            klant_postadres=postadres("9999 ZZ"),
        ),
        KlachtFactory(
            categorie=categorie,
            klant_naam=naam,
            klant_email=f"{uuid.uuid4().hex}@example.nl",
            klant_postadres=postadres("1234 AB"),
        ),
    ]


def test_zoeken_op_naam_en_postcode_vindt_de_klant_zonder_emailadres(
    beheerder_client, per_post, anderen, naam
):
    response = beheerder_client.post(
        URL, {"naam": f"  {naam.upper()} ", "adres": "1234ab", "actie": "zoeken"}
    )

    assert response.status_code == 200
    overzicht = response.context["overzicht"]
    titels = [str(o.titel) for o in overzicht.per_bron["Klachten"]]
    assert titels == [f"Klacht {per_post.dossiernummer}"]
    # Only the complaints hold data of a customer without an e-mail address.
    assert list(overzicht.per_bron) == ["Klachten"]
    html = response.content.decode()
    for ander in anderen:
        assert ander.dossiernummer not in html
    # The buttons carry the customer on: name and postcode, no e-mail address.
    assert '<input type="hidden" name="adres" value="1234ab">' in html
    assert 'value="inzage"' in html
    assert 'value="wissen"' in html


def test_zoeken_op_dossiernummer_vindt_de_klant_en_haar_andere_klachten(
    beheerder_client, per_post, naam, categorie
):
    tweede = KlachtFactory(
        categorie=categorie, klant_naam=naam, klant_email="", klant_postadres=postadres("1234 AB")
    )

    response = beheerder_client.post(
        URL, {"dossiernummer": per_post.dossiernummer.lower(), "actie": "zoeken"}
    )

    html = response.content.decode()
    assert per_post.dossiernummer in html
    assert tweede.dossiernummer in html
    # Still open: erasing waits, the page says why.
    assert "nog in behandeling" in html


def test_een_dossiernummer_van_een_klant_met_emailadres_zoekt_op_dat_adres(
    beheerder_client, anderen
):
    met_email = anderen[1]

    response = beheerder_client.post(
        URL, {"dossiernummer": met_email.dossiernummer, "actie": "zoeken"}
    )

    assert response.context["sleutel"] == met_email.klant_email
    assert met_email.dossiernummer in response.content.decode()


def test_een_onbekend_dossiernummer_of_alleen_een_naam_geeft_een_melding(beheerder_client, naam):
    onbekend = beheerder_client.post(URL, {"dossiernummer": "KL-0000-000000", "actie": "zoeken"})
    alleen_naam = beheerder_client.post(URL, {"naam": naam, "actie": "zoeken"})
    niets = beheerder_client.post(URL, {"actie": "zoeken"})

    assert "Geen klacht met dit dossiernummer" in onbekend.content.decode()
    assert "de naam én de postcode" in alleen_naam.content.decode()
    assert "Zoek op e-mailadres, op naam en postcode" in niets.content.decode()
    for response in (onbekend, alleen_naam, niets):
        assert "overzicht" not in response.context
    assert not AvgVerzoek.objects.exists()


def test_inzage_voor_een_klant_per_post(beheerder_client, per_post, anderen, naam):
    response = beheerder_client.post(URL, {"naam": naam, "adres": "1234 AB", "actie": "inzage"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archief = zipfile.ZipFile(io.BytesIO(response.content))
    html = archief.read("inzage.html").decode()
    assert naam in html
    assert "POST-VERHAAL-6612" in html
    assert per_post.dossiernummer in html
    for ander in anderen:
        assert ander.dossiernummer not in html
    verzoek = AvgVerzoek.objects.get()
    assert verzoek.soort == "inzage"
    assert verzoek.email_gemaskeerd == "G*** (per post)"
    assert naam not in str(verzoek.__dict__)
    assert "1234" not in str(verzoek.__dict__)


def test_wissen_voor_een_klant_per_post(beheerder_client, per_post, anderen, naam):
    gegevens = {"naam": naam, "adres": "1234 AB", "actie": "wissen", "bevestigen": "on"}

    response = beheerder_client.post(URL, gegevens)

    assert response.status_code == 302
    klacht = Klacht.objects.get(pk=per_post.pk)
    assert klacht.geanonimiseerd_op is not None
    assert naam not in klacht.klant_naam
    assert klacht.klant_postadres == ""
    # The others stay as they were.
    for ander in anderen:
        assert Klacht.objects.get(pk=ander.pk).klant_naam == naam
    verzoek = AvgVerzoek.objects.get(soort="wissen")
    assert verzoek.aantallen == {"Klachten": 1}
    # A later search finds the request, and nothing of the customer any more.
    zoeken = beheerder_client.post(URL, {"naam": naam, "adres": "1234 AB", "actie": "zoeken"})
    assert list(zoeken.context["eerdere_verzoeken"]) == [verzoek]
    assert zoeken.context["overzicht"].aantal == 0
    assert avg.overzicht(avg.Postklant(naam=naam, adres="1234AB")).aantal == 0
