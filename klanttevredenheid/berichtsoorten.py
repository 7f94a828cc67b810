"""The survey's kinds of message, declared to the outbox (klachten.berichten) from
KlanttevredenheidConfig.ready; their default templates are in
klanttevredenheid/berichtsjablonen/."""

from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from klachten import berichten


class KtoBerichtSoort(models.TextChoices):
    KTO_UITNODIGING = "kto_uitnodiging", _("Uitnodiging klanttevredenheidsonderzoek")
    KTO_SIGNAAL = "kto_signaal", _("Lage score in het klanttevredenheidsonderzoek")


def registreren() -> None:
    """The invitation goes to the customer; the low-score signal to staff (internal)."""
    berichten.soorten_registreren(
        KtoBerichtSoort,
        jablonen=Path(__file__).parent / "berichtsjablonen",
        intern={KtoBerichtSoort.KTO_SIGNAAL},
    )
