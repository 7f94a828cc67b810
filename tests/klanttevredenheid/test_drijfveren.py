"""Driver questions in the yearly survey (issue 22, acceptance 2; ARAG asks its customer groups
about the product, the service and the communication): a campaign has its own questions, the
survey asks them, the answers are stored per response, and the campaign report shows per group
the average per question and the correlation of each driver with the grade, against a hand
computation."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from klachten import rollen
from klachten.kalender import AMSTERDAM
from klanttevredenheid import cijfers
from klanttevredenheid.models import (
    Antwoord,
    Bron,
    Campagne,
    Campagnevraag,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    Respons,
    VraagSoort,
)
from tests.factories import MedewerkerFactory, standaardlabel, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

_volgnummers = itertools.count(1)


@pytest.fixture
def campagne():
    campagne = Campagne.objects.create(naam="Klantonderzoek 2026", label=standaardlabel())
    for volgorde, (drijfveer, tekst) in enumerate(
        [
            ("Product", "Hoe beoordeelt u uw verzekering?"),
            ("Service", "Hoe beoordeelt u onze service?"),
            ("Communicatie", "Hoe beoordeelt u onze brieven en e-mails?"),
        ]
    ):
        Campagnevraag.objects.create(
            campagne=campagne,
            volgorde=volgorde,
            drijfveer=drijfveer,
            tekst=tekst,
            tekst_en=f"EN {tekst}",
            verplicht=drijfveer == "Product",
        )
    Campagnevraag.objects.create(
        campagne=campagne,
        volgorde=9,
        soort=VraagSoort.OPEN,
        drijfveer="Verbeteridee product",
        tekst="Wat zou u aan uw verzekering veranderen?",
    )
    return campagne


def vraag(campagne, drijfveer) -> Campagnevraag:
    return campagne.vragen.get(drijfveer=drijfveer)


def ingevuld(campagne, groep, cijfer, nps, product, service, communicatie, tekst=""):
    """A response of the campaign's group, answered in June 2026, with its driver answers."""
    moment = Contactmoment.objects.create(
        label=campagne.label,
        soort=ContactmomentSoort.JAARONDERZOEK,
        groep=groep,
        bron=Bron.IMPORT,
        campagne=campagne,
        moment=dt.datetime(2026, 6, 1, 10, tzinfo=AMSTERDAM),
        klantnummer=str(next(_volgnummers)),
    )
    respons = Respons.objects.create(
        contactmoment=moment,
        rapportcijfer=cijfer,
        nps_score=nps,
        ontvangen_op=dt.datetime(2026, 6, 3, 10, tzinfo=AMSTERDAM),
    )
    antwoorden = [
        Antwoord(respons=respons, vraag=vraag(campagne, "Product"), cijfer=product),
        Antwoord(respons=respons, vraag=vraag(campagne, "Service"), cijfer=service),
        Antwoord(respons=respons, vraag=vraag(campagne, "Communicatie"), cijfer=communicatie),
    ]
    if tekst:
        antwoorden.append(
            Antwoord(respons=respons, vraag=vraag(campagne, "Verbeteridee product"), tekst=tekst)
        )
    Antwoord.objects.bulk_create(antwoorden)


@pytest.fixture
def gegevens(campagne):
    """By hand. New customers: 30 responses, ten each of (grade, NPS, product, service,
    communication) A = (6, 7, 5, 8, 6), B = (8, 8, 7, 6, 9), C = (10, 10, 9, 7, 7). Repeating the
    three patterns ten times leaves Pearson's r as that of the three: grade deviations from its
    mean 8 are (-2, 0, 2).
    - product (5, 7, 9), mean 7: deviations (-2, 0, 2): r = 8 / sqrt(8 * 8) = 1.00
    - service (8, 6, 7), mean 7: deviations (1, -1, 0): r = -2 / sqrt(8 * 2) = -0.50
    - communication (6, 9, 7), mean 22/3 = 7.3: deviations (-4/3, 5/3, -1/3):
      r = 2 / sqrt(8 * 42/9) = 2 / 6.110 = 0.327 -> 0.33
    Grade mean 8.0; NPS: 10 promoters (C), no detractors, of 30: +33.
    Claiming customers: 3 responses (4, 3, 3, 5, 4), (5, 5, 4, 5, 6), (9, 9, 8, 5, 9): averages
    grade 6.0, product 5.0, service 5.0, communication 19/3 = 6.3; too few for a correlation."""
    for _i in range(10):
        ingevuld(campagne, Enquetegroep.NIEUWE_KLANT, 6, 7, 5, 8, 6)
        ingevuld(campagne, Enquetegroep.NIEUWE_KLANT, 8, 8, 7, 6, 9)
        ingevuld(campagne, Enquetegroep.NIEUWE_KLANT, 10, 10, 9, 7, 7)
    ingevuld(campagne, Enquetegroep.CLAIMENDE_KLANT, 4, 3, 3, 5, 4, tekst="Lagere premie.")
    ingevuld(campagne, Enquetegroep.CLAIMENDE_KLANT, 5, 5, 4, 5, 6)
    ingevuld(campagne, Enquetegroep.CLAIMENDE_KLANT, 9, 9, 8, 5, 9, tekst="Niets.")


