"""Golden output of every message a customer receives (issue 18, acceptance 1).

For every kind of message to a customer, in each variant (reconsideration still possible or
definitief standpunt; a label with Kifid or with SKGZ; plain language where that template exists)
and in each customer language (nl, en, fr), one case builds a complaint from fixed data at a
frozen moment, lets a handler send the message the way the action page does (the form's initial
text, its [gaps] filled in with fixed sentences and sent with CRLF line ends as a browser sends a
textarea, the facts chosen in the form's fields; all in `_actie`, the one place to adapt when the
forms change) and reads what the customer gets in three media: the e-mail (subject and text), the
message on the status page, and the text extracted from the PDF letter. The three are written to
one plain-text file per case, `tests/klachten/gouden/<case id>.txt`, which a reviewer reads, and
compared with it.

Regenerate the expected files after a deliberate change of wording (then review the diff):

    GOUDEN_BIJWERKEN=1 pytest tests/klachten/test_berichten_gouden.py -p no:randomly

Beside the text comparison the tests check the facts, computed from the data and independent of
the wording, in all three media: the dossiernummer; the verdict in the customer's language; the
new answer date of a delay letter as the only new date it claims; the answer and reconsideration dates
where a message promises them; the external body's last date in a definitief answer; every term
with its unit (working or calendar days). And the structure: the next-step paragraph stands before
the signature; a definitief answer does not invite reconsideration; an answer that is not
definitief does not name the external body; an English or French customer reads no Dutch admin
data. Where today's composition still breaks one of these
rules, that case is an expected failure (strict) until the assembled messages of issue 18 land.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from klachten import berichten, bewaking, kalender, rollen, selectors, services
from klachten.berichten import brieven
from klachten.forms import OPEN_PLEK
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, ExterneInstantie, Kanaal, Klacht
from klachten.termijnen import TermijnSoort
from klachten.views.medewerker import SCHERMEN, _begintekst, _formulier
from klachten.workflow import KLANT, BerichtSoort, Oordeel
from tests.factories import AfdelingFactory, CategorieFactory, LabelFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

GOUDEN = Path(__file__).parent / "gouden"
BIJWERKEN = os.environ.get("GOUDEN_BIJWERKEN") == "1"

# Every input fixed: the moment, the complaint, the customer, the labels, the token.
ONTVANGEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=AMSTERDAM)  # a Monday
NU = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)  # a Tuesday; every message goes now
DOSSIERNUMMER = "KL-2026-004711"
STATUS_TOKEN = "gouden-statuslink-7f3c9a1e5b2d4c6e8a0f"
KLANT_NAAM = "Anna de Vries"
KLANT_EMAIL = "anna.devries@example.nl"
POSTADRES = "Dorpsstraat 12\n1234 AB Ergenshuizen"
OORDEEL = Oordeel.DEELS_GEGROND
CATEGORIE_NL = "Declaratie"  # in English "Claim", in French "Déclaration"
TALEN = ("nl", "en", "fr")

# The label per external body: a legal-aid label (Kifid) and a health insurer (SKGZ).
LABELS = {
    "kifid": {"naam": "Rechtsbijstand Plus", "slug": "rechtsbijstand-plus"},
    "skgz": {"naam": "Zorgzaam Verzekerd", "slug": "zorgzaam-verzekerd"},
}

# What the handler types into the [gaps] of the form's text, in order, in the customer's language
# (no dates and no numbers: the facts come from the data).
ZINNEN = {
    "nl": [
        "We hebben uw declaratie en de voorwaarden van uw polis nagekeken.",
        "Een deel van de kosten had vergoed moeten worden.",
        "We betalen dat deel alsnog aan u uit.",
    ],
    "en": [
        "We checked your claim and the terms of your policy.",
        "Part of the costs should have been reimbursed.",
        "We will pay that part to you after all.",
    ],
    "fr": [
        "Nous avons vérifié votre déclaration et les conditions de votre police.",
        "Une partie des frais aurait dû être remboursée.",
        "Nous vous versons cette partie malgré tout.",
    ],
}
# What the customer wrote, in their language (a template may quote it).
OMSCHRIJVING = {
    "nl": "Mijn nota van de fysiotherapeut is na zes weken nog niet betaald.",
    "en": "My physiotherapist's invoice has still not been paid after six weeks.",
    "fr": "La facture de mon kinésithérapeute n'est toujours pas payée après six semaines.",
}
REDEN = {
    "nl": "We wachten op het advies van onze medisch adviseur.",
    "en": "We are waiting for the advice of our medical adviser.",
    "fr": "Nous attendons l'avis de notre conseiller médical.",
}
# A term's unit as the customer reads it (singular, plural).
EENHEDEN = {
    "nl": {True: ("werkdag", "werkdagen"), False: ("kalenderdag", "kalenderdagen")},
    "en": {True: ("working day", "working days"), False: ("calendar day", "calendar days")},
    "fr": {
        True: ("jour ouvrable", "jours ouvrables"),
        False: ("jour calendrier", "jours calendrier"),
    },
}
# How a message invites the customer to ask for reconsideration (standard and plain language).
HEROVERWEGING = {
    "nl": re.compile(r"heroverweging|opnieuw (?:te )?bekijken|nog een keer naar uw klacht", re.I),
    "en": re.compile(r"reconsider|look at your complaint again", re.I),
    "fr": re.compile(r"réexam", re.I),
}
# A date as the messages write it ("3 maart 2026", "3 March 2026", "3 mars 2026").
DATUMVORM = re.compile(r"\b\d{1,2} [^\W\d_]+ \d{4}\b")


@dataclass(frozen=True)
class Geval:
    """One case: a kind of message in a variant, in one language."""

    soort: str  # the message kind under test (BerichtSoort)
    taal: str
    variant: str = ""  # opschorten/verlengen; heroverweging-mogelijk/definitief
    instantie: str = "kifid"  # the label's external body
    eenvoudig: bool = False  # the plain-language template
    toon_instantie: bool = False  # the case id names the external body (it matters here)

    @property
    def id(self) -> str:
        delen = [self.soort.replace("_", "-")]
        if self.variant:
            delen.append(self.variant)
        if self.toon_instantie:
            delen.append(self.instantie)
        if self.eenvoudig:
            delen.append("eenvoudig")
        delen.append(self.taal)
        return "-".join(delen)

    @property
    def definitief(self) -> bool:
        return self.soort == BerichtSoort.HEROVERWEGING_ANTWOORD or self.variant == "definitief"

    @property
    def is_antwoord(self) -> bool:
        return self.soort in (BerichtSoort.ANTWOORD, BerichtSoort.HEROVERWEGING_ANTWOORD)


def _gevallen() -> list[Geval]:
    gevallen = []
    for taal in TALEN:
        gevallen += [
            Geval(BerichtSoort.ONTVANGSTBEVESTIGING, taal),
            Geval(BerichtSoort.NIET_ONTVANKELIJK, taal),
            Geval(BerichtSoort.STATUSUPDATE, taal),
            Geval(BerichtSoort.STATUSUPDATE_STANDAARD, taal),
            Geval(BerichtSoort.REACTIE, taal),
            Geval(BerichtSoort.VERTRAGING, taal, "opschorten"),
            Geval(BerichtSoort.VERTRAGING, taal, "verlengen"),
            Geval(BerichtSoort.ANTWOORD, taal, "heroverweging-mogelijk"),
            Geval(BerichtSoort.ANTWOORD, taal, "definitief", "kifid", toon_instantie=True),
            Geval(BerichtSoort.ANTWOORD, taal, "definitief", "skgz", toon_instantie=True),
            Geval(BerichtSoort.HEROVERWEGING_BEVESTIGING, taal),
            Geval(BerichtSoort.HEROVERWEGING_ANTWOORD, taal, "", "kifid", toon_instantie=True),
            Geval(BerichtSoort.HEROVERWEGING_ANTWOORD, taal, "", "skgz", toon_instantie=True),
            Geval(BerichtSoort.AFSLUITING, taal),
            Geval(BerichtSoort.STATUSLINK, taal),
        ]
    # Plain language where a plain-language template exists (Dutch only, today).
    for soort in berichten.standaardjablonen():
        if soort.eenvoudig and soort.soort == BerichtSoort.ANTWOORD:
            gevallen += [
                Geval(soort.soort, soort.taal, "heroverweging-mogelijk", eenvoudig=True),
                Geval(
                    soort.soort,
                    soort.taal,
                    "definitief",
                    "kifid",
                    eenvoudig=True,
                    toon_instantie=True,
                ),
            ]
        elif soort.eenvoudig:
            gevallen.append(Geval(soort.soort, soort.taal, eenvoudig=True))
    return gevallen


GEVALLEN = _gevallen()


# Building a case ---------------------------------------------------------------------------------


@dataclass
class Uitvoer:
    """What the customer got in one case, and the facts that must be in it."""

    geval: Geval
    onderwerp: str  # the e-mail's subject
    email: str  # the e-mail's text
    statuspagina_onderwerp: str  # its subject on the status page
    statuspagina: str  # the message as the status page shows it
    brief: str  # the text extracted from the PDF letter
    ondertekening: str  # the first line of the label's signature
    feiten: dict[str, str] = field(default_factory=dict)
    instantie_namen: tuple[str, ...] = ()  # the external body's names in every language
    instantie_namen_nl: tuple[str, ...] = ()  # its Dutch name, where it differs from the others

    def media(self) -> dict[str, str]:
        """Each medium's text with its whitespace collapsed (a PDF breaks lines anywhere)."""
        return {
            "e-mail": _plat(self.onderwerp + "\n" + self.email),
            "statuspagina": _plat(self.statuspagina_onderwerp + "\n" + self.statuspagina),
            "brief": _plat(self.brief),
        }

    def rompen(self) -> dict[str, str]:
        """Each medium's text without its subject and letterhead: from the salutation on."""
        return {
            "e-mail": _plat(self.email),
            "statuspagina": _plat(self.statuspagina),
            "brief": _plat(self.brief),
        }


