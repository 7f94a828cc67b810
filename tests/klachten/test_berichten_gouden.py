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
compared with it. A message about an address rather than one complaint (PER_ADRES: the links to
all the open complaints of an e-mail address, the survey invitation) has no dossier, so no status
page and no letter: its file holds the e-mail alone.

Regenerate the expected files after a deliberate change of wording (then review the diff):

    GOUDEN_BIJWERKEN=1 pytest tests/klachten/test_berichten_gouden.py -p no:randomly

Beside the text comparison the tests check the facts, computed from the data and independent of
the wording, in all three media: the dossiernummer; who signs (the complaints service with the
link to the complaint procedure, or the customer service without it); the verdict in the
customer's language; the new answer date of a delay letter as the only new date it claims; the
answer and reconsideration dates where a message promises them; the external body's last date in
a definitief answer; every term with its unit (working or calendar days). And the structure: the
next-step paragraph stands before the signature; a definitief answer does not invite
reconsideration and names the external body once; an answer that is not definitief does not name
the external body; an English or French customer reads no Dutch admin data. The links message:
every complaint's dossiernummer, status link, date and status, and nothing the customer typed;
the survey invitation: why it is sent, its link (the token fixed here, as the status tokens) and
its last valid day. Where today's composition still breaks one of these rules, that case is an
expected failure (strict) until the assembled messages of issue 18 land.
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
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from klachten import berichten, bewaking, kalender, rollen, selectors, services
from klachten.berichten import brieven
from klachten.forms import OPEN_PLEK
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, ExterneInstantie, Kanaal, Klacht
from klachten.templatetags.klachtenprocedure import klachtenprocedure_url
from klachten.termijnen import TermijnSoort
from klachten.views.medewerker import SCHERMEN, _begintekst, _formulier
from klachten.workflow import KLANT, BerichtSoort, Oordeel
from klanttevredenheid import services as kto_services
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import Bron, Contactmoment, ContactmomentSoort, UitnodigingStatus
from tests.factories import AfdelingFactory, CategorieFactory, LabelFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

GOUDEN = Path(__file__).parent / "gouden"
BIJWERKEN = os.environ.get("GOUDEN_BIJWERKEN") == "1"

# Every input fixed: the moment, the complaint, the customer, the labels, the token.
ONTVANGEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=AMSTERDAM)  # a Monday
NU = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)  # a Tuesday; every message goes now
DOSSIERNUMMER = "KL-2026-004711"
STATUS_TOKEN = "gouden-statuslink-7f3c9a1e5b2d4c6e8a0f"
# A second complaint of the same customer (for the links to all of an address's complaints).
TWEEDE_DOSSIERNUMMER = "KL-2026-004802"
TWEEDE_STATUS_TOKEN = "gouden-statuslink-2b4d6f8a0c1e3a5c7e9b"
TWEEDE_ONTVANGEN = dt.datetime(2026, 3, 5, 14, 15, tzinfo=AMSTERDAM)  # a Thursday
ENQUETE_TOKEN = "gouden-enquetelink-4e2a8c6f0b1d3e5a7c9f"
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
# The survey invitation's variants: after a complaint (the complaints service signs), after a
# contact that was not a complaint (the customer service signs, no complaint procedure; issue 19).
NA_KLACHT, NA_CONTACT = "na-klacht", "na-contact"
# Messages about an address rather than one complaint: no dossier, so no status page and no letter.
PER_ADRES = frozenset({BerichtSoort.STATUSLINKS, KtoBerichtSoort.KTO_UITNODIGING})
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

    @property
    def per_adres(self) -> bool:
        return self.soort in PER_ADRES


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
            Geval(BerichtSoort.STATUSLINKS, taal),
            Geval(KtoBerichtSoort.KTO_UITNODIGING, taal, NA_KLACHT),
            Geval(KtoBerichtSoort.KTO_UITNODIGING, taal, NA_CONTACT),
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
    statuspagina_onderwerp: str | None  # its subject on the status page (None: PER_ADRES)
    statuspagina: str | None  # the message as the status page shows it
    brief: str | None  # the text extracted from the PDF letter
    ondertekening: str  # the first line of the label's signature
    feiten: dict[str, str] = field(default_factory=dict)
    instantie_namen: tuple[str, ...] = ()  # the external body's names in every language
    instantie_namen_nl: tuple[str, ...] = ()  # its Dutch name, where it differs from the others
    klantenservice: bool = False  # signed by the label's customer service (no complaint procedure)
    # The links message: the facts of each complaint it lists, newest first.
    per_klacht: tuple[dict[str, str], ...] = ()

    def media(self) -> dict[str, str]:
        """Each medium's text with its whitespace collapsed (a PDF breaks lines anywhere)."""
        media = {"e-mail": _plat(self.onderwerp + "\n" + self.email)}
        if self.statuspagina is not None:
            media["statuspagina"] = _plat(self.statuspagina_onderwerp + "\n" + self.statuspagina)
        if self.brief is not None:
            media["brief"] = _plat(self.brief)
        return media

    def rompen(self) -> dict[str, str]:
        """Each medium's text without its subject and letterhead: from the salutation on."""
        rompen = {"e-mail": _plat(self.email)}
        if self.statuspagina is not None:
            rompen["statuspagina"] = _plat(self.statuspagina)
        if self.brief is not None:
            rompen["brief"] = _plat(self.brief)
        return rompen


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