def _per_groep(campagne) -> dict:
    return {g.groep: g for g in cijfers.drijfveren(campagne)}


def _drijfveer(groep, naam):
    return next(d for d in groep.drijfveren if d.naam == naam)


def test_gemiddelden_en_correlaties_per_groep_met_de_hand_berekend(campagne, gegevens):
    groepen = _per_groep(campagne)

    nieuw = groepen[Enquetegroep.NIEUWE_KLANT]
    assert (nieuw.cijfers.respons, nieuw.cijfers.gemiddelde, nieuw.cijfers.nps) == (
        30,
        Decimal("8.0"),
        33,
    )
    verwacht = {
        "Product": (30, Decimal("7.0"), Decimal("1.00")),
        "Service": (30, Decimal("7.0"), Decimal("-0.50")),
        "Communicatie": (30, Decimal("7.3"), Decimal("0.33")),
    }
    for naam, waarden in verwacht.items():
        d = _drijfveer(nieuw, naam)
        assert (d.aantal, d.gemiddelde, d.correlatie) == waarden, naam
        assert not d.te_weinig
    assert nieuw.sterkste.naam == "Product"
    assert nieuw.open_antwoorden == {vraag(campagne, "Verbeteridee product").pk: 0}


def test_te_weinig_antwoorden_geeft_geen_correlatie_maar_wel_gemiddelden(campagne, gegevens):
    claimend = _per_groep(campagne)[Enquetegroep.CLAIMENDE_KLANT]

    assert claimend.cijfers.gemiddelde == Decimal("6.0")
    verwacht = {
        "Product": Decimal("5.0"),
        "Service": Decimal("5.0"),
        "Communicatie": Decimal("6.3"),
    }
    for naam, gemiddelde in verwacht.items():
        d = _drijfveer(claimend, naam)
        assert (d.aantal, d.gemiddelde, d.correlatie, d.te_weinig) == (3, gemiddelde, None, True)
    assert claimend.sterkste is None
    assert claimend.open_antwoorden == {vraag(campagne, "Verbeteridee product").pk: 2}


def test_alle_groepen_samen_staan_voorop(campagne, gegevens):
    alle = cijfers.drijfveren(campagne)[0]

    assert alle.groep is None
    assert alle.cijfers.respons == 33
    # Product: (10 * (5 + 7 + 9) + 3 + 4 + 8) / 33 = 225 / 33 = 6.82 -> 6.8
    assert _drijfveer(alle, "Product").gemiddelde == Decimal("6.8")
    assert _drijfveer(alle, "Product").aantal == 33


def test_zonder_spreiding_geen_correlatie(campagne):
    for _i in range(cijfers.MINIMUM_PAREN):
        ingevuld(campagne, Enquetegroep.TOTALE_KLANT, 7, 7, 8, 8, 8)

    groep = _per_groep(campagne)[Enquetegroep.TOTALE_KLANT]

    d = _drijfveer(groep, "Product")
    assert (d.correlatie, d.geen_spreiding, d.te_weinig) == (None, True, False)


def test_het_rapport_toont_het_per_groep_en_zegt_wanneer_het_te_weinig_is(
    client, campagne, gegevens, directie, django_assert_max_num_queries
):
    client.force_login(directie)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("klanttevredenheid:campagne", args=[campagne.pk]))

    pagina = response.content.decode()
    assert response.status_code == 200
    assert "Het rapportcijfer hangt het sterkst samen met <strong>Product</strong>" in pagina
    assert "-0.50" in pagina or "-0,50" in pagina
    assert "Te weinig antwoorden om te zeggen met welke drijfveer" in pagina
    assert "Nieuwe klant" in pagina
    assert "Claimende klant" in pagina


