"""Writes to complaints. Every change goes through a function here (HackSoft style services)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from klachten import rollen, termijnen
from klachten.models import (
    Afdeling,
    Bericht,
    BerichtStatus,
    Bijlage,
    Categorie,
    Kanaal,
    Klacht,
    Label,
    Medewerker,
    Urgentie,
)
from klachten.uploads import bijlage_type_bepalen
from klachten.workflow import BerichtSoort, transitie_controleren

logger = logging.getLogger(__name__)


def dossiernummer_uitgeven(*, jaar: int) -> str:
    """The next dossiernummer of `jaar`, `KL-YYYY-NNNNNN`, consecutive within the year.

    One atomic upsert on the year's row: concurrent callers queue on its row lock, and as it runs in
    the caller's transaction a rolled-back complaint gives its number back (no gaps, no duplicates).
    """
    table = "klachten_dossiernummerreeks"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (jaar, laatste_nummer) VALUES (%s, 1) "
            f"ON CONFLICT (jaar) DO UPDATE SET laatste_nummer = {table}.laatste_nummer + 1 "
            "RETURNING laatste_nummer",
            [jaar],
        )
        (nummer,) = cursor.fetchone()
    return f"KL-{jaar:04d}-{nummer:06d}"


@transaction.atomic
def klacht_registreren(
    *,
    label: Label,
    kanaal: Kanaal | str,
    klant_naam: str,
    klant_email: str,
    categorie: Categorie,
    omschrijving: str,
    afdeling: Afdeling | None = None,
    ontvangen_op: dt.datetime | None = None,
    klant_telefoon: str = "",
    polisnummer: str = "",
    gewenste_oplossing: str = "",
    urgentie: Urgentie | str = Urgentie.NORMAAL,
    bijlagen: Iterable[UploadedFile] = (),
    ingediend_door: Medewerker | None = None,
    direct_opgelost: bool = False,
    oplossing: str = "",
    privacy_akkoord: bool = False,
) -> Klacht:
    """Register a complaint: step 1 (ontvangst) and 2 (registratie) of DESIGN.md section 4.

    The dossiernummer is issued in the same transaction. A web complaint is acknowledged at once
    (the message goes out after commit); a complaint registered by staff gets an acknowledgement
    deadline of received + 8 days. "Direct opgelost" goes from step 1 to 7 in one step.
    """
    transitie = transitie_controleren(
        "direct_oplossen" if direct_opgelost else "registreren", None, ingediend_door
    )
    nu = timezone.now()
    ontvangen_op = ontvangen_op or nu
    klacht = Klacht(
        label=label,
        kanaal=kanaal,
        ontvangen_op=ontvangen_op,
        taal=translation.get_language() or "nl",
        klant_naam=klant_naam.strip(),
        klant_email=klant_email.strip(),
        klant_telefoon=klant_telefoon.strip(),
        polisnummer=polisnummer.strip(),
        afdeling=afdeling or categorie.afdeling,
        categorie=categorie,
        urgentie=urgentie,
        omschrijving=omschrijving.strip(),
        gewenste_oplossing=gewenste_oplossing.strip(),
        ingediend_door=ingediend_door,
        direct_opgelost=direct_opgelost,
        oplossing=oplossing.strip(),
        status=transitie.naar,
        privacy_akkoord_op=nu if privacy_akkoord else None,
    )
    klacht.full_clean(exclude=["dossiernummer", "status_token"])
    if direct_opgelost:
        klacht.afgesloten_op = nu
    else:
        klacht.ontvangstbevestiging_uiterlijk_datum = termijnen.ontvangstbevestiging_uiterlijk(
            ontvangen_op
        )
    klacht.dossiernummer = dossiernummer_uitgeven(jaar=termijnen.lokale_datum(ontvangen_op).year)
    if ingediend_door is not None:
        klacht._history_user = ingediend_door
    klacht.save()

    for upload in bijlagen:
        bijlage_opslaan(klacht=klacht, upload=upload)

    if kanaal == Kanaal.WEBFORMULIER:
        ontvangst_bevestigen(klacht=klacht, door=None)
    return klacht


def bijlage_opslaan(*, klacht: Klacht, upload: UploadedFile) -> Bijlage:
    """Store an attachment whose type was checked from its content (klachten.uploads)."""
    bestandstype = bijlage_type_bepalen(upload)
    bijlage = Bijlage(
        klacht=klacht,
        oorspronkelijke_naam=upload.name[:255],
        mime_type=bestandstype.mime,
        grootte=upload.size,
    )
    bijlage.bestand.save(upload.name, upload, save=False)
    bijlage.save()
    return bijlage


@transaction.atomic
def ontvangst_bevestigen(
    *, klacht: Klacht, door: Medewerker | None, onderwerp: str = "", tekst: str = ""
) -> Bericht:
    """Send the ontvangstbevestiging (step 2): within 8 days of receipt, with the dossiernummer."""
    klacht = Klacht.objects.select_for_update().get(pk=klacht.pk)
    transitie = transitie_controleren("ontvangst_bevestigen", klacht.status, door)
    standaard_onderwerp, standaard_tekst = bericht_opstellen(klacht=klacht, soort=transitie.bericht)
    bericht = bericht_versturen(
        klacht=klacht,
        soort=transitie.bericht,
        onderwerp=onderwerp or standaard_onderwerp,
        tekst=tekst or standaard_tekst,
        door=door,
    )
    klacht.status = transitie.naar
    klacht.ontvangst_bevestigd_op = timezone.now()
    if door is not None:
        klacht._history_user = door
    klacht.save(update_fields=["status", "ontvangst_bevestigd_op", "updated_at"])
    return bericht


def bericht_opstellen(*, klacht: Klacht, soort: BerichtSoort) -> tuple[str, str]:
    """Subject and text of a standard message, in the customer's language."""
    context = {
        "klacht": klacht,
        "label": klacht.label,
        "termijnen": {
            "ontvangstbevestiging": termijnen.ONTVANGSTBEVESTIGING_DAGEN,
            "statusupdate": termijnen.STATUSUPDATE_DAGEN,
            "antwoord_weken": termijnen.ANTWOORD_DAGEN // 7,
        },
        "antwoord_uiterlijk": termijnen.antwoord_uiterlijk(klacht.ontvangen_op),
        "status_url": klacht_status_url(klacht),
    }
    with translation.override(klacht.taal):
        onderwerp = render_to_string(f"klachten/berichten/{soort}_onderwerp.txt", context)
        tekst = render_to_string(f"klachten/berichten/{soort}.txt", context)
    return " ".join(onderwerp.split()), tekst.strip() + "\n"