def _dienstfeiten(label, taal: str, *, klantenservice: bool = False) -> dict[str, str]:
    """Who signs a message in the customer's language (the label's complaints service, or its
    customer service after a contact that was not a complaint), who does not, and the link to
    the label's complaint procedure (under the complaints service's signature only)."""
    with translation.override(taal):
        klachtendienst = gettext("Klachtenservice %(label)s") % {"label": label.naam}
        klantendienst = gettext("Klantenservice %(label)s") % {"label": label.naam}
    wel, niet = (
        (klantendienst, klachtendienst) if klantenservice else (klachtendienst, klantendienst)
    )
    return {
        "ondertekend door": wel,
        "niet ondertekend door": niet,
        "klachtenprocedure": klachtenprocedure_url(label, absoluut=True),
    }


def _twee_klachten(geval: Geval, behandelaar) -> list[Klacht]:
    """Two complaints of the customer's address at one label, newest first: the case's complaint
    (its receipt confirmed) and one that came in three days later."""
    eerste = _klacht(geval, behandelaar)
    eerste = services.ontvangst_bevestigen(klacht=eerste, door=behandelaar)
    tweede = services.klacht_registreren(
        label=eerste.label,
        kanaal=Kanaal.TELEFOON,
        klant_naam=KLANT_NAAM,
        klant_email=KLANT_EMAIL,
        klant_postadres=POSTADRES,
        categorie=eerste.categorie,
        afdeling=eerste.afdeling,
        omschrijving=OMSCHRIJVING[geval.taal],
        ontvangen_op=TWEEDE_ONTVANGEN,
        taal=geval.taal,
        ingediend_door=behandelaar,
    )
    Klacht.objects.filter(pk=tweede.pk).update(
        dossiernummer=TWEEDE_DOSSIERNUMMER, status_token=TWEEDE_STATUS_TOKEN
    )
    return [Klacht.objects.get(pk=tweede.pk), eerste]


def _klachtfeiten(klacht: Klacht, taal: str) -> dict[str, str]:
    """What the links message must say of one complaint, computed from the data."""
    with translation.override(taal):
        status = str(klacht.get_status_display()).lower()
    return {
        "dossiernummer": klacht.dossiernummer,
        "statuslink": berichten.klacht_status_url(klacht),
        "ontvangen": berichten.datum_tekst(kalender.lokale_datum(klacht.ontvangen_op), taal),
        "status": status,
    }


