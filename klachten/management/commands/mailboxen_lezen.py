"""Read every active mailbox once, as the beat job mailboxen-lezen does every minute: over IMAP
when the mailbox has a server, else its local folder (INKOMEND_MAP/<address>/, the development
source: drop `.eml` files there, or use it as a Maildir)."""

from django.core.management.base import BaseCommand

from klachten import berichten


class Command(BaseCommand):
    help = "Leest alle actieve mailboxen eenmalig (IMAP of de lokale map)."

    def handle(self, *args, **options):
        for adres, ronde in berichten.mailboxen_lezen().items():
            self.stdout.write(f"{adres}: {ronde.gelezen} gelezen, {ronde.nieuw} nieuw.")
