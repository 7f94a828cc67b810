"""The e-mail channel's IMAP source against a real Dovecot (tests/processen.Imapserver; issue 17):
new messages become complaints and replies, each message is read once over any number of runs,
marked \\Seen only after its row committed, a server killed mid-run is caught up by the next run,
and a changed UIDVALIDITY re-reads the folder without duplicates."""

import itertools
import uuid

import pytest

from klachten import berichten
from klachten.berichten.inkomend import imap
from klachten.berichten.tasks import mailboxen_lezen
from klachten.models import (
    Aanmelding,
    Beveiliging,
    Gebeurtenis,
    GebeurtenisSoort,
    InkomendBericht,
    Kanaal,
    Klacht,
    Mailbox,
)
from tests.processen import Imapserver

pytestmark = pytest.mark.django_db

_NUMMERS = itertools.count(1)


@pytest.fixture(scope="module")
def server():
    with Imapserver() as imapserver:
        yield imapserver


@pytest.fixture
def mailbox(server, label, monkeypatch):
    nummer = next(_NUMMERS)
    gebruiker = server.gebruiker_maken(f"klachten{nummer}@zuid.example", f"geheim-{nummer}")
    monkeypatch.setenv("TEST_MAILBOX_WACHTWOORD", f"geheim-{nummer}")
    return Mailbox.objects.create(
        label=label,
        adres=gebruiker,
        imap_host=server.HOST,
        imap_poort=server.poort,
        beveiliging=Beveiliging.GEEN,
        gebruiker=gebruiker,
        geheim_variabele="TEST_MAILBOX_WACHTWOORD",
    )


def klacht_mail(nummer: int, *, van: str = "anna@klant.example", onderwerp: str = "") -> bytes:
    return (
        f"From: Anna de Vries <{van}>\r\n"
        "To: klachten@zuid.example\r\n"
        f"Subject: {onderwerp or f'Mijn declaratie ({nummer})'}\r\n"
        f"Message-ID: <klacht-{nummer}-{uuid.uuid4().hex}@klant.example>\r\n"
        "Date: Mon, 07 Dec 2026 10:12:00 +0100\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"Klacht {nummer}: de declaratie is na zes weken nog niet betaald.\r\n"
    ).encode()


def test_nieuwe_berichten_worden_klachten_en_antwoorden_en_gelezen_gemarkeerd(server, mailbox):
    eerste = server.toevoegen(mailbox.gebruiker, klacht_mail(1))
    ronde = berichten.mailbox_lezen(mailbox)
    klacht = Klacht.objects.get()
    assert klacht.kanaal == Kanaal.EMAIL
    # The customer replies to the acknowledgement, through its Reply-To with the secret.
    antwoord = klacht_mail(2, onderwerp="Re: uw klacht").replace(
        b"To: klachten@zuid.example",
        f"To: klachten+{klacht.antwoord_sleutel}@zuid.example".encode(),
    )
    tweede = server.toevoegen(mailbox.gebruiker, antwoord)

    tweede_ronde = berichten.mailbox_lezen(mailbox)

    assert (ronde.nieuw, tweede_ronde.nieuw) == (1, 1)
    assert Klacht.objects.count() == 1
    assert Gebeurtenis.objects.filter(klacht=klacht, soort=GebeurtenisSoort.KLANTBERICHT).exists()
    assert server.vlaggen(mailbox.gebruiker) == {eerste: {"\\Seen"}, tweede: {"\\Seen"}}
    mailbox.refresh_from_db()
    assert mailbox.laatste_uid == tweede
    assert mailbox.uidvalidity == server.uidvalidity(mailbox.gebruiker)
    assert mailbox.gelezen_op is not None
    assert mailbox.laatste_fout == ""
    assert list(
        InkomendBericht.objects.order_by("imap_uid").values_list("imap_uid", flat=True)
    ) == [
        eerste,
        tweede,
    ]


def test_drie_rondes_lezen_elk_bericht_een_keer(server, mailbox):
    server.toevoegen(mailbox.gebruiker, klacht_mail(1, van="a@klant.example"))
    server.toevoegen(mailbox.gebruiker, klacht_mail(2, van="b@klant.example"))
    eerste = berichten.mailbox_lezen(mailbox)
    server.toevoegen(mailbox.gebruiker, klacht_mail(3, van="c@klant.example"))
    tweede = berichten.mailbox_lezen(mailbox)
    derde = berichten.mailbox_lezen(mailbox)

    assert [eerste.gelezen, tweede.gelezen, derde.gelezen] == [2, 1, 0]
    assert InkomendBericht.objects.count() == 3
    assert Klacht.objects.count() == 3


