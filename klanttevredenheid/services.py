"""Writes of the customer-satisfaction app (DESIGN.md section 6): contact moments and their
invitations with the 4-week throttle, sending invitations, answering the survey, following up a low
score, responses from an external research bureau, the kwartaalcijfer and erasing personal data
after 3 months."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from klachten import avg, berichten, kalender, rollen, selectors, termijnen
from klachten.models import Afdeling, Bericht, Klacht, Label, Medewerker, Productgroep
from klanttevredenheid import cijfers
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import (
    Antwoord,
    Bron,
    Campagne,
    Campagnevraag,
    Contactmoment,
    ContactmomentSoort,
    Enquete,
    Enquetegroep,
    Kwartaalcijfer,
    Opvolging,
    OpvolgingAfsluitreden,
    OpvolgingStatus,
    RedenOvergeslagen,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
)

logger = logging.getLogger(__name__)

NIET_OPNIEUW_BINNEN_DAGEN = 28
"""Throttle: a customer invited less than 4 weeks (28 days) before is not invited again; 28 days
or more after the previous invitation they are (DESIGN.md section 6)."""

HOOGSTENS_TE_LAAT = dt.timedelta(days=14)
"""An invitation that would go out more than 14 days after its planned moment (an import of old
contact moments) is not sent: the customer would no longer remember the contact."""

BEWAARTERMIJN_MAANDEN = 3
"""Personal data of an invitation is erased 3 months after it was sent (DESIGN.md section 6)."""


MAX_TEKST = 2000
"""The longest toelichting or verbetertips we store."""


class EnqueteNietBeschikbaar(Exception):
    """The survey link is unknown, expired or used."""

    ONBEKEND, VERLOPEN, BEANTWOORD = "onbekend", "verlopen", "beantwoord"

    def __init__(self, reden: str):
        super().__init__(reden)
        self.reden = reden


def email_normaliseren(email: str) -> str:
    """The form in which two addresses of the same customer compare equal."""
    return (email or "").strip().lower()


def enquete_instelling(soort: str, _cache: dict | None = None) -> Enquete:
    """The survey settings of a contact kind (a row in the admin; defaults without one)."""
    if _cache is not None and soort in _cache:
        return _cache[soort]
    instelling = Enquete.objects.filter(soort=soort).first() or Enquete(soort=soort)
    if _cache is not None:
        _cache[soort] = instelling
    return instelling


def enquetes_inrichten(*, using: str = "default") -> None:
    """A settings row per contact kind with the defaults (idempotent; after every migrate)."""
    for soort in ContactmomentSoort.values:
        Enquete.objects.using(using).get_or_create(soort=soort)


def verzendmoment(moment: dt.datetime, instelling: Enquete) -> dt.datetime:
    """When the invitation goes out: `vertraging_dagen` after the contact moment at the send time
    (default: the next morning at 9), Europe/Amsterdam; never before the contact moment itself."""
    dag = kalender.lokale_datum(moment) + dt.timedelta(days=instelling.vertraging_dagen)
    gepland = kalender.lokaal_moment(dag, instelling.verzendtijd)
    return max(gepland, moment)


# Contact moments and invitations -----------------------------------------------------------------


@dataclass
class NieuwContactmoment:
    """One contact moment to record (from the workflow, the API or an import)."""

    label: Label
    soort: str
    moment: dt.datetime
    bron: str
    klant_email: str = ""
    klant_naam: str = ""
    klantnummer: str = ""
    afdeling: Afdeling | None = None
    behandelaar: Medewerker | None = None
    klacht: Klacht | None = None
    productgroep: Productgroep | None = None
    campagne: Campagne | None = None
    groep: str = Enquetegroep.CONTACTMOMENT
    taal: str = "nl"


def contactmoment_registreren(*, op: dt.datetime | None = None, **velden) -> Contactmoment:
    """Record one contact moment and plan or skip its invitation (see contactmomenten_registreren)."""
    return contactmomenten_registreren(rijen=[NieuwContactmoment(**velden)], op=op)[0]


def contactmomenten_registreren(
    *, rijen: list[NieuwContactmoment], op: dt.datetime | None = None
) -> list[Contactmoment]:
    """Record contact moments and decide, for each, its invitation: planned for the survey's send
    moment, or skipped with the reason (no e-mail address, no survey after this kind, too old, or
    the same customer by normalised e-mail or customer number was invited less than 28 days
    before or after).

    In bulk: one query reads the invitations of all these customers; a per-customer advisory lock
    keeps two simultaneous calls for the same customer from both inviting.
    """
    op = op or timezone.now()
    instellingen = {e.soort: e for e in Enquete.objects.all()}
    with transaction.atomic():
        momenten = Contactmoment.objects.bulk_create(
            [
                Contactmoment(
                    label=rij.label,
                    soort=rij.soort,
                    groep=rij.groep,
                    bron=rij.bron,
                    moment=rij.moment,
                    afdeling=rij.afdeling,
                    behandelaar=rij.behandelaar,
                    klacht=rij.klacht,
                    productgroep=rij.productgroep,
                    campagne=rij.campagne,
                    taal=rij.taal,
                    klant_email=rij.klant_email.strip(),
                    klant_naam=rij.klant_naam.strip(),
                    klantnummer=rij.klantnummer.strip(),
                    email_genormaliseerd=email_normaliseren(rij.klant_email),
                )
                for rij in rijen
            ]
        )
        _klanten_vergrendelen(momenten)
        Uitnodiging.objects.bulk_create(_uitnodigingen_plannen(momenten, instellingen, op))
    return momenten


def _klantsleutels(moment: Contactmoment) -> list[str]:
    sleutels = []
    if moment.email_genormaliseerd:
        sleutels.append("e:" + moment.email_genormaliseerd)
    if moment.klantnummer:
        sleutels.append("k:" + moment.klantnummer)
    return sleutels


KLANTSLOTEN = 1024
"""Customers are locked in 1,024 buckets (by hash): a batch of any size holds at most that many
advisory locks, well within PostgreSQL's lock table; two customers in one bucket only wait."""