_UITVOER: dict[str, Uitvoer] = {}


def _plat(tekst: str) -> str:
    return " ".join(tekst.split())


def _label(instantie: str):
    gegevens = LABELS[instantie]
    return LabelFactory(
        naam=gegevens["naam"],
        slug=gegevens["slug"],
        telefoon="088 555 01 00",
        email=f"klachten@{gegevens['slug']}.example",
        website=f"https://www.{gegevens['slug']}.example",
        postadres="Postbus 100\n3500 AA Utrecht",
        externe_instantie=ExterneInstantie.objects.get(code=instantie),
    )


def _gaten_invullen(tekst: str, taal: str) -> str:
    """The handler fills in every [gap] of the form's text (their own part; the facts are form
    fields) with the next fixed sentence."""
    zinnen = iter(ZINNEN[taal] * 4)
    return OPEN_PLEK.sub(lambda m: next(zinnen), tekst)


def _actie(naam: str, klacht: Klacht, door, *, eenvoudig: bool = False, **velden) -> Klacht:
    """A handler takes the action on its page: the form's initial values (the template's text in
    the customer's language, plain language when chosen), its gaps filled in and its fields
    chosen, validated by the form and run by the page's service call. The one place that says
    how a handler sends a message: when the forms change, adapt it here."""
    scherm = SCHERMEN[naam]
    data = dict(_begintekst(klacht, naam, eenvoudig=eenvoudig))
    if "tekst" in data:
        # As a browser sends a textarea: with CRLF line ends.
        tekst = _gaten_invullen(data["tekst"], klacht.taal)
        data["tekst"] = "\r\n".join(tekst.splitlines())
    data.update(velden)
    form = _formulier(scherm, klacht, data)
    assert form.is_valid(), form.errors
    scherm.uitvoeren(klacht, door, dict(form.cleaned_data))
    return Klacht.objects.get(pk=klacht.pk)


