"""Staff intake of complaints from other channels, "direct opgelost", and the acknowledgement sent
from the dossier (issue 2, acceptance 4)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from klachten import berichten
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, Gebeurtenis, Kanaal, Klacht
from klachten.workflow import BerichtSoort, Status
from tests.factories import KlachtFactory

NU = dt.datetime(2026, 3, 10, 14, 0, tzinfo=AMSTERDAM)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def registratie_data(label, categorie, afdeling_a):
    """A phone complaint received three days ago, as a handler enters it."""
    return {
        "kanaal": Kanaal.TELEFOON,
        "ontvangen_op": "2026-03-07T09:15",
        "label": label.pk,
        "klant_naam": "Piet Jansen",
        "klant_email": "piet@example.nl",
        "klant_telefoon": "06 98765432",
        "polisnummer": "",
        "afdeling": afdeling_a.pk,
        "categorie": categorie.pk,
        "urgentie": "normaal",
        "omschrijving": "Klant belde: de machtiging voor de operatie is twee keer kwijtgeraakt.",
        "gewenste_oplossing": "Snel een besluit.",
        "oplossing": "",
    }


def test_telefonische_klacht_krijgt_ontvangstbevestiging_uiterlijk_ontvangst_plus_8_dagen(
    behandelaar_client, behandelaar, registratie_data
):
    response = behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    klacht = Klacht.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("klachten:dossier", args=[klacht.dossiernummer])
    assert klacht.kanaal == Kanaal.TELEFOON
    assert klacht.ontvangen_op == dt.datetime(2026, 3, 7, 9, 15, tzinfo=AMSTERDAM)
    assert klacht.ontvangstbevestiging_uiterlijk_datum == dt.date(2026, 3, 7) + dt.timedelta(days=8)
    assert klacht.ontvangstbevestiging_uiterlijk_datum == dt.date(2026, 3, 15)
    assert klacht.status == Status.ONTVANGEN
    assert klacht.ingediend_door == behandelaar
    assert klacht.dossiernummer == "KL-2026-000001"


def test_door_medewerker_geregistreerde_klacht_krijgt_nog_geen_ontvangstbevestiging(
    behandelaar_client, registratie_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    klacht = Klacht.objects.get()
    assert klacht.ontvangst_bevestigd_op is None
    assert not Bericht.objects.exists()
    assert mailoutbox == []


def test_dossier_toont_de_termijn_van_de_ontvangstbevestiging(behandelaar_client, registratie_data):
    response = behandelaar_client.post(
        reverse("klachten:registreren"), registratie_data, follow=True
    )

    assert response.status_code == 200
    inhoud = response.content.decode()
    assert "KL-2026-000001" in inhoud
    assert "ontvangstbevestiging</span> 15 mrt 2026" in inhoud.lower()
    assert "is geregistreerd" in inhoud


def test_direct_opgelost_wordt_in_een_stap_geregistreerd_en_afgesloten(
    behandelaar_client, registratie_data, mailoutbox, django_capture_on_commit_callbacks
):
    registratie_data["direct_opgelost"] = "on"
    registratie_data["oplossing"] = "Declaratie direct alsnog uitbetaald en uitleg gegeven."

    with django_capture_on_commit_callbacks(execute=True):
        response = behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    klacht = Klacht.objects.get()
    assert response.status_code == 302
    assert klacht.status == Status.AFGESLOTEN
    assert klacht.direct_opgelost is True
    assert klacht.afgesloten_op == NU
    assert klacht.kanaal == Kanaal.TELEFOON
    assert klacht.oplossing == "Declaratie direct alsnog uitbetaald en uitleg gegeven."
    assert klacht.ontvangstbevestiging_uiterlijk_datum is None
    assert klacht.ingediend_door.username == "behandelaar"
    assert not Bericht.objects.exists()
    assert mailoutbox == []
    # The dossier it leads to says so (this replaces a browser test that clicked the same form).
    dossier = behandelaar_client.get(response["Location"]).content.decode()
    assert "is geregistreerd en afgesloten als direct opgelost" in dossier
    assert klacht.dossiernummer in dossier
    assert ">Afgesloten<" in dossier
    assert "Declaratie direct alsnog uitbetaald en uitleg gegeven." in dossier


def test_direct_opgelost_zonder_oplossing_geeft_een_veldfout_en_slaat_niets_op(
    behandelaar_client, registratie_data
):
    registratie_data["direct_opgelost"] = "on"
    registratie_data["oplossing"] = "   "

    response = behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    assert response.status_code == 200
    assert "oplossing" in response.context["form"].errors
    assert "Beschrijf wat er is gedaan" in response.content.decode()
    assert not Klacht.objects.exists()


def test_directie_mag_geen_klacht_registreren(client, directie, registratie_data):
    client.force_login(directie)

    response = client.post(reverse("klachten:registreren"), registratie_data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Klacht.objects.exists()


def test_registratie_staat_in_de_historie_met_de_medewerker(
    behandelaar_client, behandelaar, registratie_data
):
    behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    klacht = Klacht.objects.get()
    historie = klacht.history.get()
    assert historie.history_type == "+"
    assert historie.history_user == behandelaar
    assert historie.history_date == NU
    assert historie.status == Status.ONTVANGEN


def test_ontvangst_bevestigen_toont_de_voorgestelde_tekst(
    behandelaar_client, behandelaar, categorie
):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)

    response = behandelaar_client.get(
        reverse("klachten:actie", args=[klacht.dossiernummer, "ontvangst-bevestigen"])
    )

    assert response.status_code == 200
    initial = response.context["form"].initial
    assert klacht.dossiernummer in initial["onderwerp"]
    assert initial["tekst"] == ""  # the handler may add their own part; the rest is assembled
    assert klacht.dossiernummer in response.content.decode()
    voorbeeld = behandelaar_client.post(
        reverse("klachten:actie", args=[klacht.dossiernummer, "ontvangst-bevestigen"]),
        {**initial, "voorbeeld": "1"},
    ).context["voorbeeld"]
    assert voorbeeld["tekst"].startswith(f"Beste {klacht.klant_naam},")
    assert f"Uw dossiernummer: {klacht.dossiernummer}" in voorbeeld["tekst"]
    assert not Bericht.objects.exists()


def test_ontvangst_bevestigen_verstuurt_het_bericht_en_zet_de_status(
    behandelaar_client, behandelaar, categorie, mailoutbox, django_capture_on_commit_callbacks
):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    url = reverse("klachten:actie", args=[klacht.dossiernummer, "ontvangst-bevestigen"])

    with django_capture_on_commit_callbacks(execute=True):
        response = behandelaar_client.post(
            url,
            {
                "onderwerp": f"Uw klacht {klacht.dossiernummer}",
                "tekst": "Aangepaste tekst.",
                "versie": klacht.versie,
            },
        )

    assert response.status_code == 302
    assert response.url == reverse("klachten:dossier", args=[klacht.dossiernummer])
    klacht.refresh_from_db()
    assert klacht.status == Status.ONTVANGST_BEVESTIGD
    assert klacht.ontvangst_bevestigd_op == NU
    bericht = Bericht.objects.get()
    assert bericht.soort == BerichtSoort.ONTVANGSTBEVESTIGING
    assert bericht.klacht == klacht
    assert bericht.aan == klacht.klant_email
    assert bericht.tekst.startswith(f"Beste {klacht.klant_naam},")
    assert "\n\nAangepaste tekst.\n\n" in bericht.tekst
    assert mailoutbox[0].body == bericht.tekst
    assert bericht.verstuurd_door == behandelaar
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"Uw klacht {klacht.dossiernummer}"
    assert mailoutbox[0].to == [klacht.klant_email]
    assert klacht.history.latest().history_user == behandelaar


def test_ontvangst_kan_maar_een_keer_bevestigd_worden(behandelaar_client, behandelaar, categorie):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    url = reverse("klachten:actie", args=[klacht.dossiernummer, "ontvangst-bevestigen"])
    gegevens = {"onderwerp": "Ontvangen", "tekst": "We hebben uw klacht ontvangen."}
    behandelaar_client.post(url, {**gegevens, "versie": klacht.versie})

    # The same form sent twice: the dossier changed meanwhile.
    response = behandelaar_client.post(url, {**gegevens, "versie": klacht.versie})
    assert response.status_code == 409
    assert "intussen gewijzigd" in response.content.decode()

    # Reloaded: the workflow no longer allows it.
    klacht.refresh_from_db()
    response = behandelaar_client.post(url, {**gegevens, "versie": klacht.versie})
    assert response.status_code == 302
    meldingen = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("niet mogelijk" in m for m in meldingen)
    assert Bericht.objects.count() == 1


def test_ontvangst_bevestigen_zonder_tekst_geeft_een_veldfout(
    behandelaar_client, behandelaar, categorie
):
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)

    response = behandelaar_client.post(
        reverse("klachten:actie", args=[klacht.dossiernummer, "ontvangst-bevestigen"]),
        {"onderwerp": "", "tekst": "", "versie": klacht.versie},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"onderwerp"}  # the own text is optional
    klacht.refresh_from_db()
    assert klacht.status == Status.ONTVANGEN
    assert not Bericht.objects.exists()


def test_webklacht_zonder_ontvangstbevestiging_wordt_niet_half_opgeslagen(categorie, monkeypatch):
    """Issue 15, "no half-written complaint": the web complaint and its acknowledgement in the
    outbox are one transaction. When the acknowledgement cannot be written, nothing is stored:
    no complaint, no timeline, no message, and the dossiernummer is given back (the next
    complaint gets it). The error reaches the caller, whose customer still has the form."""
    # Writing the acknowledgement to the outbox fails (services writes it with the complaint).
    echte_bevestiging = berichten.bericht_versturen

    def mislukt(**kwargs):
        raise RuntimeError("sjabloon kapot")

    monkeypatch.setattr(berichten, "bericht_versturen", mislukt)

    with pytest.raises(RuntimeError, match="sjabloon kapot"):
        KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER, privacy_akkoord=True)

    assert not Klacht.objects.exists()
    assert not Gebeurtenis.objects.exists()
    assert not Bericht.objects.exists()
    monkeypatch.setattr(berichten, "bericht_versturen", echte_bevestiging)
    volgende = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER, privacy_akkoord=True)
    assert volgende.dossiernummer == "KL-2026-000001"
    assert volgende.status == Status.ONTVANGST_BEVESTIGD
    assert Bericht.objects.get().soort == BerichtSoort.ONTVANGSTBEVESTIGING
