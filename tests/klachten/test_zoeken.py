"""The work queue's search (issue 20, klachten.zoeken): what a term finds and what not, only
within what the user may see and through both tabs; served by indexes (EXPLAIN), and the queue's
query count does not grow with a search."""

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten import rollen, zoeken
from klachten.models import Kanaal, Klacht
from klachten.workflow import Status
from tests.factories import (
    AfdelingFactory,
    CategorieFactory,
    KlachtFactory,
    MedewerkerFactory,
    klacht_in_status,
)

pytestmark = pytest.mark.django_db

WERKVOORRAAD = reverse("klachten:werkvoorraad")


@pytest.fixture
def zoekbaar(behandelaar, categorie, categorie_b):
    """Complaints that differ in what a search may find; the last in an afdeling the
    behandelaar does not see."""
    zoe = KlachtFactory(
        categorie=categorie,
        klant_naam="Zoë Müller-Çelik",
        klant_email="Zoe.Muller@example.be",
        polisnummer="POL-778899",
        omschrijving="De betalingen van mijn zorgverzekering zijn te laat verwerkt.",
    )
    boer = KlachtFactory(
        categorie=categorie,
        klant_naam="Jan de Boer",
        klant_email="",
        klant_postadres="Dorpsstraat 1\n1234 AB Ergenshuizen",
        polisnummer="ZV-123456",
        omschrijving="Ik kreeg een verkeerde brief over mijn premie en mijn klachten.",
    )
    wu = KlachtFactory(
        categorie=categorie,
        klant_naam="Wei Wu",
        klant_email="wei@example.nl",
        omschrijving="Financiële schade na een afwijzing.",
    )
    oud = klacht_in_status(
        Status.AFGESLOTEN,
        door=behandelaar,
        categorie=categorie,
        klant_naam="Kawuzi Oud",
        klant_email="kawuzi@example.nl",
        omschrijving="Mijn declaraties werden niet vergoed.",
    )
    geheim = KlachtFactory(
        categorie=categorie_b,
        klant_naam="Zoë Müller",
        klant_email="andere.zoe@example.be",
        polisnummer="POL-778899",
        omschrijving="Betaling te laat.",
    )
    return {"zoe": zoe, "boer": boer, "wu": wu, "oud": oud, "geheim": geheim}


def gevonden(client, term: str, zoekbaar, **filters) -> set[str]:
    response = client.get(WERKVOORRAAD, {"zoek": term, **filters})
    assert response.status_code == 200
    per_pk = {k.pk: naam for naam, k in zoekbaar.items()}
    return {per_pk[k.pk] for k in response.context["pagina"]}


@pytest.mark.parametrize(
    ("term", "verwacht"),
    [
        ("müller", {"zoe"}),  # part of a name, with its accent
        ("MULLER", {"zoe"}),  # in capitals, without the accent
        ("zoe", {"zoe"}),
        ("celik", {"zoe"}),  # the ç folded
        ("de Boer", {"boer"}),  # two words of a name as typed
        ("zoe.muller@EXAMPLE.be", {"zoe"}),  # the e-mail address whole, in any case
        ("example.be", set()),  # an e-mail address matches whole, not in part
        ("778899", {"zoe"}),  # part of a policy number
        ("zv-123456", {"boer"}),  # a policy number whole, in any case
        ("dorpsstraat", {"boer"}),  # the postal address
        ("1234AB", {"boer"}),  # a postcode without its space
        ("1234 ab", {"boer"}),
        ("betaling", {"zoe"}),  # the text: "betalingen" in another inflection
        ("klacht", {"boer"}),  # ... and "klachten"
        ("financiele schade", {"wu"}),  # words of the text, the accent folded
        ("Wu", {"wu"}),  # a short surname: a word that is it, not "Kawuzi"
        ("vergoeding", {"oud"}),  # "vergoed"; and closed: a search looks through everything
        ("de", {"boer"}),  # a short word of a name; in the text a stop word, found nowhere
        ("onbekend", set()),
    ],
)
def test_wat_zoeken_vindt(client, behandelaar, zoekbaar, term, verwacht):
    client.force_login(behandelaar)

    assert gevonden(client, term, zoekbaar) == verwacht


def test_zoeken_blijft_binnen_wat_de_gebruiker_ziet(client, behandelaar_b, zoekbaar):
    client.force_login(behandelaar_b)

    assert gevonden(client, "müller", zoekbaar) == {"geheim"}
    assert gevonden(client, "POL-778899", zoekbaar) == {"geheim"}
    assert gevonden(client, "betaling", zoekbaar) == {"geheim"}


def test_zoeken_binnen_een_tab(client, behandelaar, zoekbaar):
    client.force_login(behandelaar)

    assert gevonden(client, "vergoeding", zoekbaar, status=Status.AFGESLOTEN) == {"oud"}
    assert gevonden(client, "vergoeding", zoekbaar, status=Status.ONTVANGEN) == set()
    assert gevonden(client, "müller", zoekbaar, status=Status.ONTVANGEN) == {"zoe"}


