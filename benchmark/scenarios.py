"""The load scenarios of `manage.py benchmark`: what wrk sends for each (benchmark/wrk.lua).

Every scenario is one kind of request to random targets of the prepared data (gegevens.
voorbereiden): dossiernummers, status links, unused survey links, work-queue filters and searches.
Staff scenarios send the session cookie the runner logged in beforehand; the POSTs carry a CSRF
token and its cookie, fetched once from the form page before the load starts (Django accepts the
same token for every request of that cookie), and the Referer a browser sends over HTTPS. Every
request carries the header a load balancer adds (production trusts it for HTTPS). The API
registration authenticates with the API key of a system account (Authorization: Api-Key).
"""

from __future__ import annotations

import json
import re
import urllib.request
from urllib.parse import urlencode, urlsplit

from benchmark.processen import Belasting

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KOPPEN = {"X-Forwarded-Proto": "https"}
FORMULIER = "application/x-www-form-urlencoded"

# The soak's mix: weights of the customer and staff scenarios (the reports by one person).
SOAK_GEWICHTEN = {
    "formulier": 3,
    "api_registratie": 1,
    "status": 3,
    "enquete": 2,
    "werkvoorraad": 3,
    "werkvoorraad_gefilterd": 1,
    "werkvoorraad_zoeken": 1,
    "dossier": 4,
    "api_lijst": 1,
    "api_detail": 1,
    "maandrapport_vastgelegd": 1,
}


def csrf_halen(url: str, pad: str) -> tuple[str, str]:
    """GET a form page: (the Cookie header with the CSRF cookie, the form's token)."""
    verzoek = urllib.request.Request(url + pad, headers=KOPPEN)
    with urllib.request.urlopen(verzoek, timeout=30) as antwoord:
        tekst = antwoord.read().decode()
        koekjes = [k.split(";", 1)[0] for k in antwoord.headers.get_all("Set-Cookie") or []]
    gevonden = CSRF.search(tekst)
    if not gevonden or not koekjes:
        raise RuntimeError(f"Geen CSRF-token of -cookie op {pad}")
    return "; ".join(koekjes), gevonden.group(1)


def verdeling(gewichten: dict[str, int], totaal: int) -> dict[str, int]:
    """`totaal` connections over the scenarios by weight (largest remainder), at least one each."""
    som = sum(gewichten.values())
    ruw = {naam: max(1.0, totaal * g / som) for naam, g in gewichten.items()}
    uitkomst = {naam: int(w) for naam, w in ruw.items()}
    rest = sorted(ruw, key=lambda n: (ruw[n] - uitkomst[n], gewichten[n]), reverse=True)
    for naam in rest[: max(0, totaal - sum(uitkomst.values()))]:
        uitkomst[naam] += 1
    return uitkomst


