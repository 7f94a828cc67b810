"""A one-time link through which a staff member links their authenticator app (issue 15, Access:
the second factor from the first login). The admin does the same (Medewerkers, action
"Koppellink ... maken"):

    python manage.py koppellink behandelaar

The link works once, for 24 hours, after the account's own password; an earlier unused link of
the account stops working. Hand it to the staff member yourself (not to the account's mailbox
alone): whoever has the password and the link links the app.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from klachten import toegang
from klachten.models import Medewerker


class Command(BaseCommand):
    help = "Make a one-time link (24 hours) to link a staff member's authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("account", help="username")

    def handle(self, *args, account, **options):
        medewerker = Medewerker.objects.filter(username=account).first()
        if medewerker is None:
            raise CommandError(f"Geen account {account!r}.")
        try:
            _link, token = toegang.koppellink_maken(medewerker=medewerker)
        except toegang.ToegangFout as fout:
            raise CommandError(str(fout)) from fout
        url = settings.SITE_URL.rstrip("/") + reverse("koppellink", args=[token])
        self.stdout.write(f"Koppellink voor {account} (eenmalig, 24 uur geldig):\n{url}")
