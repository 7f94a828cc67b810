"""A favicon (issue 19): one neutral SVG icon, a static file served by whitenoise, linked from
the staff and the public pages; allowed by the CSP (img-src 'self')."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

ICOON = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'


def test_het_icoon_is_een_statisch_svg_bestand():
    pad = finders.find("img/favicon.svg")

    assert pad is not None
    with open(pad, encoding="utf-8") as bestand:
        inhoud = bestand.read()
    assert inhoud.startswith("<svg ")
    assert "<script" not in inhoud


def test_publieke_pagina_linkt_naar_het_icoon_en_de_csp_staat_het_toe(client, label):
    response = client.get(reverse("klachten:indienen"))

    assert ICOON in response.content.decode()
    img_src = re.search(r"img-src ([^;]+)", response["Content-Security-Policy"]).group(1)
    assert "'self'" in img_src.split()


def test_medewerkerpagina_linkt_naar_het_icoon(behandelaar_client):
    response = behandelaar_client.get(reverse("klachten:werkvoorraad"))

    assert response.status_code == 200
    assert ICOON in response.content.decode()


def test_favicon_ico_verwijst_naar_het_icoon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
