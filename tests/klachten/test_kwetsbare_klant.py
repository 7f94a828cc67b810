"""Kwetsbare klant (issue 9, acceptance 3): a handler marks a complaint with a signal of
vulnerability, which raises its urgency, offers the messages in plain language and goes with
referrals to help outside the insurer. Only the staff who handle the complaint see any of it:
not staff of another afdeling, not directie, not a system account through the API, never the
customer (status page, e-mails)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from klachten import berichten, rollen, services
from klachten.berichten import berichtsjablonen_inrichten, standaardjablonen
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Berichtsjabloon,
    DoorverwijzingUitkomst,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Urgentie,
)
from klachten.workflow import BerichtSoort, Status, WorkflowFout
from tests.api import api_toegang
from tests.conftest import actie_url, formuliergegevens, meldingen
from tests.factories import MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
# Texts only the handlers may ever read: found nowhere else.
TOELICHTING = "Leest moeilijk; GEHEIM-SIGNAAL-7731, liever bellen."
NAAR = "Schuldhulp Zuid GEHEIM-VERWIJZING-4412"
VERWIJZING_TOELICHTING = "Afspraak GEHEIM-UITKOMST-9043 gemaakt."
GEHEIM = [
    TOELICHTING,
    "GEHEIM-SIGNAAL-7731",
    "GEHEIM-VERWIJZING-4412",
    "GEHEIM-UITKOMST-9043",
    str(KwetsbaarheidSoort.LAAGGELETTERDHEID.label),
    str(KwetsbaarheidSoort.BETALINGSPROBLEMEN.label),
    "Kwetsbare klant",
    "Doorverwijzing",
]


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def dossier_url(klacht: Klacht) -> str:
    return reverse("klachten:dossier", args=[klacht.dossiernummer])


def geen_geheim(tekst: str) -> None:
    for geheim in GEHEIM:
        assert geheim not in tekst, geheim


@pytest.fixture
def in_onderzoek(behandelaar, categorie, systeemkoppeling):
    """A complaint of afdeling A that a system registered (it may read it back via the API)."""
    return klacht_in_status(
        Status.IN_ONDERZOEK,
        door=behandelaar,
        categorie=categorie,
        ingediend_door=systeemkoppeling,
        klant_email="anna@example.nl",
    )


@pytest.fixture
def kwetsbaar(in_onderzoek, behandelaar, django_capture_on_commit_callbacks):
    """Two signals and a referral recorded, then a statusupdate in plain language sent."""
    with django_capture_on_commit_callbacks(execute=True):
        services.kwetsbaarheid_vastleggen(
            klacht=in_onderzoek,
            door=behandelaar,
            soort=KwetsbaarheidSoort.LAAGGELETTERDHEID,
            toelichting=TOELICHTING,
        )
        services.kwetsbaarheid_vastleggen(
            klacht=in_onderzoek, door=behandelaar, soort=KwetsbaarheidSoort.BETALINGSPROBLEMEN
        )
        services.doorverwijzing_vastleggen(
            klacht=in_onderzoek,
            door=behandelaar,
            naar=NAAR,
            datum=dt.date(2026, 2, 27),
            toelichting=VERWIJZING_TOELICHTING,
        )
        onderwerp, tekst = berichten.bericht_opstellen(
            klacht=in_onderzoek, soort=BerichtSoort.STATUSUPDATE, eenvoudig=True
        )
        services.statusupdate_sturen(
            klacht=in_onderzoek,
            door=behandelaar,
            onderwerp=onderwerp,
            tekst=tekst.replace("[", "").replace("]", ""),
        )
    return Klacht.objects.get(pk=in_onderzoek.pk)


# The rules of the services -------------------------------------------------------------------


def test_een_signaal_maakt_de_klacht_urgent_met_wie_en_wanneer(in_onderzoek, behandelaar):
    assert in_onderzoek.urgentie == Urgentie.NORMAAL

    signaal = services.kwetsbaarheid_vastleggen(
        klacht=in_onderzoek,
        door=behandelaar,
        soort=KwetsbaarheidSoort.MEDISCHE_URGENTIE,
        toelichting="  Operatie volgende week.  ",
    )

    klacht = Klacht.objects.get(pk=in_onderzoek.pk)
    assert klacht.urgentie == Urgentie.HOOG
    assert klacht.versie == in_onderzoek.versie + 1
    assert (signaal.door, signaal.op, signaal.toelichting) == (
        behandelaar,
        NU,
        "Operatie volgende week.",
    )
    assert klacht.history.latest().history_user == behandelaar


def test_hetzelfde_signaal_met_een_andere_toelichting_wordt_geweigerd(in_onderzoek, behandelaar):
    soort = KwetsbaarheidSoort.LAAGGELETTERDHEID
    services.kwetsbaarheid_vastleggen(klacht=in_onderzoek, door=behandelaar, soort=soort)

    with pytest.raises(ValidationError) as fout:
        services.kwetsbaarheid_vastleggen(
            klacht=in_onderzoek, door=behandelaar, soort=soort, toelichting="Iets anders."
        )

    assert fout.value.message_dict == {"soort": ["Dit signaal staat al op het dossier."]}
    assert in_onderzoek.kwetsbaarheidssignalen.count() == 1


def test_intrekken_verlaagt_de_urgentie_nooit_stilzwijgend(in_onderzoek, behandelaar):
    for soort in (KwetsbaarheidSoort.LAAGGELETTERDHEID, KwetsbaarheidSoort.MULTIPROBLEMATIEK):
        services.kwetsbaarheid_vastleggen(klacht=in_onderzoek, door=behandelaar, soort=soort)

    with pytest.raises(ValidationError) as fout:
        services.kwetsbaarheid_intrekken(
            klacht=in_onderzoek,
            door=behandelaar,
            soort=KwetsbaarheidSoort.LAAGGELETTERDHEID,
            urgentie_verlagen=True,
        )
    assert list(fout.value.message_dict) == ["urgentie_verlagen"]
    assert in_onderzoek.kwetsbaarheidssignalen.count() == 2  # nothing happened

    klacht = services.kwetsbaarheid_intrekken(
        klacht=in_onderzoek, door=behandelaar, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
    )
    assert klacht.urgentie == Urgentie.HOOG
    klacht = services.kwetsbaarheid_intrekken(
        klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.MULTIPROBLEMATIEK
    )
    assert klacht.urgentie == Urgentie.HOOG  # the last one gone: still hoog until asked
    assert not klacht.kwetsbaarheidssignalen.exists()

    services.kwetsbaarheid_vastleggen(
        klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.MULTIPROBLEMATIEK
    )
    klacht = services.kwetsbaarheid_intrekken(
        klacht=klacht,
        door=behandelaar,
        soort=KwetsbaarheidSoort.MULTIPROBLEMATIEK,
        urgentie_verlagen=True,
    )
    assert klacht.urgentie == Urgentie.NORMAAL


def test_intrekken_kan_alleen_met_een_signaal_op_het_dossier(in_onderzoek, behandelaar):
    with pytest.raises(WorkflowFout, match="geen signaal van een kwetsbare klant"):
        services.kwetsbaarheid_intrekken(
            klacht=in_onderzoek, door=behandelaar, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
        )


def test_doorverwijzing_met_datum_en_later_de_uitkomst(in_onderzoek, behandelaar, collega):
    verwijzing = services.doorverwijzing_vastleggen(
        klacht=in_onderzoek, door=behandelaar, naar=" Taalhuis ", datum=dt.date(2026, 2, 20)
    )
    assert (verwijzing.naar, verwijzing.datum, verwijzing.uitkomst, verwijzing.door) == (
        "Taalhuis",
        dt.date(2026, 2, 20),
        DoorverwijzingUitkomst.LOPEND,
        behandelaar,
    )

    services.doorverwijzing_vastleggen(
        klacht=in_onderzoek,
        door=collega,
        doorverwijzing=verwijzing,
        naar="Taalhuis",
        datum=dt.date(2026, 2, 20),
        uitkomst=DoorverwijzingUitkomst.GEHOLPEN,
        toelichting="Volgt een cursus.",
    )

    verwijzing.refresh_from_db()
    assert (verwijzing.uitkomst, verwijzing.toelichting) == (
        DoorverwijzingUitkomst.GEHOLPEN,
        "Volgt een cursus.",
    )
    assert verwijzing.door == behandelaar  # who referred the customer
    assert in_onderzoek.doorverwijzingen.count() == 1


def test_doorverwijzing_kan_niet_in_de_toekomst_en_moet_ergens_heen(in_onderzoek, behandelaar):
    with pytest.raises(ValidationError) as fout:
        services.doorverwijzing_vastleggen(
            klacht=in_onderzoek, door=behandelaar, naar="  ", datum=dt.date(2026, 3, 3)
        )

    assert set(fout.value.message_dict) == {"naar", "datum"}
    assert not in_onderzoek.doorverwijzingen.exists()


def test_signaal_en_doorverwijzing_ook_na_afsluiten_maar_niet_na_anonimiseren(
    behandelaar, categorie
):
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    services.kwetsbaarheid_vastleggen(
        klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.BETALINGSPROBLEMEN
    )
    services.doorverwijzing_vastleggen(
        klacht=klacht, door=behandelaar, naar="Wijkteam", datum=dt.date(2026, 3, 1)
    )
    Klacht.objects.filter(pk=klacht.pk).update(geanonimiseerd_op=NU)

    with pytest.raises(WorkflowFout, match="gewist"):
        services.doorverwijzing_vastleggen(
            klacht=klacht, door=behandelaar, naar="Wijkteam", datum=dt.date(2026, 3, 1)
        )
    with pytest.raises(WorkflowFout, match="gewist"):
        services.kwetsbaarheid_intrekken(
            klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.BETALINGSPROBLEMEN
        )


# The pages of the handler ---------------------------------------------------------------------


def test_behandelaar_legt_signaal_en_doorverwijzing_vast_via_het_dossier(
    client, in_onderzoek, behandelaar
):
    client.force_login(behandelaar)
    response = client.post(
        actie_url(in_onderzoek, "kwetsbaarheid_vastleggen"),
        {"versie": in_onderzoek.versie, "soort": "laaggeletterdheid", "toelichting": TOELICHTING},
    )
    assert response.status_code == 302
    assert meldingen(response, "success") == ["Het signaal is vastgelegd; de urgentie is hoog."]

    # The form offers only the signals not yet on the dossier.
    form = client.get(actie_url(in_onderzoek, "kwetsbaarheid_vastleggen")).context["form"]
    assert "laaggeletterdheid" not in dict(form.fields["soort"].choices)
    assert len(form.fields["soort"].choices) == 3

    form = client.get(actie_url(in_onderzoek, "doorverwijzing_vastleggen")).context["form"]
    assert form.initial["datum"] == dt.date(2026, 3, 2)
    assert "doorverwijzing" not in form.fields  # nothing to update yet
    response = client.post(
        actie_url(in_onderzoek, "doorverwijzing_vastleggen"),
        formuliergegevens(
            {
                "versie": in_onderzoek.versie,
                "naar": NAAR,
                "datum": dt.date(2026, 3, 1),
                "uitkomst": "lopend",
                "toelichting": "",
            }
        ),
    )
    assert response.status_code == 302

    dossier = client.get(dossier_url(in_onderzoek))
    inhoud = dossier.content.decode()
    assert "Kwetsbare klant" in inhoud
    assert "Laaggeletterdheid" in inhoud
    assert "GEHEIM-SIGNAAL-7731" in inhoud
    assert "GEHEIM-VERWIJZING-4412" in inhoud
    assert "Loopt nog" in inhoud
    soorten = [item.soort for item in dossier.context["tijdlijn"]]
    assert {"kwetsbaarheid", "doorverwijzing"} <= set(soorten)
    verwijzing = in_onderzoek.doorverwijzingen.get()
    bijwerken = f"{actie_url(in_onderzoek, 'doorverwijzing_vastleggen')}?doorverwijzing="
    assert f"{bijwerken}{verwijzing.pk}" in inhoud

    # The "uitkomst bijwerken" link pre-fills the referral.
    pagina = client.get(f"{bijwerken}{verwijzing.pk}")
    form = pagina.context["form"]
    assert (form.initial["doorverwijzing"], form.initial["naar"]) == (verwijzing.pk, NAAR)
    # The browser's date picker shows the date only as yyyy-mm-dd, in any language.
    assert 'type="date" name="datum" value="2026-03-01"' in pagina.content.decode()
    response = client.post(
        actie_url(in_onderzoek, "doorverwijzing_vastleggen"),
        formuliergegevens(
            {
                "versie": in_onderzoek.versie,
                "doorverwijzing": verwijzing.pk,
                "naar": NAAR,
                "datum": dt.date(2026, 3, 1),
                "uitkomst": "geholpen",
                "toelichting": VERWIJZING_TOELICHTING,
            }
        ),
    )
    assert response.status_code == 302
    verwijzing.refresh_from_db()
    assert verwijzing.uitkomst == DoorverwijzingUitkomst.GEHOLPEN


def test_intrekken_via_het_dossier_met_de_keuze_voor_de_urgentie(client, in_onderzoek, behandelaar):
    services.kwetsbaarheid_vastleggen(
        klacht=in_onderzoek, door=behandelaar, soort=KwetsbaarheidSoort.MEDISCHE_URGENTIE
    )
    client.force_login(behandelaar)
    url = actie_url(in_onderzoek, "kwetsbaarheid_intrekken")
    assert (
        f"{url}?soort=medische_urgentie" in client.get(dossier_url(in_onderzoek)).content.decode()
    )

    form = client.get(f"{url}?soort=medische_urgentie").context["form"]
    assert form.initial["soort"] == "medische_urgentie"
    assert list(dict(form.fields["soort"].choices)) == ["medische_urgentie"]
    klacht = Klacht.objects.get(pk=in_onderzoek.pk)
    response = client.post(
        url, {"versie": klacht.versie, "soort": "medische_urgentie", "urgentie_verlagen": "on"}
    )

    assert response.status_code == 302
    assert meldingen(response, "success") == ["Het signaal is ingetrokken."]
    klacht = Klacht.objects.get(pk=in_onderzoek.pk)
    assert (klacht.urgentie, klacht.kwetsbaarheidssignalen.exists()) == (Urgentie.NORMAAL, False)
    # Nothing left to withdraw: the dossier offers it no more.
    assert url not in client.get(dossier_url(in_onderzoek)).content.decode()


# Who sees it (acceptance 3) ------------------------------------------------------------------


def test_de_behandelende_afdeling_ziet_signalen_doorverwijzing_en_markering(
    client, kwetsbaar, behandelaar, teamleider
):
    for gebruiker in (behandelaar, teamleider):
        client.force_login(gebruiker)
        dossier = client.get(dossier_url(kwetsbaar)).content.decode()
        assert "GEHEIM-SIGNAAL-7731" in dossier
        assert "GEHEIM-VERWIJZING-4412" in dossier
        assert "Betalingsproblemen of schulden" in dossier
        werkvoorraad = client.get(reverse("klachten:werkvoorraad"))
        assert [k.is_kwetsbaar for k in werkvoorraad.context["pagina"]] == [True]
        assert "Kwetsbare klant" in werkvoorraad.content.decode()


def test_de_partnerbehandelaar_van_de_klacht_ziet_het_signaal_een_andere_partner_niets(
    client, kwetsbaar, behandelaar
):
    """A partner firm's handler who handles the complaint handles the vulnerable customer too."""
    eigen = MedewerkerFactory(username="partner", rollen=[rollen.PARTNERBEHANDELAAR])
    andere = MedewerkerFactory(username="partner2", rollen=[rollen.PARTNERBEHANDELAAR])
    services.toewijzen(
        klacht=kwetsbaar, door=behandelaar, afdeling=kwetsbaar.afdeling, behandelaar=eigen
    )

    client.force_login(eigen)
    dossier = client.get(dossier_url(kwetsbaar)).content.decode()
    assert "GEHEIM-SIGNAAL-7731" in dossier
    assert "GEHEIM-VERWIJZING-4412" in dossier
    client.force_login(andere)
    assert client.get(dossier_url(kwetsbaar)).status_code == 404


