"""The counts per afdeling and status that a database trigger keeps (Statusaantal), and the work
queue's tab counts read from them: always the same figures as counting the complaints."""

import pytest

from klachten import rollen, selectors
from klachten.models import Klacht, Statusaantal
from klachten.workflow import Status
from tests.factories import KlachtFactory, MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db


def geteld() -> dict[tuple[int, str], int]:
    """The counts the trigger keeps (zeros left out)."""
    return {
        (t.afdeling_sleutel, t.status): t.aantal for t in Statusaantal.objects.all() if t.aantal
    }


def herteld() -> dict[tuple[int, str], int]:
    """The same, counted from the complaints."""
    aantallen: dict[tuple[int, str], int] = {}
    for afdeling_id, status in Klacht.objects.values_list("afdeling_id", "status"):
        sleutel = (afdeling_id or 0, status)
        aantallen[sleutel] = aantallen.get(sleutel, 0) + 1
    return aantallen


def test_de_trigger_telt_mee_bij_nieuw_status_verhuizen_en_verwijderen(
    behandelaar, categorie, categorie_b, afdeling_a, afdeling_b
):
    eerste = KlachtFactory(categorie=categorie)
    klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    KlachtFactory(categorie=categorie_b)
    assert (
        geteld()
        == herteld()
        == {
            (afdeling_a.pk, Status.ONTVANGEN): 1,
            (afdeling_a.pk, Status.IN_ONDERZOEK): 1,
            (afdeling_b.pk, Status.ONTVANGEN): 1,
        }
    )

    Klacht.objects.filter(pk=eerste.pk).update(afdeling=afdeling_b)  # also a bulk update
    Klacht.objects.filter(afdeling=afdeling_b).update(status=Status.BEANTWOORD)
    assert (
        geteld()
        == herteld()
        == {
            (afdeling_a.pk, Status.IN_ONDERZOEK): 1,
            (afdeling_b.pk, Status.BEANTWOORD): 2,
        }
    )

    Klacht.objects.filter(afdeling=afdeling_b).delete()
    assert geteld() == herteld() == {(afdeling_a.pk, Status.IN_ONDERZOEK): 1}


@pytest.mark.parametrize("rol", [rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.DIRECTIE])
def test_tabs_uit_de_tellers_zijn_gelijk_aan_tellen(
    rol, behandelaar, categorie, categorie_b, afdeling_a, afdeling_b
):
    gebruiker = MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a])
    KlachtFactory.create_batch(3, categorie=categorie)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    KlachtFactory.create_batch(2, categorie=categorie_b)  # another afdeling
    # registered by the user in another afdeling: visible
    ingediend = KlachtFactory.create_batch(2, categorie=categorie_b)
    Klacht.objects.filter(pk__in=[k.pk for k in ingediend]).update(ingediend_door=gebruiker)
    # about the user, in their afdeling and one they registered: not visible
    over = KlachtFactory.create_batch(2, categorie=categorie)
    Klacht.objects.filter(pk=over[0].pk).update(betreft_medewerker=gebruiker)
    eigen_over = KlachtFactory(categorie=categorie_b)
    Klacht.objects.filter(pk=eigen_over.pk).update(
        ingediend_door=gebruiker, betreft_medewerker=gebruiker
    )

    uit_tellers = selectors.aantallen_in_werkvoorraad(gebruiker)
    geteld = selectors.aantallen_per_status(selectors.werkvoorraad(gebruiker))

    assert uit_tellers == geteld
    if rol == rollen.DIRECTIE:
        assert (
            uit_tellers.per_status[Status.ONTVANGEN]
            == Klacht.objects.filter(status=Status.ONTVANGEN).count()
        )
    else:
        # 3 and 2 in their afdeling (one about them), 2 they registered elsewhere
        assert uit_tellers.per_status[Status.ONTVANGEN] == 3 + 2 - 1 + 2
        assert uit_tellers.per_status[Status.AFGESLOTEN] == 1


def test_zonder_rol_niets(categorie):
    KlachtFactory(categorie=categorie)
    zonder_rol = MedewerkerFactory(rollen=[])

    assert set(selectors.aantallen_in_werkvoorraad(zonder_rol).per_status.values()) == {0}
