"""Languages (issue 8): Dutch is the source language, English is complete, French covers
everything a customer sees (public pages and e-mails), for Belgian customers.

The catalogues are updated with scripts/vertalingen (makemessages for en and fr, then
compilemessages); these tests fail when a string was added without its translation, or when the
.mo files were not compiled after the .po files changed.
"""

import ast
import datetime as dt
import gettext
import html
import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.urls import reverse
from django.utils import translation

from klachten import services
from klachten.berichten import is_intern, standaardjablonen
from klachten.kalender import AMSTERDAM
from klachten.models import Kanaal, Klacht, Uitkomst
from klachten.talen import MEDEWERKER_TALEN
from klachten.workflow import BerichtSoort, Oordeel, Status
from klanttevredenheid.models import Kwartaalcijfer
from rapportage import services as rapportage_services
from tests.factories import KlachtFactory, klacht_in_status, verzonden_uitnodiging

BASIS = Path(settings.BASE_DIR)
LOCALE = BASIS / "locale"

# The pages a customer sees, and what they include. Partials included under a computed name
# (the status page's "klachten/_klantactie_" + actie) are listed themselves.
KLANTSJABLONEN = [
    "base_publiek.html",
    "400.html",
    "403.html",
    "403_csrf.html",
    "404.html",
    "500.html",
    "503.html",
    "klachten/klacht_formulier.html",
    "klachten/klacht_ontvangen.html",
    "klachten/klacht_status.html",
    "klachten/_klantactie_aanvullen.html",
    "klachten/_klantactie_extern.html",
    "klachten/_klantactie_heroverweging.html",
    "klachten/link_kwijt.html",
    "klachten/link_kwijt_verstuurd.html",
    "klachten/te_veel_verzoeken.html",
    "klachten/klachtenprocedure.html",
    "klachten/berichten/_ondertekening.txt",
    "klachten/berichten/_voettekst.txt",
    "klanttevredenheid/enquete_formulier.html",
    "klanttevredenheid/enquete_bedankt.html",
    "klanttevredenheid/enquete_niet_beschikbaar.html",
    "klanttevredenheid/kwartaalcijfers.html",
    "rapportage/jaarrapport_publiek.html",
    "rapportage/jaarrapport_pdf.html",
]

# Python modules whose strings customers read: the public views and forms, the statuses and
# refusals of the workflow, what the services tell the customer, the timeline of the status
# page, the survey's occasions and the figure definitions of the public yearly report. Each
# module as a whole, so a string added there later needs its French too.
KLANTMODULES = [
    "klachten/views/publiek.py",
    "klachten/workflow.py",
    "klachten/services.py",
    "klachten/selectors.py",
    "klachten/uploads.py",
    "klanttevredenheid/views/publiek.py",
    "klanttevredenheid/forms.py",
    "klanttevredenheid/services.py",
    "rapportage/maandrapport.py",
]


@pytest.fixture(autouse=True)
def _taal_terug():
    """A request leaves its language active in the thread (LocaleMiddleware activates, nothing
    deactivates): back to Dutch, so the tests after these register complaints in Dutch."""
    yield
    translation.deactivate()


GETTEXT_FUNCTIES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
PGETTEXT_FUNCTIES = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _catalogus(taal: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / taal / "LC_MESSAGES" / "django.po"))


@cache
def _franse_vertalingen() -> dict[str, str]:
    """msgid (with its context as "context\\x04msgid", as gettext keys it) -> French text, for
    every translated, non-fuzzy entry of the French catalogue."""
    vertalingen = {}
    for entry in _catalogus("fr").translated_entries():
        sleutel = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        vertalingen[sleutel] = entry.msgstr or entry.msgstr_plural.get(0, "")
    return vertalingen


