"""Dossiernummers: unique, KL-YYYY-NNNNNN, consecutive per year, also under concurrency (issue 2,
acceptance 3)."""

import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from klachten import kalender, services
from klachten.models import DossiernummerReeks, Kanaal, Klacht
from tests.factories import CategorieFactory, KlachtFactory, standaardlabel

DOSSIERNUMMER = re.compile(r"^KL-\d{4}-\d{6}$")
UTC = dt.UTC


@pytest.mark.django_db(transaction=True)
def test_50_gelijktijdige_klachten_krijgen_50_opeenvolgende_dossiernummers(mailoutbox):
    label = standaardlabel()
    categorie = CategorieFactory()
    ontvangen_op = timezone.now()
    jaar = kalender.lokale_datum(ontvangen_op).year
    aantal = 50
    # All threads start their transaction at the same moment, each on its own connection.
    start = threading.Barrier(aantal)

    def indienen(i: int) -> str:
        try:
            start.wait(timeout=30)
            klacht = services.klacht_registreren(
                label=label,
                kanaal=Kanaal.WEBFORMULIER,
                klant_naam=f"Klant {i}",
                klant_email=f"klant{i}@example.nl",
                categorie=categorie,
                omschrijving=f"Klacht nummer {i}.",
                ontvangen_op=ontvangen_op,
                privacy_akkoord=True,
            )
            return klacht.dossiernummer
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=aantal) as pool:
        nummers = list(pool.map(indienen, range(aantal)))

    assert len(set(nummers)) == aantal
    assert set(nummers) == {f"KL-{jaar}-{n:06d}" for n in range(1, aantal + 1)}
    assert Klacht.objects.count() == aantal
    assert DossiernummerReeks.objects.get(jaar=jaar).laatste_nummer == aantal
    # Every customer got the acknowledgement with their own number.
    assert sorted(nummers) == sorted(
        re.search(r"KL-\d{4}-\d{6}", m.subject).group() for m in mailoutbox
    )


@pytest.mark.django_db
def test_dossiernummers_zijn_opeenvolgend_binnen_het_jaar(label, categorie, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 4, 10, 0, tzinfo=UTC), tick=False)

    nummers = [KlachtFactory(categorie=categorie).dossiernummer for _ in range(3)]

    assert nummers == ["KL-2026-000001", "KL-2026-000002", "KL-2026-000003"]


@pytest.mark.django_db
def test_dossiernummer_begint_elk_jaar_opnieuw_bij_1_naar_amsterdamse_datum(
    label, categorie, time_machine
):
    time_machine.move_to(dt.datetime(2026, 1, 2, 9, 0, tzinfo=UTC), tick=False)

    # 22:30 UTC on 31 December is 23:30 in Amsterdam: still the old year.
    oudjaar = KlachtFactory(
        categorie=categorie, ontvangen_op=dt.datetime(2025, 12, 31, 22, 30, tzinfo=UTC)
    )
    # 23:30 UTC on 31 December is already 00:30 on 1 January in Amsterdam.
    nieuwjaar = KlachtFactory(
        categorie=categorie, ontvangen_op=dt.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    )
    nog_een_oudjaar = KlachtFactory(
        categorie=categorie, ontvangen_op=dt.datetime(2025, 12, 30, 12, 0, tzinfo=UTC)
    )
    nieuwjaar_2 = KlachtFactory(categorie=categorie)

    assert oudjaar.dossiernummer == "KL-2025-000001"
    assert nieuwjaar.dossiernummer == "KL-2026-000001"
    # A late-registered complaint counts in the year it was received.
    assert nog_een_oudjaar.dossiernummer == "KL-2025-000002"
    assert nieuwjaar_2.dossiernummer == "KL-2026-000002"


@pytest.mark.django_db
def test_dossiernummer_heeft_het_formaat_kl_jaar_zes_cijfers(label, categorie):
    klacht = KlachtFactory(categorie=categorie)

    assert DOSSIERNUMMER.match(klacht.dossiernummer)
    assert str(klacht) == klacht.dossiernummer


@pytest.mark.django_db
def test_database_weigert_een_dossiernummer_in_een_ander_formaat(label, categorie):
    klacht = KlachtFactory(categorie=categorie)

    with pytest.raises(IntegrityError):
        Klacht.objects.filter(pk=klacht.pk).update(dossiernummer="KL-26-1")


@pytest.mark.django_db
def test_database_weigert_een_dubbel_dossiernummer(label, categorie):
    eerste = KlachtFactory(categorie=categorie)
    tweede = KlachtFactory(categorie=categorie)

    with pytest.raises(IntegrityError):
        Klacht.objects.filter(pk=tweede.pk).update(dossiernummer=eerste.dossiernummer)
