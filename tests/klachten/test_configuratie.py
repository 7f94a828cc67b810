"""Configuration read once per process and read again when it changes (klachten.configuratie,
issue 20)."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from klachten import configuratie, selectors
from klachten.models import Termijn
from klachten.termijnen import TermijnSoort
from tests.factories import CategorieFactory, LabelFactory

pytestmark = pytest.mark.django_db


def test_gelezen_eenmaal_per_proces(label, django_assert_num_queries):
    selectors.termijnregels()
    configuratie.labels()
    with django_assert_num_queries(0):
        selectors.termijnregels()
        configuratie.labels()
        configuratie.labels()


def test_een_opgeslagen_termijn_geldt_meteen(db):
    selectors.termijnregels()
    Termijn.objects.update_or_create(
        soort=TermijnSoort.ANTWOORD, defaults={"dagen": 77, "werkdagen": False}
    )
    assert selectors.termijnregels()[TermijnSoort.ANTWOORD].dagen == 77


def test_een_wijziging_in_bulk_geldt_meteen(db):
    Termijn.objects.update_or_create(
        soort=TermijnSoort.ANTWOORD, defaults={"dagen": 30, "werkdagen": False}
    )
    assert selectors.termijnregels()[TermijnSoort.ANTWOORD].dagen == 30
    Termijn.objects.filter(soort=TermijnSoort.ANTWOORD).update(dagen=44)
    assert selectors.termijnregels()[TermijnSoort.ANTWOORD].dagen == 44


def test_een_wijziging_in_een_ander_proces_via_de_versie(label):
    """Another process's change reaches this one through the version in the shared cache: the
    row changed here without a signal, the new version makes this process read it again."""
    configuratie.labels()
    naam = f"Label {uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:  # no signal: as in another process
        cursor.execute("UPDATE klachten_label SET naam = %s WHERE id = %s", [naam, label.pk])
    assert naam not in [lbl.naam for lbl in configuratie.labels()]  # this process's copy

    cache.set(configuratie.VERSIE_SLEUTEL, uuid.uuid4().hex, None)  # as the other process did

    assert naam in [lbl.naam for lbl in configuratie.labels()]


def test_categorie_van_een_ander_label_wordt_geweigerd(label, categorie):
    ander = LabelFactory()
    eigen = CategorieFactory(afdeling=categorie.afdeling)
    eigen.labels.add(ander)

    assert categorie.pk in configuratie.categorieen_voor_label(label.pk)
    assert eigen.pk not in configuratie.categorieen_voor_label(label.pk)
    assert eigen.pk in configuratie.categorieen_voor_label(ander.pk)
