"""Storing and processing one inbound e-mail: store the raw message first (idempotent by its
hash), then, in one transaction under a row lock, classify it, thread it and land it (DESIGN.md
section 12; issue 17, "nothing lost, nothing twice")."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from klachten import selectors, services
from klachten.berichten.inkomend import lezen as lezer
from klachten.berichten.inkomend.lezen import Gelezen
from klachten.berichten.soorten import is_intern
from klachten.models import (
    OMSCHRIJVING_MAX,
    Bericht,
    BerichtStatus,
    InkomendBericht,
    InkomendSoort,
    InkomendStatus,
    Kanaal,
    Klacht,
    Label,
    Mailbox,
)
from klachten.storingen import OpslagOnbereikbaar
from klachten.uploads import bijlage_type_bepalen
from klachten.workflow import KLANT, WorkflowFout

logger = logging.getLogger("klachten.berichten")

# Our own Message-IDs (berichten.message_id): <bericht-<pk>.<created_at, UTC, to the µs>@domain>.
ONZE_MESSAGE_ID = re.compile(r"^<bericht-(\d+)\.(\d{20})@[^<>\s]+>$")
DOSSIERNUMMER = re.compile(r"\bKL-\d{4}-\d{6}\b")
_AFZENDER_SLOT = 0x494E4B  # advisory lock namespace of the count per sender ("INK")

# RFC 3834 and the headers mail systems put on automatic mail instead. Not
# X-Auto-Response-Suppress: Outlook sets it on ordinary mail too.
AUTOMATISCH_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
# Outlook's rule-based replies carry no header at all: their subject is the only sign.
AUTOMATISCH_ONDERWERP = re.compile(
    r"^\s*(automatisch antwoord|afwezig|out of office|automatic reply|autoreply|"
    r"r[ée]ponse automatique|absence)\s*:",
    re.IGNORECASE,
)
ROBOTS = frozenset({"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply"})


def inhoud_sleutel(ruw: bytes) -> str:
    """SHA-256 of the raw message with its line endings normalised: a `.eml` file (LF) and the
    same message over IMAP (CRLF) are one message."""
    return hashlib.sha256(ruw.replace(b"\r\n", b"\n")).hexdigest()


def opslaan(ruw: bytes, *, mailbox: Mailbox, uid: int | None = None) -> InkomendBericht:
    """Store the raw message before anything else (nothing lost): in the attachment storage,
    with a row keyed by its hash, status nieuw. The same message stored twice (read twice, a
    crash before it was marked read, appended twice) is the row already there. The storage
    failing raises OpslagOnbereikbaar: nothing is stored, the source leaves the message unread."""
    return _opslaan(ruw, mailbox=mailbox, uid=uid)[0]


def _opslaan(ruw: bytes, *, mailbox: Mailbox, uid: int | None) -> tuple[InkomendBericht, bool]:
    """opslaan, and whether this call stored the row (False: it was there already)."""
    sleutel = inhoud_sleutel(ruw)
    bestaand = InkomendBericht.objects.filter(sha256=sleutel).first()
    if bestaand is not None:
        return bestaand, False
    kop = _koppen(ruw)
    inkomend = InkomendBericht(
        mailbox=mailbox,
        sha256=sleutel,
        grootte=len(ruw),
        imap_uid=uid,
        message_id=kop.get("message_id", ""),
        afzender=kop.get("afzender", ""),
        afzender_adres=kop.get("afzender_adres", ""),
        aan=kop.get("aan", ""),
        onderwerp=kop.get("onderwerp", ""),
        verzonden_op=kop.get("verzonden_op"),
    )
    try:
        inkomend.bestand.save(f"{sleutel}.eml", ContentFile(ruw), save=False)
    except Exception as exc:
        logger.warning("Inkomend bericht niet opgeslagen: %s: %s", type(exc).__name__, exc)
        raise OpslagOnbereikbaar(str(exc)) from exc
    try:
        with transaction.atomic():
            inkomend.save()
    except IntegrityError:
        # Stored at the same moment by another run: theirs is the one.
        try:
            inkomend.bestand.delete(save=False)
        except Exception as exc:  # an orphan file harms nobody
            logger.warning("Dubbel opgeslagen bericht niet verwijderd: %s", exc)
        return InkomendBericht.objects.get(sha256=sleutel), False
    return inkomend, True


def _koppen(ruw: bytes) -> dict:
    """The headers the row shows (quarantine, admin), as far as they can be read."""
    if len(ruw) > settings.INKOMEND_MAX_BYTES:
        ruw = ruw[: 256 * 1024]  # the headers are at the start; the body is never read
    try:
        gelezen = lezer.lezen(ruw)
    except Exception:  # an unreadable message is stored all the same, and processed as such
        return {}
    return {
        "message_id": gelezen.message_id,
        "afzender": gelezen.afzender,
        "afzender_adres": gelezen.afzender_adres,
        "aan": ", ".join(gelezen.ontvangers),
        "onderwerp": gelezen.onderwerp,
        "verzonden_op": gelezen.verzonden_op,
    }


@dataclass(frozen=True)
class Uitkomst:
    status: str
    soort: str = ""
    reden: str = ""


def verwerken(
    inkomend: InkomendBericht,
    *,
    vrijgegeven: bool = False,
    eigen: frozenset[str] | None = None,
) -> InkomendBericht | None:
    """Process a stored message once: classify, thread and land it in ONE transaction with its
    row locked (SKIP LOCKED: a second run at the same moment skips it) and its status checked
    under the lock (a run after it sees it processed). A process killed midway rolls it all
    back, the row stays nieuw, and the next run (openstaande_verwerken) processes it. Returns
    the row as processed, or None when another run has it or had it.

    A message that cannot be processed (unreadable, refused by the rules of a complaint) goes to
    quarantine with the reason; only the attachment storage being down leaves it nieuw (it
    raises OpslagOnbereikbaar) to be tried again.

    `vrijgegeven`: released from quarantine by the beheerder (klachten.berichten.inkomend.beheer):
    threaded and landed past the noise filters (size, mail systems, loops, spam, automatic
    replies, the limit per sender).

    `eigen`: our own addresses (eigen_adressen) when the caller read them once for a run of
    messages; None: read here."""
    with transaction.atomic():
        rij = (
            InkomendBericht.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("mailbox__label")
            .filter(pk=inkomend.pk, status=InkomendStatus.NIEUW)
            .first()
        )
        if rij is None:
            return None
        rij.klacht = rij.gebeurtenis = rij.bericht = None
        try:
            with transaction.atomic():
                uitkomst = _verwerken(rij, vrijgegeven=vrijgegeven, eigen=eigen)
        except OpslagOnbereikbaar:
            raise
        except Exception as exc:
            logger.exception("Inkomend bericht %s niet te verwerken", rij.pk)
            rij.klacht = rij.gebeurtenis = rij.bericht = None
            uitkomst = Uitkomst(
                InkomendStatus.QUARANTAINE,
                InkomendSoort.OVERIG,
                _("Niet te verwerken: %(fout)s") % {"fout": f"{type(exc).__name__}: {exc}"},
            )
        rij.status = uitkomst.status
        rij.soort = uitkomst.soort
        rij.reden = uitkomst.reden
        rij.verwerkt_op = timezone.now()
        rij.save()
    return rij


def openstaande_verwerken(*, mailbox: Mailbox | None = None) -> int:
    """Process every stored message still nieuw (oldest first): after a crash between storing
    and processing, the next run catches up. Returns how many this run processed."""
    rijen = InkomendBericht.objects.filter(status=InkomendStatus.NIEUW)
    if mailbox is not None:
        rijen = rijen.filter(mailbox=mailbox)
    verwerkt = 0
    eigen = None
    for pk in rijen.order_by("created_at", "id").values_list("pk", flat=True):
        eigen = eigen if eigen is not None else eigen_adressen()
        if verwerken(InkomendBericht(pk=pk), eigen=eigen) is not None:
            verwerkt += 1
    return verwerkt


def ontvangen(
    ruw: bytes, *, mailbox: Mailbox, uid: int | None = None, eigen: frozenset[str] | None = None
) -> InkomendBericht:
    """Store and process one message (every source calls this, through
    opslaan_en_verwerken)."""
    return opslaan_en_verwerken(ruw, mailbox=mailbox, uid=uid, eigen=eigen)[0]


def opslaan_en_verwerken(
    ruw: bytes, *, mailbox: Mailbox, uid: int | None = None, eigen: frozenset[str] | None = None
) -> tuple[InkomendBericht, bool]:
    """Store and process one message: the row as it stands after processing, and whether this
    call stored it (False: read before). `eigen`: see verwerken."""
    inkomend, nieuw = _opslaan(ruw, mailbox=mailbox, uid=uid)
    if inkomend.status == InkomendStatus.NIEUW:
        verwerkt = verwerken(inkomend, eigen=eigen)
        if verwerkt is None:  # another run has it or had it: as it stands now
            inkomend.refresh_from_db()
        else:
            inkomend = verwerkt
    return inkomend, nieuw


# Classify, thread, land -------------------------------------------------------------------------


def _verwerken(
    rij: InkomendBericht, *, vrijgegeven: bool = False, eigen: frozenset[str] | None = None
) -> Uitkomst:
    with translation.override(settings.LANGUAGE_CODE):  # reasons and notes are for staff
        if rij.grootte > settings.INKOMEND_MAX_BYTES and not vrijgegeven:
            return Uitkomst(
                InkomendStatus.QUARANTAINE,
                InkomendSoort.OVERIG,
                _("Te groot: %(grootte)s bytes (ten hoogste %(max)s).")
                % {"grootte": rij.grootte, "max": settings.INKOMEND_MAX_BYTES},
            )
        try:
            with rij.bestand.open("rb") as bestand:
                ruw = bestand.read()
        except Exception as exc:  # the storage is down: try again next run
            raise OpslagOnbereikbaar(str(exc)) from exc
        gelezen = lezer.lezen(ruw)
        if vrijgegeven:
            return _landen(rij, gelezen, vrijgegeven=True)
        return _indelen_en_landen(rij, gelezen, eigen=eigen)


def _indelen_en_landen(
    rij: InkomendBericht, gelezen: Gelezen, *, eigen: frozenset[str] | None
) -> Uitkomst:
    # Bounces first: they carry Auto-Submitted and come from a mailer-daemon too.
    rapport = lezer.onbestelbaar(gelezen.bericht)
    if rapport is not None:
        return _onbestelbaar(rij, rapport)
    lokaal = gelezen.afzender_adres.partition("@")[0]
    if not gelezen.afzender_adres or lokaal in ROBOTS or gelezen.kop("Return-Path") == "<>":
        return Uitkomst(
            InkomendStatus.GENEGEERD,
            InkomendSoort.AUTOMATISCH,
            _("Afzender is een mailsysteem (%(adres)s): geen reactie.")
            % {"adres": gelezen.afzender_adres or "-"},
        )
    eigen = eigen_adressen() if eigen is None else eigen  # read only when it gets this far
    if selectors.adres_sleutel(gelezen.afzender_adres) in eigen:
        return Uitkomst(
            InkomendStatus.GENEGEERD,
            InkomendSoort.AUTOMATISCH,
            _("Afzender is een eigen adres (%(adres)s): genegeerd tegen een lus.")
            % {"adres": gelezen.afzender_adres},
        )
    if _spam(gelezen):
        return Uitkomst(
            InkomendStatus.QUARANTAINE,
            InkomendSoort.OVERIG,
            _("Door de mailserver als spam gemarkeerd."),
        )
    automatisch = _automatisch(gelezen)
    if automatisch:
        klacht, _hoe = _koppelen(rij, gelezen)
        # An out-of-office is never the customer's reaction and gets no acknowledgement; the
        # dossier it belongs to is kept on the row for the handler's screens.
        rij.klacht = klacht
        return Uitkomst(
            InkomendStatus.GENEGEERD,
            InkomendSoort.AUTOMATISCH,
            _("Automatisch antwoord (%(teken)s): geen reactie van de klant.")
            % {"teken": automatisch},
        )
    return _landen(rij, gelezen)


def _landen(rij: InkomendBericht, gelezen: Gelezen, *, vrijgegeven: bool = False) -> Uitkomst:
    """Thread the message and land it: on the dossier it answers, or as a new complaint."""
    klacht, hoe = _koppelen(rij, gelezen)
    if klacht is not None:
        return _antwoord_landen(rij, gelezen, klacht, hoe)
    return _nieuwe_klacht(rij, gelezen, vrijgegeven=vrijgegeven)


def eigen_adressen() -> frozenset[str]:
    """Our own addresses (the labels', the mailboxes', the sender's), as adres_sleutel: mail from
    them is a loop. Read once per run of a source (two queries), not per message."""
    adressen = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], parseaddr(settings.SERVER_EMAIL)[1]}
    adressen |= set(Label.objects.exclude(email="").values_list("email", flat=True))
    adressen |= set(Mailbox.objects.values_list("adres", flat=True))
    return frozenset(selectors.adres_sleutel(a) for a in adressen if a)


def _spam(gelezen: Gelezen) -> bool:
    return gelezen.kop("X-Spam-Flag").upper() == "YES" or gelezen.kop(
        "X-Spam-Status"
    ).lower().startswith("yes")


def _automatisch(gelezen: Gelezen) -> str:
    """Why the message is an automatic one (the header that says so), or "" when it is not."""
    auto_submitted = gelezen.kop("Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for kop in ("X-Autoreply", "X-Autorespond"):
        if gelezen.kop(kop):
            return kop
    precedence = gelezen.kop("Precedence").lower()
    if precedence in AUTOMATISCH_PRECEDENCE:
        return f"Precedence: {precedence}"
    for kop in ("List-Id", "List-Unsubscribe"):
        if gelezen.kop(kop):
            return kop
    if AUTOMATISCH_ONDERWERP.match(gelezen.onderwerp):
        return _("onderwerp '%(onderwerp)s'") % {"onderwerp": gelezen.onderwerp[:80]}
    return ""


def onze_berichten(message_ids: list[str], *, voor_update: bool = False) -> list[Bericht]:
    """Our outgoing messages among `message_ids`, in their order (nearest first), with their
    complaint, in one query: the id names the row and its creation moment, which must both
    match (an id of another installation does not). `voor_update`: the rows locked (inside the
    caller's transaction)."""
    treffers = []
    for message_id in message_ids:
        treffer = ONZE_MESSAGE_ID.match(message_id.strip())
        if treffer:
            treffers.append((int(treffer.group(1)), treffer.group(2)))
    if not treffers:
        return []
    rijen = Bericht.objects.select_related("klacht").filter(pk__in={pk for pk, _m in treffers})
    if voor_update:
        rijen = rijen.select_for_update(of=("self",))
    per_pk = {bericht.pk: bericht for bericht in rijen}
    gevonden = []
    for pk, moment in treffers:
        bericht = per_pk.get(pk)
        if bericht is None or bericht in gevonden:
            continue
        if f"{bericht.created_at.astimezone(dt.UTC):%Y%m%d%H%M%S%f}" == moment:
            gevonden.append(bericht)
    return gevonden


def _koppelen(rij: InkomendBericht, gelezen: Gelezen) -> tuple[Klacht | None, str]:
    """The dossier the message answers, and how it was found, in this order: our Message-ID in
    In-Reply-To/References; the secret in the address it was sent to (klachten+<secret>@);
    the dossiernummer in the subject, only when the sender is that dossier's customer."""
    for bericht in onze_berichten(gelezen.verwijzingen):
        # A reply to a notice to staff (is_intern) is no message from the customer.
        if bericht.klacht_id is not None and not is_intern(bericht.soort):
            return bericht.klacht, "message-id"
    for adres in gelezen.ontvangers:
        lokaal = adres.partition("@")[0]
        if "+" in lokaal:
            sleutel = lokaal.split("+", 1)[1]
            klacht = Klacht.objects.filter(antwoord_sleutel=sleutel).first() if sleutel else None
            if klacht is not None:
                return klacht, "antwoordadres"
    afzender = selectors.adres_sleutel(gelezen.afzender_adres)
    for nummer in DOSSIERNUMMER.findall(gelezen.onderwerp):
        klacht = Klacht.objects.filter(dossiernummer=nummer).first()
        # Only from the dossier's own customer (one who gets post has no address to match).
        if (
            klacht is not None
            and klacht.klant_email
            and selectors.adres_sleutel(klacht.klant_email) == afzender
        ):
            return klacht, "dossiernummer"
    return None, ""


def _bijlagen(gelezen: Gelezen) -> tuple[list[SimpleUploadedFile], list[tuple[str, str]]]:
    """The attachments checked like uploads (type from the content, size): accepted and
    refused (name, reason)."""
    goed, geweigerd = [], []
    for bijlage in gelezen.bijlagen:
        upload = SimpleUploadedFile(bijlage.naam, bijlage.inhoud, bijlage.content_type)
        try:
            bijlage_type_bepalen(upload)
        except ValidationError as exc:
            geweigerd.append((bijlage.naam, " ".join(exc.messages)))
        else:
            goed.append(upload)
    return goed, geweigerd


def _antwoord_landen(rij: InkomendBericht, gelezen: Gelezen, klacht: Klacht, hoe: str) -> Uitkomst:
    """A reply becomes a message from the customer on its dossier, with its attachments, also
    on a closed complaint (never lost: the handler decides)."""
    goed, geweigerd = _bijlagen(gelezen)
    tekst = _tekst(gelezen)
    try:
        gebeurtenis = services.klantbericht_toevoegen(
            klacht=klacht, door=KLANT, tekst=tekst, bijlagen=goed, per_email=True
        )
    except WorkflowFout as exc:  # e.g. the complaint's personal data was erased
        rij.klacht = None
        return Uitkomst(
            InkomendStatus.QUARANTAINE,
            InkomendSoort.ANTWOORD,
            _("Antwoord op %(dossier)s niet toegevoegd: %(reden)s")
            % {"dossier": klacht.dossiernummer, "reden": exc},
        )
    services.geweigerde_bijlagen_vastleggen(klacht=klacht, geweigerd=geweigerd)
    rij.klacht = klacht
    rij.gebeurtenis = gebeurtenis
    return Uitkomst(
        InkomendStatus.VERWERKT,
        InkomendSoort.ANTWOORD,
        _("Toegevoegd aan %(dossier)s (gevonden via %(hoe)s).")
        % {"dossier": klacht.dossiernummer, "hoe": hoe},
    )


def _nieuwe_klacht(
    rij: InkomendBericht, gelezen: Gelezen, *, vrijgegeven: bool = False
) -> Uitkomst:
    """A message that answers nothing of ours becomes a complaint (channel e-mail, nog te
    classificeren), acknowledged once by the existing acknowledgement; at most
    INKOMEND_NIEUWE_KLACHTEN_PER_AFZENDER per sender in 24 hours, the rest to quarantine."""
    adres = selectors.adres_sleutel(gelezen.afzender_adres)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_AFZENDER_SLOT, adres]
            )
    al = InkomendBericht.objects.filter(
        afzender_adres__iexact=gelezen.afzender_adres,
        soort=InkomendSoort.NIEUWE_KLACHT,
        status=InkomendStatus.VERWERKT,
        verwerkt_op__gte=timezone.now() - dt.timedelta(hours=24),
    ).count()
    if al >= settings.INKOMEND_NIEUWE_KLACHTEN_PER_AFZENDER and not vrijgegeven:
        return Uitkomst(
            InkomendStatus.QUARANTAINE,
            InkomendSoort.NIEUWE_KLACHT,
            _(
                "Al %(aantal)s nieuwe klachten van %(adres)s in 24 uur (grens %(max)s): niet "
                "als klacht geregistreerd."
            )
            % {
                "aantal": al,
                "adres": gelezen.afzender_adres,
                "max": settings.INKOMEND_NIEUWE_KLACHTEN_PER_AFZENDER,
            },
        )
    goed, geweigerd = _bijlagen(gelezen)
    naam = gelezen.afzender_naam or gelezen.afzender_adres.partition("@")[0]
    talen = {code for code, _naam in settings.LANGUAGES}
    try:
        klacht = services.klacht_registreren(
            label=rij.mailbox.label,
            kanaal=Kanaal.EMAIL,
            klant_naam=naam[:200],
            klant_email=gelezen.afzender_adres,
            categorie=None,
            omschrijving=_omschrijving(gelezen),
            ontvangen_op=rij.created_at,
            bijlagen=goed,
            taal=gelezen.taal if gelezen.taal in talen else settings.LANGUAGE_CODE,
        )
    except ValidationError as exc:
        return Uitkomst(
            InkomendStatus.QUARANTAINE,
            InkomendSoort.NIEUWE_KLACHT,
            _("Niet als klacht te registreren: %(reden)s") % {"reden": " ".join(exc.messages)},
        )
    services.geweigerde_bijlagen_vastleggen(klacht=klacht, geweigerd=geweigerd)
    rij.klacht = klacht
    rij.gebeurtenis = klacht.gebeurtenissen.order_by("op", "id").first()
    return Uitkomst(
        InkomendStatus.VERWERKT,
        InkomendSoort.NIEUWE_KLACHT,
        _("Geregistreerd als %(dossier)s.") % {"dossier": klacht.dossiernummer},
    )


