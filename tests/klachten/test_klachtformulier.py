"""The public complaint form at /klacht/ and /<label>/klacht/ (issue 2, "What a user gets")."""

import pytest
from django.test import Client
from django.urls import reverse

from klachten.models import Bericht, BerichtStatus, Kanaal, Klacht
from klachten.workflow import BerichtSoort, Status
from tests.factories import LabelFactory

pytestmark = pytest.mark.django_db


def test_formulier_toont_de_naam_van_het_standaardlabel(client, label, categorie):
    response = client.get(reverse("klachten:indienen"))

    assert response.status_code == 200
    assert label.naam in response.content.decode()
    assert response.context["label"] == label


def test_webklacht_wordt_geregistreerd_en_meteen_bevestigd(
    client, label, klacht_formulier_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 302
    assert response.url == reverse("klachten:ontvangen")
    klacht = Klacht.objects.get()
    assert klacht.kanaal == Kanaal.WEBFORMULIER
    assert klacht.label == label
    assert klacht.status == Status.ONTVANGST_BEVESTIGD
    assert klacht.ontvangst_bevestigd_op is not None
    assert klacht.privacy_akkoord_op is not None
    assert klacht.klant_naam == "Anna de Vries"
    assert klacht.polisnummer == "P-123456"
    assert klacht.gewenste_oplossing == "Dat de declaratie alsnog wordt vergoed."

    bericht = Bericht.objects.get()
    assert bericht.klacht == klacht
    assert bericht.soort == BerichtSoort.ONTVANGSTBEVESTIGING
    assert bericht.aan == "anna@example.nl"
    assert klacht.dossiernummer in bericht.onderwerp
    assert klacht.dossiernummer in bericht.tekst
    # No typed text to an address the customer has not proven (test_geen_spamrelais).
    assert "zes weken nog niet betaald" not in bericht.tekst
    assert "Anna de Vries" not in bericht.tekst
    assert bericht.verstuurd_door is None

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["anna@example.nl"]
    assert klacht.dossiernummer in mail.subject
    assert klacht.dossiernummer in mail.body
    assert label.naam in mail.subject
    # The label's address, with the dossier's secret: a reply lands on this dossier (issue 17).
    lokaal, _at, domein = label.email.partition("@")
    assert mail.reply_to == [f"{lokaal}+{klacht.antwoord_sleutel}@{domein}"]

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.VERZONDEN
    assert bericht.verzonden_op is not None
    assert bericht.pogingen == 1


def test_bevestigingspagina_toont_het_dossiernummer_en_de_statuslink(client, klacht_formulier_data):
    response = client.post(reverse("klachten:indienen"), klacht_formulier_data, follow=True)

    klacht = Klacht.objects.get()
    inhoud = response.content.decode()
    assert response.status_code == 200
    assert f'id="dossiernummer">{klacht.dossiernummer}<' in inhoud
    assert reverse("klachten:status", args=[klacht.status_token]) in inhoud


def test_statuslink_toont_de_klacht_aan_de_klant(client, klacht_formulier_data):
    client.post(reverse("klachten:indienen"), klacht_formulier_data)
    klacht = Klacht.objects.get()

    response = client.get(reverse("klachten:status", args=[klacht.status_token]))

    assert response.status_code == 200
    assert klacht.dossiernummer in response.content.decode()


def test_onbekende_statuslink_geeft_404(client, db):
    response = client.get(reverse("klachten:status", args=["geen-geldig-token"]))

    assert response.status_code == 404


def test_formulier_van_een_label_hoort_bij_dat_label(
    client, label, klacht_formulier_data, mailoutbox, django_capture_on_commit_callbacks
):
    noord = LabelFactory(naam="Rechtshulp Noord", slug="noord", email="klachten@noord.example")
    url = reverse("klachten:indienen-label", args=["noord"])

    pagina = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, klacht_formulier_data)
    bevestiging = client.get(reverse("klachten:ontvangen"))

    assert pagina.status_code == 200
    assert "Rechtshulp Noord" in pagina.content.decode()
    assert Klacht.objects.get().label == noord
    assert "Rechtshulp Noord" in bevestiging.content.decode()
    assert "Rechtshulp Noord" in mailoutbox[0].subject
    sleutel = Klacht.objects.get().antwoord_sleutel
    assert mailoutbox[0].reply_to == [f"klachten+{sleutel}@noord.example"]