def _klanten_vergrendelen(momenten: list[Contactmoment]) -> None:
    """Lock the customers of `momenten` until the transaction ends. Advisory locks on PostgreSQL;
    SQLite (the embedded default) has one writer, whose transaction already holds the lock."""
    if connection.vendor != "postgresql":
        return
    sleutels = sorted({s for m in momenten for s in _klantsleutels(m)})
    if sleutels:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, emmer) FROM ("
                " SELECT DISTINCT hashtext(s) & %s AS emmer FROM unnest(%s::text[]) AS s"
                ") AS emmers ORDER BY emmer",
                [0x4B544F, KLANTSLOTEN - 1, sleutels],
            )


def _uitnodigingen_plannen(
    momenten: list[Contactmoment], instellingen: dict, op: dt.datetime
) -> list[Uitnodiging]:
    uitnodigingen, kandidaten = [], []
    for moment in momenten:
        instelling = enquete_instelling(moment.soort, instellingen)
        gepland = verzendmoment(moment.moment, instelling)
        reden = ""
        if not instelling.uitnodigen:
            reden = RedenOvergeslagen.ENQUETE_UIT
        elif not moment.klant_email:
            reden = RedenOvergeslagen.GEEN_EMAIL
        elif gepland < op - HOOGSTENS_TE_LAAT:
            reden = RedenOvergeslagen.TE_OUD
        uitnodiging = Uitnodiging(
            contactmoment=moment,
            status=UitnodigingStatus.OVERGESLAGEN if reden else UitnodigingStatus.GEPLAND,
            reden_overgeslagen=reden,
            verzenden_op=None if reden else gepland,
            nps_vragen=instelling.nps_vragen,
        )
        uitnodigingen.append(uitnodiging)
        if not reden:
            kandidaten.append(uitnodiging)
    if not kandidaten:
        return uitnodigingen

    # The invitation days of these customers around the planned ones, from the database...
    grens = dt.timedelta(days=NIET_OPNIEUW_BINNEN_DAGEN)
    momenten_gepland = [u.verzenden_op for u in kandidaten]
    emails = {u.contactmoment.email_genormaliseerd for u in kandidaten} - {""}
    nummers = {u.contactmoment.klantnummer for u in kandidaten} - {""}
    eerder = (
        Uitnodiging.objects.filter(
            Q(contactmoment__email_genormaliseerd__in=emails)
            | Q(contactmoment__klantnummer__in=nummers),
            verzenden_op__gt=min(momenten_gepland) - grens,
            verzenden_op__lt=max(momenten_gepland) + grens,
        )
        .exclude(status=UitnodigingStatus.OVERGESLAGEN)
        .exclude(contactmoment__in=momenten)
        .order_by()
        .values_list(
            "contactmoment__email_genormaliseerd", "contactmoment__klantnummer", "verzenden_op"
        )
    )
    dagen: dict[str, list[dt.date]] = defaultdict(list)
    for email, nummer, verzenden_op in eerder:
        dag = kalender.lokale_datum(verzenden_op)
        if email:
            dagen["e:" + email].append(dag)
        if nummer:
            dagen["k:" + nummer].append(dag)
    # ...and those of this batch, in the order they go out.
    for uitnodiging in sorted(kandidaten, key=lambda u: (u.verzenden_op, u.contactmoment.pk)):
        dag = kalender.lokale_datum(uitnodiging.verzenden_op)
        sleutels = _klantsleutels(uitnodiging.contactmoment)
        if any(
            abs((dag - eerdere).days) < NIET_OPNIEUW_BINNEN_DAGEN
            for sleutel in sleutels
            for eerdere in dagen[sleutel]
        ):
            uitnodiging.status = UitnodigingStatus.OVERGESLAGEN
            uitnodiging.reden_overgeslagen = RedenOvergeslagen.RECENT_UITGENODIGD
            uitnodiging.verzenden_op = None
        else:
            for sleutel in sleutels:
                dagen[sleutel].append(dag)
    return uitnodigingen


def enquete_url(uitnodiging: Uitnodiging) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "klanttevredenheid:enquete", kwargs={"token": uitnodiging.token}
    )


KLACHTSOORTEN = frozenset(
    {ContactmomentSoort.KLACHT_AFGEHANDELD, ContactmomentSoort.KLACHT_AFGEWEZEN}
)


def over_klacht(moment: Contactmoment) -> bool:
    """Whether a contact moment is the handling of a complaint (its survey comes from the
    complaints service) or another contact with the label (customer service)."""
    return moment.klacht_id is not None or moment.soort in KLACHTSOORTEN


