"""The OAuth2 token sources of the IMAP source (klachten.berichten.inkomend.tokens; issue 17):
Microsoft 365 (msal, client credentials) and Google Workspace (google-auth, a service account with
domain-wide delegation) against a local identity provider over HTTPS, and a real Dovecot that
accepts only the tokens that identity provider issued (tests/processen.Imapserver, oauth2=True).

The identity provider here is the test's own: msal is pointed at it through V_AUTHORITY (it reads
the OpenID configuration and posts the client credentials there, as it does at
login.microsoftonline.com), google-auth through the key's token_uri (it posts a signed JWT
assertion, which is checked with the key's public half). No internet."""

import datetime as dt
import itertools
import json
import ssl
import subprocess
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from klachten import berichten
from klachten.berichten.inkomend import tokens
from klachten.models import Aanmelding, Beveiliging, Klacht, Mailbox
from tests.processen import Imapserver, vrije_poort

pytestmark = pytest.mark.django_db

_NUMMERS = itertools.count(1)
TENANT = "a1b2c3d4-0000-4000-8000-0000000000aa"
CLIENT_ID = "5e6f7a8b-0000-4000-8000-0000000000bb"
CLIENT_SECRET = "app-geheim-niet-loggen"


class Identiteitsdienst:
    """A local identity provider over HTTPS: Microsoft's OpenID discovery and v2.0 token endpoint
    (client credentials) and Google's token endpoint (JWT bearer assertion). It issues tokens the
    Dovecot fixture accepts (`imapserver.token_uitgeven`) for the user it was told the app or
    service account may read."""

    def __init__(self, map, imapserver: Imapserver):
        self.imapserver = imapserver
        self.certificaat, sleutel = map / "idp.pem", map / "idp-sleutel.pem"
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost"),
                *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
                *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
                *("-keyout", str(sleutel), "-out", str(self.certificaat)),
            ],
            capture_output=True,
            check=True,
        )
        self.microsoft_gebruiker = ""  # the mailbox the app registration may read
        self.google_publiek = None  # the service account's public key
        self.verzoeken: list[str] = []  # "discovery", "microsoft", "google"
        self.uitgegeven: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", vrije_poort()), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certificaat, sleutel)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.basis = f"https://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def sluiten(self):
        self.server.shutdown()
        self.server.server_close()

    def _uitgeven(self, gebruiker: str) -> dict:
        token = self.imapserver.token_uitgeven(gebruiker)
        self.uitgegeven.append(token)
        return {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def _handler(self):
        dienst = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, inhoud: dict):
                data = json.dumps(inhoud).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.startswith(f"/{TENANT}/v2.0/.well-known/openid-configuration"):
                    dienst.verzoeken.append("discovery")
                    basis = f"{dienst.basis}/{TENANT}"
                    return self._json(
                        200,
                        {
                            "issuer": f"{basis}/v2.0",
                            "authorization_endpoint": f"{basis}/oauth2/v2.0/authorize",
                            "token_endpoint": f"{basis}/oauth2/v2.0/token",
                        },
                    )
                self._json(404, {"error": "not_found"})

            def do_POST(self):
                lengte = int(self.headers["Content-Length"])
                velden = {k: v[0] for k, v in parse_qs(self.rfile.read(lengte).decode()).items()}
                if self.path == f"/{TENANT}/oauth2/v2.0/token":
                    dienst.verzoeken.append("microsoft")
                    if (
                        velden.get("grant_type") != "client_credentials"
                        or velden.get("client_id") != CLIENT_ID
                        or velden.get("client_secret") != CLIENT_SECRET
                    ):
                        return self._json(
                            401,
                            {
                                "error": "invalid_client",
                                "error_description": "AADSTS7000215: Invalid client secret.",
                            },
                        )
                    assert tokens.MICROSOFT_SCOPE in velden["scope"].split()
                    return self._json(200, dienst._uitgeven(dienst.microsoft_gebruiker))
                if self.path == "/google/token":
                    dienst.verzoeken.append("google")
                    assert velden["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
                    bewering = jwt.decode(
                        velden["assertion"],
                        dienst.google_publiek,
                        algorithms=["RS256"],
                        # google-auth names Google's token endpoint, wherever it posts
                        audience="https://oauth2.googleapis.com/token",
                    )
                    assert bewering["scope"] == tokens.GOOGLE_SCOPE
                    return self._json(200, dienst._uitgeven(bewering["sub"]))
                self._json(404, {"error": "not_found"})

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture(scope="module")
def server():
    with Imapserver(oauth2=True) as imapserver:
        yield imapserver


@pytest.fixture
def idp(server, tmp_path, monkeypatch):
    dienst = Identiteitsdienst(tmp_path, server)
    # requests (under msal and google-auth) trusts the local certificate through its usual variable
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(dienst.certificaat))
    tokens.alles_vergeten()
    yield dienst
    tokens.alles_vergeten()
    dienst.sluiten()


def klacht_mail(nummer: int) -> bytes:
    return (
        f"From: Klant {nummer} <klant{nummer}@klant.example>\r\n"
        "To: klachten@zuid.example\r\n"
        f"Subject: Mijn declaratie ({nummer})\r\n"
        f"Message-ID: <token-{nummer}-{uuid.uuid4().hex}@klant.example>\r\n"
        "Date: Mon, 07 Dec 2026 10:12:00 +0100\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Klacht {nummer}: de declaratie is niet betaald.\r\n"
    ).encode()


def _mailbox(server, label, aanmelding: str) -> Mailbox:
    gebruiker = server.gebruiker_maken(f"oauth{next(_NUMMERS)}@zuid.example", "niet-gebruikt")
    return Mailbox.objects.create(
        label=label,
        adres=gebruiker,
        imap_host=server.HOST,
        imap_poort=server.poort,
        beveiliging=Beveiliging.GEEN,
        aanmelding=aanmelding,
        geheim_variabele="TEST_M365",
    )


