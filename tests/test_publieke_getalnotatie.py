"""Dutch (and French) number formats on every public page (issue 19: "the public report shows
quarter grades as "6.3" where every other page writes "6,3""): each public page, rendered with
data in nl and fr, has no decimal point in a figure."""

import datetime as dt
import html
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from pypdf import PdfReader

from klachten.kalender import AMSTERDAM
from klachten.models import Klacht
from klachten.workflow import Status
from klanttevredenheid.models import Kwartaalcijfer
from rapportage import services as rapportage_services
from tests.factories import klacht_in_status, respons, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 1, 15, 10, 0, tzinfo=AMSTERDAM)

# What may carry a point between digits and is no figure: a URL, an e-mail address, a
# dossiernummer, a date (15.01.2026), a version (1.2.3).
GEEN_GETAL = re.compile(
    r"\S+://\S+"
    r"|[\w.+-]+@[\w.-]+"
    r"|KL-\d{4}-\d{6}"
    r"|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"
    r"|\bv?\d+(?:\.\d+){2,}\b"
)
DECIMALE_PUNT = re.compile(r"\d\.\d")


def zichtbare_tekst(response) -> str:
    """The text a visitor reads: no tags, attributes, scripts or styles (of a PDF: its text)."""
    if response["Content-Type"] == "application/pdf":
        pdf = PdfReader(io.BytesIO(response.content))
        return "\n".join(pagina.extract_text() for pagina in pdf.pages)
    bron = response.content.decode()
    bron = re.sub(r"<(script|style)\b.*?</\1>", " ", bron, flags=re.DOTALL | re.IGNORECASE)
    bron = re.sub(r"<!--.*?-->", " ", bron, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", bron))


def decimale_punten(response) -> list[str]:
    tekst = GEEN_GETAL.sub(" ", zichtbare_tekst(response))
    return [tekst[max(m.start() - 30, 0) : m.end() + 30] for m in DECIMALE_PUNT.finditer(tekst)]


@pytest.fixture
def gegevens(label, behandelaar, directie, categorie, time_machine):
    """A year with complaints and survey grades whose averages have decimals, its report
    published with a quarter grade of 6.3; a complaint filed now."""
    time_machine.move_to(dt.datetime(2025, 5, 6, 10, tzinfo=AMSTERDAM), tick=False)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    for cijfer in (6, 7, 7):
        respons(rapportcijfer=cijfer, nps_score=cijfer + 1)
    time_machine.move_to(NU, tick=False)
    Kwartaalcijfer.objects.create(
        label=label, jaar=2025, kwartaal=4, gemiddelde="6.3", aantal=143, berekend_op=NU
    )
    Kwartaalcijfer.objects.create(
        label=label, jaar=2025, kwartaal=3, gemiddelde="7.2", aantal=12, berekend_op=NU
    )
    rapport = rapportage_services.jaarrapport_voor(jaar=2025, label=label)
    rapportage_services.jaarrapport_bewerken(
        jaarrapport=rapport, door=directie, toelichting="Minder klachten dan vorig jaar."
    )
    rapportage_services.jaarrapport_publiceren(jaarrapport=rapport, door=directie)
    return {"label": label, "categorie": categorie}


# Routes for staff only (login required): not public pages.
MEDEWERKERS = ("medewerker/", "admin/", "api/")

# Public URL patterns (no login) that are no page with figures, and why; every other public pattern
# is rendered by _publieke_paginas (the test holds the two together).
NIET_GETOETST = {
    "favicon.ico": "an icon",
    "set_language": "sets the language and redirects (POST)",
    "klachten:start": "the staff's start page: sends a visitor to the login",
    "klachten:klant-bijlage": "the customer's own uploaded file, as they sent it",
    "logout": "POST only, ends a staff session",
    "password_change": "needs a login",
    "password_change_done": "needs a login",
    "tweestaps": "the staff's second login step: only after the password",
    "tweestaps-instellen": "the staff's second login step: only after the password",
    "koppellink": "a one-time link the beheerder hands out to staff",
}


def publieke_patronen() -> set[str]:
    """The name (else the route) of every URL pattern outside the staff's parts of the site."""

    def doorlopen(resolver, voorvoegsel="", namespace=None):
        for patroon in resolver.url_patterns:
            route = voorvoegsel + str(patroon.pattern)
            if isinstance(patroon, URLResolver):
                yield from doorlopen(patroon, route, patroon.namespace or namespace)
            elif patroon.name:
                yield route, f"{namespace}:{patroon.name}" if namespace else patroon.name
            else:
                yield route, route

    return {naam for route, naam in doorlopen(get_resolver()) if not route.startswith(MEDEWERKERS)}


def _publieke_paginas(client: Client, gegevens, klacht_formulier_data) -> dict:
    """Every public page (the public URL patterns of klachten, klanttevredenheid, rapportage and
    the staff's login), rendered with data, keyed by the pattern's name (a #suffix for each
    further state of the same page)."""
    label = gegevens["label"]
    paginas = {
        "klachten:indienen": client.get(reverse("klachten:indienen")),
        "klachten:indienen-label": client.get(
            reverse("klachten:indienen-label", args=[label.slug])
        ),
        "klachten:ontvangen": client.post(
            reverse("klachten:indienen"), klacht_formulier_data, follow=True
        ),
        "klachten:link-kwijt": client.get(reverse("klachten:link-kwijt")),
        "klachten:procedure": client.get(reverse("klachten:procedure")),
        "klachten:procedure-label": client.get(
            reverse("klachten:procedure-label", args=[label.slug])
        ),
        "rapportage:publiek": client.get(reverse("rapportage:publiek")),
        "rapportage:publiek-label": client.get(
            reverse("rapportage:publiek-label", args=[label.slug])
        ),
        "rapportage:publiek-jaar": client.get(
            reverse("rapportage:publiek-jaar", args=[label.slug, 2025])
        ),
        "rapportage:publiek-jaar-pdf": client.get(
            reverse("rapportage:publiek-jaar-pdf", args=[label.slug, 2025])
        ),
        "klanttevredenheid:publiek": client.get(reverse("klanttevredenheid:publiek")),
        "klanttevredenheid:publiek-label": client.get(
            reverse("klanttevredenheid:publiek-label", args=[label.slug])
        ),
        "login": client.get(reverse("login")),
        "password_reset": client.get(reverse("password_reset")),
        "password_reset_done": client.get(reverse("password_reset_done")),
        "password_reset_confirm": client.get(
            reverse("password_reset_confirm", args=["MQ", "bestaat-niet"])
        ),
        "password_reset_complete": client.get(reverse("password_reset_complete")),
        "404": client.get("/bestaat-niet/"),
    }
    for klacht in Klacht.objects.order_by("pk"):
        paginas[f"klachten:status#{klacht.get_status_display()}"] = client.get(
            reverse("klachten:status", args=[klacht.status_token])
        )
    open_ = Klacht.objects.exclude(status=Status.AFGESLOTEN).order_by("pk").first()
    aanvullen = reverse("klachten:aanvullen", args=[open_.status_token])
    paginas["klachten:aanvullen"] = client.post(aanvullen, {"tekst": "Nog een foto."}, follow=True)
    paginas["klachten:aanvullen#fout"] = client.post(aanvullen, {"tekst": ""})
    beantwoord = Klacht.objects.get(status=Status.BEANTWOORD)
    paginas["klachten:heroverweging-vragen"] = client.post(
        reverse("klachten:heroverweging-vragen", args=[beantwoord.status_token]),
        {"reden": "Het antwoord gaat niet in op mijn vraag."},
        follow=True,
    )
    uitnodiging = verzonden_uitnodiging()
    enquete = reverse("klanttevredenheid:enquete", args=[uitnodiging.token])
    paginas["klanttevredenheid:enquete"] = client.get(enquete)
    paginas["klanttevredenheid:bedankt"] = client.post(
        enquete, {"rapportcijfer": "8", "nps_score": "9"}, follow=True
    )
    return paginas


@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_geen_decimale_punt_in_een_getal_op_een_publieke_pagina(
    client, gegevens, klacht_formulier_data, taal
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = taal

    paginas = _publieke_paginas(client, gegevens, klacht_formulier_data)

    # Every public page: one added later is rendered here too (or named above with a reason).
    getoetst = {naam.split("#")[0] for naam in paginas} - {"404"}
    assert getoetst | NIET_GETOETST.keys() == publieke_patronen()
    assert not getoetst & NIET_GETOETST.keys()
    assert {naam: r.status_code for naam, r in paginas.items()} == {
        naam: 404 if naam == "404" else 200 for naam in paginas
    }
    assert {naam: decimale_punten(r) for naam, r in paginas.items() if decimale_punten(r)} == {}


@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_kwartaalcijfer_in_het_publieke_jaarverslag_met_een_komma(client, gegevens, taal):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = taal

    tekst = zichtbare_tekst(client.get(reverse("rapportage:publiek")))

    assert "6,3" in tekst
    assert "7,2" in tekst
    assert "6.3" not in tekst


def test_de_controle_vindt_een_decimale_punt(client, gegevens):
    """The check itself: in English the same pages write a point, and the test sees it, also in
    the text of the PDF and on the public satisfaction figures."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    slug = gegevens["label"].slug

    for url in (
        reverse("rapportage:publiek"),
        reverse("rapportage:publiek-jaar-pdf", args=[slug, 2025]),
        reverse("klanttevredenheid:publiek-label", args=[slug]),
    ):
        assert any("6.3" in stuk for stuk in decimale_punten(client.get(url))), url
