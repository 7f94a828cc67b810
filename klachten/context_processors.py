from klachten import rollen, selectors


def medewerker(request):
    """Who is logged in, their role(s) and afdeling(en), for the staff header."""
    gebruiker = getattr(request, "user", None)
    if gebruiker is None or not gebruiker.is_authenticated:
        return {}

    def rollen_tekst():
        return ", ".join(str(rollen.ROLLEN.get(r, r)) for r in sorted(rollen.rollen_van(gebruiker)))

    def afdelingen_tekst():
        return ", ".join(a.naam for a in rollen.afdelingen_van(gebruiker))

    return {
        "medewerker_rollen": rollen_tekst,
        "medewerker_afdelingen": afdelingen_tekst,
        "medewerker_is_beheerder": lambda: rollen.is_beheerder(gebruiker),
        # The outbox's waiting and undeliverable messages, in the beheerder's header (issue 15);
        # read only when the template shows it.
        "medewerker_postvak": selectors.postvak,
        # The print tray's link and count (issue 18): None for who does not print letters.
        "medewerker_printbak": lambda: _printbak(gebruiker),
        # A partnerbehandelaar's menu: their work queue only (klachten.rollen).
        "medewerker_is_partner": lambda: rollen.is_partnerbehandelaar(gebruiker),
    }


def _printbak(gebruiker) -> int | None:
    from klachten.views import printbak

    return printbak.aantal_te_printen(gebruiker) if printbak.mag_printen(gebruiker) else None
