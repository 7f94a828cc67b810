"""The klachtenprocedure page (issue 9): per label, in plain language, with the terms as the
beheerder set them, the label's external body and privacy statement; and findable (Keurmerk
Klantgericht Verzekeren, "goed vindbaar"): every public page and every e-mail to a customer links
to it, with a link text that says where it leads (acceptance 1, the part without a browser)."""

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from klachten import berichten, services
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Berichtsjabloon,
    ExterneInstantie,
    Kanaal,
    Klacht,
    Reactietermijn,
    Termijn,
    TermijnEenheid,
)
from klachten.termijnen import TermijnSoort
from klachten.workflow import BerichtSoort, Status
from klanttevredenheid.models import Kwartaalcijfer
from tests.conftest import actie_url
from tests.factories import KlachtFactory, LabelFactory, klacht_in_status, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

LINKTEKST = "Zo gaan wij om met uw klacht: de klachtenprocedure"
NU = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)


def _database_weg(*args, **kwargs):
    raise OperationalError("connection to server failed: Connection refused")


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture(autouse=True)
def _taal_terug():
    yield
    translation.deactivate()


def tekst(response) -> str:
    """The page's text as a reader sees it."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def alle_links(response) -> list[tuple[str, str]]:
    """(href, link text) of every link on the page."""
    inhoud = response.content.decode()
    return [
        (html.unescape(href), " ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split()))
        for href, t in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', inhoud, flags=re.S)
    ]


def links(response) -> dict[str, str]:
    """href -> link text (the last link to an address)."""
    return dict(alle_links(response))


# The page -----------------------------------------------------------------------------------------


def test_procedure_van_het_standaardlabel_met_termijnen_instantie_en_privacy(client, label, kifid):
    label.postadres = "Zorgverzekeraar Zuid\nPostbus 12\n5600 AA Eindhoven"
    label.privacyverklaring_url = "https://zuid.example/privacy"
    label.kleur = "#6a2c70"
    label.save()

    response = client.get("/klachtenprocedure/")

    assert response.status_code == 200
    assert response.templates[0].name == "klachten/klachtenprocedure.html"
    pagina = tekst(response)
    assert "Zo gaan wij om met uw klacht" in pagina
    assert "Een klacht indienen is gratis. We behandelen uw klacht vertrouwelijk." in pagina
    # How to complain: the form, phone, e-mail, letter.
    assert ("/klacht/", "Dien uw klacht in met het klachtenformulier") in alle_links(response)
    assert f"tel:{label.telefoon}" in links(response)
    assert f"mailto:{label.email}" in links(response)
    assert "Postbus 12" in pagina
    # The steps with the default terms (Termijnen): 8 days, 3 weeks, 6 weeks, 6 weeks.
    assert "Dat doen we binnen 8 dagen na ontvangst" in pagina
    assert "minstens elke 3 weken weten hoe het ervoor staat" in pagina
    assert "Binnen 6 weken na ontvangst krijgt u een antwoord" in pagina
    assert "Binnen 6 weken na uw verzoek krijgt u ons nieuwe antwoord" in pagina
    # The external body with its terms (Kifid: 3 months after the standpoint, a year after the
    # complaint).
    assert f"U kunt uw klacht gratis voorleggen aan {kifid.naam}." in pagina
    assert (
        "Dat kan tot 3 maanden na ons definitieve standpunt, of tot 1 jaar nadat u uw klacht bij "
        "ons indiende als dat later is." in pagina
    )
    assert links(response)[kifid.website] == f"Naar de website van {kifid.naam}"
    # Privacy: the label's statement, and the retention period.
    assert "wissen we uw persoonsgegevens 2 jaar nadat uw klacht is afgesloten" in pagina
    assert (
        "https://zuid.example/privacy",
        f"Lees hoe {label.naam} met uw gegevens omgaat: de privacyverklaring",
    ) in alle_links(response)
    # The label's colour, through the page's one <style> with the CSP nonce.
    assert "--label-kleur: #6a2c70;" in response.content.decode()


def test_procedure_van_een_ander_label(client, label):
    skgz = ExterneInstantie.objects.get(code="skgz")
    ander = LabelFactory(
        naam="Rechtshulp Noord", slug="noord", kleur="#0b5f7a", externe_instantie=skgz
    )

    response = client.get("/noord/klachtenprocedure/")

    assert response.status_code == 200
    pagina = tekst(response)
    assert "Bent u niet tevreden over Rechtshulp Noord?" in pagina
    assert ("/noord/klacht/", "Dien uw klacht in met het klachtenformulier") in alle_links(response)
    assert "Dat kan tot 1 jaar na ons definitieve standpunt." in pagina
    assert "--label-kleur: #0b5f7a;" in response.content.decode()
    # No privacy statement set: no link to one (the privacy paragraph stays).
    assert "privacyverklaring" not in " ".join(links(response).values())
    assert ander.reactietermijnen.count() == 0
    assert "Zo snel reageren wij" not in pagina  # nothing published, nothing shown
    assert client.get("/bestaat-niet/klachtenprocedure/").status_code == 404


def test_procedure_noemt_de_termijnen_zoals_de_beheerder_ze_zette(client, label):
    Termijn.objects.filter(soort=TermijnSoort.ONTVANGSTBEVESTIGING).update(dagen=5, werkdagen=True)
    Termijn.objects.filter(soort=TermijnSoort.ANTWOORD).update(dagen=30)

    pagina = tekst(client.get("/klachtenprocedure/"))

    assert "Dat doen we binnen 5 werkdagen na ontvangst" in pagina
    assert "Binnen 30 dagen na ontvangst krijgt u een antwoord" in pagina


def test_formulier_statuspagina_bericht_en_procedure_beloven_dezelfde_termijnen(
    client, label, categorie
):
    """One selector (selectors.beloofde_termijnen) for every place that promises terms."""
    Termijn.objects.filter(soort=TermijnSoort.ONTVANGSTBEVESTIGING).update(dagen=5)
    Termijn.objects.filter(soort=TermijnSoort.STATUSUPDATE).update(dagen=14)
    Termijn.objects.filter(soort=TermijnSoort.ANTWOORD).update(dagen=35)
    klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.TELEFOON)

    formulier = tekst(client.get("/klacht/"))
    status = tekst(client.get(reverse("klachten:status", args=[klacht.status_token])))
    _onderwerp, bericht = berichten.bericht_opstellen(
        klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING
    )
    procedure = tekst(client.get("/klachtenprocedure/"))

    assert "Binnen 5 dagen bevestigen we dat we uw klacht hebben ontvangen." in formulier
    assert "hoort u minstens elke 2 weken hoe het ervoor staat" in formulier
    assert "Binnen 5 weken krijgt u ons antwoord." in formulier
    assert "Binnen 5 dagen bevestigen we dat we uw klacht hebben ontvangen." in status
    assert "minstens elke 14 kalenderdagen weten hoe het ervoor staat" in bericht
    assert "Dat doen we binnen 5 dagen na ontvangst" in procedure
    assert "laten we u minstens elke 2 weken weten hoe het ervoor staat" in procedure
    assert "Binnen 5 weken na ontvangst krijgt u een antwoord" in procedure


def test_procedure_in_het_frans_en_engels(client, label, kifid):
    Reactietermijn.objects.create(
        label=label, kanaal=Kanaal.SOCIAL_MEDIA, aantal=4, eenheid=TermijnEenheid.UREN
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    frans = client.get("/klachtenprocedure/")
    assert '<html lang="fr">' in frans.content.decode()
    assert "Voici comment nous traitons votre plainte" in tekst(frans)
    assert "4 heures" in tekst(frans)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    engels = client.get("/klachtenprocedure/")
    assert "This is how we handle your complaint" in tekst(engels)
    assert "4 hours" in tekst(engels)


# Findable from every public page -------------------------------------------------------------------


def publieke_sjablonen() -> set[str]:
    """Every template that extends the public base (the public pages)."""
    map_ = Path(settings.BASE_DIR) / "templates"
    return {
        str(pad.relative_to(map_))
        for pad in map_.rglob("*.html")
        if re.match(r'{%\s*extends\s+"base_publiek\.html"', pad.read_text(encoding="utf-8"))
    }


def test_elke_publieke_pagina_linkt_naar_de_klachtenprocedure(
    client, label, klacht_formulier_data, behandelaar, categorie, settings, monkeypatch
):
    """Each public page (every template that extends base_publiek.html, rendered for real)
    links to the label's procedure with a link text that says where it leads; the "not found"
    page too. Another label's pages link to its own procedure."""
    ander = LabelFactory(naam="Rechtshulp Noord", slug="noord")
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    uitnodiging = verzonden_uitnodiging(label=label)
    beantwoord = verzonden_uitnodiging(label=label)
    client.post(
        reverse("klanttevredenheid:enquete", args=[beantwoord.token]),
        {"rapportcijfer": "8", "nps_score": "9"},
    )
    Kwartaalcijfer.objects.create(
        label=label, jaar=2025, kwartaal=4, gemiddelde="7.8", aantal=143, berekend_op=NU
    )
    gezien: set[str] = set()

    def controleren(response, procedure="/klachtenprocedure/", status=200):
        pad = response.request["PATH_INFO"]
        assert response.status_code == status, pad
        # In the header (short) and in the footer (saying where it leads).
        assert (procedure, "Klachtenprocedure") in alle_links(response), pad
        assert (procedure, LINKTEKST) in alle_links(response), pad
        gezien.update(t.name for t in response.templates)

    controleren(client.get(reverse("klachten:indienen")))
    controleren(client.get("/noord/klacht/"), procedure="/noord/klachtenprocedure/")
    controleren(client.get(reverse("klachten:ontvangen")))
    controleren(client.post(reverse("klachten:indienen"), klacht_formulier_data, follow=True))
    controleren(client.get(reverse("klachten:status", args=[klacht.status_token])))
    controleren(client.get(reverse("klachten:link-kwijt")))
    controleren(
        client.post(
            reverse("klachten:link-kwijt"),
            {"dossiernummer": klacht.dossiernummer, "email": "iemand@example.nl"},
        )
    )
    controleren(client.get(reverse("klanttevredenheid:enquete", args=[uitnodiging.token])))
    controleren(client.get(reverse("klanttevredenheid:bedankt", args=[beantwoord.token])))
    controleren(client.get(reverse("klanttevredenheid:enquete", args=[beantwoord.token])))
    controleren(client.get(reverse("klanttevredenheid:publiek")))
    controleren(client.get(reverse("rapportage:publiek")))
    controleren(client.get("/klachtenprocedure/"))
    controleren(client.get("/noord/klachtenprocedure/"), procedure="/noord/klachtenprocedure/")
    settings.KLACHT_FORMULIER_LIMIET = "1/h"
    client.post(reverse("klachten:link-kwijt"), {})
    controleren(client.post(reverse("klachten:link-kwijt"), {}), status=429)
    # The outage page (database unreachable: rendered without a label, the default procedure).
    with monkeypatch.context() as m:
        m.setattr(services, "klacht_registreren", _database_weg)
        controleren(client.post(reverse("klachten:indienen"), klacht_formulier_data), status=503)
    # The "not found" page (no label known there: the default label's procedure).
    niet_gevonden = client.get(reverse("klachten:status", args=["bestaat-niet"]))
    assert niet_gevonden.status_code == 404
    assert links(niet_gevonden)["/klachtenprocedure/"] == LINKTEKST

    assert ander.slug == "noord"
    assert publieke_sjablonen() <= gezien, "Niet bekeken: " + ", ".join(
        sorted(publieke_sjablonen() - gezien)
    )


