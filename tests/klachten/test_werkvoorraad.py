"""The work queue: filters, search, counts per status, own complaints first then the nearest
deadline, deadline badges, pagination; and the queue and the dossier page keep a fixed number of
queries whatever the data (issue 3, acceptance 5; DESIGN.md section 11)."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten import rollen, selectors, services
from klachten.kalender import AMSTERDAM
from klachten.models import (
    ExterneInstantie,
    Kanaal,
    Klacht,
    Urgentie,
    VerbeterpuntStatus,
    Weergave,
)
from klachten.selectors import TermijnBadge, volgende_termijn_badge
from klachten.workflow import KLANT, Oordeel, Status
from tests.factories import (
    AfdelingFactory,
    CategorieFactory,
    KlachtFactory,
    LabelFactory,
    MedewerkerFactory,
    klacht_in_status,
    pdf_bestand,
)

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)
VANDAAG = NU.date()
WERKVOORRAAD = reverse("klachten:werkvoorraad")


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def kijker(afdeling_a, afdeling_b):
    """A handler of both afdelingen: sees every complaint of this test."""
    return MedewerkerFactory(
        username="kijker", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a, afdeling_b]
    )


def dagen_geleden(dagen: int) -> dt.datetime:
    return NU - dt.timedelta(days=dagen)


# The text of every complaint in `voorraad` (no word that a search term of the tests matches).
TEKST = "De premie is twee keer afgeschreven."


@pytest.fixture
def voorraad(kijker, behandelaar, categorie, categorie_b, afdeling_a):
    """Complaints that differ in one thing each (ages chosen for the acknowledgement term of 8
    days, so the next deadline is received + 8). Their text is fixed: the search reads it too, and
    the factory's random Dutch words could match a search term."""
    web = KlachtFactory(
        omschrijving=TEKST,
        categorie=categorie,
        kanaal=Kanaal.WEBFORMULIER,
        klant_naam="Anna de Vries",
        klant_email="anna@example.nl",
        ontvangen_op=dagen_geleden(1),
    )  # acknowledged at once: next deadline the answer, received + 42
    telefoon_b = KlachtFactory(
        omschrijving=TEKST,
        categorie=categorie_b,
        klant_naam="Piet Jansen",
        klant_email="piet@example.nl",
        urgentie=Urgentie.HOOG,
        ontvangen_op=dagen_geleden(5),
    )  # deadline in 3 days: green
    bijna = KlachtFactory(
        omschrijving=TEKST,
        categorie=categorie,
        klant_naam="Karin Bos",
        ontvangen_op=dagen_geleden(6),
    )  # deadline in 2 days: amber
    te_laat = KlachtFactory(
        omschrijving=TEKST,
        categorie=categorie,
        klant_naam="Sanne Visser",
        ontvangen_op=dagen_geleden(9),
    )  # deadline yesterday: red
    eigen = KlachtFactory(
        omschrijving=TEKST,
        categorie=categorie,
        klant_naam="Eigen Klant",
        ontvangen_op=dagen_geleden(1),
    )
    eigen = services.toewijzen(
        klacht=eigen, door=behandelaar, afdeling=afdeling_a, behandelaar=kijker
    )
    afgesloten = klacht_in_status(
        Status.AFGESLOTEN,
        door=behandelaar,
        categorie=categorie,
        klant_naam="Oud Dossier",
        omschrijving=TEKST,
    )
    return {
        "web": web,
        "telefoon_b": telefoon_b,
        "bijna": bijna,
        "te_laat": te_laat,
        "eigen": eigen,
        "afgesloten": afgesloten,
    }


def namen(response, voorraad) -> list[str]:
    per_pk = {k.pk: naam for naam, k in voorraad.items()}
    return [per_pk[k.pk] for k in response.context["pagina"]]


def test_urgente_klachten_eerst_dan_eigen_dan_de_eerstvolgende_termijn_zonder_achteraan(
    client, kijker, voorraad
):
    """Issue 19: an urgent complaint leads the queue, though not the user's own."""
    client.force_login(kijker)

    response = client.get(WERKVOORRAAD)

    assert namen(response, voorraad) == [
        "telefoon_b",  # urgent (13 March)
        "eigen",  # own, though its deadline is weeks away
        "te_laat",  # 9 March
        "bijna",  # 12 March
        "web",  # answer term: 21 April
    ]  # the closed one has its own tab
    assert voorraad["afgesloten"].volgende_termijn_datum is None
    assert response.context["totaal"] == 5
    assert "5 open klachten" in response.content.decode()


