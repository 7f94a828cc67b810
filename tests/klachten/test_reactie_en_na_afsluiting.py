"""Answering the customer in any state (the reactie, issue 17), and a customer who writes after
the closing: the queue shows it, the dossier offers the handler's choices (reopen,
reconsideration, a new complaint linked to this one, or just a reactie), each through its own
action, and the choice is made once. Through the pages and the real inbound pipeline."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klachten import avg, berichten, rollen, services
from klachten.models import Bericht, GebeurtenisSoort, Kanaal, Klacht
from klachten.workflow import KLANT, BerichtSoort, Status
from tests.conftest import actie_url, meldingen
from tests.factories import MedewerkerFactory
from tests.inkomend import annas_klacht, mail
from tests.processen import Mailserver

pytestmark = pytest.mark.django_db

ANNA = "anna.devries@gmail.example"
PANEEL = 'id="kop-na-afsluiting"'
INLINE = 'id="kop-antwoorden"'


def _klant_mailt(mailbox, klacht: Klacht, tekst: str, *, antwoord_op: Bericht | None = None):
    """Anna e-mails about her complaint: a reply to one of our messages, or (none sent yet) to
    the complaint's reply address. Returns the stored inbound message."""
    koppen = {}
    if antwoord_op is not None:
        koppen["In_Reply_To"] = berichten.message_id(antwoord_op)
        aan = berichten.antwoordadres(antwoord_op)
    else:
        lokaal, _at, domein = klacht.label.email.partition("@")
        aan = f"{lokaal}+{klacht.antwoord_sleutel}@{domein}"
    ruw = mail(
        van=f"Anna de Vries <{ANNA}>",
        aan=aan,
        onderwerp=f"Re: {klacht.dossiernummer}",
        tekst=f"{tekst}\n\n({uuid.uuid4().hex})",  # a Message-ID of its own (tests.inkomend.mail)
        **koppen,
    )
    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)
    assert inkomend.klacht_id == klacht.pk, inkomend.toelichting
    return inkomend


def _dossier(client, klacht: Klacht) -> str:
    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    assert response.status_code == 200
    return response.content.decode()


def _laatste_bericht(klacht: Klacht) -> Bericht | None:
    return (
        Bericht.objects.filter(klacht=klacht)
        .exclude(soort__in=berichten.interne_soorten())
        .order_by("-pk")
        .first()
    )


def _reactie_sturen(client, klacht: Klacht, tekst: str = "Dank u; we kijken ernaar."):
    klacht.refresh_from_db()
    return client.post(
        actie_url(klacht, "reactie_sturen"),
        {"versie": klacht.versie, "onderwerp": f"Re: {klacht.dossiernummer}", "tekst": tekst},
    )


# The reactie ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(Status))
def test_inline_reactie_in_elke_status_in_de_draad_van_de_klant(
    client, mailbox, behandelaar, categorie, status
):
    klacht = annas_klacht(status, behandelaar=behandelaar, categorie=categorie)
    inkomend = _klant_mailt(
        mailbox, klacht, "Heeft u mijn nota al?", antwoord_op=_laatste_bericht(klacht)
    )
    client.force_login(behandelaar)
    pagina = _dossier(client, klacht)
    assert INLINE in pagina
    assert f"Uw bericht over klacht {klacht.dossiernummer}" in pagina  # the reactie's template
    klacht.refresh_from_db()
    voor = (klacht.status, klacht.ontvangst_bevestigd_op, klacht.beantwoord_op)

    response = _reactie_sturen(client, klacht)

    assert response.status_code == 302
    assert meldingen(response, "success") == ["De reactie is verstuurd."]
    reactie = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.REACTIE)
    assert reactie.aan == ANNA
    assert reactie.in_reply_to == inkomend.message_id
    assert reactie.references.split()[-1] == inkomend.message_id
    klacht.refresh_from_db()
    # No step of the procedure: the state, the acknowledgement and the answer stay as they were.
    assert (klacht.status, klacht.ontvangst_bevestigd_op, klacht.beantwoord_op) == voor
    assert klacht.laatste_klantcontact_op is not None


def test_een_reactie_is_geen_ontvangstbevestiging_en_geen_antwoord(
    client, mailbox, behandelaar, categorie
):
    klacht = annas_klacht(Status.ONTVANGEN, behandelaar=behandelaar, categorie=categorie)
    _klant_mailt(mailbox, klacht, "Is mijn klacht binnen?")
    client.force_login(behandelaar)

    assert _reactie_sturen(client, klacht).status_code == 302

    klacht.refresh_from_db()
    assert klacht.status == Status.ONTVANGEN
    assert klacht.ontvangst_bevestigd_op is None
    assert klacht.ontvangstbevestiging_uiterlijk_datum is not None  # still runs
    assert klacht.antwoord_uiterlijk_datum is not None
    assert klacht.beantwoord_op is None


