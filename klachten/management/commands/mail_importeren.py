"""Import an `.eml` or mbox file through the e-mail channel: every message stored and processed
as if it came from the mailbox (new complaints, replies on their dossiers, bounces)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from klachten import berichten
from klachten.berichten.inkomend.bronnen import berichten_in
from klachten.models import Mailbox


class Command(BaseCommand):
    help = "Importeer een .eml- of mbox-bestand via het e-mailkanaal."

    def add_arguments(self, parser):
        parser.add_argument("pad", type=Path, help="Een .eml- of mbox-bestand.")
        parser.add_argument(
            "--mailbox",
            help="Het adres van de mailbox (het label) waarin de berichten binnenkwamen; "
            "nodig als er meer dan één mailbox is.",
        )

    def handle(self, *args, pad: Path, mailbox: str | None, **options):
        if not pad.is_file():
            raise CommandError(f"Geen bestand: {pad}")
        mailboxen = Mailbox.objects.select_related("label")
        if mailbox:
            mailboxen = mailboxen.filter(adres__iexact=mailbox)
        gekozen = list(mailboxen[:2])
        if len(gekozen) != 1:
            raise CommandError(
                "Noem de mailbox met --mailbox ADRES."
                if gekozen
                else "Geen mailbox gevonden: richt er een in (beheer, Mailboxen)."
            )
        aantal, _ruwe = berichten_in(pad)
        balk = tqdm(total=aantal, unit="bericht", disable=aantal < 2, file=self.stderr._out)
        try:
            ronde = berichten.bestand_importeren(
                pad, mailbox=gekozen[0], voortgang=lambda _n: balk.update(1)
            )
        finally:
            balk.close()
        self.stdout.write(
            f"{ronde.gelezen} bericht(en) gelezen, {ronde.nieuw} nieuw opgeslagen en verwerkt."
        )