def test_de_eigen_klachten_lopen_door_over_de_paginas(
    client, kijker, behandelaar, voorraad, categorie, afdeling_a
):
    """Own complaints first across pages (after the urgent one): the queue is read in two parts
    (urgent or own, then the rest)."""
    extra = [
        services.toewijzen(
            klacht=KlachtFactory(categorie=categorie, klant_naam=f"Eigen {i}"),
            door=behandelaar,
            afdeling=afdeling_a,
            behandelaar=kijker,
        )
        for i in range(26)
    ]
    client.force_login(kijker)

    eerste = list(client.get(WERKVOORRAAD).context["pagina"])
    tweede = list(client.get(f"{WERKVOORRAAD}?pagina=2").context["pagina"])

    eigen = {k.pk for k in extra} | {voorraad["eigen"].pk}
    assert len(eerste) == 25
    assert eerste[0] == voorraad["telefoon_b"]  # urgent
    assert all(k.pk in eigen for k in eerste[1:])
    assert [k.pk in eigen for k in tweede] == [True, True, True] + [False] * 3
    assert len({k.pk for k in eerste + tweede}) == 31  # no complaint twice, none skipped


def test_afgesloten_klachten_hebben_een_eigen_tab_en_zoeken_doorzoekt_alles(
    client, kijker, voorraad
):
    client.force_login(kijker)

    afgesloten = client.get(f"{WERKVOORRAAD}?status=afgesloten")
    gezocht = client.get(f"{WERKVOORRAAD}?zoek=Oud Dossier")

    assert namen(afgesloten, voorraad) == ["afgesloten"]
    assert namen(gezocht, voorraad) == ["afgesloten"]
    assert "Alle" in gezocht.content.decode()


def test_afgesloten_worden_tot_een_grens_geteld(client, kijker, voorraad, monkeypatch):
    monkeypatch.setattr(selectors, "AFGESLOTEN_TELLEN_TOT", 0)
    client.force_login(kijker)

    response = client.get(f"{WERKVOORRAAD}?status=afgesloten&urgentie=normaal")

    tabs = {code: aantal for code, _naam, aantal in response.context["tabs"]}
    assert tabs[Status.AFGESLOTEN] == 0
    assert response.context["totaal_meer"]
    assert 'teller">0+</span>' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "verwacht"),
    [
        ("status=ontvangen", {"telefoon_b", "bijna", "te_laat", "eigen"}),
        ("status=afgesloten", {"afgesloten"}),
        ("kanaal=webformulier", {"web"}),
        ("urgentie=hoog", {"telefoon_b"}),
        ("over_termijn=on", {"te_laat"}),
        ("eigen=on", {"eigen"}),
        ("zoek=jansen", {"telefoon_b"}),
        ("zoek=ANNA@example.nl", {"web"}),
        ("zoek=example.nl", set()),  # e-mail matches whole, not in part
        ("zoek=Bos", {"bijna"}),
        ("status=ontvangen&urgentie=hoog", {"telefoon_b"}),
        ("zoek=onbekend", set()),
    ],
)
def test_filters_en_zoeken(client, kijker, voorraad, query, verwacht):
    client.force_login(kijker)

    response = client.get(f"{WERKVOORRAAD}?{query}")

    assert response.status_code == 200
    assert set(namen(response, voorraad)) == verwacht


def test_filter_op_afdeling_categorie_en_behandelaar(
    client, kijker, voorraad, afdeling_b, categorie_b
):
    client.force_login(kijker)

    op_afdeling = client.get(f"{WERKVOORRAAD}?afdeling={afdeling_b.pk}")
    op_categorie = client.get(f"{WERKVOORRAAD}?categorie={categorie_b.pk}")
    op_behandelaar = client.get(f"{WERKVOORRAAD}?behandelaar={kijker.pk}")

    assert namen(op_afdeling, voorraad) == ["telefoon_b"]
    assert namen(op_categorie, voorraad) == ["telefoon_b"]
    assert namen(op_behandelaar, voorraad) == ["eigen"]