def test_een_andere_afdeling_ziet_niets_dossier_404_niet_in_de_werkvoorraad(
    client, kwetsbaar, behandelaar_b
):
    client.force_login(behandelaar_b)

    assert client.get(dossier_url(kwetsbaar)).status_code == 404
    for naam in (
        "kwetsbaarheid_vastleggen",
        "kwetsbaarheid_intrekken",
        "doorverwijzing_vastleggen",
    ):
        assert client.get(actie_url(kwetsbaar, naam)).status_code == 404
    werkvoorraad = client.get(reverse("klachten:werkvoorraad") + "?zoek=" + kwetsbaar.dossiernummer)
    assert list(werkvoorraad.context["pagina"]) == []
    geen_geheim(werkvoorraad.content.decode())
    api = f"/api/v1/klachten/{kwetsbaar.dossiernummer}/"
    assert client.get(api).status_code == 404
    assert client.get(api + "tijdlijn/").status_code == 404
    lijst = client.get("/api/v1/klachten/")
    assert lijst.json()["results"] == []


def test_directie_ziet_het_dossier_maar_geen_signaal(client, kwetsbaar, directie):
    """Directie reads every dossier but handles none: the signals are not theirs to read."""
    client.force_login(directie)

    dossier = client.get(dossier_url(kwetsbaar))
    assert dossier.status_code == 200
    geen_geheim(dossier.content.decode())
    assert dossier.context["kwetsbaarheid"] is None
    assert {item.soort for item in dossier.context["tijdlijn"]}.isdisjoint(
        {"kwetsbaarheid", "doorverwijzing"}
    )
    werkvoorraad = client.get(reverse("klachten:werkvoorraad"))
    assert [k.dossiernummer for k in werkvoorraad.context["pagina"]] == [kwetsbaar.dossiernummer]
    assert not hasattr(werkvoorraad.context["pagina"][0], "is_kwetsbaar")
    geen_geheim(werkvoorraad.content.decode())


