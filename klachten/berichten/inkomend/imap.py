"""The production source: a label's mailbox over IMAP (imapclient), read incrementally.

Per mailbox the last UIDVALIDITY and UID read are kept: a run asks the server only for UIDs after
the last one (a mailbox of 50,000 messages costs what its new messages cost). A message is fetched
with BODY.PEEK[] (reading does not mark it), stored and processed (each committed), and only then
flagged \\Seen on the server and counted as read. A crash or a server gone midway leaves the rest
unflagged and uncounted: the next run fetches them again, and what was stored already is the same
row (by hash), so nothing is processed twice. A changed UIDVALIDITY (the server renumbered the
mailbox) reads the whole folder again, again without duplicates. A mailbox that cannot be reached
keeps its error and its moment on the row (for the beheerder) and is tried again the next run."""

from __future__ import annotations

import logging
import os
import ssl
from contextlib import contextmanager, suppress

from django.db import connection
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from klachten.berichten.inkomend import tokens
from klachten.berichten.inkomend.bronnen import Leesronde, map_lezen, ontvangen_en_tellen
from klachten.berichten.inkomend.verwerken import openstaande_verwerken
from klachten.models import Aanmelding, Beveiliging, Mailbox
from klachten.storingen import OpslagOnbereikbaar

logger = logging.getLogger("klachten.berichten")

PER_KEER = 25  # messages fetched per FETCH
_MAILBOX_SLOT = 0x494D4150  # advisory lock namespace of a mailbox being read ("IMAP")
TIJDSLIMIET_S = 30


class MailboxFout(Exception):
    """The mailbox could not be read (configuration, connection, login, the server)."""


def _geheim(mailbox: Mailbox) -> str:
    if not mailbox.geheim_variabele:
        raise MailboxFout("Geen omgevingsvariabele voor het wachtwoord of token ingesteld.")
    geheim = os.environ.get(mailbox.geheim_variabele)
    if not geheim:
        raise MailboxFout(f"Omgevingsvariabele {mailbox.geheim_variabele} is leeg of ontbreekt.")
    return geheim


@contextmanager
def verbinding(mailbox: Mailbox):
    """A logged-in IMAPClient for the mailbox (TLS, STARTTLS or plain as configured; password or
    OAuth2 access token from the environment variable it names, or an access token from the
    Microsoft 365 or Google Workspace token source, klachten.berichten.inkomend.tokens)."""
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.imap_host,
        port=mailbox.imap_poort,
        ssl=mailbox.beveiliging == Beveiliging.SSL,
        ssl_context=context,
        timeout=TIJDSLIMIET_S,
    )
    try:
        if mailbox.beveiliging == Beveiliging.STARTTLS:
            client.starttls(context)
        gebruiker = mailbox.gebruiker or mailbox.adres
        if mailbox.aanmelding in (Aanmelding.MICROSOFT365, Aanmelding.GOOGLE):
            try:
                client.oauth2_login(gebruiker, tokens.access_token(mailbox))
            except tokens.TokenFout as exc:
                raise MailboxFout(str(exc)) from exc
            except LoginError:
                tokens.vergeten(mailbox)  # revoked or rights changed: a new token next run
                raise
        elif mailbox.aanmelding == Aanmelding.OAUTH2:
            client.oauth2_login(gebruiker, _geheim(mailbox))
        else:
            client.login(gebruiker, _geheim(mailbox))
        yield client
    finally:
        with suppress(IMAPClientError, OSError):
            client.logout()


@contextmanager
def _alleen(mailbox: Mailbox):
    """One reader per mailbox at a time (a beat run that overlaps the previous one skips it):
    a session-level advisory lock, held across the commits of the run."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_MAILBOX_SLOT, mailbox.pk])
        gekregen = cursor.fetchone()[0]
    try:
        yield gekregen
    finally:
        if gekregen:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_MAILBOX_SLOT, mailbox.pk])


def mailbox_lezen(mailbox: Mailbox) -> Leesronde:
    """Read the new messages of one mailbox over IMAP (see the module's docstring). A failure is
    recorded on the mailbox (laatste_fout, laatste_fout_op), not raised: the next run retries."""
    ronde = Leesronde()
    with _alleen(mailbox) as gekregen:
        if not gekregen:
            return ronde
        try:
            openstaande_verwerken(mailbox=mailbox)
            with verbinding(mailbox) as client:
                _lezen(client, mailbox, ronde)
        except (MailboxFout, IMAPClientError, OSError, OpslagOnbereikbaar) as exc:
            fout = f"{type(exc).__name__}: {exc}"[:2000]
            logger.warning("Mailbox %s niet gelezen: %s", mailbox.adres, fout)
            Mailbox.objects.filter(pk=mailbox.pk).update(
                laatste_fout=fout, laatste_fout_op=timezone.now()
            )
            mailbox.laatste_fout = fout
            return ronde
    Mailbox.objects.filter(pk=mailbox.pk).update(gelezen_op=timezone.now(), laatste_fout="")
    mailbox.laatste_fout = ""
    return ronde


def _lezen(client: IMAPClient, mailbox: Mailbox, ronde: Leesronde) -> None:
    info = client.select_folder(mailbox.map)
    uidvalidity = int(info[b"UIDVALIDITY"])
    mailbox.refresh_from_db(fields=["uidvalidity", "laatste_uid"])
    if mailbox.uidvalidity != uidvalidity:
        # New, or renumbered by the server: read it all again; stored messages are found by hash.
        Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, laatste_uid=0)
        mailbox.uidvalidity, mailbox.laatste_uid = uidvalidity, 0
    laatste = mailbox.laatste_uid
    # "n:*" always includes the highest UID, even one below n: filter.
    uids = sorted(u for u in client.search(["UID", f"{laatste + 1}:*"]) if u > laatste)
    for begin in range(0, len(uids), PER_KEER):
        deel = uids[begin : begin + PER_KEER]
        antwoorden = client.fetch(deel, ["BODY.PEEK[]"])
        for uid in deel:
            gegevens = antwoorden.get(uid)
            if gegevens is None:  # expunged meanwhile
                continue
            ontvangen_en_tellen(gegevens[b"BODY[]"], mailbox, ronde, uid=uid)
            # Only now, with its row committed: marked read on the server, counted as read here.
            client.add_flags([uid], [b"\\Seen"])
            Mailbox.objects.filter(pk=mailbox.pk).update(laatste_uid=uid)
            mailbox.laatste_uid = uid


def mailboxen_lezen() -> dict[str, Leesronde]:
    """Read every active mailbox: over IMAP when it has a server, else its local folder (the
    development source, INKOMEND_MAP). The beat job mailboxen-lezen runs this every minute."""
    uitkomst = {}
    for mailbox in Mailbox.objects.filter(actief=True).select_related("label"):
        if mailbox.imap_host:
            uitkomst[mailbox.adres] = mailbox_lezen(mailbox)
        else:
            uitkomst[mailbox.adres] = map_lezen(mailbox)
    return uitkomst
