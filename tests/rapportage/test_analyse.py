"""The half-yearly complaint analysis: categories and root causes against the half-year before,
lessons, improvement actions (overdue ones flagged) and external outcomes, with the working
group's conclusions (DESIGN.md section 7)."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten import services
from klachten.models import ExterneInstantie, Oorzaak, Uitkomst
from klachten.termijnen import AMSTERDAM
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
    halfjaar,
    client,
    directie,
    django_assert_max_num_queries,
    behandelaar,
    categorie,
    time_machine,
):
    url = reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1})
    client.force_login(directie)
    with django_assert_max_num_queries(25):
        client.get(url)
    time_machine.move_to(om(D(2026, 3, 10)), tick=False)
    for _i in range(8):
        klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(D(2026, 7, 15)), tick=False)
    with django_assert_max_num_queries(25):
        client.get(url)
