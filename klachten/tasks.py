"""Celery tasks: thin callers of services; they take ids and read the rest from the database."""

from celery import shared_task

from klachten import berichten


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def bericht_afleveren(self, bericht_id: int) -> bool:
    """Send one message from the outbox; retried with back-off when the mail server fails."""
    return berichten.bericht_afleveren(bericht_id=bericht_id)


@shared_task
def openstaande_berichten_verzenden() -> int:
    """The sweep: send what is still pending (broker was down, retries ran out)."""
    return berichten.openstaande_berichten_verzenden().verzonden


@shared_task
def termijnen_bewaken() -> dict[str, int]:
    """The deadline watch for this moment; beat only triggers, the jobs read what is due."""
    from klachten import bewaking

    return bewaking.alles_bewaken()