def test_zoeken_op_dossiernummer_vindt_precies_dat_dossier(client, kijker, voorraad):
    client.force_login(kijker)
    nummer = voorraad["bijna"].dossiernummer

    assert namen(client.get(f"{WERKVOORRAAD}?zoek={nummer}"), voorraad) == ["bijna"]
    assert namen(client.get(f"{WERKVOORRAAD}?zoek={nummer.lower()}"), voorraad) == ["bijna"]
    assert namen(client.get(f"{WERKVOORRAAD}?zoek=%20{nummer}%20"), voorraad) == ["bijna"]


def test_aantallen_per_status_tellen_de_overige_filters_mee_maar_niet_de_status(
    client, kijker, voorraad, afdeling_a
):
    client.force_login(kijker)

    alles = client.get(f"{WERKVOORRAAD}?status=afgesloten")
    afdeling_a_alleen = client.get(f"{WERKVOORRAAD}?afdeling={afdeling_a.pk}")

    assert {code: aantal for code, _naam, aantal in alles.context["tabs"]} == {
        Status.ONTVANGEN: 4,
        Status.ONTVANGST_BEVESTIGD: 1,
        Status.IN_ONDERZOEK: 0,
        Status.BEANTWOORD: 0,
        Status.IN_HEROVERWEGING: 0,
        Status.AFGESLOTEN: 1,
    }
    assert namen(alles, voorraad) == ["afgesloten"]
    tabs = {code: aantal for code, _naam, aantal in afdeling_a_alleen.context["tabs"]}
    assert tabs[Status.ONTVANGEN] == 3  # not the complaint of afdeling B
    assert [naam for _code, naam, _aantal in alles.context["tabs"]] == [
        "Ontvangen",
        "Ontvangst bevestigd",
        "In onderzoek",
        "Beantwoord",
        "In heroverweging",
        "Afgesloten",
    ]


def test_termijnbadge_rood_over_termijn_oranje_binnen_2_dagen_groen_daarna(
    client, kijker, voorraad
):
    client.force_login(kijker)

    response = client.get(WERKVOORRAAD)

    kleuren = {
        naam: (
            k.termijn_badge.kleur if k.termijn_badge else None,
            getattr(k.termijn_badge, "dagen", None),
        )
        for naam, k in zip(namen(response, voorraad), response.context["pagina"], strict=True)
    }
    assert kleuren == {
        "eigen": ("groen", 7),
        "te_laat": ("rood", -1),
        "bijna": ("oranje", 2),
        "telefoon_b": ("groen", 3),
        "web": ("groen", 41),
    }
    inhoud = response.content.decode()
    assert inhoud.count("termijn-rood") == 1
    assert inhoud.count("rij-over-termijn") == 1
    assert "1 dag te laat" in inhoud
    assert inhoud.count("termijn-oranje") == 1


@pytest.mark.parametrize(
    ("dagen", "kleur"), [(-3, "rood"), (-1, "rood"), (0, "oranje"), (2, "oranje"), (3, "groen")]
)
def test_badgekleur_per_aantal_dagen(dagen, kleur):
    badge = TermijnBadge(naam="Termijn", datum=VANDAAG + dt.timedelta(days=dagen), dagen=dagen)

    assert badge.kleur == kleur
    assert badge.dagen_te_laat == max(0, -dagen)


def test_werkvoorraadbadge_volgt_de_eerstvolgende_termijn(categorie):
    klacht = KlachtFactory(categorie=categorie, ontvangen_op=dagen_geleden(9))

    badge = volgende_termijn_badge(klacht, VANDAAG)

    assert (badge.datum, badge.dagen, badge.kleur) == (dt.date(2026, 3, 9), -1, "rood")


