"""Letters by post and the print tray (issue 18, "Post", acceptance 5): a phone complaint without
e-mail, registered with a postal address, gets its messages as PDF letters in the print tray
(the same text as the e-mail would have), sent when marked printed, and counted by the deadline
on that day."""

import datetime as dt
import io
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from klachten import avg, berichten, bewaking, rollen, services
from klachten.admin import KlachtAdminFormulier
from klachten.berichten import brieven
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Bericht,
    BerichtStatus,
    Gebeurtenis,
    GebeurtenisSoort,
    Inzage,
    InzageSoort,
    Kanaal,
    Klacht,
    SignaalSoort,
    Termijnafloop,
    Termijnsignaal,
)
from klachten.termijnen import TermijnSoort
from klachten.workflow import BerichtSoort, Status
from klanttevredenheid import services as kto
from klanttevredenheid.models import RedenOvergeslagen, UitnodigingStatus
from rapportage.maandrapport import met_eerste_reactie
from tests.api import api_toegang
from tests.factories import KlachtFactory, LabelFactory, MedewerkerFactory, klacht_in_status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 10, 14, 0, tzinfo=AMSTERDAM)
POSTADRES = "Dorpsstraat 12\n1234 AB Ergenshuizen"


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def _per_post(**kwargs) -> Klacht:
    """A phone complaint without e-mail, with a postal address."""
    velden = {
        "kanaal": Kanaal.TELEFOON,
        "klant_naam": f"Jan Post {uuid.uuid4().hex[:6]}",
        "klant_email": "",
        "klant_postadres": POSTADRES,
    }
    return KlachtFactory(**(velden | kwargs))


def _pdf_tekst(inhoud: bytes) -> tuple[int, str]:
    lezer = PdfReader(io.BytesIO(inhoud))
    tekst = "\n".join(pagina.extract_text() for pagina in lezer.pages)
    return len(lezer.pages), " ".join(tekst.split())


def _bevestigd_per_brief(door, **kwargs) -> Bericht:
    klacht = services.ontvangst_bevestigen(klacht=_per_post(**kwargs), door=door)
    return Bericht.objects.get(klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING)


@pytest.fixture
def per_brief(behandelaar, categorie):
    """A letter of acknowledgement in the tray, about a complaint of the behandelaar's afdeling."""

    def maken(**kwargs) -> Bericht:
        return _bevestigd_per_brief(behandelaar, **({"categorie": categorie} | kwargs))

    return maken


# Registration ------------------------------------------------------------------------------------


@pytest.fixture
def registratie_data(label, categorie, afdeling_a):
    return {
        "kanaal": Kanaal.TELEFOON,
        "ontvangen_op": "2026-03-09T09:15",
        "label": label.pk,
        "klant_naam": "Truus Zonder-Mail",
        "klant_email": "",
        "klant_postadres": POSTADRES,
        "klant_telefoon": "0512 123456",
        "polisnummer": "",
        "afdeling": afdeling_a.pk,
        "categorie": categorie.pk,
        "urgentie": "normaal",
        "omschrijving": "Klant belde: heeft geen e-mail, wil antwoord per brief.",
        "gewenste_oplossing": "",
        "oplossing": "",
    }


def test_medewerker_registreert_telefonische_klacht_met_postadres_zonder_email(
    behandelaar_client, registratie_data
):
    response = behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    assert response.status_code == 302
    klacht = Klacht.objects.get()
    assert klacht.klant_email == ""
    assert klacht.klant_postadres == POSTADRES
    assert klacht.per_post


def test_medewerkerformulier_weigert_klacht_zonder_email_en_zonder_postadres(
    behandelaar_client, registratie_data
):
    registratie_data["klant_postadres"] = ""

    response = behandelaar_client.post(reverse("klachten:registreren"), registratie_data)

    assert response.status_code == 200
    assert "Vul het e-mailadres of het postadres van de klant in" in response.content.decode()
    assert not Klacht.objects.exists()


def test_publiek_formulier_vraagt_nog_altijd_een_emailadres(client, klacht_formulier_data):
    klacht_formulier_data["klant_email"] = ""

    response = client.post(reverse("klachten:indienen"), klacht_formulier_data)

    assert response.status_code == 200
    assert not Klacht.objects.exists()