def _sjabloon_met_insluitingen(namen: list[str]) -> list[str]:
    """The templates and everything they extend or include by a literal name, transitively."""
    gezien: list[str] = []
    te_doen = list(namen)
    while te_doen:
        naam = te_doen.pop()
        if naam in gezien:
            continue
        gezien.append(naam)
        bron = engines["django"].engine.find_template(naam)[0].source
        te_doen += re.findall(r"{%\s*(?:extends|include)\s+[\"']([^\"']+)[\"'](?=[\s%])", bron)
    return gezien


def _msgids_uit_sjabloon(naam: str) -> set[str]:
    """The msgids of {% translate %} and {% blocktranslate %} in one template, as makemessages
    writes them (blocktranslate's variables as %(name)s, trimmed where asked)."""
    sjabloon = engines["django"].engine.get_template(naam)
    msgids = set()
    for node in sjabloon.nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        if getattr(var, "literal", None) is not None:
            context = node.message_context.resolve({}) if node.message_context else None
            msgids.add(f"{context}\x04{var.literal}" if context else str(var.literal))
    for node in sjabloon.nodelist.get_nodes_by_type(BlockTranslateNode):
        msgid, _vars = node.render_token_list(node.singular)
        context = node.message_context.resolve({}) if node.message_context else None
        msgids.add(f"{context}\x04{msgid}" if context else msgid)
    return msgids


