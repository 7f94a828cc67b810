"""Invalid input on the public form and the staff intake: a field error in Dutch, what was typed is
kept, and nothing is stored (issue 2, acceptance 7). The API is covered in test_api.py."""

import pytest
from django.urls import reverse

from klachten.models import OMSCHRIJVING_MAX, Bericht, Bijlage, Klacht

pytestmark = pytest.mark.django_db


def niets_opgeslagen() -> bool:
    return not (Klacht.objects.exists() or Bericht.objects.exists() or Bijlage.objects.exists())


@pytest.mark.parametrize(
    ("veld", "waarde", "melding"),
    [
        ("klant_naam", "", "Vul uw naam in. Anonieme klachten behandelen we niet."),
        ("klant_naam", "   ", "Vul uw naam in. Anonieme klachten behandelen we niet."),
        ("klant_email", "", "Vul uw e-mailadres in, zodat we u kunnen antwoorden."),
        ("klant_email", "anna-at-example", "Vul een geldig e-mailadres in"),
        ("categorie", "", "Kies waar uw klacht over gaat."),
        ("omschrijving", "", "Beschrijf uw klacht."),
        ("omschrijving", "x" * (OMSCHRIJVING_MAX + 1), "5000"),
        ("gewenste_oplossing", "x" * (OMSCHRIJVING_MAX + 1), "5000"),
        ("privacy_akkoord", None, "U moet akkoord gaan met de privacyverklaring."),
    ],
)
def test_klachtformulier_met_fout_geeft_veldfout_en_slaat_niets_op(
    client, klacht_formulier_data, mailoutbox, veld, waarde, melding
):
    if waarde is None:
        del klacht_formulier_data[veld]
    else:
        klacht_formulier_data[veld] = waarde

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [veld]
    assert any(melding in fout for fout in form.errors[veld])
    assert melding.replace("'", "&#x27;") in response.content.decode()
    assert niets_opgeslagen()
    assert mailoutbox == []


def test_omschrijving_van_precies_5000_tekens_mag(client, klacht_formulier_data):
    klacht_formulier_data["omschrijving"] = "x" * OMSCHRIJVING_MAX

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 302
    assert len(Klacht.objects.get().omschrijving) == OMSCHRIJVING_MAX


def test_klachtformulier_houdt_ingevulde_gegevens_na_een_fout(client, klacht_formulier_data):
    klacht_formulier_data["klant_email"] = ""

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    inhoud = response.content.decode()
    assert 'value="Anna de Vries"' in inhoud
    assert 'value="P-123456"' in inhoud
    assert "Mijn declaratie van de fysiotherapeut is na zes weken nog niet betaald." in inhoud
    assert "foutsamenvatting" in inhoud
    assert 'href="#id_klant_email"' in inhoud  # the summary links to the field


def test_klachtformulier_weigert_een_inactieve_categorie(client, klacht_formulier_data, categorie):
    categorie.actief = False
    categorie.save()

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    assert "categorie" in response.context["form"].errors
    assert niets_opgeslagen()


@pytest.fixture
def registratie_data(label, categorie, afdeling_a):
    return {
        "kanaal": "e-mail",
        "ontvangen_op": "2026-01-05T10:00",
        "label": label.pk,
        "klant_naam": "Piet Jansen",
        "klant_email": "piet@example.nl",
        "klant_telefoon": "",
        "polisnummer": "",
        "afdeling": afdeling_a.pk,
        "categorie": categorie.pk,
        "urgentie": "normaal",
        "omschrijving": "Klant mailde over een onterechte premieverhoging.",
        "gewenste_oplossing": "",
        "oplossing": "",
    }


@pytest.mark.parametrize(
    ("veld", "waarde"),
    [
        ("klant_naam", ""),
        ("klant_email", ""),
        ("klant_email", "geen-adres"),
        ("kanaal", ""),
        ("kanaal", "webformulier"),  # the customer fills in the web form, not staff
        ("ontvangen_op", ""),
        ("ontvangen_op", "gisteren"),
        ("ontvangen_op", "2099-01-01T10:00"),  # not in the future
        ("categorie", ""),
        ("afdeling", ""),
        ("label", ""),
        ("urgentie", "kritiek"),
        ("omschrijving", ""),
        ("omschrijving", "x" * (OMSCHRIJVING_MAX + 1)),
    ],
)
def test_registratieformulier_met_fout_geeft_veldfout_en_slaat_niets_op(
    behandelaar_client, registratie_data, veld, waarde
):
    registratie_data[veld] = waarde

    response = behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [veld]
    assert niets_opgeslagen()


def test_registratieformulier_houdt_ingevulde_gegevens_na_een_fout(
    behandelaar_client, registratie_data
):
    registratie_data["klant_email"] = ""

    response = behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    inhoud = response.content.decode()
    assert 'value="Piet Jansen"' in inhoud
    assert "Klant mailde over een onterechte premieverhoging." in inhoud
    assert 'value="2026-01-05T10:00"' in inhoud
