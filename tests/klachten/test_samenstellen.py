"""Every message to the customer is assembled from its parts, in a fixed order, each fact from
one source (issue 18): salutation, body (the template with the facts and the handler's free
text), the next step chosen by one rule, signature, footer. The same text in the e-mail, on the
status page and in the preview of the action page."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from klachten import berichten, services
from klachten.berichten import samenstellen
from klachten.berichten.samenstellen import VolgendeStap, volgende_stap
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, ExterneInstantie, Termijn
from klachten.termijnen import TermijnSoort
from klachten.workflow import KLANT, BerichtSoort, Oordeel, Status
from tests.conftest import actie_url
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
STATUS_LINK_TEKST = "Hier volgt u de status van uw klacht"


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def skgz(label):
    instantie = ExterneInstantie.objects.get(code="skgz")
    label.externe_instantie = instantie
    label.save(update_fields=["externe_instantie"])
    return instantie


def naam() -> str:
    return f"Klant {uuid.uuid4().hex[:8]}"


def in_volgorde(tekst: str, *delen: str) -> bool:
    posities = [tekst.index(deel) for deel in delen]
    return posities == sorted(posities)


def antwoord(klacht, behandelaar, *, definitief=False, oordeel=Oordeel.DEELS_GEGROND):
    services.antwoord_sturen(
        klacht=klacht,
        door=behandelaar,
        oordeel=oordeel,
        definitief_standpunt=definitief,
        onderwerp="Ons antwoord",
        tekst="Wij hebben de nota nagekeken en betalen het verschil terug.",
    )
    return Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.ANTWOORD).latest("pk").tekst


def test_de_delen_staan_in_vaste_volgorde(behandelaar, categorie, kifid):
    klant = naam()
    klacht = klacht_in_status(
        Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, klant_naam=klant
    )

    tekst = antwoord(klacht, behandelaar)

    assert tekst.startswith(f"Beste {klant},\n\n")
    assert in_volgorde(
        tekst,
        f"Beste {klant},",  # aanhef
        "Ons oordeel: uw klacht is deels gegrond.",  # romp, the verdict from the choice
        "Wij hebben de nota nagekeken",  # romp, the handler's part
        "Bent u het niet eens met ons antwoord?",  # volgende stap
        "Met vriendelijke groet,",  # ondertekening
        "de klachtenprocedure",  # voettekst
    )
    assert tekst.count(berichten.klacht_status_url(klacht)) == 1


def test_antwoord_met_heroverweging_mogelijk_noemt_geen_externe_instantie(
    behandelaar, categorie, kifid
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    tekst = antwoord(klacht, behandelaar)

    assert "opnieuw te bekijken (heroverweging)" in tekst
    assert "Kifid" not in tekst
    assert "rechter" not in tekst


def test_definitief_standpunt_noemt_de_externe_instantie_en_niet_de_heroverweging(
    behandelaar, categorie, kifid
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    tekst = antwoord(klacht, behandelaar, definitief=True)

    klacht.refresh_from_db()
    uiterste = services.externe_uiterste_datum(klacht)
    assert uiterste == dt.date(2027, 3, 2)  # a year after the complaint (later than 3 months)
    for feit in (
        "Kifid (Klachteninstituut Financiële Dienstverlening)",
        "Postbus 93257",
        "2509 AG Den Haag",
        "070 333 8 999",
        "https://www.kifid.nl",
        "uiterlijk op 2 maart 2027",
        "gratis",
        "rechter",
    ):
        assert feit in tekst, feit
    assert "heroverweging" not in tekst.lower()
    assert in_volgorde(tekst, "Wij hebben de nota", "Postbus 93257", "Met vriendelijke groet,")


@pytest.mark.parametrize("taal", ["nl", "en", "fr"])
def test_de_externe_instantie_eenmaal_genoemd(behandelaar, categorie, kifid, taal):
    """The beheerder's text names the body and its website: the contact block below gives the
    address and phone without repeating them (issue 18: read once)."""
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, taal=taal)

    paragraaf = samenstellen.externe_paragraaf(klacht, NU)

    assert paragraaf.count(kifid.vertaald("naam", taal)) == 1
    assert paragraaf.count(kifid.website) == 1
    assert paragraaf.count(kifid.telefoon) == 1
    tekst, blok = paragraaf.split("\n\n")
    assert kifid.vertaald("naam", taal) in tekst
    assert blok.splitlines() == [
        samenstellen.POSTADRES[taal],
        *kifid.vertaald("adres", taal).splitlines(),
        samenstellen.TELEFOON[taal].format(kifid.telefoon),
    ]


def test_tekst_zonder_naam_krijgt_de_naam_boven_het_adres(behandelaar, categorie, kifid):
    kifid.escalatie_tekst = "Niet eens? Stap dan uiterlijk op {{ uiterste_datum }} naar Kifid."
    kifid.save(update_fields=["escalatie_tekst"])
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    paragraaf = samenstellen.externe_paragraaf(klacht, NU)

    _tekst, blok = paragraaf.split("\n\n")
    assert blok.splitlines() == [
        kifid.naam,
        "Postbus 93257",
        "2509 AG Den Haag",
        "Telefoon: 070 333 8 999",
        kifid.website,
    ]
    assert paragraaf.count(kifid.naam) == 1


def test_na_heroverweging_de_externe_instantie(
    behandelaar, collega, teamleider, afdeling_a, categorie, skgz
):
    klacht = klacht_in_status(Status.IN_HEROVERWEGING, door=behandelaar, categorie=categorie)
    klacht = services.toewijzen(
        klacht=klacht, door=teamleider, afdeling=afdeling_a, behandelaar=collega
    )

    services.heroverweging_beantwoorden(
        klacht=klacht,
        door=collega,
        oordeel=Oordeel.ONGEGROND,
        onderwerp="Na heroverweging",
        tekst="Ook een tweede blik verandert ons oordeel niet.",
    )

    tekst = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.HEROVERWEGING_ANTWOORD).tekst
    assert "Ons oordeel na heroverweging: uw klacht is ongegrond." in tekst
    for feit in ("SKGZ", "Postbus 291", "3700 AG Zeist", "088 900 6900", "gratis", "rechter"):
        assert feit in tekst, feit
    assert "Bent u het niet eens met ons antwoord?" not in tekst
    assert in_volgorde(
        tekst, "Dit is ons definitieve standpunt.", "Postbus 291", "Met vriendelijke"
    )


def test_de_volgende_stap_volgt_uit_de_feiten():
    assert volgende_stap(BerichtSoort.ANTWOORD) == VolgendeStap.HEROVERWEGING
    assert volgende_stap(BerichtSoort.ANTWOORD, definitief=True) == VolgendeStap.EXTERN
    assert volgende_stap(BerichtSoort.HEROVERWEGING_ANTWOORD) == VolgendeStap.EXTERN
    assert volgende_stap(BerichtSoort.VERTRAGING) == VolgendeStap.STATUS
    assert volgende_stap(BerichtSoort.ONTVANGSTBEVESTIGING) == VolgendeStap.STATUS
    assert volgende_stap(BerichtSoort.STATUSLINK) == VolgendeStap.GEEN


def test_vertragingsbrief_heeft_de_datum_van_het_formulier_eenmaal(
    behandelaar_client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    url = actie_url(klacht, "verlengen")
    begin = behandelaar_client.get(url).context["form"].initial
    gegevens = {
        "onderwerp": begin["onderwerp"],
        "tekst": "",
        "versie": klacht.versie,
        "reden": "Het advies van de medisch adviseur is uitgebreider dan verwacht.",
    }

    voorbeeld = behandelaar_client.post(
        url, {**gegevens, "nieuwe_datum": "2026-04-20", "voorbeeld": "1"}
    ).context["voorbeeld"]
    assert "U krijgt uiterlijk op 20 april 2026 ons antwoord." in voorbeeld["tekst"]
    # Another date on the form, another date in the letter.
    response = behandelaar_client.post(url, {**gegevens, "nieuwe_datum": "2026-04-24"})

    assert response.status_code == 302
    klacht.refresh_from_db()
    assert klacht.antwoord_uiterlijk_datum == dt.date(2026, 4, 24)
    brief = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.VERTRAGING).tekst
    assert brief.count("24 april 2026") == 1
    assert "20 april" not in brief
    assert "Waarom? Het advies van de medisch adviseur is uitgebreider dan verwacht." in brief
    assert in_volgorde(brief, "24 april 2026", STATUS_LINK_TEKST, "Met vriendelijke groet,")
    assert brief.rstrip().endswith(berichten.ondertekening(klacht).strip())


def test_termijnen_met_hun_eenheid(behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    _onderwerp, kalender = berichten.bericht_opstellen(
        klacht=klacht, soort=BerichtSoort.STATUSUPDATE_STANDAARD
    )
    Termijn.objects.update_or_create(
        soort=TermijnSoort.STATUSUPDATE, defaults={"dagen": 10, "werkdagen": True}
    )
    _onderwerp, werk = berichten.bericht_opstellen(
        klacht=klacht, soort=BerichtSoort.STATUSUPDATE_STANDAARD
    )

    assert "minstens elke 21 kalenderdagen" in kalender
    assert "minstens elke 10 werkdagen" in werk
    assert " dagen" not in werk


@pytest.mark.parametrize(
    ("taal", "aanhef", "oordeel", "stap"),
    [
        (
            "en",
            "Dear ",
            "Our verdict: your complaint is partly upheld.",
            "Postbus 93257\n2509 AG The Hague",
        ),
        ("fr", "Bonjour ", "Notre avis : votre plainte est ", "Postbus 93257\n2509 AG La Haye"),
    ],
)
def test_engels_en_frans_alles_in_de_taal_van_de_klant(
    behandelaar, categorie, kifid, taal, aanhef, oordeel, stap
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, taal=taal)

    tekst = antwoord(klacht, behandelaar, definitief=True)

    assert tekst.startswith(aanhef)
    assert oordeel in tekst
    assert kifid.vertaald("naam", taal) in tekst
    assert stap in tekst
    assert kifid.vertaald("escalatie_tekst", taal)[:30] in tekst  # the paragraph in `taal`
    assert "Bent u het niet eens" not in tekst
    assert "Beste " not in tekst
    assert "Postbus 93257\n2509 AG Den Haag" not in tekst
    # The next step before the signature and the footer, which close the message.
    assert tekst.rstrip().endswith(berichten.ondertekening(klacht).strip())
    assert tekst.index(stap) < len(tekst) - len(berichten.ondertekening(klacht).strip())


def test_de_statuspagina_toont_dezelfde_tekst(client, behandelaar, categorie, kifid):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    antwoord(klacht, behandelaar, definitief=True)

    pagina = client.get(reverse("klachten:status", args=[klacht.status_token])).content.decode()

    actie, berichtenlijst = pagina.split('id="kop-berichten"', 1)
    # The message as it was sent, its next step before the signature ...
    assert in_volgorde(
        berichtenlijst,
        "Ons oordeel: uw klacht is deels gegrond.",
        "Postbus 93257",
        "Met vriendelijke",
    )
    assert "opnieuw te bekijken (heroverweging)" not in berichtenlijst
    # ... and the page's own next step says the same: the external body, with its details.
    assert "Postbus 93257" in actie
    assert "070 333 8 999" in actie


def test_voorbeeld_toont_het_bericht_en_slaat_niets_op(behandelaar_client, behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    url = actie_url(klacht, "antwoord_sturen")
    eigen = f"Onze eigen uitleg {uuid.uuid4().hex}."
    aantal, versie = Bericht.objects.count(), klacht.versie

    response = behandelaar_client.post(
        url,
        {
            "onderwerp": "Ons antwoord",
            "tekst": eigen,
            "oordeel": "gegrond",
            "versie": klacht.versie,
            "voorbeeld": "1",
        },
    )

    assert response.status_code == 200
    voorbeeld = response.context["voorbeeld"]
    assert voorbeeld["onderwerp"] == "Ons antwoord"
    assert voorbeeld["tekst"].startswith(f"Beste {klacht.klant_naam},")
    assert "Ons oordeel: uw klacht is gegrond." in voorbeeld["tekst"]
    assert eigen in voorbeeld["tekst"]
    assert voorbeeld["waarschuwingen"] == []
    inhoud = response.content.decode()
    assert inhoud.count(eigen) >= 3  # the form keeps it; the e-mail and the status page show it
    assert response.context["form"]["tekst"].value() == eigen
    klacht.refresh_from_db()
    assert (Bericht.objects.count(), klacht.versie, klacht.status) == (
        aantal,
        versie,
        Status.IN_ONDERZOEK,
    )


def test_voorbeeld_waarschuwt_zonder_oordeel_en_voor_een_late_datum(
    behandelaar_client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    zonder_oordeel = behandelaar_client.post(
        actie_url(klacht, "antwoord_sturen"),
        {
            "onderwerp": "Ons antwoord",
            "tekst": "Uitleg.",
            "versie": klacht.versie,
            "voorbeeld": "1",
        },
    ).context["voorbeeld"]
    laat = behandelaar_client.post(
        actie_url(klacht, "verlengen"),
        {
            "onderwerp": "Later",
            "tekst": "",
            "reden": "Wachten op stukken.",
            "nieuwe_datum": "2026-06-30",
            "versie": klacht.versie,
            "voorbeeld": "1",
        },
    ).context["voorbeeld"]

    assert any("geen oordeel" in w for w in zonder_oordeel["waarschuwingen"])
    assert laat["waarschuwingen"]  # after the Kifid alarm (termijnen.nieuwe_datum_waarschuwingen)
    assert "30 juni 2026" in laat["tekst"]
    assert Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.VERTRAGING).count() == 0


def test_heroverwegingsbevestiging_noemt_de_termijn_met_eenheid(behandelaar, categorie):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)

    services.heroverweging_vragen(klacht=klacht, door=KLANT, reden="Niet eens.")

    tekst = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.HEROVERWEGING_BEVESTIGING).tekst
    assert "Binnen 42 kalenderdagen na uw verzoek" in tekst
    assert in_volgorde(tekst, "Binnen 42", STATUS_LINK_TEKST, "Met vriendelijke groet,")


def test_voorbeeld_van_het_antwoord_in_het_dossier(behandelaar_client, behandelaar, categorie):
    """The dossier's inline reply has the same Voorbeeld: it opens the action page with it."""
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    dossier = behandelaar_client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    assert 'name="voorbeeld"' in dossier.content.decode()

    response = behandelaar_client.post(
        actie_url(klacht, "reactie_sturen"),
        {
            "onderwerp": "Uw bericht",
            "tekst": "Dank u, we kijken ernaar.",
            "versie": klacht.versie,
            "voorbeeld": "Voorbeeld",
        },
    )

    assert "Dank u, we kijken ernaar." in response.context["voorbeeld"]["tekst"]
    assert not Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.REACTIE).exists()
