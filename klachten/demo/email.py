"""The e-mail channel in the demo (issue 17): one mailbox per label without an IMAP server (read
from its local folder, INKOMEND_MAP/<address>/: the run command needs no mail server), and a few
conversations written as raw messages and read through the real pipeline
(klachten.berichten.inkomend.bronnen.map_lezen), each at its own moment (`klok`):

- a new complaint by e-mail, acknowledged and still te classificeren;
- a customer's reply with quoted history, on an open dossier (threaded by our Message-ID),
  answered by the handler with a reactie in the same thread;
- a customer's reply to the closing message of a closed complaint, about something new: the
  queue shows it and the dossier offers the handler's choices (reopen, reconsideration, a new
  complaint linked to it, or just a reactie);
- an out-of-office answering one of our messages (ignored: no reaction of the customer);
- a message the mail server flagged as spam, in quarantine for the beheerder.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from django.db.models import Max

from klachten import berichten, services
from klachten.berichten.inkomend.bronnen import map_lezen
from klachten.demo.draaiboek import klok
from klachten.models import Bericht, InkomendBericht, Klacht, Label, Mailbox
from klachten.workflow import BerichtSoort, Status, weigering

NIEUWE_KLACHT = (
    "Joke Verbeek",
    "joke.verbeek@example.com",
    "Declaratie fysiotherapie al zeven weken niet betaald",
    "Geachte heer, mevrouw,\n\n"
    "Op 14 oktober heb ik de nota van mijn fysiotherapeut (€ 412,50) gedeclareerd via de app. "
    "Na zeven weken is er nog steeds niets betaald en de telefonische klantenservice kan mij "
    "niet zeggen waarom. Ik wil dat het bedrag deze week wordt overgemaakt.\n\n"
    "Met vriendelijke groet,\nJoke Verbeek\nRelatienummer 40118273",
)
ANTWOORD = (
    "Goedemiddag,\n\n"
    "Dank voor uw bericht. De nota's van het ziekenhuis heb ik gisteren ook per post gestuurd; "
    "ik hoop dat u ze nu snel kunt beoordelen.\n\n"
    "Met vriendelijke groet,\n{naam}\n"
)
REACTIE = (
    "Beste {naam},\n\n"
    "Dank voor uw bericht en de nota's. We hebben ze ontvangen en nemen ze mee in ons "
    "onderzoek; u hoort zo snel mogelijk van ons.\n\n"
)
NA_AFSLUITING = (
    "Goedendag,\n\n"
    "Dank voor de afhandeling van mijn klacht. Inmiddels is er iets anders misgegaan: de premie "
    "voor deze maand is twee keer van mijn rekening afgeschreven. Wilt u het dubbele bedrag "
    "terugboeken?\n\n"
    "Met vriendelijke groet,\n{naam}\n"
)
AFWEZIG = (
    "Ik ben afwezig tot en met maandag en lees mijn e-mail niet. Uw bericht wordt niet "
    "doorgestuurd."
)
SPAM = ("Prijzenteam <winnaar@prijzen-actie.example>", "U heeft een iPhone gewonnen!")


def mailboxen_aanmaken() -> list[Mailbox]:
    """One mailbox per label, at the label's complaints address, without an IMAP server."""
    return [
        Mailbox.objects.get_or_create(adres=label.email, defaults={"label": label})[0]
        for label in Label.objects.exclude(email="").order_by("pk")
    ]


def _mail(
    *, van: str, aan: str, onderwerp: str, tekst: str, op: dt.datetime, id_: str, **koppen
) -> bytes:
    bericht = EmailMessage()
    bericht["From"] = van
    bericht["To"] = aan
    bericht["Subject"] = onderwerp
    bericht["Date"] = format_datetime(op)
    bericht["Message-ID"] = f"<demo-{id_}@example.com>"
    for kop, waarde in koppen.items():
        bericht[kop.replace("_", "-")] = waarde
    bericht.set_content(tekst)
    return bytes(bericht)


def _citaat(bericht: Bericht) -> str:
    """Our message quoted as a mail client does below a reply."""
    regels = "\n".join(f"> {regel}" for regel in berichten.tekst_van(bericht).splitlines()[:12])
    datum = bericht.created_at.strftime("%d-%m-%Y %H:%M")
    return f"\nOp {datum} schreef {bericht.label.naam} <{bericht.label.email}>:\n{regels}\n"


def _bevestigd(moment: dt.datetime):
    """Open dossiers with an acknowledgement, whose timeline ends before `moment` (so a message
    then is the last thing on it)."""
    return (
        Klacht.objects.filter(status__in=[Status.ONTVANGST_BEVESTIGD, Status.IN_ONDERZOEK])
        .annotate(laatst=Max("gebeurtenissen__op"))
        .filter(laatst__lt=moment, berichten__soort=BerichtSoort.ONTVANGSTBEVESTIGING)
        .exclude(klant_email="")  # a customer who gets post writes no e-mail
        .select_related("label")
        .order_by("-ontvangen_op", "-pk")
    )


def _afgesloten(moment: dt.datetime):
    """Closed dossiers with a behandelaar and their closing message, closed before `moment`."""
    return (
        Klacht.objects.filter(
            status=Status.AFGESLOTEN,
            geanonimiseerd_op__isnull=True,
            behandelaar__isnull=False,
            afgesloten_op__lt=moment,
            berichten__soort=BerichtSoort.AFSLUITING,
        )
        .select_related("label")
        .order_by("-afgesloten_op", "-pk")
    )


