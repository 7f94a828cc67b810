"""The public page of the kwartaalcijfer (DESIGN.md section 6): the latest published average of
the label big, the quarters before it in a table, per label; it only reads what the quarterly job
stored."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from klachten import kalender
from klanttevredenheid.models import Kwartaalcijfer
from tests.factories import LabelFactory

pytestmark = pytest.mark.django_db


def kwartaalcijfer(label, jaar: int, kwartaal: int, gemiddelde: str | None, aantal: int):
    """A published figure, as the job stores it on the first day of the next quarter."""
    _begin, volgende = kalender.kwartaal_grenzen(jaar, kwartaal)
    return Kwartaalcijfer.objects.create(
        label=label,
        jaar=jaar,
        kwartaal=kwartaal,
        gemiddelde=None if gemiddelde is None else Decimal(gemiddelde),
        aantal=aantal,
        berekend_op=volgende + dt.timedelta(hours=2),
    )


def pagina(client, label=None, **extra):
    url = (
        reverse("klanttevredenheid:publiek-label", args=[label.slug])
        if label is not None
        else reverse("klanttevredenheid:publiek")
    )
    return client.get(url, **extra)


def tekst(html: str) -> str:
    """The text of the page as a reader sees it: tags out, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rijen(html: str) -> list[str]:
    """The rows of the table of earlier quarters, as text."""
    tabel = html.split('class="tabel kwartaaltabel"', 1)[1].split("</table>", 1)[0]
    return [tekst(rij) for rij in re.findall(r"<tr>(.*?)</tr>", tabel, re.S)[1:]]


def test_publieke_pagina_toont_het_laatste_kwartaalcijfer_groot(client, label):
    kwartaalcijfer(label, 2026, 2, "7.5", 120)
    kwartaalcijfer(label, 2026, 3, "7.8", 143)

    antwoord = pagina(client)

    html = antwoord.content.decode()
    assert antwoord.status_code == 200
    assert "Klanten gaven ons in het 3e kwartaal van 2026 gemiddeld een 7,8" in tekst(html)
    assert '<span class="cijfer">7,8</span>' in html  # Dutch decimal comma
    assert "Gebaseerd op 143 beoordelingen." in html
    assert "berekend op de eerste dag van het volgende kwartaal" in html


def test_een_beoordeling_in_het_enkelvoud(client, label):
    kwartaalcijfer(label, 2026, 1, "9.0", 1)

    assert "Gebaseerd op 1 beoordeling." in pagina(client).content.decode()


def test_eerdere_kwartalen_staan_in_een_tabel_nieuwste_eerst(client, label):
    kwartaalcijfer(label, 2025, 4, "7.1", 80)
    kwartaalcijfer(label, 2026, 1, "7.4", 95)
    kwartaalcijfer(label, 2026, 3, "7.8", 143)
    kwartaalcijfer(label, 2026, 2, "7.5", 120)

    html = pagina(client).content.decode()

    assert rijen(html) == [
        "2e kwartaal 2026 7,5 120",
        "1e kwartaal 2026 7,4 95",
        "4e kwartaal 2025 7,1 80",
    ]


def test_kwartaal_zonder_responsen_toont_geen_gegevens_en_geen_nul(client, label):
    kwartaalcijfer(label, 2026, 1, "7.4", 95)
    kwartaalcijfer(label, 2026, 2, None, 0)
    kwartaalcijfer(label, 2026, 3, "7.8", 143)

    html = pagina(client).content.decode()

    assert rijen(html) == ["2e kwartaal 2026 geen gegevens 0", "1e kwartaal 2026 7,4 95"]
    assert "0,0" not in html


