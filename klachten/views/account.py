"""The second step of the staff login: a TOTP code from an authenticator app (issue 8, security).

The first step is Django's login page (username and password, django-axes counting failures);
klachten.middleware.TweestapsMiddleware sends a session without a code here. A staff member
links an authenticator app (a QR code) through a one-time koppellink that the beheerder hands
out (admin or `manage.py koppellink`; issue 15), after their password; a lost phone: the
beheerder hands out a new link, and the app linked through it replaces the old one.
"""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_login_failed
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from klachten import toegang
from klachten.middleware import is_tweestaps_geverifieerd, veilige_volgende
from klachten.models import Koppellink

# The key of an app being linked, kept in the session until its first code confirms it.
NIEUWE_SLEUTEL = "tweestaps_nieuwe_sleutel"
# The koppellink opened in this browser (its id: the token itself is never stored).
KOPPELLINK = "tweestaps_koppellink"


class CodeFormulier(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Code uit de authenticator-app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=20,
        help_text=gettext_lazy("De zes cijfers die de app nu toont."),
        error_messages={"invalid": gettext_lazy("Vul de zes cijfers uit de app in.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


def _apparaat(gebruiker) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=gebruiker, confirmed=True).order_by("id").first()


def _ingelogd(request, apparaat: TOTPDevice) -> None:
    """Both steps done: a new session key, the device on the session (django_otp.login), and
    the username's failed attempts forgotten (django-axes)."""
    request.session.cycle_key()
    otp_login(request, apparaat)
    axes_reset(username=request.user.get_username())


def _code_fout_gemeld(request) -> None:
    """A wrong code counts as a failed login for django-axes (the lockout)."""
    user_login_failed.send(
        sender=__name__,
        credentials={settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()},
        request=request,
    )


def _code_controleren(request, apparaat: TOTPDevice, code: str) -> bool:
    """Check the code under the device's row lock (its throttle and last-used counter)."""
    with transaction.atomic():
        apparaat = TOTPDevice.objects.select_for_update().get(pk=apparaat.pk)
        goed = apparaat.verify_token(code)
    if goed:
        _ingelogd(request, apparaat)
        return True
    _code_fout_gemeld(request)
    return False


def _nieuwe_code_controleren(apparaat: TOTPDevice, code: str) -> int | None:
    """The time step at which an app not linked yet shows this code (one step of clock
    difference either way), or None."""
    totp = TOTP(apparaat.bin_key, apparaat.step, apparaat.t0, apparaat.digits)
    if totp.verify(int(code), tolerance=apparaat.tolerance):
        return totp.t()
    return None


def _geblokkeerd(request) -> bool:
    gebruikersnaam = request.user.get_username()
    return AxesProxyHandler.is_locked(
        request, credentials={settings.AXES_USERNAME_FORM_FIELD: gebruikersnaam}
    )


def geblokkeerd(request, original_response=None, credentials=None):
    """The lockout page (django-axes' AXES_LOCKOUT_CALLABLE, and after too many wrong codes)."""
    minuten = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/geblokkeerd.html", {"blokkade_minuten": minuten}, status=429
    )


def _blokkade(request):
    logout(request)
    return geblokkeerd(request)


def _verkeerde_code(request, form, melding: str):
    """After a wrong code: the lockout page when it was one too many, else the form's error."""
    if _geblokkeerd(request):
        return _blokkade(request)
    form.add_error("code", melding)
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tweestaps(request):
    """Ask the code of the staff member's authenticator app."""
    volgende = veilige_volgende(request, settings.LOGIN_REDIRECT_URL)
    if is_tweestaps_geverifieerd(request):
        return redirect(volgende)
    apparaat = _apparaat(request.user)
    if apparaat is None:
        return redirect(f"{reverse('tweestaps-instellen')}?{request.GET.urlencode()}")
    if _geblokkeerd(request):
        return _blokkade(request)
    form = CodeFormulier(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _code_controleren(request, apparaat, form.cleaned_data["code"]):
            return redirect(volgende)
        melding = _(
            "Deze code klopt niet (of u probeerde het te snel opnieuw). Wacht op een nieuwe code."
        )
        if blokkade := _verkeerde_code(request, form, melding):
            return blokkade
    return render(request, "registration/tweestaps.html", {"form": form, "next": volgende})


@never_cache
@require_http_methods(["GET"])
def koppellink(request, token):
    """The one-time link the beheerder handed out (klachten.toegang.koppellink_maken): remember in
    this browser's session which link was opened (its id, not the token) and go on to the
    password and the app, at an address without the token."""
    link = toegang.koppellink_voor(token)
    if link is None:
        return render(request, "registration/koppellink_ongeldig.html", status=404)
    request.session[KOPPELLINK] = link.pk
    return redirect("tweestaps-instellen")


def _koppellink_van_sessie(request) -> Koppellink | None:
    pk = request.session.get(KOPPELLINK)
    if pk is None:
        return None
    link = Koppellink.objects.filter(pk=pk, medewerker=request.user).first()
    return link if link is not None and link.is_bruikbaar else None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tweestaps_instellen(request):
    """Link an authenticator app (QR code or key), confirmed with its first code, through the
    koppellink the beheerder handed out (issue 15): the password alone links nothing, so whoever
    first knows it cannot claim the account's second factor. With a link, a new app replaces
    the old one (a new phone).

    The new key lives in this session only until it is confirmed."""
    volgende = veilige_volgende(request, settings.LOGIN_REDIRECT_URL)
    link = _koppellink_van_sessie(request)
    if link is None:
        if is_tweestaps_geverifieerd(request):
            return redirect(volgende)
        if _apparaat(request.user) is not None:
            # Setting up a second app needs the first one or a new link.
            return redirect(f"{reverse('tweestaps')}?{request.GET.urlencode()}")
        return render(request, "registration/koppellink_nodig.html", status=403)
    if _geblokkeerd(request):
        return _blokkade(request)
    sleutel = request.session.get(NIEUWE_SLEUTEL)
    if not sleutel:
        sleutel = request.session[NIEUWE_SLEUTEL] = random_hex(20)
    apparaat = TOTPDevice(user=request.user, name=_("Authenticator-app"), key=sleutel)
    form = CodeFormulier(request.POST or None)
    if request.method == "POST" and form.is_valid():
        stap = _nieuwe_code_controleren(apparaat, form.cleaned_data["code"])
        if stap is not None:
            try:
                apparaat = toegang.app_koppelen_met_link(
                    koppellink=link, medewerker=request.user, sleutel=sleutel, laatste_stap=stap
                )
            except toegang.ToegangFout:
                return render(request, "registration/koppellink_nodig.html", status=403)
            del request.session[NIEUWE_SLEUTEL]
            del request.session[KOPPELLINK]
            _ingelogd(request, apparaat)
            messages.success(request, _("Tweestapsverificatie is ingesteld."))
            return redirect(volgende)
        _code_fout_gemeld(request)
        melding = _("Deze code klopt niet. Controleer de tijd op uw telefoon.")
        if blokkade := _verkeerde_code(request, form, melding):
            return blokkade
    qr = segno.make(apparaat.config_url, error="m").svg_inline(
        scale=5, border=4, light="#ffffff", title=_("QR-code voor de authenticator-app")
    )
    geheim = b32encode(apparaat.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/tweestaps_instellen.html",
        {
            "form": form,
            "next": volgende,
            "qr": qr,
            "geheim": " ".join(geheim[i : i + 4] for i in range(0, len(geheim), 4)),
        },
    )
