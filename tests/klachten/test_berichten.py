"""The outbox: every message to the customer is a row, sent after commit, retried, and swept up
when it got stuck; a mail server that is down loses nothing (DESIGN.md section 5)."""

import datetime as dt
import smtplib
import threading

import pytest
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.urls import reverse

from klachten import berichten
from klachten.berichten.tasks import openstaande_berichten_verzenden
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, BerichtStatus, Kanaal, Klacht
from klachten.workflow import BerichtSoort, Status
from tests.factories import CategorieFactory, KlachtFactory, standaardlabel

NU = dt.datetime(2026, 9, 1, 10, 0, tzinfo=AMSTERDAM)


class KapotteMailBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Mailserver onbereikbaar")


class WeigerendeMailBackend(BaseEmailBackend):
    """A mail server that refuses the address outright."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"anna@example.nl": (550, b"No such user")})


@pytest.fixture
def kapotte_mailserver(settings):
    settings.EMAIL_BACKEND = f"{__name__}.KapotteMailBackend"


@pytest.fixture
def bericht(label, categorie, time_machine):
    """A pending acknowledgement of a web complaint (its on_commit delivery never ran)."""
    time_machine.move_to(NU, tick=False)
    klacht = KlachtFactory(
        categorie=categorie, kanaal=Kanaal.WEBFORMULIER, klant_email="anna@example.nl"
    )
    return klacht.berichten.get()


@pytest.mark.django_db
def test_bericht_staat_klaar_in_de_outbox_tot_het_verzonden_is(bericht, mailoutbox):
    assert bericht.status == BerichtStatus.WACHTEND
    assert bericht.verzonden_op is None
    assert bericht.pogingen == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_bericht_afleveren_verstuurt_en_markeert_als_verzonden(bericht, mailoutbox):
    assert berichten.bericht_afleveren(bericht_id=bericht.pk) is True

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.VERZONDEN
    assert bericht.verzonden_op == NU
    assert bericht.pogingen == 1
    assert bericht.laatste_fout == ""
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna@example.nl"]
    assert mailoutbox[0].subject == bericht.onderwerp
    assert mailoutbox[0].body == bericht.tekst


@pytest.mark.django_db
def test_bericht_twee_keer_afleveren_verstuurt_een_mail(bericht, mailoutbox):
    berichten.bericht_afleveren(bericht_id=bericht.pk)

    assert berichten.bericht_afleveren(bericht_id=bericht.pk) is False

    assert len(mailoutbox) == 1
    bericht.refresh_from_db()
    assert bericht.pogingen == 1


@pytest.mark.django_db
def test_onbereikbare_mailserver_laat_het_bericht_wachten_met_de_fout(
    bericht, kapotte_mailserver, mailoutbox
):
    with pytest.raises(ConnectionRefusedError):
        berichten.bericht_afleveren(bericht_id=bericht.pk)
    with pytest.raises(ConnectionRefusedError):
        berichten.bericht_afleveren(bericht_id=bericht.pk)

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.WACHTEND
    assert bericht.pogingen == 2
    assert "Mailserver onbereikbaar" in bericht.laatste_fout
    assert bericht.verzonden_op is None
    assert mailoutbox == []


@pytest.mark.django_db
def test_geweigerd_adres_maakt_het_bericht_onbestelbaar(bericht, settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.WeigerendeMailBackend"

    assert berichten.bericht_afleveren(bericht_id=bericht.pk) is False

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.ONBESTELBAAR
    assert bericht.laatste_fout == "550 No such user"
    # An undeliverable message is left for a person; the sweep does not keep hammering it.
    assert berichten.bericht_afleveren(bericht_id=bericht.pk) is False
    assert bericht.pogingen == 1


@pytest.mark.django_db
def test_klant_krijgt_bevestiging_ook_als_de_mailserver_onbereikbaar_is(
    client, klacht_formulier_data, kapotte_mailserver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("klachten:indienen"), klacht_formulier_data)
    bevestiging = client.get(response.url)

    assert response.status_code == 302
    klacht = Klacht.objects.get()
    assert klacht.status == Status.ONTVANGST_BEVESTIGD
    assert klacht.dossiernummer in bevestiging.content.decode()
    bericht = Bericht.objects.get()
    assert bericht.status == BerichtStatus.WACHTEND
    assert bericht.pogingen >= 1
    assert "Mailserver onbereikbaar" in bericht.laatste_fout


@pytest.mark.django_db
def test_sweep_verstuurt_berichten_die_langer_dan_30_seconden_wachten(
    label, categorie, time_machine, mailoutbox
):
    time_machine.move_to(NU, tick=False)
    oud = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER).berichten.get()
    time_machine.move_to(NU + dt.timedelta(seconds=20), tick=False)
    nieuw = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER).berichten.get()

    time_machine.move_to(NU + dt.timedelta(seconds=31), tick=False)
    assert openstaande_berichten_verzenden() == 1

    oud.refresh_from_db()
    nieuw.refresh_from_db()
    assert oud.status == BerichtStatus.VERZONDEN
    assert nieuw.status == BerichtStatus.WACHTEND
    assert [m.subject for m in mailoutbox] == [oud.onderwerp]

    time_machine.move_to(NU + dt.timedelta(seconds=51), tick=False)
    assert openstaande_berichten_verzenden() == 1
    nieuw.refresh_from_db()
    assert nieuw.status == BerichtStatus.VERZONDEN
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_sweep_haalt_in_wat_bleef_liggen_toen_de_mailserver_plat_lag(
    bericht, settings, time_machine, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.KapotteMailBackend"
    time_machine.move_to(NU + dt.timedelta(minutes=1), tick=False)
    assert openstaande_berichten_verzenden() == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(NU + dt.timedelta(minutes=2), tick=False)
    assert openstaande_berichten_verzenden() == 1

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.VERZONDEN
    assert bericht.pogingen == 2
    assert len(mailoutbox) == 1


class TraagBijEenAdres(locmem.EmailBackend):
    """Delivers like locmem, but a message to traag@example.nl hangs until the test lets go:
    a worker caught in the middle of sending."""

    bezig = threading.Event()
    doorgaan = threading.Event()

    def send_messages(self, messages):
        if any("traag@example.nl" in m.to for m in messages):
            self.bezig.set()
            self.doorgaan.wait(timeout=30)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_twee_berichten_van_hetzelfde_label_worden_tegelijk_verstuurd(settings, mailoutbox):
    """Claiming a message locks only that message, not its complaint or the label every complaint
    shares: a second worker delivering another message of the same label must not skip it."""
    settings.EMAIL_BACKEND = f"{__name__}.TraagBijEenAdres"
    TraagBijEenAdres.bezig.clear()
    TraagBijEenAdres.doorgaan.clear()
    label = standaardlabel()
    categorie = CategorieFactory()

    def wachtend_bericht(aan: str) -> Bericht:
        klacht = KlachtFactory(label=label, categorie=categorie, klant_email=aan)
        return Bericht.objects.create(
            klacht=klacht,
            label=label,
            soort=BerichtSoort.ONTVANGSTBEVESTIGING,
            aan=aan,
            onderwerp=f"Uw klacht {klacht.dossiernummer}",
            tekst="We hebben uw klacht ontvangen.",
        )

    traag = wachtend_bericht("traag@example.nl")
    snel = wachtend_bericht("snel@example.nl")

    def traag_afleveren():
        try:
            berichten.bericht_afleveren(bericht_id=traag.pk)
        finally:
            connection.close()

    draad = threading.Thread(target=traag_afleveren)
    draad.start()
    try:
        assert TraagBijEenAdres.bezig.wait(timeout=30)
        verzonden = berichten.bericht_afleveren(bericht_id=snel.pk)
    finally:
        TraagBijEenAdres.doorgaan.set()
        draad.join()

    assert verzonden is True
    assert sorted(m.to[0] for m in mailoutbox) == ["snel@example.nl", "traag@example.nl"]
    assert set(Bericht.objects.values_list("status", flat=True)) == {BerichtStatus.VERZONDEN}
