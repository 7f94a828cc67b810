"""Reading one raw e-mail (stdlib `email` with policy.default): its headers decoded (encoded
words, any charset), its text (text/plain, or the HTML converted to text), its attachments, and
what a delivery status notification says."""

from __future__ import annotations

import datetime as dt
import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from charset_normalizer import from_bytes

MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Bijlage:
    naam: str
    inhoud: bytes
    content_type: str


@dataclass(frozen=True)
class Onbestelbaar:
    """What a delivery status notification (RFC 3464) reports about one of our messages."""

    message_ids: list[str]  # the Message-ID(s) of the original, as found in the report
    mislukt: bool  # Action: failed (delayed, relayed, delivered: not undelivered)
    antwoord: str  # Status and Diagnostic-Code, for the dossier


@dataclass
class Gelezen:
    bericht: EmailMessage
    message_id: str
    afzender: str  # the From line as read ("Name <address>")
    afzender_naam: str
    afzender_adres: str  # bare, lower case
    ontvangers: list[str]  # bare addresses of To, Cc, Delivered-To, X-Original-To (lower case)
    onderwerp: str
    verzonden_op: dt.datetime | None
    verwijzingen: list[str]  # Message-IDs of In-Reply-To and References, nearest first
    taal: str
    bijlagen: list[Bijlage] = field(default_factory=list)

    def kop(self, naam: str) -> str:
        waarde = self.bericht.get(naam)
        return str(waarde).strip() if waarde is not None else ""

    @property
    def tekst(self) -> str:
        return tekst_van(self.bericht)


def _kop(bericht: EmailMessage, naam: str) -> str:
    try:
        waarde = bericht.get(naam)
    except (ValueError, IndexError, TypeError):  # a malformed header the parser gives up on
        waarde = ""
    return " ".join(str(waarde or "").split())


def bericht_parsen(ruw: bytes) -> EmailMessage:
    return email.message_from_bytes(ruw, policy=policy.default)


def lezen(ruw: bytes) -> Gelezen:
    bericht = bericht_parsen(ruw)
    van = _kop(bericht, "From")
    naam, adres = parseaddr(van)
    ontvangers = [
        a.strip().lower()
        for kop in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
        for _n, a in getaddresses([str(w) for w in bericht.get_all(kop, [])])
        if a
    ]
    verwijzingen = list(
        reversed(
            MESSAGE_ID.findall(_kop(bericht, "References"))
            + MESSAGE_ID.findall(_kop(bericht, "In-Reply-To"))
        )
    )
    datum = None
    try:
        kop = bericht.get("Date")
        datum = kop.datetime if kop is not None else None
    except (ValueError, TypeError, AttributeError):
        datum = None
    if datum is not None and datum.tzinfo is None:
        datum = datum.replace(tzinfo=dt.UTC)
    return Gelezen(
        bericht=bericht,
        message_id=(MESSAGE_ID.findall(_kop(bericht, "Message-ID")) or [""])[0][:998],
        afzender=van[:998],
        afzender_naam=naam.strip(),
        afzender_adres=adres.strip().lower()[:254],
        ontvangers=ontvangers,
        onderwerp=_kop(bericht, "Subject"),
        verzonden_op=datum,
        verwijzingen=verwijzingen,
        taal=_kop(bericht, "Content-Language").split(",")[0].split("-")[0].strip().lower(),
        bijlagen=list(bijlagen_van(bericht)),
    )


def _inhoud(deel: EmailMessage) -> str:
    """The text of a text part; an undeclared or wrong charset read by charset-normalizer."""
    try:
        return deel.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError):
        ruw = deel.get_payload(decode=True) or b""
        gevonden = from_bytes(ruw).best()
        return str(gevonden) if gevonden is not None else ruw.decode("utf-8", "replace")


