"""Celery tasks: beat triggers, the services read what is missing from the database."""

from celery import shared_task

from rapportage import services


@shared_task
def dagelijks_bijwerken() -> dict[str, int]:
    return services.dagelijks_bijwerken()
