"""The maandrapportage page (DESIGN.md sections 7 and 11): who sees what, frozen or running, the
numbers equal to maandoverzicht(), bounded queries, charts as valid SVG."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from klachten import kalender, rollen
from klachten.kalender import AMSTERDAM
from klachten.workflow import Status
from rapportage import grafieken
from rapportage.maandrapport import FIGUREN, maandoverzicht, maandrapport_vastleggen
from tests.factories import (
    AfdelingFactory,
    CategorieFactory,
    KlachtFactory,
    LabelFactory,
    MedewerkerFactory,
    klacht_in_status,
)
from tests.processen import vrije_poort

NU = dt.datetime(2026, 10, 15, 10, 0, tzinfo=AMSTERDAM)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _klok():
    with time_machine.travel(NU, tick=False):
        yield


def pagina(jaar=2026, maand=10, **query) -> str:
    url = reverse("rapportage:maand", kwargs={"jaar": jaar, "maand": maand})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


class Cellen(HTMLParser):
    """The cells of the afdelingen tables: {(data-afdeling, data-figuur): text}; and the SVGs."""

    def __init__(self):
        super().__init__()
        self.cellen: dict[tuple[str, str], str] = {}
        self._rij = None
        self._cel = None
        self._tekst: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-afdeling" in attrs:
            self._rij = attrs["data-afdeling"]
        elif tag == "td" and self._rij and "data-figuur" in attrs:
            self._cel, self._tekst = attrs["data-figuur"], []

    def handle_endtag(self, tag):
        if tag == "td" and self._cel:
            self.cellen[(self._rij, self._cel)] = "".join(self._tekst).strip()
            self._cel = None
        elif tag == "tr":
            self._rij = None

    def handle_data(self, data):
        if self._cel:
            self._tekst.append(data)


def cellen(html: str) -> dict[tuple[str, str], str]:
    parser = Cellen()
    parser.feed(html)
    return parser.cellen


def rijen(html: str) -> set[str]:
    return {rij for rij, _figuur in cellen(html)}


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


@pytest.fixture
def gegevens(label, categorie, categorie_b, behandelaar, behandelaar_b):
    """This month (October 2026): afdeling A 2 closed and 1 open; afdeling B 1 answered."""
    for status in (Status.AFGESLOTEN, Status.AFGESLOTEN, Status.IN_ONDERZOEK):
        klacht_in_status(status, door=behandelaar, categorie=categorie)
    klacht_in_status(Status.BEANTWOORD, door=behandelaar_b, categorie=categorie_b)


# Access ----------------------------------------------------------------------------------------


def test_anoniem_wordt_naar_inloggen_gestuurd(client, db):
    response = client.get(pagina())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_klachtbehandelaar_mag_de_rapportage_niet_zien(client, behandelaar):
    client.force_login(behandelaar)
    assert client.get(pagina()).status_code == 403
    assert client.get(reverse("rapportage:index")).status_code == 403


@pytest.mark.parametrize(
    ("jaar", "maand"), [(2026, 11), (2027, 1), (1999, 12), (2026, 13), (2026, 0)]
)
def test_toekomstige_of_ongeldige_maand_bestaat_niet(client, directie, jaar, maand):
    client.force_login(directie)
    assert client.get(pagina(jaar, maand)).status_code == 404


def test_index_opent_de_lopende_of_gekozen_maand(client, directie, label):
    client.force_login(directie)
    assert client.get(reverse("rapportage:index")).url == pagina()
    response = client.get(reverse("rapportage:index"), {"maand": "2026-03", "label": "zuid"})
    assert response.url == pagina(2026, 3, label="zuid")
    # A future or malformed month falls back to the running one.
    assert client.get(reverse("rapportage:index"), {"maand": "2027-01"}).url == pagina()
    assert client.get(reverse("rapportage:index"), {"maand": "x"}).url == pagina()


def test_teamleider_ziet_alleen_de_eigen_afdeling(client, teamleider, afdeling_a, gegevens):
    client.force_login(teamleider)
    html = client.get(pagina()).content.decode()
    assert rijen(html) == {str(afdeling_a.pk), "totaal"}
    assert cellen(html)[("totaal", "ontvangen")] == "3"
    assert "Premie en incasso" not in html
    assert "Afdeling Declaraties" in html


def test_directie_ziet_alle_afdelingen(client, directie, afdeling_a, afdeling_b, gegevens):
    client.force_login(directie)
    html = client.get(pagina()).content.decode()
    assert rijen(html) == {str(afdeling_a.pk), str(afdeling_b.pk), "totaal"}
    c = cellen(html)
    assert (c[(str(afdeling_a.pk), "ontvangen")], c[(str(afdeling_b.pk), "ontvangen")]) == (
        "3",
        "1",
    )
    assert c[("totaal", "ontvangen")] == "4"
    assert c[("totaal", "afgesloten")] == "2"
    assert c[("totaal", "open_einde")] == "2"


def test_beheerder_ziet_alle_afdelingen(client, beheerder, afdeling_a, afdeling_b, gegevens):
    client.force_login(beheerder)
    html = client.get(pagina()).content.decode()
    assert rijen(html) == {str(afdeling_a.pk), str(afdeling_b.pk), "totaal"}


def test_labelfilter_toont_alleen_dat_label(client, directie, label, categorie, behandelaar):
    ander = LabelFactory(naam="Schadeverzekeraar Noord", slug="noord")
    KlachtFactory(label=label, categorie=categorie)
    KlachtFactory(label=ander, categorie=categorie)
    KlachtFactory(label=ander, categorie=categorie)
    client.force_login(directie)

    assert cellen(client.get(pagina()).content.decode())[("totaal", "ontvangen")] == "3"
    html = client.get(pagina(label="noord")).content.decode()
    assert cellen(html)[("totaal", "ontvangen")] == "2"
    assert '<option value="noord" selected>' in html
    # The month navigation and the exports keep the label.
    assert 'href="/medewerker/rapportage/2026/9/?label=noord"' in html
    assert "export.pdf?label=noord" in html
    assert cellen(client.get(pagina(label="zuid")).content.decode())[("totaal", "ontvangen")] == (
        "1"
    )


def test_menu_toont_rapportage_alleen_aan_wie_het_mag(client, behandelaar, teamleider, directie):
    link = f'href="{reverse("rapportage:index")}"'
    for gebruiker, zichtbaar in ((behandelaar, False), (teamleider, True), (directie, True)):
        client.force_login(gebruiker)
        html = client.get(reverse("klachten:werkvoorraad")).content.decode()
        assert (link in html) is zichtbaar, gebruiker


# Frozen or running -----------------------------------------------------------------------------


def test_lopende_maand_heeft_voorlopige_cijfers(client, directie, gegevens):
    client.force_login(directie)
    html = client.get(pagina()).content.decode()
    assert 'data-status="lopend"' in html
    assert "Lopende maand, voorlopige cijfers." in html


def test_vastgelegde_maand_zegt_wanneer(client, directie, label, categorie, behandelaar):
    with time_machine.travel(dt.datetime(2026, 9, 10, 10, 0, tzinfo=AMSTERDAM), tick=False):
        KlachtFactory(categorie=categorie)
    client.force_login(directie)

    html = client.get(pagina(2026, 9)).content.decode()
    assert 'data-status="niet-vastgelegd"' in html  # finished, not stored yet

    maandrapport_vastleggen(2026, 9, nu=dt.datetime(2026, 10, 1, 6, 0, tzinfo=AMSTERDAM))
    KlachtFactory(categorie=categorie, ontvangen_op=dt.datetime(2026, 9, 20, tzinfo=AMSTERDAM))
    html = client.get(pagina(2026, 9)).content.decode()
    assert 'data-status="vastgelegd"' in html
    assert "Vastgelegd op 1 oktober 2026." in html
    # The stored month stays what management received.
    assert cellen(html)[("totaal", "ontvangen")] == "1"


# The numbers -----------------------------------------------------------------------------------


def test_cijfers_op_de_pagina_zijn_die_van_maandoverzicht(
    client, directie, afdeling_a, afdeling_b, gegevens
):
    client.force_login(directie)
    html = client.get(pagina()).content.decode()
    gevonden = cellen(html)
    with translation.override("nl"):
        overzicht = maandoverzicht(2026, 10)
        verwacht = {
            (str(a), f.naam): grafieken.cijfer_tekst(f.naam, figuren.waarde(f.naam))
            for a, figuren in overzicht.per_afdeling
            for f in FIGUREN
        } | {
            ("totaal", f.naam): grafieken.cijfer_tekst(f.naam, overzicht.totaal.waarde(f.naam))
            for f in FIGUREN
        }
    assert gevonden == verwacht
    # By hand: A received 3 and closed 2 the same day; B 1 answered; no surveys.
    assert gevonden[(str(afdeling_a.pk), "doorlooptijd_mediaan")] == "0,0"
    assert gevonden[(str(afdeling_b.pk), "afgesloten")] == "0"
    assert gevonden[(str(afdeling_b.pk), "doorlooptijd_mediaan")] == "geen gegevens"
    assert gevonden[("totaal", "kto_gemiddelde")] == "geen gegevens"
    assert gevonden[("totaal", "gegrond")] == "2"


def test_elke_figuur_heeft_kolom_en_definitie(client, directie, gegevens):
    client.force_login(directie)
    html = client.get(pagina()).content.decode()
    for figuur in FIGUREN:
        with translation.override("nl"):
            titel, definitie = str(figuur.titel), str(figuur.definitie)
        kop = re.search(
            rf'<th scope="col" class="getal" title="([^"]*)" data-figuur="{figuur.naam}"', html
        )
        assert kop, figuur.naam
        assert kop.group(1) == definitie.replace('"', "&quot;").replace("'", "&#x27;")
        assert f'<dt id="definitie-{figuur.naam}">{titel}' in html
        assert html.count(f'data-figuur="{figuur.naam}"') >= 2


def test_uitsplitsingen_per_categorie_kanaal_en_oordeel(client, directie, gegevens):
    client.force_login(directie)
    html = client.get(pagina()).content.decode()
    categorie = html[html.index('id="verdeling-categorie"') : html.index('id="verdeling-kanaal"')]
    assert re.search(r"Declaratie</th><td[^>]*>3</td><td[^>]*>75,0%", categorie)
    assert re.search(r"Premie</th><td[^>]*>1</td><td[^>]*>25,0%", categorie)
    kanaal = html[html.index('id="verdeling-kanaal"') : html.index('id="verdeling-oordeel"')]
    assert re.search(r"Telefoon</th><td[^>]*>4</td>", kanaal)
    oordeel = html[html.index('id="verdeling-oordeel"') : html.index('id="verdeling-extern-')]
    assert re.search(r"Gegrond</th><td[^>]*>2</td><td[^>]*>100,0%", oordeel)


def test_kerncijfers_tonen_de_vorige_maand(client, directie, label, categorie, behandelaar):
    with time_machine.travel(dt.datetime(2026, 9, 10, 10, 0, tzinfo=AMSTERDAM), tick=False):
        KlachtFactory(categorie=categorie)
    KlachtFactory(categorie=categorie)
    KlachtFactory(categorie=categorie)
    KlachtFactory(categorie=categorie)
    client.force_login(directie)
    html = client.get(pagina()).content.decode()
    tegel = html[html.index('data-figuur="ontvangen"') :]
    tegel = tegel[: tegel.index("</li>")]
    assert re.search(r'rapport-tegel-waarde">3<', tegel)
    assert "sep 26: 1" in tegel
    assert "(+2)" in tegel


# Queries ---------------------------------------------------------------------------------------


def _vorige_maanden_vastleggen():
    maand = (2026, 10)
    for _i in range(13):
        maand = kalender.vorige_maand(*maand)
        maandrapport_vastleggen(*maand, nu=NU)


# Session, user, roles, the user's afdelingen (header), the stored months (one query), the running
# month (about twelve grouped queries), the names (five); a label adds one, a teamleider one, and
# the navigation's count of letters to print one (issue 18).
MAX_QUERIES = 29


def _queries(client, url, django_assert_max_num_queries, maximum=MAX_QUERIES) -> int:
    with django_assert_max_num_queries(maximum) as gedaan:
        response = client.get(url)
    assert response.status_code == 200
    return len(gedaan)


@pytest.mark.parametrize("rol", [rollen.DIRECTIE, rollen.TEAMLEIDER])
def test_queries_groeien_niet_met_het_aantal_klachten(
    client, label, afdeling_a, categorie, behandelaar, rol, django_assert_max_num_queries
):
    gebruiker = MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a])
    client.force_login(gebruiker)
    vorige = dt.datetime(2026, 9, 8, 10, 0, tzinfo=AMSTERDAM)

    def klachten(aantal):
        for i in range(aantal):
            with time_machine.travel(vorige if i % 2 else NU, tick=False):
                status = (Status.AFGESLOTEN, Status.IN_ONDERZOEK, Status.ONTVANGEN)[i % 3]
                klacht_in_status(status, door=behandelaar, categorie=categorie)

    klachten(3)
    _vorige_maanden_vastleggen()
    urls = [pagina(), pagina(2026, 9), pagina(label="zuid")]
    bij_3 = [_queries(client, url, django_assert_max_num_queries) for url in urls]

    klachten(27)
    bij_30 = [_queries(client, url, django_assert_max_num_queries) for url in urls]
    assert bij_30 == bij_3


def test_queries_groeien_niet_met_het_aantal_afdelingen(
    client, label, directie, behandelaar, afdeling_a, categorie, django_assert_max_num_queries
):
    client.force_login(directie)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    _vorige_maanden_vastleggen()
    bij_1 = _queries(client, pagina(), django_assert_max_num_queries)

    for _i in range(3):
        afdeling = AfdelingFactory()
        eigen = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling])
        klacht_in_status(
            Status.IN_ONDERZOEK, door=eigen, categorie=CategorieFactory(afdeling=afdeling)
        )
    html = client.get(pagina()).content.decode()
    assert len(rijen(html)) == 5  # four afdelingen and the total
    assert _queries(client, pagina(), django_assert_max_num_queries) == bij_1


# Charts ----------------------------------------------------------------------------------------


def test_grafieken_zijn_geldige_toegankelijke_svg(client, directie, gegevens):
    client.force_login(directie)
    html = client.get(pagina()).content.decode()
    gevonden = svgs(html)
    assert len(gevonden) == 4
    for svg in gevonden:
        wortel = ET.fromstring(svg)
        assert wortel.tag == f"{SVG}svg"
        assert wortel.get("role") == "img"
        ids = {e.get("id") for e in wortel.iter() if e.get("id")}
        assert set(wortel.get("aria-labelledby").split()) <= ids
        assert wortel.find(f"{SVG}title").text
        assert wortel.find(f"{SVG}desc").text
        assert "okt 26" in svg
        assert "<script" not in svg


def test_grafiek_laat_maanden_zonder_gegevens_open(label, categorie, behandelaar):
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    with translation.override("nl"):
        overzicht = maandoverzicht(2026, 10)
        lijst = grafieken.grafieken_voor(overzicht)
    assert [g.naam for g in lijst] == ["volume", "op-tijd", "doorlooptijd", "klanttevredenheid"]
    doorlooptijd = next(g for g in lijst if g.naam == "doorlooptijd")
    assert doorlooptijd.tabel.kop == [
        "Maand",
        "Doorlooptijd (mediaan) in dagen",
        "Doorlooptijd (90e percentiel) in dagen",
    ]
    assert len(doorlooptijd.tabel.rijen) == 13
    assert doorlooptijd.tabel.rijen[0] == ["okt 25", "geen gegevens", "geen gegevens"]
    assert doorlooptijd.tabel.rijen[-1] == ["okt 26", "0,0", "0"]
    # Twelve empty months: said in words, and no line drawn through them.
    wortel = ET.fromstring(str(doorlooptijd.svg))
    teksten = [t.text for t in wortel.iter(f"{SVG}text")]
    assert teksten.count("geen gegevens") == 12
    assert not list(wortel.iter(f"{SVG}path"))


def test_grafiek_ontsnapt_tekst(label, categorie, behandelaar, monkeypatch):
    """Every text in the SVG is escaped: a title with markup stays text."""
    monkeypatch.setattr(grafieken, "maand_kort", lambda jaar, maand: f"<b>{maand}</b> & co")
    with translation.override("nl"):
        lijst = grafieken.grafieken_voor(maandoverzicht(2026, 10))
    for grafiek in lijst:
        wortel = ET.fromstring(str(grafiek.svg))
        assert "<b>" not in str(grafiek.svg)
        assert "<b>10</b> & co" in [t.text for t in wortel.iter(f"{SVG}text")]


def test_lopende_maand_komt_een_minuut_uit_de_cache(
    client, directie, gegevens, categorie, settings, django_assert_max_num_queries
):
    """Several people opening the running month count it once a minute, not each."""
    settings.RAPPORTAGE_LIVE_CACHE_S = 60
    client.force_login(directie)
    eerst = cellen(client.get(pagina()).content.decode())[("totaal", "ontvangen")]

    KlachtFactory(categorie=categorie)
    with django_assert_max_num_queries(14):  # the figures come from the cache
        binnen_de_minuut = cellen(client.get(pagina()).content.decode())
    with time_machine.travel(NU + dt.timedelta(seconds=61), tick=False):
        daarna = cellen(client.get(pagina()).content.decode())

    assert binnen_de_minuut[("totaal", "ontvangen")] == eerst == "4"
    assert daarna[("totaal", "ontvangen")] == "5"


def test_lopende_maand_zonder_redis_wordt_berekend(client, directie, gegevens, settings):
    """The cache is Redis and Redis refuses: the running month is computed, not an error."""
    settings.RAPPORTAGE_LIVE_CACHE_S = 60
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "klachten.caches.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{vrije_poort()}/0",
        },
    }
    client.force_login(directie)

    response = client.get(pagina())

    assert response.status_code == 200
    assert cellen(response.content.decode())[("totaal", "ontvangen")] == "4"
