"""Logs that help and keep secret links out (issue 15, Access): the configured handlers of
config.settings LOGGING, read back as the text they write."""

import io
import logging
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from klachten.logboek import maskeren
from tests.factories import KlachtFactory

TOKEN = "Zq3-geheim_9kTw2"


@pytest.fixture
def logregels():
    """What the root's console handler (the one production writes to stderr) writes meanwhile."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    uit = io.StringIO()
    vorige = handler.setStream(uit)
    yield uit
    handler.setStream(vorige)


@pytest.mark.parametrize(
    ("tekst", "verwacht"),
    [
        (f"Not Found: /klacht/status/{TOKEN}/", "Not Found: /klacht/status/***/"),
        (f"/klacht/status/{TOKEN}/aanvullen/", "/klacht/status/***/aanvullen/"),
        (f"/klacht/status/{TOKEN}/heroverweging/", "/klacht/status/***/heroverweging/"),
        (f"GET /enquete/{TOKEN}/ HTTP/1.1", "GET /enquete/***/ HTTP/1.1"),
        (f"/enquete/{TOKEN}/bedankt/", "/enquete/***/bedankt/"),
        (f"/account/koppelen/{TOKEN}/", "/account/koppelen/***/"),
        (f"/account/reset/MQ/{TOKEN}/", "/account/reset/MQ/***/"),
        (
            f"/account/login/?next=%2Fklacht%2Fstatus%2F{TOKEN}%2F",
            "/account/login/?next=%2Fklacht%2Fstatus%2F***%2F",
        ),
        (
            f'"https://klachten.example/zorg/klacht/status/{TOKEN}?x=1"',
            '"https://klachten.example/zorg/klacht/status/***?x=1"',
        ),
        ("/medewerker/klachten/KL-2026-000001/", "/medewerker/klachten/KL-2026-000001/"),
        ("/klacht/ontvangen/", "/klacht/ontvangen/"),
    ],
)
def test_maskeren_vervangt_de_token_van_elke_geheime_link(tekst, verwacht):
    assert maskeren(tekst) == verwacht


@pytest.mark.parametrize("debug", [False, True])
def test_een_geweigerd_verzoek_is_een_regel_zonder_traceback(
    client, behandelaar, request, settings, debug
):
    """Django logs a PermissionDenied with its traceback, and with DEBUG on it printed it twice
    (its own console handler and the root's)."""
    settings.DEBUG = debug
    client.force_login(behandelaar)
    logregels = request.getfixturevalue("logregels")

    response = client.get(reverse("klachten:privacy"))

    assert response.status_code == 403
    regels = [r for r in logregels.getvalue().splitlines() if r.strip()]
    assert regels == [regels[0]]
    assert "Forbidden (Permission denied): /medewerker/privacy/" in regels[0]
    assert "Traceback" not in logregels.getvalue()


def test_een_onbekende_statuslink_is_een_regel_zonder_token(client, db, logregels):
    response = client.get(reverse("klachten:status", args=[TOKEN]))

    assert response.status_code == 404
    assert TOKEN not in logregels.getvalue()
    assert logregels.getvalue().count("Not Found: /klacht/status/***/") == 1


def test_een_fout_is_een_traceback_met_het_verzoek_id_dat_ook_op_de_pagina_staat(
    label, categorie, logregels, monkeypatch, settings
):
    settings.ADMINS = [("Beheer", "beheer@example.nl")]
    klacht = KlachtFactory(label=label, categorie=categorie)
    pad = reverse("klachten:status", args=[klacht.status_token])

    def kapot(*args, **kwargs):
        raise RuntimeError(f"kapot bij {pad}")

    monkeypatch.setattr("klachten.views.publiek._status_context", kapot)
    response = Client(raise_request_exception=False).get(pad)

    assert response.status_code == 500
    verzoek_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", verzoek_id)
    assert verzoek_id in response.content.decode()
    tekst = logregels.getvalue()
    assert tekst.count("Traceback") == 1
    assert f"[{verzoek_id}] django.request: Internal Server Error: /klacht/status/***/" in tekst
    assert "RuntimeError: kapot bij /klacht/status/***/" in tekst
    assert klacht.status_token not in tekst
    # The error mail: the same masked line and traceback, no request report.
    (foutmail,) = mail.outbox
    assert verzoek_id in foutmail.subject
    assert "RuntimeError: kapot bij /klacht/status/***/" in foutmail.body
    assert klacht.status_token not in foutmail.subject + foutmail.body
    assert "HTTP_COOKIE" not in foutmail.body


def test_elke_regel_van_een_verzoek_draagt_het_verzoek_id(client, db, logregels):
    response = client.get("/bestaat-niet/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")

    assert response.headers["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    assert "[0123456789abcdef0123456789abcdef] django.request: Not Found" in logregels.getvalue()