def _klacht(geval: Geval, behandelaar) -> Klacht:
    label = _label(geval.instantie)
    categorie = CategorieFactory(
        naam=CATEGORIE_NL,
        naam_en="Claim",
        naam_fr="Déclaration",
        code="gouden-declaratie",
        afdeling=behandelaar.afdelingen.get(),
    )
    klacht = services.klacht_registreren(
        label=label,
        kanaal=Kanaal.TELEFOON,
        klant_naam=KLANT_NAAM,
        klant_email=KLANT_EMAIL,
        klant_postadres=POSTADRES,
        categorie=categorie,
        afdeling=categorie.afdeling,
        omschrijving=OMSCHRIJVING[geval.taal],
        ontvangen_op=ONTVANGEN,
        taal=geval.taal,
        ingediend_door=behandelaar,
    )
    Klacht.objects.filter(pk=klacht.pk).update(
        dossiernummer=DOSSIERNUMMER, status_token=STATUS_TOKEN
    )
    return Klacht.objects.get(pk=klacht.pk)


def _versturen(geval: Geval, klacht: Klacht, behandelaar, collega, time_machine) -> Klacht:
    """Bring the complaint to where the message goes out (through the services), then send the
    case's message (as the handler does, or the system or the customer)."""
    soort, taal = geval.soort, geval.taal
    if soort == BerichtSoort.ONTVANGSTBEVESTIGING:
        return _actie("ontvangst_bevestigen", klacht, behandelaar, eenvoudig=geval.eenvoudig)
    if soort == BerichtSoort.NIET_ONTVANKELIJK:
        return _actie("niet_ontvankelijk_verklaren", klacht, behandelaar, bevestigd=True)
    if soort == BerichtSoort.STATUSLINK:
        services.statuslink_opnieuw_sturen(dossiernummer=DOSSIERNUMMER, email=KLANT_EMAIL)
        return klacht
    klacht = services.ontvangst_bevestigen(klacht=klacht, door=behandelaar)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)
    if soort == BerichtSoort.STATUSUPDATE:
        return _actie("statusupdate_sturen", klacht, behandelaar, eenvoudig=geval.eenvoudig)
    if soort == BerichtSoort.STATUSUPDATE_STANDAARD:
        # The deadline watch sends it on the day a statusupdate is due and none was sent.
        moment = dt.datetime.combine(klacht.statusupdate_uiterlijk_datum, dt.time(7, 0), AMSTERDAM)
        time_machine.move_to(moment, tick=False)
        assert bewaking.statusupdates_sturen(op=moment) == 1
        return Klacht.objects.get(pk=klacht.pk)
    if soort == BerichtSoort.REACTIE:
        return _actie("reactie_sturen", klacht, behandelaar)
    if soort == BerichtSoort.VERTRAGING:
        # A date within the 8-week limit: the form sends it without a warning.
        nieuwe_datum = klacht.antwoord_uiterlijk_datum + dt.timedelta(days=7)
        assert nieuwe_datum <= klacht.kifid_alarm_datum
        klacht = _actie(
            geval.variant, klacht, behandelaar, nieuwe_datum=nieuwe_datum, reden=REDEN[taal]
        )
        assert klacht.antwoord_uiterlijk_datum == nieuwe_datum  # the dossier's deadline
        return klacht
    antwoord = {"oordeel": OORDEEL.value}
    if soort == BerichtSoort.ANTWOORD:
        return _actie(
            "antwoord_sturen",
            klacht,
            behandelaar,
            eenvoudig=geval.eenvoudig,
            definitief_standpunt=geval.definitief,
            **antwoord,
        )
    klacht = services.antwoord_sturen(klacht=klacht, door=behandelaar, oordeel=Oordeel.ONGEGROND)
    if soort == BerichtSoort.AFSLUITING:
        return _actie("afsluiten", klacht, behandelaar, bevestigd=True)
    klacht = services.heroverweging_vragen(
        klacht=klacht, door=KLANT, reden="Ik ben het niet eens met het antwoord."
    )
    if soort == BerichtSoort.HEROVERWEGING_BEVESTIGING:
        return klacht
    assert soort == BerichtSoort.HEROVERWEGING_ANTWOORD
    return _actie("heroverweging_beantwoorden", klacht, collega, **antwoord)


