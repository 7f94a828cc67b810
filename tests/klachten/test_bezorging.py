"""Delivery is a fact (issue 15; DESIGN.md section 12): a temporary refusal waits and backs off, a
permanent one makes the message onbestelbaar after one try; an undeliverable message reaches the
behandelaar, keeps its deadline running and does not count in the reports; staff send it again
to a corrected address."""

import datetime as dt
import importlib
import smtplib
import socket

import pytest
from django.core.mail.backends import locmem
from django.urls import reverse

from klachten import berichten, bewaking, selectors, services
from klachten.berichten import afleverfout_indelen
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Bericht,
    BerichtStatus,
    GebeurtenisSoort,
    Kanaal,
    Klacht,
    SignaalSoort,
    Termijnafloop,
    Termijnsignaal,
)
from klachten.termijnen import TermijnSoort
from klachten.workflow import BerichtSoort
from rapportage.maandrapport import met_eerste_reactie
from tests.factories import KlachtFactory

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 9, 1, 10, 0, tzinfo=AMSTERDAM)

# What the test's mail server answers per recipient address (the rest it accepts).
WEIGERINGEN: dict[str, Exception] = {}


class WeigerendeMailserver(locmem.EmailBackend):
    """Django's test outbox, behind a mail server that refuses the addresses in WEIGERINGEN."""

    def send_messages(self, messages):
        for bericht in messages:
            for adres in bericht.to:
                if adres in WEIGERINGEN:
                    raise WEIGERINGEN[adres]
        return super().send_messages(messages)


def greylisting(adres: str) -> Exception:
    return smtplib.SMTPRecipientsRefused({adres: (451, b"4.7.1 Greylisted, try again later")})


def bestaat_niet(adres: str) -> Exception:
    return smtplib.SMTPRecipientsRefused({adres: (550, b"5.1.1 No such user")})


@pytest.fixture(autouse=True)
def mailserver(settings):
    settings.EMAIL_BACKEND = f"{__name__}.WeigerendeMailserver"
    WEIGERINGEN.clear()
    yield WEIGERINGEN
    WEIGERINGEN.clear()


def afleveren(bericht: Bericht) -> bool:
    try:
        return berichten.bericht_afleveren(bericht_id=bericht.pk)
    except Exception:
        return False


def bevestigde_klacht(categorie, behandelaar, email: str):
    """A complaint registered by phone, assigned and acknowledged by `behandelaar`; its
    acknowledgement waits in the outbox."""
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar, klant_email=email)
    klacht = services.toewijzen(
        klacht=klacht, door=behandelaar, afdeling=categorie.afdeling, behandelaar=behandelaar
    )
    klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)
    return klacht, klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)


# Classification: one function -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fout", "blijvend", "server_onbereikbaar"),
    [
        (ConnectionRefusedError(111, "Connection refused"), False, True),
        (TimeoutError("timed out"), False, True),
        (socket.gaierror(-2, "Name or service not known"), False, True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False, True),
        (smtplib.SMTPConnectError(421, b"Too busy"), False, True),
        (smtplib.SMTPConnectError(554, b"No SMTP service here"), False, True),
        (smtplib.SMTPHeloError(501, b"Syntax error"), False, True),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), False, True),
        (greylisting("anna@example.nl"), False, False),
        (bestaat_niet("anna@example.nl"), True, False),
        (smtplib.SMTPSenderRefused(451, b"Try later", "klachten@example.nl"), False, False),
        (smtplib.SMTPSenderRefused(553, b"Not allowed", "klachten@example.nl"), True, False),
        (smtplib.SMTPDataError(451, b"4.3.0 Try again later"), False, False),
        (smtplib.SMTPDataError(550, b"5.7.1 Rejected as spam"), True, False),
        (smtplib.SMTPDataError(552, b"5.3.4 Message too big"), True, False),
        (ValueError("an attachment went missing"), False, False),
    ],
)
def test_elke_4xx_of_geen_verbinding_is_tijdelijk_en_elke_5xx_aan_het_bericht_blijvend(
    fout, blijvend, server_onbereikbaar
):
    indeling = afleverfout_indelen(fout)

    assert (indeling.blijvend, indeling.server_onbereikbaar) == (blijvend, server_onbereikbaar)
    assert indeling.antwoord


