"""Message templates are data: the beheerder edits them in the admin, the next message follows;
the customer's language picks the template; setting them up never overwrites an edit (issue 3,
Messages)."""

import datetime as dt

import pytest
from django.utils import translation

from klachten import berichten, services
from klachten.berichten import berichtsjablonen_inrichten, soort_keuzes, standaardjablonen
from klachten.kalender import AMSTERDAM
from klachten.models import Berichtsjabloon, ExterneInstantie, Kanaal
from klachten.workflow import BerichtSoort, Oordeel, Status
from tests.conftest import actie_url
from tests.factories import KlachtFactory, klacht_in_status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 1, 15, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def in_onderzoek(behandelaar, categorie):
    return klacht_in_status(
        Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, klant_naam="Anna de Vries"
    )


def test_een_gewijzigd_sjabloon_bepaalt_het_volgende_bericht(in_onderzoek, behandelaar, client):
    Berichtsjabloon.objects.filter(soort=BerichtSoort.STATUSUPDATE, taal="nl").update(
        onderwerp="Nieuws over {{ klacht.dossiernummer }}",
        tekst="Nog even geduld, {{ klacht.klant_naam }}: we zijn er nog mee bezig.",
        vrije_tekst="Wat wij deden voor {{ klacht.klant_naam }}: [Beschrijf het.]",
    )

    klacht = services.statusupdate_sturen(klacht=in_onderzoek, door=behandelaar)

    bericht = klacht.berichten.get(soort=BerichtSoort.STATUSUPDATE)
    assert bericht.onderwerp == f"Nieuws over {klacht.dossiernummer}"
    # The salutation from the data, then the edited body.
    assert bericht.tekst.startswith(
        "Beste Anna de Vries,\n\nNog even geduld, Anna de Vries: we zijn er nog mee bezig.\n\n"
    )
    assert "Met vriendelijke groet," in bericht.tekst  # the label's signature follows
    client.force_login(behandelaar)
    form = client.get(actie_url(klacht, "statusupdate_sturen")).context["form"]
    assert form.initial["onderwerp"] == f"Nieuws over {klacht.dossiernummer}"
    assert form.initial["tekst"] == "Wat wij deden voor Anna de Vries: [Beschrijf het.]"


def test_engels_sjabloon_voor_een_klacht_in_het_engels(label, categorie):
    with translation.override("en"):
        klacht = KlachtFactory(
            categorie=categorie, kanaal=Kanaal.WEBFORMULIER, klant_naam="John Smith"
        )

    bevestiging = berichten.samengesteld(
        klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    )
    assert klacht.taal == "en"
    assert bevestiging.onderwerp == (
        f"Your complaint has been received ({klacht.dossiernummer}) - {label.naam}"
    )
    assert bevestiging.tekst.startswith("Dear customer,")  # no typed name: test_geen_spamrelais
    assert "15 January 2026" in bevestiging.tekst
    assert "Kind regards," in bevestiging.tekst
    assert "Met vriendelijke groet" not in bevestiging.tekst


def test_engelse_klacht_krijgt_ook_engelse_escalatie_datum(behandelaar, categorie, kifid):
    with translation.override("en"):
        klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)

    klacht = services.antwoord_sturen(
        klacht=klacht, door=behandelaar, oordeel=Oordeel.GEGROND, definitief_standpunt=True
    )

    antwoord = klacht.berichten.get(soort=BerichtSoort.ANTWOORD)
    assert antwoord.tekst.startswith("Dear ")
    assert "15 January 2027" in antwoord.tekst


def test_zonder_sjabloon_in_de_taal_van_de_klant_wordt_het_nederlandse_gebruikt(
    categorie, behandelaar
):
    Berichtsjabloon.objects.filter(soort=BerichtSoort.STATUSUPDATE, taal="en").delete()
    with translation.override("en"):
        klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)

    klacht = services.statusupdate_sturen(klacht=klacht, door=behandelaar)

    update = klacht.berichten.get(soort=BerichtSoort.STATUSUPDATE)
    assert update.onderwerp.startswith("Stand van zaken van uw klacht")


def test_gewijzigde_escalatieparagraaf_van_de_instantie_komt_in_het_antwoord(
    in_onderzoek, behandelaar, kifid
):
    ExterneInstantie.objects.filter(pk=kifid.pk).update(
        escalatie_tekst="Naar {{ instantie }} kan tot {{ uiterste_datum }}."
    )

    klacht = services.antwoord_sturen(
        klacht=in_onderzoek, door=behandelaar, oordeel=Oordeel.ONGEGROND, definitief_standpunt=True
    )

    tekst = klacht.berichten.get(soort=BerichtSoort.ANTWOORD).tekst
    assert f"Naar {kifid.naam} kan tot 15 januari 2027." in tekst


def standaardbestanden() -> set[tuple[str, str]]:
    return {(j.soort, j.taal) for j in standaardjablonen()}


def test_na_migratie_bestaat_elk_standaardsjabloon():
    aanwezig = set(Berichtsjabloon.objects.values_list("soort", "taal"))

    assert aanwezig == standaardbestanden()
    nederlands = {soort for soort, taal in aanwezig if taal == "nl"}
    assert nederlands == {code for code, _naam in soort_keuzes()}


def test_berichtsjablonen_inrichten_is_herhaalbaar_en_overschrijft_geen_wijziging():
    aantal = Berichtsjabloon.objects.count()
    jabloon = Berichtsjabloon.objects.get(soort=BerichtSoort.AFSLUITING, taal="nl")
    jabloon.tekst = "Onze eigen afsluittekst."
    jabloon.save()
    Berichtsjabloon.objects.filter(soort=BerichtSoort.STATUSLINK, taal="en").delete()

    eerste = berichtsjablonen_inrichten()
    tweede = berichtsjablonen_inrichten()

    assert (eerste, tweede) == (1, 0)
    assert Berichtsjabloon.objects.count() == aantal
    jabloon.refresh_from_db()
    assert jabloon.tekst == "Onze eigen afsluittekst."
    hersteld = Berichtsjabloon.objects.get(soort=BerichtSoort.STATUSLINK, taal="en")
    (bestand,) = (
        j.bestand.read_text(encoding="utf-8")
        for j in standaardjablonen()
        if (j.soort, j.taal, j.eenvoudig) == (BerichtSoort.STATUSLINK, "en", False)
    )
    assert hersteld.onderwerp == bestand.partition("\n")[0].strip()
    assert hersteld.tekst.strip() == bestand.partition("\n")[2].strip()