class Scenarios:
    """Builds each scenario's Belasting against one running server."""

    def __init__(self, url: str, data: dict):
        self.url = url
        self.data = data
        self.host = urlsplit(url).netloc
        self._csrf: dict[str, tuple[str, str]] = {}

    def sessie(self, rol: str) -> dict[str, str]:
        sessie = self.data["accounts"][rol]["sessie"]
        return {**KOPPEN, "Cookie": f"{self.data['sessiecookie']}={sessie}"}

    def post(
        self,
        paden: list[str],
        formulier: str,
        velden: dict[str, str],
        *,
        eenmalig: bool = False,
        categorieen: list[str] | None = None,
    ) -> Belasting:
        """A form POST with the CSRF token of `formulier` (fetched once per server)."""
        if formulier not in self._csrf:
            self._csrf[formulier] = csrf_halen(self.url, formulier)
        cookie, token = self._csrf[formulier]
        return Belasting(
            paden=paden,
            methode="POST",
            koppen={
                **KOPPEN,
                "Cookie": cookie,
                "Content-Type": FORMULIER,
                # Over HTTPS Django checks that a POST comes from its own site.
                "Referer": f"https://{self.host}{paden[0]}",
            },
            lichaam=urlencode({**velden, "csrfmiddlewaretoken": token}),
            categorieen=categorieen or [],
            eenmalig=eenmalig,
            verwacht=302,
        )

    def belasting(self, scenario: str) -> Belasting:
        return getattr(self, scenario)()

    # Baselines -----------------------------------------------------------------------------------

    def basislijn_insert(self) -> Belasting:
        pad = "/basislijn/invoegen/"
        return self.post([pad], pad, {"tekst": "Een regel van de basislijn."})

    def basislijn_select(self) -> Belasting:
        return Belasting(paden=["/basislijn/lijst/"], koppen=dict(KOPPEN))

    # Customers -----------------------------------------------------------------------------------

    def formulier(self) -> Belasting:
        return self.post(
            ["/klacht/"],
            "/klacht/",
            {
                "klant_naam": "Benchmark Klant __GETAL__",
                "klant_email": "bm__GETAL__@example.nl",
                "klant_telefoon": "",
                "polisnummer": "P__GETAL__",
                "categorie": "__CATEGORIE__",
                "omschrijving": "Mijn declaratie is afgewezen zonder uitleg. " * 6,
                "gewenste_oplossing": "Een uitleg en een nieuwe beoordeling.",
                "privacy_akkoord": "on",
                "website": "",
            },
            categorieen=[str(c) for c in self.data["categorieen"]],
        )

    def status(self) -> Belasting:
        return Belasting(
            paden=[f"/klacht/status/{t}/" for t in self.data["status_tokens"]],
            koppen=dict(KOPPEN),
        )

    def enquete(self) -> Belasting:
        tokens = self.data["enquete_tokens"]
        if not tokens:
            raise RuntimeError("Geen ongebruikte enquêtelinks meer: verhoog het aantal.")
        return self.post(
            [f"/enquete/{t}/" for t in tokens],
            "/klacht/",
            {"rapportcijfer": "__CIJFER__", "nps_score": "__NPS__"},
            eenmalig=True,
        )

    # A system account (a CRM) registers complaints through the API --------------------------------

    def api_registratie(self) -> Belasting:
        lichaam = json.dumps(
            {
                "kanaal": "e-mail",
                "klant_naam": "Benchmark Klant __GETAL__",
                "klant_email": "bm__GETAL__@example.nl",
                "categorie": "__CATEGORIE__",
                "omschrijving": "Klacht binnengekomen via het CRM: terugbelverzoek niet opgevolgd.",
            }
        )
        return Belasting(
            paden=["/api/v1/klachten/"],
            methode="POST",
            koppen={
                **KOPPEN,
                "Authorization": f"Api-Key {self.data['api_sleutel']}",
                "Content-Type": "application/json",
            },
            lichaam=lichaam,
            categorieen=self.data["categorie_codes"],
            verwacht=201,
        )

    # Staff ---------------------------------------------------------------------------------------

    def werkvoorraad(self) -> Belasting:
        return Belasting(paden=["/medewerker/"], koppen=self.sessie("behandelaar"))

    def werkvoorraad_gefilterd(self) -> Belasting:
        return Belasting(paden=self.data["werkvoorraad_filters"], koppen=self.sessie("behandelaar"))

    def werkvoorraad_zoeken(self) -> Belasting:
        return Belasting(paden=self.data["werkvoorraad_zoeken"], koppen=self.sessie("behandelaar"))

    def dossier(self) -> Belasting:
        return Belasting(
            paden=[f"/medewerker/klachten/{nr}/" for nr in self.data["dossiernummers"]],
            koppen=self.sessie("behandelaar"),
        )

    def api_lijst(self) -> Belasting:
        """The behandelaar's own logged-in session (API keys are for system accounts only)."""
        return Belasting(paden=self.data["api_lijsten"], koppen=self.sessie("behandelaar"))

    def api_detail(self) -> Belasting:
        return Belasting(
            paden=[f"/api/v1/klachten/{nr}/" for nr in self.data["dossiernummers"]],
            koppen=self.sessie("behandelaar"),
        )

    def maandrapport(self) -> Belasting:
        return Belasting(paden=[self.data["maandrapport"]], koppen=self.sessie("directie"))

    def maandrapport_vastgelegd(self) -> Belasting:
        return Belasting(
            paden=[self.data["maandrapport_vastgelegd"]], koppen=self.sessie("directie")
        )

    def jaarrapport(self) -> Belasting:
        return Belasting(paden=[self.data["jaarrapport"]], koppen=self.sessie("directie"))