def test_het_antwoord_van_de_mailserver_staat_leesbaar_bij_het_bericht():
    assert afleverfout_indelen(bestaat_niet("a@b.nl")).antwoord == "550 5.1.1 No such user"
    assert afleverfout_indelen(smtplib.SMTPDataError(451, b"Later")).antwoord == "451 Later"


def test_terugval_verdubbelt_per_poging_tot_hoogstens_een_uur():
    assert [berichten.terugval(n).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert berichten.terugval(500) == dt.timedelta(hours=1)


# Temporary: the message waits, backs off, and goes out once -----------------------------------


def test_greylisting_laat_het_bericht_wachten_en_de_sweep_wacht_de_terugval_af(
    categorie, behandelaar, time_machine, mailoutbox
):
    time_machine.move_to(NU, tick=False)
    _klacht, bericht = bevestigde_klacht(categorie, behandelaar, "anna@example.nl")
    WEIGERINGEN["anna@example.nl"] = greylisting("anna@example.nl")

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        berichten.bericht_afleveren(bericht_id=bericht.pk)

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.WACHTEND
    assert bericht.pogingen == 1
    assert bericht.laatste_fout == "451 4.7.1 Greylisted, try again later"
    assert bericht.volgende_poging_op == NU + dt.timedelta(minutes=1)
    # Half a minute later the back-off runs: the sweep leaves it alone.
    time_machine.move_to(NU + dt.timedelta(seconds=50), tick=False)
    assert berichten.openstaande_berichten_verzenden().verzonden == 0
    assert Bericht.objects.get(pk=bericht.pk).pogingen == 1
    # After it, the server takes it: sent once.
    WEIGERINGEN.clear()
    time_machine.move_to(NU + dt.timedelta(minutes=1, seconds=1), tick=False)
    resultaat = berichten.openstaande_berichten_verzenden()

    bericht.refresh_from_db()
    assert (resultaat.verzonden, bericht.status, bericht.pogingen) == (1, "verzonden", 2)
    assert bericht.volgende_poging_op is None
    assert [m.to for m in mailoutbox] == [["anna@example.nl"]]
    assert berichten.openstaande_berichten_verzenden().verzonden == 0


def test_een_bericht_dat_blijft_falen_houdt_de_berichten_erachter_niet_tegen(
    categorie, behandelaar, time_machine, mailoutbox
):
    time_machine.move_to(NU, tick=False)
    bevestigde_klacht(categorie, behandelaar, "grijs@example.nl")
    bevestigde_klacht(categorie, behandelaar, "weg@example.nl")
    bevestigde_klacht(categorie, behandelaar, "anna@example.nl")
    WEIGERINGEN["grijs@example.nl"] = greylisting("grijs@example.nl")
    WEIGERINGEN["weg@example.nl"] = bestaat_niet("weg@example.nl")
    time_machine.move_to(NU + dt.timedelta(minutes=1), tick=False)

    resultaat = berichten.openstaande_berichten_verzenden()

    assert (resultaat.verzonden, resultaat.niet_gelukt, resultaat.onbestelbaar) == (1, 2, 1)
    assert [m.to for m in mailoutbox if m.to == ["anna@example.nl"]] == [["anna@example.nl"]]
    status = dict(
        Bericht.objects.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).values_list("aan", "status")
    )
    assert status == {
        "grijs@example.nl": BerichtStatus.WACHTEND,
        "weg@example.nl": BerichtStatus.ONBESTELBAAR,
        "anna@example.nl": BerichtStatus.VERZONDEN,
    }


def test_een_onbereikbare_mailserver_beeindigt_de_sweep_en_laat_alles_wachten(
    categorie, behandelaar, time_machine, mailoutbox
):
    time_machine.move_to(NU, tick=False)
    for adres in ("a@example.nl", "b@example.nl"):
        bevestigde_klacht(categorie, behandelaar, adres)
        WEIGERINGEN[adres] = ConnectionRefusedError(111, "Connection refused")
    time_machine.move_to(NU + dt.timedelta(minutes=1), tick=False)

    resultaat = berichten.openstaande_berichten_verzenden()

    # One attempt met the closed port; the other message was not even tried.
    assert (resultaat.verzonden, resultaat.niet_gelukt, resultaat.wachtend) == (0, 1, 2)
    assert sorted(Bericht.objects.values_list("pogingen", flat=True)) == [0, 1]