def _msgids_uit_module(pad: str) -> set[str]:
    """The string literals passed to gettext and friends in one Python module."""
    msgids = set()
    for node in ast.walk(ast.parse((BASIS / pad).read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        functie = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        argumenten = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if functie in GETTEXT_FUNCTIES and isinstance(argumenten[0], str):
            msgids.add(argumenten[0])
        elif (
            functie in PGETTEXT_FUNCTIES and len(argumenten) > 1 and isinstance(argumenten[1], str)
        ):
            msgids.add(f"{argumenten[0]}\x04{argumenten[1]}")
    return msgids


def _klantformulieren() -> list:
    from klachten.forms import (
        HeroverwegingVragenFormulier,
        KlachtFormulier,
        KlantInformatieFormulier,
        LinkKwijtFormulier,
    )

    return [
        KlachtFormulier(),
        KlantInformatieFormulier(),
        HeroverwegingVragenFormulier(),
        LinkKwijtFormulier(),
    ]


def _zonder_vertaling(tekst) -> bool:
    """Whether a (lazy) text shows in Dutch on a French page: neither our French catalogue nor
    Django's own (for Django's default messages) translates it."""
    with translation.override(None):
        msgid = str(tekst)
    with translation.override("fr"):
        frans = str(tekst)
    return bool(msgid.strip()) and msgid not in _franse_vertalingen() and frans == msgid


# (1) English is complete -------------------------------------------------------------------


def test_engelse_catalogus_heeft_geen_onvertaalde_of_onzekere_teksten():
    catalogus = _catalogus("en")
    onvertaald = [e.msgid for e in catalogus.untranslated_entries()]
    onzeker = [e.msgid for e in catalogus.fuzzy_entries()]
    assert not onvertaald, f"Zonder Engelse vertaling: {onvertaald}"
    assert not onzeker, f"Fuzzy (controleer en haal de vlag weg): {onzeker}"
    assert len(catalogus.translated_entries()) > 1000


# (2) French covers every string a customer sees --------------------------------------------


def test_elke_tekst_van_de_klantpaginas_heeft_een_franse_vertaling():
    vertaald = _franse_vertalingen()
    ontbrekend = {
        f"{naam}: {msgid!r}"
        for naam in _sjabloon_met_insluitingen(KLANTSJABLONEN)
        for msgid in _msgids_uit_sjabloon(naam)
        if msgid not in vertaald
    }
    assert not ontbrekend, "Zonder Franse vertaling:\n" + "\n".join(sorted(ontbrekend))


def test_elke_tekst_uit_de_klantmodules_heeft_een_franse_vertaling():
    vertaald = _franse_vertalingen()
    ontbrekend = {
        f"{pad}: {msgid!r}"
        for pad in KLANTMODULES
        for msgid in _msgids_uit_module(pad)
        if msgid not in vertaald
    }
    assert not ontbrekend, "Zonder Franse vertaling:\n" + "\n".join(sorted(ontbrekend))


@pytest.mark.django_db
def test_labels_hulpteksten_en_foutmeldingen_van_de_klantformulieren_zijn_vertaald():
    teksten = []
    for form in _klantformulieren():
        for naam, veld in form.fields.items():
            if naam == "website":
                continue  # the honeypot: hidden from people
            teksten += [veld.label, veld.help_text, getattr(veld, "empty_label", None)]
            teksten += list(veld.error_messages.values())
    ontbrekend = [str(t) for t in teksten if t and _zonder_vertaling(t)]
    assert not ontbrekend, f"Zonder Franse vertaling: {ontbrekend}"


def test_statussen_kanalen_oordelen_en_uitkomsten_zijn_vertaald():
    """The names customers read on the status page and in the public yearly report."""
    labels = [label for keuzes in (Status, Kanaal, Oordeel, Uitkomst) for label in keuzes.labels]
    ontbrekend = [str(label) for label in labels if _zonder_vertaling(label)]
    assert not ontbrekend, f"Zonder Franse vertaling: {ontbrekend}"


# (5) The compiled catalogues match their sources --------------------------------------------


@pytest.mark.parametrize("taal", ["en", "fr"])
def test_gecompileerde_catalogus_komt_overeen_met_de_po(taal):
    """Run scripts/vertalingen (or compilemessages) after changing a .po file."""
    map_ = LOCALE / taal / "LC_MESSAGES"
    with (map_ / "django.mo").open("rb") as mo:
        gecompileerd = dict(gettext.GNUTranslations(mo)._catalog)
    verwacht = {"": None}  # the header
    for entry in _catalogus(taal).translated_entries():
        sleutel = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for n, tekst in entry.msgstr_plural.items():
                verwacht[(sleutel, int(n))] = tekst
        else:
            verwacht[sleutel] = entry.msgstr
    gecompileerd.pop("", None)
    verwacht.pop("")
    assert gecompileerd == verwacht


# (3) Public pages in French ------------------------------------------------------------------

NU = dt.datetime(2026, 1, 15, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def frans(client, db):
    """A customer who picked Français with the language switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


@cache
def _nederlandse_klantteksten() -> frozenset[str]:
    """The Dutch msgids of the customer-facing templates and modules that a French page must
    not show: whole sentences without placeholders, whose French differs."""
    msgids = {
        m for naam in _sjabloon_met_insluitingen(KLANTSJABLONEN) for m in _msgids_uit_sjabloon(naam)
    }
    msgids |= {m for pad in KLANTMODULES for m in _msgids_uit_module(pad)}
    vertaald = _franse_vertalingen()
    return frozenset(
        m
        for m in msgids
        if " " in m and "%" not in m and "\x04" not in m and "<" not in m and vertaald.get(m) != m
    )


def _franse_pagina(response) -> str:
    """The page's text as a reader sees it, after checking it is French throughout."""
    assert response.status_code == 200
    inhoud = response.content.decode()
    assert '<html lang="fr">' in inhoud
    tekst = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inhoud)).split())
    nederlands = [m for m in _nederlandse_klantteksten() if m in tekst]
    assert not nederlands, f"Nederlandse tekst op een Franse pagina: {nederlands}"
    return tekst


def test_klachtformulier_in_het_frans(frans, label, categorie):
    tekst = _franse_pagina(frans.get(reverse("klachten:indienen")))

    assert "Introduire une plainte" in tekst
    assert "Votre adresse e-mail" in tekst
    assert "Maximum 5000 caractères." in tekst  # formatted when shown, not at import
    assert "Français" in tekst  # the switch offers it


def test_foutmeldingen_van_het_klachtformulier_in_het_frans(frans, label, categorie):
    tekst = _franse_pagina(frans.post(reverse("klachten:indienen"), {"website": ""}))

    assert "Vérifiez le formulaire" in tekst
    assert "Indiquez votre nom. Nous ne traitons pas les plaintes anonymes." in tekst
    assert "Vous devez accepter la déclaration de confidentialité." in tekst


