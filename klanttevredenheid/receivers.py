"""What klanttevredenheid does when klachten announces something (klachten.signals; klachten imports
no app of ours, DESIGN.md section 8), and after migrations."""

import logging

from klanttevredenheid import services

logger = logging.getLogger(__name__)


def klacht_afgesloten(sender, klacht_id, **kwargs):
    """A closed complaint is a contact moment that may lead to a survey (DESIGN.md section 6)."""
    try:
        services.contactmoment_uit_klacht(klacht_id=klacht_id)
    except Exception:  # the complaint is closed either way; this must not turn into an error page
        logger.exception("Contactmoment van klacht %s niet vastgelegd", klacht_id)


def klacht_geanonimiseerd(sender, persoonsgegevens: dict[int, list[str]], op, **kwargs) -> None:
    """Complaints anonymised (AVG retention, klachten.avg): their contact moments too, in the same
    transaction, which closes their open follow-ups (no one left to call back)."""
    services.klachten_geanonimiseerd(list(persoonsgegevens), op)


def inrichten_na_migratie(sender, **kwargs):
    """The survey roles and the standard surveys, after every migrate."""
    using = kwargs.get("using", "default")
    services.rechten_inrichten(using=using)
    services.enquetes_inrichten(using=using)