# Permanent: onbestelbaar after one try, and what follows ----------------------------------------


def test_onbestelbare_bevestiging_meldt_het_de_behandelaar_en_de_termijn_loopt_door(
    categorie, behandelaar, time_machine, mailoutbox
):
    time_machine.move_to(NU, tick=False)
    klacht, bericht = bevestigde_klacht(categorie, behandelaar, "tikfout@example.nl")
    WEIGERINGEN["tikfout@example.nl"] = bestaat_niet("tikfout@example.nl")
    afloop = Termijnafloop.objects.get(klacht=klacht, termijn=TermijnSoort.ONTVANGSTBEVESTIGING)
    assert (afloop.bericht, afloop.op_tijd) == (bericht, True)

    assert berichten.bericht_afleveren(bericht_id=bericht.pk) is False

    bericht.refresh_from_db()
    klacht.refresh_from_db()
    afloop.refresh_from_db()
    assert (bericht.status, bericht.pogingen) == (BerichtStatus.ONBESTELBAAR, 1)
    assert bericht.laatste_fout == "550 5.1.1 No such user"
    # Not given: the deadline runs again with its own date, and nothing reads as acknowledged.
    assert (afloop.op_tijd, afloop.onbestelbaar_op) == (False, NU)
    uiterlijk = dt.date(2026, 9, 9)
    assert klacht.ontvangstbevestiging_uiterlijk_datum == uiterlijk
    assert klacht.bezorging_uiterlijk_datum == uiterlijk
    assert klacht.volgende_termijn_datum == uiterlijk
    assert klacht.ontvangst_bevestigd_op is None
    assert next(b.naam for b in selectors.termijn_badges(klacht)) == TermijnSoort.BEZORGING.label
    # The behandelaar is told, through the outbox.
    melding = Bericht.objects.get(soort=BerichtSoort.MELDING_BEHANDELAAR)
    assert melding.aan == behandelaar.email
    assert "tikfout@example.nl" in melding.tekst
    assert "550 5.1.1 No such user" in melding.tekst
    assert klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.BEZORGING).count() == 1
    # No first reaction either (the report's definition).
    assert met_eerste_reactie(Klacht.objects.filter(pk=klacht.pk)).get().eerste_reactie_op is None


def test_zonder_behandelaar_krijgen_de_teamleiders_de_melding(
    categorie, behandelaar, teamleider, time_machine
):
    time_machine.move_to(NU, tick=False)
    klacht = KlachtFactory(
        categorie=categorie, kanaal=Kanaal.WEBFORMULIER, klant_email="weg@example.nl"
    )
    WEIGERINGEN["weg@example.nl"] = bestaat_niet("weg@example.nl")

    afleveren(klacht.berichten.get())

    assert list(
        Bericht.objects.filter(soort=BerichtSoort.MELDING_BEHANDELAAR).values_list("aan", flat=True)
    ) == [teamleider.email]


def test_de_termijnbewaking_escaleert_een_onbestelbaar_bericht_na_zijn_datum(
    categorie, behandelaar, teamleider, time_machine
):
    time_machine.move_to(NU, tick=False)
    klacht, bericht = bevestigde_klacht(categorie, behandelaar, "weg@example.nl")
    WEIGERINGEN["weg@example.nl"] = bestaat_niet("weg@example.nl")
    afleveren(bericht)

    bewaking.escalaties_sturen(op=dt.datetime(2026, 9, 10, 9, 0, tzinfo=AMSTERDAM))

    signaal = Termijnsignaal.objects.get(soort=SignaalSoort.ESCALATIE)
    assert (signaal.klacht, signaal.termijn, signaal.datum) == (
        klacht,
        TermijnSoort.BEZORGING,
        dt.date(2026, 9, 9),
    )
    assert {b.aan for b in signaal.berichten.all()} == {teamleider.email, behandelaar.email}


