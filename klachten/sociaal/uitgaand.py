"""Replies to a customer on social media (issue 21): written to the outbox like every message
(klachten.berichten), delivered by the worker as a signed POST to the tool's outgoing webhook
instead of SMTP. A failed POST is retried once (after the outbox's first back-off, a minute);
failing again the message is onbestelbaar: on the dossier and in the queue as not delivered.

A public post is answered publicly only with the label's standard invitation to continue
privately (Socialekoppeling.publieke_uitnodiging): whatever text was composed, the message to a
public conversation carries that invitation and nothing else, enforced here, where every
message to such a customer passes (berichten.bericht_versturen), so no page, template or
automatic statusupdate can put personal or health data in public."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from klachten.models import Bericht, Klacht, SociaalBericht
from klachten.sociaal import handtekening

POGINGEN_MAXIMAAL = 2
"""The first try and one retry ("retried when it fails, once"); then onbestelbaar."""
TIMEOUT_SECONDEN = 10


def laatste_bericht(klacht: Klacht) -> SociaalBericht | None:
    """The customer's latest event on the dossier: the post our message answers."""
    return (
        SociaalBericht.objects.select_related("koppeling")
        .filter(klacht=klacht)
        .order_by("-created_at", "-id")
        .first()
    )


def adresseren(bericht: Bericht, klacht: Klacht) -> None:
    """Address an unsaved outbox row to the customer on social media: the connection it goes
    through and the post it answers; in a public conversation the text becomes the label's
    standard invitation to continue privately."""
    laatste = laatste_bericht(klacht)
    if laatste is None:
        return  # no event to answer (registered by staff): the delivery reports it
    bericht.socialekoppeling = laatste.koppeling
    bericht.in_reply_to = laatste.extern_id
    if laatste.openbaar:
        bericht.tekst = laatste.koppeling.publieke_uitnodiging


class WebhookFout(Exception):
    pass


def inhoud(bericht: Bericht) -> dict:
    """What the tool gets: the post to answer and how (public or private), and the text. No
    dossiernummer, name or subject: in public only the invitation is said."""
    laatste = (
        SociaalBericht.objects.filter(
            koppeling_id=bericht.socialekoppeling_id, extern_id=bericht.in_reply_to
        )
        .only("platform", "auteur", "openbaar")
        .first()
    )
    return {
        "id": f"bericht-{bericht.pk}",
        "platform": laatste.platform if laatste else "",
        "in_reply_to": bericht.in_reply_to,
        "author_handle": laatste.auteur if laatste else "",
        "public": bool(laatste and laatste.openbaar),
        "text": bericht.tekst,
    }


def versturen(bericht: Bericht) -> None:
    """POST the message to the connection's outgoing webhook, signed like the incoming ones
    (handtekening.ondertekenen over "<timestamp>.<body>"). Any answer but 2xx, a timeout or a
    refused connection raises WebhookFout."""
    koppeling = bericht.socialekoppeling
    geheim = handtekening.ontsleutelen(koppeling.uitgaand_geheim)
    if not koppeling.uitgaand_url or not geheim:
        raise WebhookFout("Geen uitgaande webhook of geheim ingesteld voor deze koppeling.")
    if not koppeling.uitgaand_url.lower().startswith(("https://", "http://")):
        raise WebhookFout("De uitgaande webhook is geen http(s)-adres.")
    body = json.dumps(inhoud(bericht), ensure_ascii=False).encode("utf-8")
    tijd = str(int(time.time()))
    verzoek = urllib.request.Request(
        koppeling.uitgaand_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            handtekening.KOP_TIJD: tijd,
            handtekening.KOP_HANDTEKENING: handtekening.ondertekenen(geheim, tijd, body),
            "Idempotency-Key": f"bericht-{bericht.pk}",
        },
    )
    try:
        with urllib.request.urlopen(verzoek, timeout=TIMEOUT_SECONDEN) as antwoord:
            status = antwoord.status
    except urllib.error.HTTPError as exc:
        raise WebhookFout(f"HTTP {exc.code} van de uitgaande webhook") from exc
    except (OSError, ValueError) as exc:
        raise WebhookFout(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= status < 300:
        raise WebhookFout(f"HTTP {status} van de uitgaande webhook")


def na_fout_blijvend(bericht: Bericht) -> bool:
    """Whether this failed attempt was the last (POGINGEN_MAXIMAAL)."""
    return bericht.pogingen >= POGINGEN_MAXIMAAL
