"""Assembling a message to the customer from its parts (issue 18): one source per fact.

Every message about a complaint is put together here, always in this order:

1. aanhef: the salutation, from the customer's name, in the customer's language (AANHEF);
2. romp: the beheerder's template (Berichtsjabloon) filled with the facts from the data (the
   verdict chosen on the form, the new answer date and its reason, dates, the dossiernummer,
   terms with their unit) and the handler's free text where the template says
   {{ vrije_tekst }}; a template never asks for a fact the form asks;
3. volgende stap: what the customer can do next, chosen from the facts by `volgende_stap`
   (reconsideration still possible: how to ask it; definitief standpunt or reconsideration
   answered: the external body with its contact details, last date, free of charge, and the
   court; never both);
4. ondertekening: the label's signature;
5. voettekst: the link to the complaint procedure.

The services use it when they send, the action form's preview (Voorbeeld) shows its result
before anything is sent, the status page and the PDF letter show the stored result
(Bericht.tekst). Nothing is appended to a message after it is assembled.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import TextChoices
from django.template import Context
from django.template.loader import render_to_string
from django.utils import timezone, translation

from klachten import selectors, termijnen
from klachten.berichten.opstellen import (
    ZONDER_VRIJE_TEKST,
    InKlanttaal,
    ZonderVrijeTekst,
    _jabloon,
    _opgeschoond,
    _sjabloon,
    adres_onbewezen,
    datum_tekst,
    in_klanttaal,
    klacht_status_url,
)
from klachten.berichten.soorten import is_intern
from klachten.models import Klacht
from klachten.workflow import BerichtSoort, Oordeel

# The message parts that are not the beheerder's template, per customer language (settings.
# LANGUAGES): the one place that decides how a message greets, names a term and points to the
# next step. Unknown languages read Dutch.
AANHEF = {
    "nl": ("Beste {naam},", "Beste klant,"),
    "en": ("Dear {naam},", "Dear customer,"),
    "fr": ("Bonjour {naam},", "Bonjour,"),
}
EENHEID = {
    # (werkdagen, one / more), (kalenderdagen, one / more)
    "nl": (("werkdag", "werkdagen"), ("kalenderdag", "kalenderdagen")),
    "en": (("working day", "working days"), ("calendar day", "calendar days")),
    "fr": (("jour ouvrable", "jours ouvrables"), ("jour calendrier", "jours calendrier")),
}
HEROVERWEGING_VRAGEN = {
    "nl": (
        "Bent u het niet eens met ons antwoord?\n"
        "Dan kunt u ons vragen uw klacht opnieuw te bekijken (heroverweging). Dat doet een andere "
        "medewerker. Vraag het via de link hieronder.\n{url}"
    ),
    "nl-eenvoudig": (
        "Bent u het niet eens met ons antwoord?\n"
        "Vraag ons dan om nog een keer naar uw klacht te kijken. Een andere medewerker doet dat. "
        "Dat kan via deze link:\n{url}"
    ),
    "en": (
        "Do you disagree with our answer?\n"
        "Then you can ask us to look at your complaint again (reconsideration). Another member "
        "of staff will do so. Ask for it through the link below.\n{url}"
    ),
    "fr": (
        "Vous n'êtes pas d'accord avec notre réponse ?\n"
        "Vous pouvez alors nous demander de réexaminer votre plainte. Un autre collaborateur s'en "
        "chargera. Faites-en la demande via le lien ci-dessous.\n{url}"
    ),
}
STATUS_VOLGEN = {
    "nl": "Hier volgt u de status van uw klacht en kunt u informatie toevoegen:\n{url}",
    "nl-eenvoudig": "Wilt u zien hoe het met uw klacht gaat? Klik dan op deze link:\n{url}",
    "en": "Follow the status of your complaint and add information here:\n{url}",
    "fr": "Suivez l'état de votre plainte et ajoutez des informations ici :\n{url}",
}
TELEFOON = {"nl": "Telefoon: {}", "en": "Phone: {}", "fr": "Téléphone : {}"}
POSTADRES = {"nl": "Postadres:", "en": "Postal address:", "fr": "Adresse postale :"}


def _in_taal(teksten: dict, taal: str, eenvoudig: bool = False):
    if eenvoudig and f"{taal}-eenvoudig" in teksten:
        return teksten[f"{taal}-eenvoudig"]
    return teksten.get(taal, teksten["nl"])


def aanhef(naam: str, taal: str) -> str:
    """The salutation in `taal`: with the customer's name, or the generic one without it."""
    met_naam, zonder = _in_taal(AANHEF, taal)
    naam = " ".join((naam or "").split())
    return met_naam.format(naam=naam) if naam else zonder


