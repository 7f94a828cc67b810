"""Roles are groups, created with their permissions after every migrate (klachten.apps, and
klanttevredenheid.apps for that app's models)."""

import pytest
from django.contrib.auth.models import Group

from klachten import rollen
from klachten.toegang import ROL_PERMISSIES, rollen_inrichten
from klanttevredenheid.services import ROL_PERMISSIES as KTO_PERMISSIES
from tests.factories import MedewerkerFactory

pytestmark = pytest.mark.django_db


def test_elke_rol_bestaat_als_groep_na_migratie():
    assert set(Group.objects.values_list("name", flat=True)) >= set(rollen.ROLLEN)


@pytest.mark.parametrize("rol", sorted(ROL_PERMISSIES))
def test_groep_heeft_de_permissies_van_de_rol(rol):
    permissies = Group.objects.get(name=rol).permissions

    assert set(
        permissies.exclude(content_type__app_label="klanttevredenheid").values_list(
            "codename", flat=True
        )
    ) == set(ROL_PERMISSIES[rol])
    assert set(
        permissies.filter(content_type__app_label="klanttevredenheid").values_list(
            "codename", flat=True
        )
    ) == set(KTO_PERMISSIES.get(rol, []))


def test_rollen_inrichten_is_herhaalbaar():
    aantal = Group.objects.count()

    rollen_inrichten()
    rollen_inrichten()

    assert Group.objects.count() == aantal
    assert Group.objects.get(name=rollen.DIRECTIE).permissions.count() == len(
        ROL_PERMISSIES[rollen.DIRECTIE]
    ) + len(KTO_PERMISSIES[rollen.DIRECTIE])


def test_medewerker_krijgt_rollen_en_afdelingen(afdeling_a):
    medewerker = MedewerkerFactory(
        rollen=[rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER], afdelingen=[afdeling_a]
    )

    assert rollen.rollen_van(medewerker) == {rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER}
    assert list(medewerker.afdelingen.all()) == [afdeling_a]
    assert medewerker.has_perm("klachten.add_klacht")
    assert not rollen.ziet_alle_klachten(medewerker)


def test_directie_ziet_alle_klachten_maar_mag_niets_wijzigen():
    medewerker = MedewerkerFactory(rollen=[rollen.DIRECTIE])

    assert rollen.ziet_alle_klachten(medewerker)
    assert medewerker.has_perm("klachten.view_klacht")
    assert not medewerker.has_perm("klachten.change_klacht")