def test_zonder_postgresql_dezelfde_velden_met_gewone_lookups(zoekbaar):
    """The SQLite fallback (tests/test_sqlite.py runs it there): the same fields, in part and in
    any case, without accent folding or stemming."""

    def vindt(term: str) -> set[str]:
        per_pk = {k.pk: naam for naam, k in zoekbaar.items()}
        gevonden = Klacht.objects.filter(zoeken.zoekvoorwaarde(term, "sqlite"))
        return {per_pk[pk] for pk in gevonden.values_list("pk", flat=True)}

    assert vindt("MÜLLER") == {"zoe", "geheim"}
    assert vindt("778899") == {"zoe", "geheim"}
    assert vindt("1234AB") == {"boer"}
    assert vindt("dorpsstraat") == {"boer"}
    assert vindt("betalingen") == {"zoe"}
    assert vindt("zoe.muller@example.be") == {"zoe"}
    assert vindt(zoekbaar["wu"].dossiernummer.lower()) == {"wu"}
    assert vindt("muller") == set()  # no accent folding there


def in_bulk(aantal: int, *, begin: int, label, categorieen) -> None:
    """`aantal` complaints in one INSERT, each with its own name, policy number and text."""
    Klacht.objects.bulk_create(
        Klacht(
            dossiernummer=f"KL-2025-{begin + i:06d}",
            label=label,
            status=Status.values[i % len(Status.values)],
            kanaal=Kanaal.TELEFOON,
            ontvangen_op=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=i),
            klant_naam=f"Klant {uuid.uuid4().hex[:10]}",
            klant_email=f"klant{begin + i}@example.nl",
            polisnummer=f"P-{begin + i:08d}",
            afdeling=categorieen[i % len(categorieen)].afdeling,
            categorie=categorieen[i % len(categorieen)],
            omschrijving=f"Klacht nummer {begin + i} over de {uuid.uuid4().hex[:8]}.",
        )
        for i in range(aantal)
    )


@pytest.mark.parametrize(
    ("term", "indexen"),
    [
        ("Müller", {"klacht_zoektekst_trgm", "klacht_omschrijving_fts"}),
        ("Wu", {"klacht_zoektekst_trgm", "klacht_omschrijving_fts"}),
        ("1234AB", {"klacht_zoektekst_trgm", "klacht_omschrijving_fts"}),
        ("KL-2025-000042", {"klacht_email_label_upper", "klacht_omschrijving_fts"}),
    ],
)
def test_zoeken_leest_indexen_en_niet_de_hele_tabel(label, term, indexen):
    """At a few thousand complaints, with sequential scans priced out (so the test does not hang
    on the planner's estimates at this size): every part of the search has an index to read; an
    expression the index does not match exactly would leave a Seq Scan or a Filter over all rows.
    """
    categorieen = [CategorieFactory(afdeling=AfdelingFactory()) for _ in range(3)]
    in_bulk(3000, begin=1, label=label, categorieen=categorieen)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE klachten_klacht")
    gezocht = Klacht.objects.filter(zoeken.zoekvoorwaarde(term, connection.vendor)).order_by()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = gezocht.only("pk").explain()

    assert "Seq Scan" not in plan
    assert "BitmapOr" in plan
    assert all(f"Bitmap Index Scan on {index}" in plan for index in indexen), plan


def test_zoeken_in_de_werkvoorraad_kost_evenveel_queries_bij_10_als_bij_1000_klachten(
    client, label, django_assert_max_num_queries
):
    from tests.klachten.test_werkvoorraad import MAX_WERKVOORRAAD

    afdelingen = AfdelingFactory.create_batch(3)
    categorieen = [CategorieFactory(afdeling=a) for a in afdelingen]
    gebruiker = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=afdelingen)
    client.force_login(gebruiker)
    urls = [
        f"{WERKVOORRAAD}?zoek=klant",
        f"{WERKVOORRAAD}?zoek=P-0000&status=in_onderzoek",
        f"{WERKVOORRAAD}?zoek=klacht&sorteer=klant",
        f"{WERKVOORRAAD}?zoek=KL-2025-000005",
        f"{WERKVOORRAAD}?zoek=Wu&over_termijn=on",
    ]

    def queries(url: str) -> int:
        with (
            django_assert_max_num_queries(MAX_WERKVOORRAAD),
            CaptureQueriesContext(connection) as vastgelegd,
        ):
            response = client.get(url)
        assert response.status_code == 200
        return len(vastgelegd)

    in_bulk(10, begin=1, label=label, categorieen=categorieen)
    bij_10 = {url: queries(url) for url in urls}
    in_bulk(990, begin=11, label=label, categorieen=categorieen)
    bij_1000 = {url: queries(url) for url in urls}

    assert all(bij_1000[url] <= bij_10[url] for url in urls)
    assert len(client.get(urls[0]).context["pagina"]) == 25
