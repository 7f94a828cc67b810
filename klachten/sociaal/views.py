"""The webhook the monitoring tool posts to: POST /api/v1/sociaal/<kenmerk>/ (issue 21).

Refused, each with one log line (klachten.sociaal; never the body: it holds personal data) and a
JSON body {"fout": <code>, "detail": <text>}:
- 404 onbekende_koppeling: no active connection with this kenmerk;
- 413 te_groot: a body over SOCIAAL_MAX_BYTES;
- 401 handtekening: the signature header missing or wrong;
- 401 tijdstip: the timestamp more than 5 minutes from our clock (a message held back);
- 409 herhaald: the event's id was received before on this connection (a replay);
- 400 ongeldig: no JSON object, or a field that breaks the schema (klachten.sociaal.schema),
  with "velden": the errors per field.
201 with {"dossiernummer", "soort"} when the event was landed (klachten.sociaal.ontvangen)."""

from __future__ import annotations

import json
import logging
import time

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from klachten.models import Socialekoppeling
from klachten.sociaal import handtekening
from klachten.sociaal.ontvangen import AlOntvangen, sociaal_bericht_ontvangen
from klachten.sociaal.schema import SociaalBerichtSerializer

logger = logging.getLogger("klachten.sociaal")

MAX_BYTES = 64 * 1024
"""The largest body taken: a post of 5,000 characters with its fields fits many times."""


def _weigeren(koppeling, status: int, fout: str, detail: str, **extra) -> JsonResponse:
    logger.warning("Sociale-mediawebhook geweigerd (%s): %s %s", koppeling or "-", status, fout)
    return JsonResponse({"fout": fout, "detail": detail, **extra}, status=status)


@csrf_exempt
@require_POST
def webhook(request, sleutel):
    koppeling = (
        Socialekoppeling.objects.select_related("label")
        .filter(sleutel=sleutel, actief=True)
        .first()
    )
    if koppeling is None:
        return _weigeren(None, 404, "onbekende_koppeling", "Geen actieve koppeling.")
    lengte = request.headers.get("Content-Length", "")
    if lengte.isdigit() and int(lengte) > MAX_BYTES:
        return _weigeren(koppeling, 413, "te_groot", f"Ten hoogste {MAX_BYTES} bytes.")
    body = request.body
    if len(body) > MAX_BYTES:
        return _weigeren(koppeling, 413, "te_groot", f"Ten hoogste {MAX_BYTES} bytes.")
    tijd = request.headers.get(handtekening.KOP_TIJD, "")
    geheim = handtekening.ontsleutelen(koppeling.geheim)
    if not geheim or not handtekening.handtekening_klopt(
        geheim, tijd, body, request.headers.get(handtekening.KOP_HANDTEKENING, "")
    ):
        return _weigeren(koppeling, 401, "handtekening", "Handtekening ontbreekt of klopt niet.")
    if abs(time.time() - int(tijd)) > handtekening.TIJDVENSTER_SECONDEN:
        return _weigeren(koppeling, 401, "tijdstip", "Het tijdstip wijkt meer dan 5 minuten af.")
    try:
        gegevens = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _weigeren(koppeling, 400, "ongeldig", "Geen geldige JSON (UTF-8).")
    if not isinstance(gegevens, dict):
        return _weigeren(koppeling, 400, "ongeldig", "Verwacht een JSON-object.")
    serializer = SociaalBerichtSerializer(data=gegevens)
    if not serializer.is_valid():
        return _weigeren(
            koppeling, 400, "ongeldig", "Velden kloppen niet.", velden=serializer.errors
        )
    try:
        sociaal = sociaal_bericht_ontvangen(
            koppeling=koppeling,
            gegevens=serializer.validated_data,
            ruw=body.decode("utf-8"),
        )
    except AlOntvangen:
        return _weigeren(koppeling, 409, "herhaald", "Dit bericht is al ontvangen.")
    except ValidationError as exc:
        return _weigeren(koppeling, 400, "ongeldig", " ".join(exc.messages))
    logger.info(
        "Sociaal bericht %s van %s: %s %s",
        sociaal.pk,
        koppeling,
        sociaal.get_soort_display(),
        sociaal.klacht.dossiernummer,
    )
    return JsonResponse(
        {"dossiernummer": sociaal.klacht.dossiernummer, "soort": sociaal.soort}, status=201
    )
