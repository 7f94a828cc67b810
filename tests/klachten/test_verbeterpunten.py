"""The list of all improvement actions (verbeterpunten): add one that belongs to no single
complaint, follow it up to done, mark what is past its due date, and show each role what it may
see (DESIGN.md section 4, step 8)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten import rollen, services
from klachten.kalender import AMSTERDAM
from klachten.models import Verbeterpunt, VerbeterpuntStatus
from klachten.workflow import Status
from tests.conftest import meldingen
from tests.factories import MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)
VANDAAG = NU.date()
LIJST = reverse("klachten:verbeterpunten")


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def bijwerken(punt: Verbeterpunt) -> str:
    return reverse("klachten:verbeterpunt-bijwerken", args=[punt.pk])


def punt(door, *, klacht=None, eigenaar=None, streefdatum=VANDAAG, omschrijving="Verbeter"):
    return services.verbeterpunt_toevoegen(
        door=door,
        klacht=klacht,
        omschrijving=omschrijving,
        eigenaar=eigenaar or door,
        streefdatum=streefdatum,
    )


def test_verbeterpunt_zonder_klacht_toevoegen(client, behandelaar, collega):
    client.force_login(behandelaar)

    response = client.post(
        LIJST,
        {
            "omschrijving": "Standaardbrief over eigen risico herschrijven in B1.",
            "eigenaar": collega.pk,
            "streefdatum": "2026-04-30",
        },
    )

    assert response.status_code == 302
    assert response.url == LIJST
    assert meldingen(response, "success") == ["Het verbeterpunt is vastgelegd."]
    verbeterpunt = Verbeterpunt.objects.get()
    assert verbeterpunt.klacht is None
    assert verbeterpunt.omschrijving == "Standaardbrief over eigen risico herschrijven in B1."
    assert (verbeterpunt.eigenaar, verbeterpunt.aangemaakt_door) == (collega, behandelaar)
    assert verbeterpunt.streefdatum == dt.date(2026, 4, 30)
    assert verbeterpunt.status == VerbeterpuntStatus.OPEN
    assert "Standaardbrief over eigen risico" in client.get(LIJST).content.decode()


def test_verbeterpunt_zonder_omschrijving_wordt_niet_vastgelegd(client, behandelaar):
    client.force_login(behandelaar)

    response = client.post(LIJST, {"omschrijving": "", "eigenaar": behandelaar.pk})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"omschrijving", "streefdatum"}
    assert not Verbeterpunt.objects.exists()


def test_status_naar_gereed_stempelt_gereed_op_een_keer(client, behandelaar, time_machine):
    verbeterpunt = punt(behandelaar)
    client.force_login(behandelaar)

    client.post(bijwerken(verbeterpunt), {"status": VerbeterpuntStatus.IN_UITVOERING})
    verbeterpunt.refresh_from_db()
    assert (verbeterpunt.status, verbeterpunt.gereed_op) == (VerbeterpuntStatus.IN_UITVOERING, None)

    client.cookies.pop("messages", None)
    response = client.post(bijwerken(verbeterpunt), {"status": VerbeterpuntStatus.GEREED})

    assert response.status_code == 302
    assert meldingen(response, "success") == ["De status van het verbeterpunt is bijgewerkt."]
    verbeterpunt.refresh_from_db()
    assert (verbeterpunt.status, verbeterpunt.gereed_op) == (VerbeterpuntStatus.GEREED, NU)

    time_machine.move_to(NU + dt.timedelta(days=3), tick=False)
    client.force_login(behandelaar)  # three days later: a new session (idle ones expire)
    client.post(bijwerken(verbeterpunt), {"status": VerbeterpuntStatus.GEREED})
    verbeterpunt.refresh_from_db()
    assert verbeterpunt.gereed_op == NU  # done when it was done, not when it was saved again

    client.post(bijwerken(verbeterpunt), {"status": VerbeterpuntStatus.OPEN})
    verbeterpunt.refresh_from_db()
    assert (verbeterpunt.status, verbeterpunt.gereed_op) == (VerbeterpuntStatus.OPEN, None)
    # Created + three changes, each with its author; "gereed" saved again changed nothing and
    # left no history row (issue 19).
    assert verbeterpunt.history.count() == 4
    wijzigingen = verbeterpunt.history.order_by("history_id")[1:]
    assert [h.history_user for h in wijzigingen] == [behandelaar] * 3


def test_ongeldige_status_verandert_niets(client, behandelaar):
    verbeterpunt = punt(behandelaar)
    client.force_login(behandelaar)

    client.post(bijwerken(verbeterpunt), {"status": "weg"})

    verbeterpunt.refresh_from_db()
    assert verbeterpunt.status == VerbeterpuntStatus.OPEN


def test_open_verbeterpunt_na_de_streefdatum_is_over_datum(client, behandelaar):
    gisteren = VANDAAG - dt.timedelta(days=1)
    over_datum = punt(behandelaar, streefdatum=gisteren, omschrijving="Te laat")
    bezig_te_laat = punt(behandelaar, streefdatum=gisteren, omschrijving="Bezig maar te laat")
    services.verbeterpunt_bijwerken(
        verbeterpunt=bezig_te_laat, door=behandelaar, status=VerbeterpuntStatus.IN_UITVOERING
    )
    gereed = punt(behandelaar, streefdatum=gisteren, omschrijving="Gereed")
    services.verbeterpunt_bijwerken(
        verbeterpunt=gereed, door=behandelaar, status=VerbeterpuntStatus.GEREED
    )
    vervallen = punt(behandelaar, streefdatum=gisteren, omschrijving="Vervallen")
    services.verbeterpunt_bijwerken(
        verbeterpunt=vervallen, door=behandelaar, status=VerbeterpuntStatus.VERVALLEN
    )
    vandaag = punt(behandelaar, streefdatum=VANDAAG, omschrijving="Vandaag")
    client.force_login(behandelaar)

    response = client.get(LIJST)

    over = {p.omschrijving: p.is_over_datum for p in response.context["pagina"]}
    assert over == {
        "Te laat": True,
        "Bezig maar te laat": True,
        "Vandaag": False,  # due today is not late yet
        "Gereed": False,
        "Vervallen": False,
    }
    assert response.content.decode().count("Over datum") == 2
    # Open ones first, by due date; done and dropped ones last.
    assert [p.pk for p in response.context["pagina"]][:3] == [
        over_datum.pk,
        bezig_te_laat.pk,
        vandaag.pk,
    ]
    assert {p.pk for p in list(response.context["pagina"])[3:]} == {gereed.pk, vervallen.pk}


@pytest.fixture
def punten(behandelaar, behandelaar_b, categorie, categorie_b):
    """One improvement action on a complaint of afdeling A, one on B, one without complaint, and
    one on B owned by the handler of A."""
    klacht_a = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    klacht_b = klacht_in_status(Status.AFGESLOTEN, door=behandelaar_b, categorie=categorie_b)
    return {
        "a": punt(behandelaar, klacht=klacht_a, omschrijving="Punt A"),
        "b": punt(behandelaar_b, klacht=klacht_b, omschrijving="Punt B"),
        "los": punt(behandelaar_b, omschrijving="Punt zonder klacht"),
        "b_eigen": punt(
            behandelaar_b, klacht=klacht_b, eigenaar=behandelaar, omschrijving="Punt B van A"
        ),
    }


@pytest.mark.parametrize(
    ("wie", "ziet"),
    [
        ("behandelaar", {"a", "los", "b_eigen"}),
        ("behandelaar_b", {"b", "los", "b_eigen"}),
        ("directie", {"a", "b", "los", "b_eigen"}),
        ("beheerder", {"a", "b", "los", "b_eigen"}),
    ],
)
def test_zichtbaarheid_van_verbeterpunten_per_rol(client, punten, request, wie, ziet):
    client.force_login(request.getfixturevalue(wie))

    response = client.get(LIJST)

    per_pk = {p.pk: naam for naam, p in punten.items()}
    assert {per_pk[p.pk] for p in response.context["pagina"]} == ziet


def test_onzichtbaar_verbeterpunt_bijwerken_geeft_404(client, punten, behandelaar):
    client.force_login(behandelaar)

    response = client.post(bijwerken(punten["b"]), {"status": VerbeterpuntStatus.GEREED})

    assert response.status_code == 404
    punten["b"].refresh_from_db()
    assert punten["b"].status == VerbeterpuntStatus.OPEN


def test_eigenaar_werkt_een_verbeterpunt_van_een_andere_afdeling_bij(client, punten, behandelaar):
    client.force_login(behandelaar)

    response = client.post(bijwerken(punten["b_eigen"]), {"status": VerbeterpuntStatus.GEREED})

    assert response.status_code == 302
    punten["b_eigen"].refresh_from_db()
    assert punten["b_eigen"].status == VerbeterpuntStatus.GEREED


def test_directie_ziet_verbeterpunten_maar_legt_er_geen_vast(client, directie, behandelaar):
    client.force_login(directie)

    response = client.post(
        LIJST,
        {"omschrijving": "Iets", "eigenaar": behandelaar.pk, "streefdatum": "2026-04-30"},
    )

    assert response.status_code == 403
    assert not Verbeterpunt.objects.exists()
    assert client.get(LIJST).status_code == 200


@pytest.mark.parametrize("rol", [rollen.DIRECTIE, rollen.SYSTEEMKOPPELING])
def test_wie_geen_verbeterpunten_vastlegt_werkt_die_ook_niet_bij(client, behandelaar, rol):
    verbeterpunt = punt(behandelaar)
    client.force_login(MedewerkerFactory(rollen=[rol]))

    response = client.post(bijwerken(verbeterpunt), {"status": VerbeterpuntStatus.VERVALLEN})

    assert response.status_code == 403
    verbeterpunt.refresh_from_db()
    assert verbeterpunt.status == VerbeterpuntStatus.OPEN


def test_directielid_als_eigenaar_mag_het_eigen_verbeterpunt_bijwerken(
    client, behandelaar, directie
):
    verbeterpunt = punt(behandelaar, eigenaar=directie)
    client.force_login(directie)

    response = client.post(bijwerken(verbeterpunt), {"status": VerbeterpuntStatus.GEREED})

    assert response.status_code == 302
    verbeterpunt.refresh_from_db()
    assert verbeterpunt.status == VerbeterpuntStatus.GEREED


def test_verbeterpunt_vanuit_een_klacht_komt_op_de_tijdlijn_en_in_de_lijst(
    via_pagina, client, behandelaar, categorie
):
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)

    via_pagina.doe(
        "verbeterpunt_toevoegen",
        klacht,
        behandelaar,
        omschrijving="Wachttijd telefoon verkorten.",
        eigenaar=behandelaar,
        streefdatum=dt.date(2026, 6, 1),
    )

    verbeterpunt = Verbeterpunt.objects.get()
    assert verbeterpunt.klacht == klacht
    assert klacht.gebeurtenissen.filter(
        soort="verbeterpunt", tekst="Wachttijd telefoon verkorten."
    ).exists()
    client.force_login(behandelaar)
    inhoud = client.get(LIJST).content.decode()
    assert "Wachttijd telefoon verkorten." in inhoud
    assert klacht.dossiernummer in inhoud


def test_lijst_gebruikt_evenveel_queries_bij_weinig_als_bij_veel_punten(
    client, behandelaar, categorie, django_assert_max_num_queries
):
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    client.force_login(behandelaar)

    def tel() -> int:
        with CaptureQueriesContext(connection) as vastgelegd:
            assert client.get(LIJST).status_code == 200
        return len(vastgelegd)

    punt(behandelaar, klacht=klacht)
    weinig = tel()
    for i in range(20):
        punt(behandelaar, klacht=klacht, eigenaar=MedewerkerFactory(), omschrijving=f"P{i}")
    with django_assert_max_num_queries(weinig):
        veel = tel()

    assert veel == weinig
