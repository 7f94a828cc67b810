"""What the tests of the e-mail channel share: the sample messages (tests/mail/), a mailbox per
label, and Anna de Vries's complaint that her e-mails answer."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from klachten.models import Bericht, Kanaal, Klacht
from klachten.workflow import BerichtSoort, Status
from tests.factories import klacht_in_status

MAP = Path(__file__).resolve().parent / "mail"
# Our Message-IDs as the samples quote them (monster replaces them by a real one).
ONS_ID_IN_MONSTER = {
    "<bericht-42.20261207091200123456@example.nl>",
    "<bericht-43.20261207091500000001@example.nl>",
    "<bericht-44.20261207091500000002@example.nl>",
}


def monster(naam: str, message_id: str | None = None) -> bytes:
    """A sample message; with `message_id`, our Message-ID in it replaced by that one."""
    ruw = (MAP / naam).read_bytes()
    if message_id is not None:
        for oud in ONS_ID_IN_MONSTER:
            ruw = ruw.replace(oud.encode(), message_id.encode())
    return ruw


def mail(*, van: str, aan: str = "klachten@zuid.example", onderwerp: str, tekst: str, **koppen):
    bericht = EmailMessage()
    bericht["From"] = van
    bericht["To"] = aan
    bericht["Subject"] = onderwerp
    bericht["Message-ID"] = f"<{abs(hash((van, onderwerp, tekst)))}@klant.example>"
    for kop, waarde in koppen.items():
        bericht[kop.replace("_", "-")] = waarde
    bericht.set_content(tekst)
    return bytes(bericht)


def bevestiging(klacht: Klacht) -> Bericht:
    return Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING)


def annas_klacht(status: Status, *, behandelaar, categorie) -> Klacht:
    """Anna de Vries's complaint (filed by phone, so the e-mails are hers alone), in `status`,
    with `behandelaar` as its handler and its acknowledgement sent."""
    klacht = klacht_in_status(
        status,
        door=behandelaar,
        categorie=categorie,
        klant_naam="Anna de Vries",
        klant_email="anna.devries@gmail.example",
        kanaal=Kanaal.TELEFOON,
    )
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=behandelaar)
    return Klacht.objects.get(pk=klacht.pk)
