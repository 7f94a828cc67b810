"""The month report's "first reaction within the published reaction term", per channel, against
a hand computation (issue 9, acceptance 2): working days over a weekend and a holiday, Liberation
Day in a year it is no holiday, clock hours at night, calendar days, a channel without a term, a
complaint still waiting for its first reaction, a month that ends at midnight in Amsterdam.
Changing a published term changes the figure and the page; a stored month stays as it was, and a
month stored before the figure existed still reads."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import Kanaal, Reactietermijn, TermijnEenheid
from klachten.rollen import KLACHTBEHANDELAAR
from rapportage.maandrapport import (
    Figuren,
    bouwstenen,
    maandoverzicht,
    maandrapport_vastleggen,
    optellen,
)
from rapportage.models import Maandrapport
from tests.factories import KlachtFactory, LabelFactory, MedewerkerFactory, standaardlabel

pytestmark = pytest.mark.django_db

D = dt.date
P = Decimal
BERICHT = {"onderwerp": "Onderwerp", "tekst": "Een tekst van de behandelaar."}


def om(datum: dt.date, uur: int = 10, minuut: int = 0) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur, minuut), tzinfo=AMSTERDAM)


# The dataset (May 2026; Amsterdam time). Holidays: Ascension Thu 14 May, Whit Monday 25 May;
# Liberation Day (Tue 5 May) is a holiday only in lustrum years, so a working day in 2026.
#
# Published terms: L1 telefoon 1 werkdag, e-mail 2 werkdagen, brief 5 werkdagen, social media
# 4 uur, webformulier 1 kalenderdag; L2 only e-mail 3 kalenderdagen (its phone: no term).
#
#      label afd kanaal        received           first reaction             last day   within
# R1   L1    A   telefoon      Fri 8 May 16:00    ack Mon 11 May 09:00       Mon 11 May yes (weekend)
# R2   L1    A   telefoon      Wed 13 May 10:00   ack Fri 15 May 17:00       Fri 15 May yes (Ascension)
# R3   L1    A   telefoon      Mon 4 May 10:00    ack Wed 6 May 09:00        Tue 5 May  no (5 May works)
# R4   L1    A   social media  Tue 12 May 22:00   phone Wed 13 May 01:30     02:00      yes (night)
#                                                 (ack later, 13 May 09:00)
# R5   L1    A   social media  Tue 19 May 09:00   ack Tue 19 May 13:30       13:00      no
# R6   L1    A   e-mail        Thu 21 May 10:00   ack Tue 26 May 16:00       Tue 26 May yes (Whit Monday)
# R7   L1    A   brief         Wed 27 May 10:00   none yet                   Wed 3 Jun  running on 29
#                                                                                       May; late on
#                                                                                       15 June
# R8   L1    A   telefoon      Mon 18 May 11:00   direct opgelost: receipt   Tue 19 May yes
# R9   L1    A   webformulier  Wed 20 May 10:00   automatic ack at once      Thu 21 May yes
# R10  L2    A   telefoon      Thu 7 May 10:00    ack Wed 20 May             (no term)  not counted
# R11  L2    B   e-mail        Fri 22 May 10:00   ack Tue 26 May 09:00       Mon 25 May no (calendar)
# R12  L1    A   telefoon      Sun 31 May 23:30   ack Mon 1 Jun 10:00        Mon 1 Jun  yes (May's)
# R13  L1    B   e-mail        Mon 4 May 09:00    ack Thu 7 May 09:00        Wed 6 May  no (a note on
#                                                                                       4 May is no
#                                                                                       reaction)
NU = om(D(2026, 6, 15))
EIND_MEI = om(D(2026, 5, 29), 18)


@pytest.fixture
def dataset(time_machine, afdeling_a, afdeling_b, categorie, categorie_b):
    l1 = standaardlabel()
    l2 = LabelFactory(naam="Rechtshulp Noord", slug="noord")
    for kanaal, aantal, eenheid in [
        (Kanaal.TELEFOON, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.EMAIL, 2, TermijnEenheid.WERKDAGEN),
        (Kanaal.BRIEF, 5, TermijnEenheid.WERKDAGEN),
        (Kanaal.SOCIAL_MEDIA, 4, TermijnEenheid.UREN),
        (Kanaal.WEBFORMULIER, 1, TermijnEenheid.KALENDERDAGEN),
    ]:
        Reactietermijn.objects.create(label=l1, kanaal=kanaal, aantal=aantal, eenheid=eenheid)
    Reactietermijn.objects.create(
        label=l2, kanaal=Kanaal.EMAIL, aantal=3, eenheid=TermijnEenheid.KALENDERDAGEN
    )
    door = MedewerkerFactory(
        username="beide", rollen=[KLACHTBEHANDELAAR], afdelingen=[afdeling_a, afdeling_b]
    )
    k = {}

    def op(moment):
        time_machine.move_to(moment, tick=False)

    def nieuw(naam, moment, kanaal, label=l1, cat=categorie, **extra):
        op(moment)
        k[naam] = KlachtFactory(
            label=label,
            categorie=cat,
            kanaal=kanaal,
            ingediend_door=None if kanaal == Kanaal.WEBFORMULIER else door,
            **extra,
        )

    def bevestigen(naam, moment):
        op(moment)
        k[naam] = services.ontvangst_bevestigen(klacht=k[naam], door=door, **BERICHT)

    nieuw("R3", om(D(2026, 5, 4)), Kanaal.TELEFOON)
    nieuw("R13", om(D(2026, 5, 4), 9), Kanaal.EMAIL, cat=categorie_b)
    services.notitie_toevoegen(klacht=k["R13"], door=door, tekst="Eerst navragen bij premie.")
    bevestigen("R3", om(D(2026, 5, 6), 9))
    nieuw("R10", om(D(2026, 5, 7)), Kanaal.TELEFOON, label=l2)
    bevestigen("R13", om(D(2026, 5, 7), 9))
    nieuw("R1", om(D(2026, 5, 8), 16), Kanaal.TELEFOON)
    bevestigen("R1", om(D(2026, 5, 11), 9))
    nieuw("R4", om(D(2026, 5, 12), 22), Kanaal.SOCIAL_MEDIA)
    nieuw("R2", om(D(2026, 5, 13)), Kanaal.TELEFOON)
    op(om(D(2026, 5, 13), 1, 30))
    services.telefooncontact_vastleggen(klacht=k["R4"], door=door, tekst="Klant teruggebeld.")
    bevestigen("R4", om(D(2026, 5, 13), 9))
    bevestigen("R2", om(D(2026, 5, 15), 17))
    nieuw(
        "R8",
        om(D(2026, 5, 18), 11),
        Kanaal.TELEFOON,
        direct_opgelost=True,
        oplossing="Aan de telefoon uitgelegd.",
    )
    nieuw("R5", om(D(2026, 5, 19), 9), Kanaal.SOCIAL_MEDIA)
    bevestigen("R5", om(D(2026, 5, 19), 13, 30))
    nieuw("R9", om(D(2026, 5, 20)), Kanaal.WEBFORMULIER)
    bevestigen("R10", om(D(2026, 5, 20)))
    nieuw("R6", om(D(2026, 5, 21)), Kanaal.EMAIL)
    nieuw("R11", om(D(2026, 5, 22)), Kanaal.EMAIL, label=l2, cat=categorie_b)
    bevestigen("R11", om(D(2026, 5, 26), 9))
    bevestigen("R6", om(D(2026, 5, 26), 16))
    nieuw("R7", om(D(2026, 5, 27)), Kanaal.BRIEF)
    nieuw("R12", om(D(2026, 5, 31), 23, 30), Kanaal.TELEFOON)
    bevestigen("R12", om(D(2026, 6, 1), 10))
    op(NU)
    return {"L1": l1, "L2": l2, "A": afdeling_a.pk, "B": afdeling_b.pk, "klachten": k}


def per_kanaal(figuren: Figuren) -> dict[str, tuple[int, int, Decimal | None]]:
    return {
        kanaal: (op_tijd, gemeten, p)
        for kanaal, op_tijd, gemeten, p in figuren.reactie_per_kanaal()
    }


# On 15 June: R7's term (3 June) is over without a reaction, so it counts, as late.
MEI = {
    Kanaal.WEBFORMULIER: (1, 1, P("100.0")),  # R9
    Kanaal.TELEFOON: (4, 5, P("80.0")),  # R1, R2, R8, R12 within; R3 late (R10: no term)
    Kanaal.EMAIL: (1, 3, P("33.3")),  # R6 within; R11, R13 late
    Kanaal.BRIEF: (0, 1, P("0.0")),  # R7, no reaction
    Kanaal.SOCIAL_MEDIA: (1, 2, P("50.0")),  # R4 within; R5 late
}


def test_eerste_reactie_per_kanaal_is_de_handberekening(dataset):
    totaal = Figuren(optellen(bouwstenen(2026, 5, nu=NU)))

    assert per_kanaal(totaal) == MEI
    assert list(per_kanaal(totaal)) == [  # in the order of the channels
        Kanaal.WEBFORMULIER,
        Kanaal.TELEFOON,
        Kanaal.EMAIL,
        Kanaal.BRIEF,
        Kanaal.SOCIAL_MEDIA,
    ]
    # All channels: 7 of 12.
    assert totaal.reactie_teller_noemer() == (7, 12)
    assert totaal.reactie_op_tijd == P("58.3")


def test_per_afdeling_en_label_tellen_de_bouwstenen_op(dataset):
    blokken = bouwstenen(2026, 5, nu=NU)
    a, b, l2 = dataset["A"], dataset["B"], dataset["L2"].pk

    afdeling_b = Figuren(optellen(blokken, afdelingen={b}))
    assert per_kanaal(afdeling_b) == {Kanaal.EMAIL: (0, 2, P("0.0"))}  # R11, R13
    afdeling_a = Figuren(optellen(blokken, afdelingen={a}))
    assert afdeling_a.reactie_teller_noemer() == (7, 10)
    assert afdeling_a.reactie_op_tijd == P("70.0")
    # L2: only its e-mail has a term (R11); its phone complaint R10 is not measured.
    assert per_kanaal(Figuren(optellen(blokken, labels={l2}))) == {Kanaal.EMAIL: (0, 1, P("0.0"))}


def test_zonder_reactie_telt_een_klacht_pas_als_de_termijn_voorbij_is(dataset):
    """On 29 May R7's letter term (until 3 June) still runs: not counted yet. R12 (31 May) is
    received after that moment and its term has not begun to run out either."""
    totaal = Figuren(optellen(bouwstenen(2026, 5, nu=EIND_MEI)))

    verwacht = {kanaal: cijfers for kanaal, cijfers in MEI.items() if kanaal != Kanaal.BRIEF}
    verwacht[Kanaal.TELEFOON] = (3, 4, P("75.0"))  # R1, R2, R8 within; R3 late
    assert per_kanaal(totaal) == verwacht
    assert totaal.reactie_teller_noemer() == (6, 10)


def test_een_kanaal_zonder_gepubliceerde_termijn_telt_niet_mee(dataset):
    Reactietermijn.objects.filter(label=dataset["L1"], kanaal=Kanaal.TELEFOON).delete()

    totaal = Figuren(optellen(bouwstenen(2026, 5, nu=NU)))

    assert Kanaal.TELEFOON not in per_kanaal(totaal)
    assert totaal.reactie_teller_noemer() == (3, 7)


def test_zonder_enige_gepubliceerde_termijn_geen_gegevens(dataset):
    Reactietermijn.objects.all().delete()

    totaal = Figuren(optellen(bouwstenen(2026, 5, nu=NU)))

    assert (totaal.reactie_per_kanaal(), totaal.reactie_op_tijd) == ([], None)


def test_een_andere_termijn_geeft_een_ander_cijfer(dataset):
    """Social media from 4 hours to 1 working day: R5's reaction at 13:30 the same day is now
    within it."""
    Reactietermijn.objects.filter(label=dataset["L1"], kanaal=Kanaal.SOCIAL_MEDIA).update(
        aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )

    totaal = Figuren(optellen(bouwstenen(2026, 5, nu=NU)))

    assert per_kanaal(totaal)[Kanaal.SOCIAL_MEDIA] == (2, 2, P("100.0"))
    assert totaal.reactie_teller_noemer() == (8, 12)
    assert totaal.reactie_op_tijd == P("66.7")


def reactierijen(inhoud: str) -> dict[str, list[str]]:
    """The month page's table of first reactions per channel: channel -> its cells."""
    tabel = inhoud.split('id="verdeling-reactie"', 1)[1].split("</table>", 1)[0]
    rijen = {}
    for rij in re.findall(r"<tr data-kanaal=\"([^\"]+)\">(.*?)</tr>", tabel, flags=re.S):
        naam, cellen = rij
        rijen[naam] = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cellen, flags=re.S)]
    return rijen


