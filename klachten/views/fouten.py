"""The pages of a failed request (issue 19: "403, 404 and 500 pages with the header, navigation and
a way back, for staff and for the public, in the user's language").

Each page renders inside the site's layout: a signed-in employee gets the staff header and menu,
anyone else the public header of the label of the host name (as the public pages), both with a
sentence of what happened and a way back. Under /api/ the answer stays JSON, as DRF's own errors.

The 500 page (issue 15: logs that help) carries the request id, which the customer can quote and
the one traceback in the log carries too (klachten.logboek). It is rendered without the database
and without the context processors (they may need what just failed): the header's look, no
label, no user, no menu.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django_guid import get_guid

from klachten import selectors, talen


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _is_medewerker(request: HttpRequest) -> bool:
    """A signed-in employee (every user is a Medewerker): the staff header and menu."""
    gebruiker = getattr(request, "user", None)
    return gebruiker is not None and gebruiker.is_authenticated


def _vorige_url(request: HttpRequest) -> str:
    """The page the visitor came from, when it is one of ours and not this one."""
    vorige = request.headers.get("referer", "")
    if not vorige or not url_has_allowed_host_and_scheme(
        vorige, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    if vorige == request.build_absolute_uri():
        return ""
    return vorige


def _publiek_label(request: HttpRequest):
    """The label of the host name, as the public pages find it; None before one exists."""
    try:
        return selectors.label_voor_verzoek(request)
    except Http404:
        return None


def _foutpagina(
    request: HttpRequest, *, sjabloon: str, status: int, json_detail: str, **extra
) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": json_detail}, status=status)
    medewerker = _is_medewerker(request)
    context = {
        "medewerker": medewerker,
        "basis": "base_medewerker.html" if medewerker else "base_publiek.html",
        "vorige_url": _vorige_url(request),
        **extra,
    }
    if not medewerker:
        context["label"] = _publiek_label(request)
    taal = translation.get_language()
    if medewerker and taal not in talen.MEDEWERKER_TALEN:
        # A staff page never runs in French (klachten.talen), not even on a public address.
        taal = settings.LANGUAGE_CODE
    with translation.override(taal):
        response = render(request, sjabloon, context, status=status)
        response["Content-Language"] = taal
    return response


@requires_csrf_token
def ongeldig_verzoek(request: HttpRequest, exception=None) -> HttpResponse:
    """handler400."""
    return _foutpagina(request, sjabloon="400.html", status=400, json_detail=_("Ongeldig verzoek."))


@requires_csrf_token
def geen_toegang(request: HttpRequest, exception=None) -> HttpResponse:
    """handler403: a role without access to the page (PermissionDenied)."""
    return _foutpagina(
        request,
        sjabloon="403.html",
        status=403,
        json_detail=_("U heeft geen toegang tot deze pagina"),
    )


@requires_csrf_token
def niet_gevonden(request: HttpRequest, exception=None) -> HttpResponse:
    """handler404."""
    return _foutpagina(
        request, sjabloon="404.html", status=404, json_detail=_("Deze pagina bestaat niet")
    )


def csrf_mislukt(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its valid token, almost always one left open too
    long (the session expired) or sent from a page of before a login or logout."""
    return _foutpagina(
        request,
        sjabloon="403_csrf.html",
        status=403,
        json_detail=_("Het formulier is verlopen. Laad de pagina opnieuw."),
    )


@requires_csrf_token
def serverfout(request: HttpRequest) -> HttpResponse:
    """As Django's own server_error: the template without context processors and without a query
    (the database may be what failed), in the visitor's language (from the cookie or the
    browser, klachten.storingen), plus the request id."""
    from klachten.storingen import taal_zonder_database

    medewerker = talen.is_medewerkerpagina(request)
    with translation.override(taal_zonder_database(request)):
        if _is_api(request):
            return JsonResponse(
                {"detail": _("Er ging bij ons iets mis."), "verzoek_id": get_guid()}, status=500
            )
        context = {
            "request": request,
            # {% csrf_token %} of the language switch, without RequestContext.
            "csrf_token": lazy(get_token, str)(request),
            "verzoek_id": get_guid(),
            "medewerker": medewerker,
            "terug_url": reverse("klachten:werkvoorraad" if medewerker else "klachten:indienen"),
        }
        response = HttpResponse(loader.get_template("500.html").render(context), status=500)
        response["Content-Language"] = translation.get_language()
    return response
