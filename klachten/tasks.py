"""Celery tasks: thin callers of services; they take ids and read the rest from the database.

The outbox's tasks (delivering a message, the sweep) live beside the outbox, in
klachten/berichten/tasks.py, under their old names (klachten.tasks.bericht_afleveren, ...).
"""

import datetime as dt

from celery import shared_task


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


@shared_task
def triage_trainen() -> int | None:
    """The night's triage classifier (klachten.triage); once per night, whatever runs it."""
    from klachten import triage

    model = triage.nachtelijk_trainen()
    return model.pk if model is not None else None
