"""Delivering one message: claimed under SKIP LOCKED, sent over SMTP, its failure sorted into
temporary (back-off) or permanent (onbestelbaar)."""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from klachten.berichten import uitgesteld
from klachten.berichten.soorten import is_intern
from klachten.models import Bericht, BerichtStatus, Klacht, nieuw_antwoord_sleutel

VERGRENDELING_MAXIMAAL = dt.timedelta(minutes=5)
"""How long a worker may hold a claimed message without a word to PostgreSQL (during its SMTP
conversation). A worker whose machine vanished without closing its connections (power cut, network
gone, a frozen VM) would otherwise keep the row locked until TCP keepalive notices, after more than
two hours by default, and the sweep would skip the message all that time. After this PostgreSQL
ends that session (idle_in_transaction_session_timeout), the lock goes and the sweep sends the
message. Far longer than a send takes (EMAIL_TIMEOUT is 20 s per SMTP step)."""


def koppen(bericht: Bericht) -> dict[str, str]:
    """The headers of the e-mail: its stable Message-ID, and in the customer's thread (issue 17)
    In-Reply-To and References of the customer's e-mail it answers (berichten.draad_van)."""
    koppen = {"Message-ID": message_id(bericht)}
    if bericht.in_reply_to:
        koppen["In-Reply-To"] = bericht.in_reply_to
        koppen["References"] = bericht.references or bericht.in_reply_to
    return koppen


def message_id(bericht: Bericht) -> str:
    """The Message-ID of `bericht`: the same on every attempt (row id and creation moment, which
    never change, at the sender's domain), and not the same as a message of another installation
    whose ids continue from a restored copy of this database. A copy that went out twice (see
    bericht_afleveren) carries the same Message-ID, so mail clients and mailbox providers can
    recognise it as one message (many show it once)."""
    domein = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    aangemaakt = bericht.created_at.astimezone(dt.UTC)
    return f"<bericht-{bericht.pk}.{aangemaakt:%Y%m%d%H%M%S%f}@{domein}>"


def antwoordadres(bericht: Bericht) -> str:
    """The Reply-To of `bericht`: the label's address, for a message to the customer about a
    complaint with the complaint's secret as a +tag (klachten+<secret>@domain), so that the
    customer's reply lands on that dossier (klachten.berichten.inkomend) however its subject and
    headers were mangled. A complaint from before the e-mail channel gets its secret now."""
    label_adres = bericht.label.email
    if bericht.klacht_id is None or is_intern(bericht.soort):
        return label_adres
    sleutel = (
        Klacht.objects.filter(pk=bericht.klacht_id)
        .values_list("antwoord_sleutel", flat=True)
        .first()
    )
    if sleutel is None:
        sleutel = nieuw_antwoord_sleutel()
        Klacht.objects.filter(pk=bericht.klacht_id, antwoord_sleutel__isnull=True).update(
            antwoord_sleutel=sleutel
        )
        sleutel = Klacht.objects.values_list("antwoord_sleutel", flat=True).get(
            pk=bericht.klacht_id
        )
    return plus_adres(label_adres, sleutel)


def plus_adres(adres: str, sleutel: str) -> str:
    """`klachten@domain` with `sleutel` as its +tag: `klachten+<sleutel>@domain`."""
    lokaal, _at, domein = adres.rpartition("@")
    return f"{lokaal.split('+', 1)[0]}+{sleutel}@{domein}"


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
            # By its key alone, the status checked here under the lock: with the status in the
            # query PostgreSQL may read the index of waiting messages instead and filter it for
            # this one, which in a storm's backlog costs every delivery the whole backlog.
            Bericht.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("label", "socialekoppeling")
            .filter(pk=bericht_id)
            .first()
        )
        if bericht is None or bericht.status != BerichtStatus.WACHTEND:
            return False
        if connection.vendor == "postgresql":
            # For this transaction only (set_config's true: SET LOCAL): see VERGRENDELING_MAXIMAAL.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('idle_in_transaction_session_timeout', %s, true)",
                    [str(int(VERGRENDELING_MAXIMAAL.total_seconds() * 1000))],
                )
        # Counted in the same transaction: an attempt cut off by a killed worker is not counted.
        bericht.pogingen += 1
        samen_te_stellen = bool(bericht.samenstellen_in)
        if bericht.socialekoppeling_id is not None:
            fout = _via_webhook(bericht)
        else:
            fout = _per_email(bericht)
        velden = ["status", "verzonden_op", "pogingen", "laatste_fout", "volgende_poging_op"]
        if samen_te_stellen and not bericht.samenstellen_in:
            # The text as it was sent (or offered to the server), kept on the dossier.
            velden += ["onderwerp", "tekst", "samenstellen_in"]
        bericht.save(update_fields=velden)
        if bericht.status == BerichtStatus.ONBESTELBAAR:
            from klachten import services

            services.bericht_onbestelbaar_verwerken(bericht=bericht)
    if fout is not None:
        raise fout
    return bericht.status == BerichtStatus.VERZONDEN


def _via_webhook(bericht: Bericht) -> Exception | None:
    """A message to a customer on social media (klachten.sociaal.uitgaand): a signed POST to the
    tool's outgoing webhook, inside the claim's transaction like an SMTP send. A failure is
    retried once after the first back-off; failing again it is onbestelbaar."""
    from klachten.sociaal import uitgaand

    fout = None
    try:
        uitgesteld.samenstellen(bericht)
        uitgaand.versturen(bericht)
    except Exception as exc:
        bericht.laatste_fout = str(exc)[:2000]
        # Failing to compose is temporary, as on the e-mail path; the webhook once more.
        if isinstance(exc, uitgaand.WebhookFout) and uitgaand.na_fout_blijvend(bericht):
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
    return fout


def _per_email(bericht: Bericht) -> Exception | None:
    """An e-mail over SMTP; a failure sorted by afleverfout_indelen."""
    fout = None
    try:
        # A message the request wrote without its text (the automatic acknowledgement) is
        # composed now; failing to compose is a temporary failure like any other: it stays
        # in the outbox, its error on the dossier, and is tried again (berichten.uitgesteld).
        uitgesteld.samenstellen(bericht)
        _mail(bericht).send()
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
    return fout


def _mail(bericht: Bericht) -> EmailMessage:
    mail = EmailMessage(
        subject=bericht.onderwerp,
        body=bericht.tekst,
        to=[bericht.aan],
        reply_to=[antwoordadres(bericht)] if bericht.label.email else None,
        headers=koppen(bericht),
    )
    if bericht.bijlage:
        with bericht.bijlage.open("rb") as bestand:
            mail.attach(bericht.bijlage_naam or Path(bericht.bijlage.name).name, bestand.read())
    return mail


def wachttijd_tot_volgende_poging(*, bericht_id: int) -> float:
    """Seconds until the message's next attempt is due (at least 1): the task's retry countdown,
    so that the task and the sweep keep to the same back-off."""
    volgende = (
        Bericht.objects.filter(pk=bericht_id).values_list("volgende_poging_op", flat=True).first()
    )
    if volgende is None:
        return TERUGVAL_EERSTE.total_seconds()
    return max(1.0, (volgende - timezone.now()).total_seconds())
