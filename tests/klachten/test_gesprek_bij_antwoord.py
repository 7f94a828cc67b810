"""The conversation beside every form that answers the customer (issue 19): the customer's
messages and additions and our last message to them; on the answer to a reconsideration, the
first answer and why the customer disagrees."""

import pytest
from django.urls import reverse

from klachten import services
from klachten.views.medewerker import ANTWOORDEN_AAN_KLANT
from klachten.workflow import KLANT, Oordeel, Status
from tests.conftest import actie_url
from tests.factories import KlachtFactory, klacht_in_status

pytestmark = pytest.mark.django_db

KLANT_SCHREEF = "Waar blijft mijn geld? KLANTBERICHT-5521"
ONS_BERICHT = "We zoeken het uit en bellen u deze week. ONZE-UPDATE-3307"
EERSTE_ANTWOORD = "Uw declaratie valt buiten de dekking. EERSTE-ANTWOORD-8812"
WAAROM_NIET_EENS = "De polis zegt iets anders. HEROVERWEGING-REDEN-4470"


def paneel(client, klacht, actie: str) -> str:
    """The page's side panel (the complaint and its conversation)."""
    response = client.get(actie_url(klacht, actie))
    assert response.status_code == 200, actie
    return response.content.decode().split('<aside class="paneel"')[1]


def sectie(html: str, kop_id: str) -> str:
    return html.split(f'id="{kop_id}"')[1].split("</section>")[0]


@pytest.fixture
def in_onderzoek(behandelaar, categorie):
    """Our statusupdate, then the customer wrote."""
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    services.statusupdate_sturen(
        klacht=klacht, door=behandelaar, onderwerp="Stand van zaken", tekst=ONS_BERICHT
    )
    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst=KLANT_SCHREEF)
    return klacht


@pytest.mark.parametrize(
    "actie",
    ["statusupdate_sturen", "reactie_sturen", "opschorten", "verlengen", "antwoord_sturen"],
)
def test_een_antwoordformulier_toont_het_bericht_van_de_klant_en_ons_laatste(
    client, behandelaar, in_onderzoek, actie
):
    client.force_login(behandelaar)

    html = paneel(client, in_onderzoek, actie)

    assert KLANT_SCHREEF in sectie(html, "kop-gesprek")
    ons = sectie(html, "kop-ons-laatste")
    assert ONS_BERICHT in ons
    assert "Stand van zaken" in ons
    assert 'id="kop-eerste-antwoord"' not in html


def test_ontvangst_bevestigen_en_niet_ontvankelijk_tonen_wat_de_klant_schreef(
    client, behandelaar, categorie
):
    klacht = KlachtFactory(categorie=categorie)
    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst=KLANT_SCHREEF)
    client.force_login(behandelaar)

    for actie in ("ontvangst_bevestigen", "niet_ontvankelijk_verklaren"):
        html = paneel(client, klacht, actie)
        assert KLANT_SCHREEF in sectie(html, "kop-gesprek")
        # Nothing sent yet: no "our last message".
        assert 'id="kop-ons-laatste"' not in html


def test_afsluiten_toont_ons_antwoord(client, behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    services.antwoord_sturen(
        klacht=klacht,
        door=behandelaar,
        oordeel=Oordeel.ONGEGROND,
        onderwerp="Ons antwoord",
        tekst=EERSTE_ANTWOORD,
    )
    client.force_login(behandelaar)

    html = paneel(client, klacht, "afsluiten")

    assert EERSTE_ANTWOORD in sectie(html, "kop-ons-laatste")


@pytest.fixture
def in_heroverweging(behandelaar, collega, teamleider, afdeling_a, categorie):
    """Answered by `behandelaar`; the customer disagrees; `collega` has the second line."""
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst=KLANT_SCHREEF)
    services.antwoord_sturen(
        klacht=klacht,
        door=behandelaar,
        oordeel=Oordeel.ONGEGROND,
        onderwerp="Ons antwoord",
        tekst=EERSTE_ANTWOORD,
    )
    services.heroverweging_vragen(klacht=klacht, door=KLANT, reden=WAAROM_NIET_EENS)
    return services.toewijzen(
        klacht=klacht, door=teamleider, afdeling=afdeling_a, behandelaar=collega
    )


def test_heroverweging_beantwoorden_toont_het_eerste_antwoord_en_waarom_de_klant_het_oneens_is(
    client, collega, in_heroverweging
):
    client.force_login(collega)

    html = paneel(client, in_heroverweging, "heroverweging_beantwoorden")

    eerste = sectie(html, "kop-eerste-antwoord")
    assert EERSTE_ANTWOORD in eerste
    assert "Ons antwoord" in eerste
    assert WAAROM_NIET_EENS in sectie(html, "kop-heroverweging-reden")
    # The earlier message of the customer stays among their messages, the request not twice.
    gesprek = sectie(html, "kop-gesprek")
    assert KLANT_SCHREEF in gesprek
    assert WAAROM_NIET_EENS not in gesprek
    assert html.count(WAAROM_NIET_EENS) == 1
    assert html.count(EERSTE_ANTWOORD) == 1
    # Our last message since: the confirmation of the request, not the first answer again.
    assert "heroverweging" in sectie(html, "kop-ons-laatste").lower()
    # In the order a reader needs: what we said, why they disagree, then the rest.
    assert html.index("kop-eerste-antwoord") < html.index("kop-heroverweging-reden")


def test_elk_formulier_met_een_bericht_aan_de_klant_toont_het_gesprek():
    assert {
        "ontvangst_bevestigen",
        "niet_ontvankelijk_verklaren",
        "statusupdate_sturen",
        "reactie_sturen",
        "opschorten",
        "verlengen",
        "antwoord_sturen",
        "heroverweging_beantwoorden",
        "afsluiten",
    } <= ANTWOORDEN_AAN_KLANT


def test_een_formulier_zonder_bericht_aan_de_klant_toont_geen_gesprek(
    client, behandelaar, in_onderzoek
):
    client.force_login(behandelaar)

    response = client.get(
        reverse(
            "klachten:actie",
            kwargs={"dossiernummer": in_onderzoek.dossiernummer, "actie": "notitie-toevoegen"},
        )
    )

    html = response.content.decode()
    assert KLANT_SCHREEF not in html
    assert ONS_BERICHT not in html
