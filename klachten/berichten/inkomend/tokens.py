"""OAuth2 token sources of the IMAP source (issue 17): the access token a mailbox logs in with
(XOAUTH2), obtained from Microsoft 365 or Google Workspace instead of read from the environment.

Configured per mailbox by the names of environment variables only (`Mailbox.geheim_variabele`,
called V here); nothing secret is in the database:

- `microsoft365` (an app registration with the IMAP.AccessAsApp permission, client credentials
  through msal, scope https://outlook.office365.com/.default): V holds the client secret,
  V_CLIENT_ID the application (client) id and V_TENANT the directory (tenant) id. V_AUTHORITY
  optionally replaces https://login.microsoftonline.com/<tenant> (a national cloud).
- `google` (a service account with domain-wide delegation for https://mail.google.com/, through
  google-auth): V holds the service account's JSON key, or the path of the key file. The account
  impersonates the mailbox's user.

A token is kept (per process) until shortly before it expires, so a beat run every minute asks the
identity provider about once an hour. The clients are built lazily, on the first token they are
asked for (msal reads the authority's OpenID configuration over the network when it is built), and
kept with the token. A login refused with a kept token forgets both (`vergeten`): the next run
asks for a new one."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from klachten.models import Aanmelding, Mailbox

MICROSOFT_SCOPE = "https://outlook.office365.com/.default"
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/{tenant}"
GOOGLE_SCOPE = "https://mail.google.com/"
MARGE = dt.timedelta(minutes=5)  # a token is asked for again this long before it expires


class TokenFout(Exception):
    """No access token: configuration missing or refused by the identity provider. The message
    names environment variables, never their values."""


@dataclass
class _Bron:
    """A token source as built for one configuration: its client (lazily made) and last token."""

    client: Any = None
    token: str = ""
    verloopt: dt.datetime | None = None


_bronnen: dict[tuple, _Bron] = {}
_slot = threading.Lock()


def _nu() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _omgeving(naam: str) -> str:
    waarde = os.environ.get(naam, "").strip()
    if not waarde:
        raise TokenFout(f"Omgevingsvariabele {naam} is leeg of ontbreekt.")
    return waarde


def _gebruiker(mailbox: Mailbox) -> str:
    return mailbox.gebruiker or mailbox.adres


def _sleutel(mailbox: Mailbox) -> tuple:
    """What identifies a source: its kind, its variables and their values (a rotated secret is a
    new source) and the user (Google's token is per impersonated user)."""
    variabele = mailbox.geheim_variabele
    waarden = tuple(
        os.environ.get(f"{variabele}{achtervoegsel}", "")
        for achtervoegsel in ("", "_CLIENT_ID", "_TENANT", "_AUTHORITY")
    )
    return (mailbox.aanmelding, variabele, waarden, _gebruiker(mailbox))


def access_token(mailbox: Mailbox) -> str:
    """The access token for the mailbox's XOAUTH2 login, a kept one while it is valid for more
    than MARGE. Raises TokenFout."""
    if mailbox.aanmelding not in (Aanmelding.MICROSOFT365, Aanmelding.GOOGLE):
        raise TokenFout(f"Geen tokenbron voor aanmelding {mailbox.aanmelding}.")
    if not mailbox.geheim_variabele:
        raise TokenFout("Geen omgevingsvariabele voor de tokenbron ingesteld.")
    sleutel = _sleutel(mailbox)
    with _slot:
        bron = _bronnen.setdefault(sleutel, _Bron())
        if bron.token and bron.verloopt and bron.verloopt - MARGE > _nu():
            return bron.token
        if mailbox.aanmelding == Aanmelding.MICROSOFT365:
            bron.token, bron.verloopt = _microsoft(bron, mailbox.geheim_variabele)
        else:
            bron.token, bron.verloopt = _google(bron, mailbox.geheim_variabele, _gebruiker(mailbox))
        return bron.token


def vergeten(mailbox: Mailbox) -> None:
    """Drop the mailbox's kept token and client (the server refused the token: revoked, or rights
    changed). The client goes too: msal keeps the token in a cache of its own."""
    with _slot:
        _bronnen.pop(_sleutel(mailbox), None)


def alles_vergeten() -> None:
    """Drop every kept client and token (tests; a process that reloads its configuration)."""
    with _slot:
        _bronnen.clear()


def _microsoft(bron: _Bron, variabele: str) -> tuple[str, dt.datetime]:
    """Client credentials flow (msal): the app's own token for IMAP, no user involved."""
    import msal  # imported when a Microsoft 365 mailbox is read, not by every process

    geheim = _omgeving(variabele)
    client_id = _omgeving(f"{variabele}_CLIENT_ID")
    if bron.client is None:
        authority = os.environ.get(f"{variabele}_AUTHORITY", "").strip()
        eigen_authority = bool(authority)
        if not authority:
            authority = MICROSOFT_AUTHORITY.format(tenant=_omgeving(f"{variabele}_TENANT"))
        try:
            bron.client = msal.ConfidentialClientApplication(
                client_id,
                client_credential=geheim,
                authority=authority,
                # A replaced authority (national cloud, test) is not looked up at Microsoft.
                instance_discovery=False if eigen_authority else None,
            )
        except (ValueError, OSError) as exc:  # requests' errors are OSErrors
            raise TokenFout(f"Microsoft 365: authority {authority} onbruikbaar: {exc}") from exc
    begin = _nu()
    try:
        antwoord = bron.client.acquire_token_for_client(scopes=[MICROSOFT_SCOPE])
    except OSError as exc:
        raise TokenFout(f"Microsoft 365: tokendienst onbereikbaar: {exc}") from exc
    if "access_token" not in antwoord:
        fout = antwoord.get("error_description") or antwoord.get("error") or "onbekende fout"
        raise TokenFout(f"Microsoft 365 weigert het token: {fout}"[:1000])
    return antwoord["access_token"], begin + dt.timedelta(seconds=int(antwoord["expires_in"]))


def _google_sleutel(variabele: str) -> dict:
    waarde = _omgeving(variabele)
    try:
        if waarde.startswith("{"):
            return json.loads(waarde)
        return json.loads(Path(waarde).read_text())
    except (OSError, ValueError) as exc:
        raise TokenFout(
            f"Google: {variabele} bevat geen JSON-sleutel van een serviceaccount en geen pad "
            f"naar een leesbaar sleutelbestand ({type(exc).__name__})."
        ) from exc


def _google(bron: _Bron, variabele: str, gebruiker: str) -> tuple[str, dt.datetime]:
    """Service account with domain-wide delegation (google-auth): a signed assertion for the
    mailbox's user, exchanged for an access token."""
    import google.auth.exceptions
    import google.auth.transport.requests
    from google.oauth2 import service_account

    if bron.client is None:
        try:
            bron.client = service_account.Credentials.from_service_account_info(
                _google_sleutel(variabele), scopes=[GOOGLE_SCOPE], subject=gebruiker
            )
        except (ValueError, KeyError) as exc:
            raise TokenFout(f"Google: sleutel in {variabele} onbruikbaar: {exc}") from exc
    try:
        bron.client.refresh(google.auth.transport.requests.Request())
    except google.auth.exceptions.GoogleAuthError as exc:
        raise TokenFout(f"Google weigert het token: {exc}"[:1000]) from exc
    # google-auth keeps the expiry as a naive UTC datetime
    return bron.client.token, bron.client.expiry.replace(tzinfo=dt.UTC)