AANLEIDING = {
    ContactmomentSoort.VERZEKERING_AFGESLOTEN: _(
        "U hebt onlangs een verzekering bij ons afgesloten."
    ),
    ContactmomentSoort.VRAAG_KLANTENSERVICE: _("U had onlangs contact met onze klantenservice."),
    ContactmomentSoort.SCHADE_GEMELD: _("U hebt onlangs een schade of declaratie bij ons gemeld."),
    ContactmomentSoort.GEGEVENS_GEWIJZIGD: _("U hebt onlangs uw gegevens bij ons gewijzigd."),
    ContactmomentSoort.OPZEGGING: _("U hebt onlangs een verzekering bij ons opgezegd."),
    ContactmomentSoort.KLACHT_AFGEHANDELD: _("We hebben onlangs uw klacht afgehandeld."),
    ContactmomentSoort.KLACHT_AFGEWEZEN: _("We hebben onlangs een besluit genomen over uw klacht."),
    ContactmomentSoort.JAARONDERZOEK: _(
        "Eens per jaar vragen we onze klanten wat zij van ons vinden."
    ),
}


def uitnodigingen_versturen(*, op: dt.datetime | None = None, per: int = 200) -> int:
    """Send every planned invitation whose moment has come: a single-use link that expires after
    the survey's term (default 30 days), through the outbox. Claimed with SKIP LOCKED, so two runs
    side by side send nothing twice; catches up after an outage."""
    op = op or timezone.now()
    instellingen: dict[str, Enquete] = {}
    verstuurd = 0
    while True:
        with transaction.atomic():
            partij = list(
                Uitnodiging.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("contactmoment__label")
                .filter(status=UitnodigingStatus.GEPLAND, verzenden_op__lte=op)
                .order_by("verzenden_op", "pk")[:per]
            )
            if not partij:
                return verstuurd
            for uitnodiging in partij:
                _uitnodiging_versturen(
                    uitnodiging,
                    enquete_instelling(uitnodiging.contactmoment.soort, instellingen),
                    op,
                )
            Uitnodiging.objects.bulk_update(
                partij, ["status", "verzonden_op", "verloopt_op", "token", "bericht"]
            )
            verstuurd += len(partij)


def _uitnodiging_versturen(uitnodiging: Uitnodiging, instelling: Enquete, op: dt.datetime) -> None:
    moment = uitnodiging.contactmoment
    uitnodiging.token = secrets.token_urlsafe(32)
    uitnodiging.status = UitnodigingStatus.VERZONDEN
    uitnodiging.verzonden_op = op
    # Valid through the whole last day the e-mail names: until midnight after it.
    laatste_dag = kalender.lokale_datum(op) + dt.timedelta(days=instelling.geldig_dagen)
    uitnodiging.verloopt_op = kalender.dag_grenzen(laatste_dag).tot
    with translation.override(moment.taal):
        aanleiding = str(AANLEIDING.get(moment.soort, ""))
    onderwerp, tekst = berichten.tekst_opstellen(
        soort=KtoBerichtSoort.KTO_UITNODIGING,
        taal=moment.taal,
        label=moment.label,
        context={
            "klant_naam": moment.klant_naam,
            "aanleiding": aanleiding,
            "enquete_url": enquete_url(uitnodiging),
            "geldig_tot": uitnodiging.geldig_tot,
        },
        # After a contact that was not a complaint: signed by the label's customer service,
        # without the link to the complaint procedure (issue 19).
        klantenservice=not over_klacht(moment),
    )
    uitnodiging.bericht = berichten.bericht_versturen(
        klacht=None,
        label=moment.label,
        soort=KtoBerichtSoort.KTO_UITNODIGING,
        onderwerp=onderwerp,
        tekst=tekst,
        door=None,
        aan=moment.klant_email,
    )


# The survey ------------------------------------------------------------------------------------


def uitnodiging_voor_token(token: str, *, op: dt.datetime | None = None) -> Uitnodiging:
    """The invitation of a survey link that can still be answered; else EnqueteNietBeschikbaar."""
    op = op or timezone.now()
    uitnodiging = (
        Uitnodiging.objects.select_related("contactmoment__label").filter(token=token).first()
        if token
        else None
    )
    if uitnodiging is None:
        raise EnqueteNietBeschikbaar(EnqueteNietBeschikbaar.ONBEKEND)
    if uitnodiging.status == UitnodigingStatus.BEANTWOORD:
        raise EnqueteNietBeschikbaar(EnqueteNietBeschikbaar.BEANTWOORD)
    if uitnodiging.status != UitnodigingStatus.VERZONDEN or uitnodiging.verloopt_op <= op:
        raise EnqueteNietBeschikbaar(EnqueteNietBeschikbaar.VERLOPEN)
    return uitnodiging


def enquete_beantwoorden(
    *,
    token: str,
    rapportcijfer: int,
    nps_score: int | None = None,
    toelichting: str = "",
    verbetertips: str = "",
    campagneantwoorden: dict[int, int | str | None] | None = None,
    op: dt.datetime | None = None,
) -> Respons:
    """Store the customer's answer, once: the invitation row is locked, so a second submission
    (another tab, a double click) finds it answered. A low score (grade 5 or lower, or an NPS
    detractor) alerts the behandelaar and their teamleider and opens a follow-up.

    `campagneantwoorden`: the answers to the campaign's own questions (issue 22), by question id:
    a rating 1-10 or a text; an empty one is not stored, a question of another campaign refused."""
    op = op or timezone.now()
    if not 1 <= rapportcijfer <= 10:
        raise ValueError("rapportcijfer moet 1 tot en met 10 zijn")
    if nps_score is not None and not 0 <= nps_score <= 10:
        raise ValueError("nps_score moet 0 tot en met 10 zijn")
    if max(len(toelichting), len(verbetertips)) > MAX_TEKST:
        raise ValueError(f"toelichting en verbetertips hooguit {MAX_TEKST} tekens")
    with transaction.atomic():
        gevonden = uitnodiging_voor_token(token, op=op)
        uitnodiging = (
            Uitnodiging.objects.select_for_update(of=("self",))
            .select_related("contactmoment__label", "contactmoment__afdeling")
            .get(pk=gevonden.pk)
        )
        if uitnodiging.status != UitnodigingStatus.VERZONDEN:
            raise EnqueteNietBeschikbaar(EnqueteNietBeschikbaar.BEANTWOORD)
        respons = Respons.objects.create(
            contactmoment=uitnodiging.contactmoment,
            rapportcijfer=rapportcijfer,
            nps_score=nps_score if uitnodiging.nps_vragen else None,
            toelichting=toelichting.strip(),
            verbetertips=verbetertips.strip(),
            ontvangen_op=op,
        )
        _campagneantwoorden_opslaan(respons, campagneantwoorden or {})
        uitnodiging.status = UitnodigingStatus.BEANTWOORD
        uitnodiging.save(update_fields=["status"])
        if cijfers.is_laag(respons.rapportcijfer, respons.nps_score):
            _opvolgen(respons)
    return respons


