"""The inbound e-mail benchmark (issue 17, acceptance 7; docs/benchmarks.md): how many inbound
messages per second one mailbox gets through the real pipeline (store, then classify, thread and
land: klachten.berichten.inkomend), read from a local folder and from a real Dovecot over IMAP.

The messages are the sample messages of tests/mail with fresh ids, in a fixed mix per ten:
four new complaints (each from its own sender: the per-sender limit is not what is measured), four
customer replies threaded by our Message-ID, one out-of-office reply and one bounce. Replies,
out-of-office replies and bounces answer the acknowledgements of a pool of complaints made
beforehand (one per ten messages, acknowledgement marked sent), outside the measurement.

Per source: messages per second over the whole read (fetching, storing, processing, flagging on
the server), p50/p95 of the store-and-process step per message, and database queries per message
(all queries of the read, counted with a connection execute wrapper), also per kind of message.
`manage.py benchmark_inkomend` runs it; tests/test_benchmark_inkomend.py runs it small."""

from __future__ import annotations

import os
import re
import secrets
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection

from klachten import berichten, services
from klachten.berichten.inkomend import bronnen, imap
from klachten.models import (
    Bericht,
    BerichtStatus,
    Beveiliging,
    InkomendBericht,
    Kanaal,
    Label,
    Mailbox,
)
from klachten.workflow import BerichtSoort

MONSTERS = Path(settings.BASE_DIR) / "tests" / "mail"
ONS_ID_IN_MONSTER = (
    b"<bericht-42.20261207091200123456@example.nl>",
    b"<bericht-43.20261207091500000001@example.nl>",
)
NIEUW = {
    "nieuwe-klacht-latin1.eml": b"renee.muller@provider.example",
    "nieuwe-klacht-inline-afbeelding.eml": b"sanne.peeters@gmail.example",
}
ANTWOORDEN = ("antwoord-nl-gmail.eml", "antwoord-fr-gmail.eml", "antwoord-nl-outlook.eml")
AUTOMATISCH = ("afwezig-exchange.eml",)
ONBESTELBAAR = ("bounce-gmail.eml", "bounce-postfix.eml")
# The mix per ten messages.
MIX = ("nieuw",) * 4 + ("antwoord",) * 4 + ("automatisch", "onbestelbaar")
_MESSAGE_ID = re.compile(rb"^Message-I[dD]: <[^>]+>", re.MULTILINE)
WACHTWOORD_VARIABELE = "BENCHMARK_INKOMEND_WACHTWOORD"


@dataclass
class Meting:
    """The figures of one source."""

    bron: str
    aantal: int
    seconden: float = 0.0
    per_bericht_s: list[float] = field(default_factory=list)
    queries: int = 0
    per_soort: dict[str, list[tuple[float, int]]] = field(default_factory=dict)

    @property
    def per_seconde(self) -> float:
        return self.aantal / self.seconden if self.seconden else 0.0

    @staticmethod
    def _percentiel(waarden: list[float], p: int) -> float:
        if len(waarden) < 2:
            return waarden[0] if waarden else 0.0
        return statistics.quantiles(waarden, n=100, method="inclusive")[p - 1]

    def p50_ms(self) -> float:
        return self._percentiel(self.per_bericht_s, 50) * 1000

    def p95_ms(self) -> float:
        return self._percentiel(self.per_bericht_s, 95) * 1000

    @property
    def queries_per_bericht(self) -> float:
        return self.queries / self.aantal if self.aantal else 0.0

    def regels(self) -> list[str]:
        uit = [
            f"{self.bron}: {self.aantal} berichten in {self.seconden:.1f} s = "
            f"{self.per_seconde:.1f} berichten/s; opslaan+verwerken per bericht p50 "
            f"{self.p50_ms():.1f} ms, p95 {self.p95_ms():.1f} ms; "
            f"{self.queries_per_bericht:.1f} queries per bericht"
        ]
        for soort, metingen in sorted(self.per_soort.items()):
            tijden = [t for t, _q in metingen]
            uit.append(
                f"  {soort:<14} {len(metingen):>6}  p50 {self._percentiel(tijden, 50) * 1000:6.1f}"
                f" ms  p95 {self._percentiel(tijden, 95) * 1000:6.1f} ms  "
                f"{sum(q for _t, q in metingen) / len(metingen):5.1f} queries"
            )
        return uit

    def als_dict(self) -> dict:
        return {
            "bron": self.bron,
            "aantal": self.aantal,
            "seconden": round(self.seconden, 3),
            "berichten_per_seconde": round(self.per_seconde, 2),
            "p50_ms": round(self.p50_ms(), 2),
            "p95_ms": round(self.p95_ms(), 2),
            "queries_per_bericht": round(self.queries_per_bericht, 2),
            "per_soort": {
                soort: {
                    "aantal": len(m),
                    "p50_ms": round(self._percentiel([t for t, _ in m], 50) * 1000, 2),
                    "queries_per_bericht": round(sum(q for _, q in m) / len(m), 2),
                }
                for soort, m in sorted(self.per_soort.items())
            },
        }


