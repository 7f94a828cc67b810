"""A complaint about an employee is discussed with that employee before it is closed (issue 22,
acceptance 1; ARAG): a teamleider (or beheerder) records the talk (date, by whom, a short internal
summary) on the timeline, and closing is refused until it is there, saying what is missing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from klachten import rollen, services
from klachten.models import GebeurtenisSoort, Klacht
from klachten.workflow import Status, WorkflowFout
from tests.conftest import actie_url, formuliergegevens, meldingen
from tests.factories import MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db

ONTBREEKT = "Een teamleider legt eerst vast dat de klacht met de medewerker is besproken"


@pytest.fixture
def over_collega(behandelaar, collega, categorie):
    """An answered complaint about `collega`, handled by `behandelaar`."""
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    Klacht.objects.filter(pk=klacht.pk).update(betreft_medewerker=collega)
    return Klacht.objects.get(pk=klacht.pk)


def test_afsluiten_wordt_geweigerd_tot_het_gesprek_is_vastgelegd(over_collega, behandelaar):
    with pytest.raises(WorkflowFout, match=ONTBREEKT):
        services.afsluiten(klacht=over_collega, door=behandelaar)

    assert Klacht.objects.get(pk=over_collega.pk).status == Status.BEANTWOORD


def test_het_dossier_zegt_wat_er_ontbreekt_en_biedt_afsluiten_niet_aan(
    client, over_collega, behandelaar
):
    client.force_login(behandelaar)

    response = client.get(reverse("klachten:dossier", args=[over_collega.dossiernummer]))

    assert ONTBREEKT in response.content.decode()
    assert actie_url(over_collega, "afsluiten") not in response.content.decode()
    assert "nog niet met de medewerker besproken" in response.content.decode()
    # The afsluit page itself sends the handler back with the same reason.
    terug = client.get(actie_url(over_collega, "afsluiten"))
    assert terug.status_code == 302
    assert any(ONTBREEKT in m for m in meldingen(terug, "error"))


@time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), tick=False)
def test_teamleider_legt_het_gesprek_vast_en_daarna_kan_de_klacht_dicht(
    client, over_collega, teamleider, behandelaar, collega
):
    client.force_login(teamleider)
    dossier = client.get(reverse("klachten:dossier", args=[over_collega.dossiernummer]))
    # The notice of what is missing links the teamleider to the action.
    assert ONTBREEKT in dossier.content.decode()
    assert actie_url(over_collega, "medewerker_besproken") in dossier.content.decode()
    formulier = client.get(actie_url(over_collega, "medewerker_besproken"))
    assert formulier.status_code == 200
    assert formulier.context["form"].initial["datum"] == dt.date(2026, 3, 10)

    response = client.post(
        actie_url(over_collega, "medewerker_besproken"),
        formuliergegevens(
            {
                "versie": over_collega.versie,
                "datum": dt.date(2026, 3, 9),
                "samenvatting": "Besproken; zij belt voortaan terug zoals toegezegd.",
            }
        ),
    )

    assert response.status_code == 302
    klacht = Klacht.objects.get(pk=over_collega.pk)
    assert klacht.medewerker_besproken_datum == dt.date(2026, 3, 9)
    assert klacht.medewerker_besproken_door == teamleider
    assert klacht.medewerker_gesprek_samenvatting.startswith("Besproken; zij belt")
    gebeurtenis = klacht.gebeurtenissen.get(soort=GebeurtenisSoort.MEDEWERKERGESPREK)
    assert gebeurtenis.door == teamleider
    assert str(collega) in gebeurtenis.tekst
    assert "zij belt voortaan terug" in gebeurtenis.tekst
    dossier = client.get(response.url).content.decode()
    assert "Besproken met de medewerker" in dossier  # the timeline entry
    assert "besproken op 9 " in dossier
    assert "op 9 maart 2026: Besproken; zij belt" in dossier
    assert ONTBREEKT not in dossier

    services.afsluiten(klacht=klacht, door=behandelaar)
    assert Klacht.objects.get(pk=klacht.pk).status == Status.AFGESLOTEN


def test_beheerder_mag_het_gesprek_vastleggen(over_collega, beheerder):
    klacht = services.medewerker_besproken(
        klacht=over_collega,
        door=beheerder,
        datum=dt.date(2025, 1, 6),
        samenvatting="Besproken.",
    )
    assert klacht.medewerker_besproken_door == beheerder


@pytest.mark.parametrize("rol", [rollen.KLACHTBEHANDELAAR, rollen.DIRECTIE])
def test_behandelaar_en_directie_leggen_het_gesprek_niet_vast(over_collega, afdeling_a, rol):
    gebruiker = MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a])

    with pytest.raises(WorkflowFout, match="niet uitvoeren"):
        services.medewerker_besproken(
            klacht=over_collega, door=gebruiker, datum=dt.date(2025, 1, 6), samenvatting="X"
        )


def test_op_een_klacht_zonder_medewerker_is_er_geen_gesprek_en_sluiten_mag(
    behandelaar, teamleider, categorie
):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)

    with pytest.raises(WorkflowFout, match="gaat niet over een medewerker"):
        services.medewerker_besproken(
            klacht=klacht, door=teamleider, datum=dt.date(2025, 1, 6), samenvatting="X"
        )
    services.afsluiten(klacht=klacht, door=behandelaar)
    assert Klacht.objects.get(pk=klacht.pk).status == Status.AFGESLOTEN


def test_gesprek_in_de_toekomst_of_zonder_samenvatting_wordt_geweigerd(
    client, over_collega, teamleider
):
    client.force_login(teamleider)

    response = client.post(
        actie_url(over_collega, "medewerker_besproken"),
        formuliergegevens(
            {"versie": over_collega.versie, "datum": dt.date(2999, 1, 1), "samenvatting": "  "}
        ),
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"samenvatting"}
    response = client.post(
        actie_url(over_collega, "medewerker_besproken"),
        formuliergegevens(
            {"versie": over_collega.versie, "datum": dt.date(2999, 1, 1), "samenvatting": "Ok."}
        ),
    )
    assert "datum" in response.context["form"].errors
    assert Klacht.objects.get(pk=over_collega.pk).medewerker_besproken_datum is None


def test_de_medewerker_over_wie_het_gaat_ziet_het_dossier_niet(client, over_collega, collega):
    client.force_login(collega)

    response = client.get(reverse("klachten:dossier", args=[over_collega.dossiernummer]))

    assert response.status_code == 404


def test_de_samenvatting_gaat_mee_als_de_klacht_wordt_geanonimiseerd(over_collega, teamleider):
    from django.db import transaction
    from django.utils import timezone

    from klachten import avg

    services.medewerker_besproken(
        klacht=over_collega,
        door=teamleider,
        datum=dt.date(2025, 1, 6),
        samenvatting="Mevrouw De Vries was boos over het telefoontje.",
    )

    with transaction.atomic():
        avg._anonimiseren([over_collega.pk], op=timezone.now(), reden="test")

    klacht = Klacht.objects.get(pk=over_collega.pk)
    assert klacht.medewerker_gesprek_samenvatting == avg.GEANONIMISEERD
    assert klacht.medewerker_besproken_datum == dt.date(2025, 1, 6)
    assert all(
        v.medewerker_gesprek_samenvatting in ("", avg.GEANONIMISEERD) for v in klacht.history.all()
    )
