"""A process reading a mailbox killed with SIGKILL (issue 17, acceptance 3): between storing a
message and processing it, and between processing it and marking it read on the server. Real
processes: the reader is a separate Python process on the test database and a real Dovecot
(tests/processen.Imapserver); the restarted run (here, in the test) processes each message exactly
once and marks it read."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from klachten import berichten
from klachten.models import (
    Beveiliging,
    GebeurtenisSoort,
    InkomendBericht,
    InkomendStatus,
    Klacht,
    Mailbox,
)
from tests.factories import standaardlabel
from tests.klachten.test_inkomend_imap import klacht_mail
from tests.klachten.test_worker_gedood import database_url_van_de_test
from tests.processen import Imapserver

PROJECT = Path(__file__).resolve().parents[2]

# The reader, killed by itself at the named moment (SIGKILL: no clean-up, no rollback handler).
LEZER = """
import os, signal, sys
import django
django.setup()
from klachten.berichten.inkomend import imap, verwerken
from klachten.models import Mailbox

moment = sys.argv[1]

def doden(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if moment == "na-opslaan":
    verwerken.verwerken = doden  # the row is committed, status nieuw
elif moment == "voor-gelezen":
    imap.IMAPClient.add_flags = doden  # processed and committed, not yet \\\\Seen on the server
imap.mailbox_lezen(Mailbox.objects.get(pk=int(sys.argv[2])))
"""


@pytest.fixture(scope="module")
def server():
    with Imapserver() as imapserver:
        yield imapserver


@pytest.fixture
def mailbox(transactional_db, server, monkeypatch):
    gebruiker = server.gebruiker_maken(f"gedood-{uuid.uuid4().hex}@zuid.example", "geheim")
    monkeypatch.setenv("TEST_MAILBOX_WACHTWOORD", "geheim")
    return Mailbox.objects.create(
        label=standaardlabel(),
        adres=gebruiker,
        imap_host=server.HOST,
        imap_poort=server.poort,
        beveiliging=Beveiliging.GEEN,
        gebruiker=gebruiker,
        geheim_variabele="TEST_MAILBOX_WACHTWOORD",
    )


def lezer_doden_bij(moment: str, mailbox: Mailbox) -> int:
    omgeving = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url_van_de_test(),
        "CACHE_URL": "locmemcache://",
        "DJANGO_STORAGE": "schijf",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_MAILBOX_WACHTWOORD": "geheim",
    }
    proces = subprocess.run(
        [sys.executable, "-c", LEZER, moment, str(mailbox.pk)],
        cwd=PROJECT,
        env=omgeving,
        capture_output=True,
        timeout=120,
    )
    return proces.returncode


@pytest.mark.parametrize("moment", ["na-opslaan", "voor-gelezen"])
def test_gedood_tussen_opslaan_en_markeren_wordt_na_herstart_een_keer_verwerkt(
    server, mailbox, moment
):
    uid = server.toevoegen(mailbox.gebruiker, klacht_mail(1))

    assert lezer_doden_bij(moment, mailbox) == -signal.SIGKILL

    inkomend = InkomendBericht.objects.get()
    verwacht = InkomendStatus.NIEUW if moment == "na-opslaan" else InkomendStatus.VERWERKT
    assert inkomend.status == verwacht
    assert server.vlaggen(mailbox.gebruiker) == {uid: set()}  # not marked read

    ronde = berichten.mailbox_lezen(mailbox)

    assert ronde.gelezen == 1
    assert InkomendBericht.objects.get().status == InkomendStatus.VERWERKT
    klacht = Klacht.objects.get()
    assert klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.ONTVANGEN).count() == 1
    assert server.vlaggen(mailbox.gebruiker) == {uid: {"\\Seen"}}
    assert berichten.mailbox_lezen(mailbox).gelezen == 0
