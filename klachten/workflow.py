"""The complaint workflow as one table (DESIGN.md section 4).

Every action on a complaint is a row of `ACTIES`: the states it may start from, the state it leads to
(`None`: the state stays), the roles that may take it, the message it sends to the customer, and an
extra condition where the procedure has one. `klachten.services` applies an action only through
`actie_controleren`; pages, API and admin ask `toegestane_acties` what to offer. Nothing else
decides what may happen to a complaint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from klachten import rollen

if TYPE_CHECKING:
    from klachten.models import Klacht


class Status(models.TextChoices):
    ONTVANGEN = "ontvangen", _("Ontvangen")
    ONTVANGST_BEVESTIGD = "ontvangst_bevestigd", _("Ontvangst bevestigd")
    IN_ONDERZOEK = "in_onderzoek", _("In onderzoek")
    BEANTWOORD = "beantwoord", _("Beantwoord")
    IN_HEROVERWEGING = "in_heroverweging", _("In heroverweging")
    AFGESLOTEN = "afgesloten", _("Afgesloten")


class BerichtSoort(models.TextChoices):
    """klachten's kinds of message (the outbox's registry holds every app's: klachten.berichten)."""

    ONTVANGSTBEVESTIGING = "ontvangstbevestiging", _("Ontvangstbevestiging")
    NIET_ONTVANKELIJK = "niet_ontvankelijk", _("Niet-ontvankelijkheid")
    STATUSUPDATE = "statusupdate", _("Statusupdate")
    STATUSUPDATE_STANDAARD = "statusupdate_standaard", _("Standaard statusupdate (automatisch)")
    # An answer to what the customer wrote, in any state (issue 17): no step of the procedure.
    REACTIE = "reactie", _("Reactie aan de klant")
    VERTRAGING = "vertraging", _("Vertragingsbericht")
    ANTWOORD = "antwoord", _("Gemotiveerd antwoord")
    HEROVERWEGING_BEVESTIGING = (
        "heroverweging_bevestiging",
        _("Bevestiging van het verzoek om heroverweging"),
    )
    HEROVERWEGING_ANTWOORD = "heroverweging_antwoord", _("Antwoord op heroverweging")
    AFSLUITING = "afsluiting", _("Afsluiting")
    STATUSLINK = "statuslink", _("Statuslink opnieuw")
    # "Link kwijt?" with the e-mail address alone: the links of all that address's complaints.
    STATUSLINKS = "statuslinks", _("Statuslinks opnieuw (alle klachten van een e-mailadres)")
    MELDING_BEHANDELAAR = "melding_behandelaar", _("Melding aan behandelaar")
    TERMIJNSIGNAAL = "termijnsignaal", _("Herinnering of escalatie van een termijn")


class Oordeel(models.TextChoices):
    GEGROND = "gegrond", _("Gegrond")
    DEELS_GEGROND = "deels_gegrond", _("Deels gegrond")
    ONGEGROND = "ongegrond", _("Ongegrond")
    NIET_TE_BEOORDELEN = "niet_te_beoordelen", _("Niet te beoordelen")


class WorkflowFout(Exception):
    """An action that the workflow does not allow now, or not for this actor."""


class NietsGewijzigd(Exception):
    """A change that would change nothing (the same values saved again): the service writes no
    timeline entry, no history row and no new version; the page says so instead of "done"."""


class GewijzigdIntussen(WorkflowFout):
    """Someone else changed the dossier since the page was loaded (optimistic locking)."""


# Actors besides staff users: the customer (status page, public form) and the system (tasks).
KLANT = "klant"
SYSTEEM = "systeem"

BEHANDELAARS = frozenset({rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.BEHEERDER})
# A partnerbehandelaar (a handler of an outside firm, issue 9) handles the first line of the
# complaints assigned to them, up to and including the answer, and hands a complaint back with
# "teruggeven". What ends a complaint without an answer (not admissible), closes or reopens it,
# assigns it, the second line (heroverweging), external procedures and improvement actions stay
# with the insurer's own staff: the insurer stays answerable for its complaint handling.
PARTNERS = frozenset({rollen.PARTNERBEHANDELAAR})
ALLE = frozenset(Status)
OPEN = ALLE - {Status.AFGESLOTEN}
IN_BEHANDELING = frozenset({Status.IN_ONDERZOEK, Status.IN_HEROVERWEGING})


def _niet_de_eerste_behandelaar(klacht: Klacht, actor) -> str | None:
    if actor not in (KLANT, SYSTEEM) and klacht.behandelaar_id == getattr(actor, "pk", None):
        return _("De heroverweging doet een andere behandelaar dan de eerste (tweede lijn).")
    return None


