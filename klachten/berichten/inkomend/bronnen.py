"""The sources without a mail server, through the same storing and processing as IMAP: a local
folder for development and the demo (`.eml` files dropped in INKOMEND_MAP/<mailbox address>/, or
a Maildir there), and a file imported by `manage.py mail_importeren` (an `.eml` or an mbox)."""

from __future__ import annotations

import logging
import mailbox as mailboxen
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from klachten.berichten.inkomend.verwerken import (
    eigen_adressen,
    openstaande_verwerken,
    opslaan_en_verwerken,
)
from klachten.models import InkomendBericht, Mailbox

logger = logging.getLogger("klachten.berichten")

VERWERKT = "verwerkt"  # where a dropped .eml goes once it is stored


@dataclass
class Leesronde:
    """What one run over a source did."""

    gelezen: int = 0
    nieuw: int = 0  # stored for the first time (the rest was there already)
    # Our own addresses (verwerken.eigen_adressen), read on the run's first message: the loop
    # check of every message of the run, without two queries each. A change of a label's or a
    # mailbox's address counts from the next run (a minute later with the beat job).
    eigen: frozenset[str] | None = None


def ontvangen_en_tellen(
    ruw: bytes, mailbox: Mailbox, ronde: Leesronde, uid: int | None = None
) -> InkomendBericht:
    """Store and process one message of a source (verwerken.ontvangen), counted in `ronde`."""
    if ronde.eigen is None:
        ronde.eigen = eigen_adressen()
    inkomend, nieuw = opslaan_en_verwerken(ruw, mailbox=mailbox, uid=uid, eigen=ronde.eigen)
    ronde.gelezen += 1
    ronde.nieuw += 1 if nieuw else 0
    return inkomend


def map_van(mailbox: Mailbox) -> Path:
    return Path(settings.INKOMEND_MAP) / mailbox.adres


def map_lezen(mailbox: Mailbox, *, map: Path | None = None) -> Leesronde:
    """Read the mailbox's local folder: every `.eml` file in it (moved to `verwerkt/` once its
    row is committed), and a Maildir's `new/` messages (moved to `cur/` and flagged seen once
    committed). A crash before the move reads the file again next run: stored once, by hash."""
    map = map or map_van(mailbox)
    ronde = Leesronde()
    openstaande_verwerken(mailbox=mailbox)
    if not map.is_dir():
        return ronde
    klaar = map / VERWERKT
    for pad in sorted(map.glob("*.eml")):
        ontvangen_en_tellen(pad.read_bytes(), mailbox, ronde)
        klaar.mkdir(exist_ok=True)
        pad.replace(klaar / pad.name)
    if (map / "new").is_dir() and (map / "cur").is_dir():
        maildir = mailboxen.Maildir(map, create=False)
        for sleutel in list(maildir.iterkeys()):
            bericht = maildir.get_message(sleutel)
            if bericht.get_subdir() != "new":
                continue
            ontvangen_en_tellen(maildir.get_bytes(sleutel), mailbox, ronde)
            bericht.set_subdir("cur")
            bericht.add_flag("S")
            maildir[sleutel] = bericht
    mailbox.gelezen_op = timezone.now()
    mailbox.save(update_fields=["gelezen_op"])
    return ronde


def berichten_in(pad: Path) -> tuple[int, Iterator[bytes]]:
    """The messages of a file: an mbox (it starts with "From "), else one `.eml`. Returns their
    number and the raw messages."""
    with pad.open("rb") as bestand:
        begin = bestand.read(5)
    if begin == b"From ":
        mbox = mailboxen.mbox(pad, create=False)
        sleutels = list(mbox.iterkeys())
        return len(sleutels), (mbox.get_bytes(s) for s in sleutels)
    return 1, iter([pad.read_bytes()])


def bestand_importeren(
    pad: Path, *, mailbox: Mailbox, voortgang: Callable[[int], None] | None = None
) -> Leesronde:
    """Import an `.eml` or mbox file through the channel's processing; `voortgang` is called
    after each message with the number done."""
    ronde = Leesronde()
    _aantal, ruwe = berichten_in(pad)
    for gedaan, ruw in enumerate(ruwe, start=1):
        ontvangen_en_tellen(ruw, mailbox, ronde)
        if voortgang is not None:
            voortgang(gedaan)
    return ronde
