"""Messages to customers (and notices to staff): composing them from the templates, the outbox.

Every message is a `Bericht` row written in the transaction of the change that causes it; a Celery
task sends it after commit, with retries, and a periodic sweep sends what is still pending
(DESIGN.md section 5, "mail that is never lost").
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from klachten import selectors, termijnen
from klachten.models import (
    Bericht,
    Berichtsjabloon,
    BerichtStatus,
    Gebeurtenis,
    GebeurtenisSoort,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Medewerker,
)
from klachten.workflow import INTERNE_BERICHTEN, BerichtSoort

logger = logging.getLogger(__name__)

STANDAARDJABLONEN = Path(__file__).parent / "berichtsjablonen"


def klacht_status_url(klacht: Klacht) -> str:
    """The customer's secret link to the status page, as it goes into e-mails."""
    return settings.SITE_URL.rstrip("/") + reverse(
        "klachten:status", kwargs={"token": klacht.status_token}
    )


def dossier_url(klacht: Klacht) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "klachten:dossier", kwargs={"dossiernummer": klacht.dossiernummer}
    )


def _jabloon(soort: str, taal: str, eenvoudig: bool) -> Berichtsjabloon:
    kandidaten = Berichtsjabloon.objects.filter(soort=soort, taal__in=[taal, "nl"])
    beste = sorted(kandidaten, key=lambda j: (j.taal != taal, j.eenvoudige_taal != eenvoudig))
    if not beste:
        raise Berichtsjabloon.DoesNotExist(f"Geen berichtsjabloon voor {soort}.")
    return beste[0]


def ondertekening(klacht: Klacht) -> str:
    """The label's signature under every message to the customer, in the customer's language."""
    return _ondertekening(klacht.label, klacht.taal)


def _ondertekening(label, taal: str) -> str:
    with translation.override(taal):
        return render_to_string("klachten/berichten/_ondertekening.txt", {"label": label})


def tekst_opstellen(
    *, soort: BerichtSoort | str, taal: str, label, context: dict, eenvoudig: bool = False
) -> tuple[str, str]:
    """Subject and text from the beheerder's template of `soort` in language `taal` (else Dutch),
    filled with `context`; a message to a customer is followed by the label's signature."""
    jabloon = _jabloon(soort, taal, eenvoudig)
    with translation.override(taal):
        context_obj = Context({"label": label, **context}, autoescape=False)
        onderwerp = _sjabloon(jabloon.onderwerp).render(context_obj)
        tekst = _sjabloon(jabloon.tekst).render(context_obj)
        if soort not in INTERNE_BERICHTEN:
            tekst = tekst.strip() + "\n\n" + _ondertekening(label, taal)
    return " ".join(onderwerp.split()), _opgeschoond(tekst)


# No spam relay (issue 15): what the public form sends by itself to the address typed into it
# carries no text typed into it, so the form cannot send label-branded text of anyone's choosing.
ZONDER_VRIJE_TEKST = frozenset({BerichtSoort.ONTVANGSTBEVESTIGING, BerichtSoort.STATUSLINK})


def adres_onbewezen(klacht: Klacht) -> bool:
    """Whether the customer's address is one nobody has vouched for: typed into the public form
    (staff and system accounts register what a customer told them; that address they checked)."""
    return klacht.kanaal == Kanaal.WEBFORMULIER and klacht.ingediend_door_id is None


class ZonderVrijeTekst:
    """A complaint as a template for an unproven address sees it: the dossiernummer, dates, label,
    category, afdeling and status; every field the customer typed (name, description, desired
    solution, policy and phone number) is empty. Also for the beheerder's edited templates in the
    database: the rule is here, not in the template text. The customer reads their own text on
    the status page."""

    ZICHTBAAR = frozenset(
        {
            "pk",
            "id",
            "dossiernummer",
            "ontvangen_op",
            "label",
            "categorie",
            "afdeling",
            "kanaal",
            "get_kanaal_display",
            "taal",
            "status",
            "get_status_display",
            "urgentie",
            "get_urgentie_display",
            "ontvangstbevestiging_uiterlijk_datum",
            "antwoord_uiterlijk_datum",
            "statusupdate_uiterlijk_datum",
        }
    )

    def __init__(self, klacht: Klacht):
        self._klacht = klacht

    def __getattr__(self, naam: str):
        if naam.startswith("_"):
            raise AttributeError(naam)
        return getattr(self._klacht, naam) if naam in self.ZICHTBAAR else ""

    def __str__(self) -> str:
        return str(self._klacht)


