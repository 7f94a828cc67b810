"""The outbox sweep: what is still pending (the broker was down, the retries ran out) is sent
by a periodic run."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from klachten import selectors
from klachten.berichten.afleveren import afleverfout_indelen, bericht_afleveren
from klachten.models import Bericht, BerichtStatus

# The outbox logs as one logger (klachten.berichten): filters and settings for it see it all.
logger = logging.getLogger("klachten.berichten")


def wachttijd_sweep() -> dt.timedelta:
    """How old a pending message must be before the sweep takes it (BERICHTEN_SWEEP_WACHTTIJD_S,
    30 s): the sweep leaves younger messages to their own task, which normally sends them within
    seconds."""
    return dt.timedelta(seconds=settings.BERICHTEN_SWEEP_WACHTTIJD_S)


@dataclass(frozen=True)
class SweepResult:
    verzonden: int
    niet_gelukt: int  # tried in this run and still pending, or refused for good (onbestelbaar)
    wachtend: int  # all messages still pending after the run, younger ones included
    onbestelbaar: int = 0  # of niet_gelukt: refused for good in this run


def openstaande_berichten_verzenden(*, op: dt.datetime | None = None) -> SweepResult:
    """The outbox sweep: try once more every message that was pending at `op` (default now) for
    longer than wachttijd_sweep() and whose next attempt is due (its back-off is over), oldest
    first, in batches, until nothing new is left.

    Each message is claimed like the task claims it (SKIP LOCKED, status check), so a sweep that
    runs next to the workers or next to another sweep sends nothing twice. A message that fails
    never holds back the others: the sweep moves on to the next one. Only when the mail server
    itself cannot be reached (afleverfout_indelen: server_onbereikbaar) does the run stop at
    once: the rest would only wait for the same timeout, and the next sweep (a minute later)
    tries again.
    """
    op = op or timezone.now()
    geprobeerd: set[int] = set()
    verzonden = niet_gelukt = onbestelbaar = 0
    mailserver_weg = False
    while not mailserver_weg:
        nieuw = [
            pk
            for pk in selectors.openstaande_bericht_ids(
                geschreven_voor=op - wachttijd_sweep(), aan_de_beurt_op=op
            )
            if pk not in geprobeerd
        ]
        if not nieuw:
            break
        for bericht_id in nieuw:
            geprobeerd.add(bericht_id)
            try:
                gelukt = bericht_afleveren(bericht_id=bericht_id)
            except Exception as exc:
                niet_gelukt += 1
                if afleverfout_indelen(exc).server_onbereikbaar:
                    logger.warning("Sweep gestopt: mailserver onbereikbaar (%s).", exc)
                    mailserver_weg = True
                    break
                logger.warning("Sweep: bericht %s wacht nog: %s", bericht_id, exc)
                continue
            if gelukt:
                verzonden += 1
            elif Bericht.objects.filter(pk=bericht_id, status=BerichtStatus.ONBESTELBAAR).exists():
                niet_gelukt += 1  # the mail server refused it for good
                onbestelbaar += 1
    wachtend = Bericht.objects.filter(status=BerichtStatus.WACHTEND).count()
    return SweepResult(
        verzonden=verzonden, niet_gelukt=niet_gelukt, wachtend=wachtend, onbestelbaar=onbestelbaar
    )
