"""Celery tasks: thin callers of services; they take ids and read the rest from the database."""

import datetime as dt

from celery import shared_task

from klachten import berichten


# A worker that dies loses no message (DESIGN.md section 5; tests/klachten/test_worker_gedood.py).
# The broker message is acknowledged only after the task ran (acks_late, and prefetch multiplier 1
# so a worker reserves no more than it runs). A pool process killed mid-task (the OOM killer
# picks the largest process) puts the message back at once (reject_on_worker_lost; without it
# Celery would fail and acknowledge it). A whole worker killed leaves the message
# unacknowledged in Redis, which hands it to another worker after the visibility timeout
# (CELERY_BROKER_TRANSPORT_OPTIONS). Either way the row is still pending, so the outbox sweep
# sends it within a minute or two if the redelivery has not yet. Running twice is harmless:
# berichten.bericht_afleveren is idempotent. A message that kills its process every time comes
# back every time (the sweep would retry it every minute as well); the worker log shows it.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8)
def bericht_afleveren(self, bericht_id: int) -> bool:
    """Send one message from the outbox. After a temporary failure it retries when the message's
    back-off is over (berichten.terugval: 1 minute, doubling, at most an hour), the moment the
    sweep would take it too; the claim under SKIP LOCKED makes sure only one of them sends it.
    After the last retry the message still waits in the outbox, for the sweep. A permanent
    refusal (onbestelbaar) is no error: nothing to retry."""
    try:
        return berichten.bericht_afleveren(bericht_id=bericht_id)
    except Exception as exc:
        try:
            wachten = berichten.wachttijd_tot_volgende_poging(bericht_id=bericht_id)
        except Exception:  # the database is gone too: the sweep takes it later
            wachten = berichten.TERUGVAL_EERSTE.total_seconds()
        raise self.retry(exc=exc, countdown=wachten) from exc


@shared_task
def openstaande_berichten_verzenden() -> int:
    """The sweep: send what is still pending (broker was down, retries ran out)."""
    return berichten.openstaande_berichten_verzenden().verzonden


@shared_task
def termijnen_bewaken() -> dict[str, int]:
    """The deadline watch for this moment: beat only triggers; this finds what is due and hands
    it to the workers in batches (klachten_bewaken)."""
    from klachten import bewaking

    return bewaking.alles_verdelen()


@shared_task(acks_late=True)
def klachten_bewaken(klacht_ids: list[int], op: str) -> dict[str, int]:
    """One batch of the deadline watch: every job, in order, for these complaints at moment `op`
    (what is no longer due by now is skipped; what was sent already is not sent again)."""
    from klachten import bewaking

    return bewaking.alles_bewaken(op=dt.datetime.fromisoformat(op), klacht_ids=klacht_ids)


@shared_task
def verlopen_klachten_anonimiseren() -> int:
    """The retention job (AVG): closed complaints past their retention period are anonymised."""
    from klachten import avg

    return avg.verlopen_klachten_anonimiseren()


@shared_task
def inloggegevens_opruimen() -> dict[str, int]:
    """Expired sessions, finished lockouts and the login log past its retention period."""
    from klachten import toegang

    return toegang.sessies_en_inlogpogingen_opruimen()


@shared_task
def verweesde_bestanden_opruimen() -> int:
    """Files of rolled-back complaints that the storage would not remove while it was down."""
    from klachten import services

    return services.verweesde_bestanden_opruimen()
