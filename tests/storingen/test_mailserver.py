"""The mail server down or refusing (issue 15, acceptance 3; docs/storingen.md).

Real processes: the application under gunicorn (config.settings.storingen) takes complaints over
HTTP while a real SMTP server (aiosmtpd, tests/processen.py) first refuses connections, then
answers 451 at RCPT (greylisting), then 451 at DATA, then accepts. The broker is a port where
nothing listens, so every message waits in the outbox for the sweep, which runs here, in the
test's process, against the same database and the same SMTP server, as beat would run it each
minute (`op`: the moment of that run; the back-off is over by then). Two customers' addresses
are refused for good: one with 550 at RCPT, one with 550 at DATA. Their complaints are the
oldest, so every sweep meets them first.
"""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from klachten import berichten
from klachten.models import Bericht, BerichtStatus, Klacht
from klachten.workflow import BerichtSoort
from rapportage.maandrapport import Figuren, bouwstenen, optellen
from tests.processen import (
    Bezoeker,
    Mailserver,
    Webserver,
    app_omgeving,
    klachtgegevens,
    vrije_poort,
)

WEG_BIJ_RCPT = "bestaat-niet@example.nl"
WEG_BIJ_DATA = "geweigerd@example.nl"
GOED = ["anna@example.nl", "bram@example.nl", "chris@example.nl"]


def sweep(minuten: int) -> berichten.SweepResult:
    """One run of the outbox sweep, `minuten` after now (every back-off before it is over)."""
    return berichten.openstaande_berichten_verzenden(
        op=timezone.now() + dt.timedelta(minutes=minuten)
    )