@pytest.mark.parametrize("wie", ["behandelaar", "directie", "systeemkoppeling"])
def test_de_api_toont_nooit_een_signaal(client, kwetsbaar, wie, request):
    """Not in the list, the complaint or its timeline, for any account that may read it (the
    handling afdeling included: the API serves other systems)."""
    gebruiker = request.getfixturevalue(wie)
    token = api_toegang(client, gebruiker)
    api = f"/api/v1/klachten/{kwetsbaar.dossiernummer}/"

    antwoorden = [client.get(url, **token) for url in ("/api/v1/klachten/", api, api + "tijdlijn/")]

    assert [a.status_code for a in antwoorden] == [200, 200, 200]
    for antwoord in antwoorden:
        geen_geheim(antwoord.content.decode())
    tijdlijn = antwoorden[2].json()
    assert {item["soort"] for item in tijdlijn}.isdisjoint({"kwetsbaarheid", "doorverwijzing"})


def test_de_klant_ziet_geen_signaal_op_de_statuspagina_en_in_geen_enkele_mail(client, kwetsbaar):
    client.logout()
    status = client.get(reverse("klachten:status", args=[kwetsbaar.status_token]))

    assert status.status_code == 200
    geen_geheim(status.content.decode())
    aan_klant = [m for m in mail.outbox if m.to == ["anna@example.nl"]]
    assert len(aan_klant) == 1  # the plain-language statusupdate, sent after the signals
    for bericht in aan_klant:
        geen_geheim(bericht.subject + bericht.body)
    assert kwetsbaar.berichten.count() == 2  # with the acknowledgement
    for bericht in kwetsbaar.berichten.all():
        geen_geheim(bericht.onderwerp + bericht.tekst)
    # The statusupdate went in plain language, and the status page shows it.
    update = kwetsbaar.berichten.get(soort=BerichtSoort.STATUSUPDATE)
    assert update.onderwerp == f"Hoe staat het met uw klacht? ({kwetsbaar.dossiernummer})"
    assert update.onderwerp in status.content.decode()


