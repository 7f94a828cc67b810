"""The staff dashboard of customer satisfaction: who sees which results (DESIGN.md sections 6 and
10), the figures on the page are those of klanttevredenheid.cijfers on a small dataset computed by
hand, and the query count does not grow with the data (STYLE.md, Tests)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from klachten import kalender, rollen
from klachten.kalender import AMSTERDAM
from klanttevredenheid import cijfers, selectors
from klanttevredenheid.models import ContactmomentSoort, Opvolging, Respons
from tests.factories import (
    AfdelingFactory,
    MedewerkerFactory,
    respons,
    standaardlabel,
    verzonden_uitnodiging,
)

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("klanttevredenheid:dashboard")
VANDAAG = dt.datetime(2026, 6, 10, 12, 0, tzinfo=AMSTERDAM)  # 2nd quarter 2026


def op(maand: int, dag: int, jaar: int = 2026):
    """Travel to a day (10:00 Amsterdam): the helpers invite and answer 'now'."""
    return time_machine.travel(dt.datetime(jaar, maand, dag, 10, 0, tzinfo=AMSTERDAM), tick=False)


@pytest.fixture
def gegevens(label, behandelaar, behandelaar_b, afdeling_a, afdeling_b):
    """The hand-made dataset. Q2 2026:

    behandelaar (afdeling A): 10 April 8 (NPS 10) and 4 (NPS 3, low: follow-up); 12 May 9 (NPS 9)
    with a fourth invitation that got no answer; behandelaar_b (afdeling B): 12 May 5 (NPS 9, low:
    follow-up) and 6 (no NPS answer). Q1 2026: behandelaar, 20 February, 6 (NPS 10).
    """
    a = {"behandelaar": behandelaar, "afdeling": afdeling_a}
    b = {"behandelaar": behandelaar_b, "afdeling": afdeling_b}
    with op(2, 20):
        respons(rapportcijfer=6, nps_score=10, **a)
    with op(4, 10):
        respons(rapportcijfer=8, nps_score=10, **a)
        laag_a = respons(
            rapportcijfer=4,
            nps_score=3,
            toelichting="Drie keer doorverbonden.",
            verbetertips="Bel terug als u het belooft.",
            **a,
        )
    with op(5, 12):
        respons(rapportcijfer=9, nps_score=9, soort=ContactmomentSoort.SCHADE_GEMELD, **a)
        verzonden_uitnodiging(**a)
        laag_b = respons(rapportcijfer=5, nps_score=9, **b)
        respons(rapportcijfer=6, nps_score=None, **b)
    return {"laag_a": laag_a.opvolging, "laag_b": laag_b.opvolging}


def dashboard(client, gebruiker, query: str = ""):
    client.force_login(gebruiker)
    with time_machine.travel(VANDAAG, tick=False):
        response = client.get(DASHBOARD + query)
    assert response.status_code == 200
    return response


def tegels(response) -> dict[str, str]:
    """The key figures as the page shows them (text of each tile's value)."""
    html = response.content.decode()
    return {
        soort: re.sub(r"<[^>]+>|\s+", " ", waarde).strip()
        for soort, waarde in re.findall(
            r'<span class="kto-tegel-waarde" data-cijfer="(\w+)">(.*?)</span>\s*<span', html, re.S
        )
    }


# Who sees what ---------------------------------------------------------------------------------


def test_het_dashboard_adres_is_geen_publieke_labelpagina():
    """/medewerker/klanttevredenheid/ also fits <slug:label_slug>/klanttevredenheid/: the staff
    routes must come first, or "medewerker" is read as a label (and the page is a 404)."""
    assert resolve(DASHBOARD).url_name == "dashboard"


def test_anoniem_wordt_naar_inloggen_gestuurd(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_systeemkoppeling_zonder_kto_rol_krijgt_403(client, systeemkoppeling):
    client.force_login(systeemkoppeling)
    assert client.get(DASHBOARD).status_code == 403


def test_behandelaar_ziet_alleen_de_eigen_reacties(client, gegevens, behandelaar):
    response = dashboard(client, behandelaar)
    reacties = list(response.context["pagina"])
    assert len(reacties) == 3
    assert {r.contactmoment.behandelaar for r in reacties} == {behandelaar}
    assert [o.pk for o in response.context["opvolgingen"]] == [gegevens["laag_a"].pk]
    # Only the breakdowns of their own results: no comparison with colleagues or afdelingen.
    assert [u["dimensie"] for u in response.context["uitsplitsingen"]] == ["soort", "groep"]
    assert "Uw eigen contactmomenten." in response.content.decode()


def test_teamleider_ziet_de_reacties_van_de_eigen_afdeling(client, gegevens, teamleider):
    response = dashboard(client, teamleider)
    assert {r.contactmoment.afdeling.naam for r in response.context["pagina"]} == {"Declaraties"}
    assert len(response.context["pagina"]) == 3
    assert [o.pk for o in response.context["opvolgingen"]] == [gegevens["laag_a"].pk]
    assert [u["dimensie"] for u in response.context["uitsplitsingen"]] == [
        "afdeling",
        "behandelaar",
        "soort",
        "groep",
    ]


def test_andere_afdeling_ziet_niets_van_afdeling_a(client, gegevens, behandelaar_b, afdeling_b):
    teamleider_b = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_b])
    for gebruiker in (behandelaar_b, teamleider_b):
        response = dashboard(client, gebruiker)
        assert {r.contactmoment.afdeling for r in response.context["pagina"]} == {afdeling_b}
        assert [o.pk for o in response.context["opvolgingen"]] == [gegevens["laag_b"].pk]
        assert "Drie keer doorverbonden" not in response.content.decode()


