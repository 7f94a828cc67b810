"""What one inbound message costs in queries (issue 17, "a mailbox of 50,000 messages costs what
its new messages cost"): a reply and a new complaint stay within a fixed number, and a run of a
source costs the same per message for 2 messages as for 20. The counts include the savepoints of
the test's transaction; the sources read our own addresses once per run (Leesronde.eigen)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klachten import berichten
from klachten.berichten.inkomend.verwerken import eigen_adressen
from klachten.models import InkomendSoort, InkomendStatus, Klacht
from klachten.workflow import Status
from tests.inkomend import annas_klacht, bevestiging, mail, monster

pytestmark = pytest.mark.django_db

# Store (hash check, insert), lock, thread, land, mark processed; a reply: the customer's message
# and the notice to the behandelaar.
ANTWOORD_MAX = 19
# A bounce: our message marked onbestelbaar (fetched and locked in one query), the dossier told.
ONBESTELBAAR_MAX = 24
# A new complaint also registers it (dossiernummer, history) and acknowledges it (the outbox).
NIEUWE_KLACHT_MAX = 39


def test_een_antwoord_kost_een_vast_aantal_queries(
    mailbox, behandelaar, categorie, django_assert_max_num_queries
):
    dossier = annas_klacht(Status.ONTVANGST_BEVESTIGD, behandelaar=behandelaar, categorie=categorie)
    ruw = monster("antwoord-nl-gmail.eml", message_id=berichten.message_id(bevestiging(dossier)))
    eigen = eigen_adressen()

    with django_assert_max_num_queries(ANTWOORD_MAX):
        inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox, eigen=eigen)

    assert (inkomend.soort, inkomend.klacht) == (InkomendSoort.ANTWOORD, dossier)


def test_een_nieuwe_klacht_kost_een_vast_aantal_queries(mailbox, django_assert_max_num_queries):
    ruw = mail(van=f"{uuid.uuid4().hex}@klant.example", onderwerp="Klacht", tekst="Te laat.")
    eigen = eigen_adressen()

    with django_assert_max_num_queries(NIEUWE_KLACHT_MAX):
        inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox, eigen=eigen)

    assert (inkomend.status, inkomend.soort) == (
        InkomendStatus.VERWERKT,
        InkomendSoort.NIEUWE_KLACHT,
    )


def test_een_onbestelbaarmelding_kost_een_vast_aantal_queries(
    mailbox, behandelaar, categorie, django_assert_max_num_queries
):
    dossier = annas_klacht(Status.ONTVANGST_BEVESTIGD, behandelaar=behandelaar, categorie=categorie)
    ons = bevestiging(dossier)
    ruw = monster("bounce-gmail.eml", message_id=berichten.message_id(ons))

    with django_assert_max_num_queries(ONBESTELBAAR_MAX):
        inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert (inkomend.soort, inkomend.bericht) == (InkomendSoort.ONBESTELBAAR, ons)


def _run(mailbox, tmp_path, aantal: int) -> int:
    """Queries of one run of the folder source over `aantal` new complaints, each from its own
    sender (the limit per sender stays out of it)."""
    map = tmp_path / uuid.uuid4().hex
    map.mkdir()
    for n in range(aantal):
        (map / f"{n:03d}.eml").write_bytes(
            mail(
                van=f"klant-{uuid.uuid4().hex}@klant.example",
                onderwerp=f"Klacht {n}",
                tekst=f"Mijn declaratie {n} is niet betaald.",
            )
        )
    voor = Klacht.objects.count()
    with CaptureQueriesContext(connection) as queries:
        ronde = berichten.map_lezen(mailbox, map=map)
    assert (ronde.gelezen, ronde.nieuw) == (aantal, aantal)
    assert Klacht.objects.count() == voor + aantal
    return len(queries)


def test_een_ronde_kost_per_bericht_evenveel_bij_2_als_bij_20_berichten(mailbox, tmp_path):
    _run(mailbox, tmp_path, 1)  # the process's first run reads the configuration (configuratie)
    een = _run(mailbox, tmp_path, 1)
    twee = _run(mailbox, tmp_path, 2)
    twintig = _run(mailbox, tmp_path, 20)

    per_bericht = twee - een
    assert per_bericht <= NIEUWE_KLACHT_MAX
    assert twintig - een == 19 * per_bericht