def test_de_reactie_op_een_afgesloten_klacht_gaat_in_de_draad_naar_de_smtp_server(
    client, mailbox, behandelaar, categorie, settings
):
    klacht = annas_klacht(Status.AFGESLOTEN, behandelaar=behandelaar, categorie=categorie)
    afsluiting = Bericht.objects.get(klacht=klacht, soort=BerichtSoort.AFSLUITING)
    inkomend = _klant_mailt(mailbox, klacht, "Nog een vraag.", antwoord_op=afsluiting)
    client.force_login(behandelaar)
    assert _reactie_sturen(client, klacht, "Het antwoord op uw vraag.").status_code == 302

    with Mailserver() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.poort
        berichten.openstaande_berichten_verzenden(op=timezone.now() + dt.timedelta(minutes=5))
        ontvangen = [m for m in server.aan(ANNA) if "Het antwoord op uw vraag." in str(m)]

    assert len(ontvangen) == 1
    assert str(ontvangen[0]["In-Reply-To"]) == inkomend.message_id
    assert str(ontvangen[0]["References"]).split() == [
        berichten.message_id(afsluiting),
        inkomend.message_id,
    ]


def test_geen_reactie_op_een_geanonimiseerde_klacht(client, behandelaar, categorie):
    klacht = annas_klacht(Status.AFGESLOTEN, behandelaar=behandelaar, categorie=categorie)
    avg.gegevens_wissen(email=ANNA, door=behandelaar)
    client.force_login(behandelaar)

    assert INLINE not in _dossier(client, klacht)
    response = _reactie_sturen(client, klacht)

    assert meldingen(response, "error") == [
        "De persoonsgegevens van deze klacht zijn gewist; de klacht kan niet meer open."
    ]
    assert not Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.REACTIE).exists()


def test_geen_reactie_door_de_medewerker_over_wie_de_klacht_gaat(
    client, mailbox, behandelaar, categorie
):
    # A beheerder sees every complaint, also one about themselves: the workflow refuses.
    betrokkene = MedewerkerFactory(rollen=[rollen.BEHEERDER])
    klacht = annas_klacht(Status.BEANTWOORD, behandelaar=behandelaar, categorie=categorie)
    Klacht.objects.filter(pk=klacht.pk).update(betreft_medewerker=betrokkene)
    client.force_login(betrokkene)

    assert INLINE not in _dossier(client, klacht)
    response = _reactie_sturen(client, klacht)

    assert meldingen(response, "error") == ["Deze klacht gaat over u; een collega behandelt haar."]
    assert not Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.REACTIE).exists()


# After the closing ---------------------------------------------------------------------------


@pytest.fixture
def afgesloten(behandelaar, categorie):
    return annas_klacht(Status.AFGESLOTEN, behandelaar=behandelaar, categorie=categorie)


@pytest.fixture
def klant_schreef(mailbox, afgesloten):
    afsluiting = Bericht.objects.get(klacht=afgesloten, soort=BerichtSoort.AFSLUITING)
    return _klant_mailt(
        mailbox,
        afgesloten,
        "Nu is ook mijn premie verkeerd afgeschreven.\n\nMet vriendelijke groet,\nAnna",
        antwoord_op=afsluiting,
    )


def _werkvoorraad(client, **query) -> str:
    return client.get(reverse("klachten:werkvoorraad"), query).content.decode()


def test_de_werkvoorraad_toont_de_afgesloten_klacht_tot_de_behandelaar_heeft_gekozen(
    client, behandelaar, afgesloten, klant_schreef
):
    client.force_login(behandelaar)

    standaard = client.get(reverse("klachten:werkvoorraad"))
    assert [k.pk for k in standaard.context["wachten_op_keuze"]] == [afgesloten.pk]
    lijst = standaard.content.decode().split('id="kop-wacht-op-keuze"')[1].split("</section>")[0]
    assert afgesloten.dossiernummer in lijst
    assert "Nieuw bericht</span>" in lijst
    gefilterd = client.get(reverse("klachten:werkvoorraad"), {"nieuw_klantbericht": "on"})
    assert [k.pk for k in gefilterd.context["pagina"]] == [afgesloten.pk]

    # The handler opened the dossier: the marker goes (and the filter no longer finds it), but
    # the complaint stays listed until the choice is made.
    _dossier(client, afgesloten)
    standaard = client.get(reverse("klachten:werkvoorraad"))
    assert [k.pk for k in standaard.context["wachten_op_keuze"]] == [afgesloten.pk]
    assert "Nieuw bericht</span>" not in standaard.content.decode()
    assert afgesloten.dossiernummer not in _werkvoorraad(client, nieuw_klantbericht="on")

    assert _reactie_sturen(client, afgesloten).status_code == 302
    assert client.get(reverse("klachten:werkvoorraad")).context["wachten_op_keuze"] == []