def test_server_gedood_midden_in_een_ronde_de_volgende_ronde_haalt_in(server, mailbox, monkeypatch):
    uids = [
        server.toevoegen(mailbox.gebruiker, klacht_mail(n, van=f"k{n}@klant.example"))
        for n in range(3)
    ]
    echt = imap.ontvangen_en_tellen

    def en_dan_de_server_doden(*args, **kwargs):
        inkomend = echt(*args, **kwargs)
        server.doden()  # after the first message is stored and processed, before \Seen
        return inkomend

    monkeypatch.setattr(imap, "ontvangen_en_tellen", en_dan_de_server_doden)
    berichten.mailbox_lezen(mailbox)
    monkeypatch.setattr(imap, "ontvangen_en_tellen", echt)

    mailbox.refresh_from_db()
    assert mailbox.laatste_fout
    assert mailbox.laatste_fout_op is not None
    assert mailbox.laatste_uid == 0  # nothing counted as read on the server
    assert Klacht.objects.count() == 1

    server.starten()
    ronde = berichten.mailbox_lezen(mailbox)

    assert (ronde.gelezen, ronde.nieuw) == (3, 2)  # the first again, found by its hash
    assert Klacht.objects.count() == 3
    assert InkomendBericht.objects.count() == 3
    assert server.vlaggen(mailbox.gebruiker) == {uid: {"\\Seen"} for uid in uids}
    mailbox.refresh_from_db()
    assert mailbox.laatste_fout == ""


def test_andere_uidvalidity_leest_alles_opnieuw_zonder_dubbele(server, mailbox):
    """The server renumbered the folder (simulated: the UIDVALIDITY we kept differs from the
    server's, as after a rebuilt index)."""
    for n in range(2):
        server.toevoegen(mailbox.gebruiker, klacht_mail(n, van=f"v{n}@klant.example"))
    berichten.mailbox_lezen(mailbox)
    Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=1, laatste_uid=999)

    ronde = berichten.mailbox_lezen(mailbox)

    assert (ronde.gelezen, ronde.nieuw) == (2, 0)
    assert InkomendBericht.objects.count() == 2
    assert Klacht.objects.count() == 2
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity == server.uidvalidity(mailbox.gebruiker)


def test_onbereikbare_mailbox_wordt_vastgelegd_en_later_opnieuw_geprobeerd(server, mailbox):
    server.toevoegen(mailbox.gebruiker, klacht_mail(1))
    server.stoppen()
    try:
        assert berichten.mailbox_lezen(mailbox).gelezen == 0
        mailbox.refresh_from_db()
        assert "ConnectionRefusedError" in mailbox.laatste_fout
    finally:
        server.starten()

    assert berichten.mailbox_lezen(mailbox).nieuw == 1
    mailbox.refresh_from_db()
    assert mailbox.laatste_fout == ""


def test_ontbrekend_geheim_wordt_vastgelegd(mailbox, monkeypatch):
    monkeypatch.delenv("TEST_MAILBOX_WACHTWOORD")

    berichten.mailbox_lezen(mailbox)

    mailbox.refresh_from_db()
    assert "TEST_MAILBOX_WACHTWOORD" in mailbox.laatste_fout


def test_de_beat_taak_leest_imap_en_de_lokale_map(server, mailbox, label, settings, tmp_path):
    settings.INKOMEND_MAP = tmp_path
    lokaal = Mailbox.objects.create(label=label, adres="lokaal@zuid.example")
    (tmp_path / lokaal.adres).mkdir()
    (tmp_path / lokaal.adres / "een.eml").write_bytes(klacht_mail(1, van="x@klant.example"))
    server.toevoegen(mailbox.gebruiker, klacht_mail(2, van="y@klant.example"))

    assert mailboxen_lezen() == 2
    assert mailboxen_lezen() == 0
    assert (tmp_path / lokaal.adres / "verwerkt" / "een.eml").exists()
    assert Klacht.objects.count() == 2


def test_oauth2_token_uit_de_omgeving(label, monkeypatch):
    """Microsoft 365 and Google Workspace: XOAUTH2 with an access token; a revoked one is an
    error on the mailbox, not a crash."""
    with Imapserver(oauth2=True) as oauth_server:
        gebruiker = oauth_server.gebruiker_maken("oauth@zuid.example", "niet-gebruikt")
        token = oauth_server.token_uitgeven(gebruiker)
        monkeypatch.setenv("TEST_MAILBOX_TOKEN", token)
        mailbox = Mailbox.objects.create(
            label=label,
            adres=gebruiker,
            imap_host=oauth_server.HOST,
            imap_poort=oauth_server.poort,
            beveiliging=Beveiliging.GEEN,
            aanmelding=Aanmelding.OAUTH2,
            geheim_variabele="TEST_MAILBOX_TOKEN",
        )
        oauth_server.toevoegen(gebruiker, klacht_mail(1))

        assert berichten.mailbox_lezen(mailbox).nieuw == 1

        oauth_server.token_intrekken(token)
        oauth_server.toevoegen(gebruiker, klacht_mail(2, van="b@klant.example"))
        assert berichten.mailbox_lezen(mailbox).nieuw == 0
        mailbox.refresh_from_db()
        assert "AUTHENTICATIONFAILED" in mailbox.laatste_fout