# Findable from every e-mail to a customer -----------------------------------------------------------


def klantsjablonen() -> list[tuple[str, str]]:
    return sorted(
        (j.soort, j.taal)
        for j in Berichtsjabloon.objects.exclude(soort__in=berichten.interne_soorten())
        if not j.eenvoudige_taal
    )


LINKTEKST_PER_TAAL = {
    "nl": LINKTEKST,
    "en": "This is how we handle your complaint: the complaints procedure",
    "fr": "Voici comment nous traitons votre plainte : la procédure de plainte",
}


@pytest.mark.parametrize("taal", ["nl", "en", "fr"])
def test_elk_bericht_aan_een_klant_linkt_naar_de_klachtenprocedure(label, taal):
    """Every kind of message to a customer, in every language, ends with the signature, which
    names the procedure and gives its address; internal notices do not."""
    ander = LabelFactory(naam="Rechtshulp Noord", slug="noord")
    soorten = [s for s, t in klantsjablonen() if t == taal]
    assert len(soorten) >= 9

    for soort in soorten:
        for lbl, pad in ((label, "/klachtenprocedure/"), (ander, "/noord/klachtenprocedure/")):
            _onderwerp, bericht = berichten.tekst_opstellen(
                soort=soort, taal=taal, label=lbl, context={}
            )
            regels = bericht.splitlines()
            url = settings.SITE_URL.rstrip("/") + pad
            assert url in regels, (soort, taal)
            assert regels[regels.index(url) - 1] == LINKTEKST_PER_TAAL[taal], (soort, taal)
    _onderwerp, melding = berichten.tekst_opstellen(
        soort=BerichtSoort.MELDING_BEHANDELAAR, taal="nl", label=label, context={}
    )
    assert "klachtenprocedure" not in melding