def campagnevragen(moment: Contactmoment) -> list[Campagnevraag]:
    """The questions of the contact moment's campaign, in order (none outside a campaign)."""
    if moment.campagne_id is None:
        return []
    return list(Campagnevraag.objects.filter(campagne_id=moment.campagne_id))


def _campagneantwoorden_opslaan(respons: Respons, antwoorden: dict) -> None:
    ingevuld = {pk: w for pk, w in antwoorden.items() if w is not None and str(w).strip() != ""}
    if not ingevuld:
        return
    vragen = {v.pk: v for v in campagnevragen(respons.contactmoment)}
    rijen = []
    for pk, waarde in ingevuld.items():
        vraag = vragen.get(pk)
        if vraag is None:
            raise ValueError(f"vraag {pk} hoort niet bij de campagne van deze enquête")
        if vraag.is_beoordeling:
            if not isinstance(waarde, int) or not 1 <= waarde <= 10:
                raise ValueError(f"het cijfer bij vraag {pk} moet 1 tot en met 10 zijn")
            rijen.append(Antwoord(respons=respons, vraag=vraag, cijfer=waarde))
        else:
            tekst = str(waarde).strip()
            if len(tekst) > MAX_TEKST:
                raise ValueError(f"het antwoord op vraag {pk} is hooguit {MAX_TEKST} tekens")
            rijen.append(Antwoord(respons=respons, vraag=vraag, tekst=tekst))
    Antwoord.objects.bulk_create(rijen)


def _opvolgen(respons: Respons) -> Opvolging:
    moment = respons.contactmoment
    behandelaar = moment.behandelaar
    if behandelaar is not None and rollen.is_partnerbehandelaar(behandelaar):
        # A partner firm's handler has no satisfaction dashboard: the follow-up is the afdeling's
        # (its teamleiders), in-house.
        behandelaar = None
    opvolging = Opvolging.objects.create(respons=respons, toegewezen_aan=behandelaar)
    # A moment without afdeling has no teamleiders of its own (teamleiders(None) are all of them,
    # for the complaints still to classify).
    ontvangers = selectors.teamleiders(moment.afdeling_id) if moment.afdeling_id else []
    if (
        behandelaar
        and behandelaar.is_active
        and behandelaar.email
        and behandelaar not in ontvangers
    ):
        ontvangers.insert(0, behandelaar)
    if ontvangers:
        _melden(opvolging, KtoBerichtSoort.KTO_SIGNAAL, ontvangers)
    else:
        logger.warning("Lage score zonder behandelaar of teamleider (respons %s)", respons.pk)
    return opvolging


def opvolging_afronden(*, opvolging: Opvolging, door: Medewerker, notitie: str) -> Opvolging:
    """Close the follow-up of a low score with what was done (the customer was called back)."""
    if not notitie.strip():
        raise ValueError("Een opvolging wordt afgerond met een verslag.")
    with transaction.atomic():
        opvolging = Opvolging.objects.select_for_update().get(pk=opvolging.pk)
        if opvolging.status == OpvolgingStatus.AFGEROND:
            return opvolging
        opvolging.status = OpvolgingStatus.AFGEROND
        opvolging.notitie = notitie.strip()
        opvolging.afgerond_op = timezone.now()
        opvolging.afgerond_door = door
        opvolging.save(update_fields=["status", "notitie", "afgerond_op", "afgerond_door"])
    return opvolging


def escalatiedatum(geopend: dt.date, werkdagen: int | None = None) -> dt.date:
    """The day a follow-up opened on `geopend` and still open is escalated: the
    OPVOLGING_ESCALATIE_WERKDAGEN-th working day after it (default 5: a week)."""
    over = settings.OPVOLGING_ESCALATIE_WERKDAGEN if werkdagen is None else werkdagen
    datum = geopend
    while over > 0:
        datum += dt.timedelta(days=1)
        over -= termijnen.is_werkdag(datum)
    return datum


def escalatiegrens(op: dt.datetime) -> dt.datetime:
    """Open follow-ups opened before this moment are due for escalation at `op` (the end of the
    last opening day whose escalatiedatum is today or before)."""
    vandaag = kalender.lokale_datum(op)
    dag = vandaag
    while escalatiedatum(dag) > vandaag:
        dag -= dt.timedelta(days=1)
    return kalender.dag_grenzen(dag).tot


