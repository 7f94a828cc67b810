"""Messages composed by the worker, not in the request (issue 20: the public form's POST writes
the complaint and its acknowledgement in a handful of statements; rendering the acknowledgement's
templates is no part of that).

The request writes the outbox row with what composing needs: its kind (Bericht.soort), its
complaint and the customer's language (Bericht.samenstellen_in), subject and text still empty.
The delivery (berichten.bericht_afleveren) composes it with the one assembly every message
uses (berichten.samenstellen.bericht_samenstellen) just before it sends it, and stores subject
and text on the row in the transaction that marks it sent: the dossier and the status page show
the exact text that went out. A composing error is a temporary delivery failure: the message
stays in the outbox, counted and with its error on the dossier, and is tried again (task retry,
sweep). Until then whoever reads the message (dossier, status page, AVG export, the demo) gets
the text it will have, composed on reading (`tekst_van`, `onderwerp_van`), without storing it.
"""

from __future__ import annotations

import copy

from klachten.models import Bericht


def samenstellen(bericht: Bericht) -> None:
    """Compose subject and text of a message written without them, on the instance (the caller
    saves: onderwerp, tekst, samenstellen_in). Nothing for a message composed already."""
    if not bericht.samenstellen_in:
        return
    from klachten.berichten.opstellen import bericht_opstellen

    klacht = copy.copy(bericht.klacht)
    klacht.taal = bericht.samenstellen_in
    onderwerp, tekst = bericht_opstellen(klacht=klacht, soort=bericht.soort, vrije_tekst="")
    bericht.onderwerp = " ".join(onderwerp.split())[:255]
    bericht.tekst = tekst
    bericht.samenstellen_in = ""


def samengesteld(bericht: Bericht) -> Bericht:
    """`bericht` with its subject and text: itself, or, not yet composed, a copy composed now
    (not stored)."""
    if not bericht.samenstellen_in:
        return bericht
    kopie = copy.copy(bericht)
    samenstellen(kopie)
    return kopie


def tekst_van(bericht: Bericht) -> str:
    """The message's text: as stored, or, not yet composed, as the worker will compose it."""
    return samengesteld(bericht).tekst


def onderwerp_van(bericht: Bericht) -> str:
    """The message's subject: as stored, or, not yet composed, as the worker will compose it."""
    return samengesteld(bericht).onderwerp


def alle_samenstellen(berichten) -> int:
    """Compose and store every message of the queryset `berichten` still without its text (the
    demo marks messages sent without delivering them); returns how many."""
    gedaan = []
    for bericht in berichten.exclude(samenstellen_in="").select_related("klacht__label"):
        samenstellen(bericht)
        gedaan.append(bericht)
    Bericht.objects.bulk_update(gedaan, ["onderwerp", "tekst", "samenstellen_in"])
    return len(gedaan)