def test_paginering_houdt_de_filters_vast(client, kijker, categorie, categorie_b):
    KlachtFactory.create_batch(30, categorie=categorie)
    KlachtFactory.create_batch(3, categorie=categorie_b)
    client.force_login(kijker)

    pagina_1 = client.get(f"{WERKVOORRAAD}?categorie={categorie.pk}")
    pagina_2 = client.get(f"{WERKVOORRAAD}?categorie={categorie.pk}&pagina=2")

    assert len(pagina_1.context["pagina"]) == 25
    assert len(pagina_2.context["pagina"]) == 5
    assert {k.categorie_id for k in pagina_2.context["pagina"]} == {categorie.pk}
    assert f"categorie={categorie.pk}&amp;pagina=2" in pagina_1.content.decode()
    eerste = {k.pk for k in pagina_1.context["pagina"]}
    assert eerste.isdisjoint({k.pk for k in pagina_2.context["pagina"]})
    assert client.get(f"{WERKVOORRAAD}?pagina=999").status_code == 200  # last page


# A fixed number of queries, whatever the data (STYLE.md, Tests).


def klachten_in_bulk(aantal: int, *, begin: int, label, afdelingen, categorieen, behandelaars):
    """`aantal` complaints in one INSERT, each combination of afdeling, categorie and behandelaar
    different, so an N+1 on any of them would show."""
    statussen = itertools.cycle(Status.values)
    Klacht.objects.bulk_create(
        Klacht(
            dossiernummer=f"KL-2025-{begin + i:06d}",
            label=label,
            status=next(statussen),
            kanaal=Kanaal.TELEFOON,
            ontvangen_op=NU - dt.timedelta(hours=i),
            klant_naam=f"Klant {begin + i}",
            klant_email=f"klant{begin + i}@example.nl",
            afdeling=afdelingen[i % len(afdelingen)],
            categorie=categorieen[i % len(categorieen)],
            behandelaar=behandelaars[i % len(behandelaars)],
            omschrijving="Een klacht.",
            volgende_termijn_datum=(VANDAAG + dt.timedelta(days=i % 60 - 20) if i % 7 else None),
            urgentie=Urgentie.HOOG if i % 4 == 0 else Urgentie.NORMAAL,
            # The marker "nieuwe informatie van de klant" on every third (issue 17, 19).
            klantbericht_op=NU - dt.timedelta(minutes=i) if i % 3 == 0 else None,
        )
        for i in range(aantal)
    )


WEERGAVE_QUERY = "urgentie=hoog&nieuw_klantbericht=on&sorteer=-ontvangen"


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as vastgelegd:
        response = client.get(url)
    assert response.status_code == 200
    return len(vastgelegd)


WERKVOORRAAD_URLS = [
    WERKVOORRAAD,
    f"{WERKVOORRAAD}?pagina=2",
    f"{WERKVOORRAAD}?status=in_onderzoek&urgentie=hoog",
    f"{WERKVOORRAAD}?zoek=Klant&over_termijn=on&eigen=",
    f"{WERKVOORRAAD}?nieuw_klantbericht=on",
    f"{WERKVOORRAAD}?te_classificeren=true",
    # Issue 19: every sortable column, on a later page too, and a saved view's query.
    *(f"{WERKVOORRAAD}?sorteer={sleutel}" for sleutel in selectors.SORTEERBAAR),
    f"{WERKVOORRAAD}?sorteer=-termijn&pagina=2",
    f"{WERKVOORRAAD}?{WEERGAVE_QUERY}",
]
# Session, user, roles, the user's afdelingen (header and queue), the status counts (kept counts
# and two corrections, or one grouped count and one bounded count), the page (own complaints,
# then the rest), on the first page of the open work the closed complaints with a new message of
# the customer (issue 17), the choices of the afdeling, categorie and behandelaar filters, and
# the navigation's count of letters to print (issue 18); and the saved views of the user and
# their team (issue 19: one query; the bulk form's handlers are read with the filter's). A
# teamleider's queue also counts its "te classificeren" tab.
MAX_WERKVOORRAAD = 15