def bericht_opstellen(
    *, klacht: Klacht, soort: BerichtSoort | str, eenvoudig: bool = False, **extra
) -> tuple[str, str]:
    """Subject and text of a message about a complaint from the beheerder's template, in the
    customer's language, filled with the complaint's data and followed by the label's signature.
    The kinds of ZONDER_VRIJE_TEKST to an unproven address see the complaint without what the
    customer typed (ZonderVrijeTekst)."""
    regels = selectors.termijnregels()
    context = {
        "klacht": (
            ZonderVrijeTekst(klacht)
            if soort in ZONDER_VRIJE_TEKST and adres_onbewezen(klacht)
            else klacht
        ),
        "status_url": klacht_status_url(klacht),
        # The answer date that runs now (during a heroverweging its term); else the last promised.
        "antwoord_uiterlijk": selectors.antwoord_belofte(klacht) or klacht.antwoord_uiterlijk_datum,
        "termijnen": {
            "ontvangstbevestiging": regels[termijnen.TermijnSoort.ONTVANGSTBEVESTIGING].dagen,
            "statusupdate": regels[termijnen.TermijnSoort.STATUSUPDATE].dagen,
        },
        **extra,
    }
    return tekst_opstellen(
        soort=soort, taal=klacht.taal, label=klacht.label, context=context, eenvoudig=eenvoudig
    )


# The signals after which messages are offered in plain language (B1): low literacy, and a
# customer under the pressure of debts or of several problems at once (that pressure narrows
# attention: short sentences and one step at a time help). A medical urgency asks for speed, not
# for other words.
EENVOUDIGE_TAAL_BIJ = frozenset(
    {
        KwetsbaarheidSoort.LAAGGELETTERDHEID,
        KwetsbaarheidSoort.BETALINGSPROBLEMEN,
        KwetsbaarheidSoort.MULTIPROBLEMATIEK,
    }
)
# The handler's choice on a message form (?sjabloon=): the plain-language or the standard text.
EENVOUDIG, STANDAARD = "eenvoudig", "standaard"


@dataclass(frozen=True)
class EenvoudigeTaal:
    """How a message form offers the plain-language version of its template."""

    voorgesteld: bool  # a signal of the complaint asks for plain language (EENVOUDIGE_TAAL_BIJ)
    beschikbaar: bool  # the kind has a plain-language template in the customer's language
    gebruikt: bool  # the form is pre-filled from it


def eenvoudige_taal(
    *, klacht: Klacht, soort: BerichtSoort | str, keuze: str = ""
) -> EenvoudigeTaal:
    """Whether a message form is pre-filled from the plain-language (B1) template: when the
    complaint carries a signal of EENVOUDIGE_TAAL_BIJ, unless the handler chose the standard text
    (`keuze`); a handler may also choose it without a signal. Only a template in the customer's
    own language counts (never a Dutch one for a French customer)."""
    voorgesteld = klacht.kwetsbaarheidssignalen.filter(soort__in=EENVOUDIGE_TAAL_BIJ).exists()
    beschikbaar = Berichtsjabloon.objects.filter(
        soort=soort, taal=klacht.taal, eenvoudige_taal=True
    ).exists()
    gekozen = keuze == EENVOUDIG if keuze in (EENVOUDIG, STANDAARD) else voorgesteld
    return EenvoudigeTaal(
        voorgesteld=voorgesteld, beschikbaar=beschikbaar, gebruikt=beschikbaar and gekozen
    )


@lru_cache(maxsize=256)
def _sjabloon(bron: str) -> Template:
    """A compiled template per source text (an edited template is a new text)."""
    return Template(bron)


def _opgeschoond(tekst: str) -> str:
    """At most one empty line in a row (template tags leave blank lines behind)."""
    regels, leeg = [], 0
    for regel in tekst.strip().splitlines():
        leeg = leeg + 1 if not regel.strip() else 0
        if leeg < 2:
            regels.append(regel.rstrip())
    return "\n".join(regels) + "\n"