def test_directie_ziet_alles(client, gegevens, directie):
    response = dashboard(client, directie)
    assert len(response.context["pagina"]) == 5
    assert {o.pk for o in response.context["opvolgingen"]} == {
        gegevens["laag_a"].pk,
        gegevens["laag_b"].pk,
    }
    assert "Alle afdelingen en behandelaars." in response.content.decode()


def test_een_opnieuw_toegewezen_opvolging_ziet_de_nieuwe_behandelaar(
    client, gegevens, behandelaar_b
):
    Opvolging.objects.filter(pk=gegevens["laag_a"].pk).update(toegewezen_aan=behandelaar_b)
    response = dashboard(client, behandelaar_b)
    assert gegevens["laag_a"].pk in [o.pk for o in response.context["opvolgingen"]]


# The figures -----------------------------------------------------------------------------------


def test_kerncijfers_van_de_behandelaar_zijn_met_de_hand_berekend(client, gegevens, behandelaar):
    response = dashboard(client, behandelaar)
    totaal = response.context["totaal"]
    # 8, 4 and 9: 21 / 3 = 7.0; NPS 10, 3, 9: (2 promotors - 1 criticaster) / 3 = 33;
    # 4 invitations sent, 3 answered: 75.0 %.
    assert (totaal.gemiddelde, totaal.nps, totaal.respons, totaal.uitnodigingen) == (
        Decimal("7.0"),
        33,
        3,
        4,
    )
    assert totaal.responspercentage == Decimal("75.0")
    assert tegels(response) == {
        "gemiddelde": "7,0",
        "nps": "+33",
        "respons": "3",
        "uitnodigingen": "4",
        "responspercentage": "75,0%",
    }
    # The previous quarter: one 6 with NPS 10.
    vorig = response.context["vorig_totaal"]
    assert (vorig.gemiddelde, vorig.nps, vorig.respons) == (Decimal("6.0"), 100, 1)


def test_kerncijfers_van_de_directie_zijn_met_de_hand_berekend(client, gegevens, directie):
    response = dashboard(client, directie)
    # 8 + 4 + 9 + 5 + 6 = 32 / 5 = 6.4; NPS of the 4 that answered it (10, 3, 9, 9): 3 promotors,
    # 1 criticaster: 50; 6 invitations: 83.3 %.
    assert tegels(response) == {
        "gemiddelde": "6,4",
        "nps": "+50",
        "respons": "5",
        "uitnodigingen": "6",
        "responspercentage": "83,3%",
    }