def _uitnodiging(geval: Geval, behandelaar, collega, time_machine, on_commit):
    """The survey invitation of the case, sent by the survey's run at its planned moment: after
    a complaint that was closed (its contact moment recorded by klanttevredenheid's receiver), or
    after a question to the label's customer service (recorded through the API)."""
    if geval.variant == NA_KLACHT:
        klacht = _klacht(geval, behandelaar)
        with on_commit(execute=True):
            afsluiting = Geval(BerichtSoort.AFSLUITING, geval.taal)
            klacht = _versturen(afsluiting, klacht, behandelaar, collega, time_machine)
        moment = Contactmoment.objects.get(klacht=klacht)
    else:
        assert geval.variant == NA_CONTACT
        moment = kto_services.contactmoment_registreren(
            label=_label(geval.instantie),
            soort=ContactmomentSoort.VRAAG_KLANTENSERVICE,
            moment=NU,
            bron=Bron.API,
            klant_email=KLANT_EMAIL,
            klant_naam=KLANT_NAAM,
            taal=geval.taal,
        )
    uitnodiging = moment.uitnodiging
    assert uitnodiging.status == UitnodigingStatus.GEPLAND, uitnodiging.reden_overgeslagen
    time_machine.move_to(uitnodiging.verzenden_op, tick=False)
    with (
        mock.patch.object(kto_services.secrets, "token_urlsafe", return_value=ENQUETE_TOKEN),
        on_commit(execute=True),
    ):
        assert kto_services.uitnodigingen_versturen(op=uitnodiging.verzenden_op) == 1
    uitnodiging.refresh_from_db()
    assert uitnodiging.token == ENQUETE_TOKEN
    return uitnodiging


def _adresbericht(geval: Geval, behandelaar, collega, time_machine, mailoutbox, on_commit):
    """A message about an address (PER_ADRES) sent, and what the customer reads of it: the
    e-mail alone."""
    taal = geval.taal
    per_klacht: tuple[dict[str, str], ...] = ()
    klantenservice = False
    if geval.soort == BerichtSoort.STATUSLINKS:
        klachten = _twee_klachten(geval, behandelaar)
        label = klachten[0].label
        with on_commit(execute=True):
            services.statuslinks_opnieuw_sturen(email=KLANT_EMAIL, label=label, taal=taal)
        bericht = Bericht.objects.get(klacht=None, soort=BerichtSoort.STATUSLINKS)
        per_klacht = tuple(_klachtfeiten(klacht, taal) for klacht in klachten)
        feiten = {}
    else:
        uitnodiging = _uitnodiging(geval, behandelaar, collega, time_machine, on_commit)
        label = uitnodiging.contactmoment.label
        bericht = uitnodiging.bericht
        klantenservice = geval.variant == NA_CONTACT
        soort = (
            ContactmomentSoort.KLACHT_AFGEHANDELD
            if geval.variant == NA_KLACHT
            else (ContactmomentSoort.VRAAG_KLANTENSERVICE)
        )
        with translation.override(taal):
            aanleiding = str(kto_services.AANLEIDING[soort])
        feiten = {
            "enquetelink": kto_services.enquete_url(uitnodiging),
            "geldig tot": berichten.datum_tekst(uitnodiging.geldig_tot, taal),
            "aanleiding": aanleiding,
        }
    emails = [m for m in mailoutbox if m.subject == bericht.onderwerp and KLANT_EMAIL in m.to]
    assert len(emails) == 1, [m.subject for m in mailoutbox]
    with translation.override(taal):
        groet = gettext("Met vriendelijke groet,")
    return Uitvoer(
        geval=geval,
        onderwerp=emails[0].subject,
        email=emails[0].body,
        statuspagina_onderwerp=None,
        statuspagina=None,
        brief=None,
        ondertekening=groet,
        feiten=feiten | _dienstfeiten(label, taal, klantenservice=klantenservice),
        klantenservice=klantenservice,
        per_klacht=per_klacht,
    )


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
    if geval.per_adres:
        _UITVOER[geval.id] = _adresbericht(
            geval,
            behandelaar,
            collega,
            time_machine,
            mailoutbox,
            django_capture_on_commit_callbacks,
        )
        return _UITVOER[geval.id]
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
        feiten=_feiten(geval, klacht) | _dienstfeiten(klacht.label, geval.taal),
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
    delen = [
        f"# {uitvoer.geval.id}",
        f"== E-mail\n\nOnderwerp: {uitvoer.onderwerp}\n\n{uitvoer.email.strip()}",
    ]
    if uitvoer.statuspagina is not None:
        delen.append(
            f"== Statuspagina\n\nOnderwerp: {uitvoer.statuspagina_onderwerp}\n\n"
            f"{uitvoer.statuspagina.strip()}"
        )
    if uitvoer.brief is not None:
        delen.append(f"== Brief (PDF)\n\n{uitvoer.brief.strip()}")
    return "\n\n".join(delen) + "\n"


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
    """Every kind of message a customer reads is covered, in every language: every kind any app
    declared to the outbox (berichten.soorten: klachten's, the survey's, the reports') that is
    not internal."""
    klantsoorten = {
        code for code, _naam in berichten.soort_keuzes() if not berichten.is_intern(code)
    }
    assert {BerichtSoort.STATUSLINKS, KtoBerichtSoort.KTO_UITNODIGING} <= klantsoorten
    for taal in TALEN:
        assert {g.soort for g in GEVALLEN if g.taal == taal} == klantsoorten


