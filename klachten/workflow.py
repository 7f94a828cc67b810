"""The complaint workflow as one table (DESIGN.md section 4).

Each transition names the states it may start from, the state it leads to, the roles that may make it
and the message it sends to the customer. `klachten.services` applies a transition through
`transitie_controleren`; views and templates ask `toegestane_transities` what to offer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from klachten import rollen


class Status(models.TextChoices):
    ONTVANGEN = "ontvangen", _("Ontvangen")
    ONTVANGST_BEVESTIGD = "ontvangst_bevestigd", _("Ontvangst bevestigd")
    IN_ONDERZOEK = "in_onderzoek", _("In onderzoek")
    BEANTWOORD = "beantwoord", _("Beantwoord")
    IN_HEROVERWEGING = "in_heroverweging", _("In heroverweging")
    AFGESLOTEN = "afgesloten", _("Afgesloten")


class BerichtSoort(models.TextChoices):
    ONTVANGSTBEVESTIGING = "ontvangstbevestiging", _("Ontvangstbevestiging")


class WorkflowFout(Exception):
    """A transition that the workflow does not allow now, or not for this user."""


BEHANDELENDE_ROLLEN = frozenset(
    {rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.BEHEERDER, rollen.SYSTEEMKOPPELING}
)


@dataclass(frozen=True)
class Transitie:
    naam: str
    label: str
    van: frozenset[Status]
    naar: Status
    rollen: frozenset[str]
    bericht: BerichtSoort | None = None


# A transition whose `van` is empty creates the complaint (step 1).
TRANSITIES: dict[str, Transitie] = {
    t.naam: t
    for t in (
        Transitie(
            naam="registreren",
            label=_("Klacht registreren"),
            van=frozenset(),
            naar=Status.ONTVANGEN,
            rollen=BEHANDELENDE_ROLLEN,
        ),
        Transitie(
            naam="direct_oplossen",
            label=_("Registreren als direct opgelost"),
            van=frozenset(),
            naar=Status.AFGESLOTEN,
            rollen=BEHANDELENDE_ROLLEN,
        ),
        Transitie(
            naam="ontvangst_bevestigen",
            label=_("Ontvangst bevestigen"),
            van=frozenset({Status.ONTVANGEN}),
            naar=Status.ONTVANGST_BEVESTIGD,
            rollen=BEHANDELENDE_ROLLEN,
            bericht=BerichtSoort.ONTVANGSTBEVESTIGING,
        ),
    )
}


def mag(gebruiker, transitie: Transitie) -> bool:
    """Whether this user's role allows the transition; `None` stands for the system itself."""
    if gebruiker is None or gebruiker.is_superuser:
        return True
    return bool(rollen.rollen_van(gebruiker) & transitie.rollen)


def toegestane_transities(status: Status | str, gebruiker) -> list[Transitie]:
    return [t for t in TRANSITIES.values() if status in t.van and mag(gebruiker, t)]


def transitie_controleren(naam: str, status: Status | str | None, gebruiker) -> Transitie:
    """Return the transition if it is allowed from `status` for `gebruiker`, else raise."""
    transitie = TRANSITIES[naam]
    allowed_state = not transitie.van if status is None else status in transitie.van
    if not allowed_state:
        raise WorkflowFout(
            _("'%(actie)s' is niet mogelijk bij status '%(status)s'.")
            % {"actie": transitie.label, "status": Status(status).label if status else "-"}
        )
    if not mag(gebruiker, transitie):
        raise WorkflowFout(_("U mag '%(actie)s' niet uitvoeren.") % {"actie": transitie.label})
    return transitie