def test_bevestiging_en_statuspagina_in_het_frans(frans, klacht_formulier_data):
    ontvangen = frans.post(reverse("klachten:indienen"), klacht_formulier_data, follow=True)
    assert "Votre numéro de dossier" in _franse_pagina(ontvangen)
    klacht = Klacht.objects.get()

    tekst = _franse_pagina(frans.get(reverse("klachten:status", args=[klacht.status_token])))

    assert "Statut de votre plainte" in tekst
    assert "Réception confirmée" in tekst
    assert "Ajouter des informations" in tekst


def test_statuspagina_na_het_antwoord_in_het_frans(frans, behandelaar, categorie):
    with translation.override("fr"):
        klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)

    tekst = _franse_pagina(frans.get(reverse("klachten:status", args=[klacht.status_token])))

    assert "Nous avons répondu à votre plainte" in tekst
    assert "Pas d'accord avec notre réponse" in tekst
    assert "Demander un réexamen" in tekst
    assert "Réponse motivée" not in tekst or "Notre réponse à votre plainte" in tekst


@pytest.mark.usefixtures("bevroren_tijd")
def test_statuspagina_na_het_definitieve_standpunt_in_het_frans(
    frans, behandelaar, categorie, kifid
):
    with translation.override("fr"):
        klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    services.antwoord_sturen(
        klacht=klacht, door=behandelaar, oordeel=Oordeel.ONGEGROND, definitief_standpunt=True
    )

    tekst = _franse_pagina(frans.get(reverse("klachten:status", args=[klacht.status_token])))

    assert f"S'adresser à {kifid.naam_fr}" in tekst
    assert "Vous n'êtes pas d'accord avec notre position définitive" in tekst
    assert "jusqu'au 15 avril 2026 inclus" in tekst or "jusqu'au 15 janvier 2027 inclus" in tekst


def test_link_kwijt_in_het_frans(frans, label):
    tekst = _franse_pagina(frans.get(reverse("klachten:link-kwijt")))
    assert "Numéro de dossier" in tekst

    verstuurd = frans.post(
        reverse("klachten:link-kwijt"),
        {"dossiernummer": "KL-2026-000001", "email": "iemand@example.be"},
    )
    assert "Consultez vos e-mails" in _franse_pagina(verstuurd)


@pytest.mark.usefixtures("bevroren_tijd")
def test_enquete_in_het_frans(frans):
    uitnodiging = verzonden_uitnodiging(taal="fr")
    url = reverse("klanttevredenheid:enquete", args=[uitnodiging.token])

    tekst = _franse_pagina(frans.get(url))
    assert "Quelle note nous donnez-vous" in tekst
    assert "1 = très insatisfait, 10 = très satisfait" in tekst

    fout = _franse_pagina(frans.post(url, {}))
    assert "Choisissez une note de 1 à 10." in fout

    frans.post(url, {"rapportcijfer": "8", "nps_score": "9"})
    assert "Merci" in _franse_pagina(
        frans.get(reverse("klanttevredenheid:bedankt", args=[uitnodiging.token]))
    )
    assert "Vous avez déjà rempli cette enquête" in _franse_pagina(frans.get(url))


def test_publieke_kwartaalcijfers_in_het_frans(frans, label):
    Kwartaalcijfer.objects.create(
        label=label, jaar=2025, kwartaal=4, gemiddelde="7.8", aantal=143, berekend_op=NU
    )

    tekst = _franse_pagina(frans.get(reverse("klanttevredenheid:publiek")))

    assert "Au T4 2025, nos clients nous ont attribué une note moyenne de 7,8" in tekst
    assert "Basé sur 143 évaluations." in tekst