@_gevallen_van("test_dossiernummer_in_elk_medium", lambda g: not g.per_adres)
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


@_gevallen_van("test_ondertekend_door_de_juiste_dienst")
def test_ondertekend_door_de_juiste_dienst(uitvoer):
    """A message about complaints is signed by the label's complaints service and followed by the
    link to its complaint procedure; the survey after a contact that was not a complaint by its
    customer service, without that link (issue 19)."""
    feiten = uitvoer.feiten
    for medium, tekst in uitvoer.rompen().items():
        assert feiten["ondertekend door"] in tekst, medium
        assert feiten["niet ondertekend door"] not in tekst, medium
        assert (feiten["klachtenprocedure"] in tekst) == (not uitvoer.klantenservice), medium
        assert tekst.index(uitvoer.ondertekening) < tekst.index(feiten["ondertekend door"])


@_gevallen_van("test_statuslinks_van_elke_klacht", lambda g: g.soort == BerichtSoort.STATUSLINKS)
def test_statuslinks_van_elke_klacht(uitvoer):
    """The links message lists every open complaint of the address, newest first, each with its
    dossiernummer, its own status link, the day it came in and its status in the customer's
    language; and nothing the customer typed: whoever asks only had to know the address."""
    for medium, tekst in uitvoer.media().items():
        posities = [tekst.index(klacht["dossiernummer"]) for klacht in uitvoer.per_klacht]
        assert len(posities) == 2, medium
        assert posities == sorted(posities), medium  # newest first
        einden = [*posities[1:], len(tekst)]
        for klacht, begin, eind in zip(uitvoer.per_klacht, posities, einden, strict=True):
            for feit in ("statuslink", "ontvangen", "status"):
                assert klacht[feit] in tekst[begin:eind], (medium, klacht["dossiernummer"], feit)
        assert KLANT_NAAM not in tekst, medium
        assert _plat(OMSCHRIJVING[uitvoer.geval.taal]) not in tekst, medium


@_gevallen_van(
    "test_uitnodiging_met_de_enquetelink",
    lambda g: g.soort == KtoBerichtSoort.KTO_UITNODIGING,
)
def test_uitnodiging_met_de_enquetelink(uitvoer):
    """The survey invitation says why the customer is asked (the contact it follows) and carries
    the invitation's own single-use link and the last day it works, before the signature."""
    assert ENQUETE_TOKEN in uitvoer.feiten["enquetelink"]
    for medium, tekst in uitvoer.rompen().items():
        ondertekening = tekst.index(uitvoer.ondertekening)
        for feit in ("aanleiding", "enquetelink", "geldig tot"):
            assert uitvoer.feiten[feit] in tekst[:ondertekening], (medium, feit)