def test_ook_een_bestaand_gewijzigd_sjabloon_krijgt_de_link(label, behandelaar, categorie):
    """An installation whose beheerder rewrote a template (the rows are seeded once from the
    files and never overwritten) gets the link all the same: it is in the signature, which is
    added to every message when it is written, not stored in the template."""
    Berichtsjabloon.objects.filter(soort=BerichtSoort.STATUSUPDATE, taal="nl").update(
        tekst="Beste {{ klacht.klant_naam }}, we zijn er nog mee bezig."
    )
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)

    klacht = services.statusupdate_sturen(klacht=klacht, door=behandelaar)

    update = klacht.berichten.get(soort=BerichtSoort.STATUSUPDATE).tekst
    assert update.startswith("Beste ")
    assert f"{LINKTEKST}\n{settings.SITE_URL.rstrip('/')}/klachtenprocedure/" in update


def test_ontvangstbevestiging_en_antwoord_linken_naar_de_procedure(client, klacht_formulier_data):
    client.post(reverse("klachten:indienen"), klacht_formulier_data)
    klacht = Klacht.objects.get()

    bevestiging = berichten.samengesteld(
        klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    ).tekst

    assert f"{settings.SITE_URL.rstrip('/')}/klachtenprocedure/" in bevestiging
    assert LINKTEKST in bevestiging


def test_de_behandelaar_ziet_de_link_in_het_voorgestelde_antwoord(
    behandelaar_client, behandelaar, categorie
):
    """The answer is assembled with the signature and the footer (issue 18): the preview the
    behandelaar checks before sending shows the link."""
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    url = actie_url(klacht, "antwoord_sturen")
    initial = behandelaar_client.get(url).context["form"].initial

    voorbeeld = behandelaar_client.post(
        url, {**initial, "oordeel": "gegrond", "voorbeeld": "1"}
    ).context["voorbeeld"]

    assert f"{LINKTEKST}\n{settings.SITE_URL.rstrip('/')}/klachtenprocedure/" in voorbeeld["tekst"]
