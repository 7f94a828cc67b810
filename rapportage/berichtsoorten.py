"""The reports' kind of message, declared to the outbox (klachten.berichten) from
RapportageConfig.ready; its default templates are in rapportage/berichtsjablonen/."""

from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from klachten import berichten


class RapportBerichtSoort(models.TextChoices):
    RAPPORT = "rapport", _("Rapportage aan het management")


def registreren() -> None:
    """A report goes to management (internal: never on a customer's status page)."""
    berichten.soorten_registreren(
        RapportBerichtSoort,
        jablonen=Path(__file__).parent / "berichtsjablonen",
        intern={RapportBerichtSoort.RAPPORT},
    )