def test_de_pagina_toont_de_cijfers_van_de_cijferfuncties(client, gegevens, directie):
    response = dashboard(client, directie)
    van, tot = kalender.kwartaal_grenzen(2026, 2)
    bereik = {
        "responsen": selectors.responsen_voor(directie),
        "uitnodigingen": selectors.uitnodigingen_voor(directie),
    }
    assert response.context["totaal"] == cijfers.totaal(van=van, tot=tot, **bereik)
    maanden = response.context["per_maand"]
    assert [m for m, _c in maanden] == [
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
    ]
    verwacht = {
        c.groep["maand"]: c for c in cijfers.cijfers(van=van, tot=tot, per=("maand",), **bereik)
    }
    assert maanden[0][1] == verwacht[dt.date(2026, 4, 1)]
    assert maanden[1][1] == verwacht[dt.date(2026, 5, 1)]
    # By hand: April 8 and 4: 6.0, NPS (1 - 1) / 2 = 0; May 9, 5 and 6: 6.7, NPS 9 and 9: 100.
    assert (maanden[0][1].gemiddelde, maanden[0][1].nps) == (Decimal("6.0"), 0)
    assert (maanden[1][1].gemiddelde, maanden[1][1].nps) == (Decimal("6.7"), 100)
    # June has nothing: "geen gegevens", never 0.
    assert (maanden[2][1].respons, maanden[2][1].gemiddelde, maanden[2][1].nps) == (0, None, None)

    per_afdeling = next(
        u for u in response.context["uitsplitsingen"] if u["dimensie"] == "afdeling"
    )
    assert [
        (naam, c.gemiddelde, c.nps, c.respons, c.uitnodigingen) for naam, c in per_afdeling["rijen"]
    ] == [
        ("Declaraties", Decimal("7.0"), 33, 3, 4),
        ("Premie en incasso", Decimal("5.5"), 100, 2, 2),
    ]
    assert {c.groep["afdeling"]: c for _naam, c in per_afdeling["rijen"]} == {
        c.groep["afdeling"]: c
        for c in cijfers.cijfers(van=van, tot=tot, per=("afdeling",), **bereik)
    }

    html = response.content.decode()
    juni = re.search(r"<th scope=\"row\">juni 2026</th>(.*?)</tr>", html, re.S).group(1)
    assert juni.count("geen gegevens") == 3  # gemiddelde, NPS and responspercentage
    assert "0,0" not in juni


def test_nps_zonder_antwoorden_is_geen_gegevens_en_nul_is_nul(
    client, label, behandelaar_b, afdeling_b
):
    with op(5, 12):
        respons(rapportcijfer=7, nps_score=None, behandelaar=behandelaar_b, afdeling=afdeling_b)
    response = dashboard(client, behandelaar_b)
    assert tegels(response)["nps"] == "geen gegevens"
    assert tegels(response)["gemiddelde"] == "7,0"


def test_een_leeg_kwartaal_toont_geen_gegevens(client, behandelaar):
    response = dashboard(client, behandelaar)
    assert tegels(response) == {
        "gemiddelde": "geen gegevens",
        "nps": "geen gegevens",
        "respons": "0",
        "uitnodigingen": "0",
        "responspercentage": "geen gegevens",
    }


def test_elk_cijfer_heeft_een_definitie_op_de_pagina(client, behandelaar):
    html = dashboard(client, behandelaar).content.decode()
    for soort in ("gemiddelde", "nps", "respons", "uitnodigingen", "responspercentage"):
        assert f'id="definitie-{soort}"' in html
    assert "promotors (9-10) min het percentage criticasters" in html


def test_een_eerder_kwartaal_kiezen(client, gegevens, behandelaar):
    response = dashboard(client, behandelaar, "?kwartaal=2026-1")
    assert response.context["kwartaal"] == (2026, 1)
    assert tegels(response)["gemiddelde"] == "6,0"
    assert len(response.context["pagina"]) == 1
    assert 'value="2026-1" selected' in response.content.decode()


@pytest.mark.parametrize("waarde", ["", "onzin", "2026-5", "2027-1", "2026-"])
def test_een_ongeldig_of_toekomstig_kwartaal_toont_het_huidige(client, behandelaar, waarde):
    response = dashboard(client, behandelaar, f"?kwartaal={waarde}")
    assert response.context["kwartaal"] == (2026, 2)


def test_reacties_nieuwste_eerst_met_toelichting_en_verbetertips(client, gegevens, behandelaar):
    response = dashboard(client, behandelaar)
    ontvangen = [r.ontvangen_op for r in response.context["pagina"]]
    assert ontvangen == sorted(ontvangen, reverse=True)
    html = response.content.decode()
    assert "Drie keer doorverbonden." in html
    assert "Bel terug als u het belooft." in html

    alleen = dashboard(client, behandelaar, "?met_opmerking=1")
    assert [r.toelichting for r in alleen.context["pagina"]] == ["Drie keer doorverbonden."]