def test_het_dossier_toont_het_paneel_met_de_keuzes(client, behandelaar, afgesloten, klant_schreef):
    client.force_login(behandelaar)

    pagina = _dossier(client, afgesloten)

    paneel = pagina.split(PANEEL)[1].split("</section>")[0]
    assert "De klant schreef na de afsluiting" in pagina
    assert "Nu is ook mijn premie verkeerd afgeschreven." in paneel
    for naam in ("heropenen", "heroverweging_vragen", "vervolgklacht_registreren"):
        assert actie_url(afgesloten, naam) in paneel
    assert 'href="#kop-antwoorden"' in paneel
    assert INLINE in pagina


def test_geen_paneel_voor_een_bericht_van_voor_de_afsluiting(
    client, mailbox, behandelaar, categorie
):
    klacht = annas_klacht(Status.BEANTWOORD, behandelaar=behandelaar, categorie=categorie)
    _klant_mailt(mailbox, klacht, "Dank u.", antwoord_op=_laatste_bericht(klacht))
    client.force_login(behandelaar)
    klacht.refresh_from_db()
    client.post(
        actie_url(klacht, "afsluiten"),
        {
            "versie": klacht.versie,
            "onderwerp": "Afgesloten",
            "tekst": "Afgesloten.",
            "bevestigd": "on",
        },
    )
    klacht.refresh_from_db()
    assert klacht.status == Status.AFGESLOTEN

    pagina = _dossier(client, klacht)

    assert PANEEL not in pagina
    assert actie_url(klacht, "vervolgklacht_registreren") not in pagina


def test_heropenen_vanuit_het_paneel(client, behandelaar, afgesloten, klant_schreef):
    client.force_login(behandelaar)
    afgesloten.refresh_from_db()

    response = client.post(
        actie_url(afgesloten, "heropenen"),
        {"versie": afgesloten.versie, "reden": "De klant schreef opnieuw."},
    )

    assert response.status_code == 302
    afgesloten.refresh_from_db()
    assert afgesloten.status == Status.IN_ONDERZOEK
    assert PANEEL not in _dossier(client, afgesloten)


def test_heroverweging_vanuit_het_paneel_met_het_bericht_als_verzoek(
    client, behandelaar, afgesloten, klant_schreef
):
    client.force_login(behandelaar)
    formulier = client.get(actie_url(afgesloten, "heroverweging_vragen")).context["form"]
    verzoek = formulier.initial["reden"]
    assert verzoek.startswith("Nu is ook mijn premie verkeerd afgeschreven.")

    response = client.post(
        actie_url(afgesloten, "heroverweging_vragen"),
        {"versie": formulier.initial["versie"], "reden": verzoek},
    )

    assert response.status_code == 302
    afgesloten.refresh_from_db()
    assert afgesloten.status == Status.IN_HEROVERWEGING
    assert PANEEL not in _dossier(client, afgesloten)