def label_kiezen() -> Label:
    label = Label.objects.filter(is_standaard=True).first() or Label.objects.order_by("pk").first()
    if label is None:
        label = Label.objects.create(
            naam="Benchmark inkomend", slug="bm-inkomend", email="klachten@inkomend.example"
        )
    return label


def mailbox_maken(label: Label, *, adres: str, **velden) -> Mailbox:
    return Mailbox.objects.create(label=label, adres=adres, **velden)


def pool_maken(label: Label, aantal: int, ronde: str) -> list[str]:
    """`aantal` e-mail complaints with their acknowledgement marked sent: the Message-IDs the
    replies, out-of-office replies and bounces answer."""
    ids = []
    for nummer in range(aantal):
        klacht = services.klacht_registreren(
            label=label,
            kanaal=Kanaal.EMAIL,
            klant_naam=f"Klant {nummer}",
            klant_email=f"pool{nummer}.{ronde}@klant.example",
            categorie=None,
            omschrijving="Mijn declaratie is na zes weken nog niet betaald.",
        )
        bevestiging = (
            Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING)
            .order_by("pk")
            .first()
        )
        Bericht.objects.filter(pk=bevestiging.pk).update(status=BerichtStatus.VERZONDEN)
        ids.append(berichten.message_id(bevestiging))
    return ids