def test_een_signaal_waarvan_de_melding_onbestelbaar_is_leest_niet_als_verzonden(
    categorie, behandelaar, time_machine, mailoutbox
):
    time_machine.move_to(NU, tick=False)
    klacht, bericht = bevestigde_klacht(categorie, behandelaar, "anna@example.nl")
    afleveren(bericht)
    services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)
    # The statusupdate falls due on 22 September; the reminder goes two days before.
    bewaking.herinneringen_sturen(op=dt.datetime(2026, 9, 20, 9, 0, tzinfo=AMSTERDAM))
    signaal = Termijnsignaal.objects.get(soort=SignaalSoort.HERINNERING)
    melding = signaal.berichten.get()
    assert selectors.signaal_bezorging(signaal) == BerichtStatus.WACHTEND

    WEIGERINGEN[behandelaar.email] = greylisting(behandelaar.email)
    afleveren(melding)
    assert selectors.signaal_bezorging(signaal) == BerichtStatus.WACHTEND
    WEIGERINGEN[behandelaar.email] = bestaat_niet(behandelaar.email)
    time_machine.move_to(NU + dt.timedelta(days=20), tick=False)
    afleveren(melding)

    melding.refresh_from_db()
    assert melding.status == BerichtStatus.ONBESTELBAAR
    assert selectors.signaal_bezorging(signaal) == BerichtStatus.ONBESTELBAAR


# Staff correct the address and send it again ----------------------------------------------------


@pytest.mark.parametrize(
    ("opnieuw_op", "op_tijd"),
    [
        (dt.datetime(2026, 9, 9, 16, 0, tzinfo=AMSTERDAM), True),  # on the last day: on time
        (dt.datetime(2026, 9, 10, 9, 0, tzinfo=AMSTERDAM), False),  # a day after: late
    ],
)
def test_opnieuw_versturen_naar_het_gecorrigeerde_adres_haalt_de_termijn_als_het_op_tijd_is(
    categorie, behandelaar, time_machine, mailoutbox, opnieuw_op, op_tijd
):
    time_machine.move_to(NU, tick=False)
    klacht, bericht = bevestigde_klacht(categorie, behandelaar, "tikfout@example.nl")
    WEIGERINGEN["tikfout@example.nl"] = bestaat_niet("tikfout@example.nl")
    afleveren(bericht)
    time_machine.move_to(opnieuw_op, tick=False)

    nieuw = services.bericht_opnieuw_versturen(
        klacht=klacht, door=behandelaar, bericht=bericht, klant_email="anna@example.nl"
    )

    bericht.refresh_from_db()
    klacht.refresh_from_db()
    assert bericht.status == BerichtStatus.ONBESTELBAAR  # kept as it was
    assert bericht.opnieuw_verstuurd_als == nieuw
    assert (nieuw.aan, nieuw.onderwerp, nieuw.tekst) == (
        "anna@example.nl",
        bericht.onderwerp,
        bericht.tekst,
    )
    assert klacht.klant_email == "anna@example.nl"
    assert klacht.history.latest().history_user == behandelaar
    assert klacht.bezorging_uiterlijk_datum is None
    assert klacht.ontvangst_bevestigd_op == opnieuw_op
    afloop = Termijnafloop.objects.get(klacht=klacht, termijn=TermijnSoort.ONTVANGSTBEVESTIGING)
    assert (afloop.bericht, afloop.onbestelbaar_op, afloop.op_tijd) == (nieuw, None, op_tijd)
    teksten = list(
        klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.BEZORGING).values_list(
            "tekst", flat=True
        )
    )
    assert any("Opnieuw verstuurd" in t and "anna@example.nl" in t for t in teksten)
    assert berichten.bericht_afleveren(bericht_id=nieuw.pk) is True
    assert [m.to for m in mailoutbox][-1] == ["anna@example.nl"]


def test_werkvoorraad_markeert_en_filtert_niet_bezorgd_en_het_dossier_biedt_opnieuw_versturen(
    client, categorie, behandelaar, time_machine
):
    time_machine.move_to(NU, tick=False)
    klacht, bericht = bevestigde_klacht(categorie, behandelaar, "tikfout@example.nl")
    _goed, goed_bericht = bevestigde_klacht(categorie, behandelaar, "anna@example.nl")
    WEIGERINGEN["tikfout@example.nl"] = bestaat_niet("tikfout@example.nl")
    afleveren(bericht)
    afleveren(goed_bericht)
    client.force_login(behandelaar)

    alles = client.get(reverse("klachten:werkvoorraad")).content.decode()
    gefilterd = client.get(reverse("klachten:werkvoorraad") + "?niet_bezorgd=on")
    dossier = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    assert alles.count("Bericht niet bezorgd</span>") == 1
    assert [k.dossiernummer for k in gefilterd.context["pagina"]] == [klacht.dossiernummer]
    url = reverse("klachten:bericht-opnieuw-versturen", args=[klacht.dossiernummer, bericht.pk])
    inhoud = dossier.content.decode()
    assert "Onbestelbaar" in inhoud
    assert "550 5.1.1 No such user" in inhoud
    assert url in inhoud

    antwoord = client.post(url, {"versie": klacht.versie, "klant_email": "anna@voorbeeld.nl"})

    assert antwoord.status_code == 302
    assert Bericht.objects.filter(aan="anna@voorbeeld.nl", soort=bericht.soort).count() == 1
    alles = client.get(reverse("klachten:werkvoorraad")).content.decode()
    assert "Bericht niet bezorgd</span>" not in alles
    # A second resend of the same message is refused.
    assert client.get(url).status_code == 302
    assert Bericht.objects.filter(soort=bericht.soort).count() == 3