@pytest.fixture
def microsoft(server, label, idp, monkeypatch):
    mailbox = _mailbox(server, label, Aanmelding.MICROSOFT365)
    idp.microsoft_gebruiker = mailbox.adres
    monkeypatch.setenv("TEST_M365", CLIENT_SECRET)
    monkeypatch.setenv("TEST_M365_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TEST_M365_TENANT", TENANT)
    monkeypatch.setenv("TEST_M365_AUTHORITY", f"{idp.basis}/{TENANT}")
    return mailbox


def test_microsoft365_token_wordt_lui_gehaald_bewaard_en_voor_het_verlopen_vernieuwd(
    server, idp, microsoft
):
    assert idp.verzoeken == []  # nothing built or asked before a mailbox is read
    server.toevoegen(microsoft.adres, klacht_mail(1))

    assert berichten.mailbox_lezen(microsoft).nieuw == 1
    assert idp.verzoeken == ["discovery", "microsoft"]
    microsoft.refresh_from_db()
    assert microsoft.laatste_fout == ""

    # The next run (beat, a minute later) logs in with the kept token.
    server.toevoegen(microsoft.adres, klacht_mail(2))
    assert berichten.mailbox_lezen(microsoft).nieuw == 1
    assert idp.verzoeken == ["discovery", "microsoft"]

    # Within five minutes of its expiry (3,600 s) a new token is asked for, the client is kept.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=56), tick=True):
        server.toevoegen(microsoft.adres, klacht_mail(3))
        assert berichten.mailbox_lezen(microsoft).nieuw == 1
    assert idp.verzoeken == ["discovery", "microsoft", "microsoft"]
    assert len(set(idp.uitgegeven)) == 2
    assert Klacht.objects.count() == 3


def test_een_ingetrokken_token_wordt_vergeten_en_de_volgende_ronde_vernieuwd(
    server, idp, microsoft
):
    server.toevoegen(microsoft.adres, klacht_mail(1))
    assert berichten.mailbox_lezen(microsoft).nieuw == 1
    server.token_intrekken(idp.uitgegeven[0])

    server.toevoegen(microsoft.adres, klacht_mail(2))
    assert berichten.mailbox_lezen(microsoft).nieuw == 0
    microsoft.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in microsoft.laatste_fout

    assert berichten.mailbox_lezen(microsoft).nieuw == 1
    assert idp.verzoeken == ["discovery", "microsoft", "discovery", "microsoft"]
    microsoft.refresh_from_db()
    assert microsoft.laatste_fout == ""


def test_een_geweigerd_clientgeheim_staat_op_de_mailbox_zonder_het_geheim(
    server, idp, microsoft, monkeypatch
):
    monkeypatch.setenv("TEST_M365", "verkeerd-geheim-niet-loggen")
    server.toevoegen(microsoft.adres, klacht_mail(1))

    assert berichten.mailbox_lezen(microsoft).nieuw == 0

    microsoft.refresh_from_db()
    assert "Microsoft 365 weigert het token" in microsoft.laatste_fout
    assert "AADSTS7000215" in microsoft.laatste_fout
    assert "niet-loggen" not in microsoft.laatste_fout
    assert Klacht.objects.count() == 0


def test_ontbrekende_variabele_wordt_bij_naam_genoemd(server, idp, microsoft, monkeypatch):
    monkeypatch.delenv("TEST_M365_CLIENT_ID")

    assert berichten.mailbox_lezen(microsoft).nieuw == 0

    microsoft.refresh_from_db()
    assert "TEST_M365_CLIENT_ID is leeg of ontbreekt" in microsoft.laatste_fout
    assert idp.verzoeken == []


def _serviceaccount(idp) -> dict:
    sleutel = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.google_publiek = sleutel.public_key()
    pem = sleutel.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": "klachten-test",
        "private_key_id": "sleutel-1",
        "private_key": pem,
        "client_email": "imap-lezer@klachten-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": f"{idp.basis}/google/token",
    }


@pytest.mark.parametrize("als_bestand", [False, True], ids=["json", "bestand"])
def test_google_serviceaccount_leest_de_mailbox_als_zijn_gebruiker(
    server, label, idp, monkeypatch, tmp_path, als_bestand
):
    mailbox = _mailbox(server, label, Aanmelding.GOOGLE)
    sleutel = json.dumps(_serviceaccount(idp))
    if als_bestand:
        pad = tmp_path / "serviceaccount.json"
        pad.write_text(sleutel)
        sleutel = str(pad)
    monkeypatch.setenv("TEST_M365", sleutel)
    server.toevoegen(mailbox.adres, klacht_mail(1))

    assert berichten.mailbox_lezen(mailbox).nieuw == 1
    server.toevoegen(mailbox.adres, klacht_mail(2))
    assert berichten.mailbox_lezen(mailbox).nieuw == 1

    # one assertion, for the mailbox's own user (the token server issues for its `sub`)
    assert idp.verzoeken == ["google"]
    assert server.tokens[idp.uitgegeven[0]] == mailbox.adres
    assert Klacht.objects.count() == 2


def test_google_onleesbare_sleutel(server, label, idp, monkeypatch):
    mailbox = _mailbox(server, label, Aanmelding.GOOGLE)
    monkeypatch.setenv("TEST_M365", "/bestaat/niet.json")

    assert berichten.mailbox_lezen(mailbox).nieuw == 0

    mailbox.refresh_from_db()
    assert "TEST_M365 bevat geen JSON-sleutel" in mailbox.laatste_fout
    assert idp.verzoeken == []
