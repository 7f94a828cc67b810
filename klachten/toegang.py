"""Accounts and access: the role groups and their permissions, the API keys of system accounts,
the one-time links through which staff link their authenticator app (the second factor), and
the sessions and login data of staff (issue 15, Access; DESIGN.md section 10).

Kept apart from klachten.services (the complaint workflow), like services they are keyword-only,
run in a transaction and lock the row they change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klachten import rollen
from klachten.models import ApiSleutel, Koppellink, Limietteller, Medewerker


class ToegangFout(Exception):
    """An access rule refused the change; the message says why, for the beheerder."""


# --- API keys -----------------------------------------------------------------------------------

# The last use is written at most this often per key: not a database write on every API call.
LAATST_GEBRUIKT_INTERVAL = dt.timedelta(minutes=1)


def _standaard_geldig_tot(nu: dt.datetime) -> dt.datetime:
    return nu + dt.timedelta(days=settings.API_SLEUTEL_GELDIG_DAGEN)


def api_sleutel_maken(
    *, medewerker: Medewerker, naam: str, geldig_tot: dt.datetime | None = None
) -> tuple[ApiSleutel, str]:
    """A new API key for a system account (issue 15: API keys only for the role
    systeemkoppeling; a personal account's key would skip the second factor). Returns the key
    and its text, which is shown once and stored only as a hash. Every key expires (default
    API_SLEUTEL_GELDIG_DAGEN)."""
    nu = timezone.now()
    geldig_tot = geldig_tot or _standaard_geldig_tot(nu)
    if geldig_tot <= nu:
        raise ToegangFout(_("De vervaldatum van een API-sleutel moet in de toekomst liggen."))
    with transaction.atomic():
        medewerker = Medewerker.objects.select_for_update().get(pk=medewerker.pk)
        if not rollen.is_systeemkoppeling(medewerker):
            raise ToegangFout(
                _(
                    "%(account)s is geen systeemkoppeling: alleen een account met alleen de rol "
                    "systeemkoppeling (geen beheerder, niet actief uitgeschakeld) krijgt een "
                    "API-sleutel. Medewerkers gebruiken de API met hun eigen login en code."
                )
                % {"account": medewerker.get_username()}
            )
        return ApiSleutel.objects.create_key(
            medewerker=medewerker, name=naam[:50], expiry_date=geldig_tot
        )


def api_sleutel_intrekken(*, sleutel: ApiSleutel) -> ApiSleutel:
    """Revoke a key at once (a leaked key, an integration that ends); cannot be undone."""
    with transaction.atomic():
        sleutel = ApiSleutel.objects.select_for_update().get(pk=sleutel.pk)
        if not sleutel.revoked:
            sleutel.revoked = True
            sleutel.save(update_fields=["revoked"])
        return sleutel


def api_sleutel_vernieuwen(
    *, sleutel: ApiSleutel, overlap: dt.timedelta | None = None
) -> tuple[ApiSleutel, str]:
    """Rotation: a new key for the same account and name, with a new expiry; the old one keeps
    working for `overlap` (default API_SLEUTEL_OVERLAP_UREN, so the integration can switch
    without an outage) and is revoked at once with an overlap of zero."""
    if overlap is None:
        overlap = dt.timedelta(hours=settings.API_SLEUTEL_OVERLAP_UREN)
    nu = timezone.now()
    with transaction.atomic():
        oud = ApiSleutel.objects.select_for_update().get(pk=sleutel.pk)
        if oud.revoked:
            raise ToegangFout(_("Deze API-sleutel is ingetrokken; maak een nieuwe."))
        nieuw, tekst = api_sleutel_maken(medewerker=oud.medewerker, naam=oud.name)
        if overlap <= dt.timedelta(0):
            oud.revoked = True
            oud.save(update_fields=["revoked"])
        elif oud.expiry_date is None or oud.expiry_date > nu + overlap:
            oud.expiry_date = nu + overlap
            oud.save(update_fields=["expiry_date"])
        return nieuw, tekst


def api_sleutel_gebruik_vastleggen(*, sleutel: ApiSleutel, op: dt.datetime) -> None:
    """Record the key's last use, at most once a minute: one conditional UPDATE, so a burst of
    calls (even in parallel) writes once and the rest only read."""
    if sleutel.laatst_gebruikt_op and op - sleutel.laatst_gebruikt_op < LAATST_GEBRUIKT_INTERVAL:
        return
    ApiSleutel.objects.filter(pk=sleutel.pk).filter(
        Q(laatst_gebruikt_op__isnull=True) | Q(laatst_gebruikt_op__lt=op - LAATST_GEBRUIKT_INTERVAL)
    ).update(laatst_gebruikt_op=op)


# --- enrolment links for the authenticator app --------------------------------------------------

KOPPELLINK_GELDIG = dt.timedelta(hours=24)


def koppellink_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def koppellink_maken(
    *, medewerker: Medewerker, door: Medewerker | None = None
) -> tuple[Koppellink, str]:
    """A one-time link, valid 24 hours, through which the staff member links an authenticator
    app (issue 15: the second factor from the first login, not set up by whoever first knows the
    password). The beheerder hands it out; only its hash is stored. Earlier unused links of the
    account stop working. Returns the link and its token (for the URL), shown once."""
    if rollen.is_systeemkoppeling(medewerker):
        raise ToegangFout(_("Een systeemkoppeling logt niet in en koppelt geen app."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Medewerker.objects.select_for_update().get(pk=medewerker.pk)
        Koppellink.objects.filter(medewerker=medewerker, gebruikt_op__isnull=True).delete()
        link = Koppellink.objects.create(
            medewerker=medewerker,
            token_hash=koppellink_hash(token),
            geldig_tot=timezone.now() + KOPPELLINK_GELDIG,
            aangemaakt_door=door,
        )
    return link, token


def koppellink_voor(token: str) -> Koppellink | None:
    """The usable link with this token (unused, not expired), or None."""
    link = (
        Koppellink.objects.select_related("medewerker")
        .filter(token_hash=koppellink_hash(token))
        .first()
    )
    return link if link is not None and link.is_bruikbaar else None


def app_koppelen_met_link(
    *, koppellink: Koppellink, medewerker: Medewerker, sleutel: str, laatste_stap: int
):
    """Link the authenticator app through a koppellink, confirmed by its first code: the link
    is used up (once, under its row lock), the app replaces any earlier one of the account (a
    new phone), and that code's time step counts as used."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        link = Koppellink.objects.select_for_update().get(pk=koppellink.pk)
        if not link.is_bruikbaar or link.medewerker_id != medewerker.pk:
            raise ToegangFout(_("Deze koppellink is gebruikt, verlopen of niet van dit account."))
        link.gebruikt_op = timezone.now()
        link.save(update_fields=["gebruikt_op"])
        TOTPDevice.objects.filter(user=medewerker).delete()
        return TOTPDevice.objects.create(
            user=medewerker,
            name=_("Authenticator-app"),
            key=sleutel,
            confirmed=True,
            last_t=laatste_stap,
        )


# What each role may do in the admin and the API, on top of what klachten.selectors lets it see.
ROL_PERMISSIES = {
    rollen.KLACHTBEHANDELAAR: ["view_klacht", "add_klacht", "change_klacht", "view_bijlage"],
    rollen.TEAMLEIDER: ["view_klacht", "add_klacht", "change_klacht", "view_bijlage"],
    rollen.DIRECTIE: ["view_klacht", "view_bijlage"],
    rollen.SYSTEEMKOPPELING: ["view_klacht", "add_klacht"],
    rollen.PARTNERBEHANDELAAR: ["view_klacht", "change_klacht", "view_bijlage"],
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
            "berichtsjabloon",
            "externeinstantie",
            "externeprocedure",
            "verbeterpunt",
            "leermoment",
            "termijn",
            "oorzaak",
            "productgroep",
            "apisleutel",
            "mailbox",
            "socialekoppeling",
        )
        for actie in ("view", "add", "change", "delete")
    ]
    + ["view_group", "change_group", "view_dossiernummerreeks", "view_inzage", "view_avgverzoek"]
    # A lost phone: the beheerder unlinks the app and hands out a koppellink (klachten.toegang);
    # lockouts: the beheerder sees and lifts them.
    + ["view_totpdevice", "delete_totpdevice", "view_koppellink"]
    + ["view_accessattempt", "delete_accessattempt", "view_accesslog"]
    # The inbound mail: read, and released from or deleted in quarantine (never edited).
    + ["view_inkomendbericht", "change_inkomendbericht"]
    # The social media events (issue 21): read only.
    + ["view_sociaalbericht"],
}


