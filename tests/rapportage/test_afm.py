"""The AFM's klachtenuitvraag: received, handled and pending complaints per product group and
cause, for a year, as an Excel file (DESIGN.md section 7)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import Oorzaak, Productgroep
from klachten.workflow import Oordeel, Status
from rapportage import afm
from tests.factories import CategorieFactory, KlachtFactory, klacht_in_status, standaardlabel

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur), tzinfo=AMSTERDAM)


@pytest.fixture
def jaar_2025(time_machine, behandelaar, categorie, afdeling_a):
    label = standaardlabel()
    label.productgroep = Productgroep.objects.get(code="zorg")
    label.save()
    schade = CategorieFactory(
        afdeling=afdeling_a, productgroep=Productgroep.objects.get(code="schade")
    )
    verwerking = Oorzaak.objects.get(code="verwerking")

    def beantwoord_en_gesloten(ontvangen, gesloten, cat, oorzaak):
        time_machine.move_to(om(ontvangen), tick=False)
        klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=cat)
        time_machine.move_to(om(gesloten), tick=False)
        klacht = services.antwoord_sturen(
            klacht=klacht,
            door=behandelaar,
            oordeel=Oordeel.GEGROND,
            oorzaak=oorzaak,
            onderwerp="Antwoord",
            tekst="Ons antwoord.",
        )
        return services.afsluiten(klacht=klacht, door=behandelaar, onderwerp="Af", tekst="Af.")

    beantwoord_en_gesloten(D(2024, 12, 20), D(2025, 1, 10), categorie, verwerking)  # handled
    beantwoord_en_gesloten(D(2025, 3, 1), D(2025, 3, 20), categorie, verwerking)
    beantwoord_en_gesloten(D(2025, 5, 1), D(2025, 5, 20), schade, None)
    time_machine.move_to(om(D(2025, 12, 31), 23), tick=False)
    KlachtFactory(categorie=schade)  # received 31 Dec, pending at the end of the year
    time_machine.move_to(om(D(2026, 2, 1)), tick=False)


def test_per_productgroep_en_oorzaak(jaar_2025):
    rijen = {(r.productgroep, r.oorzaak): r for r in afm.klachtenuitvraag(2025)}

    assert {k: (r.ontvangen, r.afgehandeld, r.openstaand) for k, r in rijen.items()} == {
        ("Zorgverzekeringen", "Fout in de verwerking"): (1, 2, 0),
        ("Schadeverzekeringen", "Niet vastgesteld"): (2, 1, 1),
    }


def test_directie_downloadt_het_excelbestand(jaar_2025, client, directie, teamleider):
    url = reverse("rapportage:afm", kwargs={"jaar": 2025})
    client.force_login(teamleider)
    assert client.get(url).status_code == 403
    client.force_login(directie)

    response = client.get(url)

    assert response.status_code == 200
    assert "klachtenuitvraag-afm-2025.xlsx" in response["Content-Disposition"]
    blad = load_workbook(io.BytesIO(response.content))["Klachtenuitvraag"]
    waarden = [[c.value for c in rij] for rij in blad.iter_rows()]
    kop = next(i for i, rij in enumerate(waarden) if rij[0] == "Productgroep")
    assert waarden[kop + 1 :] == [
        ["Schadeverzekeringen", "Niet vastgesteld", 2, 1, 1],
        ["Zorgverzekeringen", "Fout in de verwerking", 1, 2, 0],
        ["Totaal", None, 3, 3, 1],
    ]
    assert client.get(reverse("rapportage:afm", kwargs={"jaar": 2026})).status_code == 404
