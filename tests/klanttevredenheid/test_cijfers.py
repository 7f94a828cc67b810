"""The satisfaction figures against hand computations (issue Klanttevredenheid, acceptance 1), and
the kwartaalcijfer: computed once per quarter and label, published frozen, caught up after an
outage."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klachten.kalender import AMSTERDAM
from klanttevredenheid import cijfers, services
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    Kwartaalcijfer,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
)
from tests.factories import AfdelingFactory, LabelFactory, MedewerkerFactory, standaardlabel

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 12) -> dt.datetime:
    return dt.datetime(datum.year, datum.month, datum.day, uur, tzinfo=AMSTERDAM)


def beantwoord(
    cijfer: int | None,
    nps: int | None = None,
    *,
    op: dt.date,
    label=None,
    afdeling=None,
    behandelaar=None,
    soort=ContactmomentSoort.SCHADE_GEMELD,
    groep=Enquetegroep.CONTACTMOMENT,
    uur: int = 12,
) -> Contactmoment:
    """An invitation sent the day before `op`, answered on `op` (or not: cijfer None)."""
    moment = Contactmoment.objects.create(
        label=label or standaardlabel(),
        soort=soort,
        groep=groep,
        bron=Bron.IMPORT,
        moment=om(op - dt.timedelta(days=2)),
        afdeling=afdeling,
        behandelaar=behandelaar,
    )
    Uitnodiging.objects.create(
        contactmoment=moment,
        status=UitnodigingStatus.VERZONDEN if cijfer is None else UitnodigingStatus.BEANTWOORD,
        verzenden_op=om(op - dt.timedelta(days=1), 9),
        verzonden_op=om(op - dt.timedelta(days=1), 9),
    )
    if cijfer is not None:
        Respons.objects.create(
            contactmoment=moment, rapportcijfer=cijfer, nps_score=nps, ontvangen_op=om(op, uur)
        )
    return moment


MEI = (om(D(2026, 5, 1), 0), om(D(2026, 6, 1), 0))


@pytest.mark.parametrize(
    ("cijfers_", "verwacht"),
    [
        ([7, 8], Decimal("7.5")),
        ([7, 7, 8, 7], Decimal("7.3")),  # 7.25 rounds half up
        ([1] * 19 + [2], Decimal("1.1")),  # 1.05 rounds half up
        ([6, 7, 7], Decimal("6.7")),  # 6.666...
        ([10], Decimal("10.0")),
    ],
)
def test_gemiddelde_op_een_decimaal_half_naar_boven(cijfers_, verwacht):
    for cijfer in cijfers_:
        beantwoord(cijfer, op=D(2026, 5, 10))

    assert cijfers.totaal(van=MEI[0], tot=MEI[1]).gemiddelde == verwacht


def test_zonder_responsen_geen_gegevens_in_plaats_van_nul():
    beantwoord(None, op=D(2026, 5, 10))  # invited, no answer

    rij = cijfers.totaal(van=MEI[0], tot=MEI[1])

    assert (rij.respons, rij.gemiddelde, rij.nps, rij.uitnodigingen) == (0, None, None, 1)
    assert rij.responspercentage == 0
    leeg = cijfers.totaal(van=om(D(2025, 1, 1), 0), tot=om(D(2025, 2, 1), 0))
    assert (leeg.gemiddelde, leeg.nps, leeg.responspercentage) == (None, None, None)


@pytest.mark.parametrize(
    ("scores", "verwacht"),
    [
        ([7, 8, 8, 7], 0),  # all passives
        ([9, 10, 9], 100),  # all promoters
        ([0, 6, 3], -100),  # all detractors
        ([10, 9, 8, 6], 25),  # 2 promoters, 1 detractor of 4: 50% - 25%
        ([9, 6, 7, 8, 10, 0, 9, 7], 13),  # 3/8 - 2/8 = 12.5 -> 13 (half away from zero)
        ([6, 9, 7, 8, 0, 3, 9, 7], -13),  # 2/8 - 3/8 = -12.5 -> -13
        ([9, 9, 6], 33),  # 66.67 - 33.33
    ],
)
def test_nps_promotors_min_criticasters(scores, verwacht):
    for nps in scores:
        beantwoord(8, nps, op=D(2026, 5, 10))

    assert cijfers.totaal(van=MEI[0], tot=MEI[1]).nps == verwacht


def test_nps_telt_alleen_wie_de_vraag_kreeg():
    beantwoord(8, 10, op=D(2026, 5, 10))
    beantwoord(3, None, op=D(2026, 5, 10))  # survey without the NPS question

    rij = cijfers.totaal(van=MEI[0], tot=MEI[1])

    assert (rij.respons, rij.nps_respons, rij.nps, rij.gemiddelde) == (2, 1, 100, Decimal("5.5"))


def test_uitsplitsing_per_maand_afdeling_behandelaar_soort_en_groep():
    a, b = AfdelingFactory(), AfdelingFactory()
    piet = MedewerkerFactory()
    beantwoord(8, 9, op=D(2026, 4, 30), afdeling=a, behandelaar=piet, uur=23)  # 30 April, local
    beantwoord(6, 5, op=D(2026, 5, 1), afdeling=a, behandelaar=piet, uur=0)  # 1 May, 00:xx local
    beantwoord(9, 10, op=D(2026, 5, 20), afdeling=b, soort=ContactmomentSoort.OPZEGGING)
    beantwoord(None, op=D(2026, 5, 21), afdeling=b)
    beantwoord(7, 8, op=D(2026, 6, 2), groep=Enquetegroep.NIEUWE_KLANT)
    van, tot = om(D(2026, 4, 1), 0), om(D(2026, 7, 1), 0)

    per_maand = {
        r.groep["maand"]: (r.respons, r.gemiddelde, r.nps, r.uitnodigingen)
        for r in cijfers.cijfers(van=van, tot=tot, per=("maand",))
    }
    assert per_maand == {
        D(2026, 4, 1): (1, Decimal("8.0"), 100, 2),  # the 1 May answer was sent 30 April
        D(2026, 5, 1): (2, Decimal("7.5"), 0, 2),
        D(2026, 6, 1): (1, Decimal("7.0"), 0, 1),
    }
    per_afdeling = {
        r.groep["afdeling"]: (r.respons, r.gemiddelde, r.uitnodigingen, r.responspercentage)
        for r in cijfers.cijfers(van=van, tot=tot, per=("afdeling",))
    }
    assert per_afdeling == {
        a.pk: (2, Decimal("7.0"), 2, 100),
        b.pk: (1, Decimal("9.0"), 2, 50),
        None: (1, Decimal("7.0"), 1, 100),
    }
    per_behandelaar = {
        r.groep["behandelaar"]: r.respons
        for r in cijfers.cijfers(van=van, tot=tot, per=("behandelaar",))
    }
    assert per_behandelaar == {piet.pk: 2, None: 2}
    per_soort = {
        r.groep["soort"]: r.respons for r in cijfers.cijfers(van=van, tot=tot, per=("soort",))
    }
    assert per_soort == {"schade_gemeld": 3, "opzegging": 1}
    per_groep = {
        r.groep["groep"]: r.gemiddelde for r in cijfers.cijfers(van=van, tot=tot, per=("groep",))
    }
    assert per_groep == {"contactmoment": Decimal("7.7"), "nieuwe_klant": Decimal("7.0")}
    per_kwartaal = cijfers.cijfers(van=van, tot=tot, per=("kwartaal",))
    assert [(r.groep["kwartaal"], r.respons) for r in per_kwartaal] == [(D(2026, 4, 1), 4)]


def test_cijfers_kosten_twee_queries_ongeacht_de_omvang():
    """Three answers in one group and thirty over five afdelingen and three soorten: two
    queries either way."""
    per = ("maand", "afdeling", "soort")

    def tellen() -> tuple[int, list[cijfers.Cijfers]]:
        with CaptureQueriesContext(connection) as queries:
            uitkomst = cijfers.cijfers(van=MEI[0], tot=MEI[1], per=per)
        return len(queries), uitkomst

    for i in range(3):
        beantwoord(7, 9, op=D(2026, 5, 1 + i), afdeling=None)
    weinig, klein = tellen()

    afdelingen = [AfdelingFactory() for _i in range(5)]
    soorten = [
        ContactmomentSoort.SCHADE_GEMELD,
        ContactmomentSoort.OPZEGGING,
        ContactmomentSoort.GEGEVENS_GEWIJZIGD,
    ]
    for i in range(27):
        beantwoord(
            1 + i % 10,
            i % 11,
            op=D(2026, 5, 1 + i % 28),
            afdeling=afdelingen[i % 5],
            soort=soorten[i % 3],
        )
    veel, groot = tellen()

    assert (len(klein), sum(c.respons for c in klein)) == (1, 3)
    assert (len(groot), sum(c.respons for c in groot)) == (1 + 15, 30)
    assert weinig == veel == 2


# Kwartaalcijfer --------------------------------------------------------------------------------


def test_kwartaalcijfer_op_de_eerste_dag_van_het_kwartaal():
    label = standaardlabel()
    beantwoord(8, op=D(2026, 7, 1), uur=0)  # first hour of Q3, local time
    beantwoord(6, op=D(2026, 9, 30), uur=23)
    beantwoord(3, op=D(2026, 10, 1), uur=0)  # Q4

    services.kwartaalcijfers_berekenen(op=om(D(2026, 9, 30), 23))
    assert not Kwartaalcijfer.objects.filter(jaar=2026, kwartaal=3).exists()

    services.kwartaalcijfers_berekenen(op=om(D(2026, 10, 1), 0))
    cijfer = Kwartaalcijfer.objects.get(label=label, jaar=2026, kwartaal=3)
    assert (cijfer.gemiddelde, cijfer.aantal) == (Decimal("7.0"), 2)


def test_kwartaalcijfer_blijft_staan_na_late_responsen():
    beantwoord(8, op=D(2026, 2, 10))
    services.kwartaalcijfers_berekenen(op=om(D(2026, 4, 1), 0))

    beantwoord(2, op=D(2026, 3, 20))  # an answer stored later, dated in Q1 (an import)
    services.kwartaalcijfers_berekenen(op=om(D(2026, 4, 2), 0))
    call_command("kwartaalcijfers_berekenen", "--op", "2026-05-01T00:15")

    cijfer = Kwartaalcijfer.objects.get(jaar=2026, kwartaal=1)
    assert (cijfer.gemiddelde, cijfer.aantal) == (Decimal("8.0"), 1)
    assert Kwartaalcijfer.objects.count() == 1


def test_kwartaalcijfer_haalt_gemiste_kwartalen_in_met_lege_als_geen_gegevens():
    beantwoord(9, op=D(2025, 11, 5))
    beantwoord(5, op=D(2026, 5, 5))

    services.kwartaalcijfers_berekenen(op=om(D(2026, 8, 15)))

    assert {
        (k.jaar, k.kwartaal): (k.gemiddelde, k.aantal) for k in Kwartaalcijfer.objects.all()
    } == {
        (2025, 4): (Decimal("9.0"), 1),
        (2026, 1): (None, 0),
        (2026, 2): (Decimal("5.0"), 1),
    }
    assert services.kwartaalcijfers_berekenen(op=om(D(2026, 8, 16))) == []


def test_kwartaalcijfer_per_label():
    ander = LabelFactory()
    beantwoord(9, op=D(2026, 5, 5))
    beantwoord(4, op=D(2026, 5, 5), label=ander)

    services.kwartaalcijfers_berekenen(op=om(D(2026, 7, 1), 1))

    assert {k.label: k.gemiddelde for k in Kwartaalcijfer.objects.all()} == {
        standaardlabel(): Decimal("9.0"),
        ander: Decimal("4.0"),
    }