@pytest.mark.parametrize(
    ("rol", "status"),
    [(rollen.KLACHTBEHANDELAAR, 403), (rollen.TEAMLEIDER, 200), (rollen.BEHEERDER, 200)],
)
def test_wie_het_campagnerapport_ziet(client, campagne, afdeling_a, rol, status):
    client.force_login(MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a]))

    assert (
        client.get(reverse("klanttevredenheid:campagne", args=[campagne.pk])).status_code == status
    )
    assert client.get(reverse("klanttevredenheid:campagnes")).status_code == status


# The survey page asks the campaign's questions -------------------------------------------------


@pytest.fixture
def uitnodiging(campagne):
    return verzonden_uitnodiging(
        soort=ContactmomentSoort.JAARONDERZOEK,
        groep=Enquetegroep.NIEUWE_KLANT,
        campagne=campagne,
        label=campagne.label,
        bron=Bron.IMPORT,
    )


def test_de_enquete_stelt_de_vragen_van_de_campagne(client, uitnodiging):
    response = client.get(reverse("klanttevredenheid:enquete", args=[uitnodiging.token]))

    pagina = response.content.decode()
    assert "Hoe beoordeelt u uw verzekering?" in pagina
    assert "Hoe beoordeelt u onze brieven en e-mails?" in pagina
    assert "Wat zou u aan uw verzekering veranderen?" in pagina
    assert pagina.index("Hoe beoordeelt u uw verzekering?") < pagina.index("Wat kunnen we beter")


def test_de_antwoorden_worden_per_respons_opgeslagen(client, campagne, uitnodiging):
    product, service = vraag(campagne, "Product"), vraag(campagne, "Service")
    open_vraag = vraag(campagne, "Verbeteridee product")

    response = client.post(
        reverse("klanttevredenheid:enquete", args=[uitnodiging.token]),
        {
            "rapportcijfer": "8",
            "nps_score": "9",
            f"vraag_{product.pk}": "7",
            f"vraag_{service.pk}": "9",
            f"vraag_{open_vraag.pk}": "Een lagere premie.",
        },
    )

    assert response.status_code == 302
    respons = Respons.objects.get(contactmoment=uitnodiging.contactmoment)
    opgeslagen = {(a.vraag.drijfveer, a.cijfer, a.tekst) for a in respons.antwoorden.all()}
    # Communicatie was optional and not answered: not stored.
    assert opgeslagen == {
        ("Product", 7, ""),
        ("Service", 9, ""),
        ("Verbeteridee product", None, "Een lagere premie."),
    }


def test_een_verplichte_vraag_zonder_antwoord_zegt_welke(client, campagne, uitnodiging):
    response = client.post(
        reverse("klanttevredenheid:enquete", args=[uitnodiging.token]),
        {"rapportcijfer": "8", "nps_score": "9"},
    )

    assert response.status_code == 200
    assert "Kies een cijfer van 1 tot en met 10 bij: Hoe beoordeelt u uw verzekering?" in (
        response.content.decode()
    )
    assert not Respons.objects.filter(contactmoment=uitnodiging.contactmoment).exists()


def test_een_enquete_buiten_een_campagne_heeft_geen_extra_vragen(client):
    uitnodiging = verzonden_uitnodiging()

    response = client.get(reverse("klanttevredenheid:enquete", args=[uitnodiging.token]))

    assert response.context["form"].vragen == []


def test_een_inzageverzoek_toont_de_antwoorden_op_de_campagnevragen(client, campagne, uitnodiging):
    from klanttevredenheid import services

    product = vraag(campagne, "Product")
    client.post(
        reverse("klanttevredenheid:enquete", args=[uitnodiging.token]),
        {"rapportcijfer": "8", "nps_score": "9", f"vraag_{product.pk}": "6"},
    )

    onderdelen = services.avg_verzamelen(uitnodiging.contactmoment.klant_email)

    tabellen = {str(t.titel): t for o in onderdelen for t in o.tabellen}
    assert tabellen["Antwoorden op de vragen van de campagne"].rijen == [
        ["Hoe beoordeelt u uw verzekering?", "6"]
    ]