def test_api_registreert_met_postadres_en_weigert_zonder_email_en_postadres(
    client, behandelaar, label, categorie
):
    payload = {
        "kanaal": "telefoon",
        "klant_naam": "Kees Briefschrijver",
        "klant_email": "",
        "categorie": categorie.code,
        "omschrijving": "Belde over een afgewezen machtiging.",
    }
    toegang = api_toegang(client, behandelaar)

    geweigerd = client.post(
        "/api/v1/klachten/", payload, content_type="application/json", **toegang
    )
    payload["klant_postadres"] = POSTADRES
    aanvaard = client.post("/api/v1/klachten/", payload, content_type="application/json", **toegang)

    assert geweigerd.status_code == 400
    assert "klant_email" in geweigerd.json()
    assert aanvaard.status_code == 201
    assert aanvaard.json()["klant_postadres"] == POSTADRES
    assert Klacht.objects.get().per_post
    # The e-mail field may also be left out altogether (found by schemathesis: it was a 500).
    del payload["klant_email"]
    zonder_veld = client.post(
        "/api/v1/klachten/", payload, content_type="application/json", **toegang
    )
    assert zonder_veld.status_code == 201, zonder_veld.content
    assert Klacht.objects.filter(klant_email="", klant_postadres=POSTADRES).count() == 2


def test_database_weigert_klacht_zonder_email_en_zonder_postadres(label, categorie):

    klacht = _per_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        Klacht.objects.filter(pk=klacht.pk).update(klant_postadres="")


# The outbox: letters wait in the print tray ----------------------------------------------------


