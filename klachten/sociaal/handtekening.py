"""Signing and checking the webhook's messages (issue 21): HMAC-SHA256 over "<timestamp>.<body>"
with the connection's secret, compared in constant time; the timestamp (Unix seconds) within
SOCIAAL_TIJDVENSTER of our clock. The same scheme signs our replies to the tool's outgoing webhook.

The secrets are kept encrypted (Fernet) under a key derived from SECRET_KEY; a key in
SECRET_KEY_FALLBACKS still decrypts, so SECRET_KEY can be rotated the Django way."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

TIJDVENSTER_SECONDEN = 5 * 60
"""How far the timestamp may be from our clock, either way: a captured message cannot be sent
again later (and within the window its id is remembered: SociaalBericht's unique constraint)."""

KOP_TIJD = "X-Klachten-Timestamp"
KOP_HANDTEKENING = "X-Klachten-Signature"
VOORVOEGSEL = "sha256="


def nieuw_geheim() -> str:
    """A new shared secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def ondertekenen(geheim: str, tijd: int | str, body: bytes) -> str:
    """The signature header's value: "sha256=" and the hex HMAC-SHA256 of "<tijd>.<body>"."""
    bericht = str(tijd).encode("ascii") + b"." + body
    return VOORVOEGSEL + hmac.new(geheim.encode("utf-8"), bericht, hashlib.sha256).hexdigest()


def handtekening_klopt(geheim: str, tijd: str, body: bytes, handtekening: str) -> bool:
    """Whether `handtekening` is the signature of "<tijd>.<body>" (constant-time compare)."""
    if not tijd.isascii() or not tijd.isdigit() or len(tijd) > 12:
        return False
    verwacht = ondertekenen(geheim, tijd, body)
    return hmac.compare_digest(verwacht.encode("ascii"), handtekening.strip().encode("utf-8"))


def _fernet() -> MultiFernet:
    sleutels = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    hashlib.sha256(b"klachten.sociaal:" + str(s).encode("utf-8")).digest()
                )
            )
            for s in sleutels
        ]
    )


def versleutelen(geheim: str) -> str:
    return _fernet().encrypt(geheim.encode("utf-8")).decode("ascii")


def ontsleutelen(versleuteld: str) -> str:
    """The secret; "" when there is none or it cannot be decrypted (SECRET_KEY changed without
    keeping the old one in SECRET_KEY_FALLBACKS: make the connection's secret anew)."""
    if not versleuteld:
        return ""
    try:
        return _fernet().decrypt(versleuteld.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return ""
