"""Writing messages to the outbox: a Bericht row in the transaction of the change that causes it,
its delivery queued once that transaction commits (DESIGN.md section 5)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from klachten import berichten, broker
from klachten.berichten import uitgesteld
from klachten.berichten.inkomend.lezen import MESSAGE_ID
from klachten.berichten.opstellen import bericht_opstellen, dossier_url
from klachten.berichten.soorten import is_intern
from klachten.berichten.tasks import bericht_afleveren
from klachten.models import (
    Bericht,
    BerichtStatus,
    Gebeurtenis,
    GebeurtenisSoort,
    InkomendBericht,
    InkomendSoort,
    InkomendStatus,
    Kanaal,
    Klacht,
    Medewerker,
)
from klachten.sociaal import uitgaand as sociaal_uitgaand
from klachten.workflow import BerichtSoort

# The outbox logs as one logger (klachten.berichten): filters and settings for it see it all.
logger = logging.getLogger("klachten.berichten")

# At most this many Message-IDs in References (the customer's thread, newest last).
REFERENTIES_MAXIMAAL = 20


def draad_van(klacht: Klacht) -> tuple[str, str]:
    """In-Reply-To and References for a message to the customer (issue 17): the customer's last
    e-mail on the dossier (the complaint itself or a reply) and the thread it belongs to, so the
    customer's mail client shows one conversation. ("", "") when the customer never e-mailed."""
    if klacht.kanaal != Kanaal.EMAIL and klacht.klantbericht_op is None:
        # No query: an e-mail of the customer's is a complaint by e-mail or a customer's message
        # on the dossier (services.klantbericht_toevoegen sets klantbericht_op).
        return "", ""
    laatste = (
        InkomendBericht.objects.filter(
            klacht=klacht,
            status=InkomendStatus.VERWERKT,
            soort__in=[InkomendSoort.NIEUWE_KLACHT, InkomendSoort.ANTWOORD],
        )
        .exclude(message_id="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if laatste is None:
        return "", ""
    eerdere: list[str] = []
    try:
        with laatste.bestand.open("rb") as bestand:
            koppen = BytesHeaderParser(policy=policy.default).parse(bestand)
        for naam in ("References", "In-Reply-To"):
            for message_id in MESSAGE_ID.findall(" ".join(str(koppen.get(naam, "")).split())):
                if message_id not in eerdere:
                    eerdere.append(message_id)
    except (OSError, ValueError, TypeError):
        # The original unreadable: the customer's own message still threads the reply.
        logger.warning("Inkomend bericht %s niet te lezen voor References.", laatste.pk)
    referenties = [m for m in eerdere if m != laatste.message_id] + [laatste.message_id]
    return laatste.message_id, " ".join(referenties[-REFERENTIES_MAXIMAAL:])


def _nieuw_bericht(
    *, klacht, soort, onderwerp, tekst, door, aan=None, label=None, termijnsignaal=None
) -> Bericht:
    """The outbox row of a message, not yet saved (bericht_versturen, medewerkers_melden)."""
    # A letter (issue 18): to a customer who gets post, unless the caller names an e-mail address.
    per_post = klacht is not None and aan is None and not is_intern(soort) and klacht.per_post
    bericht = Bericht(
        termijnsignaal=termijnsignaal,
        klacht=klacht,
        label=label or klacht.label,
        soort=soort,
        aan="" if per_post else (aan or klacht.klant_email),
        per_post=per_post,
        status=BerichtStatus.TE_PRINTEN if per_post else BerichtStatus.WACHTEND,
        # One line (no header injection), and within the column: a notice's subject repeats it.
        # (A plain cut: Truncator would normalise the text, and what was typed is kept exactly.)
        onderwerp=" ".join(onderwerp.split())[:255],
        tekst=tekst,
        verstuurd_door=door,
    )
    if klacht is not None and aan is None and not is_intern(soort) and klacht.per_sociaal:
        # To the customer on social media (issue 21): through the tool's outgoing webhook, and
        # in public only the label's invitation to continue privately.
        sociaal_uitgaand.adresseren(bericht, klacht)
    return bericht


def bericht_versturen(
    *,
    klacht: Klacht | None,
    soort: str,
    onderwerp: str,
    tekst: str,
    door: Medewerker | None,
    aan: str | None = None,
    label=None,
    bijlage: tuple[str, str] | None = None,
    termijnsignaal=None,
    tijdlijn: list[Gebeurtenis] | None = None,
    draad: bool = True,
    al_verzonden: bool = False,
    samenstellen_in: str = "",
) -> Bericht:
    """Write the message of kind `soort` (any app's registered kind) to the outbox (and, about a
    complaint, to its timeline, unless the kind is internal); deliver it once the transaction
    commits. A message about no complaint (a survey invitation, a report) names its label;
    `bijlage` is an optional attachment stored with bijlage_bewaren: (name, path); a notice of
    the deadline watch names its `termijnsignaal`. With `tijdlijn` the timeline entry is added
    to that list unsaved, for the caller to write with its own (one statement for all);
    `draad=False` when the customer cannot have e-mailed about it yet (a complaint just filed
    on the form: no In-Reply-To to look up).

    To a customer who gets post (Klacht.per_post) the message is a letter: it waits in the print
    tray (status te_printen, berichten.brieven) with the same subject and text, and is not
    queued for SMTP. An explicit `aan` is always e-mail.

    `al_verzonden`: the handler already answered outside the system (on the social media
    platform, issue 21): the message is recorded as sent now and not delivered.

    `samenstellen_in` (a language): `onderwerp` and `tekst` are empty and the worker composes
    them just before it sends the e-mail (berichten.uitgesteld; issue 20). A letter is composed
    now: the print tray prints what is stored; so is a message to a customer on social media
    (in a public conversation its text is the label's invitation instead)."""
    bericht = _nieuw_bericht(
        klacht=klacht,
        soort=soort,
        onderwerp=onderwerp,
        tekst=tekst,
        door=door,
        aan=aan,
        label=label,
        termijnsignaal=termijnsignaal,
    )
    per_post = bericht.per_post
    if samenstellen_in:
        bericht.samenstellen_in = samenstellen_in
        if bericht.socialekoppeling is not None and bericht.tekst:
            # A public post is answered with the invitation only (sociaal.uitgaand.adresseren).
            bericht.samenstellen_in = ""
        elif per_post or klacht is None or bericht.socialekoppeling is not None:
            uitgesteld.samenstellen(bericht)
    if bijlage is not None:
        bericht.bijlage_naam, bericht.bijlage.name = bijlage
    if al_verzonden:
        bericht.status = BerichtStatus.VERZONDEN
        bericht.verzonden_op = timezone.now()
    if (
        not per_post
        and bericht.socialekoppeling is None  # social media: in_reply_to is the post answered
        and klacht is not None
        and not is_intern(soort)
        and bericht.aan == klacht.klant_email
        and draad
    ):
        # In the customer's e-mail thread: the delivery sets In-Reply-To and References.
        bericht.in_reply_to, bericht.references = draad_van(klacht)
    bericht.save()
    if klacht is not None and not is_intern(soort):
        gebeurtenis = Gebeurtenis(
            klacht=klacht, soort=GebeurtenisSoort.BERICHT, bericht=bericht, door=door
        )
        if tijdlijn is not None:
            tijdlijn.append(gebeurtenis)
        else:
            gebeurtenis.save()
    if per_post or al_verzonden:
        return bericht  # in the print tray (berichten.brieven), or sent already: never for SMTP
    # Through the package: the demo replaces berichten.bericht_in_wachtrij while it writes history.
    transaction.on_commit(lambda: berichten.bericht_in_wachtrij(bericht_id=bericht.pk))
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
    gemeld = medewerkers_melden(klacht=klacht, ontvangers=[ontvanger], melding=melding)
    return gemeld[0] if gemeld else None


def medewerkers_melden(
    *, klacht: Klacht, ontvangers: Iterable[Medewerker | None], melding: str
) -> list[Bericht]:
    """The same notice to several members of staff (the teamleiders of an afdeling): composed
    once and written in one INSERT however many they are (issue 20); each is delivered on its
    own. Those without an e-mail address get none."""
    adressen = [o.email for o in ontvangers if o is not None and o.email]
    if not adressen:
        return []
    onderwerp, tekst = bericht_opstellen(
        klacht=klacht,
        soort=BerichtSoort.MELDING_BEHANDELAAR,
        melding=melding,
        dossier_url=dossier_url(klacht),
    )
    gemeld = Bericht.objects.bulk_create(
        _nieuw_bericht(
            klacht=klacht,
            soort=BerichtSoort.MELDING_BEHANDELAAR,
            onderwerp=onderwerp,
            tekst=tekst,
            door=None,
            aan=adres,
        )
        for adres in adressen
    )
    for bericht in gemeld:
        # Through the package, as bericht_versturen (the demo replaces it).
        transaction.on_commit(lambda pk=bericht.pk: berichten.bericht_in_wachtrij(bericht_id=pk))
    return gemeld


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
    if not broker.aanbieden(bericht_afleveren, bericht_id):
        logger.info("Bericht %s wacht op de sweep (broker onbereikbaar).", bericht_id)