def status(adres: str) -> tuple[str, int]:
    bericht = Bericht.objects.get(aan=adres, soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    return bericht.status, bericht.pogingen


@pytest.mark.django_db(transaction=True)
def test_mailserver_weigert_dan_neemt_aan_elk_bericht_een_keer_onbestelbaar_na_een_poging(
    label, categorie, teamleider, client, settings
):
    mail = Mailserver().starten()
    mail.stoppen()  # the port refuses connections
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail.poort
    database = connection.settings_dict
    omgeving = app_omgeving(
        database_url=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        CACHE_URL="locmemcache://",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{vrije_poort()}/0",  # nobody listens
        **mail.django_instellingen(),
    )
    web = Webserver(omgeving=omgeving, processen=1).starten()
    try:
        # Five customers file a complaint while the mail server is down: each is stored and
        # acknowledged on the page; the e-mail waits.
        for nummer, adres in enumerate([WEG_BIJ_RCPT, WEG_BIJ_DATA, *GOED]):
            bezoeker = Bezoeker(web.url, ip=f"203.0.113.{nummer + 10}")
            antwoord = bezoeker.post(
                "/klacht/", klachtgegevens(categorie_id=categorie.pk, email=adres)
            )
            assert antwoord.status_code == 302, antwoord.text[:500]
            assert antwoord.headers["Location"].endswith("/klacht/ontvangen/")
    finally:
        web.stoppen()
    assert Klacht.objects.count() == 5
    assert Bericht.objects.filter(status=BerichtStatus.WACHTEND).count() == 5

    try:
        # 1. Connection refused: the run ends at the first message; nothing is lost.
        eerste = sweep(1)
        assert (eerste.verzonden, eerste.niet_gelukt, eerste.wachtend) == (0, 1, 5)
        assert status(WEG_BIJ_RCPT) == (BerichtStatus.WACHTEND, 1)

        # 2. The server answers 451 at RCPT (greylisting), and 550 at RCPT for one address.
        mail.starten()
        mail.weiger("RCPT", "451 4.7.1 Greylisted, try again later")
        mail.weiger("RCPT", "550 5.1.1 No such user", adres=WEG_BIJ_RCPT)
        mail.weiger("DATA", "550 5.7.1 Message refused", adres=WEG_BIJ_DATA)
        tweede = sweep(3)
        assert (tweede.verzonden, tweede.onbestelbaar) == (0, 1)
        assert status(WEG_BIJ_RCPT) == (BerichtStatus.ONBESTELBAAR, 2)
        # The refused one did not hold back the ones behind it: each was tried.
        assert [status(adres) for adres in [WEG_BIJ_DATA, *GOED]] == [
            (BerichtStatus.WACHTEND, 1),
            *[(BerichtStatus.WACHTEND, 1)] * 3,
        ]

        # 3. 451 at DATA for everyone; the 550 at DATA for one address stays.
        mail.accepteer()
        mail.weiger("DATA", "451 4.3.0 Try again later")
        mail.weiger("DATA", "550 5.7.1 Message refused", adres=WEG_BIJ_DATA)
        derde = sweep(10)
        assert (derde.verzonden, derde.onbestelbaar) == (0, 1)
        assert status(WEG_BIJ_DATA) == (BerichtStatus.ONBESTELBAAR, 2)
        assert [status(adres) for adres in GOED] == [(BerichtStatus.WACHTEND, 2)] * 3

        # 4. The server accepts: everything still waiting goes out, once.
        mail.accepteer()
        verzonden = sum(sweep(minuten).verzonden for minuten in (120, 240, 480))
        assert Bericht.objects.filter(status=BerichtStatus.WACHTEND).count() == 0
    finally:
        mail.stoppen()

    # Delivered exactly once: every sent message at the server once, nothing else there.
    gestuurd = Bericht.objects.filter(status=BerichtStatus.VERZONDEN)
    assert verzonden == gestuurd.count() == 5  # three acknowledgements, two notices
    assert mail.message_ids() == {berichten.message_id(b): 1 for b in gestuurd}
    assert sorted(m["To"] for m in mail.aangenomen) == sorted([*GOED, *[teamleider.email] * 2])
    # Onbestelbaar after one try at the refusing stage, never tried again.
    assert mail.pogingen[WEG_BIJ_RCPT] == 1
    assert mail.pogingen[WEG_BIJ_DATA] == 2  # a 451 at RCPT (temporary), then the 550 at DATA
    assert Bericht.objects.get(aan=WEG_BIJ_DATA).laatste_fout == "550 5.7.1 Message refused"

    # The afdeling's teamleider (no behandelaar yet) was told about both, by mail.
    meldingen = [m.get_content() for m in mail.aan(teamleider.email)]
    assert any(WEG_BIJ_RCPT in tekst and "550 5.1.1" in tekst for tekst in meldingen)
    assert any(WEG_BIJ_DATA in tekst and "550 5.7.1" in tekst for tekst in meldingen)

    # Not delivered, not given: the acknowledgement deadline keeps running for those two, and the
    # month report counts them as not on time once their date has passed.
    onbestelbaar = Klacht.objects.get(klant_email=WEG_BIJ_RCPT)
    uiterlijk = onbestelbaar.ontvangstbevestiging_uiterlijk_datum
    assert onbestelbaar.bezorging_uiterlijk_datum == uiterlijk
    assert onbestelbaar.volgende_termijn_datum == uiterlijk
    assert onbestelbaar.ontvangst_bevestigd_op is None
    assert Klacht.objects.filter(bezorging_uiterlijk_datum=uiterlijk).count() == 2
    na_de_datum = timezone.now() + dt.timedelta(days=9)
    blokken = bouwstenen(uiterlijk.year, uiterlijk.month, nu=na_de_datum)
    assert Figuren(optellen(blokken)).teller_noemer("ontvangstbevestiging") == (3, 5)

    # Staff correct the address and send it again (the page, through the test client; its
    # delivery task runs at once here, CELERY_TASK_ALWAYS_EAGER).
    client.force_login(teamleider)
    oud = Bericht.objects.get(aan=WEG_BIJ_RCPT, soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    url = reverse("klachten:bericht-opnieuw-versturen", args=[onbestelbaar.dossiernummer, oud.pk])
    mail.starten()
    try:
        antwoord = client.post(
            url, {"versie": onbestelbaar.versie, "klant_email": "anna2@example.nl"}
        )
        assert antwoord.status_code == 302
        assert sweep(1).verzonden == 0  # nothing left
    finally:
        mail.stoppen()
    assert len(mail.aan("anna2@example.nl")) == 1
    onbestelbaar.refresh_from_db()
    assert (onbestelbaar.klant_email, onbestelbaar.bezorging_uiterlijk_datum) == (
        "anna2@example.nl",
        None,
    )
    assert Figuren(
        optellen(bouwstenen(uiterlijk.year, uiterlijk.month, nu=na_de_datum))
    ).teller_noemer("ontvangstbevestiging") == (4, 5)
