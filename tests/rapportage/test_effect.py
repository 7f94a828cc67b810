"""Did the improvement help? (issue 22): the complaints of an improvement action's cause per
month before and after its completion, against a hand computation; too few says so."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten.kalender import AMSTERDAM
from klachten.models import Klacht, Oorzaak, Verbeterpunt, VerbeterpuntStatus
from rapportage import analyse, effect, selectors
from tests.factories import CategorieFactory, KlachtFactory

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(10), tzinfo=AMSTERDAM)


def klachten(aantal: int, maand: tuple[int, int], oorzaak, **kwargs) -> list[Klacht]:
    gemaakt = [KlachtFactory(ontvangen_op=om(D(*maand, 3)), **kwargs) for _i in range(aantal)]
    Klacht.objects.filter(pk__in=[k.pk for k in gemaakt]).update(oorzaak=oorzaak)
    return gemaakt


def gereed(klacht, op: dt.datetime, eigenaar) -> Verbeterpunt:
    return Verbeterpunt.objects.create(
        klacht=klacht,
        omschrijving="Declaratiebrief herschreven",
        eigenaar=eigenaar,
        aangemaakt_door=eigenaar,
        streefdatum=op.date(),
        status=VerbeterpuntStatus.GEREED,
        gereed_op=op,
    )


@pytest.fixture
def verloop(categorie, afdeling_a, behandelaar):
    """Cause `verwerking` in `categorie`: per month Nov 2025 - Apr 2026 (before) 4, 4, 5, 3, 4, 4
    = 24; the action is done on 15 May 2026 (May counts in neither: 7 there); June - August
    (after, today is 10 September) 2, 1, 3 = 6. Besides: 2 a month of the same cause in another
    categorie (in the cause's count, not the categorie's), and another cause that counts nowhere."""
    verwerking = Oorzaak.objects.get(code="verwerking")
    anders = Oorzaak.objects.get(code="informatie")
    premie = CategorieFactory(naam="Premie", afdeling=afdeling_a)
    per_maand = {
        (2025, 11): 4,
        (2025, 12): 4,
        (2026, 1): 5,
        (2026, 2): 3,
        (2026, 3): 4,
        (2026, 4): 4,
        (2026, 5): 7,
        (2026, 6): 2,
        (2026, 7): 1,
        (2026, 8): 3,
        (2026, 9): 9,  # the running month: not whole, not counted
    }
    eerste = None
    for maand, n in per_maand.items():
        gemaakt = klachten(n, maand, verwerking, categorie=categorie)
        eerste = eerste or gemaakt[0]
        klachten(2, maand, verwerking, categorie=premie)
        klachten(1, maand, anders, categorie=categorie)
    klachten(5, (2025, 10), verwerking, categorie=categorie)  # 7 months before: outside
    return gereed(eerste, om(D(2026, 5, 15)), behandelaar)


def test_voor_en_na_tegen_een_handberekening(verloop):
    (e,) = effect.effecten(
        Verbeterpunt.objects.all(), klachten=Klacht.objects.all(), vandaag=D(2026, 9, 10)
    )
    assert e.gereed_maand == (2026, 5)
    oorzaak, categorie, afdeling = e.reeksen
    # In the categorie: before 24 in 6 months = 4.0 a month; after 6 in 3 months = 2.0.
    assert [n for _m, n in categorie.voor] == [4, 4, 5, 3, 4, 4]
    assert [m for m, _n in categorie.na] == [(2026, 6), (2026, 7), (2026, 8)]
    assert [n for _m, n in categorie.na] == [2, 1, 3]
    assert (categorie.aantal_voor, categorie.aantal_na, categorie.aantal) == (24, 6, 30)
    assert categorie.gemiddeld_voor == effect.Decimal("4.0")
    assert categorie.gemiddeld_na == effect.Decimal("2.0")
    assert categorie.verschil == effect.Decimal("-2.0")
    assert categorie.verschil_procent == -50
    assert not categorie.te_weinig
    # The cause alone adds 2 a month of the other categorie: (24 + 12) / 6 = 6.0 and
    # (6 + 6) / 3 = 4.0: -2.0, -33 %.
    assert (oorzaak.aantal_voor, oorzaak.aantal_na) == (36, 12)
    assert (oorzaak.gemiddeld_voor, oorzaak.gemiddeld_na) == (
        effect.Decimal("6.0"),
        effect.Decimal("4.0"),
    )
    assert oorzaak.verschil_procent == -33
    # Both categorieën belong to afdeling A: the afdeling's count is the cause's.
    assert (afdeling.aantal_voor, afdeling.aantal_na) == (36, 12)


def test_te_weinig_maanden_erna_zegt_het_zonder_verschil(verloop):
    # On 10 August only June and July lie after: fewer than 3 months.
    (e,) = effect.effecten(
        Verbeterpunt.objects.all(), klachten=Klacht.objects.all(), vandaag=D(2026, 8, 10)
    )
    categorie = e.reeksen[1]
    assert len(categorie.na) == 2
    assert categorie.te_weinig
    assert categorie.verschil is None
    assert categorie.verschil_procent is None


def test_te_weinig_klachten_zegt_het(categorie, behandelaar):
    verwerking = Oorzaak.objects.get(code="verwerking")
    eerste = klachten(3, (2026, 2), verwerking, categorie=categorie)[0]
    klachten(2, (2026, 7), verwerking, categorie=categorie)
    gereed(eerste, om(D(2026, 4, 2)), behandelaar)
    (e,) = effect.effecten(
        Verbeterpunt.objects.all(), klachten=Klacht.objects.all(), vandaag=D(2026, 12, 1)
    )
    assert e.reeksen[0].aantal == 5 < effect.MIN_KLACHTEN
    assert e.reeksen[0].te_weinig


def test_zonder_klacht_of_oorzaak_geen_reeks(behandelaar):
    Verbeterpunt.objects.create(
        omschrijving="Training telefoon",
        eigenaar=behandelaar,
        aangemaakt_door=behandelaar,
        streefdatum=D(2026, 3, 1),
        status=VerbeterpuntStatus.GEREED,
        gereed_op=om(D(2026, 3, 1)),
    )
    (e,) = effect.effecten(
        Verbeterpunt.objects.all(), klachten=Klacht.objects.all(), vandaag=D(2026, 9, 1)
    )
    assert e.reeksen == []
    assert "Geen klacht" in e.reden


def test_de_analyse_toont_het_effect(verloop, directie, client, time_machine):
    time_machine.move_to(om(D(2026, 9, 10)), tick=False)
    a = analyse.analyse(2026, 1, selectie=selectors.selectie_voor(directie), vandaag=D(2026, 9, 10))
    assert [e.verbeterpunt for e in a.effecten] == [verloop]
    client.force_login(directie)
    pagina = client.get(reverse("rapportage:analyse", kwargs={"jaar": 2026, "helft": 1}))
    inhoud = pagina.content.decode()
    assert "Heeft de verbetering geholpen?" in inhoud
    assert "-2,0 (-50%)" in inhoud or "-2.0 (-50%)" in inhoud
    # Done in the first half-year: the second half-year's analysis shows it too; the next not.
    assert analyse.analyse(
        2026, 2, selectie=selectors.selectie_voor(directie), vandaag=D(2026, 9, 10)
    ).effecten
