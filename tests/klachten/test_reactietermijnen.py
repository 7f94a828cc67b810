"""Published reaction terms per channel (issue 9): the rule (clock hours, working days without
weekends and holidays, calendar days), the table on the klachtenprocedure page, the beheerder's
inline on the label, and a changed term that the page follows at once (acceptance 2)."""

import datetime as dt
import html
import re

import pytest

from klachten.kalender import AMSTERDAM
from klachten.models import Kanaal, Reactietermijn, TermijnEenheid
from klachten.termijnen import Land, Reactieregel
from tests.factories import LabelFactory

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 10, minuut: int = 0) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur, minuut), tzinfo=AMSTERDAM)


# The rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regel", "ontvangen", "uiterlijk"),
    [
        # Hours are clock hours, through the night.
        (Reactieregel(4, "uren"), om(D(2026, 5, 12), 22), om(D(2026, 5, 13), 2)),
        # Over the change to summer time (29 March 2026, 02:00 -> 03:00): 4 hours elapsed.
        (Reactieregel(4, "uren"), om(D(2026, 3, 29), 0), om(D(2026, 3, 29), 5)),
        # Received Friday afternoon, 1 working day: Monday.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 8), 16), D(2026, 5, 11)),
        # Received on Saturday: Monday is the first working day after it.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 9)), D(2026, 5, 11)),
        # Wednesday before Ascension (Thu 14 May): Friday.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 13)), D(2026, 5, 15)),
        # Thursday 21 May, 2 working days: Friday, then Tuesday (Whit Monday 25 May).
        (Reactieregel(2, "werkdagen"), om(D(2026, 5, 21)), D(2026, 5, 26)),
        # Liberation Day 2026 is no public holiday (only in lustrum years): Tuesday 5 May works.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 4)), D(2026, 5, 5)),
        # In 2025 (a lustrum year) it is: Monday 5 May 2025 is skipped.
        (Reactieregel(1, "werkdagen"), om(D(2025, 5, 2)), D(2025, 5, 6)),
        # Belgian holidays when the rules say BE: Whit Monday too, and 21 July.
        (Reactieregel(1, "werkdagen", Land.BE), om(D(2026, 7, 20)), D(2026, 7, 22)),
        # Calendar days ignore weekends and holidays.
        (Reactieregel(3, "kalenderdagen"), om(D(2026, 5, 22)), D(2026, 5, 25)),
        # Received at 23:30 on 31 May (21:30 UTC): its day is 31 May in Amsterdam.
        (Reactieregel(1, "werkdagen"), om(D(2026, 5, 31), 23, 30), D(2026, 6, 1)),
    ],
)
def test_uiterlijk_van_een_reactietermijn(regel, ontvangen, uiterlijk):
    assert regel.uiterlijk(ontvangen.astimezone(dt.UTC)) == uiterlijk


def test_op_tijd_is_tot_en_met_de_laatste_dag_of_het_laatste_moment():
    dagen = Reactieregel(1, "werkdagen")
    vrijdag = om(D(2026, 5, 8), 16)
    assert dagen.op_tijd(vrijdag, om(D(2026, 5, 11), 23, 59))
    assert not dagen.op_tijd(vrijdag, om(D(2026, 5, 12), 0, 1))
    assert not dagen.verstreken(vrijdag, om(D(2026, 5, 11), 23, 59))
    assert dagen.verstreken(vrijdag, om(D(2026, 5, 12), 0, 1))

    uren = Reactieregel(4, "uren")
    avond = om(D(2026, 5, 12), 22)
    assert uren.op_tijd(avond, om(D(2026, 5, 13), 2))
    assert not uren.op_tijd(avond, om(D(2026, 5, 13), 2, 1))
    assert uren.verstreken(avond, om(D(2026, 5, 13), 2, 1))


# The page -----------------------------------------------------------------------------------------


def tabel(response) -> dict[str, str]:
    """The procedure page's table of reaction terms: channel code -> term."""
    inhoud = response.content.decode()
    return {
        kanaal: re.sub(r"<[^>]+>", "", termijn).strip()
        for kanaal, termijn in re.findall(
            r'<tr data-kanaal="([^"]+)"><th scope="row">[^<]*</th><td[^>]*>([^<]*)</td>', inhoud
        )
    }


