"""The private IMAP server of the e-mail channel's tests (tests/processen.py, `Imapserver`; issue
17, "Real components"): a real Dovecot that keeps what is appended, with the UIDs, UIDVALIDITY and
flags a mail client relies on, across a restart; refuses connections once killed; keeps users apart;
speaks TLS with a certificate a client can verify; and takes OAuth2 logins (XOAUTH2, OAUTHBEARER)
with tokens the test issues. The sample messages of tests/mail (the real-world cases of issue 17's
acceptance 4) go through it unharmed.

One server for the module (it starts in about a tenth of a second, but there is no need to start it
per test); every test makes its own user, so no test sees another's messages.
"""

import email
import email.policy
import imaplib
import itertools
import re
import ssl
from pathlib import Path

import pytest

from tests.processen import Imapserver, poort_open

_NUMMERS = itertools.count(1)


@pytest.fixture(scope="module")
def server():
    with Imapserver() as imapserver:
        yield imapserver
        fouten = [
            r for r in imapserver.log().splitlines() if re.search(r": (Error|Fatal|Panic):", r)
        ]
        assert not fouten, "\n".join(fouten)


@pytest.fixture
def gebruiker(server) -> str:
    """A user of its own for this test, with an empty INBOX."""
    nummer = next(_NUMMERS)
    return server.gebruiker_maken(f"klachten{nummer}@label.example", f"wachtwoord-{nummer}")


def bericht(nummer: int, *, afzender: str = "anna@example.nl") -> bytes:
    return (
        f"From: Anna de Vries <{afzender}>\r\n"
        "To: klachten@label.example\r\n"
        f"Subject: Mijn declaratie ({nummer})\r\n"
        f"Message-ID: <bericht-{nummer}@example.nl>\r\n"
        "Date: Mon, 07 Dec 2026 10:12:00 +0100\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"Bericht {nummer}: de declaratie is na zes weken nog niet betaald. Groet, Anna \u00e9\r\n"
    ).encode()


def vlaggen_van(antwoord: list) -> dict[int, set[str]]:
    """UID -> flags from the lines of a UID FETCH (UID FLAGS) answer."""
    uitkomst = {}
    for regel in antwoord:
        tekst = regel[0] if isinstance(regel, tuple) else regel
        gevonden = re.search(rb"UID (\d+)", tekst)
        vlaggen = re.search(rb"FLAGS \(([^)]*)\)", tekst)
        if gevonden and vlaggen:
            uitkomst[int(gevonden.group(1))] = set(vlaggen.group(1).decode().split())
    return uitkomst


def test_drie_berichten_met_uids_uidvalidity_en_vlaggen(server, gebruiker):
    uids = [
        server.toevoegen(gebruiker, bericht(1)),
        server.toevoegen(gebruiker, bericht(2)),
        server.toevoegen(gebruiker, bericht(3), flags=("\\Flagged",)),
    ]
    assert uids == [uids[0], uids[0] + 1, uids[0] + 2]
    assert server.uids(gebruiker) == uids
    uidvalidity = server.uidvalidity(gebruiker)
    assert uidvalidity > 0

    vlaggen = server.vlaggen(gebruiker)
    assert "\\Flagged" in vlaggen[uids[2]]
    assert not any("\\Seen" in v for v in vlaggen.values())

    with server.verbinding(gebruiker) as imap:
        status, antwoord = imap.select("INBOX")
        assert (status, antwoord) == ("OK", [b"3"])
        assert imap.untagged_responses["UIDVALIDITY"] == [str(uidvalidity).encode()]

        # Reading with PEEK changes nothing; the same message comes back byte for byte.
        status, antwoord = imap.uid("FETCH", str(uids[0]), "(BODY.PEEK[])")
        assert status == "OK"
        assert antwoord[0][1] == bericht(1)
        assert (
            "\\Seen" not in vlaggen_van(imap.uid("FETCH", str(uids[0]), "(UID FLAGS)")[1])[uids[0]]
        )

        # Reading without PEEK marks it read, as a mail client does.
        status, antwoord = imap.uid("FETCH", str(uids[1]), "(BODY[])")
        assert status == "OK"
        assert antwoord[0][1] == bericht(2)
        assert "\\Seen" in vlaggen_van(antwoord)[uids[1]]

        # STORE sets what the channel would set after processing.
        status, antwoord = imap.uid("STORE", str(uids[0]), "+FLAGS.SILENT", "(\\Seen \\Answered)")
        assert status == "OK"

    vlaggen = server.vlaggen(gebruiker)
    assert {"\\Seen", "\\Answered"} <= vlaggen[uids[0]]
    assert "\\Seen" in vlaggen[uids[1]]
    assert "\\Seen" not in vlaggen[uids[2]]
    # Searching for what is new is what an incremental reader asks.
    with server.verbinding(gebruiker) as imap:
        imap.select("INBOX", readonly=True)
        assert imap.uid("SEARCH", "UNSEEN")[1] == [str(uids[2]).encode()]
        assert imap.uid("SEARCH", f"UID {uids[1] + 1}:*")[1] == [str(uids[2]).encode()]


