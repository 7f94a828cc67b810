"""Every path of the complaint workflow, end to end, through the services and through the pages
(issue 3, acceptance 1; DESIGN.md section 4). Each test runs twice (`werkplek`: service, pagina).

Deadlines are checked by hand: acknowledgement received + 8 days, answer received + 42 days,
statusupdate the last message to the customer + 21 days, reconsideration requested + 42 days."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Bericht,
    BerichtStatus,
    ExterneProcedure,
    GebeurtenisSoort,
    Kanaal,
    Klacht,
    Termijnwijziging,
    TermijnwijzigingSoort,
    Uitkomst,
)
from klachten.workflow import KLANT, BerichtSoort, Oordeel, Status
from tests.factories import KlachtFactory, klacht_in_status

pytestmark = pytest.mark.django_db

G = GebeurtenisSoort
S = Status


def moment(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime(datum.year, datum.month, datum.day, uur, tzinfo=AMSTERDAM)


@pytest.fixture
def naar(time_machine):
    """Move the frozen clock to 10:00 on a date (Europe/Amsterdam)."""

    def naar(datum: dt.date) -> dt.datetime:
        time_machine.move_to(moment(datum), tick=False)
        return moment(datum)

    return naar


def tijdlijn(klacht: Klacht) -> list[tuple]:
    """The timeline rows, oldest first: (soort, van_status, naar_status)."""
    return [
        (g.soort, g.van_status, g.naar_status) for g in klacht.gebeurtenissen.order_by("op", "pk")
    ]


def statuswijzigingen(klacht: Klacht) -> list[tuple[str, str]]:
    return [(van, naar) for soort, van, naar in tijdlijn(klacht) if soort == G.STATUS]


def berichten_aan_klant(klacht: Klacht) -> list[str]:
    return list(
        klacht.berichten.exclude(soort=BerichtSoort.MELDING_BEHANDELAAR)
        .order_by("created_at", "pk")
        .values_list("soort", flat=True)
    )


def termijnen(klacht: Klacht) -> dict:
    return {
        "antwoord": klacht.antwoord_uiterlijk_datum,
        "statusupdate": klacht.statusupdate_uiterlijk_datum,
        "volgende": klacht.volgende_termijn_datum,
    }


def test_webklacht_bevestigd_ontvankelijk_twee_statusupdates_gegrond_beantwoord_en_afgesloten(
    werkplek, behandelaar, klacht_formulier_data, kifid, naar, aangekondigd, mailoutbox
):
    # 1-2. The web complaint is acknowledged at once, with its dossiernummer and status link.
    ingediend = naar(dt.date(2026, 3, 2))
    klacht = werkplek.klacht_indienen(klacht_formulier_data)

    assert klacht.kanaal == Kanaal.WEBFORMULIER
    assert klacht.status == S.ONTVANGST_BEVESTIGD
    assert klacht.ontvangst_bevestigd_op == ingediend
    assert klacht.ontvangstbevestiging_uiterlijk_datum == dt.date(2026, 3, 10)
    assert termijnen(klacht) == {
        "antwoord": dt.date(2026, 4, 13),
        "statusupdate": None,  # runs only while investigated
        "volgende": dt.date(2026, 4, 13),
    }
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna@example.nl"]
    assert klacht.dossiernummer in mailoutbox[0].subject
    assert reverse("klachten:status", args=[klacht.status_token]) in mailoutbox[0].body

    # 3. Admissible: the investigation starts; the statusupdate clock runs from the
    # acknowledgement (the last message to the customer).
    naar(dt.date(2026, 3, 4))
    klacht = werkplek.doe("ontvankelijk_verklaren", klacht, behandelaar, toelichting="")

    assert klacht.status == S.IN_ONDERZOEK
    assert klacht.is_ontvankelijk is True
    assert termijnen(klacht) == {
        "antwoord": dt.date(2026, 4, 13),
        "statusupdate": dt.date(2026, 3, 23),
        "volgende": dt.date(2026, 3, 23),
    }

    # 4. Two statusupdates, each resetting the 21 days.
    eerste_update = naar(dt.date(2026, 3, 20))
    klacht = werkplek.doe(
        "statusupdate_sturen",
        klacht,
        behandelaar,
        onderwerp="Stand van zaken",
        tekst="We hebben de nota opgevraagd bij uw fysiotherapeut.",
    )

    assert klacht.status == S.IN_ONDERZOEK
    assert klacht.laatste_klantcontact_op == eerste_update
    assert termijnen(klacht) == {
        "antwoord": dt.date(2026, 4, 13),
        "statusupdate": dt.date(2026, 4, 10),
        "volgende": dt.date(2026, 4, 10),
    }

    naar(dt.date(2026, 4, 8))
    klacht = werkplek.doe(
        "statusupdate_sturen",
        klacht,
        behandelaar,
        onderwerp="Stand van zaken",
        tekst="De nota is binnen; we ronden het onderzoek af.",
    )

    assert termijnen(klacht) == {
        "antwoord": dt.date(2026, 4, 13),
        "statusupdate": dt.date(2026, 4, 29),
        "volgende": dt.date(2026, 4, 13),  # the answer is due first now
    }
    # The handler's own part, assembled into each message (berichten.samenstellen).
    updates = [
        b.tekst for b in klacht.berichten.filter(soort=BerichtSoort.STATUSUPDATE).order_by("pk")
    ]
    assert len(updates) == 2
    assert "We hebben de nota opgevraagd bij uw fysiotherapeut." in updates[0]
    assert "De nota is binnen; we ronden het onderzoek af." in updates[1]
    assert all("21 kalenderdagen" in u and "13 april 2026" in u for u in updates)
    assert aangekondigd == []

    # 5. The reasoned answer (gegrond), from the template; not the final position.
    beantwoord = naar(dt.date(2026, 4, 10))
    klacht = werkplek.doe(
        "antwoord_sturen", klacht, behandelaar, oordeel=Oordeel.GEGROND, definitief_standpunt=False
    )

    assert klacht.status == S.BEANTWOORD
    assert klacht.oordeel == Oordeel.GEGROND
    assert klacht.beantwoord_op == beantwoord
    assert klacht.definitief_standpunt_op is None
    assert termijnen(klacht)["statusupdate"] is None
    assert klacht.volgende_termijn_datum is None
    antwoord = klacht.berichten.get(soort=BerichtSoort.ANTWOORD)
    assert "Wij hebben uw klacht onderzocht." in antwoord.tekst
    assert klacht.status_token in antwoord.tekst  # the way to ask for heroverweging
    assert "Kifid" not in antwoord.tekst  # the escalation clause belongs to a definitief standpunt
    assert aangekondigd == [("klacht_beantwoord", klacht.pk)]

    # 7. Closed.
    afgesloten = naar(dt.date(2026, 4, 20))
    klacht = werkplek.doe("afsluiten", klacht, behandelaar)

    assert klacht.status == S.AFGESLOTEN
    assert klacht.afgesloten_op == afgesloten
    assert klacht.volgende_termijn_datum is None
    assert aangekondigd == [("klacht_beantwoord", klacht.pk), ("klacht_afgesloten", klacht.pk)]

    assert berichten_aan_klant(klacht) == [
        BerichtSoort.ONTVANGSTBEVESTIGING,
        BerichtSoort.STATUSUPDATE,
        BerichtSoort.STATUSUPDATE,
        BerichtSoort.ANTWOORD,
        BerichtSoort.AFSLUITING,
    ]
    verstuurd = klacht.berichten.order_by("created_at", "pk")
    assert {b.status for b in verstuurd} == {BerichtStatus.VERZONDEN}
    assert [m.subject for m in mailoutbox] == [b.onderwerp for b in verstuurd]
    assert [m.body for m in mailoutbox] == [b.tekst for b in verstuurd]
    assert {tuple(m.to) for m in mailoutbox} == {("anna@example.nl",)}
    assert tijdlijn(klacht) == [
        (G.ONTVANGEN, "", S.ONTVANGEN),
        (G.BERICHT, "", ""),
        (G.STATUS, S.ONTVANGEN, S.ONTVANGST_BEVESTIGD),
        (G.STATUS, S.ONTVANGST_BEVESTIGD, S.IN_ONDERZOEK),
        (G.BERICHT, "", ""),
        (G.BERICHT, "", ""),
        (G.BERICHT, "", ""),
        (G.STATUS, S.IN_ONDERZOEK, S.BEANTWOORD),
        (G.BERICHT, "", ""),
        (G.STATUS, S.BEANTWOORD, S.AFGESLOTEN),
    ]
    assert klacht.versie == 1 + 6  # one version per workflow step after registration


def test_niet_ontvankelijk_krijgt_een_gemotiveerde_brief_en_wordt_afgesloten(
    werkplek, behandelaar, categorie, naar, aangekondigd, mailoutbox
):
    naar(dt.date(2026, 3, 2))
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar, klant_email="b@x.nl")
    assert klacht.volgende_termijn_datum == dt.date(2026, 3, 10)  # the acknowledgement

    afgesloten = naar(dt.date(2026, 3, 5))
    motivering = (
        "Beste klant,\n\nU maakt bezwaar tegen een besluit over uw machtiging. Daarvoor geldt de "
        "bezwaarprocedure, niet de klachtenprocedure."
    )
    klacht = werkplek.doe(
        "niet_ontvankelijk_verklaren",
        klacht,
        behandelaar,
        onderwerp="Wij kunnen uw klacht niet in behandeling nemen",
        tekst=motivering,
    )

    assert klacht.status == S.AFGESLOTEN
    assert klacht.is_ontvankelijk is False
    assert klacht.afgesloten_op == afgesloten
    assert klacht.volgende_termijn_datum is None
    brief = klacht.berichten.get()
    assert brief.soort == BerichtSoort.NIET_ONTVANKELIJK
    # The handler's old-style salutation gives way to the one from the data; their reasoning
    # stands in the body, once.
    assert brief.tekst.startswith(f"Beste {klacht.klant_naam},\n\n")
    assert "Beste klant" not in brief.tekst
    assert brief.tekst.count("Daarvoor geldt de bezwaarprocedure") == 1
    assert [(m.to, m.body) for m in mailoutbox] == [(["b@x.nl"], brief.tekst)]
    assert statuswijzigingen(klacht) == [(S.ONTVANGEN, S.AFGESLOTEN)]
    assert aangekondigd == [("klacht_afgesloten", klacht.pk)]


def test_direct_opgeloste_klacht_gaat_in_een_stap_van_ontvangst_naar_afgesloten(
    werkplek, behandelaar, label, categorie, afdeling_a, naar, aangekondigd, mailoutbox
):
    nu = naar(dt.date(2026, 3, 2))
    oplossing = "Uitgelegd hoe de eigen bijdrage is berekend; klant is tevreden."
    with werkplek.capture(execute=True):
        if werkplek.weg == "service":
            services.klacht_registreren(
                label=label,
                kanaal=Kanaal.TELEFOON,
                klant_naam="Piet Jansen",
                klant_email="piet@example.nl",
                categorie=categorie,
                omschrijving="Klant begreep de eigen bijdrage op de nota niet.",
                ingediend_door=behandelaar,
                direct_opgelost=True,
                oplossing=oplossing,
            )
        else:
            werkplek.client.force_login(behandelaar)
            response = werkplek.client.post(
                reverse("klachten:registreren"),
                {
                    "kanaal": Kanaal.TELEFOON,
                    "ontvangen_op": "2026-03-02T09:45",
                    "label": label.pk,
                    "klant_naam": "Piet Jansen",
                    "klant_email": "piet@example.nl",
                    "afdeling": afdeling_a.pk,
                    "categorie": categorie.pk,
                    "urgentie": "normaal",
                    "omschrijving": "Klant begreep de eigen bijdrage op de nota niet.",
                    "direct_opgelost": "on",
                    "oplossing": oplossing,
                },
            )
            assert response.status_code == 302

    klacht = Klacht.objects.get()
    assert klacht.status == S.AFGESLOTEN
    assert klacht.direct_opgelost is True
    assert klacht.oplossing == oplossing
    assert klacht.afgesloten_op == nu
    assert klacht.dossiernummer == "KL-2026-000001"
    assert klacht.ontvangstbevestiging_uiterlijk_datum is None
    assert klacht.antwoord_uiterlijk_datum is None
    assert klacht.volgende_termijn_datum is None
    assert tijdlijn(klacht) == [(G.ONTVANGEN, "", S.AFGESLOTEN)]
    assert not Bericht.objects.exists()
    assert mailoutbox == []
    assert aangekondigd == [("klacht_afgesloten", klacht.pk)]


def test_heroverweging_door_tweede_lijn_met_kifid_termijn_en_externe_procedure(
    werkplek,
    behandelaar,
    collega,
    teamleider,
    afdeling_a,
    klacht_formulier_data,
    kifid,
    naar,
    aangekondigd,
    mailoutbox,
):
    naar(dt.date(2026, 1, 15))
    klacht = werkplek.klacht_indienen(klacht_formulier_data)
    naar(dt.date(2026, 1, 16))
    klacht = werkplek.doe(
        "toewijzen", klacht, teamleider, afdeling=afdeling_a, behandelaar=behandelaar
    )
    klacht = werkplek.doe("ontvankelijk_verklaren", klacht, behandelaar, toelichting="")
    assert klacht.behandelaar == behandelaar

    naar(dt.date(2026, 2, 20))
    klacht = werkplek.doe(
        "antwoord_sturen",
        klacht,
        behandelaar,
        oordeel=Oordeel.ONGEGROND,
        definitief_standpunt=False,
    )
    assert klacht.status == S.BEANTWOORD

    # 6. The customer asks for reconsideration on the status page.
    gevraagd = naar(dt.date(2026, 3, 2))
    klacht = werkplek.doe(
        "heroverweging_vragen", klacht, KLANT, reden="De fysiotherapeut was wél gecontracteerd."
    )

    assert klacht.status == S.IN_HEROVERWEGING
    assert klacht.heroverweging_gevraagd_op == gevraagd
    assert klacht.heroverweging_uiterlijk_datum == dt.date(2026, 4, 13)
    # Handling resumed on 2 March: the statusupdate clock runs from there, not from the answer.
    assert klacht.statusupdate_uiterlijk_datum == dt.date(2026, 3, 23)
    assert klacht.volgende_termijn_datum == dt.date(2026, 3, 23)
    verzoek = klacht.gebeurtenissen.get(soort=G.KLANTBERICHT)
    assert verzoek.door_klant is True
    assert verzoek.tekst == "De fysiotherapeut was wél gecontracteerd."
    # The customer is told what happens and until when; the teamleider assigns the second line.
    bevestiging = klacht.berichten.get(soort=BerichtSoort.HEROVERWEGING_BEVESTIGING)
    assert bevestiging.aan == klacht.klant_email
    assert "uiterlijk op 13 april 2026" in bevestiging.tekst
    assert mailoutbox[-1].to == [teamleider.email]
    assert "Wijs een tweedelijnsbehandelaar toe" in mailoutbox[-1].body

    # Second line: not the first handler.
    versie = klacht.versie
    melding = werkplek.weiger(
        "toewijzen", klacht, teamleider, afdeling=afdeling_a, behandelaar=behandelaar
    )
    assert "andere behandelaar dan de eerste" in melding
    klacht.refresh_from_db()
    assert klacht.versie == versie
    assert klacht.heroverweging_behandelaar is None

    klacht = werkplek.doe("toewijzen", klacht, teamleider, afdeling=afdeling_a, behandelaar=collega)
    assert klacht.heroverweging_behandelaar == collega
    assert klacht.behandelaar == behandelaar  # the first line stays on record
    assert mailoutbox[-1].to == [collega.email]

    melding = werkplek.weiger(
        "heroverweging_beantwoorden", klacht, behandelaar, oordeel=Oordeel.ONGEGROND
    )
    assert "andere behandelaar dan de eerste" in melding
    klacht.refresh_from_db()
    assert klacht.status == S.IN_HEROVERWEGING

    # The second-line answer is the definitief standpunt. Kifid: 3 months after it (2 February
    # 2027) or 1 year after the complaint (15 January 2027), whichever is later.
    standpunt = naar(dt.date(2026, 11, 2))
    klacht = werkplek.doe(
        "heroverweging_beantwoorden", klacht, collega, oordeel=Oordeel.DEELS_GEGROND
    )

    assert klacht.status == S.BEANTWOORD
    assert klacht.oordeel == Oordeel.DEELS_GEGROND
    assert klacht.definitief_standpunt_op == standpunt
    assert klacht.volgende_termijn_datum is None
    herantwoord = klacht.berichten.get(soort=BerichtSoort.HEROVERWEGING_ANTWOORD)
    assert "Kifid (Klachteninstituut Financiële Dienstverlening)" in herantwoord.tekst
    assert "Doe dat uiterlijk op 2 februari 2027" in herantwoord.tekst
    assert mailoutbox[-1].body == herantwoord.tekst
    assert aangekondigd == [("klacht_beantwoord", klacht.pk), ("klacht_beantwoord", klacht.pk)]

    # The case goes to Kifid; its outcome is recorded.
    naar(dt.date(2027, 3, 20))
    klacht = werkplek.doe(
        "externe_procedure_vastleggen",
        klacht,
        collega,
        instantie=kifid,
        ingediend_datum=dt.date(2026, 12, 1),
        uitkomst=Uitkomst.ONGEGROND,
        beslist_datum=dt.date(2027, 3, 15),
        toelichting="De commissie volgt ons standpunt.",
    )

    procedure = ExterneProcedure.objects.get(klacht=klacht)
    assert (procedure.instantie, procedure.uitkomst) == (kifid, Uitkomst.ONGEGROND)
    assert procedure.ingediend_datum == dt.date(2026, 12, 1)
    assert procedure.beslist_datum == dt.date(2027, 3, 15)
    assert klacht.gebeurtenissen.get(soort=G.EXTERNE_PROCEDURE).tekst == f"{kifid}: Ongegrond"
    assert klacht.status == S.BEANTWOORD

    klacht = werkplek.doe("afsluiten", klacht, collega)

    assert klacht.status == S.AFGESLOTEN
    assert aangekondigd[-1] == ("klacht_afgesloten", klacht.pk)
    assert statuswijzigingen(klacht) == [
        (S.ONTVANGEN, S.ONTVANGST_BEVESTIGD),
        (S.ONTVANGST_BEVESTIGD, S.IN_ONDERZOEK),
        (S.IN_ONDERZOEK, S.BEANTWOORD),
        (S.BEANTWOORD, S.IN_HEROVERWEGING),
        (S.IN_HEROVERWEGING, S.BEANTWOORD),
        (S.BEANTWOORD, S.AFGESLOTEN),
    ]
    assert klacht.gebeurtenissen.get(naar_status=S.IN_HEROVERWEGING).door_klant is True
    assert berichten_aan_klant(klacht) == [
        BerichtSoort.ONTVANGSTBEVESTIGING,
        BerichtSoort.ANTWOORD,
        BerichtSoort.HEROVERWEGING_BEVESTIGING,
        BerichtSoort.HEROVERWEGING_ANTWOORD,
        BerichtSoort.AFSLUITING,
    ]
    assert list(
        klacht.berichten.filter(soort=BerichtSoort.MELDING_BEHANDELAAR)
        .order_by("pk")
        .values_list("aan", flat=True)
    ) == [behandelaar.email, teamleider.email, collega.email]


@pytest.mark.parametrize(
    ("ontvangen", "standpunt", "uiterste"),
    [
        # A year after the complaint is later than 3 months after the standpoint.
        (dt.date(2026, 1, 15), dt.date(2026, 3, 10), "15 januari 2027"),
        # 3 months after the standpoint is later; 30 November + 3 months is 28 February.
        (dt.date(2026, 1, 15), dt.date(2026, 11, 30), "28 februari 2027"),
    ],
    ids=["jaar-na-klacht", "drie-maanden-na-standpunt"],
)
def test_definitief_standpunt_noemt_de_laatste_datum_voor_kifid(
    werkplek, behandelaar, categorie, kifid, naar, ontvangen, standpunt, uiterste
):
    naar(ontvangen)
    klacht = klacht_in_status(S.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    naar(standpunt)

    klacht = werkplek.doe(
        "antwoord_sturen", klacht, behandelaar, oordeel=Oordeel.ONGEGROND, definitief_standpunt=True
    )

    assert klacht.definitief_standpunt_op == moment(standpunt)
    antwoord = klacht.berichten.get(soort=BerichtSoort.ANTWOORD)
    assert f"Doe dat uiterlijk op {uiterste}" in antwoord.tekst


def test_definitief_standpunt_krijgt_de_escalatieparagraaf_ook_als_de_behandelaar_die_wegliet(
    werkplek, behandelaar, categorie, kifid, naar
):
    naar(dt.date(2026, 1, 15))
    klacht = klacht_in_status(S.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    naar(dt.date(2026, 2, 1))

    klacht = werkplek.doe(
        "antwoord_sturen",
        klacht,
        behandelaar,
        oordeel=Oordeel.ONGEGROND,
        definitief_standpunt=True,
        onderwerp="Ons antwoord",
        tekst="Beste klant,\n\nWij handhaven ons besluit.",
    )

    tekst = klacht.berichten.get(soort=BerichtSoort.ANTWOORD).tekst
    assert tekst.startswith(f"Beste {klacht.klant_naam},\n\n")
    assert "Wij handhaven ons besluit." in tekst
    assert tekst.count("Doe dat uiterlijk op 15 januari 2027") == 1
    assert "heroverweging" not in tekst.lower()
    assert tekst.index("Doe dat uiterlijk op") < tekst.index("Met vriendelijke groet")


def test_opschorten_en_verlengen_vertellen_de_klant_de_nieuwe_datum(
    werkplek, behandelaar, client, klacht_formulier_data, naar, mailoutbox
):
    naar(dt.date(2026, 3, 2))
    klacht = werkplek.klacht_indienen(klacht_formulier_data)
    naar(dt.date(2026, 3, 4))
    klacht = werkplek.doe("ontvankelijk_verklaren", klacht, behandelaar, toelichting="")
    assert klacht.antwoord_uiterlijk_datum == dt.date(2026, 4, 13)

    # Suspended: the date comes from the form field, through the template (issue 18).
    naar(dt.date(2026, 3, 10))
    klacht = werkplek.doe(
        "opschorten",
        klacht,
        behandelaar,
        nieuwe_datum=dt.date(2026, 4, 27),
        reden="We wachten op het advies van onze medisch adviseur.",
        onderwerp="Ons antwoord komt later",
        tekst="Beste Anna,\n\nWe hebben meer tijd nodig.",
    )

    assert klacht.status == S.IN_ONDERZOEK
    assert termijnen(klacht) == {
        "antwoord": dt.date(2026, 4, 27),
        "statusupdate": dt.date(2026, 3, 31),  # the delay notice is a message to the customer
        "volgende": dt.date(2026, 3, 31),
    }
    opschorting = Termijnwijziging.objects.get(klacht=klacht)
    assert opschorting.soort == TermijnwijzigingSoort.OPSCHORTING
    assert (opschorting.oude_datum, opschorting.nieuwe_datum) == (
        dt.date(2026, 4, 13),
        dt.date(2026, 4, 27),
    )
    assert opschorting.reden == "We wachten op het advies van onze medisch adviseur."
    assert opschorting.door == behandelaar
    vertraging = klacht.berichten.get(soort=BerichtSoort.VERTRAGING)
    assert vertraging.tekst.startswith("Beste Anna")
    assert "We hebben meer tijd nodig." in vertraging.tekst
    assert "Waarom? We wachten op het advies van onze medisch adviseur." in vertraging.tekst
    assert "U krijgt uiterlijk op 27 april 2026 ons antwoord." in vertraging.tekst
    assert vertraging.tekst.count("2026") == 1  # one date: the form's
    assert mailoutbox[-1].body == vertraging.tekst
    assert klacht.gebeurtenissen.get(soort=G.TERMIJN).tekst == (
        "Opschorting: We wachten op het advies van onze medisch adviseur."
    )
    status = client.get(reverse("klachten:status", args=[klacht.status_token]))
    assert "U krijgt uiterlijk op 27 april 2026 ons antwoord." in status.content.decode()

    # Extended: the new date from the form, once.
    naar(dt.date(2026, 4, 20))
    klacht = werkplek.doe(
        "verlengen",
        klacht,
        behandelaar,
        nieuwe_datum=dt.date(2026, 5, 11),
        reden="Het advies is uitgebreider dan verwacht.",
        onderwerp="Ons antwoord komt later",
        tekst="",
    )

    assert termijnen(klacht) == {
        "antwoord": dt.date(2026, 5, 11),
        "statusupdate": dt.date(2026, 5, 11),
        "volgende": dt.date(2026, 5, 11),
    }
    verlenging = klacht.berichten.filter(soort=BerichtSoort.VERTRAGING).order_by("pk").last()
    assert verlenging.tekst.count("11 mei 2026") == 1
    assert "U krijgt uiterlijk op 11 mei 2026 ons antwoord." in verlenging.tekst
    assert verlenging.tekst.index("11 mei 2026") < verlenging.tekst.index("Met vriendelijke")
    assert list(
        Termijnwijziging.objects.filter(klacht=klacht).values_list("soort", "nieuwe_datum")
    ) == [
        (TermijnwijzigingSoort.OPSCHORTING, dt.date(2026, 4, 27)),
        (TermijnwijzigingSoort.VERLENGING, dt.date(2026, 5, 11)),
    ]

    # A date that is not later than the current term is refused; nothing changes.
    versie, aantal_berichten = klacht.versie, Bericht.objects.count()
    melding = werkplek.weiger(
        "verlengen",
        klacht,
        behandelaar,
        nieuwe_datum=dt.date(2026, 5, 1),
        reden="Nog meer tijd.",
        onderwerp="Later",
        tekst="Later.",
    )
    assert "Kies een datum na de huidige termijn (11 mei 2026)" in melding
    klacht.refresh_from_db()
    assert (klacht.versie, klacht.antwoord_uiterlijk_datum) == (versie, dt.date(2026, 5, 11))
    assert Bericht.objects.count() == aantal_berichten
    assert Termijnwijziging.objects.filter(klacht=klacht).count() == 2


def test_heropende_klacht_houdt_dossiernummer_en_geschiedenis_en_krijgt_een_nieuwe_antwoordtermijn(
    werkplek, behandelaar, categorie, naar, aangekondigd
):
    naar(dt.date(2026, 3, 2))
    klacht = klacht_in_status(S.AFGESLOTEN, door=behandelaar, categorie=categorie)
    dossiernummer = klacht.dossiernummer
    gebeurtenissen_voor = list(klacht.gebeurtenissen.values_list("pk", flat=True))
    historie_voor = klacht.history.count()
    berichten_voor = klacht.berichten.count()

    melding = werkplek.weiger("heropenen", klacht, behandelaar, reden="")
    assert melding in ("Geef de reden voor het heropenen.", "Dit veld is vereist.")

    heropend = naar(dt.date(2026, 3, 9))
    klacht = werkplek.doe(
        "heropenen", klacht, behandelaar, reden="Klant belde: de betaling is niet aangekomen."
    )

    assert klacht.status == S.IN_ONDERZOEK
    assert klacht.dossiernummer == dossiernummer
    assert klacht.afgesloten_op is None
    assert klacht.antwoord_uiterlijk_datum == dt.date(2026, 4, 20)  # 9 March + 42 days
    # Reopened on 9 March: the statusupdate clock runs from there.
    assert klacht.statusupdate_uiterlijk_datum == dt.date(2026, 3, 30)
    assert klacht.volgende_termijn_datum == dt.date(2026, 3, 30)
    assert set(gebeurtenissen_voor) < set(klacht.gebeurtenissen.values_list("pk", flat=True))
    assert klacht.history.count() == historie_voor + 1
    assert klacht.berichten.count() == berichten_voor  # reopening sends nothing by itself
    assert tijdlijn(klacht)[-2:] == [
        (G.NOTITIE, "", ""),
        (G.STATUS, S.AFGESLOTEN, S.IN_ONDERZOEK),
    ]
    notitie = klacht.gebeurtenissen.get(soort=G.NOTITIE)
    assert notitie.tekst == "Heropend: Klant belde: de betaling is niet aangekomen."
    assert (notitie.door, notitie.op) == (behandelaar, heropend)

    # The reopened complaint is answered and closed again, on the same dossier.
    klacht = werkplek.doe("antwoord_sturen", klacht, behandelaar, oordeel=Oordeel.GEGROND)
    klacht = werkplek.doe("afsluiten", klacht, behandelaar)

    assert klacht.status == S.AFGESLOTEN
    assert klacht.berichten.filter(soort=BerichtSoort.ANTWOORD).count() == 2
    assert aangekondigd == [("klacht_beantwoord", klacht.pk), ("klacht_afgesloten", klacht.pk)]


def test_opschorten_tijdens_heroverweging_verschuift_de_heroverwegingstermijn(
    werkplek, behandelaar, categorie, naar
):
    naar(dt.date(2026, 3, 2))
    klacht = klacht_in_status(S.IN_HEROVERWEGING, door=behandelaar, categorie=categorie)
    assert klacht.heroverweging_uiterlijk_datum == dt.date(2026, 4, 13)
    antwoord_voor = klacht.antwoord_uiterlijk_datum

    naar(dt.date(2026, 3, 20))
    klacht = werkplek.doe(
        "opschorten",
        klacht,
        behandelaar,
        nieuwe_datum=dt.date(2026, 5, 4),
        reden="We wachten op het dossier van de tussenpersoon.",
        onderwerp="Ons antwoord komt later",
        tekst="Beste klant,\n\nWe hebben meer tijd nodig.",
    )

    assert klacht.status == S.IN_HEROVERWEGING
    assert klacht.heroverweging_uiterlijk_datum == dt.date(2026, 5, 4)
    assert klacht.antwoord_uiterlijk_datum == antwoord_voor
    assert klacht.statusupdate_uiterlijk_datum == dt.date(2026, 4, 10)
    assert klacht.volgende_termijn_datum == dt.date(2026, 4, 10)
    vertraging = klacht.berichten.get(soort=BerichtSoort.VERTRAGING)
    assert "4 mei 2026" in vertraging.tekst
    assert Termijnwijziging.objects.get(klacht=klacht).oude_datum == dt.date(2026, 4, 13)