def termijn_tekst(regel: termijnen.TermijnRegel, taal: str) -> str:
    """A term as the customer reads it, with its unit: "5 werkdagen", "21 kalenderdagen"."""
    werkdagen, kalenderdagen = _in_taal(EENHEID, taal)
    een, meer = werkdagen if regel.werkdagen else kalenderdagen
    return f"{regel.dagen} {een if regel.dagen == 1 else meer}"


class VolgendeStap(TextChoices):
    GEEN = "geen", "geen"
    STATUS = "status", "statuspagina"
    HEROVERWEGING = "heroverweging", "heroverweging vragen"
    EXTERN = "extern", "externe instantie en rechter"


# Kinds that carry no next-step paragraph: the status link is the message itself.
ZONDER_VOLGENDE_STAP = frozenset({BerichtSoort.STATUSLINK})


def volgende_stap(soort: str, *, definitief: bool = False) -> VolgendeStap:
    """The one rule that chooses the next-step paragraph: after a definitief standpunt (an answer
    marked as such, or the answer after reconsideration) the external body and the court; after
    an answer that is not, how to ask for reconsideration; never both. A message that is not an
    answer points to the status page."""
    if soort == BerichtSoort.HEROVERWEGING_ANTWOORD or (
        soort == BerichtSoort.ANTWOORD and definitief
    ):
        return VolgendeStap.EXTERN
    if soort == BerichtSoort.ANTWOORD:
        return VolgendeStap.HEROVERWEGING
    if soort in ZONDER_VOLGENDE_STAP or is_intern(soort):
        return VolgendeStap.GEEN
    return VolgendeStap.STATUS


def externe_uiterste_datum(klacht: Klacht, standpunt_op: dt.datetime) -> dt.date | None:
    """Until when the customer can go to the label's external body after a definitief standpunt
    on `standpunt_op` (termijnen.externe_uiterste_datum)."""
    instantie = klacht.label.externe_instantie
    if instantie is None:
        return None
    return termijnen.externe_uiterste_datum(
        maanden_na_standpunt=instantie.maanden_na_standpunt,
        maanden_na_klacht=instantie.maanden_na_klacht,
        standpunt_op=standpunt_op,
        ontvangen_op=klacht.ontvangen_op,
    )


def externe_paragraaf(klacht: Klacht, standpunt_op: dt.datetime) -> str:
    """The external body's paragraph in the customer's language: the beheerder's escalatie_tekst
    (with the last date; free of charge and the court as its text says), followed by the body's
    contact details from the data (postal address, phone, website). Each detail is read once: what
    the text already says (its name, as a rule, and its website) the block below leaves out; a
    text that does not name the body gets its name above the address. A label that names a second
    body beside it (`Label.ook_instantie`, e.g. the Tuchtraad Financiële Dienstverlening beside
    Kifid; issue 21) gets that body's paragraph after it, built the same way."""
    instantie = klacht.label.externe_instantie
    if instantie is None:
        return ""
    delen = [_instantie_paragraaf(klacht, instantie, externe_uiterste_datum(klacht, standpunt_op))]
    # No query for a label without a second body (the foreign key's id is None).
    ook = klacht.label.ook_instantie if klacht.label.ook_instantie_id else None
    if ook is not None and ook.pk != instantie.pk:
        uiterste = termijnen.externe_uiterste_datum(
            maanden_na_standpunt=ook.maanden_na_standpunt,
            maanden_na_klacht=ook.maanden_na_klacht,
            standpunt_op=standpunt_op,
            ontvangen_op=klacht.ontvangen_op,
        )
        delen.append(_instantie_paragraaf(klacht, ook, uiterste))
    return "\n\n".join(delen)


