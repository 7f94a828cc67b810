"""The load scenarios of `manage.py benchmark`, run by locust against the real server (gunicorn).

One user class per scenario (benchmark.scenarios names them); the runner starts locust headless
with one class for a measurement, or several for the mixed soak. Every user runs closed-loop (no
think time): it sends its next request when the previous one is answered. Requests that only
prepare a user (fetch a CSRF token) are named "voorbereiding" and left out of the figures; staff
users use a session the runner logged in beforehand.

The runner passes what the users need in a JSON file (BENCHMARK_DATA): sessions, an API token,
dossiernummers, status tokens, unused survey tokens. The number of queries of each request comes
from the X-Queries header (benchmark.middleware) and is written to BENCHMARK_QUERIES at the end.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from locust import FastHttpUser, constant, events, task

DATA = json.loads(Path(os.environ["BENCHMARK_DATA"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VOORBEREIDING = "voorbereiding"
# Every request carries what the load balancer would add (production trusts it for HTTPS).
KOPPEN = {"X-Forwarded-Proto": "https"}

_queries: dict[str, list[int]] = defaultdict(list)
_enquetes = iter(DATA["enquete_tokens"])


@events.request.add_listener
def _queries_tellen(name, response=None, exception=None, **kwargs):
    if name == VOORBEREIDING or response is None:
        return
    waarde = (response.headers or {}).get("X-Queries")
    if waarde is not None:
        _queries[name].append(int(waarde))


@events.quitting.add_listener
def _queries_wegschrijven(environment, **kwargs):
    pad = os.environ.get("BENCHMARK_QUERIES")
    if not pad:
        return
    Path(pad).write_text(
        json.dumps(
            {
                naam: {"min": min(w), "max": max(w), "gemiddeld": sum(w) / len(w)}
                for naam, w in _queries.items()
                if w
            }
        )
    )


class Gebruiker(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    scenario = ""
    sessie = ""

    def halen(self, url: str, *, naam: str | None = None, koppen: dict | None = None):
        """GET and check 200."""
        with self.client.get(
            url,
            name=naam or self.scenario,
            headers={
                **KOPPEN,
                **({"Cookie": self.sessie} if self.sessie else {}),
                **(koppen or {}),
            },
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} op {url}")
            return response

    def versturen(self, url: str, data: dict, *, verwacht: int = 302, naam: str | None = None):
        """POST a form (with the CSRF token) and check the status; redirects are not followed."""
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.csrf},
            name=naam or self.scenario,
            # Over HTTPS Django checks that a POST comes from its own site.
            headers={**KOPPEN, "Referer": f"https://{urlsplit(self.host).netloc}{url}"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != verwacht:
                response.failure(f"{response.status_code} op POST {url}")
            return response

    def csrf_halen(self, url: str) -> None:
        response = self.halen(url, naam=VOORBEREIDING)
        gevonden = CSRF.search(response.text or "")
        if not gevonden:
            raise RuntimeError(f"Geen CSRF-token op {url}")
        self.csrf = gevonden.group(1)

    def inloggen(self, rol: str) -> None:
        """Use the session the runner logged in for this role (sent as its cookie)."""
        self.sessie = f"{DATA['sessiecookie']}={DATA['accounts'][rol]['sessie']}"


# Baselines ---------------------------------------------------------------------------------------


class BasislijnInsert(Gebruiker):
    scenario = "basislijn_insert"

    def on_start(self):
        self.csrf_halen("/basislijn/invoegen/")

    @task
    def invoegen(self):
        self.versturen("/basislijn/invoegen/", {"tekst": "Een regel van de basislijn."})


class BasislijnSelect(Gebruiker):
    scenario = "basislijn_select"

    @task
    def lijst(self):
        self.halen("/basislijn/lijst/")


# Customers ---------------------------------------------------------------------------------------


class Formulier(Gebruiker):
    scenario = "formulier"
    weight = 3

    def on_start(self):
        self.csrf_halen("/klacht/")

    @task
    def indienen(self):
        nummer = random.randrange(10**9)
        self.versturen(
            "/klacht/",
            {
                "klant_naam": f"Benchmark Klant {nummer}",
                "klant_email": f"bm{nummer}@example.nl",
                "klant_telefoon": "",
                "polisnummer": f"P{nummer}",
                "categorie": random.choice(DATA["categorieen"]),
                "omschrijving": "Mijn declaratie is afgewezen zonder uitleg. " * 6,
                "gewenste_oplossing": "Een uitleg en een nieuwe beoordeling.",
                "privacy_akkoord": "on",
                "website": "",
            },
        )


class Status(Gebruiker):
    scenario = "status"
    weight = 3

    @task
    def bekijken(self):
        self.halen(f"/klacht/status/{random.choice(DATA['status_tokens'])}/")


class Enquete(Gebruiker):
    scenario = "enquete"
    weight = 2

    def on_start(self):
        self.csrf_halen("/klacht/")

    @task
    def beantwoorden(self):
        token = next(_enquetes, None)
        if token is None:
            raise RuntimeError("Geen ongebruikte enquêtelinks meer: verhoog het aantal.")
        self.versturen(
            f"/enquete/{token}/",
            {"rapportcijfer": random.randint(1, 10), "nps_score": random.randint(0, 10)},
        )


# Staff -------------------------------------------------------------------------------------------


class Werkvoorraad(Gebruiker):
    scenario = "werkvoorraad"
    weight = 3

    def on_start(self):
        self.inloggen("behandelaar")

    @task
    def eerste_pagina(self):
        self.halen("/medewerker/")


class WerkvoorraadGefilterd(Gebruiker):
    scenario = "werkvoorraad_gefilterd"
    weight = 1

    def on_start(self):
        self.inloggen("behandelaar")

    @task
    def gefilterd(self):
        self.halen(random.choice(DATA["werkvoorraad_filters"]))


class WerkvoorraadZoeken(Gebruiker):
    scenario = "werkvoorraad_zoeken"
    weight = 1

    def on_start(self):
        self.inloggen("behandelaar")

    @task
    def zoeken(self):
        self.halen(random.choice(DATA["werkvoorraad_zoeken"]))


class Dossier(Gebruiker):
    scenario = "dossier"
    weight = 4

    def on_start(self):
        self.inloggen("behandelaar")

    @task
    def openen(self):
        self.halen(f"/medewerker/klachten/{random.choice(DATA['dossiernummers'])}/")


class Maandrapport(Gebruiker):
    scenario = "maandrapport"
    weight = 1

    def on_start(self):
        self.inloggen("directie")

    @task
    def bekijken(self):
        self.halen(DATA["maandrapport"])


class MaandrapportVastgelegd(Maandrapport):
    scenario = "maandrapport_vastgelegd"

    @task
    def bekijken(self):
        self.halen(DATA["maandrapport_vastgelegd"])


class Jaarrapport(Maandrapport):
    scenario = "jaarrapport"

    @task
    def bekijken(self):
        self.halen(DATA["jaarrapport"])


class ApiLijst(Gebruiker):
    """The behandelaar's own logged-in session (API keys are for system accounts only)."""

    scenario = "api_lijst"
    weight = 1

    def on_start(self):
        self.inloggen("behandelaar")

    @task
    def lijst(self):
        self.halen(random.choice(DATA["api_lijsten"]))


class ApiDetail(Gebruiker):
    scenario = "api_detail"
    weight = 1

    def on_start(self):
        self.inloggen("behandelaar")

    @task
    def detail(self):
        self.halen(f"/api/v1/klachten/{random.choice(DATA['dossiernummers'])}/")