def test_de_tijdlijn_toont_een_wachtend_bericht_met_pogingen_en_volgende_poging(
    client, categorie, behandelaar, time_machine
):
    time_machine.move_to(NU, tick=False)
    klacht, bericht = bevestigde_klacht(categorie, behandelaar, "anna@example.nl")
    WEIGERINGEN["anna@example.nl"] = greylisting("anna@example.nl")
    afleveren(bericht)
    client.force_login(behandelaar)

    inhoud = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).content.decode()

    assert "Wacht op verzending" in inhoud
    assert "1 poging" in inhoud
    assert "volgende poging" in inhoud
    assert "10:01" in inhoud
    assert "451 4.7.1 Greylisted" in inhoud


def test_de_beheerder_ziet_de_wachtende_en_onbestelbare_berichten_in_de_kop(
    client, categorie, behandelaar, beheerder, time_machine
):
    time_machine.move_to(NU, tick=False)
    _klacht, bericht = bevestigde_klacht(categorie, behandelaar, "weg@example.nl")
    bevestigde_klacht(categorie, behandelaar, "anna@example.nl")
    WEIGERINGEN["weg@example.nl"] = bestaat_niet("weg@example.nl")
    afleveren(bericht)
    beheerder.is_staff = True  # the beheerder's admin (Beheer)
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)

    inhoud = client.get(reverse("klachten:werkvoorraad")).content.decode()

    # Waiting: the other acknowledgement and the notice to the behandelaar.
    assert selectors.postvak() == selectors.Postvak(wachtend=2, onbestelbaar=1)
    assert "2 wachtend · 1 onbestelbaar" in inhoud
    assert "?aandacht=onbestelbaar" in inhoud
    lijst = client.get(
        reverse("admin:klachten_bericht_changelist") + "?aandacht=onbestelbaar"
    ).content.decode()
    assert "weg@example.nl" in lijst
    assert "anna@example.nl" not in lijst


def test_de_migratie_zet_tijdelijk_geweigerde_berichten_terug_in_de_outbox(categorie, behandelaar):
    """Before issue 15 a 451 at RCPT marked a message mislukt for good: those wait again, a 5xx
    refusal is onbestelbaar, and a message the AVG erasure cancelled stays mislukt."""
    from django.apps import apps

    migratie = importlib.import_module("klachten.migrations.0020_bezorging")
    _klacht, grijs = bevestigde_klacht(categorie, behandelaar, "grijs@example.nl")
    _klacht, weg = bevestigde_klacht(categorie, behandelaar, "weg@example.nl")
    _klacht, gewist = bevestigde_klacht(categorie, behandelaar, "gewist@example.nl")
    fouten = {
        grijs: "SMTPRecipientsRefused: {'grijs@example.nl': (451, b'4.7.1 Greylisted')}",
        weg: "SMTPRecipientsRefused: {'weg@example.nl': (550, b'5.1.1 No such user')}",
        gewist: "Niet verzonden: de persoonsgegevens zijn gewist.",
    }
    for bericht, fout in fouten.items():
        Bericht.objects.filter(pk=bericht.pk).update(status="mislukt", laatste_fout=fout)

    migratie.mislukte_berichten_indelen(apps, None)

    assert [Bericht.objects.get(pk=b.pk).status for b in (grijs, weg, gewist)] == [
        BerichtStatus.WACHTEND,
        BerichtStatus.ONBESTELBAAR,
        BerichtStatus.MISLUKT,
    ]