def test_maandrapportpagina_volgt_een_gewijzigde_termijn(dataset, client, directie, time_machine):
    client.force_login(directie)
    url = "/medewerker/rapportage/2026/5/"

    voor = client.get(url)
    assert voor.status_code == 200
    inhoud = voor.content.decode()
    assert reactierijen(inhoud)["Social media"] == ["1", "2", "50,0%"]
    assert reactierijen(inhoud)["Telefoon"] == ["4", "5", "80,0%"]
    assert 'id="definitie-reactie_op_tijd"' in inhoud  # its definition in the footnotes

    Reactietermijn.objects.filter(label=dataset["L1"], kanaal=Kanaal.SOCIAL_MEDIA).update(
        aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )

    na = client.get(url).content.decode()
    assert reactierijen(na)["Social media"] == ["2", "2", "100,0%"]


def test_vastgelegde_maand_blijft_en_een_oude_vastgelegde_maand_leest_nog(
    dataset, client, directie
):
    """May is stored on 1 June 06:00; a later change of a term does not change it. A month
    stored before the figure existed (no "reactie" in its building blocks) reads as
    "geen gegevens", on the page and in every export."""
    op_1_juni = om(D(2026, 6, 1), 6)
    maandrapport_vastleggen(2026, 5, nu=op_1_juni)
    vastgelegd = maandoverzicht(2026, 5, nu=NU)
    # On 1 June 06:00: R7 still runs, R12 not yet acknowledged (its term ends 1 June).
    assert vastgelegd.bevroren is True
    assert vastgelegd.totaal.reactie_teller_noemer() == (6, 10)
    Reactietermijn.objects.filter(label=dataset["L1"], kanaal=Kanaal.SOCIAL_MEDIA).update(
        aantal=1, eenheid=TermijnEenheid.WERKDAGEN
    )
    assert maandoverzicht(2026, 5, nu=NU).totaal.reactie_teller_noemer() == (6, 10)

    # April stored by an older release: building blocks without the group.
    blokken = {
        f"{dataset['L1'].pk}:{dataset['A']}": {
            "tellers": {"ontvangen": 2, "afgesloten": 1},
            "kanaal": {"telefoon": 2},
        }
    }
    Maandrapport.objects.create(jaar=2026, maand=4, bouwstenen=blokken, berekend_op=op_1_juni)
    april = maandoverzicht(2026, 4, nu=NU)
    assert (april.bevroren, april.totaal.ontvangen) == (True, 2)
    assert (april.totaal.reactie_op_tijd, april.totaal.reactie_per_kanaal()) == (None, [])
    client.force_login(directie)
    pagina = client.get("/medewerker/rapportage/2026/4/")
    assert pagina.status_code == 200
    assert "Geen klachten via een kanaal met een gepubliceerde reactietermijn." in (
        pagina.content.decode()
    )
    for formaat in ("csv", "xlsx", "pdf"):
        export = client.get(f"/medewerker/rapportage/2026/4/export.{formaat}")
        assert export.status_code == 200, formaat
    # May's trend shows April without the figure, May with it.
    trend = dict(maandoverzicht(2026, 5, nu=NU).trend)
    assert trend[(2026, 4)].reactie_op_tijd is None
    assert trend[(2026, 5)].reactie_op_tijd == P("60.0")
