"""Chat and a visit at an office (balie) as channels for staff intake, with their reaction terms
as data and on the klachtenprocedure page; the external bodies the insurers' texts name (the
Tuchtraad Financiële Dienstverlening, the Ombudsdienst of a Belgian ziekenfonds) seeded once and
usable in the answer and the external procedure (issue 21, acceptance 3 and 4)."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from klachten import services
from klachten.forms import KlachtRegistratieFormulier
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Bericht,
    ExterneInstantie,
    ExterneProcedure,
    Kanaal,
    Klacht,
    Reactietermijn,
    TermijnEenheid,
)
from klachten.termijnen import Reactieregel
from klachten.workflow import BerichtSoort, Oordeel, Status
from rapportage.maandrapport import Figuren, bouwstenen, optellen
from tests.factories import KlachtFactory, LabelFactory, klacht_in_status

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 10, 14, 0, tzinfo=AMSTERDAM)
MIGRATIE = importlib.import_module("klachten.migrations.0037_kanalen_chat_en_balie")


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def registratie_data(label, categorie, afdeling_a):
    return {
        "ontvangen_op": "2026-03-10T11:15",
        "label": label.pk,
        "klant_naam": "Fatima el Amrani",
        "klant_email": "fatima@example.nl",
        "klant_telefoon": "",
        "polisnummer": "",
        "afdeling": afdeling_a.pk,
        "categorie": categorie.pk,
        "urgentie": "normaal",
        "omschrijving": "Klant klaagde over de wachttijd voor een machtiging.",
        "gewenste_oplossing": "",
        "oplossing": "",
    }


def tabel(response) -> dict[str, str]:
    """The procedure page's table of reaction terms: channel code -> term."""
    return dict(
        re.findall(
            r'<tr data-kanaal="([^"]+)"><th scope="row">[^<]*</th><td[^>]*>([^<]*)</td>',
            response.content.decode(),
        )
    )


# Staff intake -----------------------------------------------------------------------------------


def test_registratieformulier_biedt_chat_en_balie_aan():
    keuzes = dict(KlachtRegistratieFormulier().fields["kanaal"].choices)
    assert keuzes[Kanaal.CHAT] == "Chat"
    assert keuzes[Kanaal.BALIE] == "Balie (bezoek aan een kantoor)"
    assert Kanaal.WEBFORMULIER not in keuzes


@pytest.mark.parametrize("kanaal", [Kanaal.CHAT, Kanaal.BALIE])
def test_behandelaar_registreert_een_klacht_uit_de_chat_of_aan_de_balie(
    behandelaar_client, registratie_data, kanaal
):
    response = behandelaar_client.post(
        reverse("klachten:registreren"), {**registratie_data, "kanaal": kanaal}
    )

    assert response.status_code == 302
    klacht = Klacht.objects.get(klant_email="fatima@example.nl")
    assert klacht.kanaal == kanaal
    dossier = behandelaar_client.get(response.url).content.decode()
    assert klacht.get_kanaal_display() in dossier


def test_werkvoorraad_filtert_op_chat(behandelaar_client, behandelaar, categorie):
    chat = KlachtFactory(kanaal=Kanaal.CHAT, categorie=categorie, ingediend_door=behandelaar)
    balie = KlachtFactory(kanaal=Kanaal.BALIE, categorie=categorie, ingediend_door=behandelaar)

    inhoud = behandelaar_client.get(reverse("klachten:werkvoorraad"), {"kanaal": "chat"})

    assert chat.dossiernummer in inhoud.content.decode()
    assert balie.dossiernummer not in inhoud.content.decode()


# Reaction terms: data, on the page, measured -----------------------------------------------------


def test_procedure_noemt_chat_en_balie_met_hun_termijn(client, label):
    Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.CHAT, aantal=4, eenheid=TermijnEenheid.UREN
    )
    Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.BALIE, aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )
    Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.TELEFOON, aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )

    response = client.get("/klachtenprocedure/")

    assert list(tabel(response).items()) == [
        ("telefoon", "1 werkdag"),
        ("chat", "4 uur"),
        ("balie", "1 werkdag"),
    ]
    inhoud = response.content.decode()
    assert "chat met ons" in inhoud
    assert "kom langs bij de balie" in inhoud


def test_procedure_zonder_termijn_noemt_chat_en_balie_niet(client, label):
    ander = LabelFactory(slug="chatlabel")
    Reactietermijn.objects.create(
        label=ander, kanaal=Kanaal.CHAT, aantal=2, eenheid=TermijnEenheid.UREN
    )

    inhoud = client.get("/klachtenprocedure/").content.decode()
    assert "chat met ons" not in inhoud
    assert "kom langs bij de balie" not in inhoud

    response = client.get("/chatlabel/klachtenprocedure/")
    assert tabel(response) == {"chat": "2 uur"}
    assert "chat met ons" in response.content.decode()
    assert "kom langs bij de balie" not in response.content.decode()