def test_stoppen_en_starten_bewaart_de_mailbox(server, gebruiker):
    eerste = server.toevoegen(gebruiker, bericht(4), flags=("\\Seen",))
    uidvalidity = server.uidvalidity(gebruiker)

    server.stoppen()
    assert not poort_open(server.poort)
    with pytest.raises(ConnectionRefusedError):
        imaplib.IMAP4(server.HOST, server.poort, timeout=5)
    server.starten()

    assert server.uidvalidity(gebruiker) == uidvalidity
    assert server.vlaggen(gebruiker) == {eerste: {"\\Seen"}}
    # UIDs are never reused: the next message gets the next one.
    assert server.toevoegen(gebruiker, bericht(5)) == eerste + 1


def test_een_gedode_server_weigert_verbindingen_en_verliest_niets(server, gebruiker):
    uid = server.toevoegen(gebruiker, bericht(6))
    uidvalidity = server.uidvalidity(gebruiker)

    server.doden()
    with pytest.raises(ConnectionRefusedError):
        imaplib.IMAP4(server.HOST, server.poort, timeout=5)
    assert not server.draait()

    server.starten()
    assert server.uidvalidity(gebruiker) == uidvalidity
    assert server.uids(gebruiker) == [uid]


def test_twee_gebruikers_zijn_gescheiden(server, gebruiker):
    ander = server.gebruiker_maken("klachten-ander@label.example", "een-ander-wachtwoord")
    server.toevoegen(gebruiker, bericht(7))
    server.toevoegen(ander, bericht(8, afzender="bert@example.nl"))
    server.toevoegen(ander, bericht(9, afzender="bert@example.nl"))

    with server.verbinding(gebruiker) as imap:
        imap.select("INBOX", readonly=True)
        onderwerpen = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1]
    assert [o[1].strip() for o in onderwerpen if isinstance(o, tuple)] == [
        b"Subject: Mijn declaratie (7)"
    ]
    assert len(server.uids(ander)) == 2

    # One user's password does not open the other's mailbox.
    imap = imaplib.IMAP4(server.HOST, server.poort, timeout=10)
    try:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.login(ander, server.wachtwoorden[gebruiker])
    finally:
        imap.shutdown()


def test_tls_met_een_certificaat_dat_de_client_controleert():
    with Imapserver(tls=True) as server:
        gebruiker = server.gebruiker_maken("klachten@label.example", "geheim-tls")
        uid = server.toevoegen(gebruiker, bericht(10))
        vertrouwd = ssl.create_default_context(cafile=str(server.certificaat))

        with imaplib.IMAP4_SSL(server.HOST, server.tls_poort, ssl_context=vertrouwd) as imap:
            imap.login(gebruiker, "geheim-tls")
            imap.select("INBOX", readonly=True)
            assert imap.uid("SEARCH", "ALL")[1] == [str(uid).encode()]

        with imaplib.IMAP4("localhost", server.poort, timeout=10) as imap:
            assert imap.starttls(ssl_context=vertrouwd)[0] == "OK"
            assert imap.login(gebruiker, "geheim-tls")[0] == "OK"

        # A client that trusts only the system's CAs refuses the throwaway certificate.
        with pytest.raises(ssl.SSLCertVerificationError):
            imaplib.IMAP4_SSL(
                server.HOST, server.tls_poort, ssl_context=ssl.create_default_context()
            )