def _instantie_paragraaf(klacht: Klacht, instantie, uiterste: dt.date | None) -> str:
    taal = klacht.taal
    naam = instantie.vertaald("naam", taal)
    with translation.override(taal):
        tekst = (
            _sjabloon(instantie.vertaald("escalatie_tekst", taal))
            .render(
                Context(
                    {
                        "instantie": naam,
                        "website": instantie.website,
                        "telefoon": instantie.telefoon,
                        "uiterste_datum": datum_tekst(uiterste, taal) if uiterste else "",
                    },
                    autoescape=False,
                )
            )
            .strip()
        )
    adres = [r.strip() for r in instantie.vertaald("adres", taal).splitlines() if r.strip()]
    contact = []
    if adres or instantie.telefoon:
        if naam not in tekst:
            contact.append(naam)
        if adres:
            # Under the name an address block; without it (the text names the body) a heading.
            contact += adres if contact else [_in_taal(POSTADRES, taal), *adres]
        if instantie.telefoon and instantie.telefoon not in tekst:
            contact.append(_in_taal(TELEFOON, taal).format(instantie.telefoon))
        if instantie.website and instantie.website not in tekst:
            contact.append(instantie.website)
    return "\n\n".join(deel for deel in (tekst, "\n".join(contact)) if deel)


def volgende_stap_tekst(
    klacht: Klacht,
    stap: VolgendeStap,
    *,
    eenvoudig: bool = False,
    standpunt_op: dt.datetime | None = None,
) -> str:
    """The next-step paragraph of `stap` for `klacht`, in the customer's language."""
    url = klacht_status_url(klacht)
    if stap == VolgendeStap.EXTERN:
        return externe_paragraaf(klacht, standpunt_op or timezone.now())
    if stap == VolgendeStap.HEROVERWEGING:
        return _in_taal(HEROVERWEGING_VRAGEN, klacht.taal, eenvoudig).format(url=url)
    if stap == VolgendeStap.STATUS:
        return _in_taal(STATUS_VOLGEN, klacht.taal, eenvoudig).format(url=url)
    return ""


def ondertekening_en_voettekst(
    label, taal: str, *, klantenservice: bool = False
) -> tuple[str, str]:
    """The label's signature and the footer (the link to the complaint procedure), in `taal`."""
    context = {"label": in_klanttaal(label, taal), "klantenservice": klantenservice}
    with translation.override(taal):
        return (
            render_to_string("klachten/berichten/_ondertekening.txt", context).strip(),
            render_to_string("klachten/berichten/_voettekst.txt", context).strip(),
        )


# What a handler's old-style complete text (a test, an API client, a saved draft) starts with:
# a salutation line, which the assembly adds itself.
_AANHEF_REGEL = re.compile(
    r"\A\s*(beste|geachte|dear|bonjour|madame|cher|chère)\b[^\n]*,[ \t]*\n", re.IGNORECASE
)


# Where the handler's text goes, until the rest of the message is tidied.
_VRIJE_TEKST_MARKER = "\x00vrije-tekst\x00"


def vrije_tekst_van(klacht: Klacht, tekst: str) -> str:
    """The handler's free part of `tekst`. A text that is a whole message (as the editor once
    held it) loses its salutation and what follows the signature, which the assembly adds."""
    tekst = (tekst or "").strip()
    if not tekst:
        return ""
    ondertekening, _voettekst = ondertekening_en_voettekst(klacht.label, klacht.taal)
    eerste_regel = ondertekening.splitlines()[0] if ondertekening else ""
    if eerste_regel and eerste_regel in tekst:
        tekst = tekst.split(eerste_regel, 1)[0]
    return _AANHEF_REGEL.sub("", tekst, count=1).strip()