def opvolgingen_bewaken(*, op: dt.datetime | None = None) -> dict[str, int]:
    """What beat runs (klanttevredenheid.tasks.opvolgingen_bewaken): close the follow-ups whose
    customer was anonymised (a catch-up: anonymising closes them itself), then escalate those
    open too long. Idempotent: a rerun or a run after an outage does everything due, once."""
    op = op or timezone.now()
    return {
        "gesloten": opvolgingen_van_geanonimiseerden_sluiten(op=op),
        "geescaleerd": opvolgingen_escaleren(op=op),
    }


def opvolgingen_escaleren(*, op: dt.datetime | None = None) -> int:
    """Every open follow-up opened before the escalatiegrens and not escalated yet goes to the
    teamleiders of its afdeling (the beheerders when it has none), once: `geescaleerd_op` is set
    in the transaction that writes the notices to the outbox. Returns how many were escalated."""
    op = op or timezone.now()
    te_escaleren = Opvolging.objects.filter(
        status=OpvolgingStatus.OPEN, geescaleerd_op__isnull=True, created_at__lt=escalatiegrens(op)
    ).order_by("created_at", "pk")
    return sum(_escaleren(pk, op) for pk in list(te_escaleren.values_list("pk", flat=True)))


def _escaleren(pk: int, op: dt.datetime) -> bool:
    with transaction.atomic():
        opvolging = (
            Opvolging.objects.select_for_update(of=("self",))
            .select_related(
                "respons__contactmoment__label",
                "respons__contactmoment__afdeling",
                "respons__contactmoment__klacht",
                "toegewezen_aan",
            )
            .filter(pk=pk, status=OpvolgingStatus.OPEN, geescaleerd_op__isnull=True)
            .first()
        )
        if opvolging is None:  # closed or escalated meanwhile
            return False
        opvolging.geescaleerd_op = op
        opvolging.save(update_fields=["geescaleerd_op"])
        respons = opvolging.respons
        moment = respons.contactmoment
        ontvangers = selectors.tweedelijnstoewijzers(moment.afdeling_id)
        if not ontvangers:
            logger.warning("Opvolging %s te lang open: geen teamleider of beheerder", pk)
            return True
        _melden(
            opvolging,
            KtoBerichtSoort.KTO_OPVOLGING_ESCALATIE,
            ontvangers,
            werkdagen=settings.OPVOLGING_ESCALATIE_WERKDAGEN,
        )
    return True


def _melden(opvolging: Opvolging, soort: str, ontvangers: list, **context) -> None:
    """A staff notice about a follow-up (a low score, one open too long) in the outbox, to each
    of `ontvangers`, in Dutch, with a link to the follow-up and no customer data beyond what the
    template shows."""
    moment = opvolging.respons.contactmoment
    onderwerp, tekst = berichten.tekst_opstellen(
        soort=soort,
        taal="nl",
        label=moment.label,
        context={
            "opvolging": opvolging,
            "respons": opvolging.respons,
            "contactmoment": moment,
            "opvolging_url": settings.SITE_URL.rstrip("/")
            + reverse("klanttevredenheid:opvolging", kwargs={"pk": opvolging.pk}),
            **context,
        },
    )
    for ontvanger in ontvangers:
        berichten.bericht_versturen(
            klacht=moment.klacht,
            label=moment.label,
            soort=soort,
            onderwerp=onderwerp,
            tekst=tekst,
            door=None,
            aan=ontvanger.email,
        )


def _opvolgingen_sluiten(opvolgingen: QuerySet[Opvolging], op: dt.datetime) -> int:
    """Close these follow-ups, if open: their customer's data is anonymised, there is no one left
    to call back (afsluitreden 'klantgegevens geanonimiseerd', closed by no one)."""
    return opvolgingen.filter(status=OpvolgingStatus.OPEN).update(
        status=OpvolgingStatus.AFGEROND,
        afgerond_op=op,
        afgerond_door=None,
        afsluitreden=OpvolgingAfsluitreden.GEANONIMISEERD,
    )


def opvolgingen_van_geanonimiseerden_sluiten(*, op: dt.datetime | None = None) -> int:
    """Open follow-ups of an anonymised contact moment (those anonymised before follow-ups closed
    with it) closed now."""
    return _opvolgingen_sluiten(
        Opvolging.objects.filter(respons__contactmoment__geanonimiseerd_op__isnull=False),
        op or timezone.now(),
    )


# External survey data ----------------------------------------------------------------------------


@dataclass
class NieuweExterneRespons:
    """One response from an external research bureau's export (validated by
    klanttevredenheid.extern.ExterneResponsInvoerSerializer)."""

    klantreferentie: str
    moment: dt.datetime
    soort: str
    rapportcijfer: int
    nps_score: int | None = None
    toelichting: str = ""
    verbetertips: str = ""
    klant_email: str = ""
    productgroep: Productgroep | None = None


EXTERN_SLOT = 0x4B5445
"""Advisory lock class of the external import: one lock per label (the key includes the label)."""


def externe_sleutel(*, label: Label, klantreferentie: str, moment: dt.datetime, soort: str) -> str:
    """What makes two external responses the same one (issue 9: "deduplicated"): the label, the
    customer reference (ignoring case and spaces), the day of the survey (Europe/Amsterdam) and
    the kind of contact moment. The export has no id of the bureau's own; a customer is surveyed
    at most once per kind and day.

    Stored as a keyed hash (HMAC-SHA256 under SECRET_KEY): the reference is personal data and is
    erased after 3 months, the key stays, so a later import of the same rows still finds them."""
    referentie = " ".join(klantreferentie.split()).casefold()
    waarde = f"{label.pk}|{referentie}|{kalender.lokale_datum(moment).isoformat()}|{soort}"
    return salted_hmac("klanttevredenheid.extern", waarde, algorithm="sha256").hexdigest()