# Plain language ------------------------------------------------------------------------------


def test_bij_laaggeletterdheid_is_het_bericht_in_eenvoudige_taal_met_een_melding(
    client, in_onderzoek, behandelaar
):
    services.kwetsbaarheid_vastleggen(
        klacht=in_onderzoek, door=behandelaar, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
    )
    client.force_login(behandelaar)
    url = actie_url(in_onderzoek, "statusupdate_sturen")

    response = client.get(url)
    inhoud = response.content.decode()
    initial = response.context["form"].initial
    assert initial["onderwerp"] == f"Hoe staat het met uw klacht? ({in_onderzoek.dossiernummer})"
    assert "Moet u iets doen?" in initial["tekst"]
    assert initial["sjabloon"] == "eenvoudig"  # the message is assembled from the B1 template
    assert "Bij deze klant staat een signaal van kwetsbaarheid." in inhoud
    assert "versie in eenvoudige taal (B1)" in inhoud
    assert "?sjabloon=standaard" in inhoud

    standaard = client.get(url + "?sjabloon=standaard")
    assert standaard.context["form"].initial["onderwerp"].startswith("Stand van zaken")
    assert "?sjabloon=eenvoudig" in standaard.content.decode()


@pytest.mark.parametrize(
    ("soort", "eenvoudig"),
    [
        (KwetsbaarheidSoort.LAAGGELETTERDHEID, True),
        (KwetsbaarheidSoort.BETALINGSPROBLEMEN, True),
        (KwetsbaarheidSoort.MULTIPROBLEMATIEK, True),
        (KwetsbaarheidSoort.MEDISCHE_URGENTIE, False),
    ],
)
def test_welke_signalen_eenvoudige_taal_voorstellen(in_onderzoek, behandelaar, soort, eenvoudig):
    services.kwetsbaarheid_vastleggen(klacht=in_onderzoek, door=behandelaar, soort=soort)

    keuze = berichten.eenvoudige_taal(klacht=in_onderzoek, soort=BerichtSoort.ANTWOORD)

    assert (keuze.voorgesteld, keuze.beschikbaar, keuze.gebruikt) == (eenvoudig, True, eenvoudig)


