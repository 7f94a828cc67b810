"""A handler's own survey results (issue 22, acceptance 1; ARAG: satisfaction results are fed back
to the employee individually): grade, NPS and response per quarter for the complaints they
handled, the team's beside them, and the customers' comments; visible to the handler and their
teamleider only. Figures against a hand computation."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from klachten import rollen
from klachten.kalender import AMSTERDAM
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
)
from tests.factories import KlachtFactory, MedewerkerFactory, standaardlabel

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 5, 15, 12, tzinfo=AMSTERDAM)  # the second quarter of 2026


def om(datum: dt.date) -> dt.datetime:
    return dt.datetime(datum.year, datum.month, datum.day, 12, tzinfo=AMSTERDAM)


def beantwoord(cijfer, nps, *, op, behandelaar, afdeling, over_klacht=True, toelichting=""):
    """A survey about a complaint (or, over_klacht False, another contact moment) answered on
    `op`, its invitation sent the day before."""
    moment = Contactmoment.objects.create(
        label=standaardlabel(),
        soort=(
            ContactmomentSoort.KLACHT_AFGEHANDELD
            if over_klacht
            else ContactmomentSoort.VRAAG_KLANTENSERVICE
        ),
        bron=Bron.WORKFLOW,
        moment=om(op - dt.timedelta(days=2)),
        afdeling=afdeling,
        behandelaar=behandelaar,
        klacht=KlachtFactory() if over_klacht else None,
    )
    Uitnodiging.objects.create(
        contactmoment=moment,
        status=UitnodigingStatus.BEANTWOORD,
        verzenden_op=om(op - dt.timedelta(days=1)),
        verzonden_op=om(op - dt.timedelta(days=1)),
    )
    return Respons.objects.create(
        contactmoment=moment,
        rapportcijfer=cijfer,
        nps_score=nps,
        toelichting=toelichting,
        ontvangen_op=om(op),
    )


@pytest.fixture
def gegevens(behandelaar, collega, behandelaar_b, afdeling_a, afdeling_b):
    """By hand, 1st quarter 2026: own grades 8, 6, 7 (NPS 9, 6, 10): mean 7.0, NPS (2 promoters
    - 1 detractor) / 3 = +33; the team adds the colleague's 4 (NPS 2): mean 25 / 4 = 6.25 -> 6.3,
    NPS (2 - 2) / 4 = 0. 2nd quarter: own 9 (NPS 9), the team the same: 9.0 and +100. Not
    counted: the handler's survey after a question to customer service (no complaint, grade 1)
    and a handler of another afdeling (grade 2)."""
    beantwoord(8, 9, op=dt.date(2026, 1, 20), behandelaar=behandelaar, afdeling=afdeling_a)
    beantwoord(6, 6, op=dt.date(2026, 2, 10), behandelaar=behandelaar, afdeling=afdeling_a)
    beantwoord(
        7,
        10,
        op=dt.date(2026, 3, 31),
        behandelaar=behandelaar,
        afdeling=afdeling_a,
        toelichting="Eindelijk iemand die terugbelde.",
    )
    beantwoord(
        4,
        2,
        op=dt.date(2026, 2, 11),
        behandelaar=collega,
        afdeling=afdeling_a,
        toelichting="Opmerking over de collega.",
    )
    beantwoord(
        9,
        9,
        op=dt.date(2026, 4, 2),
        behandelaar=behandelaar,
        afdeling=afdeling_a,
        toelichting="Snel en duidelijk.",
    )
    beantwoord(
        1,
        0,
        op=dt.date(2026, 2, 1),
        behandelaar=behandelaar,
        afdeling=afdeling_a,
        over_klacht=False,
        toelichting="Over de klantenservice.",
    )
    beantwoord(2, 1, op=dt.date(2026, 2, 1), behandelaar=behandelaar_b, afdeling=afdeling_b)


def url(medewerker) -> str:
    return reverse("klanttevredenheid:behandelaar", args=[medewerker.pk])


@time_machine.travel(NU, tick=False)
def test_eigen_cijfers_en_die_van_het_team_per_kwartaal_met_de_hand_berekend(
    client, behandelaar, gegevens, django_assert_max_num_queries
):
    client.force_login(behandelaar)

    with django_assert_max_num_queries(12):
        response = client.get(url(behandelaar))

    assert response.status_code == 200
    rijen = {rij["naam"]: rij for rij in response.context["rijen"]}
    assert list(rijen) == [
        "2e kwartaal 2026",
        "1e kwartaal 2026",
        "4e kwartaal 2025",
        "3e kwartaal 2025",
    ]
    eerste = rijen["1e kwartaal 2026"]
    assert (eerste["eigen"].gemiddelde, eerste["eigen"].nps, eerste["eigen"].respons) == (
        Decimal("7.0"),
        33,
        3,
    )
    assert (eerste["team"].gemiddelde, eerste["team"].nps, eerste["team"].respons) == (
        Decimal("6.3"),
        0,
        4,
    )
    tweede = rijen["2e kwartaal 2026"]
    assert (tweede["eigen"].gemiddelde, tweede["eigen"].nps) == (Decimal("9.0"), 100)
    assert (tweede["team"].gemiddelde, tweede["team"].nps) == (Decimal("9.0"), 100)
    leeg = rijen["4e kwartaal 2025"]
    assert (leeg["eigen"].respons, leeg["eigen"].gemiddelde, leeg["team"].nps) == (0, None, None)
    pagina = response.content.decode()
    assert "+33" in pagina
    assert "6.3" in pagina or "6,3" in pagina


@time_machine.travel(NU, tick=False)
def test_alleen_opmerkingen_over_de_eigen_klachten(client, behandelaar, gegevens):
    client.force_login(behandelaar)

    pagina = client.get(url(behandelaar)).content.decode()

    assert "Snel en duidelijk." in pagina
    assert "Eindelijk iemand die terugbelde." in pagina
    assert "Opmerking over de collega." not in pagina
    assert "Over de klantenservice." not in pagina
    assert pagina.index("Snel en duidelijk.") < pagina.index("Eindelijk iemand")  # newest first


@time_machine.travel(NU, tick=False)
def test_de_teamleider_ziet_de_resultaten_van_zijn_teamlid(
    client, behandelaar, teamleider, gegevens
):
    client.force_login(teamleider)

    response = client.get(url(behandelaar))

    assert response.status_code == 200
    assert "Snel en duidelijk." in response.content.decode()


@pytest.mark.parametrize(
    "wie", ["collega", "teamleider_b", "directie", "beheerder", "behandelaar_b"]
)
def test_niemand_anders_ziet_de_resultaten(client, behandelaar, afdeling_b, request, wie):
    if wie == "teamleider_b":
        gebruiker = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_b])
    else:
        gebruiker = request.getfixturevalue(wie)
    client.force_login(gebruiker)

    assert client.get(url(behandelaar)).status_code == 404


def test_een_partnerbehandelaar_heeft_geen_resultatenpagina(client):
    partner = MedewerkerFactory(rollen=[rollen.PARTNERBEHANDELAAR])
    client.force_login(partner)

    assert client.get(url(partner)).status_code == 403


def test_zonder_inloggen_naar_de_inlogpagina(client, behandelaar):
    response = client.get(url(behandelaar))

    assert response.status_code == 302
    assert "inloggen" in response.url or "login" in response.url


def test_het_dashboard_wijst_de_weg_naar_de_eigen_en_de_teamresultaten(
    client, behandelaar, teamleider
):
    client.force_login(behandelaar)
    assert url(behandelaar) in client.get(reverse("klanttevredenheid:dashboard")).content.decode()
