"""The label and afdeling on each Termijnafloop (issue 20: the month report counts a month's
deadlines per label and afdeling from one index): database triggers keep them equal to the
complaint's, whatever writes the row or moves the complaint."""

import pytest
from django.db import connection
from django.utils import timezone

from klachten.models import Klacht, Termijnafloop
from klachten.termijnen import TermijnSoort
from rapportage import maandrapport
from tests.factories import AfdelingFactory, KlachtFactory

pytestmark = pytest.mark.django_db


def _groepen(klacht: Klacht) -> set[tuple[int, int | None]]:
    return set(
        Termijnafloop.objects.filter(klacht=klacht).values_list("label_sleutel", "afdeling_sleutel")
    )


def test_termijnafloop_draagt_label_en_afdeling_van_de_klacht_ook_na_verhuizen(categorie):
    klacht = KlachtFactory(categorie=categorie)
    afloop = Termijnafloop.objects.create(
        klacht=klacht,
        termijn=TermijnSoort.ANTWOORD,
        uiterlijk_datum=timezone.localdate(),
        afgerond_op=timezone.now(),
        op_tijd=True,
    )
    assert _groepen(klacht) == {(klacht.label_id, klacht.afdeling_id)}

    # Saved again by the application (its copy holds no label): the trigger sets it again.
    afloop.op_tijd = False
    afloop.save()
    assert _groepen(klacht) == {(klacht.label_id, klacht.afdeling_id)}

    # The complaint moves to another afdeling, by any path (here a bulk update).
    andere = AfdelingFactory()
    Klacht.objects.filter(pk=klacht.pk).update(afdeling=andere)
    assert _groepen(klacht) == {(klacht.label_id, andere.pk)}


def test_maandrapport_telt_termijnen_bij_de_huidige_afdeling(categorie):
    """The deadlines of a month land in the complaint's afdeling as it is now."""
    klacht = KlachtFactory(categorie=categorie)
    vandaag = timezone.localdate()
    Termijnafloop.objects.create(
        klacht=klacht,
        termijn=TermijnSoort.ANTWOORD,
        uiterlijk_datum=vandaag.replace(day=1),
        afgerond_op=timezone.now(),
        op_tijd=True,
    )
    andere = AfdelingFactory()
    Klacht.objects.filter(pk=klacht.pk).update(afdeling=andere)

    blokken = maandrapport.bouwstenen(vandaag.year, vandaag.month, nu=timezone.now())

    assert blokken[(klacht.label_id, andere.pk)].tellers["antwoord_op_tijd"] == 1
    oud = blokken.get((klacht.label_id, categorie.afdeling_id))
    assert oud is None or oud.tellers["antwoord_op_tijd"] == 0
    # Read from the index alone, without the complaints.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'termijnafloop_per_datum_groep'"
        )
        assert "INCLUDE (label_sleutel, afdeling_sleutel" in cursor.fetchone()[0]