@pytest.mark.parametrize(
    "rol",
    [rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.DIRECTIE, rollen.PARTNERBEHANDELAAR],
)
def test_werkvoorraad_gebruikt_evenveel_queries_bij_10_als_bij_1000_klachten(
    client, label, rol, django_assert_max_num_queries
):
    afdelingen = AfdelingFactory.create_batch(10)
    categorieen = [CategorieFactory(afdeling=a) for a in afdelingen]
    behandelaars = [
        MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[a]) for a in afdelingen
    ]
    gebruiker = MedewerkerFactory(rollen=[rol], afdelingen=afdelingen)
    client.force_login(gebruiker)
    maximum = MAX_WERKVOORRAAD + (rol == rollen.TEAMLEIDER)
    bulk = {
        "label": label,
        "afdelingen": afdelingen,
        "categorieen": categorieen,
        "behandelaars": [gebruiker, *behandelaars],
    }
    if rol == rollen.PARTNERBEHANDELAAR:
        # A partner sees only what is assigned to them: every other complaint, so that each
        # page and filter has rows at 10 complaints too.
        bulk["behandelaars"] = [m for b in behandelaars for m in (gebruiker, b)]

    # Saved views: the user's own, and one a teamleider shared with their afdeling.
    Weergave.objects.create(naam="Urgent nieuw", eigenaar=gebruiker, query=WEERGAVE_QUERY)
    Weergave.objects.create(
        naam="Team", eigenaar=behandelaars[0], afdeling=afdelingen[0], query="sorteer=klant"
    )
    klachten_in_bulk(10, begin=1, **bulk)
    bij_10 = {}
    for url in WERKVOORRAAD_URLS:
        with django_assert_max_num_queries(maximum):
            bij_10[url] = queries(client, url)

    klachten_in_bulk(990, begin=11, **bulk)
    assert Klacht.objects.count() == 1000
    bij_1000 = {}
    for url in WERKVOORRAAD_URLS:
        with django_assert_max_num_queries(maximum):
            bij_1000[url] = queries(client, url)

    # Not one query more for 100 times as many complaints (the page may even read one part of
    # the queue instead of two: the own complaints fill it).
    assert all(bij_1000[url] <= bij_10[url] for url in WERKVOORRAAD_URLS)
    assert len(client.get(WERKVOORRAAD).context["pagina"]) == 25


def dossier_vullen(klacht: Klacht, keer: int, *, door, afdeling) -> Klacht:
    """Every kind of timeline item `keer` times: notes and phone calls by different people,
    messages out and in with attachments, field changes (also of foreign keys), deadline changes,
    external procedures, lessons and improvement actions."""
    kifid = ExterneInstantie.objects.get(code="kifid")
    for i in range(keer):
        collega = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling])
        services.notitie_toevoegen(klacht=klacht, door=collega, tekst=f"Notitie {i}")
        services.telefooncontact_vastleggen(klacht=klacht, door=collega, tekst=f"Gebeld {i}")
        services.klantbericht_toevoegen(
            klacht=klacht, door=KLANT, tekst=f"Aanvulling {i}", bijlagen=[pdf_bestand(f"{i}.pdf")]
        )
        klacht = services.statusupdate_sturen(klacht=klacht, door=door)
        klacht = services.termijn_wijzigen(
            klacht=klacht,
            door=door,
            soort="verlenging",
            nieuwe_datum=klacht.antwoord_uiterlijk_datum + dt.timedelta(days=1),
            reden=f"Reden {i}",
        )
        klacht.klant_telefoon = f"06 0000 {i:04d}"
        klacht.categorie = CategorieFactory(afdeling=afdeling)
        klacht.betreft_medewerker = collega
        klacht.label = LabelFactory()
        klacht.save()
    klacht = services.antwoord_sturen(klacht=klacht, door=door, oordeel=Oordeel.ONGEGROND)
    for i in range(keer):
        services.leermoment_toevoegen(klacht=klacht, door=door, omschrijving=f"Les {i}")
        services.verbeterpunt_toevoegen(
            klacht=klacht,
            door=door,
            omschrijving=f"Verbeter {i}",
            eigenaar=MedewerkerFactory(),
            streefdatum=VANDAAG,
        )
        services.externe_procedure_vastleggen(
            klacht=klacht, door=door, instantie=kifid, ingediend_datum=VANDAAG
        )
    return Klacht.objects.get(pk=klacht.pk)


# Session, user, roles, the complaint, the timeline (events, attachments, history and the names
# of changed foreign keys), procedures, lessons, improvement actions, the header's afdelingen,
# the vulnerable-customer signals and referrals, the customer's e-mails on the timeline,
# whether the customer's address bounced (selectors.adres_onbestelbaar), the inline reply's
# template with the terms it names (offered in every state since the reactie, issue 17), and the
# navigation's count of letters to print (issue 18), and the panels other apps offer
# (klachten.dossierpanelen: the customer's survey answers, one query, issue 19).
MAX_DOSSIER = 23


