"""API keys of system accounts, for the beheerder (issue 15, Access; the admin does the same under
API-sleutels):

    python manage.py api_sleutel maken koppeling --naam "CRM" [--dagen 365]
    python manage.py api_sleutel lijst [koppeling]
    python manage.py api_sleutel vernieuwen <prefix> [--overlap-uren 24]
    python manage.py api_sleutel intrekken <prefix>

A key's text is printed once, when it is made; only its hash is stored. Only an account with the
role systeemkoppeling alone gets one.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from klachten import toegang
from klachten.models import ApiSleutel, Medewerker


class Command(BaseCommand):
    help = "Make, list, rotate and revoke the API keys of system accounts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="opdracht", required=True)
        maken = sub.add_parser("maken", help="a new key for a system account")
        maken.add_argument("account", help="username of the system account")
        maken.add_argument("--naam", default="", help="what the key is for (default: account)")
        maken.add_argument("--dagen", type=int, help="valid this many days (default: setting)")
        lijst = sub.add_parser("lijst", help="the keys (never their text)")
        lijst.add_argument("account", nargs="?")
        vernieuwen = sub.add_parser("vernieuwen", help="a new key; the old one runs out")
        vernieuwen.add_argument("prefix")
        vernieuwen.add_argument(
            "--overlap-uren",
            type=int,
            help="the old key keeps working this many hours (default: setting; 0: revoked now)",
        )
        intrekken = sub.add_parser("intrekken", help="revoke a key at once")
        intrekken.add_argument("prefix")

    def handle(self, *args, opdracht, **options):
        try:
            getattr(self, opdracht)(**options)
        except toegang.ToegangFout as fout:
            raise CommandError(str(fout)) from fout

    def _sleutel(self, prefix: str) -> ApiSleutel:
        sleutel = ApiSleutel.objects.select_related("medewerker").filter(prefix=prefix).first()
        if sleutel is None:
            raise CommandError(f"Geen API-sleutel met prefix {prefix!r}.")
        return sleutel

    def _tonen(self, sleutel: ApiSleutel, tekst: str) -> None:
        self.stdout.write(
            f"API-sleutel {sleutel.prefix} voor {sleutel.medewerker.get_username()}, geldig tot "
            f"{timezone.localtime(sleutel.expiry_date):%Y-%m-%d %H:%M} (wordt niet opnieuw "
            f"getoond):\n{tekst}\nHeader: Authorization: Api-Key {tekst}"
        )

    def maken(self, *, account, naam, dagen, **options):
        medewerker = Medewerker.objects.filter(username=account).first()
        if medewerker is None:
            raise CommandError(f"Geen account {account!r}.")
        geldig_tot = timezone.now() + dt.timedelta(days=dagen) if dagen else None
        sleutel, tekst = toegang.api_sleutel_maken(
            medewerker=medewerker, naam=naam or account, geldig_tot=geldig_tot
        )
        self._tonen(sleutel, tekst)

    def lijst(self, *, account, **options):
        sleutels = ApiSleutel.objects.select_related("medewerker").order_by(
            "medewerker", "-created"
        )
        if account:
            sleutels = sleutels.filter(medewerker__username=account)
        for s in sleutels:
            staat = "ingetrokken" if s.revoked else "verlopen" if s.has_expired else "geldig"
            gebruikt = (
                f"{timezone.localtime(s.laatst_gebruikt_op):%Y-%m-%d %H:%M}"
                if s.laatst_gebruikt_op
                else "nooit"
            )
            tot = f"{timezone.localtime(s.expiry_date):%Y-%m-%d %H:%M}" if s.expiry_date else "-"
            self.stdout.write(
                f"{s.prefix}  {s.medewerker.get_username():<15} {s.name:<25} {staat:<11} "
                f"tot {tot}  laatst gebruikt {gebruikt}"
            )

    def vernieuwen(self, *, prefix, overlap_uren, **options):
        overlap = dt.timedelta(hours=overlap_uren) if overlap_uren is not None else None
        oud = self._sleutel(prefix)
        nieuw, tekst = toegang.api_sleutel_vernieuwen(sleutel=oud, overlap=overlap)
        oud.refresh_from_db()
        self._tonen(nieuw, tekst)
        einde = (
            "is ingetrokken"
            if oud.revoked
            else f"werkt tot {timezone.localtime(oud.expiry_date):%Y-%m-%d %H:%M}"
        )
        self.stdout.write(f"De oude sleutel {oud.prefix} {einde}.")

    def intrekken(self, *, prefix, **options):
        sleutel = toegang.api_sleutel_intrekken(sleutel=self._sleutel(prefix))
        self.stdout.write(f"API-sleutel {sleutel.prefix} is ingetrokken.")