def test_zonder_signaal_is_eenvoudige_taal_te_kiezen(client, in_onderzoek, behandelaar):
    client.force_login(behandelaar)
    url = actie_url(in_onderzoek, "antwoord_sturen")

    gewoon = client.get(url)
    assert gewoon.context["form"].initial["onderwerp"].startswith("Ons antwoord op uw klacht")
    assert "Wat gaan wij doen?" not in gewoon.context["form"].initial["tekst"]
    inhoud = gewoon.content.decode()
    assert "Er is ook een versie in eenvoudige taal (B1)." in inhoud
    assert "signaal van kwetsbaarheid" not in inhoud

    gekozen = client.get(url + "?sjabloon=eenvoudig").context["form"].initial
    assert "Wat gaan wij doen?" in gekozen["tekst"]
    assert "[oordeel]" not in gekozen["tekst"]  # the verdict is the form's field (issue 18)
    assert gekozen["sjabloon"] == "eenvoudig"


def test_geen_eenvoudige_versie_in_een_andere_taal_dan_die_van_de_klant(
    client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, taal="fr")
    services.kwetsbaarheid_vastleggen(
        klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
    )
    client.force_login(behandelaar)

    response = client.get(actie_url(klacht, "statusupdate_sturen"))

    assert response.context["eenvoudige_taal"].gebruikt is False
    assert response.context["form"].initial["tekst"].startswith("[Décrivez ")
    assert response.context["form"].initial["sjabloon"] == ""
    assert "geen versie in eenvoudige taal" in response.content.decode()