def test_ontvangstbevestiging_per_brief_wacht_in_de_printbak_en_gaat_niet_per_smtp(
    per_brief, behandelaar, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bericht = per_brief()

    assert bericht.status == BerichtStatus.TE_PRINTEN
    assert bericht.per_post
    assert bericht.aan == ""
    assert bericht.verzonden_op is None
    assert mailoutbox == []
    assert berichten.openstaande_berichten_verzenden(op=NU + dt.timedelta(hours=1)).verzonden == 0
    assert mailoutbox == []


def test_klacht_per_brief_met_emailadres_krijgt_ook_brieven(per_brief, behandelaar):
    bericht = per_brief(kanaal=Kanaal.BRIEF, klant_email="heeft.wel.mail@example.nl")

    assert bericht.status == BerichtStatus.TE_PRINTEN


def test_interne_melding_over_een_klacht_per_post_blijft_email(behandelaar, mailoutbox):
    klacht = _per_post()

    melding = berichten.medewerker_melden(klacht=klacht, ontvanger=behandelaar, melding="Let op.")

    assert melding.status == BerichtStatus.WACHTEND
    assert melding.aan == behandelaar.email
    assert not melding.per_post


# The PDF letter --------------------------------------------------------------------------------


def test_pdf_brief_bevat_dezelfde_tekst_als_de_email_versie(per_brief, behandelaar):
    bericht = per_brief()
    klacht = bericht.klacht
    onderwerp, tekst = berichten.bericht_opstellen(
        klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING
    )

    paginas, pdf = _pdf_tekst(brieven.brieven_pdf([bericht]))

    assert paginas == 1
    assert onderwerp == bericht.onderwerp
    assert f"Onderwerp: {onderwerp}" in pdf
    regels = [" ".join(regel.split()) for regel in tekst.splitlines() if regel.strip()]
    assert regels, "the e-mail version has text"
    for regel in regels:  # body and signature, in the e-mail's words
        assert regel in pdf
    assert pdf.index(regels[0]) < pdf.index("Met vriendelijke groet") < pdf.index(regels[-1])
    assert klacht.dossiernummer in pdf
    assert klacht.klant_naam in pdf
    assert "Dorpsstraat 12" in pdf
    assert "1234 AB Ergenshuizen" in pdf
    assert "10 maart 2026" in pdf  # the date it is printed


def test_pdf_brief_in_de_taal_van_de_klant(per_brief, behandelaar):
    bericht = per_brief(taal="en")

    _paginas, pdf = _pdf_tekst(brieven.brieven_pdf([bericht]))

    assert "10 March 2026" in pdf
    assert " ".join(bericht.tekst.split()[:6]) in pdf


def test_pdf_brief_haalt_niets_van_het_netwerk():
    with pytest.raises(ValueError, match="Geweigerd"):
        brieven.url_fetcher().fetch("https://voorbeeld.example/logo.png")


# The print tray page -----------------------------------------------------------------------------


def test_printbak_toont_de_wachtende_brieven_per_label(per_brief, behandelaar_client, behandelaar):
    bericht = per_brief()

    response = behandelaar_client.get(reverse("klachten:te-printen"))

    inhoud = response.content.decode()
    assert response.status_code == 200
    assert bericht.klacht.dossiernummer in inhoud
    assert bericht.label.naam in inhoud
    assert reverse("klachten:brief-pdf", args=[bericht.pk]) in inhoud
    # The navigation's count.
    assert 'class="teller">1<' in inhoud


def test_brief_openen_staat_in_het_inzagelog(per_brief, behandelaar_client, behandelaar):
    bericht = per_brief()

    response = behandelaar_client.get(reverse("klachten:brief-pdf", args=[bericht.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert Inzage.objects.filter(
        klacht=bericht.klacht, medewerker=behandelaar, soort=InzageSoort.BRIEF
    ).exists()


def test_alles_printen_geeft_een_pdf_met_een_brief_per_klacht(
    per_brief, behandelaar_client, behandelaar
):
    eigen = [per_brief() for _ in range(3)]
    per_brief(label=LabelFactory())  # another label: not in this pile

    response = behandelaar_client.get(
        reverse("klachten:te-printen-pdf", args=[eigen[0].label.slug])
    )

    paginas, pdf = _pdf_tekst(response.content)
    assert response.status_code == 200
    assert paginas == 3
    for bericht in eigen:
        assert bericht.klacht.dossiernummer in pdf
    assert Inzage.objects.filter(soort=InzageSoort.BRIEF).count() == 3


def test_printbak_alleen_voor_wie_brieven_verstuurt(client, directie, afdeling_a):
    partner = MedewerkerFactory(rollen=[rollen.PARTNERBEHANDELAAR])
    for gebruiker in (directie, partner):
        client.force_login(gebruiker)
        assert client.get(reverse("klachten:te-printen")).status_code == 403


def test_printbak_toont_geen_brieven_van_een_andere_afdeling(
    per_brief, behandelaar_client, behandelaar, categorie_b
):
    bericht = _bevestigd_per_brief(
        MedewerkerFactory(rollen=[rollen.BEHEERDER]), categorie=categorie_b
    )

    response = behandelaar_client.get(reverse("klachten:te-printen"))
    pdf = behandelaar_client.get(reverse("klachten:brief-pdf", args=[bericht.pk]))

    assert bericht.klacht.dossiernummer not in response.content.decode()
    assert pdf.status_code == 404


def test_printbak_pagina_queries_hangen_niet_af_van_het_aantal_brieven(
    per_brief, behandelaar_client, behandelaar, django_assert_max_num_queries
):
    per_brief()
    with django_assert_max_num_queries(20) as een:
        behandelaar_client.get(reverse("klachten:te-printen"))
    for _ in range(5):
        per_brief(label=LabelFactory())

    with django_assert_max_num_queries(len(een.captured_queries)):
        response = behandelaar_client.get(reverse("klachten:te-printen"))

    assert response.content.decode().count('name="bericht"') == 6


# Marked printed: sent, and counted by the deadline on that day ----------------------------------


def test_brief_in_de_printbak_telt_nog_niet_als_ontvangstbevestiging(per_brief, behandelaar):
    bericht = per_brief()
    klacht = Klacht.objects.get(pk=bericht.klacht_id)
    afloop = Termijnafloop.objects.get(bericht=bericht)

    assert klacht.status == Status.ONTVANGST_BEVESTIGD
    assert klacht.ontvangst_bevestigd_op is None
    assert afloop.te_printen_sinds == NU
    assert not afloop.op_tijd
    # The acknowledgement's deadline runs on as the bezorging deadline, with its own date.
    assert klacht.bezorging_uiterlijk_datum == klacht.ontvangstbevestiging_uiterlijk_datum
    assert klacht.volgende_termijn_datum <= klacht.ontvangstbevestiging_uiterlijk_datum


def test_geprint_markeren_verstuurt_de_brief_op_de_printdatum(
    per_brief, behandelaar_client, behandelaar, time_machine
):
    bericht = per_brief()
    geprint_op = NU + dt.timedelta(days=2)
    time_machine.move_to(geprint_op, tick=False)
    behandelaar_client.force_login(behandelaar)  # a new working day, a new login

    response = behandelaar_client.post(
        reverse("klachten:geprint", args=[bericht.label.slug]), {"bericht": [bericht.pk]}
    )

    assert response.url == reverse("klachten:te-printen")
    bericht.refresh_from_db()
    klacht = Klacht.objects.get(pk=bericht.klacht_id)
    afloop = Termijnafloop.objects.get(bericht=bericht)
    assert bericht.status == BerichtStatus.VERZONDEN
    assert bericht.verzonden_op == geprint_op
    assert klacht.ontvangst_bevestigd_op == geprint_op
    assert klacht.bezorging_uiterlijk_datum is None
    assert afloop.te_printen_sinds is None
    assert afloop.afgerond_op == geprint_op
    assert afloop.op_tijd  # printed within the 8 days of the acknowledgement
    assert klacht.history.first().history_user == behandelaar  # who marked it printed
    # The month report's first reaction: the print moment.
    eerste = met_eerste_reactie(Klacht.objects.filter(pk=klacht.pk)).get().eerste_reactie_op
    assert eerste == geprint_op
    # The PDF of the sent letter carries its print date.
    assert "12 maart 2026" in _pdf_tekst(brieven.brieven_pdf([bericht]))[1]


def test_te_laat_geprinte_brief_telt_als_te_laat(per_brief, behandelaar, time_machine):
    bericht = per_brief()
    uiterlijk = Klacht.objects.get(pk=bericht.klacht_id).ontvangstbevestiging_uiterlijk_datum
    time_machine.move_to(
        dt.datetime.combine(uiterlijk + dt.timedelta(days=1), dt.time(10), tzinfo=AMSTERDAM),
        tick=False,
    )

    services.brieven_geprint(bericht_ids=[bericht.pk], door=behandelaar)

    assert not Termijnafloop.objects.get(bericht=bericht).op_tijd


def test_wachtende_brief_is_nog_geen_eerste_reactie(per_brief, behandelaar):
    bericht = per_brief()

    eerste = met_eerste_reactie(Klacht.objects.filter(pk=bericht.klacht_id)).get()

    assert eerste.eerste_reactie_op is None


def test_tweede_keer_geprint_markeren_doet_niets(per_brief, behandelaar, time_machine):
    bericht = per_brief()

    eerste = services.brieven_geprint(bericht_ids=[bericht.pk], door=behandelaar)
    versies_na_eerste = bericht.klacht.history.count()
    time_machine.move_to(NU + dt.timedelta(days=1), tick=False)
    tweede = services.brieven_geprint(bericht_ids=[bericht.pk], door=behandelaar)

    bericht.refresh_from_db()
    assert (eerste, tweede) == (1, 0)
    assert bericht.verzonden_op == NU
    assert Termijnafloop.objects.get(bericht=bericht).afgerond_op == NU
    assert bericht.klacht.history.count() == versies_na_eerste


def test_alleen_de_gekozen_brieven_worden_gemarkeerd(per_brief, behandelaar_client, behandelaar):
    gekozen, niet_gekozen = per_brief(), per_brief()

    behandelaar_client.post(
        reverse("klachten:geprint", args=[gekozen.label.slug]), {"bericht": [gekozen.pk]}
    )

    assert Bericht.objects.get(pk=gekozen.pk).status == BerichtStatus.VERZONDEN
    assert Bericht.objects.get(pk=niet_gekozen.pk).status == BerichtStatus.TE_PRINTEN


# Privacy ---------------------------------------------------------------------------------------


def test_anonimiseren_wist_het_postadres_en_de_wachtende_brief(behandelaar):
    klacht = klacht_in_status(
        Status.AFGESLOTEN,
        door=behandelaar,
        kanaal=Kanaal.TELEFOON,
        klant_email="",
        klant_postadres=POSTADRES,
    )
    assert Bericht.objects.filter(klacht=klacht, status=BerichtStatus.TE_PRINTEN).exists()

    aantal = avg.verlopen_klachten_anonimiseren(op=NU + dt.timedelta(days=365 * 10))

    klacht.refresh_from_db()
    assert aantal == 1
    assert klacht.klant_postadres == ""
    assert not klacht.history.filter(klant_postadres=POSTADRES).exists()
    assert not Bericht.objects.filter(klacht=klacht, status=BerichtStatus.TE_PRINTEN).exists()


# Search ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("zoek", ["1234 AB", "1234ab"])
def test_werkvoorraad_vindt_een_klant_per_post_op_postcode(behandelaar_client, categorie, zoek):
    gezocht = _per_post(categorie=categorie)
    ander = _per_post(categorie=categorie, klant_postadres="Kerkweg 3\n9999 ZZ Elders")

    response = behandelaar_client.get(reverse("klachten:werkvoorraad"), {"zoek": zoek})

    inhoud = response.content.decode()
    assert gezocht.dossiernummer in inhoud
    assert ander.dossiernummer not in inhoud


def test_adresblok_staat_in_het_venster_van_een_vensterenvelop(per_brief, label):
    label.postadres = "Postbus 100\n3500 AA Utrecht"
    label.save(update_fields=["postadres"])
    bericht = per_brief()
    posities = {}

    def bewaren(tekst, _cm, tm, _font, _grootte):
        # WeasyPrint's text matrix is in CSS pixels from the top left (96 per inch).
        if tekst.strip():
            posities[tekst.strip()] = (tm[4] * 25.4 / 96, tm[5] * 25.4 / 96)

    lezer = PdfReader(io.BytesIO(brieven.brieven_pdf([bericht])))
    lezer.pages[0].extract_text(visitor_text=bewaren)

    # The left window of a C5/DL envelope: 20 mm from the left, 50 to 90 mm from the top.
    for regel in (
        f"{label.naam}, Postbus 100, 3500 AA Utrecht",  # the return address above the name
        bericht.klacht.klant_naam,
        "Dorpsstraat 12",
        "1234 AB Ergenshuizen",
    ):
        links, boven = posities[regel]
        assert 19 <= links <= 25, regel
        assert 50 <= boven <= 90, regel
    assert posities["Dorpsstraat 12"][1] > posities[bericht.klacht.klant_naam][1]


# The survey --------------------------------------------------------------------------------------


def test_klant_per_post_krijgt_geen_enquete_uitnodiging(behandelaar, categorie):

    klacht = klacht_in_status(
        Status.AFGESLOTEN,
        door=behandelaar,
        categorie=categorie,
        kanaal=Kanaal.TELEFOON,
        klant_email="",
        klant_postadres=POSTADRES,
    )

    moment = kto.contactmoment_uit_klacht(klacht_id=klacht.pk)

    assert moment.uitnodiging.status == UitnodigingStatus.OVERGESLAGEN
    assert moment.uitnodiging.reden_overgeslagen == RedenOvergeslagen.GEEN_EMAIL


def test_elk_bericht_aan_de_klant_per_post_wordt_een_brief_met_de_tekst_van_de_email(
    behandelaar, categorie, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        klacht = klacht_in_status(
            Status.BEANTWOORD,
            door=behandelaar,
            categorie=categorie,
            kanaal=Kanaal.TELEFOON,
            klant_email="",
            klant_postadres=POSTADRES,
        )
    aan_klant = [b for b in klacht.berichten.order_by("pk") if not berichten.is_intern(b.soort)]

    assert {b.soort for b in aan_klant} >= {
        BerichtSoort.ONTVANGSTBEVESTIGING,
        BerichtSoort.ANTWOORD,
    }
    assert mailoutbox == []
    _paginas, pdf = _pdf_tekst(brieven.brieven_pdf(aan_klant))
    for bericht in aan_klant:
        assert bericht.status == BerichtStatus.TE_PRINTEN
        assert bericht.per_post
        assert f"Onderwerp: {bericht.onderwerp}" in pdf
        for regel in bericht.tekst.splitlines():
            if regel.strip():
                assert " ".join(regel.split()) in pdf


def test_termijnbewaking_escaleert_een_brief_die_na_zijn_datum_nog_in_de_printbak_ligt(
    per_brief, teamleider
):

    bericht = per_brief()
    uiterlijk = Klacht.objects.get(pk=bericht.klacht_id).ontvangstbevestiging_uiterlijk_datum
    de_dag_erna = dt.datetime.combine(
        uiterlijk + dt.timedelta(days=1), dt.time(7), tzinfo=AMSTERDAM
    )

    bewaking.escalaties_sturen(op=de_dag_erna)

    signaal = Termijnsignaal.objects.get(klacht=bericht.klacht, soort=SignaalSoort.ESCALATIE)
    assert signaal.termijn == TermijnSoort.BEZORGING
    assert signaal.datum == uiterlijk


@pytest.mark.django_db(transaction=True)
def test_twee_keer_tegelijk_geprint_markeren_markeert_een_keer():
    behandelaar = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR])
    bericht = _bevestigd_per_brief(behandelaar)
    start = threading.Barrier(2)

    def markeren(_i: int) -> int:
        try:
            start.wait(timeout=30)
            return services.brieven_geprint(bericht_ids=[bericht.pk], door=behandelaar)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        gemarkeerd = sorted(pool.map(markeren, range(2)))

    assert gemarkeerd == [0, 1]
    assert Bericht.objects.get(pk=bericht.pk).status == BerichtStatus.VERZONDEN
    assert Termijnafloop.objects.get(bericht=bericht).op_tijd


def test_vervolgklacht_van_een_klant_per_brief_houdt_het_postadres(
    behandelaar, categorie, time_machine
):
    # A letter complaint with both addresses: the letters go by post, the customer may e-mail.
    afgesloten = klacht_in_status(
        Status.AFGESLOTEN,
        door=behandelaar,
        categorie=categorie,
        kanaal=Kanaal.BRIEF,
        klant_email="schrijft.ook.mail@example.nl",
        klant_postadres=POSTADRES,
    )
    # The customer wrote after the closing (as the e-mail channel lands it on the timeline).
    Gebeurtenis.objects.create(
        klacht=afgesloten,
        soort=GebeurtenisSoort.KLANTBERICHT,
        door_klant=True,
        tekst="Nu klopt mijn premie ook niet.",
        op=NU + dt.timedelta(hours=1),
    )
    Klacht.objects.filter(pk=afgesloten.pk).update(klantbericht_op=NU + dt.timedelta(hours=1))
    time_machine.move_to(NU + dt.timedelta(hours=2), tick=False)

    nieuw = services.vervolgklacht_registreren(
        klacht=afgesloten,
        door=behandelaar,
        categorie=categorie,
        omschrijving="Klant schreef over iets nieuws.",
    )

    assert nieuw.klant_postadres == POSTADRES
    assert nieuw.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING).per_post


def test_beheerder_kan_het_postadres_niet_leegmaken_zonder_emailadres(categorie):
    class Formulier(KlachtAdminFormulier):  # the admin's form, with the one field at stake
        class Meta:
            model = Klacht
            fields = ["klant_postadres"]

    leeg = Formulier(data={"klant_postadres": ""}, instance=_per_post(categorie=categorie))
    gecorrigeerd = Formulier(
        data={"klant_postadres": "Kerkweg 3\n9999 ZZ Elders"},
        instance=_per_post(categorie=categorie),
    )

    assert not leeg.is_valid()
    assert "klant_postadres" in leeg.errors
    assert gecorrigeerd.is_valid()


def test_franse_brief_heeft_franse_koppen(per_brief):
    bericht = per_brief(taal="fr")

    _paginas, pdf = _pdf_tekst(brieven.brieven_pdf([bericht]))

    assert f"Objet: {bericht.onderwerp}" in pdf or f"Objet : {bericht.onderwerp}" in pdf
    assert "Numéro de dossier" in pdf
    assert "10 mars 2026" in pdf
    assert "Onderwerp" not in pdf
