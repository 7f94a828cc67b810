"""The automatic acknowledgement is composed by the worker, just before it is sent, not in the
request that filed the complaint (issue 20; klachten.berichten.uitgesteld)."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten import berichten
from klachten.berichten import samenstellen
from klachten.demo import verleden_verzonden
from klachten.models import Bericht, BerichtStatus, Kanaal
from klachten.workflow import BerichtSoort
from tests.factories import KlachtFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bevestiging(label, categorie):
    """The acknowledgement of a web complaint as the request left it (its delivery not run)."""
    klacht = KlachtFactory(
        categorie=categorie, kanaal=Kanaal.WEBFORMULIER, klant_email="anna@example.nl", taal="en"
    )
    return klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)


def test_het_verzoek_bewaart_soort_taal_en_klacht_zonder_tekst(bevestiging):
    assert bevestiging.samenstellen_in == "en"
    assert (bevestiging.onderwerp, bevestiging.tekst) == ("", "")
    assert bevestiging.status == BerichtStatus.WACHTEND


def test_de_worker_stelt_samen_verstuurt_en_bewaart_precies_wat_verstuurd_is(
    bevestiging, mailoutbox
):
    verwacht = berichten.samengesteld(bevestiging)
    assert verwacht.tekst.startswith("Dear ")
    assert bevestiging.klacht.dossiernummer in verwacht.tekst

    assert berichten.bericht_afleveren(bericht_id=bevestiging.pk) is True

    bevestiging.refresh_from_db()
    assert bevestiging.status == BerichtStatus.VERZONDEN
    assert bevestiging.samenstellen_in == ""
    assert (mailoutbox[0].subject, mailoutbox[0].body) == (bevestiging.onderwerp, bevestiging.tekst)
    assert (bevestiging.onderwerp, bevestiging.tekst) == (verwacht.onderwerp, verwacht.tekst)
    assert mailoutbox[0].extra_headers["Message-ID"] == berichten.message_id(bevestiging)


def test_dossier_en_statuspagina_tonen_de_tekst_al_voor_het_versturen(
    bevestiging, behandelaar_client, client
):
    tekst = berichten.tekst_van(bevestiging)
    eerste_regel = tekst.splitlines()[2] if len(tekst.splitlines()) > 2 else tekst
    klacht = bevestiging.klacht

    dossier = behandelaar_client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    status = client.get(reverse("klachten:status", kwargs={"token": klacht.status_token}))

    assert berichten.onderwerp_van(bevestiging) in dossier.content.decode()
    assert eerste_regel.strip()[:30] in dossier.content.decode()
    assert berichten.onderwerp_van(bevestiging) in status.content.decode()
    # Shown, not stored: the worker composes and stores it when it sends it.
    bevestiging.refresh_from_db()
    assert bevestiging.tekst == ""


def test_een_fout_bij_het_samenstellen_verliest_het_bericht_niet(
    bevestiging, mailoutbox, monkeypatch
):
    def kapot(**kwargs):
        raise RuntimeError("sjabloon stuk")

    monkeypatch.setattr(samenstellen, "bericht_samenstellen", kapot)
    with pytest.raises(RuntimeError):
        berichten.bericht_afleveren(bericht_id=bevestiging.pk)

    bevestiging.refresh_from_db()
    assert bevestiging.status == BerichtStatus.WACHTEND
    assert bevestiging.pogingen == 1
    assert "sjabloon stuk" in bevestiging.laatste_fout
    assert bevestiging.volgende_poging_op is not None
    assert bevestiging.samenstellen_in == "en"
    assert mailoutbox == []

    monkeypatch.undo()
    assert berichten.bericht_afleveren(bericht_id=bevestiging.pk) is True
    bevestiging.refresh_from_db()
    assert bevestiging.status == BerichtStatus.VERZONDEN
    assert bevestiging.tekst == mailoutbox[0].body != ""


def test_de_demo_die_berichten_verzonden_markeert_geeft_ze_hun_tekst(bevestiging):
    verwacht = berichten.samengesteld(bevestiging)

    verleden_verzonden(
        Bericht.objects.filter(pk=bevestiging.pk),
        bevestiging.created_at + dt.timedelta(days=3),
    )

    bevestiging.refresh_from_db()
    assert bevestiging.status == BerichtStatus.VERZONDEN
    assert (bevestiging.onderwerp, bevestiging.tekst) == (verwacht.onderwerp, verwacht.tekst)
    assert bevestiging.samenstellen_in == ""