def test_publiek_klachtenjaarverslag_in_het_frans(
    frans, label, behandelaar, directie, categorie, time_machine
):
    categorie.naam_fr = "Remboursement des soins"
    categorie.save()
    time_machine.move_to(dt.datetime(2025, 5, 6, 10, tzinfo=AMSTERDAM), tick=False)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(NU, tick=False)
    rapport = rapportage_services.jaarrapport_voor(jaar=2025, label=label)
    rapportage_services.jaarrapport_bewerken(
        jaarrapport=rapport, door=directie, toelichting="Moins de plaintes."
    )
    rapportage_services.jaarrapport_publiceren(jaarrapport=rapport, door=directie)

    tekst = _franse_pagina(frans.get(reverse("rapportage:publiek")))

    assert f"Rapport annuel 2025 sur les plaintes de {label.naam}" in tekst
    assert "Publié le 15 janvier 2026." in tekst
    assert "Chiffres clés 2025" in tekst
    assert "Reçues" in tekst  # a count of complaints, not the state of one
    # Admin data in French where the beheerder translated it, Dutch where not (issue 18).
    assert "Remboursement des soins" in tekst
    assert categorie.naam not in tekst


def test_niet_gevonden_pagina_in_het_frans(frans, db):
    response = frans.get(reverse("klachten:status", args=["bestaat-niet"]))

    assert response.status_code == 404
    inhoud = response.content.decode()
    assert "Cette page n'existe pas" in inhoud
    assert "Demander à nouveau le lien" in inhoud


# (4) E-mails in the customer's language -------------------------------------------------------