class _Tekst(HTMLParser):
    """The text of the status page's message: its paragraphs and line breaks kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.delen: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.delen.append("\n")

    def handle_endtag(self, tag):
        if tag == "p":
            self.delen.append("\n\n")

    def handle_data(self, data):
        self.delen.append(data)

    def tekst(self) -> str:
        regels = [r.strip() for r in "".join(self.delen).strip().splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(regels))


def _op_statuspagina(bericht: Bericht) -> tuple[str, str]:
    """The message as the customer reads it on the status page (the block with the e-mail's
    subject): its subject there and its text."""
    pagina = Client().get(reverse("klachten:status", kwargs={"token": STATUS_TOKEN}))
    assert pagina.status_code == 200
    for blok in re.findall(r'<details class="bericht".*?</details>', pagina.content.decode(), re.S):
        onderwerp = re.search(r'<span class="bericht-onderwerp">(.*?)</span>', blok, re.S)
        if html.unescape(onderwerp.group(1)).strip() == bericht.onderwerp:
            lezer = _Tekst()
            lezer.feed(re.search(r'<div class="bericht-tekst">(.*?)</div>', blok, re.S).group(1))
            return html.unescape(onderwerp.group(1)).strip(), lezer.tekst()
    raise AssertionError(f"Het bericht '{bericht.onderwerp}' staat niet op de statuspagina.")


def _pdf_tekst(bericht: Bericht) -> str:
    lezer = PdfReader(io.BytesIO(brieven.brieven_pdf([bericht])))
    tekst = "\n".join(pagina.extract_text() for pagina in lezer.pages)
    return "\n".join(regel.rstrip() for regel in tekst.splitlines())


def _eenheid(aantal: int, werkdagen: bool, taal: str) -> str:
    enkelvoud, meervoud = EENHEDEN[taal][werkdagen]
    return f"{aantal} {enkelvoud if aantal == 1 else meervoud}"


def _feiten(geval: Geval, klacht: Klacht) -> dict[str, str]:
    """The facts the message must carry, computed from the data (not from any template)."""
    taal = geval.taal
    feiten = {"dossiernummer": klacht.dossiernummer}
    beloofd = selectors.beloofde_termijnen()
    if geval.is_antwoord:
        with translation.override(taal):
            feiten["oordeel"] = str(OORDEEL.label)
    if geval.soort == BerichtSoort.VERTRAGING:
        feiten["nieuwe datum"] = berichten.datum_tekst(klacht.antwoord_uiterlijk_datum, taal)
        feiten["ontvangen"] = berichten.datum_tekst(
            kalender.lokale_datum(klacht.ontvangen_op), taal
        )
    if geval.soort in (
        BerichtSoort.ONTVANGSTBEVESTIGING,
        BerichtSoort.STATUSUPDATE,
        BerichtSoort.STATUSUPDATE_STANDAARD,
    ):
        feiten["antwoorddatum"] = berichten.datum_tekst(klacht.antwoord_uiterlijk_datum, taal)
        regel = beloofd.statusupdate
        feiten["termijn"] = _eenheid(regel.dagen, regel.werkdagen, taal)
    if geval.soort == BerichtSoort.HEROVERWEGING_BEVESTIGING:
        regel = selectors.termijnregels()[TermijnSoort.HEROVERWEGING]
        feiten["termijn"] = _eenheid(regel.dagen, regel.werkdagen, taal)
        feiten["heroverwegingsdatum"] = berichten.datum_tekst(
            klacht.heroverweging_uiterlijk_datum, taal
        )
    if geval.is_antwoord and geval.definitief:
        feiten["externe instantie"] = klacht.label.externe_instantie.vertaald("naam", taal)
        feiten["uiterste datum extern"] = berichten.datum_tekst(
            services.externe_uiterste_datum(klacht), taal
        )
    return feiten


@pytest.fixture
def uitvoer(request, time_machine, mailoutbox, django_capture_on_commit_callbacks):
    """The case's output, built once per test run (the other tests of the case read it)."""
    geval: Geval = request.param
    if geval.id in _UITVOER:
        return _UITVOER[geval.id]
    time_machine.move_to(NU, tick=False)
    afdeling = AfdelingFactory(naam="Declaraties", code="gouden-declaraties")
    behandelaar = MedewerkerFactory(
        username="gouden-behandelaar", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling]
    )
    collega = MedewerkerFactory(
        username="gouden-collega", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling]
    )
    klacht = _klacht(geval, behandelaar)
    with django_capture_on_commit_callbacks(execute=True):
        klacht = _versturen(geval, klacht, behandelaar, collega, time_machine)
    # The automatic statusupdate is stored as a statusupdate (its template is its own kind).
    opgeslagen = (
        BerichtSoort.STATUSUPDATE
        if geval.soort == BerichtSoort.STATUSUPDATE_STANDAARD
        else geval.soort
    )
    bericht = Bericht.objects.filter(klacht=klacht, soort=opgeslagen).latest("pk")
    emails = [m for m in mailoutbox if m.subject == bericht.onderwerp and KLANT_EMAIL in m.to]
    assert len(emails) == 1, [m.subject for m in mailoutbox]
    instantie = klacht.label.externe_instantie
    statuspagina_onderwerp, statuspagina = _op_statuspagina(bericht)
    resultaat = Uitvoer(
        geval=geval,
        onderwerp=emails[0].subject,
        email=emails[0].body,
        statuspagina_onderwerp=statuspagina_onderwerp,
        statuspagina=statuspagina,
        brief=_pdf_tekst(bericht),
        ondertekening=berichten.ondertekening(klacht).strip().splitlines()[0],
        feiten=_feiten(geval, klacht),
        instantie_namen=tuple(
            {instantie.vertaald("naam", taal) for taal in TALEN} | {instantie.naam}
        ),
        instantie_namen_nl=tuple(
            {instantie.naam} - {instantie.vertaald("naam", taal) for taal in ("en", "fr")}
        ),
    )
    _UITVOER[geval.id] = resultaat
    return resultaat


