"""What a request answers when a component it cannot do without is down (issue 15; DESIGN.md
section 13; docs/storingen.md).

PostgreSQL unreachable (restarted, failed over, refusing connections): HTTP 503 with Retry-After,
never a 500. A customer reads, in their language, that what they sent has NOT been received yet,
that the text they typed is still in the form (static/js/formulier_bewaren.js) and that
attachments must be chosen again; the API answers JSON (`{"detail": ..., "code": ...}`); staff get
a plain page. The page is rendered without a single query: no label from the database, no session,
no messages, no user (the context processors are not run).

Two ways in, because Django turns an exception into a response at the layer where it happens:
`StoringMiddleware.process_exception` for a view (also with DEBUG on, where Django would show its
debug page), and `server_fout`, the handler500, for the middleware around the view (a session that
cannot be saved, a user that cannot be loaded). The attachment storage failing while a complaint is
written (`OpslagOnbereikbaar`) is a 503 as well wherever the view does not offer the form again.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from klachten import talen

logger = logging.getLogger(__name__)

OPNIEUW_PROBEREN_NA_S = 60
"""Retry-After of a 503: the pages say "try again in a minute". A PostgreSQL restart or failover
takes seconds; the connection health checks reconnect on the first request after it."""

DATABASE_ONBEREIKBAAR = "database_onbereikbaar"
OPSLAG_ONBEREIKBAAR = "opslag_onbereikbaar"

KLACHTFORMULIER = frozenset({"klachten:indienen", "klachten:indienen-label"})


class OpslagOnbereikbaar(Exception):
    """The attachment storage (disk or object store) did not take a file: nothing of the write it
    belonged to was stored (klachten.services.klacht_registreren)."""


def soort_storing(exc: BaseException | None) -> str | None:
    """The kind of outage `exc` shows, or None for any other error (a bug: a 500).

    Every OperationalError and InterfaceError counts: the connection refused or lost, the server
    shutting down or in recovery, but also a deadlock or serialization failure (rolled back; a
    retry succeeds): in every case nothing was written and trying again later is the answer.
    """
    if isinstance(exc, OperationalError | InterfaceError):
        return DATABASE_ONBEREIKBAAR
    if isinstance(exc, OpslagOnbereikbaar):
        return OPSLAG_ONBEREIKBAAR
    return None


def taal_zonder_database(request: HttpRequest) -> str:
    """The page's language as the locale middleware chose it, else from the cookie and the browser
    (both without the database); never French on a staff page."""
    taal = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    if talen.is_medewerkerpagina(request) and taal not in talen.MEDEWERKER_TALEN:
        return settings.LANGUAGE_CODE
    return taal


def _url_naam(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def storing_antwoord(request: HttpRequest, soort: str) -> HttpResponse:
    """The 503 for outage `soort`: JSON under /api/, a plain page for staff, the public page
    otherwise; no query, no session."""
    with translation.override(taal_zonder_database(request)):
        if request.path_info.startswith("/api/"):
            detail = (
                _("De database is tijdelijk onbereikbaar. Probeer het over een minuut opnieuw.")
                if soort == DATABASE_ONBEREIKBAAR
                else _(
                    "De opslag van bijlagen is tijdelijk onbereikbaar. Probeer het over een minuut opnieuw."
                )
            )
            response = JsonResponse({"detail": detail, "code": soort}, status=503)
        else:
            klachtformulier = _url_naam(request) in KLACHTFORMULIER
            context = {
                "request": request,
                # {% csrf_token %} of the language switch, without RequestContext.
                "csrf_token": lazy(get_token, str)(request),
                "soort": soort,
                "verstuurd": request.method == "POST",
                "klachtformulier": klachtformulier,
                # Back to where the customer was: a GET of the same address shows the form again.
                "terug_url": request.get_full_path(),
                # Stored already (the failure came after the commit, e.g. saving the session):
                # the customer still learns the dossiernummer.
                "dossiernummer": getattr(request, "opgeslagen_dossiernummer", None),
            }
            sjabloon = "503_medewerker.html" if talen.is_medewerkerpagina(request) else "503.html"
            status = 200 if context["dossiernummer"] else 503
            response = HttpResponse(loader.render_to_string(sjabloon, context), status=status)
            response["Content-Language"] = translation.get_language()
    if response.status_code == 503:
        response["Retry-After"] = str(OPNIEUW_PROBEREN_NA_S)
    response["Cache-Control"] = "no-store"
    return response


class StoringMiddleware:
    """An outage raised by a view becomes its 503 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        soort = soort_storing(exception)
        if soort is None:
            return None
        # One line, no traceback: an outage is not a bug, and during one every request fails the
        # same way. The URL name, not the path (a status link carries the customer's token).
        logger.warning(
            "Storing %s bij %s %s: %s: %s",
            soort,
            request.method,
            _url_naam(request) or "?",
            type(exception).__name__,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        return storing_antwoord(request, soort)


def server_fout(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 of an outage raised outside the view (Django calls this inside its
    `except`, so the exception is at hand), else the plain 500 page (templates/500.html) with the
    request id the customer can quote (klachten.views.fouten)."""
    from klachten.views.fouten import serverfout

    soort = soort_storing(sys.exc_info()[1])
    if soort is not None:
        return storing_antwoord(request, soort)
    return serverfout(request)