def externe_responsen_importeren(
    *,
    rijen: list[NieuweExterneRespons],
    label: Label,
    bureau: str = "",
    op: dt.datetime | None = None,
) -> list[Respons | None]:
    """Record the responses of an external research bureau's survey (issue 9, "External survey
    data"): each as a contact moment of its own (bron extern, without an invitation of ours) with
    its response, received on the survey's date. So they count in every figure exactly like our
    own responses (cijfers), except the response rate, which compares our responses with our
    invitations; a kwartaalcijfer already computed does not change (DESIGN.md section 6).

    Once: a row whose key (externe_sleutel) is recorded already, or comes earlier in `rijen`, is
    skipped: None in the result, which follows the order of `rijen`. A lock per label keeps two
    imports side by side from both recording it; the unique constraint is the last guard.

    No follow-up and no alert for a low score: there is no behandelaar who had the contact, and
    the data reaches us weeks after the survey; the dashboard shows the score as external.

    Personal data as for our own surveys: the customer reference and e-mail address are erased 3
    months after the survey's date (persoonsgegevens_wissen); rows older than that already are
    stored without them.
    """
    op = op or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite: one writer at a time anyway
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [EXTERN_SLOT, label.pk])
        sleutels = [
            externe_sleutel(
                label=label, klantreferentie=rij.klantreferentie, moment=rij.moment, soort=rij.soort
            )
            for rij in rijen
        ]
        gezien = set(
            Contactmoment.objects.filter(externe_sleutel__in=set(sleutels)).values_list(
                "externe_sleutel", flat=True
            )
        )
        nieuw: list[tuple[int, NieuweExterneRespons, Contactmoment]] = []
        for index, (rij, sleutel) in enumerate(zip(rijen, sleutels, strict=True)):
            if sleutel in gezien:
                continue
            gezien.add(sleutel)
            moment = Contactmoment(
                label=label,
                soort=rij.soort,
                bron=Bron.EXTERN,
                moment=rij.moment,
                klant_email=rij.klant_email.strip(),
                klantnummer=rij.klantreferentie.strip(),
                email_genormaliseerd=email_normaliseren(rij.klant_email),
                bureau=bureau.strip(),
                externe_sleutel=sleutel,
                productgroep=rij.productgroep,
            )
            nieuw.append((index, rij, moment))
        Contactmoment.objects.bulk_create([moment for _index, _rij, moment in nieuw])
        responsen = Respons.objects.bulk_create(
            [
                Respons(
                    contactmoment=moment,
                    rapportcijfer=rij.rapportcijfer,
                    nps_score=rij.nps_score,
                    toelichting=rij.toelichting.strip(),
                    verbetertips=rij.verbetertips.strip(),
                    ontvangen_op=rij.moment,
                )
                for _index, rij, moment in nieuw
            ]
        )
        grens = bewaargrens(op)
        _contactmomenten_anonimiseren(
            [moment.pk for _index, _rij, moment in nieuw if moment.moment < grens], op
        )
    uitkomst: list[Respons | None] = [None] * len(rijen)
    for (index, _rij, _moment), respons in zip(nieuw, responsen, strict=True):
        uitkomst[index] = respons
    return uitkomst


# The kwartaalcijfer ------------------------------------------------------------------------------


def kwartaalcijfers_berekenen(*, op: dt.datetime | None = None) -> list[Kwartaalcijfer]:
    """On the first day of a quarter: the average grade of the quarter before, per label, computed
    once, stored and published (DESIGN.md section 6). Computes every missing quarter from the
    label's first response (catches up; idempotent: a stored quarter is never computed again, so
    late responses do not change it)."""
    op = op or timezone.now()
    laatste = kalender.vorig_kwartaal(*kalender.kwartaal_van(kalender.lokale_datum(op)))
    berekend = []
    for label in Label.objects.order_by("pk"):
        eerste = (
            Respons.objects.filter(contactmoment__label=label)
            .order_by("ontvangen_op")
            .values_list("ontvangen_op", flat=True)
            .first()
        )
        kwartaal = kalender.kwartaal_van(kalender.lokale_datum(eerste)) if eerste else laatste
        al = set(Kwartaalcijfer.objects.filter(label=label).values_list("jaar", "kwartaal"))
        while kwartaal <= laatste:
            if kwartaal not in al:
                berekend.append(_kwartaalcijfer(label, *kwartaal, op))
            kwartaal = (kwartaal[0] + 1, 1) if kwartaal[1] == 4 else (kwartaal[0], kwartaal[1] + 1)
    return [k for k in berekend if k is not None]


def _kwartaalcijfer(label: Label, jaar: int, kwartaal: int, op: dt.datetime):
    van, tot = kalender.kwartaal_grenzen(jaar, kwartaal)
    uitkomst = cijfers.totaal(
        van=van,
        tot=tot,
        responsen=Respons.objects.filter(contactmoment__label=label),
        uitnodigingen=Uitnodiging.objects.none(),
    )
    with transaction.atomic():
        cijfer, nieuw = Kwartaalcijfer.objects.get_or_create(
            label=label,
            jaar=jaar,
            kwartaal=kwartaal,
            defaults={
                "gemiddelde": uitkomst.gemiddelde,
                "nps": uitkomst.nps,
                "aantal": uitkomst.respons,
                "berekend_op": op,
            },
        )
    return cijfer if nieuw else None