def _aan_de_actor_toegewezen(klacht: Klacht, actor) -> str | None:
    if klacht.behandelaar_id is None or klacht.behandelaar_id != getattr(actor, "pk", None):
        return _("Alleen de behandelaar aan wie de klacht is toegewezen, kan haar teruggeven.")
    return None


def _niet_door_partner_in_de_tweede_lijn(klacht: Klacht, actor) -> str | None:
    """The heroverweging is the insurer's own second line: the partnerbehandelaar who handled the
    first line does not act in it (notes and contacts they may still record)."""
    if (
        klacht.status == Status.IN_HEROVERWEGING
        and actor not in (KLANT, SYSTEEM)
        and rollen.is_partnerbehandelaar(actor)
    ):
        return _("De heroverweging doet een eigen medewerker, geen partnerbehandelaar.")
    return None


def _niet_geanonimiseerd(klacht: Klacht, actor) -> str | None:
    """A complaint whose personal data was erased (klachten.avg) is history: it cannot be handled
    again, there is no customer to answer."""
    if klacht.geanonimiseerd_op is not None:
        return _("De persoonsgegevens van deze klacht zijn gewist; de klacht kan niet meer open.")
    return None


def _geclassificeerd(klacht: Klacht, actor) -> str | None:
    """A complaint that came in by e-mail has no categorie and afdeling until a teamleider
    classifies it; only then is it judged admissible or not (constraint klacht_geclassificeerd)."""
    if not klacht.is_geclassificeerd:
        return _("Deze klacht heeft nog geen categorie en afdeling: classificeer haar eerst.")
    return None


def _nog_te_classificeren(klacht: Klacht, actor) -> str | None:
    if klacht.is_geclassificeerd:
        return _("Deze klacht heeft al een categorie en afdeling.")
    return None


def _nog_geen_heroverweging(klacht: Klacht, actor) -> str | None:
    if reden := _niet_geanonimiseerd(klacht, actor):
        return reden
    if klacht.heroverweging_gevraagd_op is not None:
        return _(
            "Er is al om heroverweging gevraagd; daarna staat de weg naar de externe instantie open."
        )
    if klacht.beantwoord_op is None:
        return _("Heroverweging kan pas na het antwoord.")
    return None


def _met_kwetsbaarheidssignaal(klacht: Klacht, actor) -> str | None:
    if reden := _niet_geanonimiseerd(klacht, actor):
        return reden
    if not klacht.kwetsbaarheidssignalen.exists():
        return _("Er staat geen signaal van een kwetsbare klant op dit dossier.")
    return None


def _klant_te_antwoorden(klacht: Klacht, actor) -> str | None:
    """A reactie goes to a customer who is still there, and during a heroverweging from the
    insurer's own staff (like the statusupdate)."""
    return _niet_geanonimiseerd(klacht, actor) or _niet_door_partner_in_de_tweede_lijn(
        klacht, actor
    )


def _schreef_na_afsluiting(klacht: Klacht, actor) -> str | None:
    """A vervolgklacht is what the customer asked for in writing after the closing (their
    message's moment against the closing's, both on the row: no query)."""
    if reden := _niet_geanonimiseerd(klacht, actor):
        return reden
    if (
        klacht.klantbericht_op is None
        or klacht.afgesloten_op is None
        or klacht.klantbericht_op <= klacht.afgesloten_op
    ):
        return _("De klant heeft na de afsluiting niet geschreven.")
    return None


def _betreft_medewerker(klacht: Klacht, actor) -> str | None:
    """The talk with the employee is recorded only on a complaint about one (no query)."""
    if klacht.betreft_medewerker_id is None:
        return _("Deze klacht gaat niet over een medewerker.")
    return _niet_geanonimiseerd(klacht, actor)


def medewerkergesprek_ontbreekt(klacht: Klacht, actor=None) -> str | None:
    """A complaint about an employee is always discussed with that employee (ARAG; issue 22):
    closing waits until a teamleider recorded it (date, by whom, summary). On the row: no query."""
    if klacht.betreft_medewerker_id is not None and klacht.medewerker_besproken_datum is None:
        return _(
            "Deze klacht gaat over een medewerker. Een teamleider legt eerst vast dat de klacht "
            "met de medewerker is besproken (datum, door wie en een korte samenvatting); daarna "
            "kan de klacht worden afgesloten."
        )
    return None


