"""Composing messages: the beheerder's templates filled with a complaint's data, in the
customer's language (or in plain language), with the label's signature."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from klachten import configuratie
from klachten.berichten.soorten import EENVOUDIG, is_intern
from klachten.models import Berichtsjabloon, Kanaal, Klacht, KwetsbaarheidSoort
from klachten.workflow import BerichtSoort


def klacht_status_url(klacht: Klacht) -> str:
    """The customer's secret link to the status page, as it goes into e-mails."""
    return settings.SITE_URL.rstrip("/") + reverse(
        "klachten:status", kwargs={"token": klacht.status_token}
    )


def dossier_url(klacht: Klacht) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "klachten:dossier", kwargs={"dossiernummer": klacht.dossiernummer}
    )


def _jabloon(soort: str, taal: str, eenvoudig: bool) -> Berichtsjabloon:
    # The beheerder's templates as this process read them (klachten.configuratie).
    kandidaten = [
        j for j in configuratie.berichtsjablonen() if j.soort == soort and j.taal in (taal, "nl")
    ]
    beste = sorted(kandidaten, key=lambda j: (j.taal != taal, j.eenvoudige_taal != eenvoudig))
    if not beste:
        raise Berichtsjabloon.DoesNotExist(f"Geen berichtsjabloon voor {soort}.")
    return beste[0]


def ondertekening(klacht: Klacht) -> str:
    """The label's signature under every message to the customer, in the customer's language."""
    return _ondertekening(klacht.label, klacht.taal)


def _ondertekening(label, taal: str, *, klantenservice: bool = False) -> str:
    """The signature followed by the footer (the link to the complaint procedure; none under a
    customer-service signature)."""
    context = {"label": in_klanttaal(label, taal), "klantenservice": klantenservice}
    with translation.override(taal):
        delen = [
            render_to_string("klachten/berichten/_ondertekening.txt", context).strip(),
            render_to_string("klachten/berichten/_voettekst.txt", context).strip(),
        ]
    return "\n\n".join(deel for deel in delen if deel) + "\n"


def tekst_opstellen(
    *,
    soort: str,
    taal: str,
    label,
    context: dict,
    eenvoudig: bool = False,
    klantenservice: bool = False,
) -> tuple[str, str]:
    """Subject and text from the beheerder's template of `soort` in language `taal` (else Dutch),
    filled with `context`; a message to a customer is followed by the label's signature: of its
    complaints service with the link to the complaint procedure, or, with `klantenservice`
    (a survey after a contact that was not a complaint, issue 19), of its customer service."""
    jabloon = _jabloon(soort, taal, eenvoudig)
    with translation.override(taal):
        context_obj = Context({"label": in_klanttaal(label, taal), **context}, autoescape=False)
        onderwerp = _sjabloon(jabloon.onderwerp).render(context_obj)
        tekst = _sjabloon(jabloon.tekst).render(context_obj)
        if not is_intern(soort):
            tekst = (
                tekst.strip() + "\n\n" + _ondertekening(label, taal, klantenservice=klantenservice)
            )
    return " ".join(onderwerp.split()), _opgeschoond(tekst)


# No spam relay (issue 15): what the public form sends by itself to the address typed into it
# carries no text typed into it, so the form cannot send label-branded text of anyone's choosing.
ZONDER_VRIJE_TEKST = frozenset({BerichtSoort.ONTVANGSTBEVESTIGING, BerichtSoort.STATUSLINK})


def adres_onbewezen(klacht: Klacht) -> bool:
    """Whether the customer's address is one nobody has vouched for: typed into the public form,
    or the sender of an e-mail to the label's mailbox (a From line is easily forged); staff and
    system accounts register what a customer told them, an address they checked."""
    return klacht.kanaal in ZELF_INGEDIEND and klacht.ingediend_door_id is None


# The channels through which customers file a complaint themselves (no staff in between).
ZELF_INGEDIEND = frozenset({Kanaal.WEBFORMULIER, Kanaal.EMAIL})


class ZonderVrijeTekst:
    """A complaint as a template for an unproven address sees it: the dossiernummer, dates, label,
    category, afdeling and status; every field the customer typed (name, description, desired
    solution, policy and phone number) is empty. Also for the beheerder's edited templates in the
    database: the rule is here, not in the template text. The customer reads their own text on
    the status page."""

    ZICHTBAAR = frozenset(
        {
            "pk",
            "id",
            "dossiernummer",
            "ontvangen_op",
            "label",
            "categorie",
            "afdeling",
            "kanaal",
            "get_kanaal_display",
            "taal",
            "status",
            "get_status_display",
            "urgentie",
            "get_urgentie_display",
            "ontvangstbevestiging_uiterlijk_datum",
            "antwoord_uiterlijk_datum",
            "statusupdate_uiterlijk_datum",
        }
    )

    def __init__(self, klacht: Klacht):
        self._klacht = klacht

    def __getattr__(self, naam: str):
        if naam.startswith("_"):
            raise AttributeError(naam)
        return getattr(self._klacht, naam) if naam in self.ZICHTBAAR else ""

    def __str__(self) -> str:
        return str(self._klacht)