# The plain-language (B1) template chosen on the action page, for the messages its action sends
# (the services take no such argument; the page sets it around the action: in_eenvoudige_taal).
_EENVOUDIG: ContextVar[bool] = ContextVar("eenvoudige_taal", default=False)


@contextmanager
def in_eenvoudige_taal(eenvoudig: bool):
    """Messages assembled within use the plain-language template (where there is one)."""
    token = _EENVOUDIG.set(eenvoudig)
    try:
        yield
    finally:
        _EENVOUDIG.reset(token)


def _context(klacht: Klacht, soort: str, taal: str, feiten: dict) -> dict:
    beloofd = selectors.beloofde_termijnen()
    oordeel = feiten.pop("oordeel", None)
    if oordeel in Oordeel.values:
        with translation.override(taal):
            oordeel = str(Oordeel(oordeel).label)
    return {
        "klacht": InKlanttaal(
            ZonderVrijeTekst(klacht)
            if soort in ZONDER_VRIJE_TEKST and adres_onbewezen(klacht)
            else klacht,
            taal,
        ),
        "label": in_klanttaal(klacht.label, taal),
        "status_url": klacht_status_url(klacht),
        # The answer date that runs now (during a heroverweging its term); else the last promised.
        "antwoord_uiterlijk": selectors.antwoord_belofte(klacht) or klacht.antwoord_uiterlijk_datum,
        # Terms with their unit ("21 kalenderdagen"); `termijnen.x` keeps the bare number.
        "termijn": {
            "ontvangstbevestiging": termijn_tekst(beloofd.ontvangstbevestiging, taal),
            "statusupdate": termijn_tekst(beloofd.statusupdate, taal),
            "antwoord": termijn_tekst(beloofd.antwoord, taal),
            "heroverweging": termijn_tekst(beloofd.heroverweging, taal),
        },
        "termijnen": {
            "ontvangstbevestiging": beloofd.ontvangstbevestiging.dagen,
            "statusupdate": beloofd.statusupdate.dagen,
        },
        "oordeel": oordeel or "",
        **feiten,
    }


def bericht_samenstellen(
    *,
    klacht: Klacht,
    soort: BerichtSoort | str,
    vrije_tekst: str = "",
    eenvoudig: bool = False,
    definitief: bool = False,
    standpunt_op: dt.datetime | None = None,
    **feiten,
) -> tuple[str, str]:
    """Subject and text of a message about `klacht`, assembled from its parts in the fixed
    order (module docstring), in the customer's language. `vrije_tekst` is the handler's part;
    `feiten` are the facts the template fills in (oordeel, nieuwe_datum, reden, ...);
    `definitief` and `standpunt_op` choose and date the next-step paragraph. Internal kinds get
    the template alone."""
    taal = klacht.taal
    eenvoudig = eenvoudig or _EENVOUDIG.get()
    jabloon = _jabloon(soort, taal, eenvoudig)
    context = _context(klacht, soort, taal, dict(feiten))
    # The handler's text goes in exactly as typed (not tidied with the rest, below): the body
    # gets a marker where it stands.
    eigen = vrije_tekst_van(klacht, vrije_tekst)
    context["vrije_tekst"] = _VRIJE_TEKST_MARKER if eigen else ""
    context_obj = Context(context, autoescape=False)
    with translation.override(taal):
        onderwerp = " ".join(_sjabloon(jabloon.onderwerp).render(context_obj).split())
        romp = _sjabloon(jabloon.tekst).render(context_obj).strip()
    if is_intern(soort):
        return onderwerp, _opgeschoond(romp).replace(_VRIJE_TEKST_MARKER, eigen)
    stap = volgende_stap(soort, definitief=definitief)
    ondertekening, voettekst = ondertekening_en_voettekst(klacht.label, taal)
    delen = [
        aanhef(context["klacht"].klant_naam, taal),
        romp,
        volgende_stap_tekst(klacht, stap, eenvoudig=eenvoudig, standpunt_op=standpunt_op),
        ondertekening,
        voettekst,
    ]
    tekst = _opgeschoond("\n\n".join(deel for deel in delen if deel))
    return onderwerp, tekst.replace(_VRIJE_TEKST_MARKER, eigen)


