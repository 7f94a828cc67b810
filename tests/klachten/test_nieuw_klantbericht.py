"""The queue marks a complaint with a message of the customer (status page, API, e-mail) newer
than the last time a handler of the complaint opened its dossier, and filters on it (issue 17)."""

import pytest
from django.urls import reverse

from klachten import rollen, services
from klachten.models import Klacht
from klachten.workflow import KLANT, Status
from tests.factories import MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db

MARKER = "Nieuw bericht</span>"


@pytest.fixture
def klacht(behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=behandelaar)
    return Klacht.objects.get(pk=klacht.pk)


def _queue(client, **query):
    return client.get(reverse("klachten:werkvoorraad"), query).content.decode()


def _dossier(client, klacht):
    return client.get(reverse("klachten:dossier", kwargs={"dossiernummer": klacht.dossiernummer}))


@pytest.mark.parametrize("per_email", [False, True], ids=["statuspagina", "e-mail"])
def test_een_klantbericht_geeft_een_marker_tot_de_behandelaar_het_dossier_opent(
    client, klacht, behandelaar, collega, per_email
):
    client.force_login(behandelaar)
    assert MARKER not in _queue(client)
    services.klantbericht_toevoegen(
        klacht=klacht, door=KLANT, tekst="Nog iets.", per_email=per_email
    )

    assert MARKER in _queue(client)
    assert klacht.dossiernummer in _queue(client, nieuw_klantbericht="on")

    # A colleague who is no handler of the complaint opens it: the marker stays.
    client.force_login(collega)
    assert _dossier(client, klacht).status_code == 200
    assert MARKER in _queue(client)

    client.force_login(behandelaar)
    assert _dossier(client, klacht).status_code == 200
    assert MARKER not in _queue(client)
    assert klacht.dossiernummer not in _queue(client, nieuw_klantbericht="on")


def test_een_nieuw_bericht_na_het_openen_geeft_weer_een_marker(client, klacht, behandelaar):
    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst="Eerste.")
    client.force_login(behandelaar)
    _dossier(client, klacht)
    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst="Tweede.")
    assert MARKER in _queue(client)


def test_de_tweede_lijn_opent_het_ook(client, klacht, behandelaar, afdeling_a):
    tweede_lijn = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a])
    Klacht.objects.filter(pk=klacht.pk).update(heroverweging_behandelaar=tweede_lijn)
    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst="Nog iets.")
    client.force_login(tweede_lijn)
    _dossier(client, klacht)
    client.force_login(behandelaar)
    assert MARKER not in _queue(client)


def test_wat_de_behandelaar_zelf_vastlegt_geeft_geen_marker(client, klacht, behandelaar):
    services.klantbericht_toevoegen(klacht=klacht, door=behandelaar, tekst="Klant mailde.")
    client.force_login(behandelaar)
    assert MARKER not in _queue(client)
