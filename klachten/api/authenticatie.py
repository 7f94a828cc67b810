"""API authentication: hashed API keys of system accounts (issue 15, Access).

`Authorization: Api-Key <key>` (djangorestframework-api-key's header). Keys migrated from the old
DRF tokens (klachten migration 0021_toegang_api_sleutels_en_koppellinks) are sent as before, `Authorization: Token <key>`, until they
expire. A key that is unknown, revoked or expired, or that belongs to a personal account (one
that is not, or no longer, only a systeemkoppeling), is refused with 401: a personal account
uses the API through its own login, with the second factor.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from klachten import rollen, toegang
from klachten.models import ApiSleutel

SLEUTELWOORDEN = ("Api-Key", "Token")
# Old DRF tokens are 40 hexadecimal characters without a dot; their hash is found by this prefix.
OUD_PREFIX_LENGTE = 8


def sleutel_prefix(tekst: str) -> str:
    """The part of a key it is looked up by: before the dot (new keys), or its first characters
    (keys migrated from DRF tokens)."""
    if "." in tekst:
        return tekst.partition(".")[0]
    return tekst[:OUD_PREFIX_LENGTE]


class ApiSleutelAuthenticatie(authentication.BaseAuthentication):
    def authenticate(self, request):
        delen = authentication.get_authorization_header(request).split()
        if not delen or delen[0].decode(errors="replace") not in SLEUTELWOORDEN:
            return None
        if len(delen) != 2:
            raise exceptions.AuthenticationFailed(_("Ongeldige Authorization-header."))
        try:
            tekst = delen[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel.")) from None
        sleutel = (
            ApiSleutel.objects.select_related("medewerker")
            .filter(prefix=sleutel_prefix(tekst), revoked=False)
            .first()
        )
        if sleutel is None or not sleutel.is_valid(tekst):
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel."))
        if sleutel.has_expired:
            raise exceptions.AuthenticationFailed(_("Deze API-sleutel is verlopen."))
        if not rollen.is_systeemkoppeling(sleutel.medewerker):
            raise exceptions.AuthenticationFailed(
                _("Alleen een systeemkoppeling gebruikt een API-sleutel.")
            )
        toegang.api_sleutel_gebruik_vastleggen(sleutel=sleutel, op=timezone.now())
        return sleutel.medewerker, sleutel

    def authenticate_header(self, request):
        return SLEUTELWOORDEN[0]


class ApiSleutelSchema(OpenApiAuthenticationExtension):
    """How drf-spectacular documents the key in the schema and the Swagger UI."""

    target_class = ApiSleutelAuthenticatie
    name = "apiSleutel"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "Een API-sleutel van een systeemkoppeling: `Api-Key <sleutel>`. De beheerder "
                    "maakt, vernieuwt en trekt sleutels in; elke sleutel verloopt."
                )
            ),
        }