@pytest.mark.usefixtures("bevroren_tijd")
def test_klacht_in_het_frans_krijgt_taal_fr_en_een_franse_ontvangstbevestiging(
    client, label, klacht_formulier_data, mailoutbox, django_capture_on_commit_callbacks
):
    """A Belgian browser asks for French: the complaint is in French, so are its e-mails."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("klachten:indienen"),
            klacht_formulier_data,
            HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9",
        )

    klacht = Klacht.objects.get()
    assert klacht.taal == "fr"
    [mail] = mailoutbox
    assert mail.subject == (
        f"Accusé de réception de votre plainte ({klacht.dossiernummer}) - {label.naam}"
    )
    assert mail.body.startswith("Bonjour,\n")  # no typed name: test_geen_spamrelais
    assert "Nous avons bien reçu votre plainte le 15 janvier 2026." in mail.body
    assert f"Votre numéro de dossier : {klacht.dossiernummer}" in mail.body
    assert "au plus tard le 26 février 2026" in mail.body
    assert "Meilleures salutations," in mail.body
    assert "Met vriendelijke groet" not in mail.body


@pytest.mark.usefixtures("bevroren_tijd")
def test_berichten_over_een_franse_klacht_zijn_frans(behandelaar, categorie, kifid):
    with translation.override("fr"):
        klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.WEBFORMULIER)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)
    klacht = services.statusupdate_sturen(klacht=klacht, door=behandelaar)
    klacht = services.antwoord_sturen(klacht=klacht, door=behandelaar, oordeel=Oordeel.GEGROND)
    klacht = services.afsluiten(klacht=klacht, door=behandelaar)

    onderwerpen = dict(klacht.berichten.values_list("soort", "onderwerp"))
    assert (
        onderwerpen[BerichtSoort.STATUSUPDATE] == f"Où en est votre plainte {klacht.dossiernummer}"
    )
    assert onderwerpen[BerichtSoort.ANTWOORD] == (
        f"Notre réponse à votre plainte {klacht.dossiernummer}"
    )
    assert (
        onderwerpen[BerichtSoort.AFSLUITING] == f"Votre plainte {klacht.dossiernummer} est clôturée"
    )
    antwoord = klacht.berichten.get(soort=BerichtSoort.ANTWOORD).tekst
    assert "Notre avis : votre plainte est fondée." in antwoord
    assert "Le 15 janvier 2026, vous avez introduit une plainte" in antwoord


@pytest.mark.usefixtures("bevroren_tijd")
def test_uitnodiging_voor_de_enquete_in_het_frans(db):
    uitnodiging = verzonden_uitnodiging(taal="fr", klant_naam="Chloé Dubois")

    bericht = uitnodiging.bericht
    assert bericht.onderwerp.startswith("Êtes-vous satisfait de ")
    assert bericht.tekst.startswith("Bonjour Chloé Dubois,")
    assert "Vous avez récemment été en contact avec notre service clientèle." in bericht.tekst
    assert "valable jusqu'au 14 février 2026 inclus" in bericht.tekst


@pytest.mark.parametrize(
    "soort",
    sorted(
        j.soort
        for j in standaardjablonen()
        if j.taal == "en" and not j.eenvoudig and not is_intern(j.soort)
    ),
)
def test_elk_klantbericht_met_een_engels_sjabloon_heeft_ook_een_frans(soort):
    frans = {j.soort for j in standaardjablonen() if j.taal == "fr" and not j.eenvoudig}
    assert soort in frans


# The language switch ---------------------------------------------------------------------------


def test_talen_zijn_nederlands_engels_en_frans_met_nederlands_als_standaard():
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _naam in settings.LANGUAGES] == ["nl", "en", "fr"]
    assert set(MEDEWERKER_TALEN) == {"nl", "en"}


def _aangeboden_talen(inhoud: str) -> list[str]:
    keuze = inhoud.split('<select name="language"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([a-z-]+)"', keuze)


def test_taalkeuze_op_publieke_paginas_biedt_nederlands_engels_en_frans(client, label):
    inhoud = client.get(reverse("klachten:indienen")).content.decode()

    assert _aangeboden_talen(inhoud) == ["nl", "en", "fr"]
    for naam in ("Nederlands", "English", "Français"):
        assert f">{naam}<" in inhoud


def test_taalkeuze_op_medewerkerpaginas_biedt_geen_frans(client, behandelaar):
    client.force_login(behandelaar)

    inhoud = client.get(reverse("klachten:werkvoorraad"), follow=True).content.decode()

    assert _aangeboden_talen(inhoud) == ["nl", "en"]


def test_medewerkerpagina_is_nooit_frans(client, db):
    """A Belgian employee's browser asks for French: the staff pages are in Dutch."""
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")

    inhoud = response.content.decode()
    assert '<html lang="nl">' in inhoud
    assert _aangeboden_talen(inhoud) == ["nl", "en"]
    publiek = client.get(reverse("klachten:link-kwijt"), HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")
    assert '<html lang="fr">' in publiek.content.decode()


def test_statuspagina_in_de_taal_van_de_klacht_tenzij_de_klant_een_andere_koos(client, label):
    with translation.override("fr"):
        klacht = KlachtFactory(kanaal=Kanaal.WEBFORMULIER)
    url = reverse("klachten:status", args=[klacht.status_token])

    assert '<html lang="fr">' in client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get(url).content.decode()


def test_medewerker_registreert_een_telefonische_klacht_in_het_frans(
    client, behandelaar, label, categorie
):
    """Staff pages are never French, so the customer's language is a field of the intake."""
    client.force_login(behandelaar)
    url = reverse("klachten:registreren")
    formulier = client.get(url).context["form"]
    assert formulier["taal"].initial == "nl"
    assert [code for code, _naam in formulier.fields["taal"].choices] == ["nl", "en", "fr"]

    client.post(
        url,
        {
            "kanaal": Kanaal.TELEFOON,
            "ontvangen_op": "2026-01-14T09:15",
            "label": label.pk,
            "klant_naam": "Luc Lambert",
            "klant_email": "luc@example.be",
            "taal": "fr",
            "afdeling": categorie.afdeling.pk,
            "categorie": categorie.pk,
            "urgentie": "normaal",
            "omschrijving": "Remboursement refusé sans explication.",
        },
    )
    klacht = Klacht.objects.get()
    klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)

    assert klacht.taal == "fr"
    bevestiging = klacht.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)
    assert bevestiging.onderwerp.startswith("Accusé de réception de votre plainte")