def bericht_versturen(
    *,
    klacht: Klacht | None,
    soort: BerichtSoort | str,
    onderwerp: str,
    tekst: str,
    door: Medewerker | None,
    aan: str | None = None,
    label=None,
    bijlage: tuple[str, str] | None = None,
    termijnsignaal=None,
) -> Bericht:
    """Write the message to the outbox (and, about a complaint, to its timeline); deliver it once
    the transaction commits. A message about no complaint (a survey invitation, a report) names
    its label; `bijlage` is an optional attachment stored with bijlage_bewaren: (name, path); a
    notice of the deadline watch names its `termijnsignaal`."""
    bericht = Bericht(
        termijnsignaal=termijnsignaal,
        klacht=klacht,
        label=label or klacht.label,
        soort=soort,
        aan=aan or klacht.klant_email,
        # One line (no header injection), and within the column: a notice's subject repeats it.
        # (A plain cut: Truncator would normalise the text, and what was typed is kept exactly.)
        onderwerp=" ".join(onderwerp.split())[:255],
        tekst=tekst,
        verstuurd_door=door,
    )
    if bijlage is not None:
        bericht.bijlage_naam, bericht.bijlage.name = bijlage
    bericht.save()
    if klacht is not None and soort not in INTERNE_BERICHTEN:
        Gebeurtenis.objects.create(
            klacht=klacht, soort=GebeurtenisSoort.BERICHT, bericht=bericht, door=door
        )
    transaction.on_commit(lambda: bericht_in_wachtrij(bericht_id=bericht.pk))
    return bericht


def behandelaar_melden(*, klacht: Klacht, melding: str) -> Bericht | None:
    """Tell the behandelaar (or, without one, nobody yet: the queue shows it) about an event."""
    ontvanger = klacht.heroverweging_behandelaar or klacht.behandelaar
    return medewerker_melden(klacht=klacht, ontvanger=ontvanger, melding=melding)


def medewerker_melden(
    *, klacht: Klacht, ontvanger: Medewerker | None, melding: str
) -> Bericht | None:
    """A notice about the complaint to one member of staff (none without an e-mail address),
    through the outbox like every message; never on the customer's status page."""
    if ontvanger is None or not ontvanger.email:
        return None
    onderwerp, tekst = bericht_opstellen(
        klacht=klacht,
        soort=BerichtSoort.MELDING_BEHANDELAAR,
        melding=melding,
        dossier_url=dossier_url(klacht),
    )
    return bericht_versturen(
        klacht=klacht,
        soort=BerichtSoort.MELDING_BEHANDELAAR,
        onderwerp=onderwerp,
        tekst=tekst,
        door=None,
        aan=ontvanger.email,
    )


def bijlage_bewaren(naam: str, inhoud: bytes) -> tuple[str, str]:
    """Store an attachment once (outside the web root) for any number of messages; returns the
    (file name the recipient sees, storage path) that bericht_versturen takes."""
    pad = default_storage.save(
        f"berichten/{timezone.localdate():%Y/%m}/{Path(naam).name}", ContentFile(inhoud)
    )
    return Path(naam).name, pad


def bericht_in_wachtrij(*, bericht_id: int) -> None:
    """Queue delivery; when the broker is down or does not answer the message stays pending for
    the sweep, and the request goes on at once (klachten.broker)."""
    from klachten import broker
    from klachten.tasks import bericht_afleveren

    if not broker.aanbieden(bericht_afleveren, bericht_id):
        logger.info("Bericht %s wacht op de sweep (broker onbereikbaar).", bericht_id)


VERGRENDELING_MAXIMAAL = dt.timedelta(minutes=5)
"""How long a worker may hold a claimed message without a word to PostgreSQL (during its SMTP
conversation). A worker whose machine vanished without closing its connections (power cut, network
gone, a frozen VM) would otherwise keep the row locked until TCP keepalive notices, after more than
two hours by default, and the sweep would skip the message all that time. After this PostgreSQL
ends that session (idle_in_transaction_session_timeout), the lock goes and the sweep sends the
message. Far longer than a send takes (EMAIL_TIMEOUT is 20 s per SMTP step)."""