def tekst_van(bericht: EmailMessage) -> str:
    """The body as text: text/plain, or else the HTML converted to text."""
    deel = bericht.get_body(preferencelist=("plain",))
    if deel is not None:
        return _inhoud(deel).replace("\r\n", "\n").strip()
    deel = bericht.get_body(preferencelist=("html",))
    if deel is not None:
        return html_naar_tekst(_inhoud(deel))
    return ""


def bijlagen_van(bericht: EmailMessage):
    """Every attachment, an inline image (multipart/related, cid:) included."""
    for nummer, deel in enumerate(bericht.iter_attachments(), start=1):
        if deel.get_content_maintype() == "multipart":
            continue
        if deel.get_content_type() in ("message/delivery-status", "text/rfc822-headers"):
            continue
        inhoud = deel.get_payload(decode=True)
        if inhoud is None:  # message/rfc822: the whole message as its bytes
            inhoud = deel.as_bytes()
        naam = deel.get_filename() or f"bijlage-{nummer}"
        yield Bijlage(naam=naam[:255], inhoud=inhoud, content_type=deel.get_content_type())
    for deel in bericht.walk():
        # Inline images of multipart/related (iter_attachments leaves parts of the body alone).
        if (
            deel.get_content_maintype() == "image"
            and deel.get("Content-ID")
            and deel.get_content_disposition() != "attachment"
            and not deel.get_filename()
        ):
            inhoud = deel.get_payload(decode=True) or b""
            cid = str(deel.get("Content-ID")).strip("<> ")
            yield Bijlage(naam=cid[:255], inhoud=inhoud, content_type=deel.get_content_type())


def onbestelbaar(bericht: EmailMessage) -> Onbestelbaar | None:
    """What a delivery status notification says, or None when `bericht` is not one."""
    if bericht.get_content_type() != "multipart/report":
        return None
    if bericht.get_param("report-type", "").lower() != "delivery-status":
        return None
    acties: list[str] = []
    antwoorden: list[str] = []
    message_ids: list[str] = []
    for deel in bericht.walk():
        soort = deel.get_content_type()
        if soort == "message/delivery-status":
            for blok in deel.get_payload()[1:]:  # [0]: per message, then per recipient
                acties.append(str(blok.get("Action", "")).strip().lower())
                antwoorden.append(
                    " ".join(
                        " ".join(str(blok.get(kop)).split())
                        for kop in ("Status", "Diagnostic-Code")
                        if blok.get(kop)
                    )
                )
        elif soort == "text/rfc822-headers":
            koppen = email.message_from_string(_inhoud(deel), policy=policy.default)
            message_ids += MESSAGE_ID.findall(_kop(koppen, "Message-ID"))
        elif soort == "message/rfc822":
            for origineel in deel.iter_parts():
                message_ids += MESSAGE_ID.findall(_kop(origineel, "Message-ID"))
    return Onbestelbaar(
        message_ids=message_ids,
        mislukt="failed" in acties,
        antwoord="; ".join(a for a in antwoorden if a)[:2000],
    )


class _Tekst(HTMLParser):
    BLOK = frozenset(
        {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}
    )
    OVERSLAAN = frozenset({"script", "style", "head", "title"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.delen: list[str] = []
        self.overslaan = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.OVERSLAAN:
            self.overslaan += 1
        elif tag in self.BLOK:
            self.delen.append("\n")
        if tag == "li":
            self.delen.append("- ")

    def handle_endtag(self, tag):
        if tag in self.OVERSLAAN:
            self.overslaan = max(0, self.overslaan - 1)
        elif tag in self.BLOK:
            self.delen.append("\n")

    def handle_data(self, data):
        if not self.overslaan:
            self.delen.append(" ".join(data.split()) if data.strip() else " ")


def html_naar_tekst(html: str) -> str:
    """Readable text of an HTML mail (the complaint's description): blocks as lines, scripts and
    styles left out. What is shown of the HTML itself is the handler's screen's business."""
    lezer = _Tekst()
    lezer.feed(html)
    lezer.close()
    regels = [" ".join(r.split()) for r in "".join(lezer.delen).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(regels)).strip()