# The tests ---------------------------------------------------------------------------------------

# Where the composition still breaks a rule of issue 18: test name -> case ids, expected to fail,
# strictly (empty since the messages are assembled from parts, berichten.samenstellen).
NOG_NIET_SAMENGESTELD: dict[str, set[str]] = {}


def _gevallen(test: str, kies=lambda geval: True) -> list:
    """The cases of `test` as parameters of the `uitvoer` fixture, marked where today's main
    still breaks the rule."""
    parameters = []
    for geval in GEVALLEN:
        if not kies(geval):
            continue
        marks = []
        if geval.id in NOG_NIET_SAMENGESTELD.get(test, ()):
            marks.append(pytest.mark.xfail(strict=True, reason="issue 18: assembled by h-brieven"))
        parameters.append(pytest.param(geval, id=geval.id, marks=marks))
    return parameters


def _gevallen_van(test: str, kies=lambda geval: True):
    return pytest.mark.parametrize("uitvoer", _gevallen(test, kies), indirect=True)


def _gouden_tekst(uitvoer: Uitvoer) -> str:
    """The expected file's text, with plain newlines whatever line ends the message had."""
    return "\n".join(_gouden_delen(uitvoer).splitlines()) + "\n"


def _gouden_delen(uitvoer: Uitvoer) -> str:
    return (
        f"# {uitvoer.geval.id}\n\n"
        f"== E-mail\n\nOnderwerp: {uitvoer.onderwerp}\n\n{uitvoer.email.strip()}\n\n"
        f"== Statuspagina\n\nOnderwerp: {uitvoer.statuspagina_onderwerp}\n\n"
        f"{uitvoer.statuspagina.strip()}\n\n"
        f"== Brief (PDF)\n\n{uitvoer.brief.strip()}\n"
    )


