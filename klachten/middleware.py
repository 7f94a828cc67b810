"""Request plumbing for staff sessions: two-factor login required, and sessions that expire when
idle (DESIGN.md section 10; issue 8, security)."""

import time

from django.conf import settings
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages import info
from django.http import JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

# Reachable with a password alone, by URL name: the two-factor steps themselves, logging in and
# out, resetting a forgotten password (anonymous anyway) and the language switch; and static
# files. Everything else needs the code as well: changing the password, too.
VRIJ_VOOR_HALF_INGELOGD = frozenset(
    {
        "login",
        "logout",
        "tweestaps",
        "tweestaps-instellen",
        "koppellink",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "set_language",
    }
)

LAATST_ACTIEF = "laatst_actief"
INGELOGD_OP = "ingelogd_op"
# The idle clock is written at most this often (seconds): saving the session on every request
# would cost a database write per page.
STEMPEL_INTERVAL = 60


def client_ip(request) -> str:
    """The client's address, for the rate limits, the lockout and the access log: REMOTE_ADDR,
    or behind proxies the address the nearest trusted proxy added to the header CLIENT_IP_HEADER
    (X-Forwarded-For: the VERTROUWDE_PROXIES-th from the right). What the client itself put in
    the header (the left part) is never trusted."""
    header = getattr(settings, "CLIENT_IP_HEADER", None)
    if header:
        adressen = [a.strip() for a in request.META.get(header, "").split(",") if a.strip()]
        aantal = getattr(settings, "VERTROUWDE_PROXIES", 1)
        if len(adressen) >= aantal:
            return adressen[-aantal]
    return request.META.get("REMOTE_ADDR", "")


def inzage_loggen(request, klacht, soort, *, bijlage=None) -> None:
    """Log that the user of this request opened the complaint or its attachment, from the
    request's address (the access log: klachten.services.inzage_vastleggen)."""
    from klachten import services

    services.inzage_vastleggen(
        medewerker=request.user,
        klacht=klacht,
        soort=soort,
        bijlage=bijlage,
        ip_adres=client_ip(request),
    )


def is_tweestaps_geverifieerd(request) -> bool:
    """This session passed the second step (a TOTP code, django_otp.login stored the device)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def veilige_volgende(request, standaard: str) -> str:
    volgende = request.POST.get("next") or request.GET.get("next") or ""
    if volgende and url_has_allowed_host_and_scheme(
        volgende, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return volgende
    return standaard


def _vrij_voor_half_ingelogd(request) -> bool:
    if request.path_info.startswith("/static/"):
        return True
    try:
        return resolve(request.path_info).url_name in VRIJ_VOOR_HALF_INGELOGD
    except Resolver404:
        return False


class TweestapsMiddleware:
    """A staff session that logged in with a password but has not given a TOTP code yet may only
    reach the two-factor pages: pages redirect there, the API answers 403. Token-authenticated
    API calls carry no session and are not affected (system accounts, DRF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        gebruiker = request.user
        if (
            gebruiker.is_authenticated
            and not is_tweestaps_geverifieerd(request)
            and not _vrij_voor_half_ingelogd(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Tweestapsverificatie is vereist.")}, status=403)
            return redirect_to_login(request.get_full_path(), reverse("tweestaps"))
        return self.get_response(request)


def _aanmelding_gestempeld(sender, request, user, **kwargs):
    """The idle clock and the working day start at login (so the first page need not write the
    session)."""
    if request is not None and hasattr(request, "session"):
        nu = int(time.time())
        request.session[LAATST_ACTIEF] = nu
        request.session[INGELOGD_OP] = nu


user_logged_in.connect(_aanmelding_gestempeld, dispatch_uid="klachten_sessie_gestempeld")


class SessieVerloopMiddleware:
    """A logged-in session ends after SESSIE_INACTIEF_MINUTEN without a request, and
    SESSIE_MAX_UREN after the login whatever happens (SESSION_COOKIE_AGE alone would not do:
    Django moves the cookie's expiry on with every save of the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            nu = int(time.time())
            laatst = request.session.get(LAATST_ACTIEF)
            ingelogd = request.session.get(INGELOGD_OP)
            if ingelogd is not None and nu - ingelogd > settings.SESSIE_MAX_UREN * 3600:
                melding = _(
                    "U bent een werkdag ingelogd geweest en bent uitgelogd. Log opnieuw in."
                )
            elif laatst is not None and nu - laatst > settings.SESSIE_INACTIEF_MINUTEN * 60:
                melding = _("U was te lang niet actief en bent uitgelogd. Log opnieuw in.")
            else:
                melding = None
            if melding:
                logout(request)
                info(request, melding)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("De sessie is verlopen.")}, status=403)
                return redirect_to_login(request.get_full_path())
            if laatst is None or nu - laatst >= STEMPEL_INTERVAL:
                request.session[LAATST_ACTIEF] = nu
        return self.get_response(request)
