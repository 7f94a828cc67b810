"""The working group's quarterly meeting (werkgroepoverleg) with its participants, priorities and
action points linked to improvement actions, listed in the half-yearly analysis; and analyses and
the yearly report shared with all staff, on an internal page and with a notice (issue 22, smaller
practices)."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from klachten import rollen
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, Verbeterpunt, VerbeterpuntStatus
from rapportage import services
from rapportage.berichtsoorten import RapportBerichtSoort
from rapportage.models import Gedeeld, GedeeldSoort, Werkgroepoverleg
from tests.factories import MedewerkerFactory

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 8, 12, 10, 0, tzinfo=AMSTERDAM)
ANALYSE_H1 = reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1})


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def verbeterpunt(eigenaar, omschrijving=None, status=VerbeterpuntStatus.OPEN) -> Verbeterpunt:
    return Verbeterpunt.objects.create(
        omschrijving=omschrijving or f"Verbeterpunt {uuid.uuid4().hex[:8]}",
        eigenaar=eigenaar,
        streefdatum=dt.date(2026, 10, 1),
        status=status,
        aangemaakt_door=eigenaar,
    )


def overleg(door, datum, prioriteiten="Wachttijden declaraties", deelnemers=(), punten=()):
    return services.werkgroepoverleg_vastleggen(
        door=door,
        datum=datum,
        deelnemers=[door, *deelnemers],
        prioriteiten=prioriteiten,
        actiepunten="Scripts telefoon herzien.",
        verbeterpunten=punten,
    )


# Werkgroepoverleg ---------------------------------------------------------------------------------


def test_teamleider_legt_een_werkgroepoverleg_vast_met_verbeterpunten(
    client, teamleider, behandelaar
):
    punt = verbeterpunt(teamleider, "Brief over eigen risico herschrijven")
    klaar = verbeterpunt(teamleider, "Oud en gereed", status=VerbeterpuntStatus.GEREED)
    client.force_login(teamleider)

    formulier = client.get(reverse("rapportage:werkgroep-nieuw"))
    assert formulier.status_code == 200
    keuzes = formulier.context["form"].fields["verbeterpunten"].queryset
    assert punt in keuzes
    assert klaar not in keuzes  # only open improvement actions to link

    response = client.post(
        reverse("rapportage:werkgroep-nieuw"),
        {
            "datum": "2026-04-14",
            "deelnemers": [teamleider.pk, behandelaar.pk],
            "prioriteiten": "Bejegening aan de telefoon",
            "actiepunten": "Training gesprekstechniek plannen.",
            "verbeterpunten": [punt.pk],
        },
    )

    assert response.status_code == 302
    vastgelegd = Werkgroepoverleg.objects.get()
    assert vastgelegd.datum == dt.date(2026, 4, 14)
    assert set(vastgelegd.deelnemers.all()) == {teamleider, behandelaar}
    assert list(vastgelegd.verbeterpunten.all()) == [punt]
    assert vastgelegd.vastgelegd_door == teamleider
    lijst = client.get(reverse("rapportage:werkgroep")).content.decode()
    assert "Bejegening aan de telefoon" in lijst
    assert "Brief over eigen risico herschrijven" in lijst


def test_werkgroepoverleg_bewerken(client, directie, teamleider):
    punt = verbeterpunt(teamleider)
    vastgelegd = overleg(teamleider, dt.date(2026, 4, 14), punten=[punt])
    client.force_login(directie)
    url = reverse("rapportage:werkgroep-bewerken", kwargs={"pk": vastgelegd.pk})

    formulier = client.get(url)
    assert formulier.status_code == 200
    assert "Wachttijden declaraties" in formulier.content.decode()
    response = client.post(
        url,
        {
            "datum": "2026-04-15",
            "deelnemers": [teamleider.pk, directie.pk],
            "prioriteiten": "Wachttijden declaraties en premie",
            "actiepunten": "",
            "verbeterpunten": [],
        },
    )

    assert response.status_code == 302
    vastgelegd.refresh_from_db()
    assert vastgelegd.datum == dt.date(2026, 4, 15)
    assert vastgelegd.prioriteiten == "Wachttijden declaraties en premie"
    assert set(vastgelegd.deelnemers.all()) == {teamleider, directie}
    assert not vastgelegd.verbeterpunten.exists()
    assert vastgelegd.vastgelegd_door == teamleider  # who recorded it first


def test_werkgroepoverleg_zonder_prioriteiten_of_deelnemers_geeft_veldfouten(client, teamleider):
    client.force_login(teamleider)

    response = client.post(
        reverse("rapportage:werkgroep-nieuw"), {"datum": "2026-04-14", "prioriteiten": " "}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"deelnemers", "prioriteiten"}
    assert not Werkgroepoverleg.objects.exists()


@pytest.mark.parametrize("naam", ["rapportage:werkgroep", "rapportage:werkgroep-nieuw"])
def test_een_behandelaar_beheert_geen_werkgroepoverleg(client, behandelaar, naam):
    client.force_login(behandelaar)
    assert client.get(reverse(naam)).status_code == 403


def test_werkgroeplijst_kost_evenveel_queries_bij_meer_overleggen(
    client, teamleider, behandelaar, django_assert_max_num_queries
):
    client.force_login(teamleider)
    overleg(teamleider, dt.date(2026, 1, 10), deelnemers=[behandelaar])
    client.get(reverse("rapportage:werkgroep"))  # warm up session and caches
    with django_assert_max_num_queries(12) as een:
        client.get(reverse("rapportage:werkgroep"))
    for maand in (4, 7, 10):
        overleg(
            teamleider,
            dt.date(2025, maand, 10),
            deelnemers=[behandelaar],
            punten=[verbeterpunt(teamleider)],
        )
    with django_assert_max_num_queries(len(een.captured_queries)):
        client.get(reverse("rapportage:werkgroep"))


def test_halfjaaranalyse_toont_de_overleggen_van_haar_halfjaar(client, directie, teamleider):
    punt = verbeterpunt(teamleider, "Machtigingen sneller beoordelen")
    overleg(teamleider, dt.date(2026, 1, 20), prioriteiten="Prioriteit januari")
    overleg(teamleider, dt.date(2026, 6, 30), prioriteiten="Prioriteit juni", punten=[punt])
    overleg(teamleider, dt.date(2026, 7, 1), prioriteiten="Prioriteit juli")
    overleg(teamleider, dt.date(2025, 12, 31), prioriteiten="Prioriteit december")
    client.force_login(directie)

    inhoud = client.get(ANALYSE_H1).content.decode()

    assert "Werkgroepoverleg in dit halfjaar" in inhoud
    assert inhoud.index("Prioriteit januari") < inhoud.index("Prioriteit juni")
    assert "Machtigingen sneller beoordelen" in inhoud
    assert "Prioriteit juli" not in inhoud
    assert "Prioriteit december" not in inhoud


# Shared with all staff -----------------------------------------------------------------------------


@pytest.fixture
def partner(db):
    return MedewerkerFactory(username="partner", rollen=[rollen.PARTNERBEHANDELAAR])


def test_analyse_delen_met_alle_medewerkers_met_een_bericht(
    client, label, directie, teamleider, behandelaar, partner, django_capture_on_commit_callbacks
):
    client.force_login(behandelaar)
    assert client.get(ANALYSE_H1).status_code == 403  # not shared yet
    client.force_login(directie)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("rapportage:delen"),
            {"soort": "klachtanalyse", "jaar": "2026", "helft": "1", "toelichting": "Lees mee!"},
        )

    assert response.status_code == 302
    assert response.url == ANALYSE_H1
    gedeeld = Gedeeld.objects.get()
    assert (gedeeld.soort, gedeeld.jaar, gedeeld.helft, gedeeld.gedeeld_door) == (
        GedeeldSoort.KLACHTANALYSE,
        2026,
        1,
        directie,
    )
    meldingen = Bericht.objects.filter(soort=RapportBerichtSoort.RAPPORT, klacht=None)
    assert sorted(meldingen.values_list("aan", flat=True)) == sorted(
        [directie.email, teamleider.email, behandelaar.email]
    )  # not the outside firm's partner
    melding = meldingen.first()
    assert "Halfjaarlijkse klachtanalyse 2026, 1e halfjaar" in melding.onderwerp + melding.tekst
    assert "Lees mee!" in melding.tekst
    assert ANALYSE_H1 in melding.tekst

    client.force_login(behandelaar)
    lijst = client.get(reverse("rapportage:gedeeld")).content.decode()
    assert ANALYSE_H1 in lijst
    assert "Lees mee!" in lijst
    analyse = client.get(ANALYSE_H1)
    assert analyse.status_code == 200
    assert "Gedeeld met alle medewerkers" in analyse.content.decode()

    client.force_login(partner)
    assert client.get(reverse("rapportage:gedeeld")).status_code == 403
    assert client.get(ANALYSE_H1).status_code == 403


def test_een_rapport_wordt_eenmaal_gedeeld(label, directie, behandelaar):
    services.rapport_delen(door=directie, soort=GedeeldSoort.KLACHTANALYSE, jaar=2026, helft=1)

    with pytest.raises(services.DelenFout):
        services.rapport_delen(door=directie, soort=GedeeldSoort.KLACHTANALYSE, jaar=2026, helft=1)

    assert Gedeeld.objects.count() == 1
    assert Bericht.objects.filter(soort=RapportBerichtSoort.RAPPORT).count() == 2


def test_een_behandelaar_deelt_niets(client, label, behandelaar):
    client.force_login(behandelaar)

    response = client.post(
        reverse("rapportage:delen"), {"soort": "klachtanalyse", "jaar": "2026", "helft": "1"}
    )

    assert response.status_code == 403
    assert not Gedeeld.objects.exists()


def test_jaarrapport_delen_alleen_door_de_directie_en_dan_leesbaar_voor_iedereen(
    client, label, directie, teamleider, behandelaar
):
    url = reverse("rapportage:jaar", kwargs={"jaar": 2025}) + f"?label={label.slug}"
    gegevens = {"soort": "jaarrapport", "jaar": "2025", "label": label.slug}
    client.force_login(behandelaar)
    assert client.get(url).status_code == 403

    client.force_login(teamleider)
    assert client.post(reverse("rapportage:delen"), gegevens).status_code == 403
    client.force_login(directie)
    assert 'name="soort" value="jaarrapport"' in client.get(url).content.decode()
    assert client.post(reverse("rapportage:delen"), gegevens).status_code == 302

    client.force_login(behandelaar)
    pagina = client.get(url)
    assert pagina.status_code == 200
    inhoud = pagina.content.decode()
    assert "Gedeeld met alle medewerkers" in inhoud
    assert 'name="voorbeeld"' not in inhoud  # reads, does not edit or publish
    assert (
        "Klachtenjaarverslag 2025 van" in client.get(reverse("rapportage:gedeeld")).content.decode()
    )


def test_gedeeldlijst_kost_evenveel_queries_bij_meer_rapporten(
    client, label, directie, behandelaar, django_assert_max_num_queries
):
    services.rapport_delen(door=directie, soort=GedeeldSoort.KLACHTANALYSE, jaar=2025, helft=1)
    client.force_login(behandelaar)
    client.get(reverse("rapportage:gedeeld"))
    with django_assert_max_num_queries(12) as een:
        client.get(reverse("rapportage:gedeeld"))
    services.rapport_delen(door=directie, soort=GedeeldSoort.KLACHTANALYSE, jaar=2025, helft=2)
    services.rapport_delen(door=directie, soort=GedeeldSoort.JAARRAPPORT, jaar=2025, label=label)
    with django_assert_max_num_queries(len(een.captured_queries)):
        inhoud = client.get(reverse("rapportage:gedeeld")).content.decode()
    assert inhoud.count("<tr>") == 4  # the head and three reports


def test_een_jaar_dat_nog_niet_begon_wordt_niet_gedeeld(client, label, directie):
    client.force_login(directie)

    response = client.post(
        reverse("rapportage:delen"), {"soort": "klachtanalyse", "jaar": "2027", "helft": "1"}
    )

    assert response.status_code == 404
    assert not Gedeeld.objects.exists()
