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
    KTO_OPVOLGING_ESCALATIE = (
        "kto_opvolging_escalatie",
        _("Opvolging van een lage score te lang open"),
    )


def registreren() -> None:
    """The invitation goes to the customer; the low-score signal and the escalation of its
    follow-up to staff (internal)."""
    berichten.soorten_registreren(
        KtoBerichtSoort,
        jablonen=Path(__file__).parent / "berichtsjablonen",
        intern={KtoBerichtSoort.KTO_SIGNAAL, KtoBerichtSoort.KTO_OPVOLGING_ESCALATIE},
    )