@dataclass(frozen=True)
class Actie:
    naam: str
    label: str
    van: frozenset[Status]
    naar: Status | None
    rollen: frozenset[str]
    bericht: BerichtSoort | None = None
    voorwaarde: Callable[[Klacht, object], str | None] | None = None
    # An action that closes or ends the complaint (issue 19): the dossier styles it as such and
    # its form asks the handler to confirm (klachten.forms.AfsluitenFormulier).
    afsluitend: bool = False

    @property
    def slug(self) -> str:
        """The action in URLs: /medewerker/klachten/<nr>/<slug>/."""
        return self.naam.replace("_", "-")


def _acties(*acties: Actie) -> dict[str, Actie]:
    return {a.naam: a for a in acties}


# The procedure, step by step (DESIGN.md section 4). `van` empty: the action creates the complaint.
ACTIES: dict[str, Actie] = _acties(
    # 1. Ontvangst, 7. direct opgelost
    Actie(
        "registreren",
        _("Klacht registreren"),
        frozenset(),
        Status.ONTVANGEN,
        BEHANDELAARS | {rollen.SYSTEEMKOPPELING, KLANT},
    ),
    Actie(
        "direct_oplossen",
        _("Registreren als direct opgelost"),
        frozenset(),
        Status.AFGESLOTEN,
        BEHANDELAARS | {rollen.SYSTEEMKOPPELING},
    ),
    # 2. Registratie + ontvangstbevestiging
    Actie(
        "ontvangst_bevestigen",
        _("Ontvangst bevestigen"),
        frozenset({Status.ONTVANGEN}),
        Status.ONTVANGST_BEVESTIGD,
        BEHANDELAARS | PARTNERS | {SYSTEEM},
        BerichtSoort.ONTVANGSTBEVESTIGING,
    ),
    Actie("toewijzen", _("Toewijzen"), OPEN, None, BEHANDELAARS),
    # Urgent complaints lead the queue (issue 19: one by one or several at once from the queue).
    Actie("urgentie_wijzigen", _("Urgentie wijzigen"), OPEN, None, BEHANDELAARS),
    # A complaint that came in by e-mail without categorie and afdeling: a teamleider (every
    # teamleider sees it) classifies it; then it goes on like any other.
    Actie(
        "classificeren",
        _("Classificeren"),
        OPEN,
        None,
        frozenset({rollen.TEAMLEIDER, rollen.BEHEERDER}),
        voorwaarde=_nog_te_classificeren,
    ),
    # A partnerbehandelaar hands the complaint back to the insurer's own staff (issue 9); not
    # during a heroverweging, whose first-line handler stays on record.
    Actie(
        "teruggeven",
        _("Teruggeven aan interne behandelaar"),
        OPEN - {Status.IN_HEROVERWEGING},
        None,
        PARTNERS,
        voorwaarde=_aan_de_actor_toegewezen,
    ),
    # 3. Ontvankelijkheid
    Actie(
        "ontvankelijk_verklaren",
        _("Ontvankelijk verklaren"),
        frozenset({Status.ONTVANGST_BEVESTIGD}),
        Status.IN_ONDERZOEK,
        BEHANDELAARS | PARTNERS,
        voorwaarde=_geclassificeerd,
    ),
    Actie(
        "niet_ontvankelijk_verklaren",
        _("Niet ontvankelijk verklaren"),
        frozenset({Status.ONTVANGEN, Status.ONTVANGST_BEVESTIGD}),
        Status.AFGESLOTEN,
        BEHANDELAARS,
        BerichtSoort.NIET_ONTVANKELIJK,
        voorwaarde=_geclassificeerd,
        afsluitend=True,
    ),
    # 4. Onderzoek
    Actie(
        "telefooncontact_vastleggen",
        _("Telefooncontact vastleggen"),
        ALLE,
        None,
        BEHANDELAARS | PARTNERS,
    ),
    Actie("notitie_toevoegen", _("Interne notitie"), ALLE, None, BEHANDELAARS | PARTNERS),
    Actie(
        "klantbericht_toevoegen",
        _("Bericht van de klant vastleggen"),
        OPEN,
        None,
        BEHANDELAARS | PARTNERS | {rollen.SYSTEEMKOPPELING, KLANT},
    ),
    Actie(
        "statusupdate_sturen",
        _("Statusupdate sturen"),
        IN_BEHANDELING,
        None,
        BEHANDELAARS | PARTNERS | {SYSTEEM},
        BerichtSoort.STATUSUPDATE,
        voorwaarde=_niet_door_partner_in_de_tweede_lijn,
    ),
    # Answering what the customer wrote, in any state (issue 17: the inline reply on the dossier):
    # the customer asked something while the complaint was ontvangen or beantwoord, or wrote
    # after it was closed. No step of the procedure: the state stays, and the message is no
    # acknowledgement and no gemotiveerd antwoord (their deadlines run on, and the reports do not
    # count it as either). It is a message to the customer, like every other: the statusupdate
    # term counts from it (laatste_klantcontact_op, termijnen.statusupdate_vanaf), and it is a
    # first reaction for the label's published reaction term (rapportage EERSTE_REACTIE).
    Actie(
        "reactie_sturen",
        _("Reactie aan de klant"),
        ALLE,
        None,
        BEHANDELAARS | PARTNERS,
        BerichtSoort.REACTIE,
        voorwaarde=_klant_te_antwoorden,
    ),
    Actie(
        "opschorten",
        _("Termijn opschorten"),
        IN_BEHANDELING,
        None,
        BEHANDELAARS | PARTNERS,
        BerichtSoort.VERTRAGING,
        voorwaarde=_niet_door_partner_in_de_tweede_lijn,
    ),
    Actie(
        "verlengen",
        _("Termijn verlengen"),
        IN_BEHANDELING,
        None,
        BEHANDELAARS | PARTNERS,
        BerichtSoort.VERTRAGING,
        voorwaarde=_niet_door_partner_in_de_tweede_lijn,
    ),
    # 5. Gemotiveerd antwoord
    Actie(
        "antwoord_sturen",
        _("Gemotiveerd antwoord sturen"),
        frozenset({Status.IN_ONDERZOEK}),
        Status.BEANTWOORD,
        BEHANDELAARS | PARTNERS,
        BerichtSoort.ANTWOORD,
    ),
    # 6. Heroverweging / escalatie
    Actie(
        "heroverweging_vragen",
        _("Heroverweging vastleggen"),
        frozenset({Status.BEANTWOORD, Status.AFGESLOTEN}),
        Status.IN_HEROVERWEGING,
        BEHANDELAARS | {KLANT},
        BerichtSoort.HEROVERWEGING_BEVESTIGING,
        voorwaarde=_nog_geen_heroverweging,
    ),
    Actie(
        "heroverweging_beantwoorden",
        _("Heroverweging beantwoorden"),
        frozenset({Status.IN_HEROVERWEGING}),
        Status.BEANTWOORD,
        BEHANDELAARS,
        BerichtSoort.HEROVERWEGING_ANTWOORD,
        voorwaarde=_niet_de_eerste_behandelaar,
    ),
    Actie(
        "externe_procedure_vastleggen",
        _("Externe procedure vastleggen"),
        frozenset({Status.BEANTWOORD, Status.IN_HEROVERWEGING, Status.AFGESLOTEN}),
        None,
        BEHANDELAARS,
    ),
    # A complaint about an employee is discussed with them before closing (ARAG; issue 22): the
    # teamleider (or the beheerder) records it, in any state, also after a direct opgeloste or
    # not admissible complaint was closed; recorded again, it replaces the earlier record (the
    # timeline keeps both).
    Actie(
        "medewerker_besproken",
        _("Besproken met de medewerker"),
        ALLE,
        None,
        frozenset({rollen.TEAMLEIDER, rollen.BEHEERDER}),
        voorwaarde=_betreft_medewerker,
    ),
    # 7. Afsluiting
    Actie(
        "afsluiten",
        _("Afsluiten"),
        frozenset({Status.BEANTWOORD}),
        Status.AFGESLOTEN,
        BEHANDELAARS,
        BerichtSoort.AFSLUITING,
        voorwaarde=medewerkergesprek_ontbreekt,
        afsluitend=True,
    ),
    Actie(
        "heropenen",
        _("Heropenen"),
        frozenset({Status.AFGESLOTEN}),
        Status.IN_ONDERZOEK,
        BEHANDELAARS,
        voorwaarde=_niet_geanonimiseerd,
    ),
    # The customer wrote after the closing about something new (issue 17): a new complaint for
    # the same customer, linked to this one (Klacht.vorige_klacht), which stays closed.
    Actie(
        "vervolgklacht_registreren",
        _("Nieuwe klacht registreren, gekoppeld aan deze"),
        frozenset({Status.AFGESLOTEN}),
        None,
        BEHANDELAARS,
        voorwaarde=_schreef_na_afsluiting,
    ),
    # 8. Verbetering
    Actie("leermoment_toevoegen", _("Leermoment toevoegen"), ALLE, None, BEHANDELAARS | PARTNERS),
    Actie("verbeterpunt_toevoegen", _("Verbeterpunt toevoegen"), ALLE, None, BEHANDELAARS),
    # Kwetsbare klant (Keurmerk Klantgericht Verzekeren; the triage of DESIGN.md section 4): seen
    # and recorded only by those who handle the complaint (klachten.selectors.ziet_kwetsbaarheid),
    # a partner firm's handler of the complaint included.
    Actie(
        "kwetsbaarheid_vastleggen",
        _("Signaal kwetsbare klant vastleggen"),
        ALLE,
        None,
        BEHANDELAARS | PARTNERS,
        voorwaarde=_niet_geanonimiseerd,
    ),
    Actie(
        "kwetsbaarheid_intrekken",
        _("Signaal kwetsbare klant intrekken"),
        ALLE,
        None,
        BEHANDELAARS | PARTNERS,
        voorwaarde=_met_kwetsbaarheidssignaal,
    ),
    Actie(
        "doorverwijzing_vastleggen",
        _("Doorverwijzing vastleggen"),
        ALLE,
        None,
        BEHANDELAARS | PARTNERS,
        voorwaarde=_niet_geanonimiseerd,
    ),
)

