"""Celery tasks: beat triggers, the services read what is due from the database."""

from celery import shared_task

from klanttevredenheid import services


@shared_task
def uitnodigingen_versturen() -> int:
    return services.uitnodigingen_versturen()


@shared_task
def kwartaalcijfers_berekenen() -> int:
    return len(services.kwartaalcijfers_berekenen())


@shared_task
def persoonsgegevens_wissen() -> int:
    return services.persoonsgegevens_wissen()


@shared_task
def opvolgingen_bewaken() -> dict[str, int]:
    return services.opvolgingen_bewaken()