def test_maandrapport_meet_de_reactietermijn_van_chat_en_balie(
    time_machine, label, behandelaar, categorie
):
    """Chat 4 clock hours, balie 1 working day. A chat complaint received Friday 6 March 16:00 and
    acknowledged at 19:30 is on time (until 20:00); one received Monday 9 March 09:00 and
    acknowledged at 13:30 is late (13:00). A balie visit on Friday 6 March acknowledged on Monday
    9 March is on time (the weekend does not count)."""
    Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.CHAT, aantal=4, eenheid=TermijnEenheid.UREN
    )
    Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.BALIE, aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )

    def om(dag, uur, minuut=0):
        return dt.datetime(2026, 3, dag, uur, minuut, tzinfo=AMSTERDAM)

    def klacht(kanaal, ontvangen, bevestigd):
        time_machine.move_to(ontvangen, tick=False)
        k = KlachtFactory(
            label=label, kanaal=kanaal, categorie=categorie, ingediend_door=behandelaar
        )
        time_machine.move_to(bevestigd, tick=False)
        services.ontvangst_bevestigen(
            klacht=k, door=behandelaar, onderwerp="Ontvangen", tekst="We hebben uw klacht."
        )

    klacht(Kanaal.CHAT, om(6, 16), om(6, 19, 30))
    klacht(Kanaal.CHAT, om(9, 9), om(9, 13, 30))
    klacht(Kanaal.BALIE, om(6, 11), om(9, 10))
    assert Reactieregel(1, "werkdagen").uiterlijk(om(6, 11)) == dt.date(2026, 3, 9)

    nu = dt.datetime(2026, 4, 2, 10, 0, tzinfo=AMSTERDAM)
    time_machine.move_to(nu, tick=False)
    figuren = Figuren(optellen(bouwstenen(2026, 3, nu=nu)))
    per_kanaal = {k: (op_tijd, gemeten) for k, op_tijd, gemeten, _p in figuren.reactie_per_kanaal()}

    assert per_kanaal == {Kanaal.CHAT: (1, 2), Kanaal.BALIE: (1, 1)}


def test_datamigratie_zet_de_termijnen_van_het_demolabel_eenmaal():
    """The data migration gives the health-insurance demo label (zorgzaam) chat 4 hours and balie
    1 working day; a term the beheerder already set is kept; run twice, nothing doubles."""
    zorgzaam = LabelFactory(slug="zorgzaam")
    Reactietermijn.objects.create(
        label=zorgzaam, kanaal=Kanaal.BALIE, aantal=2, eenheid=TermijnEenheid.WERKDAGEN
    )

    MIGRATIE.kanalen_en_instanties(django_apps, None)
    MIGRATIE.kanalen_en_instanties(django_apps, None)

    termijnen = {
        t.kanaal: (t.aantal, t.eenheid) for t in Reactietermijn.objects.filter(label=zorgzaam)
    }
    assert termijnen == {
        Kanaal.CHAT: (4, TermijnEenheid.UREN),
        Kanaal.BALIE: (2, TermijnEenheid.WERKDAGEN),  # the beheerder's, kept
    }


# External bodies ---------------------------------------------------------------------------------


