"""Rules for what reaches the customer: no unfilled template gaps, the verdict filled in, the
escalation clause before the signature, the right promised date; and a reopened direct-opgelost
complaint is handled like any other."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten import berichten, services
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht
from klachten.workflow import KLANT, BerichtSoort, Oordeel, Status
from tests.factories import KlachtFactory, klacht_in_status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def test_bericht_met_open_plek_tussen_haken_wordt_niet_verstuurd(
    behandelaar_client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    url = reverse("klachten:actie", args=[klacht.dossiernummer, "statusupdate-sturen"])
    voorstel = behandelaar_client.get(url).context["form"].initial
    assert "[Beschrijf" in voorstel["tekst"]
    aantal = Bericht.objects.count()

    response = behandelaar_client.post(url, {**voorstel, "versie": klacht.versie})

    assert response.status_code == 200
    assert "tussen [haken]" in response.content.decode()
    assert Bericht.objects.count() == aantal


def test_gekozen_oordeel_komt_op_de_plek_van_oordeel_in_het_antwoord(
    behandelaar_client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    url = reverse("klachten:actie", args=[klacht.dossiernummer, "antwoord-sturen"])
    voorstel = behandelaar_client.get(url).context["form"].initial
    # The verdict is a form field, never a gap in the handler's text (issue 18).
    assert "[oordeel]" not in voorstel["tekst"]
    tekst = voorstel["tekst"]
    for plek in ("[Beschrijf het onderzoek.]", "[Leg het oordeel uit.]"):
        tekst = tekst.replace(plek, "Uitgelegd.")
    tekst = tekst.replace("[Beschrijf de oplossing of het advies.]", "We betalen.")

    response = behandelaar_client.post(
        url,
        {
            "onderwerp": voorstel["onderwerp"],
            "tekst": tekst,
            "oordeel": "deels_gegrond",
            "versie": klacht.versie,
        },
    )

    assert response.status_code == 302
    bericht = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ANTWOORD)
    assert "Ons oordeel: uw klacht is deels gegrond." in bericht.tekst
    assert "We betalen." in bericht.tekst


def test_escalatieparagraaf_staat_voor_de_ondertekening(behandelaar, categorie, kifid):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    tekst = "Beste klant,\n\nUw klacht is gegrond.\n\n" + berichten.ondertekening(klacht)

    klacht = services.antwoord_sturen(
        klacht=klacht,
        door=behandelaar,
        oordeel=Oordeel.GEGROND,
        definitief_standpunt=True,
        onderwerp="Ons antwoord",
        tekst=tekst,
    )

    verstuurd = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ANTWOORD).tekst
    assert verstuurd.index("Kifid") < verstuurd.index("Met vriendelijke groet")
    assert verstuurd.rstrip().endswith(berichten.ondertekening(klacht).strip())


def test_statusupdate_tijdens_heroverweging_noemt_de_termijn_van_de_heroverweging(
    behandelaar, categorie
):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    klacht = services.heroverweging_vragen(klacht=klacht, door=KLANT, reden="Niet eens.")

    _onderwerp, tekst = berichten.bericht_opstellen(klacht=klacht, soort=BerichtSoort.STATUSUPDATE)

    assert klacht.heroverweging_uiterlijk_datum == dt.date(2026, 4, 13)
    assert "13 april 2026" in tekst


def test_heroverweging_lang_na_het_antwoord_is_niet_meteen_te_laat(
    behandelaar, categorie, time_machine
):
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(NU + dt.timedelta(days=60), tick=False)

    klacht = services.heroverweging_vragen(klacht=klacht, door=KLANT, reden="Toch niet eens.")

    assert klacht.statusupdate_uiterlijk_datum == dt.date(2026, 5, 22)  # 1 May + 21 days
    assert klacht.volgende_termijn_datum >= dt.date(2026, 5, 1)


def test_direct_opgeloste_klacht_kan_heropend_worden(behandelaar, categorie):
    klacht = KlachtFactory(
        categorie=categorie,
        ingediend_door=behandelaar,
        direct_opgelost=True,
        oplossing="Uitgelegd.",
    )

    klacht = services.heropenen(klacht=klacht, door=behandelaar, reden="Klant belt terug.")

    assert klacht.status == Status.IN_ONDERZOEK
    assert klacht.direct_opgelost is False
    assert klacht.antwoord_uiterlijk_datum == dt.date(2026, 4, 13)


def test_uitkomst_van_een_externe_procedure_wordt_later_bijgewerkt_zonder_tweede_procedure(
    behandelaar_client, behandelaar, categorie, kifid
):
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    procedure = services.externe_procedure_vastleggen(
        klacht=klacht, door=behandelaar, instantie=kifid, ingediend_datum=dt.date(2026, 2, 1)
    )
    url = reverse("klachten:actie", args=[klacht.dossiernummer, "externe-procedure-vastleggen"])

    voorstel = behandelaar_client.get(url, {"procedure": procedure.pk}).context["form"].initial
    assert voorstel["procedure"] == procedure.pk
    klacht.refresh_from_db()
    response = behandelaar_client.post(
        url,
        {
            "versie": klacht.versie,
            "procedure": procedure.pk,
            "instantie": kifid.pk,
            "ingediend_datum": "2026-02-01",
            "uitkomst": "ongegrond",
            "beslist_datum": "2026-02-27",
            "toelichting": "Kifid volgt ons standpunt.",
        },
    )

    assert response.status_code == 302
    assert klacht.externe_procedures.count() == 1
    procedure.refresh_from_db()
    assert procedure.uitkomst == "ongegrond"
    assert procedure.beslist_datum == dt.date(2026, 2, 27)


def test_oordeel_komt_in_de_taal_van_de_klant(behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    klacht.taal = "en"
    klacht.save(update_fields=["taal"])

    services.antwoord_sturen(
        klacht=klacht,
        door=behandelaar,
        oordeel=Oordeel.DEELS_GEGROND,
        onderwerp="Our answer",
        tekst="We looked into it.",
    )

    tekst = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ANTWOORD).tekst
    assert tekst.startswith("Dear ")
    assert "Our verdict: your complaint is partly upheld." in tekst