def test_oauth2_xoauth2_en_oauthbearer_met_een_token_van_de_identiteitsprovider():
    """Microsoft 365 and Google Workspace log in with XOAUTH2 (or OAUTHBEARER) and an access
    token; the server asks the identity provider (the test's own introspection endpoint)."""
    with Imapserver(oauth2=True) as server:
        gebruiker = server.gebruiker_maken("klachten@label.example", "geheim-oauth")
        uid = server.toevoegen(gebruiker, bericht(11))
        token = server.token_uitgeven(gebruiker)

        def xoauth2(token: str):
            return lambda _: f"user={gebruiker}\x01auth=Bearer {token}\x01\x01".encode()

        with imaplib.IMAP4(server.HOST, server.poort, timeout=10) as imap:
            assert imap.authenticate("XOAUTH2", xoauth2(token))[0] == "OK"
            imap.select("INBOX", readonly=True)
            assert imap.uid("SEARCH", "ALL")[1] == [str(uid).encode()]

        oauthbearer = f"n,a={gebruiker},\x01auth=Bearer {token}\x01\x01".encode()
        with imaplib.IMAP4(server.HOST, server.poort, timeout=10) as imap:
            assert imap.authenticate("OAUTHBEARER", lambda _: oauthbearer)[0] == "OK"

        # A token of another user does not open this mailbox; a revoked one opens nothing.
        ander = server.token_uitgeven(server.gebruiker_maken("ander@label.example", "x-geheim"))
        server.token_intrekken(token)
        for ongeldig in (ander, token, "verzonnen-token"):
            imap = imaplib.IMAP4(server.HOST, server.poort, timeout=10)
            try:
                with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
                    imap.authenticate("XOAUTH2", xoauth2(ongeldig))
            finally:
                imap.shutdown()


MAIL = Path(__file__).parent / "mail"


def test_de_voorbeeldberichten_komen_heel_terug(server, gebruiker):
    """The sample messages of tests/mail (issue 17's real-world cases) survive a trip through the
    server: LF line endings come back as CRLF, every part still parses without defects."""
    voorbeelden = sorted(MAIL.glob("*.eml"))
    assert len(voorbeelden) >= 10
    uids = {pad.name: server.toevoegen(gebruiker, pad.read_bytes()) for pad in voorbeelden}

    with server.verbinding(gebruiker) as imap:
        imap.select("INBOX", readonly=True)
        for pad in voorbeelden:
            status, antwoord = imap.uid("FETCH", str(uids[pad.name]), "(BODY.PEEK[])")
            assert status == "OK"
            raw = antwoord[0][1]
            assert raw == pad.read_bytes().replace(b"\n", b"\r\n")
            bericht = email.message_from_bytes(raw, policy=email.policy.default)
            assert bericht["Message-ID"], pad.name
            assert not [d for deel in bericht.walk() for d in deel.defects], pad.name

    bounce = email.message_from_bytes(
        (MAIL / "bounce-gmail.eml").read_bytes(), policy=email.policy.default
    )
    status = next(d for d in bounce.walk() if d.get_content_type() == "message/delivery-status")
    ontvanger = status.get_payload()[1]
    assert (ontvanger["Action"], ontvanger["Status"]) == ("failed", "5.1.1")
    latin1 = email.message_from_bytes(
        (MAIL / "nieuwe-klacht-latin1.eml").read_bytes(), policy=email.policy.default
    )
    assert str(latin1["From"]).startswith("Renée Müller-Özdemir")
    assert "diëtist" in latin1.get_body(("plain",)).get_content()
