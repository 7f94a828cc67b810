"""The outbox's Celery tasks: delivering one message, and the sweep (thin callers).

Their registered names are those they had in klachten/tasks.py: beat's schedule
(CELERY_BEAT_SCHEDULE) and the messages already queued in Redis name them so. Celery finds this
module through config/celery_app.py (autodiscover_tasks of klachten.berichten).
"""

from celery import shared_task

from klachten.berichten import afleveren, sweep
from klachten.berichten.inkomend import imap


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
@shared_task(
    name="klachten.tasks.bericht_afleveren",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=8,
)
def bericht_afleveren(self, bericht_id: int) -> bool:
    """Send one message from the outbox. After a temporary failure it retries when the message's
    back-off is over (berichten.terugval: 1 minute, doubling, at most an hour), the moment the
    sweep would take it too; the claim under SKIP LOCKED makes sure only one of them sends it.
    After the last retry the message still waits in the outbox, for the sweep. A permanent
    refusal (onbestelbaar) is no error: nothing to retry."""
    try:
        return afleveren.bericht_afleveren(bericht_id=bericht_id)
    except Exception as exc:
        try:
            wachten = afleveren.wachttijd_tot_volgende_poging(bericht_id=bericht_id)
        except Exception:  # the database is gone too: the sweep takes it later
            wachten = afleveren.TERUGVAL_EERSTE.total_seconds()
        raise self.retry(exc=exc, countdown=wachten) from exc


@shared_task(name="klachten.tasks.openstaande_berichten_verzenden")
def openstaande_berichten_verzenden() -> int:
    """The sweep: send what is still pending (broker was down, retries ran out)."""
    return sweep.openstaande_berichten_verzenden().verzonden


@shared_task(name="klachten.tasks.mailboxen_lezen")
def mailboxen_lezen() -> int:
    """The e-mail channel: read every active mailbox (IMAP, or the local folder in development);
    returns how many messages were new. Idempotent: a run that overlaps another skips the
    mailbox being read, and a message read twice is stored and processed once."""
    return sum(ronde.nieuw for ronde in imap.mailboxen_lezen().values())