class EmailDemo:
    def __init__(self, demo):
        self.demo = demo  # klachten.demo.vullen.KlachtenDemo
        self.mailboxen = {m.label_id: m for m in mailboxen_aanmaken()}

    def lezen(self, ruw: bytes, *, label: Label, moment: dt.datetime) -> InkomendBericht:
        """Drop the message in a folder and read it as the local folder source does, at
        `moment`; the timeline items it wrote are dated then too."""
        mailbox = self.mailboxen[label.pk]
        with tempfile.TemporaryDirectory() as map:
            (Path(map) / "bericht.eml").write_bytes(ruw)
            with klok(moment):
                map_lezen(mailbox, map=Path(map))
        inkomend = InkomendBericht.objects.filter(mailbox=mailbox).order_by("-pk").first()
        if inkomend.klacht_id is not None:
            self.demo.gebeurtenissen_dateren(inkomend.klacht, moment)
        return inkomend

    def antwoord_van_klant(
        self, klacht: Klacht, ons, tekst: str, moment: dt.datetime, *, id_: str
    ) -> InkomendBericht:
        """The customer's reply to our message `ons`, to the dossier's reply address, quoting it,
        in its thread."""
        return self.lezen(
            _mail(
                van=f"{klacht.klant_naam} <{klacht.klant_email}>",
                aan=f"klachten+{klacht.antwoord_sleutel}@{klacht.label.email.split('@')[1]}",
                onderwerp=f"Re: {ons.onderwerp}",
                tekst=tekst.format(naam=klacht.klant_naam) + _citaat(ons),
                op=moment,
                id_=id_,
                In_Reply_To=berichten.message_id(ons),
                References=berichten.message_id(ons),
            ),
            label=klacht.label,
            moment=moment,
        )

    def reactie_sturen(self, klacht: Klacht, moment: dt.datetime) -> None:
        """The handler opens the dossier and answers the customer's e-mail (a reactie, in the
        customer's thread) at `moment`."""
        door = klacht.behandelaar or self.demo.gebruikers["teamleider"]
        if weigering("reactie_sturen", klacht, door) is not None:
            return
        with klok(moment):
            services.klacht_geopend(klacht=klacht, door=door)
            services.reactie_sturen(
                klacht=klacht,
                door=door,
                onderwerp=f"Re: uw klacht {klacht.dossiernummer}",
                tekst=REACTIE.format(naam=klacht.klant_naam) + berichten.ondertekening(klacht),
            )
        self.demo.gebeurtenissen_dateren(klacht, moment)

    def gesprekken_aanmaken(self) -> list[Klacht]:
        """The conversations of the module's docstring; returns the complaints they made."""
        nu = self.demo.nu
        label = Label.objects.get(is_standaard=True)
        nieuw = []

        naam, adres, onderwerp, tekst = NIEUWE_KLACHT
        moment = nu - dt.timedelta(hours=5)
        inkomend = self.lezen(
            _mail(
                van=f"{naam} <{adres}>",
                aan=label.email,
                onderwerp=onderwerp,
                tekst=tekst,
                op=moment,
                id_="nieuwe-klacht",
            ),
            label=label,
            moment=moment,
        )
        nieuw.append(inkomend.klacht)

        moment = nu - dt.timedelta(days=1, hours=2)
        dossiers = list(_bevestigd(moment)[:2])
        if dossiers:
            klacht = dossiers[0]
            ons = klacht.berichten.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).first()
            self.antwoord_van_klant(klacht, ons, ANTWOORD, moment, id_="antwoord")
            self.reactie_sturen(klacht, moment + dt.timedelta(hours=1))
        if len(dossiers) > 1:
            klacht = dossiers[1]
            ons = klacht.berichten.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).first()
            self.lezen(
                _mail(
                    van=f"{klacht.klant_naam} <{klacht.klant_email}>",
                    aan=klacht.label.email,
                    onderwerp=f"Automatisch antwoord: {ons.onderwerp}",
                    tekst=AFWEZIG,
                    op=moment,
                    id_="afwezig",
                    Auto_Submitted="auto-replied",
                    In_Reply_To=berichten.message_id(ons),
                ),
                label=klacht.label,
                moment=moment,
            )

        moment = nu - dt.timedelta(hours=4)
        klacht = _afgesloten(moment).first()
        if klacht is not None:
            ons = klacht.berichten.filter(soort=BerichtSoort.AFSLUITING).first()
            self.antwoord_van_klant(klacht, ons, NA_AFSLUITING, moment, id_="na-afsluiting")

        moment = nu - dt.timedelta(hours=3)
        van, onderwerp = SPAM
        self.lezen(
            _mail(
                van=van,
                aan=label.email,
                onderwerp=onderwerp,
                tekst="Klik hier om uw prijs te claimen.",
                op=moment,
                id_="spam",
                X_Spam_Flag="YES",
            ),
            label=label,
            moment=moment,
        )
        return nieuw

    def overzicht(self) -> str:
        rijen = InkomendBericht.objects.all()
        return (
            f"  E-mail: {len(self.mailboxen)} mailboxen zonder mailserver (lokale map per adres), "
            f"{rijen.count()} berichten gelezen (daarvan "
            f"{rijen.filter(soort='nieuwe_klacht').count()} nieuwe klacht, nog te classificeren), "
            f"{rijen.filter(status='quarantaine').count()} in quarantaine."
        )