def test_dossierpagina_gebruikt_evenveel_queries_bij_weinig_als_bij_veel_gebeurtenissen(
    client, behandelaar, afdeling_a, categorie, django_assert_max_num_queries
):
    weinig = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    veel = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    weinig = dossier_vullen(weinig, 1, door=behandelaar, afdeling=afdeling_a)
    veel = dossier_vullen(veel, 25, door=behandelaar, afdeling=afdeling_a)
    assert veel.gebeurtenissen.count() > 150 > 20 > weinig.gebeurtenissen.count()
    client.force_login(behandelaar)

    with django_assert_max_num_queries(MAX_DOSSIER):
        bij_weinig = queries(client, reverse("klachten:dossier", args=[weinig.dossiernummer]))
    with django_assert_max_num_queries(MAX_DOSSIER):
        bij_veel = queries(client, reverse("klachten:dossier", args=[veel.dossiernummer]))

    assert bij_veel == bij_weinig
    response = client.get(reverse("klachten:dossier", args=[veel.dossiernummer]))
    soorten = {item.soort for item in response.context["tijdlijn"]}
    assert soorten >= {"notitie", "telefoon", "klantbericht", "bericht", "termijn", "wijziging"}
    assert len(response.context["verbeterpunten"]) == 25
    assert {p.status for p in response.context["verbeterpunten"]} == {VerbeterpuntStatus.OPEN}


def test_dossierpagina_gebruikt_evenveel_queries_bij_10_als_bij_1000_klachten(
    client, behandelaar, label, afdeling_a, categorie, django_assert_max_num_queries
):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    url = reverse("klachten:dossier", args=[klacht.dossiernummer])
    client.force_login(behandelaar)
    bulk = {
        "label": label,
        "afdelingen": [afdeling_a],
        "categorieen": [categorie],
        "behandelaars": [behandelaar],
    }
    klachten_in_bulk(9, begin=1, **bulk)
    with django_assert_max_num_queries(MAX_DOSSIER):
        bij_10 = queries(client, url)

    klachten_in_bulk(990, begin=10, **bulk)
    with django_assert_max_num_queries(MAX_DOSSIER):
        bij_1000 = queries(client, url)

    assert bij_1000 == bij_10
    assert Klacht.objects.count() == 1000


@pytest.mark.django_db
def test_de_lijst_wachtend_op_keuze_wordt_geschat_op_wat_er_is_en_niet_op_een_derde(label):
    """The queue's list of closed complaints the customer wrote to again is planned from
    statistics on its condition (migration 0049): PostgreSQL estimates the few rows there are and
    reads the partial index, where it guessed a third of all closed complaints for the comparison
    of two columns and planned a parallel scan (issue 20: 10 to 22 ms on every queue page at
    1,000,000 complaints, for none)."""
    from tests.klachten.test_zoeken import in_bulk

    afdeling = AfdelingFactory()
    categorie = CategorieFactory(afdeling=afdeling)
    in_bulk(3000, begin=1, label=label, categorieen=[categorie])
    gesloten = Klacht.objects.filter(status=Status.AFGESLOTEN)
    gesloten.update(afgesloten_op=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    # Two of them the customer wrote to after the closing.
    for klacht in gesloten.order_by("pk")[:2]:
        Klacht.objects.filter(pk=klacht.pk).update(
            klantbericht_op=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE klachten_klacht")
    gebruiker = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling])
    wachtend = selectors.werkvoorraad(gebruiker).filter(selectors.wacht_op_keuze())

    assert wachtend.count() == 2
    plan = wachtend.order_by("is_eigen", "klantbericht_op", "pk")[:10].explain()
    assert "klacht_wacht_op_keuze" in plan, plan
    assert "Gather" not in plan, plan
    geschat = Klacht.objects.filter(selectors.wacht_op_keuze()).order_by().explain()
    rijen = int(geschat.split("rows=", 1)[1].split()[0])
    assert rijen < 50, geschat  # without the statistics PostgreSQL guessed 167 here