def _tekst(gelezen: Gelezen) -> str:
    return gelezen.tekst or gelezen.onderwerp or _("(geen tekst)")


def _omschrijving(gelezen: Gelezen) -> str:
    """The complaint's description: the subject, then the body; cut at the field's limit (the
    whole message stays stored as it came)."""
    delen = [d for d in (gelezen.onderwerp, gelezen.tekst) if d]
    tekst = "\n\n".join(delen) or _("(geen tekst)")
    return tekst[:OMSCHRIJVING_MAX]


def _onbestelbaar(rij: InkomendBericht, rapport: lezer.Onbestelbaar) -> Uitkomst:
    """A delivery status notification about one of our messages: failed, the message is
    onbestelbaar with the usual consequences (services.bericht_onbestelbaar_verwerken); delayed,
    nothing yet (the mail server tries on)."""
    # Locked at once when it failed (the one fetch of the row): marked onbestelbaar below.
    berichten = onze_berichten(rapport.message_ids, voor_update=rapport.mislukt)
    if not berichten:
        return Uitkomst(
            InkomendStatus.GENEGEERD,
            InkomendSoort.ONBESTELBAAR,
            _("Onbestelbaarmelding over een bericht dat niet van ons is (of niet gevonden)."),
        )
    bericht = berichten[0]
    rij.bericht = bericht
    rij.klacht_id = bericht.klacht_id
    if not rapport.mislukt:
        return Uitkomst(
            InkomendStatus.GENEGEERD,
            InkomendSoort.ONBESTELBAAR,
            _("Vertraagd, nog niet onbestelbaar: %(antwoord)s") % {"antwoord": rapport.antwoord},
        )
    if bericht.status == BerichtStatus.ONBESTELBAAR:
        return Uitkomst(
            InkomendStatus.VERWERKT,
            InkomendSoort.ONBESTELBAAR,
            _("Bericht %(id)s was al onbestelbaar.") % {"id": bericht.pk},
        )
    bericht.status = BerichtStatus.ONBESTELBAAR
    bericht.laatste_fout = rapport.antwoord or _("Onbestelbaarmelding van de mailserver")
    bericht.volgende_poging_op = None
    bericht.save(update_fields=["status", "laatste_fout", "volgende_poging_op"])
    services.bericht_onbestelbaar_verwerken(bericht=bericht)
    return Uitkomst(
        InkomendStatus.VERWERKT,
        InkomendSoort.ONBESTELBAAR,
        _("Bericht %(id)s onbestelbaar: %(antwoord)s")
        % {"id": bericht.pk, "antwoord": rapport.antwoord},
    )
