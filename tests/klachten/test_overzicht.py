"""The work queue: nearest deadline first, paginated, and a query count that does not grow with the data
(STYLE.md, Tests)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten import rollen
from klachten.models import Afdeling
from tests.factories import KlachtFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

OVERZICHT = reverse("klachten:werkvoorraad")
# Session, user, roles, afdelingen (header and queue), the status counts (kept counts and two
# corrections), the page (own complaints, then the rest), and the choices of the afdeling,
# categorie and behandelaar filters, the navigation's count of letters to print (issue 18) and
# the user's saved views (issue 19): a fixed number, whatever the data.
MAX_QUERIES = 15


def queries_voor(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def klachten_met_eigen_afdeling_en_behandelaar(aantal: int, label) -> None:
    """Every complaint its own categorie, afdeling and behandelaar, so an N+1 would show."""
    for klacht in KlachtFactory.create_batch(aantal, label=label):
        klacht.behandelaar = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR])
        klacht.save(update_fields=["behandelaar"])


@pytest.mark.parametrize("rol", [rollen.DIRECTIE, rollen.KLACHTBEHANDELAAR])
def test_overzicht_gebruikt_evenveel_queries_bij_5_als_bij_30_klachten(
    client, label, django_assert_max_num_queries, rol
):
    gebruiker = MedewerkerFactory(rollen=[rol])
    client.force_login(gebruiker)

    klachten_met_eigen_afdeling_en_behandelaar(5, label)
    gebruiker.afdelingen.set(Afdeling.objects.all())
    with django_assert_max_num_queries(MAX_QUERIES):
        bij_5 = queries_voor(client, OVERZICHT)

    klachten_met_eigen_afdeling_en_behandelaar(25, label)
    gebruiker.afdelingen.set(Afdeling.objects.all())
    with django_assert_max_num_queries(MAX_QUERIES):
        bij_30 = queries_voor(client, OVERZICHT)
    with django_assert_max_num_queries(MAX_QUERIES):
        pagina_2 = queries_voor(client, f"{OVERZICHT}?pagina=2")

    assert bij_30 == bij_5
    # A later page without own complaints counts those once, to know where the rest begins.
    assert pagina_2 <= bij_5 + 1


def test_werkvoorraad_toont_de_eerstvolgende_termijn_eerst_25_per_pagina(client, directie, label):
    KlachtFactory.create_batch(30, label=label)
    client.force_login(directie)

    pagina_1 = client.get(OVERZICHT).context["pagina"]
    pagina_2 = client.get(f"{OVERZICHT}?pagina=2").context["pagina"]

    assert len(pagina_1) == 25
    assert len(pagina_2) == 5
    termijnen = [k.volgende_termijn_datum for k in [*pagina_1, *pagina_2]]
    assert termijnen == sorted(termijnen)
