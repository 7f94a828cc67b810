"""The API's list of complaints: the afdeling rules of the staff pages, filters, newest first, and
a cursor (keyset) that pages through without gaps or repeats; a bounded number of queries."""

import datetime as dt

import pytest

from klachten.kalender import AMSTERDAM
from klachten.workflow import Status
from tests.api import api_toegang
from tests.factories import KlachtFactory, klacht_in_status

pytestmark = pytest.mark.django_db

LIJST = "/api/v1/klachten/"


def klachten_op(categorie, aantal: int, *, begin: dt.datetime) -> list:
    return [
        KlachtFactory(categorie=categorie, ontvangen_op=begin + dt.timedelta(hours=i))
        for i in range(aantal)
    ]


def test_lijst_toont_alleen_de_eigen_afdelingen_nieuwste_eerst(
    client, behandelaar, categorie, categorie_b
):
    begin = dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM)
    eigen = klachten_op(categorie, 3, begin=begin)
    klachten_op(categorie_b, 2, begin=begin)  # another afdeling

    response = client.get(LIJST, **api_toegang(client, behandelaar))

    assert response.status_code == 200
    nummers = [k["dossiernummer"] for k in response.json()["results"]]
    assert nummers == [k.dossiernummer for k in reversed(eigen)]


def test_lijst_pagineert_met_een_cursor_zonder_gaten_of_dubbelen(client, directie, categorie):
    begin = dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM)
    alle = klachten_op(categorie, 7, begin=begin)
    gezien = []
    url = f"{LIJST}?aantal=3"
    paginas = 0
    while url:
        response = client.get(url, **api_toegang(client, directie))
        assert response.status_code == 200
        gezien += [k["dossiernummer"] for k in response.json()["results"]]
        url = response.json()["next"]
        paginas += 1
        if paginas == 2:  # a complaint filed meanwhile does not shift the next pages
            KlachtFactory(categorie=categorie, ontvangen_op=begin + dt.timedelta(days=1))

    assert paginas == 3
    assert gezien == [k.dossiernummer for k in reversed(alle)]


def test_lijst_filtert_op_status_en_periode(client, directie, behandelaar, categorie):
    begin = dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM)
    nieuw = klachten_op(categorie, 2, begin=begin)
    onderzocht = klacht_in_status(
        Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie, ontvangen_op=begin
    )
    kop = api_toegang(client, directie)

    status = client.get(f"{LIJST}?status=in_onderzoek", **kop).json()["results"]
    periode = client.get(
        LIJST, {"ontvangen_vanaf": (begin + dt.timedelta(minutes=30)).isoformat()}, **kop
    ).json()["results"]

    assert [k["dossiernummer"] for k in status] == [onderzocht.dossiernummer]
    assert [k["dossiernummer"] for k in periode] == [nieuw[1].dossiernummer]


def test_lijst_met_ongeldig_filter_geeft_400(client, directie):
    response = client.get(f"{LIJST}?status=bestaat-niet", **api_toegang(client, directie))

    assert response.status_code == 400
    assert "status" in response.json()


def test_lijst_zonder_token_geeft_401(client):
    assert client.get(LIJST).status_code == 401


def test_lijst_doet_een_vast_aantal_queries(
    client, behandelaar, categorie, django_assert_max_num_queries
):
    klachten_op(categorie, 30, begin=dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM))
    kop = api_toegang(client, behandelaar)

    # session + user (a person uses the API through their own login), permissions (groups),
    # the page (one query with its joins), the access log of the page's complaints (one INSERT
    # for all): 8, whatever the number of complaints.
    with django_assert_max_num_queries(8):
        response = client.get(LIJST, **kop)

    assert len(response.json()["results"]) == 25


@pytest.mark.parametrize(
    "query",
    [
        "ontvangen_vanaf=",
        "ontvangen_tot=%20",
        "status=",
        "label=",
        "ontvangen_vanaf=gisteren",
        "ontvangen_tot=2026-13-45",
        "kanaal=postduif",
    ],
)
def test_een_leeg_of_onleesbaar_filter_geeft_400_met_een_veldfout(client, directie, query):
    """Not silently everything: a caller who meant to filter is told which filter is wrong."""
    veld = query.split("=")[0]

    response = client.get(f"{LIJST}?{query}", **api_toegang(client, directie))

    assert response.status_code == 400
    assert list(response.json()) == [veld]
    assert response.json()[veld]


def test_een_geldig_filter_naast_geen_filter_werkt_nog(client, directie, categorie):
    klachten_op(categorie, 2, begin=dt.datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM))

    response = client.get(
        f"{LIJST}?ontvangen_vanaf=2026-03-02T09:30:00%2B01:00", **api_toegang(client, directie)
    )

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_een_moment_met_een_verre_tijdzone_filtert_in_utc_en_een_onmogelijk_moment_is_400(
    client, directie
):
    """Python reads offsets up to 24 hours, PostgreSQL up to 16: the moment goes to the database
    in UTC (it was a 500); one outside what UTC can hold is a field error."""
    kop = api_toegang(client, directie)

    ver = client.get(f"{LIJST}?ontvangen_vanaf=2209-01-31T00:06:00%2B21:45", **kop)
    onmogelijk = client.get(f"{LIJST}?ontvangen_tot=9999-12-31T23:00:00-05:00", **kop)

    assert ver.status_code == 200
    assert ver.json()["results"] == []
    assert onmogelijk.status_code == 400
    assert list(onmogelijk.json()) == ["ontvangen_tot"]