def vrije_tekst_voorstel(
    *, klacht: Klacht, soort: BerichtSoort | str, eenvoudig: bool = False, **feiten
) -> tuple[str, str]:
    """What the handler's editor starts with: the subject and the template's suggestion for the
    free part (its [Beschrijf ...] prompts to be replaced)."""
    taal = klacht.taal
    jabloon = _jabloon(soort, taal, eenvoudig)
    context_obj = Context(_context(klacht, soort, taal, dict(feiten)), autoescape=False)
    with translation.override(taal):
        onderwerp = " ".join(_sjabloon(jabloon.onderwerp).render(context_obj).split())
        voorstel = _sjabloon(jabloon.vrije_tekst).render(context_obj).strip()
    return onderwerp, voorstel


# What a template may use, besides {{ klacht.* }} and {{ label.* }}: the variables every message
# about a complaint has, and those of its kind (the admin's help text lists them).
VARIABELEN_ALTIJD = (
    "status_url",
    "antwoord_uiterlijk",
    "termijn.ontvangstbevestiging",
    "termijn.statusupdate",
    "termijn.antwoord",
    "termijn.heroverweging",
    "vrije_tekst",
)
VARIABELEN_PER_SOORT = {
    BerichtSoort.ANTWOORD: ("oordeel",),
    BerichtSoort.HEROVERWEGING_ANTWOORD: ("oordeel",),
    BerichtSoort.VERTRAGING: ("nieuwe_datum", "reden"),
    BerichtSoort.HEROVERWEGING_BEVESTIGING: ("gevraagd_op", "heroverweging_uiterlijk"),
}

# Variables of the old templates the assembly now adds itself, around the body.
_OUD_VOLGENDE_STAP = re.compile(r"{{\s*escalatie\s*}}")
_OUDE_AANHEF = re.compile(r"\A\s*(\{% if [^%]*%\})?\s*(beste|dear|bonjour)\b", re.IGNORECASE)
_KALE_DAGEN = re.compile(r"{{\s*termijnen\.\w+\s*}}\s*(dagen|days|jours)")
_STANDAARD_GAT = re.compile(r"""default:\s*["']\[""")


# The kinds whose templates are assembled here (their salutation comes from the data); the
# links to several complaints and the other apps' messages go through tekst_opstellen whole.
def wordt_samengesteld(soort: str) -> bool:
    return soort in BerichtSoort.values and soort != BerichtSoort.STATUSLINKS


def sjabloon_nakijken(tekst: str, soort: str = "") -> list[str]:
    """What is wrong with a template's body (Berichtsjabloon.tekst) now that messages are
    assembled from parts (issue 18): a gap the handler can no longer fill ([oordeel],
    [nieuwe datum], a |default:"[...]"), a salutation or escalation paragraph the assembly adds
    itself, a term without its unit. Empty when it is fine; the admin shows it to the beheerder
    (a template they edited before issue 18 was kept as it was)."""
    from klachten.forms import OPEN_PLEK

    problemen = []
    gaten = OPEN_PLEK.findall(tekst)
    if gaten or _STANDAARD_GAT.search(tekst):
        problemen.append(
            "Gat voor een feit dat uit de gegevens of het formulier komt: "
            + (", ".join(gaten[:3]) or 'default:"[...]"')
            + ". De behandelaar vult alleen {{ vrije_tekst }}."
        )
    if _OUD_VOLGENDE_STAP.search(tekst):
        problemen.append(
            "{{ escalatie }} wordt niet meer gebruikt: de volgende stap komt vanzelf vóór de "
            "ondertekening."
        )
    if wordt_samengesteld(soort) and _OUDE_AANHEF.search(tekst):
        problemen.append("Begint met een aanhef: die komt vanzelf boven het bericht.")
    if _KALE_DAGEN.search(tekst):
        problemen.append(
            "Termijn zonder eenheid ({{ termijnen.x }} dagen): gebruik {{ termijn.x }} "
            "(met werkdagen of kalenderdagen)."
        )
    return problemen