@_gevallen_van("test_tekst_gelijk_aan_het_gouden_bestand")
def test_tekst_gelijk_aan_het_gouden_bestand(uitvoer):
    bestand = GOUDEN / f"{uitvoer.geval.id}.txt"
    tekst = _gouden_tekst(uitvoer)
    if BIJWERKEN:
        GOUDEN.mkdir(exist_ok=True)
        bestand.write_text(tekst, encoding="utf-8")
        return
    assert bestand.exists(), f"{bestand} ontbreekt: maak het met GOUDEN_BIJWERKEN=1"
    assert tekst == bestand.read_text(encoding="utf-8")


def test_elk_gouden_bestand_hoort_bij_een_geval():
    """No expected file of a case that no longer exists (a renamed case leaves none behind)."""
    assert {p.stem for p in GOUDEN.glob("*.txt")} == {g.id for g in GEVALLEN}


def test_elke_soort_aan_de_klant_heeft_een_geval():
    """Every kind of message to a customer about a complaint is covered, in every language."""
    klantsoorten = {s.value for s in BerichtSoort if not berichten.is_intern(s)} - {
        BerichtSoort.STATUSLINKS
    }  # about an address, not a complaint: no dossier, no letter
    for taal in TALEN:
        assert {g.soort for g in GEVALLEN if g.taal == taal} == klantsoorten