def klacht_status_url(klacht: Klacht) -> str:
    """The customer's secret link to the status page, as it goes into e-mails."""
    basis = settings.SITE_URL.rstrip("/")
    return basis + reverse("klachten:status", kwargs={"token": klacht.status_token})


def bericht_versturen(
    *, klacht: Klacht, soort: BerichtSoort, onderwerp: str, tekst: str, door: Medewerker | None
) -> Bericht:
    """Write the message to the outbox and queue its delivery once the transaction commits."""
    bericht = Bericht.objects.create(
        klacht=klacht,
        soort=soort,
        aan=klacht.klant_email,
        onderwerp=" ".join(onderwerp.split()),  # one line: no header injection
        tekst=tekst,
        verstuurd_door=door,
    )
    transaction.on_commit(lambda: bericht_in_wachtrij(bericht_id=bericht.pk))
    return bericht


def bericht_in_wachtrij(*, bericht_id: int) -> None:
    """Queue delivery; when the broker is down the message stays pending for the sweep."""
    from klachten.tasks import bericht_afleveren

    try:
        bericht_afleveren.delay(bericht_id)
    except Exception:
        logger.warning("Broker onbereikbaar; bericht %s wacht op de sweep.", bericht_id)


def bericht_afleveren(*, bericht_id: int) -> bool:
    """Send one pending message. Returns False when there was nothing (left) to send.

    The row is claimed with SKIP LOCKED so two workers never send the same message. A failure keeps
    it pending with the error and the attempt counted, and is raised again for the task's retry; an
    address the mail server refuses outright marks it failed (a person must correct it).
    """
    fout = None
    with transaction.atomic():
        bericht = (
            # of=("self",): lock only the message. Without it the joined klacht and label rows
            # are locked too, and as every message of a label shares that row, a worker would
            # skip a message whenever another message of the same label is being delivered.
            Bericht.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("klacht__label")
            .filter(pk=bericht_id, status=BerichtStatus.WACHTEND)
            .first()
        )
        if bericht is None:
            return False
        label = bericht.klacht.label
        mail = EmailMessage(
            subject=bericht.onderwerp,
            body=bericht.tekst,
            to=[bericht.aan],
            reply_to=[label.email] if label.email else None,
        )
        bericht.pogingen += 1
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            bericht.status = BerichtStatus.MISLUKT
            bericht.laatste_fout = f"{type(exc).__name__}: {exc}"[:2000]
        except Exception as exc:
            fout = exc
            bericht.laatste_fout = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            bericht.status = BerichtStatus.VERZONDEN
            bericht.verzonden_op = timezone.now()
            bericht.laatste_fout = ""
        bericht.save(update_fields=["status", "verzonden_op", "pogingen", "laatste_fout"])
    if fout is not None:
        raise fout
    return bericht.status == BerichtStatus.VERZONDEN


# What each role may do in the admin and the API, on top of what klachten.selectors lets it see.
ROL_PERMISSIES = {
    rollen.KLACHTBEHANDELAAR: ["view_klacht", "add_klacht", "change_klacht", "view_bijlage"],
    rollen.TEAMLEIDER: ["view_klacht", "add_klacht", "change_klacht", "view_bijlage"],
    rollen.DIRECTIE: ["view_klacht", "view_bijlage"],
    rollen.SYSTEEMKOPPELING: ["view_klacht", "add_klacht"],
    rollen.BEHEERDER: [
        f"{actie}_{model}"
        for model in (
            "label",
            "afdeling",
            "categorie",
            "medewerker",
            "klacht",
            "bijlage",
            "bericht",
        )
        for actie in ("view", "add", "change", "delete")
    ]
    + ["view_group", "change_group", "view_dossiernummerreeks"],
}


def rollen_inrichten(*, using: str = "default") -> None:
    """Create the role groups with their permissions (idempotent; runs after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    for rol, codenames in ROL_PERMISSIES.items():
        groep, _nieuw = Group.objects.using(using).get_or_create(name=rol)
        permissies = Permission.objects.using(using).filter(
            content_type__app_label__in=["klachten", "auth"], codename__in=codenames
        )
        groep.permissions.add(*permissies)