def berichten_maken(aantal: int, ons: list[str], ronde: str) -> list[tuple[str, bytes]]:
    """The raw messages of a run, (kind, raw), in the fixed mix (see the module's docstring)."""
    monsters = {p.name: p.read_bytes() for p in MONSTERS.glob("*.eml")}
    uit = []
    for nummer in range(aantal):
        soort = MIX[nummer % len(MIX)]
        eigen_id = f"Message-ID: <bm-{ronde}-{nummer}@inkomend.example>".encode()
        if soort == "nieuw":
            naam = tuple(NIEUW)[nummer % len(NIEUW)]
            ruw = monsters[naam].replace(
                NIEUW[naam], f"klant{nummer}.{ronde}@klant.example".encode()
            )
        else:
            keuze = {"antwoord": ANTWOORDEN, "automatisch": AUTOMATISCH}.get(soort, ONBESTELBAAR)
            ruw = monsters[keuze[(nummer // len(MIX)) % len(keuze)]]
            doel = ons[(nummer // len(MIX)) % len(ons)].encode()
            for oud in ONS_ID_IN_MONSTER:
                ruw = ruw.replace(oud, doel)
        ruw = _MESSAGE_ID.sub(eigen_id, ruw, count=1)
        uit.append((soort, ruw))
    return uit


@contextmanager
def _meten(meting: Meting) -> Iterator[None]:
    """Count every query, and time each message's store-and-process step, during a read."""
    teller = {"n": 0}

    def tellen(execute, sql, params, many, context):
        teller["n"] += 1
        return execute(sql, params, many, context)

    origineel = bronnen.ontvangen_en_tellen
    per_soort: dict[str, list[tuple[float, int]]] = defaultdict(list)

    def getimed(*args, **kwargs):
        begin, queries = time.perf_counter(), teller["n"]
        inkomend = origineel(*args, **kwargs)
        duur = time.perf_counter() - begin
        meting.per_bericht_s.append(duur)
        per_soort[inkomend.soort or inkomend.status].append((duur, teller["n"] - queries))
        return inkomend

    with (
        connection.execute_wrapper(tellen),
        mock.patch.object(bronnen, "ontvangen_en_tellen", getimed),
        mock.patch.object(imap, "ontvangen_en_tellen", getimed),
    ):
        begin = time.perf_counter()
        yield
        meting.seconden = time.perf_counter() - begin
    meting.queries = teller["n"]
    meting.per_soort = dict(per_soort)


def _controleren(mailbox: Mailbox, aantal: int) -> None:
    verwerkt = InkomendBericht.objects.filter(mailbox=mailbox).exclude(status="nieuw").count()
    if verwerkt != aantal:
        raise RuntimeError(f"{mailbox.adres}: {verwerkt} van {aantal} berichten verwerkt.")


def map_meten(aantal: int, *, label: Label | None = None) -> Meting:
    """The local folder source (bronnen.map_lezen): `aantal` `.eml` files in one folder."""
    label = label or label_kiezen()
    ronde = secrets.token_hex(4)
    ons = pool_maken(label, max(1, aantal // len(MIX)), ronde)
    mailbox = mailbox_maken(label, adres=f"map-{ronde}@inkomend.example")
    meting = Meting("map", aantal)
    with tempfile.TemporaryDirectory(prefix="bm-inkomend-") as tijdelijk:
        map = Path(tijdelijk)
        for nummer, (_soort, ruw) in enumerate(berichten_maken(aantal, ons, ronde)):
            (map / f"{nummer:06d}.eml").write_bytes(ruw)
        with _meten(meting):
            ronde_uit = bronnen.map_lezen(mailbox, map=map)
    if ronde_uit.nieuw != aantal:
        raise RuntimeError(f"map: {ronde_uit.nieuw} van {aantal} nieuw opgeslagen.")
    _controleren(mailbox, aantal)
    return meting


def imap_meten(aantal: int, *, label: Label | None = None, uit=None) -> tuple[Meting, float]:
    """The IMAP source (imap.mailbox_lezen) against a real Dovecot started for the run
    (tests/processen.Imapserver): `aantal` messages APPENDed first over one connection, then
    the timed read. Returns the figures and the seconds the APPENDs took."""
    from tests.processen import Imapserver  # the Dovecot fixture; needs dovecot-imapd

    label = label or label_kiezen()
    ronde = secrets.token_hex(4)
    ons = pool_maken(label, max(1, aantal // len(MIX)), ronde)
    meting = Meting("imap", aantal)
    with Imapserver() as server:
        wachtwoord = secrets.token_urlsafe(12)
        gebruiker = server.gebruiker_maken(f"imap-{ronde}@inkomend.example", wachtwoord)
        begin = time.perf_counter()
        verbinding = server.verbinding(gebruiker)
        try:
            for nummer, (_soort, ruw) in enumerate(berichten_maken(aantal, ons, ronde), 1):
                verbinding.append("INBOX", None, None, ruw.replace(b"\r\n", b"\n"))
                if uit is not None and nummer % 1000 == 0:
                    uit.write(f"  {nummer} berichten toegevoegd\n")
        finally:
            verbinding.logout()
        toevoegen_s = time.perf_counter() - begin
        mailbox = mailbox_maken(
            label,
            adres=gebruiker,
            imap_host=server.HOST,
            imap_poort=server.poort,
            beveiliging=Beveiliging.GEEN,
            gebruiker=gebruiker,
            geheim_variabele=WACHTWOORD_VARIABELE,
        )
        vorig = os.environ.get(WACHTWOORD_VARIABELE)
        os.environ[WACHTWOORD_VARIABELE] = wachtwoord
        try:
            with _meten(meting):
                ronde_uit = imap.mailbox_lezen(mailbox)
        finally:
            if vorig is None:
                os.environ.pop(WACHTWOORD_VARIABELE, None)
            else:
                os.environ[WACHTWOORD_VARIABELE] = vorig
        mailbox.refresh_from_db()
        if mailbox.laatste_fout or ronde_uit.nieuw != aantal:
            raise RuntimeError(f"imap: {ronde_uit.nieuw} van {aantal}; {mailbox.laatste_fout}")
        ongezien = [u for u, v in server.vlaggen(gebruiker).items() if "\\Seen" not in v]
        if ongezien:
            raise RuntimeError(f"imap: {len(ongezien)} berichten niet als gelezen gemarkeerd.")
    _controleren(mailbox, aantal)
    return meting, toevoegen_s