# Sending an undeliverable message again to a corrected address (issue 15): who may write to the
# customer about a complaint, in any state, as long as there is a customer (not anonymised). Not a
# row of ACTIES: it is offered beside the message on the timeline, not as a step.
OPNIEUW_VERSTUREN = frozenset(BEHANDELAARS | PARTNERS)


def opnieuw_versturen_weigering(klacht: Klacht, actor) -> str | None:
    """Why `actor` may not send an undeliverable message of `klacht` again, or None."""
    if actor in (KLANT, SYSTEEM) or actor is None:
        return _("Alleen een medewerker kan een bericht opnieuw versturen.")
    if not actor.is_superuser and not (rollen.rollen_van(actor) & OPNIEUW_VERSTUREN):
        return _("U mag geen berichten opnieuw versturen.")
    if klacht.betreft_medewerker_id is not None and klacht.betreft_medewerker_id == actor.pk:
        return _("Deze klacht gaat over u; een collega behandelt haar.")
    return _niet_geanonimiseerd(klacht, actor)


# The actions that close or end a complaint on the dossier: styled and confirmed as such.
AFSLUITENDE_ACTIES = frozenset(a.naam for a in ACTIES.values() if a.afsluitend and a.van)

# The actions about a vulnerable customer: the dossier offers them beside the signals.
KWETSBARE_KLANT = (
    "kwetsbaarheid_vastleggen",
    "kwetsbaarheid_intrekken",
    "doorverwijzing_vastleggen",
)