def test_procedure_toont_de_reactietermijnen_per_kanaal_in_kanaalvolgorde(client, label):
    for kanaal, aantal, eenheid in [
        (Kanaal.BRIEF, 5, TermijnEenheid.WERKDAGEN),
        (Kanaal.SOCIAL_MEDIA, 4, TermijnEenheid.UREN),
        (Kanaal.EMAIL, 2, TermijnEenheid.WERKDAGEN),
        (Kanaal.TELEFOON, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.WEBFORMULIER, 1, TermijnEenheid.KALENDERDAGEN),
    ]:
        Reactietermijn.objects.create(label=label, kanaal=kanaal, aantal=aantal, eenheid=eenheid)

    response = client.get("/klachtenprocedure/")

    assert list(tabel(response).items()) == [
        ("webformulier", "1 dag"),
        ("telefoon", "1 werkdag"),
        ("e-mail", "2 werkdagen"),
        ("brief", "5 werkdagen"),
        ("social media", "4 uur"),
    ]
    inhoud = response.content.decode()
    assert "Zo snel reageren wij" in inhoud
    # Social media has a term: the page says how to reach us there.
    assert "stuur ons een privébericht" in inhoud


def test_een_label_zonder_reactietermijnen_belooft_niets(client, label):
    ander = LabelFactory(slug="noord")
    Reactietermijn.objects.create(
        label=ander, kanaal=Kanaal.EMAIL, aantal=2, eenheid=TermijnEenheid.WERKDAGEN
    )

    response = client.get("/klachtenprocedure/")

    assert tabel(response) == {}
    inhoud = response.content.decode()
    assert "Zo snel reageren wij" not in inhoud
    assert "privébericht" not in inhoud  # no social media term: not offered as a channel
    assert tabel(client.get("/noord/klachtenprocedure/")) == {"e-mail": "2 werkdagen"}


def test_een_gewijzigde_reactietermijn_staat_meteen_op_de_pagina(client, label):
    termijn = Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.SOCIAL_MEDIA, aantal=4, eenheid=TermijnEenheid.UREN
    )
    assert tabel(client.get("/klachtenprocedure/")) == {"social media": "4 uur"}

    termijn.aantal, termijn.eenheid = 1, TermijnEenheid.WERKDAGEN
    termijn.save()

    assert tabel(client.get("/klachtenprocedure/")) == {"social media": "1 werkdag"}


def test_procedure_zegt_of_een_uurtermijn_ook_s_nachts_loopt(client, label):
    """Issue 21: whether an hour term runs at night and at weekends is the label's choice, and
    the page says which; a label without hour terms says nothing about it."""
    termijn = Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.EMAIL, aantal=2, eenheid=TermijnEenheid.WERKDAGEN
    )
    assert 'id="uurtermijnen"' not in client.get("/klachtenprocedure/").content.decode()

    termijn.kanaal, termijn.aantal, termijn.eenheid = Kanaal.SOCIAL_MEDIA, 4, TermijnEenheid.UREN
    termijn.save()
    assert "ook 's avonds, 's nachts en in het weekend door" in html.unescape(
        client.get("/klachtenprocedure/").content.decode()
    )

    label.uurtermijnen_binnen_kantooruren = True
    label.kantoor_open, label.kantoor_dicht = dt.time(8, 30), dt.time(17, 30)
    label.save()
    inhoud = html.unescape(client.get("/klachtenprocedure/").content.decode())
    assert "alleen de uren op werkdagen tussen 08:30 en 17:30" in inhoud
    assert "ook 's avonds" not in inhoud


def test_beheerder_zet_reactietermijnen_bij_het_label(admin_client, label):
    """The beheerder edits the terms inline on the label (admin: Labels)."""
    url = f"/admin/klachten/label/{label.pk}/change/"
    pagina = admin_client.get(url)
    assert pagina.status_code == 200
    assert "reactietermijnen-TOTAL_FORMS" in pagina.content.decode()
    gegevens = {
        veld.html_name: veld.value()
        for veld in pagina.context["adminform"].form
        if veld.value() is not None
    }
    gegevens.update(
        {
            "reactietermijnen-TOTAL_FORMS": "1",
            "reactietermijnen-INITIAL_FORMS": "0",
            "reactietermijnen-0-kanaal": Kanaal.EMAIL,
            "reactietermijnen-0-aantal": "2",
            "reactietermijnen-0-eenheid": TermijnEenheid.WERKDAGEN,
        }
    )

    antwoord = admin_client.post(url, gegevens)

    assert antwoord.status_code == 302, antwoord.context["errors"] if antwoord.context else ""
    assert list(label.reactietermijnen.values_list("kanaal", "aantal", "eenheid")) == [
        ("e-mail", 2, "werkdagen")
    ]
