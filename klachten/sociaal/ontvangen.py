"""An event from the monitoring tool becomes a complaint or a customer's message (issue 21):
stored with its body, in ONE transaction with what it became (nothing half-stored)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from klachten import services
from klachten.models import (
    OMSCHRIJVING_MAX,
    InkomendSoort,
    Kanaal,
    Klacht,
    SociaalBericht,
    Socialekoppeling,
)
from klachten.workflow import KLANT, Status

logger = logging.getLogger("klachten.sociaal")

_AUTEUR_SLOT = 0x534F43  # advisory lock namespace per platform and author ("SOC")


class AlOntvangen(Exception):
    """The event's id was received before on this connection (a replay)."""


def open_klacht(*, koppeling: Socialekoppeling, platform: str, auteur: str, antwoord_op: str):
    """The open complaint this event belongs to: the one of the event it answers (in_reply_to),
    else the latest open complaint of the same author on the same platform for the label."""
    eerdere = SociaalBericht.objects.filter(
        koppeling__label_id=koppeling.label_id, platform=platform, auteur=auteur
    ).exclude(klacht__status=Status.AFGESLOTEN)
    if antwoord_op:
        gevonden = eerdere.filter(extern_id=antwoord_op).values_list("klacht_id", flat=True)
        if gevonden:
            return Klacht.objects.get(pk=gevonden[0])
    klacht_id = eerdere.order_by("-created_at", "-id").values_list("klacht_id", flat=True).first()
    return Klacht.objects.get(pk=klacht_id) if klacht_id is not None else None


def _tekst(gegevens: dict) -> str:
    delen = [gegevens["text"].strip()]
    if gegevens.get("link"):
        delen.append(gegevens["link"])
    return "\n\n".join(delen)[:OMSCHRIJVING_MAX]


def sociaal_bericht_ontvangen(
    *, koppeling: Socialekoppeling, gegevens: dict, ruw: str
) -> SociaalBericht:
    """Land one validated event (klachten.sociaal.schema): a message of the customer on the open
    complaint of the same author handle on that platform (or of the event it answers), else a
    new complaint with kanaal social media, nog te classificeren, received at the post's time
    (its first-reaction term runs from there). The event's row, with its body as it came, is
    written in the same transaction; its id already stored on this connection raises
    AlOntvangen and nothing is stored (the unique constraint decides, also for two at once).

    Two events of one author at the same moment wait for each other (an advisory lock per
    platform and handle), so they make one complaint and a message, never two complaints."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                        [
                            _AUTEUR_SLOT,
                            f"{koppeling.label_id}:{gegevens['platform']}:"
                            f"{gegevens['author_handle']}",
                        ],
                    )
            # After the lock: the same event sent twice at once waits here for the first.
            if SociaalBericht.objects.filter(
                koppeling=koppeling, extern_id=gegevens["id"]
            ).exists():
                raise AlOntvangen(gegevens["id"])
            return _landen(koppeling=koppeling, gegevens=gegevens, ruw=ruw)
    except IntegrityError as exc:
        if SociaalBericht.objects.filter(koppeling=koppeling, extern_id=gegevens["id"]).exists():
            raise AlOntvangen(gegevens["id"]) from exc
        raise


def _landen(*, koppeling: Socialekoppeling, gegevens: dict, ruw: str) -> SociaalBericht:
    klacht = open_klacht(
        koppeling=koppeling,
        platform=gegevens["platform"],
        auteur=gegevens["author_handle"],
        antwoord_op=gegevens["in_reply_to"],
    )
    tekst = _tekst(gegevens)
    if klacht is not None:
        gebeurtenis = services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst=tekst)
        soort = InkomendSoort.ANTWOORD
    else:
        naam = gegevens["display_name"].strip() or f"@{gegevens['author_handle']}"
        klacht = services.klacht_registreren(
            label=koppeling.label,
            kanaal=Kanaal.SOCIAL_MEDIA,
            klant_naam=naam[:200],
            categorie=None,
            omschrijving=tekst,
            ontvangen_op=min(gegevens["time"], timezone.now()),
            taal=settings.LANGUAGE_CODE,
        )
        gebeurtenis = klacht.gebeurtenissen.order_by("op", "id").first()
        soort = InkomendSoort.NIEUWE_KLACHT
    return SociaalBericht.objects.create(
        koppeling=koppeling,
        extern_id=gegevens["id"],
        platform=gegevens["platform"],
        auteur=gegevens["author_handle"],
        auteur_naam=gegevens["display_name"],
        tekst=gegevens["text"],
        link=gegevens["link"],
        geplaatst_op=gegevens["time"],
        openbaar=gegevens["public"],
        antwoord_op=gegevens["in_reply_to"],
        ruw=ruw,
        soort=soort,
        klacht=klacht,
        gebeurtenis=gebeurtenis,
    )
