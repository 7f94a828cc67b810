"""What the beheerder and the handlers do with stored inbound messages (issue 17): test a
mailbox's connection, release a message from quarantine or delete it (both in the admin's log),
and open the raw message (in the access log, DESIGN.md section 10)."""

from __future__ import annotations

import logging
import os
from functools import partial

from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klachten import services
from klachten.berichten.inkomend import imap
from klachten.berichten.inkomend.bronnen import map_van
from klachten.berichten.inkomend.verwerken import verwerken
from klachten.models import (
    InkomendBericht,
    InkomendStatus,
    InzageSoort,
    Mailbox,
    Medewerker,
)

logger = logging.getLogger("klachten.berichten")

# Not turned into anything: the quarantine the beheerder releases or deletes from.
NIET_VERWERKT = (InkomendStatus.QUARANTAINE, InkomendStatus.GENEGEERD)


class QuarantaineFout(Exception):
    """The message is not (any more) one to release or delete."""


def geheim_ingesteld(mailbox: Mailbox) -> bool:
    """Whether the environment variable the mailbox names is set (its value is never shown)."""
    return bool(mailbox.geheim_variabele and os.environ.get(mailbox.geheim_variabele))


def verbinding_testen(mailbox: Mailbox) -> str:
    """Log in to the mailbox and select its folder, reading nothing; what was found, for the
    beheerder. A mailbox without an IMAP server reads its local folder (development). Raises
    imap.MailboxFout with the reason."""
    if not mailbox.imap_host:
        map = map_van(mailbox)
        return _("Geen IMAP-server: de lokale map %(map)s wordt gelezen (%(staat)s).") % {
            "map": map,
            "staat": _("bestaat") if map.is_dir() else _("bestaat nog niet"),
        }
    try:
        with imap.verbinding(mailbox) as client:
            info = client.select_folder(mailbox.map, readonly=True)
    except imap.MailboxFout:
        raise
    except Exception as exc:
        raise imap.MailboxFout(f"{type(exc).__name__}: {exc}") from exc
    return _("Aangemeld bij %(host)s; map %(map)s bevat %(aantal)s berichten.") % {
        "host": mailbox.imap_host,
        "map": mailbox.map,
        "aantal": int(info.get(b"EXISTS", 0)),
    }


def _loggen(*, door: Medewerker, inkomend: InkomendBericht, actie: int, bericht: str) -> None:
    """The admin's log (its history and "recent actions"), without the sender or subject: the
    log outlives the message."""
    LogEntry.objects.create(
        user=door,
        content_type=ContentType.objects.get_for_model(InkomendBericht),
        object_id=str(inkomend.pk),
        object_repr=_("Inkomend bericht %(id)s") % {"id": inkomend.pk},
        action_flag=actie,
        change_message=bericht,
    )


def _vergrendeld(inkomend: InkomendBericht) -> InkomendBericht:
    rij = (
        InkomendBericht.objects.select_for_update(of=("self",))
        .filter(pk=inkomend.pk, status__in=NIET_VERWERKT)
        .first()
    )
    if rij is None:
        raise QuarantaineFout(_("Dit bericht staat niet (meer) in quarantaine."))
    return rij


def vrijgeven(*, inkomend: InkomendBericht, door: Medewerker) -> InkomendBericht:
    """Process a quarantined or ignored message again, past the noise filters (spam flag, size,
    automatic reply, the limit per sender): it lands on the dossier it answers or becomes a new
    complaint. Who released it and when stay on the row and in the admin's log. A message that
    still cannot be processed goes back to quarantine with the reason."""
    with transaction.atomic():
        rij = _vergrendeld(inkomend)
        rij.status = InkomendStatus.NIEUW
        rij.vrijgegeven_door = door
        rij.vrijgegeven_op = timezone.now()
        rij.save(update_fields=["status", "vrijgegeven_door", "vrijgegeven_op"])
        verwerkt = verwerken(rij, vrijgegeven=True)
        _loggen(
            door=door,
            inkomend=rij,
            actie=CHANGE,
            # What became of it, not the reason's text (it may quote the sender).
            bericht=_("Vrijgegeven uit quarantaine: %(status)s, %(soort)s %(dossier)s")
            % {
                "status": verwerkt.get_status_display(),
                "soort": verwerkt.get_soort_display(),
                "dossier": verwerkt.klacht.dossiernummer if verwerkt.klacht_id else "",
            },
        )
    return verwerkt


def _bestand_verwijderen(opslag, naam: str) -> None:
    try:
        opslag.delete(naam)
    except Exception:  # the log says which one stays behind
        logger.exception("Bestand %s van een verwijderd inkomend bericht niet verwijderd", naam)


def verwijderen(*, inkomend: InkomendBericht, door: Medewerker) -> None:
    """Delete a quarantined or ignored message: its row, and its raw file after commit; the
    admin's log keeps who did it and when (not what the message said)."""
    with transaction.atomic():
        rij = _vergrendeld(inkomend)
        _loggen(
            door=door,
            inkomend=rij,
            actie=DELETION,
            bericht=_("Verwijderd uit quarantaine (%(status)s).")
            % {"status": rij.get_status_display()},
        )
        if rij.bestand:
            transaction.on_commit(
                partial(_bestand_verwijderen, rij.bestand.storage, rij.bestand.name)
            )
        rij.delete()


def origineel_openen(
    *, inkomend: InkomendBericht, medewerker: Medewerker, ip_adres: str = ""
) -> bytes:
    """The raw message as it arrived (the `.eml` a handler downloads): opening it is in the
    access log of its complaint. Raises FileNotFoundError when it is gone (erased)."""
    if not inkomend.bestand:
        raise FileNotFoundError(inkomend.pk)
    with inkomend.bestand.open("rb") as bestand:
        ruw = bestand.read()
    if inkomend.klacht_id is not None:
        services.inzage_vastleggen(
            medewerker=medewerker,
            klacht=inkomend.klacht,
            soort=InzageSoort.ORIGINEEL,
            ip_adres=ip_adres,
        )
    return ruw