def mag(actor, actie: Actie) -> bool:
    """Whether the actor's role allows the action (the system may do what the table lets it)."""
    if actor in (KLANT, SYSTEEM):
        return actor in actie.rollen
    if actor is None:
        return False
    if actor.is_superuser:
        return True
    return bool(rollen.rollen_van(actor) & actie.rollen)


def weigering(naam: str, klacht: Klacht | None, actor) -> str | None:
    """Why the action is refused now (a message for the user), or None when it is allowed."""
    actie = ACTIES[naam]
    status = klacht.status if klacht is not None else None
    toegestaan = not actie.van if status is None else status in actie.van
    if not toegestaan:
        return _("'%(actie)s' is niet mogelijk bij status '%(status)s'.") % {
            "actie": actie.label,
            "status": Status(status).label if status else "-",
        }
    if not mag(actor, actie):
        return _("U mag '%(actie)s' niet uitvoeren.") % {"actie": actie.label}
    over_actor = klacht is not None and klacht.betreft_medewerker_id is not None
    if over_actor and klacht.betreft_medewerker_id == getattr(actor, "pk", None):
        return _("Deze klacht gaat over u; een collega behandelt haar.")
    if actie.voorwaarde is not None and klacht is not None:
        return actie.voorwaarde(klacht, actor)
    return None


def email_van_klant_controleren(klacht: Klacht) -> None:
    """An e-mail the customer sent is a fact, not an action anyone takes: it lands on its
    dossier whatever the state, also a closed one (never lost; the handler decides: reopen,
    reconsideration, a new complaint), except on a complaint whose personal data was erased."""
    reden = _niet_geanonimiseerd(klacht, KLANT)
    if reden is not None:
        raise WorkflowFout(reden)


def actie_controleren(naam: str, klacht: Klacht | None, actor) -> Actie:
    """Return the action if the workflow allows it for this complaint and actor, else raise."""
    reden = weigering(naam, klacht, actor)
    if reden is not None:
        raise WorkflowFout(reden)
    return ACTIES[naam]


def toegestane_acties(klacht: Klacht, actor) -> list[Actie]:
    """The actions to offer on the dossier page, in the order of the procedure."""
    return [a for a in ACTIES.values() if a.van and weigering(a.naam, klacht, actor) is None]