class InKlanttaal:
    """An object as a message to the customer shows it: its translated admin data (a categorie's
    name, the label's postal address, the external body; klachten.models.Vertaalbaar) in the
    customer's language, Dutch where a translation is missing, and so for the objects reached
    from it (`klacht.categorie.naam`, `klacht.label.externe_instantie.naam`). Also in the
    beheerder's edited templates: the rule is here, not in the template text. Everything else
    reads through unchanged."""

    def __init__(self, obj, taal: str):
        self._obj = obj
        self._taal = taal

    def __getattr__(self, naam: str):
        if naam.startswith("_"):
            raise AttributeError(naam)
        waarde = getattr(self._obj, naam)
        if naam in getattr(type(self._obj), "VERTAALD", ()):
            return self._obj.vertaald(naam, self._taal)
        if isinstance(waarde, models.Model):
            return InKlanttaal(waarde, self._taal)
        return waarde

    def __str__(self) -> str:
        if "naam" in getattr(type(self._obj), "VERTAALD", ()):
            return self._obj.vertaald("naam", self._taal)
        return str(self._obj)

    def __bool__(self) -> bool:
        return bool(self._obj)


def in_klanttaal(obj, taal: str):
    """`obj` for a message to a customer in `taal` (InKlanttaal); None stays None."""
    return obj if obj is None else InKlanttaal(obj, taal)


def bericht_opstellen(
    *, klacht: Klacht, soort: BerichtSoort | str, eenvoudig: bool = False, **extra
) -> tuple[str, str]:
    """Subject and text of a message about a complaint, assembled from its parts in the
    customer's language (klachten.berichten.samenstellen.bericht_samenstellen, the one place).
    The kinds of ZONDER_VRIJE_TEKST to an unproven address see the complaint without what the
    customer typed (ZonderVrijeTekst)."""
    from klachten.berichten.samenstellen import bericht_samenstellen

    return bericht_samenstellen(klacht=klacht, soort=soort, eenvoudig=eenvoudig, **extra)


# The signals after which messages are offered in plain language (B1): low literacy, and a
# customer under the pressure of debts or of several problems at once (that pressure narrows
# attention: short sentences and one step at a time help). A medical urgency asks for speed, not
# for other words.
EENVOUDIGE_TAAL_BIJ = frozenset(
    {
        KwetsbaarheidSoort.LAAGGELETTERDHEID,
        KwetsbaarheidSoort.BETALINGSPROBLEMEN,
        KwetsbaarheidSoort.MULTIPROBLEMATIEK,
    }
)
# The handler's choice on a message form (?sjabloon=): the plain-language or the standard text.
STANDAARD = "standaard"


@dataclass(frozen=True)
class EenvoudigeTaal:
    """How a message form offers the plain-language version of its template."""

    voorgesteld: bool  # a signal of the complaint asks for plain language (EENVOUDIGE_TAAL_BIJ)
    beschikbaar: bool  # the kind has a plain-language template in the customer's language
    gebruikt: bool  # the form is pre-filled from it


def eenvoudige_taal(
    *, klacht: Klacht, soort: BerichtSoort | str, keuze: str = ""
) -> EenvoudigeTaal:
    """Whether a message form is pre-filled from the plain-language (B1) template: when the
    complaint carries a signal of EENVOUDIGE_TAAL_BIJ, unless the handler chose the standard text
    (`keuze`); a handler may also choose it without a signal. Only a template in the customer's
    own language counts (never a Dutch one for a French customer)."""
    voorgesteld = klacht.kwetsbaarheidssignalen.filter(soort__in=EENVOUDIGE_TAAL_BIJ).exists()
    beschikbaar = Berichtsjabloon.objects.filter(
        soort=soort, taal=klacht.taal, eenvoudige_taal=True
    ).exists()
    gekozen = keuze == EENVOUDIG if keuze in (EENVOUDIG, STANDAARD) else voorgesteld
    return EenvoudigeTaal(
        voorgesteld=voorgesteld, beschikbaar=beschikbaar, gebruikt=beschikbaar and gekozen
    )


@lru_cache(maxsize=256)
def _sjabloon(bron: str) -> Template:
    """A compiled template per source text (an edited template is a new text)."""
    return Template(bron)


def _opgeschoond(tekst: str) -> str:
    """At most one empty line in a row (template tags leave blank lines behind)."""
    regels, leeg = [], 0
    for regel in tekst.strip().splitlines():
        leeg = leeg + 1 if not regel.strip() else 0
        if leeg < 2:
            regels.append(regel.rstrip())
    return "\n".join(regels) + "\n"


def datum_tekst(datum: dt.date, taal: str) -> str:
    """A date as a message writes it, in the recipient's language ("3 maart 2026")."""
    with translation.override(taal):
        return formats.date_format(datum, "j F Y")
