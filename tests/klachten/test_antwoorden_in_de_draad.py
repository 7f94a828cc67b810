"""Replying to the customer from the dossier (issue 17): inline, with the message template, sent
through the outbox in the customer's e-mail thread (In-Reply-To and References of the customer's
last e-mail, as the real SMTP server receives them); the forms that answer the customer show the
conversation they answer."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from klachten import berichten, services
from klachten.models import Bericht
from klachten.workflow import BerichtSoort, Status
from tests.inkomend import annas_klacht, bevestiging, monster
from tests.processen import Mailserver

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(behandelaar, categorie):
    return annas_klacht(Status.IN_ONDERZOEK, behandelaar=behandelaar, categorie=categorie)


@pytest.fixture
def klant_mailde(mailbox, dossier):
    ons_id = berichten.message_id(bevestiging(dossier))
    inkomend = berichten.inkomend_ontvangen(
        monster("antwoord-nl-gmail.eml", message_id=ons_id), mailbox=mailbox
    )
    return inkomend, ons_id


def _dossier_url(klacht):
    return reverse("klachten:dossier", kwargs={"dossiernummer": klacht.dossiernummer})


def test_inline_antwoord_met_sjabloon_in_de_draad_van_de_klant(
    client, behandelaar, dossier, klant_mailde
):
    inkomend, ons_id = klant_mailde
    client.force_login(behandelaar)
    pagina = client.get(_dossier_url(dossier)).content.decode()
    assert 'id="kop-antwoorden"' in pagina
    assert f"Uw bericht over klacht {dossier.dossiernummer}" in pagina  # the reactie's template
    dossier.refresh_from_db()

    antwoord = client.post(
        reverse(
            "klachten:actie",
            kwargs={"dossiernummer": dossier.dossiernummer, "actie": "reactie-sturen"},
        ),
        {
            "versie": dossier.versie,
            "onderwerp": f"Re: uw klacht {dossier.dossiernummer}",
            "tekst": "Beste mevrouw De Vries, de declaratie wordt deze week betaald.",
        },
    )

    assert antwoord.status_code == 302
    bericht = Bericht.objects.filter(klacht=dossier, soort=BerichtSoort.REACTIE).get()
    assert bericht.in_reply_to == inkomend.message_id
    assert bericht.references.split() == [ons_id, inkomend.message_id]


def test_zonder_email_van_de_klant_geen_draad(dossier, behandelaar):
    services.statusupdate_sturen(klacht=dossier, door=behandelaar)
    bericht = Bericht.objects.get(klacht=dossier, soort=BerichtSoort.STATUSUPDATE)
    assert (bericht.in_reply_to, bericht.references) == ("", "")


def test_de_smtp_server_ontvangt_in_reply_to_en_references(
    dossier, behandelaar, klant_mailde, settings
):
    inkomend, ons_id = klant_mailde
    services.statusupdate_sturen(
        klacht=dossier, door=behandelaar, onderwerp="Stand van zaken", tekst="Bijna klaar."
    )
    with Mailserver() as mail:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.poort
        berichten.openstaande_berichten_verzenden(op=timezone.now() + dt.timedelta(minutes=5))
        ontvangen = [m for m in mail.aan(dossier.klant_email) if m["Subject"] == "Stand van zaken"]

    assert len(ontvangen) == 1
    assert str(ontvangen[0]["In-Reply-To"]) == inkomend.message_id
    assert str(ontvangen[0]["References"]).split() == [ons_id, inkomend.message_id]


@pytest.mark.parametrize("actie", ["statusupdate-sturen", "antwoord-sturen"])
def test_het_antwoordformulier_toont_het_gesprek(client, behandelaar, dossier, klant_mailde, actie):
    client.force_login(behandelaar)
    pagina = client.get(
        reverse("klachten:actie", kwargs={"dossiernummer": dossier.dossiernummer, "actie": actie})
    ).content.decode()
    gesprek = pagina.split('id="kop-gesprek"')[1]
    assert "De declaratie van de fysiotherapeut is nog steeds niet betaald." in gesprek
    assert '<details class="email-geschiedenis">' in gesprek


def test_een_ander_actieformulier_toont_geen_gesprek(client, behandelaar, dossier, klant_mailde):
    client.force_login(behandelaar)
    pagina = client.get(
        reverse(
            "klachten:actie",
            kwargs={"dossiernummer": dossier.dossiernummer, "actie": "notitie-toevoegen"},
        )
    ).content.decode()
    assert 'id="kop-gesprek"' not in pagina