@_gevallen_van("test_dossiernummer_in_elk_medium")
def test_dossiernummer_in_elk_medium(uitvoer):
    for medium, tekst in uitvoer.media().items():
        assert uitvoer.feiten["dossiernummer"] in tekst, medium


@_gevallen_van("test_oordeel_in_de_taal_van_de_klant", lambda g: g.is_antwoord)
def test_oordeel_in_de_taal_van_de_klant(uitvoer):
    for medium, tekst in uitvoer.rompen().items():
        assert uitvoer.feiten["oordeel"].lower() in tekst.lower(), medium


def _met_feit(naam: str):
    return lambda geval: (
        naam in _FEITSOORTEN.get(geval.soort, ())
        or (
            naam in ("externe instantie", "uiterste datum extern")
            and geval.is_antwoord
            and geval.definitief
        )
    )


# Which facts a kind carries (besides the dossiernummer): as _feiten computes them.
_FEITSOORTEN = {
    BerichtSoort.ONTVANGSTBEVESTIGING: ("antwoorddatum", "termijn"),
    BerichtSoort.STATUSUPDATE: ("antwoorddatum", "termijn"),
    BerichtSoort.STATUSUPDATE_STANDAARD: ("antwoorddatum", "termijn"),
    BerichtSoort.HEROVERWEGING_BEVESTIGING: ("heroverwegingsdatum", "termijn"),
    BerichtSoort.VERTRAGING: ("nieuwe datum",),
}


@_gevallen_van("test_termijn_met_zijn_eenheid", _met_feit("termijn"))
def test_termijn_met_zijn_eenheid(uitvoer):
    """A term names its unit: working days or calendar days, never just "dagen"."""
    for medium, tekst in uitvoer.rompen().items():
        assert uitvoer.feiten["termijn"] in tekst, medium


@_gevallen_van(
    "test_beloofde_datum_uit_het_dossier",
    lambda g: _met_feit("antwoorddatum")(g) or _met_feit("heroverwegingsdatum")(g),
)
def test_beloofde_datum_uit_het_dossier(uitvoer):
    datum = uitvoer.feiten.get("antwoorddatum") or uitvoer.feiten["heroverwegingsdatum"]
    for medium, tekst in uitvoer.rompen().items():
        assert datum in tekst, medium


def _datums(tekst: str) -> list[str]:
    return DATUMVORM.findall(tekst)


def _briefdatum(uitvoer: Uitvoer) -> str:
    return berichten.datum_tekst(NU.date(), uitvoer.geval.taal)


@_gevallen_van("test_vertraging_noemt_alleen_de_nieuwe_datum", _met_feit("nieuwe datum"))
def test_vertraging_noemt_alleen_de_nieuwe_datum(uitvoer):
    """A delay letter claims one new date, once: the new answer date the handler chose on the
    form, the one the dossier now has. Other dates it may name are those of other facts: the day
    the complaint came in, and the letter's own date at its head."""
    nieuwe_datum = uitvoer.feiten["nieuwe datum"]
    andere_feiten = {uitvoer.feiten["ontvangen"], _briefdatum(uitvoer)} - {nieuwe_datum}
    for medium, tekst in uitvoer.rompen().items():
        datums = [datum for datum in _datums(tekst) if datum not in andere_feiten]
        assert datums == [nieuwe_datum], medium


