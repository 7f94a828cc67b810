"""Dutch (and French) number formats on every public page (issue 19: "the public report shows
quarter grades as "6.3" where every other page writes "6,3""): each public page, rendered with
data in nl and fr, has no decimal point in a figure."""

import datetime as dt
import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

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
    """The text a visitor reads: no tags, attributes, scripts or styles."""
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


def _publieke_paginas(client: Client, gegevens, klacht_formulier_data) -> dict:
    """Every public page (the public URL patterns of klachten, klanttevredenheid and
    rapportage), rendered with data."""
    label = gegevens["label"]
    paginas = {
        "formulier": client.get(reverse("klachten:indienen")),
        "formulier-label": client.get(reverse("klachten:indienen-label", args=[label.slug])),
        "bevestiging": client.post(
            reverse("klachten:indienen"), klacht_formulier_data, follow=True
        ),
        "link-kwijt": client.get(reverse("klachten:link-kwijt")),
        "klachtenprocedure": client.get(reverse("klachten:procedure")),
        "klachtenprocedure-label": client.get(
            reverse("klachten:procedure-label", args=[label.slug])
        ),
        "jaarverslag": client.get(reverse("rapportage:publiek")),
        "jaarverslag-jaar": client.get(reverse("rapportage:publiek-jaar", args=[label.slug, 2025])),
        "kwartaalcijfers": client.get(reverse("klanttevredenheid:publiek")),
        "niet-gevonden": client.get("/bestaat-niet/"),
    }
    for klacht in Klacht.objects.all():
        paginas[f"status-{klacht.get_status_display()}"] = client.get(
            reverse("klachten:status", args=[klacht.status_token])
        )
    uitnodiging = verzonden_uitnodiging()
    enquete = reverse("klanttevredenheid:enquete", args=[uitnodiging.token])
    paginas["enquete"] = client.get(enquete)
    paginas["enquete-bedankt"] = client.post(
        enquete, {"rapportcijfer": "8", "nps_score": "9"}, follow=True
    )
    return paginas


@pytest.mark.parametrize("taal", ["nl", "fr"])
def test_geen_decimale_punt_in_een_getal_op_een_publieke_pagina(
    client, gegevens, klacht_formulier_data, taal
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = taal

    paginas = _publieke_paginas(client, gegevens, klacht_formulier_data)

    assert {naam: r.status_code for naam, r in paginas.items()} == {
        naam: 404 if naam == "niet-gevonden" else 200 for naam in paginas
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
    """The check itself: in English the same page writes a point, and the test sees it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert decimale_punten(client.get(reverse("rapportage:publiek")))
