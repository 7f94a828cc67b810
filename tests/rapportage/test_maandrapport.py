"""The month report against hand computations (issue Maandrapportage, acceptance 1).

Ten complaints in two labels and two afdelingen, driven through the workflow services at chosen
moments from January to March 2026 (time frozen), plus satisfaction responses. For every month
(and an empty one) the test writes down every figure of FIGUREN, in total and per afdeling, with
the hand computation next to it. Further: a label filter and a teamleider's afdeling selection,
building blocks that add up, month ends around midnight in Amsterdam, the frozen snapshot against
the live running month, the query count, and mediaan / percentiel_90 on hand examples.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from klachten import berichten, kalender, services
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Bericht,
    ExterneInstantie,
    Kanaal,
    Klacht,
    Reactietermijn,
    TermijnEenheid,
    TermijnwijzigingSoort,
    Uitkomst,
)
from klachten.workflow import KLANT, Oordeel, Status
from klanttevredenheid import cijfers as kto
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
)
from rapportage.maandrapport import (
    FIGUREN,
    Figuren,
    bouwstenen,
    maandoverzicht,
    maandrapport_vastleggen,
    mediaan,
    optellen,
    percentiel_90,
)
from rapportage.models import Maandrapport
from tests.factories import (
    AfdelingFactory,
    CategorieFactory,
    KlachtFactory,
    LabelFactory,
    klacht_in_status,
    standaardlabel,
)
from tests.klachten.test_bezorging import WEIGERINGEN, bestaat_niet

pytestmark = pytest.mark.django_db

D = dt.date
P = Decimal  # percentages, medians and KTO averages are Decimals with one decimal

BERICHT = {"onderwerp": "Onderwerp", "tekst": "Een tekst van de behandelaar."}

# Every figure of FIGUREN, and the fourth verdict that Figuren computes but FIGUREN does not name.
NAMEN = [f.naam for f in FIGUREN]


def om(datum: dt.date, uur: int = 10, minuut: int = 0) -> dt.datetime:
    """A moment in Europe/Amsterdam (CET in winter, CEST from 29 March 2026)."""
    return dt.datetime.combine(datum, dt.time(uur, minuut), tzinfo=AMSTERDAM)


def figuren(blok) -> dict:
    f = Figuren(blok)
    return {naam: f.waarde(naam) for naam in NAMEN}


def enquete(cijfer: int, nps: int | None, *, op: dt.datetime, label, afdeling) -> Respons:
    """A survey response received at `op` about a contact moment of `afdeling` (or none)."""
    moment = Contactmoment.objects.create(
        label=label,
        soort=ContactmomentSoort.SCHADE_GEMELD,
        bron=Bron.IMPORT,
        moment=op - dt.timedelta(days=2),
        afdeling=afdeling,
    )
    Uitnodiging.objects.create(
        contactmoment=moment,
        status=UitnodigingStatus.BEANTWOORD,
        verzenden_op=op - dt.timedelta(days=1),
        verzonden_op=op - dt.timedelta(days=1),
    )
    return Respons.objects.create(
        contactmoment=moment, rapportcijfer=cijfer, nps_score=nps, ontvangen_op=op
    )


# The dataset -----------------------------------------------------------------------------------
#
#      label afd  kanaal   story (10:00 Amsterdam unless a time is given)
# K1   L1    A    telefoon rec 5 Jan, ack+ontvankelijk 8 Jan, statusupdate 26 Jan, answer gegrond
#                          10 Feb, closed 12 Feb; reconsideration asked 10 Mar (still running)
# K2   L1    A    web      rec 10 Jan (acknowledged at once), ontvankelijk 12 Jan, statusupdate 3 Feb
#                          (late), answer term 21 Feb extended 18 Feb to 10 Mar, answer deels
#                          gegrond 12 Mar (late), closed 13 Mar; Kifid filed 20 Mar
# K3   L2    B    brief    rec 20 Jan, ack 30 Jan (late), not admissible 30 Jan; Kifid filed
#                          15 Feb, decided ongegrond 25 Mar
# K4   L1    B    telefoon direct opgelost 31 Jan 23:30 (22:30 UTC)
# K5   L2    A    telefoon rec 1 Feb 00:30 (31 Jan 23:30 UTC), ack+ontvankelijk 9 Feb, answer
#                          ongegrond 20 Feb, closed 23 Feb, reconsideration 25 Feb, answered niet
#                          te beoordelen 5 Mar, closed 6 Mar
# K6   L1    B    e-mail   rec 2 Feb, ack+ontvankelijk 3 Feb, answer gegrond 10 Feb, closed 11 Feb,
#                          reopened 16 Feb, answer ongegrond 20 Feb, closed 25 Feb
# K7   L2    B    telefoon rec 27 Feb, never acknowledged
# K8   L1    B    telefoon rec 3 Mar, ack+ontvankelijk 4 Mar, statusupdate 20 Mar
# K9   L2    B    telefoon direct opgelost 31 Mar 23:30 CEST (21:30 UTC)
# K10  L1    A    telefoon direct opgelost 1 Apr 00:15 CEST (31 Mar 22:15 UTC): April's
#
# Deadlines (calendar days): acknowledgement receipt + 8, answer receipt + 42, statusupdate 21 days
# after the last message to the customer (or the resumption) while investigated/reconsidered.
#
# KTO responses: 15 Jan A/L1 8 (NPS 9); 20 Jan B/L2 6 (NPS 10); 31 Jan 23:30 A/L1 7 (NPS 6);
# 1 Feb 00:30 A/L2 9 (NPS 9); 20 Feb B/L1 7 (NPS 7); 1 Apr 00:15 B/L1 3 (NPS 2).
#
# The figures are computed live on 15 April 2026 (NU).

NU = om(D(2026, 4, 15))


@pytest.fixture
def dataset(time_machine, afdeling_a, afdeling_b, categorie, categorie_b, behandelaar, collega):
    l1 = standaardlabel()
    l2 = LabelFactory(naam="Rechtshulp Noord", slug="noord")
    kifid = ExterneInstantie.objects.get(code="kifid")
    k = {}

    def op(moment):
        time_machine.move_to(moment, tick=False)

    def nieuw(naam, label, cat, kanaal=Kanaal.TELEFOON, **extra):
        door = None if kanaal == Kanaal.WEBFORMULIER else behandelaar
        k[naam] = KlachtFactory(
            label=label, categorie=cat, kanaal=kanaal, ingediend_door=door, klant_naam=naam, **extra
        )

    def doe(naam, service, door=behandelaar, **gegevens):
        k[naam] = service(klacht=k[naam], door=door, **gegevens)

    def onderzoeken(naam):
        doe(naam, services.ontvangst_bevestigen, **BERICHT)
        doe(naam, services.ontvankelijk_verklaren)

    def antwoorden(naam, oordeel):
        doe(naam, services.antwoord_sturen, oordeel=oordeel, **BERICHT)

    def direct_opgelost(naam, label, cat):
        nieuw(naam, label, cat, direct_opgelost=True, oplossing="Aan de telefoon uitgelegd.")

    op(om(D(2026, 1, 5)))
    nieuw("K1", l1, categorie)
    op(om(D(2026, 1, 8)))
    onderzoeken("K1")
    op(om(D(2026, 1, 10)))
    nieuw("K2", l1, categorie, kanaal=Kanaal.WEBFORMULIER)
    op(om(D(2026, 1, 12)))
    doe("K2", services.ontvankelijk_verklaren)
    enquete(8, 9, op=om(D(2026, 1, 15)), label=l1, afdeling=afdeling_a)
    op(om(D(2026, 1, 20)))
    nieuw("K3", l2, categorie_b, kanaal=Kanaal.BRIEF)
    enquete(6, 10, op=om(D(2026, 1, 20)), label=l2, afdeling=afdeling_b)
    op(om(D(2026, 1, 26)))
    doe("K1", services.statusupdate_sturen, **BERICHT)
    op(om(D(2026, 1, 30)))
    doe("K3", services.ontvangst_bevestigen, **BERICHT)
    doe("K3", services.niet_ontvankelijk_verklaren, **BERICHT)
    op(om(D(2026, 1, 31), 23, 30))
    direct_opgelost("K4", l1, categorie_b)
    enquete(7, 6, op=om(D(2026, 1, 31), 23, 30), label=l1, afdeling=afdeling_a)

    op(om(D(2026, 2, 1), 0, 30))
    nieuw("K5", l2, categorie)
    enquete(9, 9, op=om(D(2026, 2, 1), 0, 30), label=l2, afdeling=afdeling_a)
    op(om(D(2026, 2, 2)))
    nieuw("K6", l1, categorie_b, kanaal=Kanaal.EMAIL)
    op(om(D(2026, 2, 3)))
    doe("K2", services.statusupdate_sturen, **BERICHT)
    onderzoeken("K6")
    op(om(D(2026, 2, 9)))
    onderzoeken("K5")
    op(om(D(2026, 2, 10)))
    antwoorden("K1", Oordeel.GEGROND)
    antwoorden("K6", Oordeel.GEGROND)
    op(om(D(2026, 2, 11)))
    doe("K6", services.afsluiten, **BERICHT)
    op(om(D(2026, 2, 12)))
    doe("K1", services.afsluiten, **BERICHT)
    op(om(D(2026, 2, 15)))
    procedure_k3 = services.externe_procedure_vastleggen(
        klacht=k["K3"], door=behandelaar, instantie=kifid, ingediend_datum=D(2026, 2, 15)
    )
    op(om(D(2026, 2, 16)))
    doe("K6", services.heropenen, reden="De klant belde: het klopt nog steeds niet.")
    op(om(D(2026, 2, 18)))
    doe(
        "K2",
        services.termijn_wijzigen,
        soort=TermijnwijzigingSoort.VERLENGING,
        nieuwe_datum=D(2026, 3, 10),
        reden="Wacht op het advies van de medisch adviseur.",
        **BERICHT,
    )
    op(om(D(2026, 2, 20)))
    antwoorden("K5", Oordeel.ONGEGROND)
    antwoorden("K6", Oordeel.ONGEGROND)
    enquete(7, 7, op=om(D(2026, 2, 20)), label=l1, afdeling=afdeling_b)
    op(om(D(2026, 2, 23)))
    doe("K5", services.afsluiten, **BERICHT)
    op(om(D(2026, 2, 25)))
    doe("K5", services.heroverweging_vragen, door=KLANT, reden="Niet eens met het antwoord.")
    doe("K6", services.afsluiten, **BERICHT)
    op(om(D(2026, 2, 27)))
    nieuw("K7", l2, categorie_b)

    op(om(D(2026, 3, 3)))
    nieuw("K8", l1, categorie_b)
    op(om(D(2026, 3, 4)))
    onderzoeken("K8")
    op(om(D(2026, 3, 5)))
    doe(
        "K5",
        services.heroverweging_beantwoorden,
        door=collega,
        oordeel=Oordeel.NIET_TE_BEOORDELEN,
        **BERICHT,
    )
    op(om(D(2026, 3, 6)))
    doe("K5", services.afsluiten, **BERICHT)
    op(om(D(2026, 3, 10)))
    doe("K1", services.heroverweging_vragen, door=KLANT, reden="Niet eens met het antwoord.")
    op(om(D(2026, 3, 12)))
    antwoorden("K2", Oordeel.DEELS_GEGROND)
    op(om(D(2026, 3, 13)))
    doe("K2", services.afsluiten, **BERICHT)
    op(om(D(2026, 3, 20)))
    services.externe_procedure_vastleggen(
        klacht=k["K2"], door=behandelaar, instantie=kifid, ingediend_datum=D(2026, 3, 20)
    )
    doe("K8", services.statusupdate_sturen, **BERICHT)
    op(om(D(2026, 3, 25)))
    services.externe_procedure_vastleggen(
        klacht=k["K3"],
        door=behandelaar,
        instantie=kifid,
        ingediend_datum=D(2026, 2, 15),
        uitkomst=Uitkomst.ONGEGROND,
        beslist_datum=D(2026, 3, 25),
        procedure=procedure_k3,
    )
    op(om(D(2026, 3, 31), 23, 30))
    direct_opgelost("K9", l2, categorie_b)
    op(om(D(2026, 4, 1), 0, 15))
    direct_opgelost("K10", l1, categorie)
    enquete(3, 2, op=om(D(2026, 4, 1), 0, 15), label=l1, afdeling=afdeling_b)
    op(NU)

    statussen = {naam: klacht.status for naam, klacht in k.items()}
    assert statussen == {
        "K1": Status.IN_HEROVERWEGING,
        "K2": Status.AFGESLOTEN,
        "K3": Status.AFGESLOTEN,
        "K4": Status.AFGESLOTEN,
        "K5": Status.AFGESLOTEN,
        "K6": Status.AFGESLOTEN,
        "K7": Status.ONTVANGEN,
        "K8": Status.IN_ONDERZOEK,
        "K9": Status.AFGESLOTEN,
        "K10": Status.AFGESLOTEN,
    }
    return {
        "A": afdeling_a.pk,
        "B": afdeling_b.pk,
        "L1": l1.pk,
        "L2": l2.pk,
        "kifid": kifid.pk,
        "categorie_a": categorie.pk,
        "categorie_b": categorie_b.pk,
        "klachten": k,
    }


# The hand computation: per month, per figure (total, afdeling A, afdeling B) ------------------

LEEG = {
    # December 2025: no complaint, no deadline, no response. Counts 0, the rest "no data".
    "ontvangen": (0, 0, 0),
    "afgesloten": (0, 0, 0),
    "open_einde": (0, 0, 0),
    "bevestigd_op_tijd": (None, None, None),
    "statusupdates_op_tijd": (None, None, None),
    "beantwoord_op_tijd": (None, None, None),
    "reactie_op_tijd": (None, None, None),
    "doorlooptijd_mediaan": (None, None, None),
    "doorlooptijd_p90": (None, None, None),
    "niet_ontvankelijk": (0, 0, 0),
    "gegrond": (0, 0, 0),
    "deels_gegrond": (0, 0, 0),
    "ongegrond": (0, 0, 0),
    "niet_te_beoordelen": (0, 0, 0),
    "heroverwegingen": (0, 0, 0),
    "externe_procedures": (0, 0, 0),
    "kto_gemiddelde": (None, None, None),
    "nps": (None, None, None),
}

JANUARI = {
    # A: K1, K2. B: K3, K4 (31 Jan 23:30 Amsterdam).
    "ontvangen": (4, 2, 2),
    # B: K3 (not admissible 30 Jan), K4 (direct opgelost).
    "afgesloten": (2, 0, 2),
    # A: K1 and K2 in onderzoek on 31 Jan 24:00.
    "open_einde": (2, 2, 0),
    # Due in January: K1 13 Jan (sent 8 Jan), K2 18 Jan (web: at once) | K3 28 Jan (sent 30 Jan).
    # Total 2/3; A 2/2; B 0/1.
    "bevestigd_op_tijd": (P("66.7"), P("100.0"), P("0.0")),
    # A: K1 29 Jan (8 Jan + 21, sent 26 Jan) on time; K2 31 Jan (10 Jan + 21, sent 3 Feb) late.
    "statusupdates_op_tijd": (P("50.0"), P("50.0"), None),
    # No answer term ends in January (K1 16 Feb, K2 21 Feb -> 10 Mar, K3 3 Mar).
    "beantwoord_op_tijd": (None, None, None),
    # Neither label publishes reaction terms here (test_reactietermijnen.py has its own dataset).
    "reactie_op_tijd": (None, None, None),
    # Lead times: K4 0 days, K3 10 days (20 -> 30 Jan). Even count: (0 + 10) / 2.
    "doorlooptijd_mediaan": (P("5.0"), None, P("5.0")),
    # Nearest rank: ceil(0.9 * 2) = 2nd of [0, 10].
    "doorlooptijd_p90": (10, None, 10),
    "niet_ontvankelijk": (1, 0, 1),  # K3
    "gegrond": (0, 0, 0),
    "deels_gegrond": (0, 0, 0),
    "ongegrond": (0, 0, 0),
    "niet_te_beoordelen": (0, 0, 0),
    "heroverwegingen": (0, 0, 0),
    "externe_procedures": (0, 0, 0),
    # A: 8 and 7 (31 Jan 23:30) -> 7.5; B: 6. Total 21 / 3 = 7.0.
    "kto_gemiddelde": (P("7.0"), P("7.5"), P("6.0")),
    # A: 9 promoter, 6 detractor -> 0; B: 10 -> 100. Total (2 - 1) / 3 = 33.3 -> 33.
    "nps": (33, 0, 100),
}

FEBRUARI = {
    # A: K5 (1 Feb 00:30 Amsterdam, 31 Jan in UTC). B: K6, K7.
    "ontvangen": (3, 1, 2),
    # A: K1 (12 Feb), K5 (23 Feb, reconsideration after). B: K6 (closed 11 Feb, reopened 16 Feb,
    # closed 25 Feb: once, at its last closing).
    "afgesloten": (3, 2, 1),
    # A: K2 in onderzoek, K5 in heroverweging. B: K7 received, not acknowledged.
    "open_einde": (3, 2, 1),
    # A: K5 due 9 Feb, sent 9 Feb (the last day). B: K6 due 10 Feb, sent 3 Feb.
    "bevestigd_op_tijd": (P("100.0"), P("100.0"), P("100.0")),
    # A: K1 16 Feb (answer 10 Feb), K2 24 Feb (3 Feb + 21; vertragingsbericht 18 Feb).
    # B: K6 24 Feb (3 Feb + 21; answer 10 Feb).
    "statusupdates_op_tijd": (P("100.0"), P("100.0"), P("100.0")),
    # A: K1 16 Feb (5 Jan + 42), answered 10 Feb. K2's 21 Feb was extended to 10 Mar: not here.
    "beantwoord_op_tijd": (P("100.0"), P("100.0"), None),
    "reactie_op_tijd": (None, None, None),
    # A: K5 22 (1 -> 23 Feb), K1 38 (5 Jan -> 12 Feb): (22 + 38) / 2. B: K6 23 (2 -> 25 Feb).
    # Total [22, 23, 38]: the middle one.
    "doorlooptijd_mediaan": (P("23.0"), P("30.0"), P("23.0")),
    "doorlooptijd_p90": (38, 38, 23),  # ceil(0.9 * 3) = 3rd; ceil(0.9 * 2) = 2nd
    "niet_ontvankelijk": (0, 0, 0),
    # The last given verdict: K1 gegrond; K6 ongegrond (its second answer); K5 was closed with
    # ongegrond on 23 Feb, but its last verdict is the reconsideration's (5 Mar): niet te
    # beoordelen. (The stored February report, made on 1 March, keeps ongegrond.)
    "gegrond": (1, 1, 0),
    "deels_gegrond": (0, 0, 0),
    "ongegrond": (1, 0, 1),
    "niet_te_beoordelen": (1, 1, 0),
    "heroverwegingen": (1, 1, 0),  # K5, 25 Feb
    "externe_procedures": (1, 0, 1),  # K3 at Kifid, 15 Feb
    # A: 9 (1 Feb 00:30). B: 7. Total (9 + 7) / 2.
    "kto_gemiddelde": (P("8.0"), P("9.0"), P("7.0")),
    # A: 9 promoter -> 100. B: 7 passive -> 0. Total (1 - 0) / 2 = 50.
    "nps": (50, 100, 0),
}

MAART = {
    # B: K8, K9 (31 Mar 23:30 CEST). K10 (1 Apr 00:15 CEST, 31 Mar in UTC) is April's.
    "ontvangen": (2, 0, 2),
    # A: K5 (6 Mar, its second closing), K2 (13 Mar). B: K9.
    "afgesloten": (3, 2, 1),
    # A: K1 in heroverweging. B: K7 received, K8 in onderzoek.
    "open_einde": (3, 1, 2),
    # B: K7 due 7 Mar, never sent (still running past its date); K8 due 11 Mar, sent 4 Mar.
    "bevestigd_op_tijd": (P("50.0"), None, P("50.0")),
    # A: K5 2 Mar (9 Feb + 21; answer 20 Feb) on time, K5 18 Mar (25 Feb + 21; reconsideration
    # answered 5 Mar) on time, K2 11 Mar (18 Feb + 21; answer 12 Mar) late, K1 31 Mar (10 Mar
    # + 21; nothing sent, still running) late: 2/4.
    # B: K6 9 Mar (reopened 16 Feb + 21; answer 20 Feb), K8 25 Mar (4 Mar + 21; sent 20 Mar): 2/2.
    # Total 4/6.
    "statusupdates_op_tijd": (P("66.7"), P("50.0"), P("100.0")),
    # A: K2 10 Mar (extended from 21 Feb; answered 12 Mar) late, K5 15 Mar (1 Feb + 42; answered
    # 20 Feb) on time: 1/2.
    # B: K3 3 Mar (20 Jan + 42; not admissible 30 Jan), K6 16 Mar (2 Feb + 42; answered 10 Feb),
    # K6 30 Mar (reopened 16 Feb + 42; answered 20 Feb): 3/3. Total 4/5.
    "beantwoord_op_tijd": (P("80.0"), P("50.0"), P("100.0")),
    "reactie_op_tijd": (None, None, None),
    # A: K5 33 (1 Feb -> 6 Mar), K2 62 (10 Jan -> 13 Mar): (33 + 62) / 2. B: K9 0.
    # Total [0, 33, 62]: the middle one.
    "doorlooptijd_mediaan": (P("33.0"), P("47.5"), P("0.0")),
    "doorlooptijd_p90": (62, 62, 0),
    "niet_ontvankelijk": (0, 0, 0),
    "gegrond": (0, 0, 0),
    "deels_gegrond": (1, 1, 0),  # K2
    "ongegrond": (0, 0, 0),
    "niet_te_beoordelen": (1, 1, 0),  # K5 after its reconsideration
    "heroverwegingen": (1, 1, 0),  # K1, 10 Mar
    "externe_procedures": (1, 1, 0),  # K2 at Kifid, 20 Mar
    # No response in March (the one of 1 Apr 00:15 CEST is April's).
    "kto_gemiddelde": (None, None, None),
    "nps": (None, None, None),
}

VERWACHT = {(2025, 12): LEEG, (2026, 1): JANUARI, (2026, 2): FEBRUARI, (2026, 3): MAART}
SELECTIES = ("totaal", "A", "B")


def verwacht(maand: tuple[int, int], selectie: str) -> dict:
    kolom = SELECTIES.index(selectie)
    return {naam: waarden[kolom] for naam, waarden in VERWACHT[maand].items()}


def gevonden(blokken, dataset, selectie: str) -> dict:
    afdelingen = None if selectie == "totaal" else {dataset[selectie]}
    return figuren(optellen(blokken, afdelingen=afdelingen))


def test_de_handberekening_noemt_elke_figuur():
    for tabel in VERWACHT.values():
        assert sorted(tabel) == sorted(NAMEN)


@pytest.mark.parametrize("maand", list(VERWACHT), ids=lambda m: f"{m[0]}-{m[1]:02d}")
def test_elke_figuur_van_de_maand_is_de_handberekening(dataset, maand):
    blokken = bouwstenen(*maand, nu=NU)

    for selectie in SELECTIES:
        assert gevonden(blokken, dataset, selectie) == verwacht(maand, selectie), selectie


def test_labelfilter_en_teamleiderselectie(dataset):
    blokken = bouwstenen(2026, 3, nu=NU)
    l2, a = dataset["L2"], dataset["A"]

    # Label L2 in March: K5 (A), K7, K9 (B), and K3's answer term (B).
    assert figuren(optellen(blokken, labels={l2})) == {
        "ontvangen": 1,  # K9
        "afgesloten": 2,  # K5, K9
        "open_einde": 1,  # K7
        "bevestigd_op_tijd": P("0.0"),  # K7 7 Mar, never sent
        "statusupdates_op_tijd": P("100.0"),  # K5 2 Mar, 18 Mar
        "beantwoord_op_tijd": P("100.0"),  # K3 3 Mar, K5 15 Mar
        "reactie_op_tijd": None,
        "doorlooptijd_mediaan": P("16.5"),  # (0 + 33) / 2
        "doorlooptijd_p90": 33,
        "niet_ontvankelijk": 0,
        "gegrond": 0,
        "deels_gegrond": 0,
        "ongegrond": 0,
        "niet_te_beoordelen": 1,  # K5
        "heroverwegingen": 0,  # K1 is L1's
        "externe_procedures": 0,  # K2 is L1's
        "kto_gemiddelde": None,
        "nps": None,
    }
    # Label L2 and afdeling A: K5 alone.
    assert figuren(optellen(blokken, labels={l2}, afdelingen={a})) == {
        **{naam: 0 for naam, w in LEEG.items() if w == (0, 0, 0)},
        **{naam: None for naam, w in LEEG.items() if w == (None, None, None)},
        "afgesloten": 1,
        "statusupdates_op_tijd": P("100.0"),
        "beantwoord_op_tijd": P("100.0"),
        "doorlooptijd_mediaan": P("33.0"),
        "doorlooptijd_p90": 33,
        "niet_te_beoordelen": 1,
    }

    # The teamleider of A sees A only: in total and as the one afdeling row.
    teamleider = maandoverzicht(2026, 3, afdelingen={a}, nu=NU)
    assert [afdeling for afdeling, _f in teamleider.per_afdeling] == [a]
    assert figuren(teamleider.totaal.b) == verwacht((2026, 3), "A")
    assert teamleider.extern_ingediend == Counter({str(dataset["kifid"]): 1})  # K2
    assert teamleider.extern_beslist == Counter()  # K3's decision is B's


def test_uitsplitsingen_van_het_maandoverzicht(dataset):
    januari = maandoverzicht(2026, 1, nu=NU)
    maart = maandoverzicht(2026, 3, nu=NU)

    assert januari.bevroren is False
    # K1 and K4 by phone, K2 on the web, K3 by letter; K1, K2 declaratie (A), K3, K4 premie (B).
    assert januari.kanaal == Counter(
        {Kanaal.TELEFOON.value: 2, Kanaal.WEBFORMULIER.value: 1, Kanaal.BRIEF.value: 1}
    )
    assert januari.categorie == Counter(
        {str(dataset["categorie_a"]): 2, str(dataset["categorie_b"]): 2}
    )
    assert [afdeling for afdeling, _f in januari.per_afdeling] == sorted(
        [dataset["A"], dataset["B"]]
    )
    # March: K2 filed at Kifid (20 Mar); K3's Kifid case (filed 15 Feb) decided ongegrond 25 Mar.
    kifid = dataset["kifid"]
    assert maart.extern_ingediend == Counter({str(kifid): 1})
    assert maart.extern_beslist == Counter({f"{kifid}|{Uitkomst.ONGEGROND}": 1})
    # A month without complaints: no afdeling rows, counts 0, the rest no data.
    leeg = maandoverzicht(2025, 12, nu=NU)
    assert (leeg.per_afdeling, figuren(leeg.totaal.b)) == ([], verwacht((2025, 12), "totaal"))
    # The trend shows the months before with the same figures.
    trend = dict(maart.trend)
    for maand in VERWACHT:
        assert figuren(trend[maand].b) == verwacht(maand, "totaal")


def test_bouwstenen_tellen_op_tot_het_totaal(dataset):
    tellingen = [
        "ontvangen",
        "afgesloten",
        "open_einde",
        "niet_ontvankelijk",
        "gegrond",
        "deels_gegrond",
        "ongegrond",
        "niet_te_beoordelen",
        "heroverwegingen",
        "externe_procedures",
        "kto_respons",
    ]
    for maand in VERWACHT:
        blokken = bouwstenen(*maand, nu=NU)
        totaal = Figuren(optellen(blokken))
        per_afdeling = [Figuren(optellen(blokken, afdelingen={dataset[a]})) for a in ("A", "B")]
        per_blok = [Figuren(blok) for blok in blokken.values()]
        for naam in tellingen:
            assert sum(f.waarde(naam) for f in per_afdeling) == totaal.waarde(naam), naam
            assert sum(f.waarde(naam) for f in per_blok) == totaal.waarde(naam), naam
        for termijn in ("ontvangstbevestiging", "statusupdate", "antwoord"):
            teller, noemer = totaal.teller_noemer(termijn)
            assert sum(f.teller_noemer(termijn)[0] for f in per_afdeling) == teller
            assert sum(f.teller_noemer(termijn)[1] for f in per_afdeling) == noemer
        histogram = sum((f.b.doorlooptijd for f in per_afdeling), Counter())
        assert histogram == totaal.b.doorlooptijd

    # March's blocks: one per (label, afdeling) with data.
    assert set(bouwstenen(2026, 3, nu=NU)) == {
        (dataset["L1"], dataset["A"]),  # K1, K2
        (dataset["L2"], dataset["A"]),  # K5
        (dataset["L1"], dataset["B"]),  # K6, K8
        (dataset["L2"], dataset["B"]),  # K3, K7, K9
    }


# Month ends around midnight in Amsterdam --------------------------------------------------------


def test_maandgrens_en_doorlooptijd_in_amsterdamse_tijd(time_machine, categorie, behandelaar):
    def op(moment):
        time_machine.move_to(moment, tick=False)

    def afwijzen(klacht):
        klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar, **BERICHT)
        return services.niet_ontvankelijk_verklaren(klacht=klacht, door=behandelaar, **BERICHT)

    # Received 23 Jan, acknowledged 1 Feb 00:30 (31 Jan 23:30 UTC): one day after its 31 Jan.
    op(om(D(2026, 1, 23)))
    traag = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    # Received 31 Jan 23:30 (22:30 UTC), closed 1 Feb 00:30 (23:30 UTC, still 31 Jan in UTC).
    op(om(D(2026, 1, 31), 23, 30))
    laat = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    op(om(D(2026, 2, 1), 0, 30))
    services.ontvangst_bevestigen(klacht=traag, door=behandelaar, **BERICHT)
    afwijzen(laat)
    # Received 1 Feb 00:10 (31 Jan 23:10 UTC), closed 1 Feb 23:50 (22:50 UTC): one local day.
    op(om(D(2026, 2, 1), 0, 10))
    vroeg = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    op(om(D(2026, 2, 1), 23, 50))
    afwijzen(vroeg)
    op(om(D(2026, 2, 15)))

    januari = figuren(optellen(bouwstenen(2026, 1, nu=timezone.now())))
    februari = figuren(optellen(bouwstenen(2026, 2, nu=timezone.now())))

    # January: traag and laat received; neither closed in January; both open at its end.
    # traag's acknowledgement was due 31 Jan and sent on 1 Feb (local): late.
    assert (januari["ontvangen"], januari["afgesloten"], januari["open_einde"]) == (2, 0, 2)
    assert januari["bevestigd_op_tijd"] == P("0.0")
    assert januari["doorlooptijd_mediaan"] is None
    # February: vroeg received; laat and vroeg closed: laat 1 day (31 Jan -> 1 Feb), vroeg 0.
    # Their acknowledgements (due 8 and 9 Feb) were sent on time.
    assert (februari["ontvangen"], februari["afgesloten"], februari["open_einde"]) == (1, 2, 1)
    assert februari["bevestigd_op_tijd"] == P("100.0")
    assert (februari["doorlooptijd_mediaan"], februari["doorlooptijd_p90"]) == (P("0.5"), 1)
    assert februari["niet_ontvankelijk"] == 2


# The snapshot: a finished month is stored once; the running month is live -----------------------


def test_vastgelegde_maand_verandert_niet_en_de_lopende_maand_is_live(
    time_machine, categorie, categorie_b, behandelaar, collega, afdeling_a, afdeling_b
):
    def op(moment):
        time_machine.move_to(moment, tick=False)

    # "oud": received 10 Dec, investigated; statusupdates 30 Dec and 19 Jan; its answer term
    # (10 Dec + 42 = 21 Jan) passes without an answer.
    op(om(D(2025, 12, 10)))
    oud = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    oud = services.ontvangst_bevestigen(klacht=oud, door=behandelaar, **BERICHT)
    oud = services.ontvankelijk_verklaren(klacht=oud, door=behandelaar)
    op(om(D(2025, 12, 30)))
    oud = services.statusupdate_sturen(klacht=oud, door=behandelaar, **BERICHT)
    # "gesloten": received 5 Jan in B, acknowledged, answered gegrond and closed the same day.
    op(om(D(2026, 1, 5)))
    gesloten = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie_b)
    op(om(D(2026, 1, 19)))
    oud = services.statusupdate_sturen(klacht=oud, door=behandelaar, **BERICHT)

    op(om(D(2026, 2, 1), 0, 5))
    with pytest.raises(ValueError, match="nog niet voorbij"):
        maandrapport_vastleggen(2026, 2, nu=om(D(2026, 2, 1), 0, 5))
    rapport, nieuw = maandrapport_vastleggen(2026, 1, nu=om(D(2026, 2, 1), 0, 5))
    assert nieuw is True
    januari_toen = {
        "ontvangen": 1,  # gesloten
        "afgesloten": 1,  # gesloten, the same day
        "open_einde": 1,  # oud
        "bevestigd_op_tijd": P("100.0"),  # gesloten, 13 Jan
        "statusupdates_op_tijd": P("100.0"),  # oud 20 Jan (sent 19 Jan), gesloten 26 Jan
        "beantwoord_op_tijd": P("0.0"),  # oud 21 Jan, unanswered on 1 Feb
        "reactie_op_tijd": None,  # no reaction terms published
        "doorlooptijd_mediaan": P("0.0"),
        "doorlooptijd_p90": 0,
        "niet_ontvankelijk": 0,
        "gegrond": 1,  # gesloten
        "deels_gegrond": 0,
        "ongegrond": 0,
        "niet_te_beoordelen": 0,
        "heroverwegingen": 0,
        "externe_procedures": 0,
        "kto_gemiddelde": None,
        "nps": None,
    }
    opgeslagen = maandoverzicht(2026, 1, nu=om(D(2026, 2, 1), 0, 5))
    assert opgeslagen.bevroren is True
    assert figuren(opgeslagen.totaal.b) == januari_toen
    # The stored blocks give the same figures as the live ones, per afdeling too.
    live_toen = bouwstenen(2026, 1, nu=om(D(2026, 2, 1), 0, 5))
    for afdeling in (afdeling_a.pk, afdeling_b.pk):
        assert figuren(dict(opgeslagen.per_afdeling)[afdeling].b) == figuren(
            optellen(live_toen, afdelingen={afdeling})
        )

    # Later changes in February.
    op(om(D(2026, 2, 3)))
    # A late answer: the January answer term stays missed, live and stored alike.
    services.antwoord_sturen(klacht=oud, door=behandelaar, oordeel=Oordeel.GEGROND, **BERICHT)
    # A letter received 30 Jan, registered on 3 Feb.
    KlachtFactory(categorie=categorie, ingediend_door=behandelaar, ontvangen_op=om(D(2026, 1, 30)))
    op(om(D(2026, 2, 10)))
    services.heroverweging_vragen(klacht=gesloten, door=KLANT, reden="Niet eens.")
    op(om(D(2026, 2, 12)))
    services.heroverweging_beantwoorden(
        klacht=gesloten, door=collega, oordeel=Oordeel.ONGEGROND, **BERICHT
    )
    nu = om(D(2026, 2, 12))

    januari_live = figuren(optellen(bouwstenen(2026, 1, nu=nu)))
    assert januari_live == {
        **januari_toen,
        "ontvangen": 2,  # + the letter of 30 Jan
        "open_einde": 2,  # + the letter
        "gegrond": 0,  # gesloten's last verdict is now the reconsideration's
        "ongegrond": 1,
    }
    assert maandrapport_vastleggen(2026, 1, nu=nu) == (rapport, False)
    assert Maandrapport.objects.count() == 1
    januari = maandoverzicht(2026, 1, nu=nu)
    assert (januari.bevroren, figuren(januari.totaal.b)) == (True, januari_toen)

    # The running month is live: it follows every change at once.
    februari = maandoverzicht(2026, 2, nu=nu)
    assert februari.bevroren is False
    assert figuren(februari.totaal.b)["heroverwegingen"] == 1  # gesloten, 10 Feb
    assert figuren(februari.totaal.b)["ontvangen"] == 0  # the letter is January's
    assert dict(februari.trend)[(2026, 1)].b.tellers == januari.totaal.b.tellers
    KlachtFactory(categorie=categorie_b, ingediend_door=behandelaar)
    assert figuren(maandoverzicht(2026, 2, nu=nu).totaal.b)["ontvangen"] == 1


# Query count -----------------------------------------------------------------------------------


def test_aantal_queries_groeit_niet_met_klachten_of_afdelingen(time_machine, behandelaar):
    kifid = ExterneInstantie.objects.get(code="kifid")
    labels = [standaardlabel(), LabelFactory()]
    categorieen = [CategorieFactory(afdeling=AfdelingFactory()) for _i in range(5)]
    for label in labels:  # published reaction terms: the first reactions are counted as well
        Reactietermijn.objects.create(
            label=label, kanaal=Kanaal.TELEFOON, aantal=1, eenheid=TermijnEenheid.WERKDAGEN
        )

    def klachten(aantal: int, afdelingen: int):
        for i in range(aantal):
            time_machine.move_to(om(D(2026, 3, 2 + i % 20)), tick=False)
            cat, label = categorieen[i % afdelingen], labels[i % len(labels)]
            if i % 4 == 0:
                KlachtFactory(
                    categorie=cat,
                    label=label,
                    ingediend_door=behandelaar,
                    direct_opgelost=True,
                    oplossing="Opgelost.",
                )
                continue
            status = [Status.IN_ONDERZOEK, Status.AFGESLOTEN, Status.ONTVANGEN][i % 3]
            klacht = klacht_in_status(status, door=behandelaar, categorie=cat, label=label)
            if status == Status.AFGESLOTEN:
                services.externe_procedure_vastleggen(
                    klacht=klacht,
                    door=behandelaar,
                    instantie=kifid,
                    ingediend_datum=D(2026, 3, 25),
                    uitkomst=Uitkomst.SCHIKKING,
                    beslist_datum=D(2026, 3, 28),
                )
                services.heroverweging_vragen(klacht=klacht, door=KLANT, reden="Niet eens.")
            enquete(7, 9, op=om(D(2026, 3, 20)), label=label, afdeling=cat.afdeling)

    def queries():
        with CaptureQueriesContext(connection) as vastgelegd:
            blokken = bouwstenen(2026, 3, nu=om(D(2026, 4, 15)))
        return len(vastgelegd.captured_queries), blokken

    klachten(3, afdelingen=1)
    weinig, blokken = queries()
    assert len(blokken) == 2  # one afdeling, two labels
    klachten(17, afdelingen=5)  # 20 complaints in all
    veel, blokken = queries()
    assert len(blokken) == 10  # five afdelingen, two labels
    assert sum(Figuren(optellen(blokken)).reactie_teller_noemer()) > 0  # reactions counted

    assert veel == weinig
    assert weinig <= 15


# mediaan and percentiel_90 on hand examples ------------------------------------------------------


@pytest.mark.parametrize(
    ("dagen", "verwacht"),
    [
        ({}, None),
        ({"5": 1}, P("5.0")),
        ({"1": 1, "2": 1}, P("1.5")),  # even: the mean of the two middle values
        ({"3": 2, "10": 1}, P("3.0")),  # [3, 3, 10]
        ({"1": 1, "2": 1, "4": 1, "10": 1}, P("3.0")),  # (2 + 4) / 2
        ({"10": 1, "9": 1, "2": 1}, P("9.0")),  # sorted as numbers, not as text
        ({"0": 3, "7": 1}, P("0.0")),  # [0, 0, 0, 7]
        ({"0": 1, "1": 1}, P("0.5")),
    ],
)
def test_mediaan(dagen, verwacht):
    assert mediaan(Counter(dagen)) == verwacht


@pytest.mark.parametrize(
    ("dagen", "verwacht"),
    [
        ({}, None),
        ({"7": 1}, 7),
        ({"0": 1, "10": 1}, 10),  # ceil(1.8) = 2nd
        ({str(d): 1 for d in range(1, 11)}, 9),  # 10 values: the 9th; 9 of 10 at or below 9
        ({str(d): 1 for d in range(1, 12)}, 10),  # 11 values: ceil(9.9) = 10th
        ({str(d): 1 for d in range(1, 21)}, 18),  # 20 values: the 18th
        ({str(d): 1 for d in range(1, 22)}, 19),  # 21 values: ceil(18.9) = 19th
        ({"0": 9, "100": 1}, 0),  # 90% closed the same day
        ({"0": 8, "100": 2}, 100),  # only 80% at or below 0
        ({"30": 1, "4": 1, "12": 1}, 30),  # sorted as numbers
    ],
)
def test_percentiel_90(dagen, verwacht):
    assert percentiel_90(Counter(dagen)) == verwacht


# Two rules found by checking the definitions by hand ----------------------------------------------


def test_kto_totaal_telt_alle_enquetes_van_de_maand(afdeling_a):
    label = standaardlabel()
    enquete(8, 9, op=om(D(2026, 5, 10)), label=label, afdeling=afdeling_a)
    # A question to customer service, reported by another system: no afdeling.
    enquete(6, 3, op=om(D(2026, 5, 12)), label=label, afdeling=None)
    mei = kalender.maand_grenzen(2026, 5)
    # klanttevredenheid's own figures of May: (8 + 6) / 2 = 7.0; 1 promoter, 1 detractor: 0.
    eigen = kto.totaal(van=mei[0], tot=mei[1])
    assert (eigen.gemiddelde, eigen.nps) == (P("7.0"), 0)

    totaal = figuren(optellen(bouwstenen(2026, 5, nu=om(D(2026, 6, 2)))))

    assert (totaal["kto_gemiddelde"], totaal["nps"]) == (P("7.0"), 0)


def test_statusupdate_telt_vanaf_het_laatste_bericht_ook_als_het_onderzoek_later_begon(
    time_machine, categorie, behandelaar
):
    """The customer who heard nothing for 28 days was not updated in time, even though the
    investigation began only on day 28 (FIGUREN: 21 days after the last message)."""
    time_machine.move_to(om(D(2026, 1, 2)), tick=False)
    klacht = KlachtFactory(categorie=categorie, ingediend_door=behandelaar)
    klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar, **BERICHT)
    # The onderzoek begins on 30 Jan; the statusupdate was due 23 Jan (2 Jan + 21 days).
    time_machine.move_to(om(D(2026, 1, 30)), tick=False)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)
    time_machine.move_to(om(D(2026, 2, 5)), tick=False)
    services.statusupdate_sturen(klacht=klacht, door=behandelaar, **BERICHT)
    nu = om(D(2026, 3, 1))

    januari = figuren(optellen(bouwstenen(2026, 1, nu=nu)))
    februari = figuren(optellen(bouwstenen(2026, 2, nu=nu)))

    # January: the one due 23 Jan went out on 5 Feb (late): 0 of 1. February: the next, due
    # 26 Feb (21 days after 5 Feb), was not sent by 1 March: 0 of 1.
    assert januari["statusupdates_op_tijd"] == P("0.0")
    assert februari["statusupdates_op_tijd"] == P("0.0")


def test_een_onbestelbare_ontvangstbevestiging_telt_niet_als_op_tijd(
    time_machine, categorie, behandelaar, settings
):
    """Not delivered is not given (issue 15): four acknowledgements due 10 January, all sent on
    3 January. A was delivered; B, C and D were refused for good (550). B was sent again on 12
    January (late), D on 8 January (on time), C never. By hand: on time A and D, 2 of 4 = 50.0%.
    While C's date has not passed (5 January) its undelivered acknowledgement is not counted yet,
    like any running deadline: A and D were met, B not yet resent counts once its date is past."""
    settings.EMAIL_BACKEND = "tests.klachten.test_bezorging.WeigerendeMailserver"
    WEIGERINGEN.clear()
    time_machine.move_to(om(D(2026, 1, 2)), tick=False)
    klachten = {
        naam: KlachtFactory(
            categorie=categorie, ingediend_door=behandelaar, klant_email=f"{naam}@example.nl"
        )
        for naam in "ABCD"
    }
    time_machine.move_to(om(D(2026, 1, 3)), tick=False)
    for naam, klacht in klachten.items():
        klachten[naam] = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar, **BERICHT)
        if naam != "A":
            WEIGERINGEN[f"{naam}@example.nl"] = bestaat_niet(f"{naam}@example.nl")
    for bericht in Bericht.objects.filter(soort="ontvangstbevestiging"):
        berichten.bericht_afleveren(bericht_id=bericht.pk)
    WEIGERINGEN.clear()

    def opnieuw(naam: str, datum: dt.date) -> None:
        time_machine.move_to(om(datum), tick=False)
        services.bericht_opnieuw_versturen(
            klacht=klachten[naam],
            door=behandelaar,
            bericht=Bericht.objects.get(aan=f"{naam}@example.nl"),
            klant_email=f"{naam.lower()}@voorbeeld.nl",
        )

    # On 5 January: A met, D not yet resent and C, B still open with their date to come.
    voor_de_datum = figuren(optellen(bouwstenen(2026, 1, nu=om(D(2026, 1, 5)))))
    assert voor_de_datum["bevestigd_op_tijd"] == P("100.0")  # A alone: 1 of 1
    opnieuw("D", D(2026, 1, 8))
    opnieuw("B", D(2026, 1, 12))

    januari = figuren(optellen(bouwstenen(2026, 1, nu=om(D(2026, 2, 1)))))

    assert januari["bevestigd_op_tijd"] == P("50.0")
    # C's acknowledgement is still owed: its deadline runs on in the queue and the watch.
    assert Klacht.objects.get(pk=klachten["C"].pk).volgende_termijn_datum == D(2026, 1, 10)
    WEIGERINGEN.clear()
