"""The half-yearly complaint analysis: categories and root causes against the half-year before,
lessons, improvement actions (overdue ones flagged), external outcomes and the vulnerable
customers (counted anonymously), with the working group's conclusions (DESIGN.md section 7)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import (
    DoorverwijzingUitkomst,
    ExterneInstantie,
    KwetsbaarheidSoort,
    Oorzaak,
    Uitkomst,
)
from klachten.workflow import Oordeel, Status
from rapportage import analyse, selectors
from rapportage.models import Klachtanalyse
from tests.factories import CategorieFactory, klacht_in_status

pytestmark = pytest.mark.django_db

D = dt.date
BERICHT = {"onderwerp": "Antwoord", "tekst": "Ons antwoord."}


def om(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur), tzinfo=AMSTERDAM)


@pytest.fixture
def halfjaar(time_machine, behandelaar, categorie, afdeling_a):
    """First half of 2026: two complaints about `categorie` answered with a cause, one about
    another categorie; one complaint in the second half of 2025."""
    premie = CategorieFactory(naam="Premie", afdeling=afdeling_a)
    verwerking = Oorzaak.objects.get(code="verwerking")

    def beantwoord(ontvangen: dt.date, cat, oorzaak):
        time_machine.move_to(om(ontvangen), tick=False)
        klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=cat)
        time_machine.move_to(om(ontvangen + dt.timedelta(days=10)), tick=False)
        klacht = services.antwoord_sturen(
            klacht=klacht, door=behandelaar, oordeel=Oordeel.GEGROND, oorzaak=oorzaak, **BERICHT
        )
        return services.afsluiten(klacht=klacht, door=behandelaar, **BERICHT)

    oud = beantwoord(D(2025, 9, 1), categorie, verwerking)
    een = beantwoord(D(2026, 2, 2), categorie, verwerking)
    beantwoord(D(2026, 3, 2), categorie, Oorzaak.objects.get(code="informatie"))
    beantwoord(D(2026, 4, 1), premie, None)
    time_machine.move_to(om(D(2026, 5, 1)), tick=False)
    services.leermoment_toevoegen(klacht=een, door=behandelaar, omschrijving="Sneller terugbellen.")
    services.verbeterpunt_toevoegen(
        door=behandelaar,
        omschrijving="Brief herschrijven.",
        eigenaar=behandelaar,
        streefdatum=D(2026, 6, 1),
        klacht=een,
    )
    services.externe_procedure_vastleggen(
        klacht=oud,
        door=behandelaar,
        instantie=ExterneInstantie.objects.get(code="kifid"),
        ingediend_datum=D(2026, 1, 5),
        uitkomst=Uitkomst.ONGEGROND,
        beslist_datum=D(2026, 4, 20),
        toelichting="Kifid volgt ons standpunt.",
    )
    time_machine.move_to(om(D(2026, 7, 15)), tick=False)
    return {"premie": premie}


def test_categorieen_en_oorzaken_tegen_het_halfjaar_ervoor(halfjaar, directie, categorie):
    a = analyse.analyse(2026, 1, selectie=selectors.selectie_voor(directie), vandaag=D(2026, 7, 15))

    assert (a.ontvangen, a.afgesloten) == (3, 3)
    assert [(r.naam, r.aantal, r.vorige) for r in a.per_categorie] == [
        (categorie.naam, 2, 1),
        ("Premie", 1, 0),
    ]
    assert [(r.naam, r.aantal, r.vorige, r.verschil) for r in a.per_oorzaak] == [
        ("Fout in de verwerking", 1, 1, 0),
        ("Informatie onduidelijk of onvolledig", 1, 0, 1),
        ("Niet vastgesteld", 1, 0, 1),
    ]
    assert [v.omschrijving for v in a.verbeterpunten] == ["Brief herschrijven."]
    assert a.te_laat == 1  # due 1 June, still open on 15 July
    assert [lm.omschrijving for lm in a.leermomenten] == ["Sneller terugbellen."]
    assert a.extern == [("Kifid (Klachteninstituut Financiële Dienstverlening)", "Ongegrond", 1)]


def test_werkgroep_schrijft_conclusies_en_de_pagina_is_af(
    halfjaar, client, teamleider, behandelaar
):
    url = reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1})
    client.force_login(behandelaar)
    assert client.get(url).status_code == 403

    client.force_login(teamleider)
    pagina = client.get(url).content.decode()
    assert "Fout in de verwerking" in pagina
    assert "over de streefdatum" in pagina
    assert "Kifid volgt ons standpunt." in pagina
    client.post(url, {"conclusies": "Verwerkingsfouten nemen niet af: werkinstructie aanpassen."})

    verslag = Klachtanalyse.objects.get(jaar=2026, helft=1)
    assert verslag.bijgewerkt_door == teamleider
    assert "werkinstructie" in client.get(url).content.decode()


def test_index_opent_het_vorige_halfjaar(client, directie, time_machine):
    time_machine.move_to(om(D(2026, 8, 3)), tick=False)
    client.force_login(directie)

    response = client.get(reverse("rapportage:analyse-index"))

    assert response.url == reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1})


def test_aantal_queries_groeit_niet_met_de_klachten(
    halfjaar, client, directie, behandelaar, categorie, afdeling_a, time_machine
):
    """Eight more complaints, in four new categories, each with a leermoment: the page shows
    them all at the same query count."""
    url = reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1})
    client.force_login(directie)

    def pagina() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    weinig, voor = pagina()
    time_machine.move_to(om(D(2026, 3, 10)), tick=False)
    nieuwe = [CategorieFactory(naam=f"Nieuwe categorie {i}", afdeling=afdeling_a) for i in range(4)]
    for i in range(8):
        klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=nieuwe[i % 4])
        services.leermoment_toevoegen(klacht=klacht, door=behandelaar, omschrijving=f"Les {i}.")
    time_machine.move_to(om(D(2026, 7, 15)), tick=False)
    meer, na = pagina()

    assert "Nieuwe categorie 0" not in voor
    assert all(f"Nieuwe categorie {i}" in na for i in range(4))
    assert all(f"Les {i}." in na for i in range(8))
    assert meer == weinig
    # With the working group's meetings and the improvement actions' effect (issue 22).
    assert weinig <= 26


# Vulnerable customers (issue 9): counts only --------------------------------------------------

GEHEIM = "GEHEIM-TOELICHTING-5521"
VERWIJZING = "Schuldhulp GEHEIM-NAAR-8830"


@pytest.fixture
def kwetsbaar(time_machine, behandelaar, behandelaar_b, categorie, categorie_b):
    """Second half of 2025 and first half of 2026 (afdeling A unless said):

    - A, received 10 Oct 2025: betalingsproblemen (10 Oct 2025), referred 12 Oct 2025 (later:
      geholpen); laaggeletterdheid recorded 30 Jun 2026;
    - B, 3 Feb 2026: laaggeletterdheid and multiproblematiek, referred 5 Feb (loopt nog) and
      30 Jun 2026 (afgeslagen);
    - C, 10 May 2026: medische urgentie; betalingsproblemen recorded and withdrawn; referred
      1 Jul 2026 (the next half-year); multiproblematiek recorded 1 Jul 2026 at 00:30;
    - D, afdeling B, 1 Mar 2026: laaggeletterdheid.
    """

    def op(datum: dt.date, uur: int = 10):
        time_machine.move_to(om(datum, uur), tick=False)

    def signaal(klacht, soort, door=behandelaar):
        services.kwetsbaarheid_vastleggen(klacht=klacht, door=door, soort=soort, toelichting=GEHEIM)

    def verwijzen(klacht, datum, uitkomst=DoorverwijzingUitkomst.LOPEND):
        return services.doorverwijzing_vastleggen(
            klacht=klacht, door=behandelaar, naar=VERWIJZING, datum=datum, uitkomst=uitkomst
        )

    op(D(2025, 10, 10))
    a = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    signaal(a, KwetsbaarheidSoort.BETALINGSPROBLEMEN)
    op(D(2025, 10, 12))
    verwijzing_a = verwijzen(a, D(2025, 10, 12))
    op(D(2026, 1, 20))
    services.doorverwijzing_vastleggen(
        klacht=a,
        door=behandelaar,
        doorverwijzing=verwijzing_a,
        naar=VERWIJZING,
        datum=D(2025, 10, 12),
        uitkomst=DoorverwijzingUitkomst.GEHOLPEN,
    )
    op(D(2026, 2, 3))
    b = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    signaal(b, KwetsbaarheidSoort.LAAGGELETTERDHEID)
    signaal(b, KwetsbaarheidSoort.MULTIPROBLEMATIEK)
    op(D(2026, 2, 5))
    verwijzen(b, D(2026, 2, 5))
    op(D(2026, 3, 1))
    d = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar_b, categorie=categorie_b)
    signaal(d, KwetsbaarheidSoort.LAAGGELETTERDHEID, door=behandelaar_b)
    op(D(2026, 5, 10))
    c = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    signaal(c, KwetsbaarheidSoort.MEDISCHE_URGENTIE)
    signaal(c, KwetsbaarheidSoort.BETALINGSPROBLEMEN)
    services.kwetsbaarheid_intrekken(
        klacht=c, door=behandelaar, soort=KwetsbaarheidSoort.BETALINGSPROBLEMEN
    )
    op(D(2026, 6, 30))
    signaal(a, KwetsbaarheidSoort.LAAGGELETTERDHEID)
    verwijzen(b, D(2026, 6, 30), DoorverwijzingUitkomst.AFGESLAGEN)
    time_machine.move_to(om(D(2026, 7, 1), 0) + dt.timedelta(minutes=30), tick=False)
    signaal(c, KwetsbaarheidSoort.MULTIPROBLEMATIEK)
    op(D(2026, 7, 1))
    verwijzen(c, D(2026, 7, 1))
    op(D(2026, 7, 15))
    return [a, b, c, d]


def rijen(tabel) -> dict[str, tuple[int, int]]:
    return {r.naam: (r.aantal, r.vorige) for r in tabel}


def test_signalen_en_doorverwijzingen_geteld_tegen_het_halfjaar_ervoor(kwetsbaar, directie):
    a = analyse.analyse(2026, 1, selectie=selectors.selectie_voor(directie), vandaag=D(2026, 7, 15))

    assert (a.kwetsbare_klachten.aantal, a.kwetsbare_klachten.vorige) == (4, 1)  # A B C D; A
    assert rijen(a.signalen) == {
        "Betalingsproblemen of schulden": (0, 1),  # C's was withdrawn
        "Laaggeletterdheid": (3, 0),  # A (30 Jun), B, D
        "Meerdere problemen tegelijk": (1, 0),  # B; C's came on 1 Jul at 00:30
        "Medische urgentie": (1, 0),
    }
    assert [r.naam for r in a.signalen] == [str(s.label) for s in KwetsbaarheidSoort]
    assert rijen(a.doorverwijzingen) == {
        "Loopt nog": (1, 0),
        "Klant is geholpen": (0, 1),  # A's, by its date in 2025, with its outcome of now
        "Klant is niet geholpen": (0, 0),
        "Klant wilde geen hulp": (1, 0),
        "Onbekend": (0, 0),
    }


def test_teamleider_telt_alleen_de_eigen_afdelingen(kwetsbaar, teamleider):
    a = analyse.analyse(
        2026, 1, selectie=selectors.selectie_voor(teamleider), vandaag=D(2026, 7, 15)
    )

    assert (a.kwetsbare_klachten.aantal, a.kwetsbare_klachten.vorige) == (3, 1)  # not D
    assert rijen(a.signalen)["Laaggeletterdheid"] == (2, 0)


def test_de_analysepagina_telt_kwetsbare_klanten_zonder_persoonsgegevens(
    kwetsbaar, client, directie
):
    client.force_login(directie)

    pagina = client.get(reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1}))

    inhoud = pagina.content.decode()
    assert "Kwetsbare klanten" in inhoud
    assert "Klachten met een signaal van kwetsbaarheid: 4 (halfjaar ervoor: 1)." in inhoud
    assert "Klant wilde geen hulp" in inhoud
    for klacht in kwetsbaar:
        assert klacht.dossiernummer not in inhoud
        assert klacht.klant_naam not in inhoud
        assert klacht.klant_email not in inhoud
    assert GEHEIM not in inhoud
    assert "GEHEIM-NAAR-8830" not in inhoud
