"""Hostile input in the social media webhook (issue 21, acceptance 2): every field of the
payload. The rules as for the API (test_vijandige_api): never a 500; a value is stored exactly
(as the serializer trims it) and shown escaped on the staff pages, or refused with 400 and an
error on its field, and then nothing is stored. The body is signed correctly each time: these
are the tool's own (or a compromised tool's) values, past the signature."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from klachten.models import Gebeurtenis, Klacht, SociaalBericht
from tests.beveiliging.vijandig import EEN_MB, VIJANDIG, geteld, veilig_getoond
from tests.sociaal import koppeling_maken, payload, posten

pytestmark = pytest.mark.django_db


class Ruw(str):
    """JSON string content written as it is (a lone surrogate's escape \\ud800)."""


def als_json(data: dict) -> bytes:
    delen = (
        f"{json.dumps(k)}: " + (f'"{v}"' if isinstance(v, Ruw) else json.dumps(v))
        for k, v in data.items()
    )
    return ("{" + ", ".join(delen) + "}").encode("utf-8")


SURROGAAT = Ruw("Los\\ud800surrogaat")
NUL = "tekst\x00met NUL"
TOEKOMST = (timezone.now() + dt.timedelta(days=1)).isoformat()

WEIGEREN: dict[str, list] = {
    "platform": ["X", "x y", "<script>", "x" * 31, "", NUL, SURROGAAT, 5, None, ["x"]],
    "id": ["", "a b", "x" * 201, NUL, "é", "a\r\nb", SURROGAAT, 5, None, {"a": 1}],
    "author_handle": ["", "@", "a b", "a\nb", "x" * 102, NUL, SURROGAAT, "a\u2028b", 5, None],
    "display_name": ["a\r\nBcc: x@evil.example", "\x1b[31mrood", "x" * 201, NUL, SURROGAAT, 5],
    "text": ["", "   ", NUL, SURROGAAT, "x" * 5001, 5, None, ["tekst"]],
    "link": [
        "javascript:alert(1)",
        "ftp://x.example/a",
        "data:text/html,<script>alert(1)</script>",
        "https://x.example/\r\nX-Kop: y",
        "https://" + "x" * 500 + ".example",
        "geen adres",
        NUL,
        5,
    ],
    "time": [
        "gisteren",
        "2026-01-01T10:00:00",  # no time zone
        TOEKOMST,
        "1999-12-31T23:00:00+00:00",
        "",
        5,
        None,
    ],
    "public": ["true", "false", 1, 0, "yes", None, [True]],
    "in_reply_to": ["a b", "x" * 201, NUL, SURROGAAT, 5],
}


@pytest.fixture
def koppeling(label):
    return koppeling_maken(label)


def _posten(client, koppeling, data: dict):
    antwoord = posten(client, koppeling, als_json(data))
    assert antwoord.status_code != 500, antwoord.content[:300]
    return antwoord


@pytest.mark.parametrize("veld", list(WEIGEREN))
def test_webhook_weigert_vijandige_waarde_met_fout_bij_dat_veld_en_slaat_niets_op(
    client, koppeling, veld
):
    for waarde in WEIGEREN[veld]:
        antwoord = _posten(client, koppeling, {**payload(), veld: waarde})
        geteld("sociaal", 1)

        assert antwoord.status_code == 400, (veld, repr(waarde)[:60])
        assert antwoord.json()["fout"] == "ongeldig"
        assert set(antwoord.json().get("velden", {})) == {veld}, (
            veld,
            repr(waarde)[:60],
            antwoord.json(),
        )
    assert not Klacht.objects.exists()
    assert not SociaalBericht.objects.exists()
    assert not Gebeurtenis.objects.exists()


@pytest.mark.parametrize("veld", ["platform", "id", "author_handle", "text", "time", "public"])
def test_webhook_weigert_een_ontbrekend_verplicht_veld(client, koppeling, veld):
    gegevens = payload()
    del gegevens[veld]
    antwoord = _posten(client, koppeling, gegevens)
    assert antwoord.status_code == 400
    assert set(antwoord.json()["velden"]) == {veld}
    assert not Klacht.objects.exists()


def test_webhook_weigert_een_onbekend_veld(client, koppeling):
    antwoord = _posten(client, koppeling, {**payload(), "dossiernummer": "KL-2026-000001"})
    assert antwoord.status_code == 400
    assert set(antwoord.json()["velden"]) == {"dossiernummer"}
    assert not Klacht.objects.exists()


def test_webhook_weigert_een_te_groot_bericht(client, koppeling):
    antwoord = posten(client, koppeling, json.dumps({**payload(), "text": EEN_MB}).encode())
    assert antwoord.status_code == 413
    assert not Klacht.objects.exists()


@pytest.mark.parametrize("waarde_naam", list(VIJANDIG))
def test_webhook_bewaart_vijandige_tekst_exact_en_de_paginas_tonen_hem_escaped(
    client, koppeling, behandelaar, beheerder, waarde_naam
):
    waarde = VIJANDIG[waarde_naam]
    naam_mag = waarde_naam not in {"kopregel", "stuurtekens"}  # one line: refused there
    gegevens = {**payload(), "text": waarde}
    if naam_mag:
        gegevens["display_name"] = waarde

    antwoord = _posten(client, koppeling, gegevens)
    geteld("sociaal", 2 if naam_mag else 1)

    assert antwoord.status_code == 201, antwoord.json()
    klacht = Klacht.objects.get()
    assert klacht.omschrijving.startswith(waarde.strip())
    assert SociaalBericht.objects.get().tekst == waarde
    if naam_mag:
        assert klacht.klant_naam == waarde.strip()
    client.force_login(beheerder)
    for url in (
        reverse("klachten:dossier", args=[klacht.dossiernummer]),
        reverse("klachten:werkvoorraad"),
    ):
        veilig_getoond(client.get(url).content.decode(), waarde)