def test_reacties_worden_gepagineerd(client, label, behandelaar, afdeling_a):
    with op(5, 12):
        for _i in range(27):
            respons(rapportcijfer=8, nps_score=9, behandelaar=behandelaar, afdeling=afdeling_a)
    eerste = dashboard(client, behandelaar)
    assert len(eerste.context["pagina"]) == 25
    tweede = dashboard(client, behandelaar, "?pagina=2")
    assert len(tweede.context["pagina"]) == 2
    # The figures are over the whole quarter, whatever the page.
    assert tweede.context["totaal"].respons == 27


def test_open_opvolgingen_linken_naar_de_opvolgingspagina(client, gegevens, directie):
    html = dashboard(client, directie).content.decode()
    for opvolging in gegevens.values():
        assert reverse("klanttevredenheid:opvolging", args=[opvolging.pk]) in html


def test_tabellen_hebben_een_bijschrift_en_kopcellen(client, gegevens, directie):
    html = dashboard(client, directie).content.decode()
    assert html.count("<table") == html.count("<caption")
    assert 'scope="col"' in html
    assert 'scope="row"' in html


# Navigation ----------------------------------------------------------------------------------


def test_het_menu_heeft_een_link_naar_klanttevredenheid(client, behandelaar):
    client.force_login(behandelaar)
    html = client.get(reverse("klachten:werkvoorraad")).content.decode()
    assert f'href="{DASHBOARD}"' in html
    assert "Klanttevredenheid" in html


def test_het_menu_toont_het_aantal_open_opvolgingen(client, gegevens, directie):
    html = dashboard(client, directie).content.decode()
    menu = re.search(r'<nav aria-label="Hoofdmenu".*?</nav>', html, re.S).group(0)
    assert 'aria-current="page">Klanttevredenheid <span class="teller teller-signaal">2' in menu


# Query count -----------------------------------------------------------------------------------

# Session, user, roles, afdelingen (header and scope), 7 sets of figures of 2 queries (total,
# previous quarter, per month and the breakdowns), the distribution of grades for the chart, the
# names of afdelingen, behandelaars and labels, the responses (count and page) and the open
# follow-ups: a fixed number.
MAX_QUERIES = 28


def reacties_met_eigen_behandelaar_en_afdeling(aantal: int, gebruiker, teamafdeling) -> None:
    """Responses the user handled, of their afdeling, and of other afdelingen; all but the user's
    with a behandelaar of their own and every third one low (so with a follow-up), so a query
    per row or per group would show."""
    with op(5, 12):
        for i in range(aantal):
            if i % 3 == 0:
                behandelaar, afdeling = gebruiker, teamafdeling
            else:
                afdeling = teamafdeling if i % 3 == 1 else AfdelingFactory()
                behandelaar = MedewerkerFactory(
                    rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling]
                )
            respons(
                rapportcijfer=4 if i % 2 == 0 else 8,
                nps_score=i % 11,
                toelichting=f"Toelichting {i}",
                behandelaar=behandelaar,
                afdeling=afdeling,
                label=standaardlabel(),
            )


def queries(client, url: str) -> int:
    with time_machine.travel(VANDAAG, tick=False), CaptureQueriesContext(connection) as gedaan:
        response = client.get(url)
    assert response.status_code == 200
    return len(gedaan)


@pytest.mark.parametrize("rol", [rollen.DIRECTIE, rollen.TEAMLEIDER, rollen.KLACHTBEHANDELAAR])
def test_dashboard_gebruikt_evenveel_queries_bij_3_als_bij_30_reacties(
    client, label, afdeling_a, rol, django_assert_max_num_queries
):
    gebruiker = MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a])
    client.force_login(gebruiker)
    urls = [DASHBOARD, f"{DASHBOARD}?met_opmerking=1&pagina=2", f"{DASHBOARD}?kwartaal=2026-1"]

    reacties_met_eigen_behandelaar_en_afdeling(3, gebruiker, afdeling_a)
    bij_3 = {}
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            bij_3[url] = queries(client, url)

    reacties_met_eigen_behandelaar_en_afdeling(27, gebruiker, afdeling_a)
    assert Respons.objects.count() == 30
    bij_30 = {}
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            bij_30[url] = queries(client, url)

    assert bij_30 == bij_3