def test_laatste_kwartaal_zonder_responsen_zegt_dat_er_geen_cijfer_is(client, label):
    kwartaalcijfer(label, 2026, 2, "7.5", 120)
    kwartaalcijfer(label, 2026, 3, None, 0)

    html = pagina(client).content.decode()

    assert (
        "Over het 3e kwartaal van 2026 hebben we geen cijfer: we ontvingen geen beoordelingen."
        in html
    )
    assert 'class="cijfer"' not in html
    assert rijen(html) == ["2e kwartaal 2026 7,5 120"]


def test_zonder_gepubliceerd_cijfer_zegt_de_pagina_dat(client, label):
    antwoord = pagina(client)

    html = antwoord.content.decode()
    assert antwoord.status_code == 200
    assert "We hebben nog geen kwartaalcijfer gepubliceerd." in html
    assert "kwartaaltabel" not in html


def test_elk_label_toont_alleen_zijn_eigen_cijfers(client, label):
    noord = LabelFactory(naam="Rechtshulp Noord", slug="noord", kleur="#7a1f5c")
    kwartaalcijfer(label, 2026, 2, "7.5", 120)
    kwartaalcijfer(label, 2026, 3, "7.8", 143)
    kwartaalcijfer(noord, 2026, 2, "6.2", 30)
    kwartaalcijfer(noord, 2026, 3, "8.4", 41)

    standaard = tekst(pagina(client).content.decode())
    via_slug = tekst(pagina(client, label).content.decode())
    van_noord = pagina(client, noord).content.decode()

    assert "gemiddeld een 7,8" in standaard
    assert "2e kwartaal 2026 7,5 120" in standaard
    assert "8,4" not in standaard
    assert "6,2" not in standaard
    assert via_slug == standaard
    assert "Hoe tevreden zijn de klanten van Rechtshulp Noord?" in van_noord
    assert "--label-kleur: #7a1f5c" in van_noord
    assert "gemiddeld een 8,4" in tekst(van_noord)
    assert rijen(van_noord) == ["2e kwartaal 2026 6,2 30"]
    assert "7,8" not in van_noord
    assert "7,5" not in van_noord


def test_label_met_eigen_hostnaam_toont_zijn_cijfers_op_die_host(client, settings, label):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "klanten.noord.example"]
    noord = LabelFactory(naam="Rechtshulp Noord", slug="noord", hostnaam="klanten.noord.example")
    kwartaalcijfer(label, 2026, 3, "7.8", 143)
    kwartaalcijfer(noord, 2026, 3, "8.4", 41)

    html = pagina(client, HTTP_HOST="klanten.noord.example").content.decode()

    assert "gemiddeld een 8,4" in tekst(html)
    assert "7,8" not in html


def test_onbekend_label_geeft_404(client, label):
    assert pagina(client, LabelFactory.build(slug="bestaat-niet")).status_code == 404


def test_in_het_engels_een_decimale_punt(client, label):
    kwartaalcijfer(label, 2026, 3, "7.8", 143)

    html = pagina(client, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<span class="cijfer">7.8</span>' in html


def test_de_pagina_leest_alleen_wat_gepubliceerd_is(client, label, django_assert_num_queries):
    kwartaalcijfer(label, 2026, 3, "7.8", 143)

    # The label and the stored figures; nothing is computed from the responses.
    with django_assert_num_queries(2) as opgevangen:
        pagina(client, label)

    assert not any("respons" in q["sql"] for q in opgevangen.captured_queries)


def test_aantal_queries_groeit_niet_met_het_aantal_kwartalen(
    client, label, django_assert_max_num_queries
):
    kwartaalcijfer(label, 2026, 3, "7.8", 143)
    with django_assert_max_num_queries(3):
        pagina(client)

    for jaar in range(2016, 2026):
        for kwartaal in range(1, 5):
            kwartaalcijfer(label, jaar, kwartaal, "7.0", 50)
    with django_assert_max_num_queries(3):
        html = pagina(client).content.decode()

    # Three years before the latest quarter, not the whole history.
    assert len(rijen(html)) == 12
    assert rijen(html)[-1] == "1e kwartaal 2023 7,0 50"