# Privacy ---------------------------------------------------------------------------------------


def bewaargrens(op: dt.datetime) -> dt.datetime:
    """On `op`'s day, the personal data of a survey sent before this moment is erased: the 3
    months are over on that date 3 months later, so everything sent on or before the date 3
    months ago (DESIGN.md section 6)."""
    grens_datum = kalender.maanden_later(kalender.lokale_datum(op), -BEWAARTERMIJN_MAANDEN)
    return kalender.dag_grenzen(grens_datum).tot


def persoonsgegevens_wissen(*, op: dt.datetime | None = None) -> int:
    """Erase the customer's e-mail, name and customer number 3 months after the invitation was
    sent (or, without one, 3 months after the contact moment: for an external bureau's response
    the date of its survey), with the invitation e-mail itself; grade, comment, kind, label and
    afdeling stay, anonymous (DESIGN.md section 6)."""
    op = op or timezone.now()
    grens = bewaargrens(op)
    te_wissen = Contactmoment.objects.filter(geanonimiseerd_op__isnull=True).filter(
        Q(uitnodiging__verzonden_op__lt=grens)
        | Q(uitnodiging__verzonden_op__isnull=True, moment__lt=grens)
    )
    with transaction.atomic():
        return _contactmomenten_anonimiseren(list(te_wissen.values_list("pk", flat=True)), op)


def _contactmomenten_anonimiseren(ids: list[int], op: dt.datetime) -> int:
    """Erase who the customer is from these contact moments and their invitation e-mails; an
    invitation not sent yet is not sent any more (no address), a sent link stops working.

    The invitations are locked first: one being sent right now (uitnodigingen_versturen) is
    waited for, and its e-mail, cleaned last, is cleaned too; an e-mail still waiting in the
    outbox is not sent."""
    if not ids:
        return 0
    uitnodigingen = Uitnodiging.objects.filter(contactmoment__in=ids)
    list(uitnodigingen.select_for_update().order_by("pk").values_list("pk", flat=True))
    Uitnodiging.objects.filter(contactmoment__in=ids, status=UitnodigingStatus.GEPLAND).update(
        status=UitnodigingStatus.OVERGESLAGEN, reden_overgeslagen=RedenOvergeslagen.GEEN_EMAIL
    )
    Uitnodiging.objects.filter(contactmoment__in=ids, status=UitnodigingStatus.VERZONDEN).update(
        token=None
    )
    Contactmoment.objects.filter(pk__in=ids).update(
        klant_email="",
        klant_naam="",
        klantnummer="",
        email_genormaliseerd="",
        geanonimiseerd_op=op,
    )
    _opvolgingen_sluiten(Opvolging.objects.filter(respons__contactmoment__in=ids), op)
    avg.berichten_wissen(
        Bericht.objects.filter(pk__in=uitnodigingen.exclude(bericht=None).values("bericht")),
        aan="",
        onderwerp="",
        tekst="",
    )
    return len(ids)