def test_vervolgklacht_vanuit_het_paneel_gekoppeld_en_eenmaal_bevestigd(
    client, behandelaar, afgesloten, klant_schreef, categorie_b
):
    client.force_login(behandelaar)
    formulier = client.get(actie_url(afgesloten, "vervolgklacht_registreren")).context["form"]
    assert formulier.initial["omschrijving"].startswith(
        "Nu is ook mijn premie verkeerd afgeschreven."
    )
    assert formulier.initial["categorie"] == afgesloten.categorie_id
    assert formulier.initial["afdeling"] == afgesloten.afdeling_id

    response = client.post(
        actie_url(afgesloten, "vervolgklacht_registreren"),
        {
            "versie": formulier.initial["versie"],
            "omschrijving": formulier.initial["omschrijving"],
            "categorie": categorie_b.pk,  # the handler changes the proposed categorie
            "afdeling": "",
        },
    )

    assert response.status_code == 302
    nieuw = Klacht.objects.get(vorige_klacht=afgesloten)
    assert (nieuw.klant_naam, nieuw.klant_email, nieuw.label_id, nieuw.taal) == (
        afgesloten.klant_naam,
        afgesloten.klant_email,
        afgesloten.label_id,
        afgesloten.taal,
    )
    assert nieuw.kanaal == Kanaal.EMAIL
    assert (nieuw.categorie, nieuw.afdeling) == (categorie_b, categorie_b.afdeling)
    assert nieuw.omschrijving.startswith("Nu is ook mijn premie verkeerd afgeschreven.")
    assert nieuw.ontvangen_op == klant_schreef.gebeurtenis.op  # when the customer wrote
    # Acknowledged once, like a complaint the customer filed.
    assert nieuw.status == Status.ONTVANGST_BEVESTIGD
    assert nieuw.berichten.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).count() == 1
    # The old one stays closed; both timelines and both dossiers name the other.
    afgesloten.refresh_from_db()
    assert afgesloten.status == Status.AFGESLOTEN
    # Each has its history row of the action (both written in one INSERT), by the handler, as
    # stored: the new one created acknowledged, the old one a version further.
    gemaakt = nieuw.history.get()
    assert (gemaakt.history_type, gemaakt.history_user, gemaakt.status, gemaakt.versie) == (
        "+",
        behandelaar,
        Status.ONTVANGST_BEVESTIGD,
        nieuw.versie,
    )
    assert gemaakt.dossiernummer == nieuw.dossiernummer
    assert gemaakt.vorige_klacht_id == afgesloten.pk
    gewijzigd = afgesloten.history.latest()
    assert (gewijzigd.history_type, gewijzigd.history_user, gewijzigd.status) == (
        "~",
        behandelaar,
        Status.AFGESLOTEN,
    )
    assert gewijzigd.versie == afgesloten.versie == formulier.initial["versie"] + 1
    assert gewijzigd.history_date >= gemaakt.history_date
    assert afgesloten.gebeurtenissen.filter(
        soort=GebeurtenisSoort.VERVOLGKLACHT, tekst__contains=nieuw.dossiernummer
    ).exists()
    assert nieuw.gebeurtenissen.filter(
        soort=GebeurtenisSoort.VERVOLGKLACHT, tekst__contains=afgesloten.dossiernummer
    ).exists()
    oud_pagina = _dossier(client, afgesloten)
    assert reverse("klachten:dossier", args=[nieuw.dossiernummer]) in oud_pagina
    assert PANEEL not in oud_pagina
    nieuw_pagina = _dossier(client, nieuw)
    assert reverse("klachten:dossier", args=[afgesloten.dossiernummer]) in nieuw_pagina
    assert client.get(reverse("klachten:werkvoorraad")).context["wachten_op_keuze"] == []


def test_alleen_antwoorden_vanuit_het_paneel_en_een_nieuw_bericht_brengt_het_terug(
    client, mailbox, behandelaar, afgesloten, klant_schreef
):
    client.force_login(behandelaar)

    assert _reactie_sturen(client, afgesloten).status_code == 302

    assert PANEEL not in _dossier(client, afgesloten)
    afgesloten.refresh_from_db()
    assert afgesloten.status == Status.AFGESLOTEN
    reactie = Bericht.objects.get(klacht=afgesloten, soort=BerichtSoort.REACTIE)
    _klant_mailt(mailbox, afgesloten, "Toch nog iets.", antwoord_op=reactie)
    assert PANEEL in _dossier(client, afgesloten)


def test_de_afgesloten_klachten_die_wachten_kosten_de_werkvoorraad_geen_query_per_klacht(
    client, behandelaar, categorie
):
    def afgesloten_met_bericht(aantal: int) -> None:
        for _ in range(aantal):
            klacht = annas_klacht(Status.AFGESLOTEN, behandelaar=behandelaar, categorie=categorie)
            services.klantbericht_toevoegen(
                klacht=klacht, door=KLANT, tekst="Nog iets.", per_email=True
            )

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as gedaan:
            response = client.get(reverse("klachten:werkvoorraad"))
        assert response.status_code == 200
        return len(gedaan), len(response.context["wachten_op_keuze"])

    client.force_login(behandelaar)
    afgesloten_met_bericht(1)
    bij_1, getoond = queries()
    assert getoond == 1
    afgesloten_met_bericht(4)
    assert queries() == (bij_1, 5)


def test_wie_niets_kan_kiezen_ziet_geen_paneel(client, directie, afgesloten, klant_schreef):
    client.force_login(directie)

    pagina = _dossier(client, afgesloten)

    assert PANEEL not in pagina
    assert "Nu is ook mijn premie verkeerd afgeschreven." in pagina  # on the timeline
