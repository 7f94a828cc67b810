"""The fragments rendered with Jinja2 (issue 20, klachten/jinja.py): the work queue's rows and a
complaint's timeline print what the Django templates printed, in the user's language, and the
helpers they use give what Django's own give."""

import datetime as dt
import random
import re
import uuid

import pytest
from django.template import defaultfilters
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, urlize

from klachten.jinja import datum, url_sjabloon
from klachten.templatetags import berichttekst
from tests.factories import KlachtFactory

NU = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def klacht(db, categorie):
    return KlachtFactory(
        categorie=categorie,
        klant_naam=f"Klant {uuid.uuid4().hex[:8]}",
        omschrijving="Vaste tekst, zie https://www.kifid.nl.",
        urgentie="hoog",
        ontvangen_op=NU - dt.timedelta(days=9),
    )


@pytest.mark.parametrize(
    ("taal", "urgent", "termijn"),
    [("nl", "Urgent", r"\d+ dag(en)? te laat"), ("en", "Urgent", r"\d+ days? late")],
)
def test_rijen_van_de_werkvoorraad_in_de_taal_van_de_gebruiker(
    client, behandelaar, klacht, time_machine, taal, urgent, termijn
):
    time_machine.move_to(NU, tick=False)
    client.force_login(behandelaar)
    client.cookies["django_language"] = taal

    html = client.get(reverse("klachten:werkvoorraad")).content.decode()

    rij = re.search(r'<tr class="rij-over-termijn">.*?</tr>', html, re.S).group()
    assert f'href="/medewerker/klachten/{klacht.dossiernummer}/"' in rij
    assert f'<span class="badge badge-rood">{urgent}</span>' in rij
    assert re.search(f'<span class="termijn termijn-rood" title="[^"]+">{termijn}</span>', rij)
    with translation.override(taal):
        assert f"<bdi>{klacht.klant_naam}</bdi>" in rij
        assert str(klacht.get_status_display()) in rij
        assert str(klacht.get_kanaal_display()) in rij


def test_tijdlijn_van_het_dossier_toont_elke_gebeurtenis_met_haar_moment(
    client, behandelaar, klacht
):
    client.force_login(behandelaar)

    html = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).content.decode()

    tijdlijn = re.search(r'<ol class="tijdlijn">.*?</ol>', html, re.S).group()
    ontvangen = timezone.localtime(klacht.ontvangen_op)
    assert f'<time datetime="{ontvangen.isoformat()}">' in tijdlijn
    assert tijdlijn.count('<li class="tijdlijn-item tijdlijn-') == klacht.gebeurtenissen.count()


def test_url_sjabloon_geeft_wat_reverse_geeft():
    dossier = url_sjabloon("klachten:dossier")

    for nummer in ("KL-2026-000001", "KL-1999-123456"):
        assert dossier(nummer) == reverse("klachten:dossier", args=[nummer])


@pytest.mark.parametrize("taal", ["nl", "en", "fr"])
def test_datum_geeft_wat_het_date_filter_van_django_geeft(taal):
    rng = random.Random(taal)
    with translation.override(taal):
        for _ in range(300):
            moment = NU + dt.timedelta(minutes=rng.randint(-500_000, 500_000))
            for formaat in ("j N Y", "D j N", "j F Y", "j N Y H:i", "c"):
                verwacht = defaultfilters.date(timezone.localtime(moment), formaat)
                assert datum(moment, formaat) == verwacht
                dag = timezone.localtime(moment).date()
                if "H" not in formaat and formaat != "c":
                    assert datum(dag, formaat) == defaultfilters.date(dag, formaat)


def _links_per_woord(tekst: str) -> str:
    """The earlier links_maken: every word through urlize (the reference for the faster one)."""
    delen = []
    for woord, leestekens, wit in re.findall(r"(\S*?)([.,:;!?]*)(\s+|$)", tekst):
        delen.append(urlize(woord, nofollow=True, autoescape=True) if woord else "")
        delen.append(escape(leestekens) + wit)
    return "".join(delen).replace('rel="nofollow"', berichttekst.REL)


def test_links_maken_geeft_wat_urlize_per_woord_gaf():
    stukken = [
        "Beste", "klant,", "zie", "https://www.kifid.nl.", "(https://www.kifid.nl).", "mail:",
        "a@b.nl", "info@voorbeeld.nl,", "<script>", "x&y", "'q'", '"dq"', "www.x.nl", "end.",
        "javascript:alert(1)", "http://a.b/c?d=e&f=g", "Müller", "1.000,50", "e.g.", ":", ".",
        "@", "mailto:a@b.nl", "foo.bar", "(x)", "a.b@c.d!", 'https://x.nl/"><img>', "…",
    ]  # fmt: skip
    rng = random.Random(20)
    for _ in range(3000):
        tekst = "".join(
            rng.choice(stukken) + rng.choice([" ", "", "\n", "  ", "\n\n"])
            for _ in range(rng.randint(0, 12))
        )
        assert berichttekst.links_maken(tekst) == _links_per_woord(tekst)
