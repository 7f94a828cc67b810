"""Two people on the same dossier: the second gets "changed meanwhile, reload", never a silent
overwrite (issue 3, rules; optimistic locking on `Klacht.versie`)."""

import pytest
from django.test import Client

from klachten import services
from klachten.models import Bericht
from klachten.workflow import BerichtSoort, GewijzigdIntussen, Oordeel, Status
from tests.conftest import actie_url, stand
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db

INTUSSEN_GEWIJZIGD = "Dit dossier is intussen gewijzigd door iemand anders."


@pytest.fixture
def in_onderzoek(behandelaar, categorie):
    return klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)


def ingelogd(gebruiker) -> Client:
    client = Client()
    client.force_login(gebruiker)
    return client


def antwoordformulier(client, klacht) -> dict:
    """What the handler's browser got: the form's hidden versie and pre-filled fields."""
    form = client.get(actie_url(klacht, "antwoord_sturen")).context["form"]
    return {
        "versie": form.initial["versie"],
        "oordeel": Oordeel.GEGROND,
        "onderwerp": form.initial["onderwerp"],
        "tekst": form.initial["tekst"],
    }


def test_tweede_antwoord_op_hetzelfde_dossier_krijgt_409_en_houdt_de_getypte_tekst(
    in_onderzoek, behandelaar, collega
):
    klacht = in_onderzoek
    anna, bram = ingelogd(behandelaar), ingelogd(collega)
    formulier_anna = antwoordformulier(anna, klacht)
    formulier_bram = antwoordformulier(bram, klacht)
    assert formulier_anna["versie"] == formulier_bram["versie"] == klacht.versie

    eerste = anna.post(
        actie_url(klacht, "antwoord_sturen"), {**formulier_anna, "tekst": "Antwoord van Anna."}
    )
    na_eerste = stand(klacht)
    tweede = bram.post(
        actie_url(klacht, "antwoord_sturen"),
        {**formulier_bram, "oordeel": Oordeel.ONGEGROND, "tekst": "Antwoord van Bram."},
    )

    assert eerste.status_code == 302
    assert tweede.status_code == 409
    inhoud = tweede.content.decode()
    assert INTUSSEN_GEWIJZIGD in inhoud
    assert "Laad de pagina opnieuw" in inhoud
    form = tweede.context["form"]
    assert form.non_field_errors() == [
        INTUSSEN_GEWIJZIGD + " Laad de pagina opnieuw, bekijk de wijziging en voer uw actie "
        "dan opnieuw uit."
    ]
    assert form["tekst"].value() == "Antwoord van Bram."
    assert "Antwoord van Bram." in inhoud  # still in the textarea, not lost
    assert stand(klacht) == na_eerste
    klacht.refresh_from_db()
    assert klacht.status == Status.BEANTWOORD
    assert klacht.oordeel == Oordeel.GEGROND
    assert klacht.versie == formulier_anna["versie"] + 1
    antwoorden = Bericht.objects.filter(soort=BerichtSoort.ANTWOORD)
    # Anna's text, assembled into the message (berichten.samenstellen); not Bram's.
    assert [("Antwoord van Anna." in b.tekst, "Bram" in b.tekst) for b in antwoorden] == [
        (True, False)
    ]


def test_ook_zonder_statuswijziging_wint_de_tweede_niet_stilzwijgend(
    in_onderzoek, behandelaar, collega
):
    klacht = in_onderzoek
    anna, bram = ingelogd(behandelaar), ingelogd(collega)
    url = actie_url(klacht, "statusupdate_sturen")
    gegevens = {"versie": klacht.versie, "onderwerp": "Stand van zaken"}

    eerste = anna.post(url, {**gegevens, "tekst": "Update van Anna."})
    tweede = bram.post(url, {**gegevens, "tekst": "Update van Bram."})

    assert eerste.status_code == 302
    assert tweede.status_code == 409
    assert tweede.context["form"]["tekst"].value() == "Update van Bram."
    updates = Bericht.objects.filter(soort=BerichtSoort.STATUSUPDATE).values_list(
        "tekst", flat=True
    )
    assert [("Update van Anna." in t, "Bram" in t) for t in updates] == [(True, False)]


def test_na_opnieuw_laden_lukt_de_actie_van_de_tweede(in_onderzoek, behandelaar, collega):
    klacht = in_onderzoek
    anna, bram = ingelogd(behandelaar), ingelogd(collega)
    url = actie_url(klacht, "statusupdate_sturen")
    oud = {"versie": klacht.versie, "onderwerp": "Stand van zaken", "tekst": "Update."}
    anna.post(url, oud)
    assert bram.post(url, oud).status_code == 409

    opnieuw = bram.get(url).context["form"].initial["versie"]
    response = bram.post(url, {**oud, "versie": opnieuw})

    assert response.status_code == 302
    assert Bericht.objects.filter(soort=BerichtSoort.STATUSUPDATE).count() == 2


def test_notities_van_twee_mensen_tegelijk_komen_allebei_op_de_tijdlijn(
    in_onderzoek, behandelaar, collega
):
    klacht = in_onderzoek
    url = actie_url(klacht, "notitie_toevoegen")

    for client, tekst in [(ingelogd(behandelaar), "Notitie A"), (ingelogd(collega), "Notitie B")]:
        assert client.post(url, {"versie": klacht.versie, "tekst": tekst}).status_code == 302

    assert set(klacht.gebeurtenissen.filter(soort="notitie").values_list("tekst", flat=True)) == {
        "Notitie A",
        "Notitie B",
    }


@pytest.mark.parametrize(
    ("naam", "gegevens"),
    [
        ("statusupdate_sturen", {"onderwerp": "Stand", "tekst": "Update."}),
        ("antwoord_sturen", {"oordeel": Oordeel.GEGROND}),
        ("ontvankelijk_verklaren", {}),
        ("heroverweging_vragen", {"reden": "Niet eens."}),
    ],
)
def test_service_met_verouderde_versie_geeft_gewijzigd_intussen_en_verandert_niets(
    behandelaar, categorie, naam, gegevens
):
    status = {
        "statusupdate_sturen": Status.IN_ONDERZOEK,
        "antwoord_sturen": Status.IN_ONDERZOEK,
        "ontvankelijk_verklaren": Status.ONTVANGST_BEVESTIGD,
        "heroverweging_vragen": Status.BEANTWOORD,
    }[naam]
    klacht = klacht_in_status(status, door=behandelaar, categorie=categorie)
    gezien = klacht.versie
    services.notitie_toevoegen(klacht=klacht, door=behandelaar, tekst="Tussendoor")
    services.telefooncontact_vastleggen(klacht=klacht, door=behandelaar, tekst="Gebeld")
    # A change that changes something (the same values again would change nothing, issue 19).
    klacht = services.toewijzen(
        klacht=klacht, door=behandelaar, afdeling=klacht.afdeling, behandelaar=behandelaar
    )
    assert klacht.versie == gezien + 1
    voor = stand(klacht)

    with pytest.raises(GewijzigdIntussen, match="intussen gewijzigd"):
        getattr(services, naam)(klacht=klacht, door=behandelaar, versie=gezien, **gegevens)

    assert stand(klacht) == voor


def test_service_met_de_actuele_versie_gaat_door(in_onderzoek, behandelaar):
    klacht = services.statusupdate_sturen(
        klacht=in_onderzoek, door=behandelaar, versie=in_onderzoek.versie
    )

    assert klacht.versie == in_onderzoek.versie + 1