def test_externe_instanties_staan_er_elk_eenmaal():
    """Seeded before (0003): Kifid, SKGZ, the Belgian Ombudsman, the court; now (issue 21) the
    Tuchtraad and the Ombudsdienst of a ziekenfonds. Running the migration again adds none."""
    MIGRATIE.kanalen_en_instanties(django_apps, None)

    codes = list(ExterneInstantie.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert {
        "kifid",
        "skgz",
        "ombudsman-verzekeringen",
        "rechter",
        "tuchtraad-fd",
        "ombudsdienst-ziekenfonds",
    } <= set(codes)
    tuchtraad = ExterneInstantie.objects.get(code="tuchtraad-fd")
    assert tuchtraad.naam == "Tuchtraad Financiële Dienstverlening"
    assert tuchtraad.website
    assert "{{ instantie }}" in tuchtraad.escalatie_tekst
    for taal in ("en", "fr"):
        assert tuchtraad.vertaald("escalatie_tekst", taal) != tuchtraad.escalatie_tekst


def test_migratie_maakt_geen_tweede_rij_van_een_instantie_die_de_beheerder_al_maakte():
    ExterneInstantie.objects.filter(code="tuchtraad-fd").delete()
    ExterneInstantie.objects.create(
        code="tfd",
        naam="Tuchtraad Financiële Dienstverlening",
        escalatie_tekst="Meld het bij de {{ instantie }}.",
    )

    MIGRATIE.kanalen_en_instanties(django_apps, None)

    assert ExterneInstantie.objects.filter(naam__startswith="Tuchtraad").count() == 1


def _definitief_antwoord(klacht, behandelaar) -> str:
    services.antwoord_sturen(
        klacht=klacht,
        door=behandelaar,
        oordeel=Oordeel.ONGEGROND,
        definitief_standpunt=True,
        onderwerp="Ons definitieve standpunt",
        tekst="Wij blijven bij ons besluit over de declaratie.",
    )
    return Bericht.objects.filter(klacht=klacht, soort=BerichtSoort.ANTWOORD).latest("pk").tekst


@pytest.mark.parametrize(
    ("code", "taal", "feiten"),
    [
        ("tuchtraad-fd", "nl", ["Tuchtraad Financiële Dienstverlening", "gedragsregels", "Kifid"]),
        ("tuchtraad-fd", "fr", ["Tuchtraad Financiële Dienstverlening", "code de conduite"]),
        ("ombudsdienst-ziekenfonds", "nl", ["Ombudsdienst van het ziekenfonds", "gratis"]),
        ("ombudsdienst-ziekenfonds", "fr", ["Service de médiation de la mutualité"]),
    ],
)
def test_het_antwoord_noemt_de_nieuwe_instantie_van_het_label(
    label, behandelaar, categorie, code, taal, feiten
):
    """A label (an ARAG-like one, or a Belgian one) that names the body gets its paragraph, in
    the customer's language, in the answer with the definitief standpunt; with contact details
    the beheerder adds, those too."""
    instantie = ExterneInstantie.objects.get(code=code)
    instantie.telefoon = "+32 2 000 00 00"
    instantie.save(update_fields=["telefoon"])
    label.externe_instantie = instantie
    label.save(update_fields=["externe_instantie"])
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, taal=taal)

    tekst = _definitief_antwoord(klacht, behandelaar)

    for feit in [*feiten, "+32 2 000 00 00"]:
        assert feit in tekst, feit
    assert "{{" not in tekst
    assert tekst.index(feiten[0]) < tekst.index("+32 2 000 00 00")


def test_externe_procedure_bij_de_tuchtraad_naast_kifid(behandelaar, categorie, kifid):
    """The ARAG case: Kifid is the label's body, and the customer also went to the Tuchtraad;
    both procedures are registered on the dossier."""
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    tuchtraad = ExterneInstantie.objects.get(code="tuchtraad-fd")

    for instantie in (kifid, tuchtraad):
        services.externe_procedure_vastleggen(
            klacht=klacht,
            door=behandelaar,
            instantie=instantie,
            ingediend_datum=dt.date(2026, 3, 2),
        )

    assert set(
        ExterneProcedure.objects.filter(klacht=klacht).values_list("instantie__code", flat=True)
    ) == {"kifid", "tuchtraad-fd"}


def test_naast_kifid_noemt_het_antwoord_ook_de_tuchtraad(label, behandelaar, categorie, kifid):
    """ARAG: a label names the Tuchtraad beside Kifid (Label.ook_instantie): the answer with the
    definitief standpunt gives Kifid's paragraph with its last date and contact details, then the
    Tuchtraad's; each once."""
    tuchtraad = ExterneInstantie.objects.get(code="tuchtraad-fd")
    label.ook_instantie = tuchtraad
    label.save(update_fields=["ook_instantie"])
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    tekst = _definitief_antwoord(klacht, behandelaar)

    assert tekst.count(kifid.naam) == 1
    assert tekst.count(tuchtraad.naam) == 1
    assert tekst.count(tuchtraad.website) == 1
    assert "Postbus 93257" in tekst
    assert (
        tekst.index(kifid.naam)
        < tekst.index("Postbus 93257")
        < tekst.index(tuchtraad.naam)
        < tekst.index("Met vriendelijke groet,")
    )


def test_zonder_tweede_instantie_blijft_het_antwoord_zoals_het_was(
    label, behandelaar, categorie, kifid
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    tekst = _definitief_antwoord(klacht, behandelaar)

    assert "Tuchtraad" not in tekst


def test_procedure_noemt_de_tweede_instantie(client, label, kifid):
    label.ook_instantie = ExterneInstantie.objects.get(code="tuchtraad-fd")
    label.save(update_fields=["ook_instantie"])

    inhoud = client.get("/klachtenprocedure/").content.decode()

    assert "Kifid" in inhoud
    assert "Daarnaast kunt u gratis terecht bij Tuchtraad Financiële Dienstverlening." in inhoud
    assert 'href="https://www.tuchtraadfd.nl"' in inhoud