@_gevallen_van("test_nieuwe_datum_voor_de_ondertekening", _met_feit("nieuwe datum"))
def test_nieuwe_datum_voor_de_ondertekening(uitvoer):
    nieuwe_datum = uitvoer.feiten["nieuwe datum"]
    for medium, tekst in uitvoer.rompen().items():
        ondertekening = tekst.index(uitvoer.ondertekening)
        assert nieuwe_datum in tekst[:ondertekening], medium
        assert nieuwe_datum not in tekst[ondertekening:], medium


@_gevallen_van(
    "test_definitief_antwoord_noemt_de_externe_instantie", _met_feit("externe instantie")
)
def test_definitief_antwoord_noemt_de_externe_instantie(uitvoer):
    """The definitief standpunt names the label's external body, in the customer's language, and
    the last date to go there (services.externe_uiterste_datum)."""
    for medium, tekst in uitvoer.rompen().items():
        assert uitvoer.feiten["externe instantie"] in tekst, medium
        assert uitvoer.feiten["uiterste datum extern"] in tekst, medium


@_gevallen_van(
    "test_definitief_antwoord_noemt_de_externe_instantie_eenmaal", _met_feit("externe instantie")
)
def test_definitief_antwoord_noemt_de_externe_instantie_eenmaal(uitvoer):
    """The body's name is read once: in the beheerder's paragraph, not again above the contact
    block that samenstellen.externe_paragraaf adds (nor anywhere else in the message)."""
    for medium, tekst in uitvoer.rompen().items():
        assert tekst.count(uitvoer.feiten["externe instantie"]) == 1, medium


@_gevallen_van("test_volgende_stap_staat_voor_de_ondertekening", lambda g: g.is_antwoord)
def test_volgende_stap_staat_voor_de_ondertekening(uitvoer):
    """What the customer can do next (the external body, or how to ask for reconsideration)
    stands before the signature, and nothing of it after."""
    if uitvoer.geval.definitief:
        stap = [uitvoer.feiten["externe instantie"], uitvoer.feiten["uiterste datum extern"]]
    else:
        stap = [HEROVERWEGING[uitvoer.geval.taal]]
    for medium, tekst in uitvoer.rompen().items():
        ondertekening = tekst.index(uitvoer.ondertekening)
        for deel in stap:
            patroon = deel if isinstance(deel, re.Pattern) else re.compile(re.escape(deel))
            assert patroon.search(tekst[:ondertekening]), (medium, deel)
            assert not patroon.search(tekst[ondertekening:]), (medium, deel)


@_gevallen_van(
    "test_definitief_antwoord_nodigt_niet_uit_tot_heroverweging",
    lambda g: g.soort == BerichtSoort.ANTWOORD and g.definitief,
)
def test_definitief_antwoord_nodigt_niet_uit_tot_heroverweging(uitvoer):
    uitnodiging = HEROVERWEGING[uitvoer.geval.taal]
    for medium, tekst in uitvoer.rompen().items():
        assert not uitnodiging.search(tekst), (medium, uitnodiging.search(tekst))


@_gevallen_van(
    "test_antwoord_met_heroverweging_noemt_geen_externe_instantie",
    lambda g: g.is_antwoord and not g.definitief,
)
def test_antwoord_met_heroverweging_noemt_geen_externe_instantie(uitvoer):
    for medium, tekst in uitvoer.media().items():
        for naam in uitvoer.instantie_namen:
            assert naam not in tekst, (medium, naam)
        assert HEROVERWEGING[uitvoer.geval.taal].search(tekst), medium


@_gevallen_van("test_anderstalige_klant_leest_geen_nederlandse_gegevens", lambda g: g.taal != "nl")
def test_anderstalige_klant_leest_geen_nederlandse_gegevens(uitvoer):
    """An English or French customer reads the admin data in their language: the categorie's
    and the external body's Dutch names appear nowhere."""
    for medium, tekst in uitvoer.media().items():
        assert CATEGORIE_NL.lower() not in tekst.lower(), medium
        for naam in uitvoer.instantie_namen_nl:
            assert naam not in tekst, (medium, naam)