def rollen_inrichten(*, using: str = "default") -> None:
    """Create the role groups with their permissions (idempotent; runs after every migrate)."""
    rollen.permissies_toekennen(
        ROL_PERMISSIES, app_labels=["klachten", "auth", "otp_totp", "axes"], using=using
    )


def sessies_en_inlogpogingen_opruimen(*, op: dt.datetime | None = None) -> dict[str, int]:
    """Retention of login data (AVG: kept no longer than needed): expired sessions, failed
    login attempts whose lockout is over, the login log after INLOGLOG_BEWAARDAGEN days
    (staff addresses and browsers), and rate-limit counters whose window is over (they hold a
    hash of a client address; klachten.caches.TellerCache)."""
    from axes.models import AccessAttempt, AccessLog
    from django.contrib.sessions.models import Session

    op = op or timezone.now()
    return {
        "sessies": Session.objects.filter(expire_date__lt=op).delete()[0],
        "pogingen": AccessAttempt.objects.filter(
            attempt_time__lt=op - settings.AXES_COOLOFF_TIME
        ).delete()[0],
        "inloglog": AccessLog.objects.filter(
            attempt_time__lt=op - dt.timedelta(days=settings.INLOGLOG_BEWAARDAGEN)
        ).delete()[0],
        "limiettellers": Limietteller.objects.filter(verloopt_op__lte=op).delete()[0],
    }


def sessies_beeindigen(*, medewerker: Medewerker) -> int:
    """End every session of this staff member (their app was unlinked: a lost phone must not
    keep a session that was verified with it). Sessions live in the database; the few of the
    staff are read to find theirs."""
    from django.contrib.sessions.models import Session

    te_beeindigen = [
        sessie.pk
        for sessie in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if sessie.get_decoded().get("_auth_user_id") == str(medewerker.pk)
    ]
    Session.objects.filter(pk__in=te_beeindigen).delete()
    return len(te_beeindigen)