def test_onbekend_label_in_de_url_geeft_404(client, label, klacht_formulier_data):
    url = reverse("klachten:indienen-label", args=["bestaat-niet"])

    assert client.get(url).status_code == 404
    assert client.post(url, klacht_formulier_data).status_code == 404
    assert not Klacht.objects.exists()


def test_label_met_eigen_hostnaam_wordt_gekozen_op_de_host(
    client, settings, label, klacht_formulier_data
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "klachten.noord.example"]
    noord = LabelFactory(naam="Rechtshulp Noord", slug="noord", hostnaam="klachten.noord.example")

    pagina = client.get(reverse("klachten:indienen"), HTTP_HOST="klachten.noord.example")
    client.post(
        reverse("klachten:indienen"), klacht_formulier_data, HTTP_HOST="klachten.noord.example"
    )
    anders = client.get(reverse("klachten:indienen"))

    assert pagina.context["label"] == noord
    assert "Rechtshulp Noord" in pagina.content.decode()
    assert Klacht.objects.get().label == noord
    assert anders.context["label"] == label


def test_honingpot_ingevuld_slaat_niets_op(client, klacht_formulier_data, mailoutbox):
    klacht_formulier_data["website"] = "http://goedkope-pillen.example"

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 302
    assert response.url == reverse("klachten:ontvangen")
    assert not Klacht.objects.exists()
    assert not Bericht.objects.exists()
    assert mailoutbox == []


def test_te_veel_inzendingen_per_ip_geeft_een_vriendelijke_pagina(
    client, settings, klacht_formulier_data
):
    settings.KLACHT_FORMULIER_LIMIET = "2/h"
    url = reverse("klachten:indienen")

    eerste = client.post(url, klacht_formulier_data)
    tweede = client.post(url, klacht_formulier_data)
    derde = client.post(url, klacht_formulier_data)

    assert (eerste.status_code, tweede.status_code) == (302, 302)
    assert derde.status_code == 429
    assert "U heeft het formulier vaak verstuurd" in derde.content.decode()
    assert Klacht.objects.count() == 2
    # Reading the form is never limited.
    assert client.get(url).status_code == 200


def test_limiet_geldt_per_ip_adres(client, settings, klacht_formulier_data):
    settings.KLACHT_FORMULIER_LIMIET = "1/h"
    url = reverse("klachten:indienen")

    client.post(url, klacht_formulier_data, REMOTE_ADDR="192.0.2.1")
    geblokkeerd = client.post(url, klacht_formulier_data, REMOTE_ADDR="192.0.2.1")
    ander_adres = client.post(url, klacht_formulier_data, REMOTE_ADDR="192.0.2.2")

    assert geblokkeerd.status_code == 429
    assert ander_adres.status_code == 302
    assert Klacht.objects.count() == 2


def test_formulier_heeft_een_csrf_token(client, label, categorie):
    response = client.get(reverse("klachten:indienen"))

    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_formulier_zonder_csrf_token_wordt_geweigerd(label, klacht_formulier_data):
    response = Client(enforce_csrf_checks=True).post(
        reverse("klachten:indienen"), klacht_formulier_data
    )

    assert response.status_code == 403
    assert not Klacht.objects.exists()


def test_taal_kan_naar_engels(client, label, categorie):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("klachten:indienen")}
    )
    pagina = client.get(reverse("klachten:indienen"))

    assert response.status_code == 302
    assert response.url == reverse("klachten:indienen")
    assert response.cookies["django_language"].value == "en"
    assert pagina.headers["Content-Language"] == "en"
    assert '<html lang="en">' in pagina.content.decode()


def test_webklacht_onthoudt_de_taal_van_de_klant(client, klacht_formulier_data):
    client.post(reverse("set_language"), {"language": "en", "next": "/klacht/"})

    client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert Klacht.objects.get().taal == "en"
