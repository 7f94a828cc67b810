"""Request plumbing for staff sessions: two-factor login required, and sessions that expire when
idle (DESIGN.md section 10; issue 8, security)."""

import time

from django.conf import settings
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages import info
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

# Reachable with a password alone: the two-factor steps themselves, logging out, the language
# switch and static files. Everything else needs the code as well.
VRIJ_VOOR_HALF_INGELOGD = ("/account/", "/i18n/", "/static/")

LAATST_ACTIEF = "laatst_actief"
# The idle clock is written at most this often (seconds): saving the session on every request
# would cost a database write per page.
STEMPEL_INTERVAL = 60


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy the header in
    RATELIMIT_IP_META_KEY (its first address), as for the rate limits."""
    sleutel = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    waarde = request.META.get(sleutel, "") if sleutel else ""
    return waarde.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


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
            and not request.path.startswith(VRIJ_VOOR_HALF_INGELOGD)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Tweestapsverificatie is vereist.")}, status=403)
            return redirect_to_login(request.get_full_path(), reverse("tweestaps"))
        return self.get_response(request)


def _aanmelding_gestempeld(sender, request, user, **kwargs):
    """The idle clock starts at login (so the first page need not write the session)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAATST_ACTIEF] = int(time.time())


user_logged_in.connect(_aanmelding_gestempeld, dispatch_uid="klachten_sessie_gestempeld")


class SessieVerloopMiddleware:
    """A logged-in session ends after SESSIE_INACTIEF_MINUTEN without a request; the absolute
    limit is SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            nu = int(time.time())
            laatst = request.session.get(LAATST_ACTIEF)
            if laatst is not None and nu - laatst > settings.SESSIE_INACTIEF_MINUTEN * 60:
                logout(request)
                info(request, _("U was te lang niet actief en bent uitgelogd. Log opnieuw in."))
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("De sessie is verlopen.")}, status=403)
                return redirect_to_login(request.get_full_path())
            if laatst is None or nu - laatst >= STEMPEL_INTERVAL:
                request.session[LAATST_ACTIEF] = nu
        return self.get_response(request)