def test_een_bericht_zonder_eenvoudige_versie_meldt_dat_ook(client, behandelaar, categorie):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    services.kwetsbaarheid_vastleggen(
        klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.MULTIPROBLEMATIEK
    )
    client.force_login(behandelaar)

    response = client.get(actie_url(klacht, "afsluiten"))

    assert response.context["eenvoudige_taal"].beschikbaar is False
    assert "schrijf kort, met gewone woorden" in response.content.decode()


def test_de_eenvoudige_sjablonen_worden_ingericht_zonder_wijzigingen_te_overschrijven():
    bestanden = sorted(j.soort for j in standaardjablonen() if j.taal == "nl" and j.eenvoudig)
    assert bestanden == ["antwoord", "ontvangstbevestiging", "statusupdate"]
    eenvoudig = Berichtsjabloon.objects.filter(eenvoudige_taal=True)
    assert sorted(eenvoudig.values_list("soort", flat=True)) == bestanden
    assert set(eenvoudig.values_list("taal", flat=True)) == {"nl"}
    eenvoudig.filter(soort="antwoord").update(tekst="Eigen tekst.")
    eenvoudig.filter(soort="statusupdate").delete()

    assert berichtsjablonen_inrichten() == 1

    assert eenvoudig.get(soort="antwoord").tekst == "Eigen tekst."
    assert eenvoudig.get(soort="statusupdate").onderwerp.startswith("Hoe staat het")
    # The standard versions are still the ones without a signal.
    assert Berichtsjabloon.objects.filter(soort="statusupdate", eenvoudige_taal=False).exists()


def test_ontvangstbevestiging_in_eenvoudige_taal_voor_een_klacht_per_telefoon(
    client, behandelaar, categorie
):
    klacht = klacht_in_status(
        Status.ONTVANGEN, door=behandelaar, categorie=categorie, kanaal=Kanaal.TELEFOON
    )
    services.kwetsbaarheid_vastleggen(
        klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
    )
    client.force_login(behandelaar)

    url = actie_url(klacht, "ontvangst_bevestigen")
    initial = client.get(url).context["form"].initial

    assert initial["onderwerp"].startswith("We hebben uw klacht ontvangen")
    assert initial["sjabloon"] == "eenvoudig"
    # What the customer receives: the plain-language body, assembled around the handler's part.
    voorbeeld = client.post(url, {**initial, "tekst": "", "voorbeeld": "1"}).context["voorbeeld"]
    assert klacht.dossiernummer in voorbeeld["tekst"]
    assert "1. Een medewerker leest uw klacht" in voorbeeld["tekst"]