def message_id(bericht: Bericht) -> str:
    """The Message-ID of `bericht`: the same on every attempt (row id and creation moment, which
    never change, at the sender's domain), and not the same as a message of another installation
    whose ids continue from a restored copy of this database. A copy that went out twice (see
    bericht_afleveren) carries the same Message-ID, so mail clients and mailbox providers can
    recognise it as one message (many show it once)."""
    domein = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    aangemaakt = bericht.created_at.astimezone(dt.UTC)
    return f"<bericht-{bericht.pk}.{aangemaakt:%Y%m%d%H%M%S%f}@{domein}>"


@dataclass(frozen=True)
class Afleverfout:
    """What a failed delivery means (afleverfout_indelen)."""

    blijvend: bool  # permanent: the message is onbestelbaar, a person must act
    server_onbereikbaar: bool  # the server as a whole failed: the sweep ends its run
    antwoord: str  # what the server said (or what went wrong), for the dossier


def _smtp_antwoord(code: int, tekst: bytes | str) -> str:
    if isinstance(tekst, bytes):
        tekst = tekst.decode("utf-8", "replace")
    return f"{code} {tekst}".strip()


def afleverfout_indelen(exc: BaseException) -> Afleverfout:
    """The one place that decides whether a failed delivery is temporary or permanent.

    Temporary (the message keeps waiting, with back-off): no connection, a timeout, a dropped
    connection, and every 4xx answer at any stage (greylisting answers 451 at RCPT). A refusal
    at connect, HELO, STARTTLS or login is about our server, never about one message: temporary
    whatever its code, and the server counts as unreachable. Permanent (onbestelbaar after this
    one try): a 5xx answer to MAIL FROM, to RCPT TO or at DATA (RFC 5321 section 4.2.1: a
    5yz reply is a permanent negative completion). Anything else (a bug, a missing attachment)
    keeps the message waiting, so it is never lost; the error stands on the dossier.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        antwoorden = list(exc.recipients.values()) or [(450, b"")]
        blijvend = all(code >= 500 for code, _tekst in antwoorden)
        antwoord = "; ".join(_smtp_antwoord(code, tekst) for code, tekst in antwoorden)
        return Afleverfout(blijvend=blijvend, server_onbereikbaar=False, antwoord=antwoord)
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return Afleverfout(
            blijvend=exc.smtp_code >= 500,
            server_onbereikbaar=False,
            antwoord=_smtp_antwoord(exc.smtp_code, exc.smtp_error),
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        # SMTPConnectError, SMTPHeloError, SMTPAuthenticationError, a refused STARTTLS.
        return Afleverfout(
            blijvend=False,
            server_onbereikbaar=True,
            antwoord=f"{type(exc).__name__}: {_smtp_antwoord(exc.smtp_code, exc.smtp_error)}",
        )
    if isinstance(exc, OSError):  # refused, timed out, disconnected (SMTP errors are OSErrors)
        return Afleverfout(
            blijvend=False, server_onbereikbaar=True, antwoord=f"{type(exc).__name__}: {exc}"
        )
    return Afleverfout(
        blijvend=False, server_onbereikbaar=False, antwoord=f"{type(exc).__name__}: {exc}"
    )


TERUGVAL_EERSTE = dt.timedelta(minutes=1)
TERUGVAL_MAXIMAAL = dt.timedelta(hours=1)


def terugval(pogingen: int) -> dt.timedelta:
    """How long a message waits after its `pogingen`-th failed attempt: 1 minute, doubling per
    attempt, at most an hour (a greylisting server takes a retry after a few minutes; a server
    that is down is not hammered). The Celery task retries after exactly this wait, and the sweep
    skips the message until then (Bericht.volgende_poging_op), so they agree."""
    if pogingen < 1:
        return dt.timedelta(0)
    return min(TERUGVAL_MAXIMAAL, TERUGVAL_EERSTE * 2 ** min(pogingen - 1, 16))


def bericht_afleveren(*, bericht_id: int) -> bool:
    """Send one pending message now. Returns False when there was nothing (left) to send, or
    when the mail server refused it for good (it is onbestelbaar then).

    Idempotent, so a task delivered twice (acks_late redelivery, a retry next to the sweep) sends
    nothing twice. The row is claimed with SKIP LOCKED and the status is checked under that lock:
    a second worker skips a message being sent, and one sent already is not pending any more. The
    lock is held, in one transaction, through the SMTP conversation until the status is written.
    A worker killed before the mail server accepted the message therefore leaves it pending (its
    transaction dies with its connection), to be sent by the redelivered task or the sweep.

    The window that cannot be closed: the mail server has accepted the message (its "250" reply
    to DATA) but the worker dies, or loses its database connection, before the COMMIT that marks
    it sent. The message then goes out a second time: SMTP cannot ask a server whether it already
    has a message, and marking it sent before sending would lose it instead. Both copies carry
    the same Message-ID (message_id). The window is the time between that reply and the COMMIT,
    normally milliseconds; longer only for a worker that froze mid-send for more than
    VERGRENDELING_MAXIMAAL and then got its reply after all.

    A failure is sorted by afleverfout_indelen. Temporary: the message stays pending with the
    attempt counted, the server's answer kept and its next attempt set (terugval), and the error
    is raised again for the task's retry. Permanent: the message is onbestelbaar, in the same
    transaction as its consequences (services.bericht_onbestelbaar_verwerken: the deadline it
    met runs again, the behandelaar is told).
    """
    fout = None
    with transaction.atomic():
        bericht = (
            # of=("self",): lock only the message. Without it the joined klacht and label rows
            # are locked too, and as every message of a label shares that row, a worker would
            # skip a message whenever another message of the same label is being delivered.
            Bericht.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("label")
            .filter(pk=bericht_id, status=BerichtStatus.WACHTEND)
            .first()
        )
        if bericht is None:
            return False
        if connection.vendor == "postgresql":
            # For this transaction only (set_config's true: SET LOCAL): see VERGRENDELING_MAXIMAAL.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('idle_in_transaction_session_timeout', %s, true)",
                    [str(int(VERGRENDELING_MAXIMAAL.total_seconds() * 1000))],
                )
        label = bericht.label
        mail = EmailMessage(
            subject=bericht.onderwerp,
            body=bericht.tekst,
            to=[bericht.aan],
            reply_to=[label.email] if label.email else None,
            headers={"Message-ID": message_id(bericht)},
        )
        if bericht.bijlage:
            with bericht.bijlage.open("rb") as bestand:
                mail.attach(bericht.bijlage_naam or Path(bericht.bijlage.name).name, bestand.read())
        # Counted in the same transaction: an attempt cut off by a killed worker is not counted.
        bericht.pogingen += 1
        try:
            mail.send()
        except Exception as exc:
            indeling = afleverfout_indelen(exc)
            bericht.laatste_fout = indeling.antwoord[:2000]
            if indeling.blijvend:
                bericht.status = BerichtStatus.ONBESTELBAAR
                bericht.volgende_poging_op = None
            else:
                bericht.volgende_poging_op = timezone.now() + terugval(bericht.pogingen)
                fout = exc
        else:
            bericht.status = BerichtStatus.VERZONDEN
            bericht.verzonden_op = timezone.now()
            bericht.laatste_fout = ""
            bericht.volgende_poging_op = None
        bericht.save(
            update_fields=[
                "status",
                "verzonden_op",
                "pogingen",
                "laatste_fout",
                "volgende_poging_op",
            ]
        )
        if bericht.status == BerichtStatus.ONBESTELBAAR:
            from klachten import services

            services.bericht_onbestelbaar_verwerken(bericht=bericht)
    if fout is not None:
        raise fout
    return bericht.status == BerichtStatus.VERZONDEN


def wachttijd_tot_volgende_poging(*, bericht_id: int) -> float:
    """Seconds until the message's next attempt is due (at least 1): the task's retry countdown,
    so that the task and the sweep keep to the same back-off."""
    volgende = (
        Bericht.objects.filter(pk=bericht_id).values_list("volgende_poging_op", flat=True).first()
    )
    if volgende is None:
        return TERUGVAL_EERSTE.total_seconds()
    return max(1.0, (volgende - timezone.now()).total_seconds())


def wachttijd_sweep() -> dt.timedelta:
    """How old a pending message must be before the sweep takes it (BERICHTEN_SWEEP_WACHTTIJD_S,
    30 s): the sweep leaves younger messages to their own task, which normally sends them within
    seconds."""
    return dt.timedelta(seconds=settings.BERICHTEN_SWEEP_WACHTTIJD_S)


@dataclass(frozen=True)
class SweepResult:
    verzonden: int
    niet_gelukt: int  # tried in this run and still pending, or refused for good (onbestelbaar)
    wachtend: int  # all messages still pending after the run, younger ones included
    onbestelbaar: int = 0  # of niet_gelukt: refused for good in this run


def openstaande_berichten_verzenden(*, op: dt.datetime | None = None) -> SweepResult:
    """The outbox sweep: try once more every message that was pending at `op` (default now) for
    longer than wachttijd_sweep() and whose next attempt is due (its back-off is over), oldest
    first, in batches, until nothing new is left.

    Each message is claimed like the task claims it (SKIP LOCKED, status check), so a sweep that
    runs next to the workers or next to another sweep sends nothing twice. A message that fails
    never holds back the others: the sweep moves on to the next one. Only when the mail server
    itself cannot be reached (afleverfout_indelen: server_onbereikbaar) does the run stop at
    once: the rest would only wait for the same timeout, and the next sweep (a minute later)
    tries again.
    """
    op = op or timezone.now()
    geprobeerd: set[int] = set()
    verzonden = niet_gelukt = onbestelbaar = 0
    mailserver_weg = False
    while not mailserver_weg:
        nieuw = [
            pk
            for pk in selectors.openstaande_bericht_ids(
                geschreven_voor=op - wachttijd_sweep(), aan_de_beurt_op=op
            )
            if pk not in geprobeerd
        ]
        if not nieuw:
            break
        for bericht_id in nieuw:
            geprobeerd.add(bericht_id)
            try:
                gelukt = bericht_afleveren(bericht_id=bericht_id)
            except Exception as exc:
                niet_gelukt += 1
                if afleverfout_indelen(exc).server_onbereikbaar:
                    logger.warning("Sweep gestopt: mailserver onbereikbaar (%s).", exc)
                    mailserver_weg = True
                    break
                logger.warning("Sweep: bericht %s wacht nog: %s", bericht_id, exc)
                continue
            if gelukt:
                verzonden += 1
            elif Bericht.objects.filter(pk=bericht_id, status=BerichtStatus.ONBESTELBAAR).exists():
                niet_gelukt += 1  # the mail server refused it for good
                onbestelbaar += 1
    wachtend = Bericht.objects.filter(status=BerichtStatus.WACHTEND).count()
    return SweepResult(
        verzonden=verzonden, niet_gelukt=niet_gelukt, wachtend=wachtend, onbestelbaar=onbestelbaar
    )


def berichtsjablonen_inrichten(*, using: str = "default") -> int:
    """Create the standard templates that are missing (idempotent; never overwrites edits).

    The defaults live in klachten/berichtsjablonen/<taal>/<soort>.txt, their plain-language (B1)
    versions in <taal>/eenvoudig/<soort>.txt: the first line is the subject, the rest (after one
    empty line) the text.
    """
    aangemaakt = 0
    bestanden = [(b, False) for b in STANDAARDJABLONEN.glob("*/*.txt")]
    bestanden += [(b, True) for b in STANDAARDJABLONEN.glob(f"*/{EENVOUDIG}/*.txt")]
    for bestand, eenvoudig in sorted(bestanden):
        taal = (bestand.parent.parent if eenvoudig else bestand.parent).name
        soort = bestand.stem
        onderwerp, _, tekst = bestand.read_text(encoding="utf-8").partition("\n")
        _jabloon_obj, nieuw = Berichtsjabloon.objects.using(using).get_or_create(
            soort=soort,
            taal=taal,
            eenvoudige_taal=eenvoudig,
            defaults={"onderwerp": onderwerp.strip(), "tekst": tekst.strip() + "\n"},
        )
        aangemaakt += nieuw
    return aangemaakt