def klachten_geanonimiseerd(klacht_ids: list[int], op: dt.datetime) -> int:
    """Complaints lost the customer's data (klachten.avg, the retention job): the contact moments
    about them lose it too, in the same transaction, and their open follow-ups close."""
    ids = list(
        Contactmoment.objects.filter(klacht__in=klacht_ids, geanonimiseerd_op__isnull=True)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    return _contactmomenten_anonimiseren(ids, op)


def _contactmomenten_van(email: str):
    return Contactmoment.objects.filter(
        email_genormaliseerd=email_normaliseren(email), geanonimiseerd_op__isnull=True
    )


def avg_verzamelen(email: str) -> list:
    """Everything the survey part keeps about an address (a customer's request for access)."""
    from klachten.avg import Onderdeel, Tabel, tekst

    onderdelen = []
    momenten = (
        _contactmomenten_van(email)
        .select_related("label", "klacht", "uitnodiging", "respons__opvolging")
        .prefetch_related("respons__antwoorden__vraag")
    )
    for moment in momenten.order_by("moment", "pk"):
        onderdeel = Onderdeel(
            titel=_("Contactmoment %(soort)s op %(datum)s")
            % {"soort": moment.get_soort_display(), "datum": tekst(moment.moment)},
            velden=[
                (_("Label"), moment.label.naam),
                (_("Soort"), moment.get_soort_display()),
                (
                    _("Bron"),
                    f"{moment.get_bron_display()} ({moment.bureau})"
                    if moment.bureau
                    else moment.get_bron_display(),
                ),
                (_("Moment"), tekst(moment.moment)),
                (_("Naam"), moment.klant_naam),
                (_("E-mailadres"), moment.klant_email),
                (_("Klantnummer"), moment.klantnummer),
                (_("Klacht"), moment.klacht.dossiernummer if moment.klacht else ""),
            ],
        )
        uitnodiging = getattr(moment, "uitnodiging", None)
        if uitnodiging is not None:
            onderdeel.velden += [
                (_("Uitnodiging"), uitnodiging.get_status_display()),
                (_("Uitnodiging verzonden op"), tekst(uitnodiging.verzonden_op)),
            ]
        respons = getattr(moment, "respons", None)
        if respons is not None:
            onderdeel.tabellen.append(
                Tabel(
                    _("Antwoord op de enquête"),
                    [
                        _("Ontvangen op"),
                        _("Rapportcijfer"),
                        _("Aanbeveling (0-10)"),
                        _("Toelichting"),
                        _("Verbetertips"),
                    ],
                    [
                        [
                            tekst(respons.ontvangen_op),
                            str(respons.rapportcijfer),
                            "" if respons.nps_score is None else str(respons.nps_score),
                            respons.toelichting,
                            respons.verbetertips,
                        ]
                    ],
                )
            )
            antwoorden = list(respons.antwoorden.all())
            if antwoorden:  # a campaign's own questions (issue 22)
                onderdeel.tabellen.append(
                    Tabel(
                        _("Antwoorden op de vragen van de campagne"),
                        [_("Vraag"), _("Antwoord")],
                        [
                            [a.vraag.tekst, str(a.cijfer) if a.cijfer is not None else a.tekst]
                            for a in sorted(antwoorden, key=lambda a: (a.vraag.volgorde, a.pk))
                        ],
                    )
                )
            opvolging = getattr(respons, "opvolging", None)
            if opvolging is not None:
                onderdeel.tabellen.append(
                    Tabel(
                        _("Opvolging"),
                        [_("Status"), _("Afgerond op"), _("Verslag")],
                        [
                            [
                                opvolging.get_status_display(),
                                tekst(opvolging.afgerond_op),
                                opvolging.notitie,
                            ]
                        ],
                    )
                )
        onderdelen.append(onderdeel)
    return onderdelen


def avg_wissen(email: str, op: dt.datetime) -> int:
    """A customer's request for erasure: their contact moments anonymised now, as after 3
    months, and, as they asked for it, what they wrote (toelichting, verbetertips) and the
    follow-up's report emptied too, also in the low-score alert to staff that quoted them; the
    grades stay, anonymous (the 3-month job keeps the comment: DESIGN.md section 6)."""
    with transaction.atomic():
        ids = list(
            _contactmomenten_van(email).select_for_update(of=("self",)).values_list("pk", flat=True)
        )
        Respons.objects.filter(contactmoment__in=ids).update(toelichting="", verbetertips="")
        opvolgingen = list(
            Opvolging.objects.filter(respons__contactmoment__in=ids).values_list("pk", flat=True)
        )
        Opvolging.objects.filter(pk__in=opvolgingen).update(notitie="")
        _signalen_wissen(opvolgingen)
        return _contactmomenten_anonimiseren(ids, op)


def _signalen_wissen(opvolgingen: list[int]) -> None:
    """The low-score alerts (KTO_SIGNAAL) quote the customer's comment; each links its
    follow-up, which is how they are found (the alert has no key of its own)."""
    if not opvolgingen:
        return
    links = Q()
    for pk in opvolgingen:
        links |= Q(tekst__contains=reverse("klanttevredenheid:opvolging", kwargs={"pk": pk}))
    avg.berichten_wissen(
        Bericht.objects.filter(links, soort=KtoBerichtSoort.KTO_SIGNAAL), tekst=avg.GEANONIMISEERD
    )


def contactmoment_van_klacht(klacht: Klacht) -> NieuwContactmoment:
    """A closed complaint is a contact moment: handled, or rejected when not admissible."""
    return NieuwContactmoment(
        label=klacht.label,
        soort=(
            ContactmomentSoort.KLACHT_AFGEWEZEN
            if klacht.is_ontvankelijk is False
            else ContactmomentSoort.KLACHT_AFGEHANDELD
        ),
        moment=klacht.afgesloten_op,
        bron=Bron.WORKFLOW,
        klant_email=klacht.klant_email,
        klant_naam=klacht.klant_naam,
        afdeling=klacht.afdeling,
        behandelaar=klacht.behandelaar,
        klacht=klacht,
        # The complaint's product group, as the AFM export counts it (rapportage.afm).
        productgroep=(
            klacht.categorie.productgroep
            if klacht.categorie is not None and klacht.categorie.productgroep_id
            else klacht.label.productgroep
        ),
        taal=klacht.taal,
    )


def contactmoment_uit_klacht(*, klacht_id: int) -> Contactmoment | None:
    """Record the contact moment of a complaint that was closed (once per closing: a reopened
    complaint that closes again is a new contact moment)."""
    klacht = (
        Klacht.objects.select_related(
            "label__productgroep", "afdeling", "behandelaar", "categorie__productgroep"
        )
        .filter(pk=klacht_id)
        .first()
    )
    if klacht is None or klacht.afgesloten_op is None:
        return None
    if Contactmoment.objects.filter(klacht=klacht, moment=klacht.afgesloten_op).exists():
        return None
    return contactmomenten_registreren(rijen=[contactmoment_van_klacht(klacht)])[0]


ROL_PERMISSIES = {
    rollen.KLACHTBEHANDELAAR: ["view_respons", "view_opvolging", "change_opvolging"],
    rollen.TEAMLEIDER: ["view_respons", "view_opvolging", "change_opvolging"],
    rollen.DIRECTIE: ["view_respons", "view_opvolging", "view_kwartaalcijfer"],
    rollen.SYSTEEMKOPPELING: ["add_contactmoment"],
    rollen.BEHEERDER: [
        f"{actie}_{model}"
        for model in (
            "enquete",
            "campagne",
            "campagnevraag",
            "contactmoment",
            "uitnodiging",
            "respons",
            "opvolging",
        )
        for actie in ("view", "add", "change", "delete")
    ]
    + ["view_kwartaalcijfer", "view_antwoord"],
}


def rechten_inrichten(*, using: str = "default") -> None:
    """Give the role groups this app's permissions (idempotent; after every migrate)."""
    rollen.permissies_toekennen(ROL_PERMISSIES, app_labels=["klanttevredenheid"], using=using)
