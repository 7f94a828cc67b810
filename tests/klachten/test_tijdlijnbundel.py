"""The timeline bundle (klachten.tijdlijnbundel): an action's entries in one INSERT, and rows of
another table written with them (a vervolgklacht's history rows, issue 20)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klachten import tijdlijnbundel
from klachten.models import Gebeurtenis, GebeurtenisSoort, Klacht
from tests.factories import KlachtFactory

pytestmark = pytest.mark.django_db


def _historierij(klacht: Klacht):
    model = Klacht.history.model
    return model(
        history_date=timezone.now(),
        history_type="~",
        history_user=None,
        **{veld.attname: getattr(klacht, veld.attname) for veld in model.tracked_fields},
    )


def _bundel(klacht: Klacht) -> tuple[list[Gebeurtenis], int]:
    """Two entries and a history row in one block; the entries and the statements it sent."""
    voor = klacht.history.count()
    with CaptureQueriesContext(connection) as gedaan, tijdlijnbundel.gebundeld():
        eerste = tijdlijnbundel.vastleggen(
            klacht=klacht, soort=GebeurtenisSoort.NOTITIE, tekst="Eerste."
        )
        tijdlijnbundel.meeschrijven([_historierij(klacht)])
        tweede = tijdlijnbundel.vastleggen(
            klacht=klacht, soort=GebeurtenisSoort.NOTITIE, tekst="Tweede."
        )
        assert eerste.pk is None  # nothing written inside the block
        assert klacht.history.count() == voor
    assert klacht.history.count() == voor + 1
    assert klacht.history.latest().history_type == "~"
    return [eerste, tweede], len(gedaan) - 1  # the count inside the block read one


def test_de_rijen_van_een_andere_tabel_gaan_mee_in_het_insert_van_de_tijdlijn():
    klacht = KlachtFactory()

    gebeurtenissen, statements = _bundel(klacht)

    assert statements == 1
    # The entries got their pks, in the order they were made.
    opgeslagen = Gebeurtenis.objects.filter(klacht=klacht, soort=GebeurtenisSoort.NOTITIE)
    assert [(g.pk, g.tekst) for g in gebeurtenissen] == list(
        opgeslagen.order_by("pk").values_list("pk", "tekst")
    )
    assert not any(g._state.adding for g in gebeurtenissen)


def test_buiten_postgresql_elk_in_een_eigen_insert(monkeypatch):
    klacht = KlachtFactory()
    monkeypatch.setattr(connection, "vendor", "sqlite")  # no INSERT in a WITH clause there

    gebeurtenissen, statements = _bundel(klacht)

    assert statements == 2
    assert all(g.pk is not None for g in gebeurtenissen)


def test_een_blok_dat_faalt_schrijft_niets():
    klacht = KlachtFactory()
    voor = klacht.history.count()

    def mislukt():
        with tijdlijnbundel.gebundeld():
            tijdlijnbundel.vastleggen(klacht=klacht, soort=GebeurtenisSoort.NOTITIE, tekst="Weg.")
            tijdlijnbundel.meeschrijven([_historierij(klacht)])
            raise RuntimeError

    with pytest.raises(RuntimeError):
        mislukt()

    assert klacht.history.count() == voor
    assert not Gebeurtenis.objects.filter(klacht=klacht, tekst="Weg.").exists()
    assert tijdlijnbundel.open_lijst() is None
