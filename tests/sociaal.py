"""Helpers of the social media tests (issue 21): a connection, a payload, a signed POST, and a
real HTTP server standing in for the monitoring tool's outgoing webhook."""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid
from contextlib import contextmanager

from django.urls import reverse
from django.utils import timezone

from klachten.models import Socialekoppeling
from klachten.sociaal import handtekening

GEHEIM = "gedeeld-geheim-voor-de-test-" + "x" * 20
UITGAAND_GEHEIM = "uitgaand-geheim-van-de-tool"


def koppeling_maken(label, *, uitgaand_url: str = "") -> Socialekoppeling:
    return Socialekoppeling.objects.create(
        naam=f"Monitor {uuid.uuid4().hex[:6]}",
        label=label,
        geheim=handtekening.versleutelen(GEHEIM),
        uitgaand_url=uitgaand_url,
        uitgaand_geheim=handtekening.versleutelen(UITGAAND_GEHEIM) if uitgaand_url else "",
    )


def payload(**anders) -> dict:
    gegevens = {
        "platform": "x",
        "id": f"post-{uuid.uuid4().hex}",
        "author_handle": "@AnnaDeVries",
        "display_name": "Anna de Vries",
        "text": "Al drie weken wacht ik op mijn declaratie. Niemand belt terug!",
        "link": "https://x.example/annadevries/status/1",
        "time": timezone.now().isoformat(),
        "public": True,
    }
    gegevens.update(anders)
    return gegevens


def posten(client, koppeling, body: bytes | dict, *, geheim: str = GEHEIM, tijd=None, **koppen):
    """POST `body` to the connection's webhook, signed with `geheim` at `tijd` (now)."""
    if isinstance(body, dict):
        body = json.dumps(body).encode("utf-8")
    tijd = str(int(time.time()) if tijd is None else tijd)
    headers = {
        "HTTP_X_KLACHTEN_TIMESTAMP": tijd,
        "HTTP_X_KLACHTEN_SIGNATURE": handtekening.ondertekenen(geheim, tijd, body),
    }
    headers.update(koppen)
    return client.post(
        reverse("sociaal-webhook", kwargs={"sleutel": koppeling.sleutel}),
        data=body,
        content_type="application/json",
        **headers,
    )


class _Tool(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        lengte = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(lengte)
        server = self.server
        server.ontvangen.append((dict(self.headers), body))
        status = server.antwoorden.pop(0) if server.antwoorden else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def monitoringtool(antwoorden: list[int] | None = None):
    """A real HTTP server on a free port (the tool's outgoing webhook): answers the statuses in
    `antwoorden` in turn, then 200; `server.ontvangen` holds (headers, body) of every request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tool)
    server.ontvangen = []
    server.antwoorden = list(antwoorden or [])
    draad = threading.Thread(target=server.serve_forever, daemon=True)
    draad.start()
    try:
        server.url = f"http://127.0.0.1:{server.server_address[1]}/antwoord"
        yield server
    finally:
        server.shutdown()
        server.server_close()
