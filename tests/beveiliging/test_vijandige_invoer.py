"""Hostile text in every free-text field of every form (issue 8, Vertrouwen): script tags,
attribute-breaking quotes, template syntax, e-mail header injection, Unicode edge cases, control
characters, lone surrogates, NUL bytes, over-long and 1 MB strings (tests/beveiliging/vijandig.py).

The rules: never a 500; a value is stored exactly (as the form strips it) or refused with an error
on its field; it is shown escaped on every page that shows it, and on the form that refuses it;
e-mail headers are never injected and no message fails to send because of what someone typed.

The matrix: one submission per (form, hostile value) with the value in all the form's free-text
fields, and one per (form, field, refused value) with only that field hostile. The forms are found
by their classes, so a new form with free text that is not in the matrix fails a test here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
from collections.abc import Callable
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.core import mail
from django.core.mail import BadHeaderError, EmailMessage
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from klachten import berichten, rollen, services
from klachten.forms import (
    AfsluitenFormulier,
    AntwoordFormulier,
    BerichtFormulier,
    DoorverwijzingFormulier,
    ExterneProcedureFormulier,
    HeroverwegingAntwoordFormulier,
    HeroverwegingVragenFormulier,
    KlachtFormulier,
    KlachtRegistratieFormulier,
    KlantberichtFormulier,
    KlantInformatieFormulier,
    KwetsbaarheidFormulier,
    LeermomentFormulier,
    LinkKwijtFormulier,
    MedewerkerBesprokenFormulier,
    OntvankelijkFormulier,
    ReactieFormulier,
    RedenFormulier,
    TekstFormulier,
    TermijnFormulier,
    TeruggevenFormulier,
    VerbeterpuntActieFormulier,
    VerbeterpuntFormulier,
    VervolgklachtFormulier,
    WeergaveFormulier,
)
from klachten.models import (
    Bericht,
    BerichtStatus,
    Bijlage,
    Doorverwijzing,
    DoorverwijzingUitkomst,
    ExterneInstantie,
    ExterneProcedure,
    Gebeurtenis,
    GebeurtenisSoort,
    Klacht,
    KwetsbaarheidSoort,
    Kwetsbaarheidssignaal,
    Leermoment,
    Medewerker,
    Termijnwijziging,
    Uitkomst,
    Verbeterpunt,
    Weergave,
)
from klachten.views.medewerker import SCHERMEN
from klachten.workflow import ACTIES, KLANT, BerichtSoort, Oordeel, Status
from klanttevredenheid import services as kto_services
from klanttevredenheid.forms import EnqueteFormulier
from klanttevredenheid.models import Opvolging, Respons
from klanttevredenheid.views.medewerker import OpvolgingAfrondenFormulier
from rapportage import services as rapportage_services
from rapportage.models import Dossierreview, Jaarrapport, Klachtanalyse
from rapportage.views.analyse import ConclusiesFormulier
from rapportage.views.dossierreview import DossierreviewFormulier
from rapportage.views.jaarrapport import ToelichtingFormulier
from tests.beveiliging.vijandig import (
    NUL,
    SURROGAAT_ONTVANGEN,
    SURROGAAT_RUW,
    VIJANDIG,
    geteld,
    laatste_bericht,
    mails_veilig,
    veilig_getoond,
    weigeren,
)
from tests.factories import (
    AfdelingFactory,
    CategorieFactory,
    KlachtFactory,
    MedewerkerFactory,
    klacht_in_status,
    pdf_bestand,
    standaardlabel,
    verzonden_uitnodiging,
)

pytestmark = pytest.mark.django_db

# The modules whose forms the matrix must cover (their Form classes are found by subclassing).
MODULES = (
    "klachten.forms",
    "klanttevredenheid.forms",
    "klanttevredenheid.views.medewerker",
    "rapportage.views.analyse",
    "rapportage.views.dossierreview",
    "rapportage.views.jaarrapport",
)
# Not typed by a person: the honeypot (filled in, the form pretends success and stores nothing).
GEEN_INVOER = {"website"}


def vrije_tekstvelden(formulier: type[forms.BaseForm]) -> dict[str, int | None]:
    """The form's free-text fields and their maximum length: the form field's, else the model
    field's (a TextField's limit is a validator). Read from the class: no database needed."""
    velden = {}
    for naam, veld in formulier.base_fields.items():
        if type(veld) is not forms.CharField or naam in GEEN_INVOER:
            continue
        if isinstance(veld.widget, forms.HiddenInput):
            continue
        limiet = veld.max_length
        if limiet is None and issubclass(formulier, forms.ModelForm):
            model_veld = formulier._meta.model._meta.get_field(naam)
            limiet = model_veld.max_length or next(
                (v.limit_value for v in model_veld.validators if isinstance(v, MaxLengthValidator)),
                None,
            )
        velden[naam] = limiet
    return velden


# How a form is met --------------------------------------------------------------------------------


@dataclasses.dataclass
class Omgeving:
    client: object
    label: object
    categorie: object
    behandelaar: Medewerker
    collega: Medewerker
    teamleider: Medewerker
    directie: Medewerker
    partner: Medewerker


Pagina = tuple[Medewerker | None, str]  # who looks (None: the customer), at which address


@dataclasses.dataclass
class Situatie:
    """A form as its user meets it: where it is posted and by whom, its other fields (valid), how
    to read back what was stored, and the pages that show it."""

    url: str
    gebruiker: Medewerker | None
    gegevens: dict
    # Form field -> the text as stored; None: the form stores nothing (link kwijt).
    opgeslagen: Callable[[], dict[str, str]] | None
    paginas: Callable[[], list[Pagina]] = list
    context_naam: str = "form"
    succes: int = 302
    # Fields stored inside a longer text (a message gets the signature, a date, the escalation).
    binnen_tekst: frozenset[str] = frozenset()
    # The e-mail to the customer carries this field's text (plain text: as typed, not escaped).
    in_mail: str | None = None


@dataclasses.dataclass(frozen=True)
class Scherm:
    formulier: type[forms.BaseForm]
    opzetten: Callable[[Omgeving], Situatie]


def _klacht(o: Omgeving, status: Status = Status.IN_ONDERZOEK) -> Klacht:
    return klacht_in_status(status, door=o.behandelaar, categorie=o.categorie)


def _klachtpaginas(
    o: Omgeving, klacht: Klacht, *, klant: bool = True, werkvoorraad: bool = False
) -> list[Pagina]:
    """The dossier; the customer's status page when the customer sees the text; the work queue
    for what it shows (customer and description)."""
    klacht = Klacht.objects.get(pk=klacht.pk)
    paginas = [(o.behandelaar, reverse("klachten:dossier", args=[klacht.dossiernummer]))]
    if werkvoorraad:
        zoeken = reverse("klachten:werkvoorraad") + f"?zoek={klacht.dossiernummer}"
        paginas.append((o.behandelaar, zoeken))
    if klant:
        paginas.append((None, reverse("klachten:status", args=[klacht.status_token])))
    return paginas


def _laatste_klacht(*velden: str) -> dict[str, str]:
    klacht = Klacht.objects.latest("pk")
    return {veld: getattr(klacht, veld) for veld in velden}


def _laatste_gebeurtenis(soort: GebeurtenisSoort) -> str:
    return Gebeurtenis.objects.filter(soort=soort).latest("pk").tekst


def _laatste_bericht(naam: str) -> dict[str, str]:
    bericht = Bericht.objects.filter(soort=ACTIES[naam].bericht).latest("pk")
    return {"onderwerp": bericht.onderwerp, "tekst": bericht.tekst}


def klachtformulier(o: Omgeving) -> Situatie:
    return Situatie(
        url=reverse("klachten:indienen"),
        gebruiker=None,
        gegevens={
            "klant_email": "anna@example.nl",
            "categorie": o.categorie.pk,
            "privacy_akkoord": "on",
            "website": "",
        },
        opgeslagen=lambda: _laatste_klacht(*vrije_tekstvelden(KlachtFormulier)),
        paginas=lambda: _klachtpaginas(o, Klacht.objects.latest("pk"), werkvoorraad=True),
    )


def registratieformulier(o: Omgeving) -> Situatie:
    return Situatie(
        url=reverse("klachten:registreren"),
        gebruiker=o.behandelaar,
        gegevens={
            "kanaal": "telefoon",
            "ontvangen_op": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "label": o.label.pk,
            "klant_email": "anna@example.nl",
            "afdeling": o.categorie.afdeling_id,
            "categorie": o.categorie.pk,
            "urgentie": "normaal",
        },
        opgeslagen=lambda: _laatste_klacht(*vrije_tekstvelden(KlachtRegistratieFormulier)),
        paginas=lambda: _klachtpaginas(o, Klacht.objects.latest("pk"), werkvoorraad=True),
    )


def link_kwijt(o: Omgeving) -> Situatie:
    _klacht(o)
    return Situatie(
        url=reverse("klachten:link-kwijt"),
        gebruiker=None,
        gegevens={"email": "anna@example.nl"},
        opgeslagen=None,
        succes=200,  # the same answer whether or not the number matched
    )


def klant_aanvullen(o: Omgeving) -> Situatie:
    klacht = _klacht(o)
    return Situatie(
        url=reverse("klachten:aanvullen", args=[klacht.status_token]),
        gebruiker=None,
        gegevens={},
        opgeslagen=lambda: {"tekst": _laatste_gebeurtenis(GebeurtenisSoort.KLANTBERICHT)},
        paginas=lambda: _klachtpaginas(o, klacht),
        context_naam="aanvul_form",
    )


def klant_heroverweging(o: Omgeving) -> Situatie:
    klacht = _klacht(o, Status.BEANTWOORD)
    return Situatie(
        url=reverse("klachten:heroverweging-vragen", args=[klacht.status_token]),
        gebruiker=None,
        gegevens={},
        opgeslagen=lambda: {"reden": _laatste_gebeurtenis(GebeurtenisSoort.KLANTBERICHT)},
        paginas=lambda: _klachtpaginas(o, klacht),
        context_naam="heroverweging_form",
    )


def enquete(o: Omgeving) -> Situatie:
    uitnodiging = verzonden_uitnodiging(
        label=o.label, behandelaar=o.behandelaar, afdeling=o.categorie.afdeling
    )
    # A low score: the behandelaar and teamleider get the signal e-mail, a follow-up is opened.
    gegevens = {"rapportcijfer": "4", "nps_score": "2"}

    def paginas() -> list[Pagina]:
        opvolging = Opvolging.objects.get(respons=Respons.objects.latest("pk"))
        return [
            (o.behandelaar, reverse("klanttevredenheid:dashboard")),
            (o.behandelaar, reverse("klanttevredenheid:opvolging", args=[opvolging.pk])),
        ]

    return Situatie(
        url=reverse("klanttevredenheid:enquete", args=[uitnodiging.token]),
        gebruiker=None,
        gegevens=gegevens,
        opgeslagen=lambda: {
            veld: getattr(Respons.objects.latest("pk"), veld)
            for veld in vrije_tekstvelden(EnqueteFormulier)
        },
        paginas=paginas,
    )


def opvolging(o: Omgeving) -> Situatie:
    uitnodiging = verzonden_uitnodiging(
        label=o.label, behandelaar=o.behandelaar, afdeling=o.categorie.afdeling
    )
    respons = kto_services.enquete_beantwoorden(
        token=uitnodiging.token, rapportcijfer=3, nps_score=1, toelichting="", verbetertips=""
    )
    url = reverse("klanttevredenheid:opvolging", args=[respons.opvolging.pk])
    return Situatie(
        url=url,
        gebruiker=o.behandelaar,
        gegevens={},
        opgeslagen=lambda: {"verslag": Opvolging.objects.get(respons=respons).notitie},
        paginas=lambda: [(o.behandelaar, url)],
    )


def verbeterpunten(o: Omgeving) -> Situatie:
    url = reverse("klachten:verbeterpunten")
    return Situatie(
        url=url,
        gebruiker=o.behandelaar,
        gegevens={"eigenaar": o.behandelaar.pk, "streefdatum": "2030-01-01"},
        opgeslagen=lambda: {"omschrijving": Verbeterpunt.objects.latest("pk").omschrijving},
        paginas=lambda: [(o.behandelaar, url)],
    )


def weergave(o: Omgeving) -> Situatie:
    """A saved view of the work queue (issue 19): its name on the queue of its team."""
    return Situatie(
        url=reverse("klachten:weergave"),
        gebruiker=o.teamleider,
        gegevens={"query": "urgentie=hoog&sorteer=klant"},
        opgeslagen=lambda: {"naam": Weergave.objects.latest("pk").naam},
        paginas=lambda: [
            (o.teamleider, reverse("klachten:werkvoorraad")),
            (o.teamleider, reverse("klachten:werkvoorraad") + "?urgentie=hoog&sorteer=klant"),
        ],
    )


def dossierreview(o: Omgeving) -> Situatie:
    klacht = _klacht(o, Status.AFGESLOTEN)
    vandaag = timezone.localdate()
    review = Dossierreview.objects.create(
        jaar=vandaag.year, maand=vandaag.month, klacht=klacht, aangeboden_op=timezone.now()
    )
    url = reverse("rapportage:dossierreview", args=[review.pk])
    return Situatie(
        url=url,
        gebruiker=o.directie,
        gegevens={},
        opgeslagen=lambda: {"opmerkingen": Dossierreview.objects.get(pk=review.pk).opmerkingen},
        paginas=lambda: [
            (o.directie, url),
            (o.directie, reverse("rapportage:dossierreviews")),
            (o.directie, reverse("rapportage:maand", args=[vandaag.year, vandaag.month])),
        ],
    )


def jaarrapport(o: Omgeving) -> Situatie:
    jaar = timezone.localdate().year - 1
    url = reverse("rapportage:jaar", args=[jaar])

    def paginas() -> list[Pagina]:
        rapport = Jaarrapport.objects.get(jaar=jaar, label=o.label)
        rapportage_services.jaarrapport_publiceren(jaarrapport=rapport, door=o.directie)
        publiek = reverse("rapportage:publiek-jaar", args=[o.label.slug, jaar])
        return [(o.directie, url), (None, publiek)]

    return Situatie(
        url=url,
        gebruiker=o.directie,
        gegevens={},
        opgeslagen=lambda: {
            "toelichting": Jaarrapport.objects.get(jaar=jaar, label=o.label).toelichting
        },
        paginas=paginas,
    )


def klachtanalyse(o: Omgeving) -> Situatie:
    vandaag = timezone.localdate()
    jaar, helft = (vandaag.year - 1, 2) if vandaag.month <= 6 else (vandaag.year, 1)
    url = reverse("rapportage:analyse", args=[jaar, helft])
    return Situatie(
        url=url,
        gebruiker=o.directie,
        gegevens={},
        opgeslagen=lambda: {
            "conclusies": Klachtanalyse.objects.get(jaar=jaar, helft=helft).conclusies
        },
        paginas=lambda: [(o.directie, url)],
    )


# The dossier's action forms: the state each starts from, who performs it, its other fields and
# where it stores the text.
BERICHT_VELDEN = frozenset({"tekst"})


def _actie(
    naam: str,
    status: Status,
    opgeslagen: Callable[[], dict[str, str]],
    *,
    door: str = "behandelaar",
    extra: Callable[[Omgeving, Klacht], dict] = lambda o, k: {},
    binnen_tekst: frozenset[str] = frozenset(),
    klant_ziet: bool = False,
    paginas: Callable[[Omgeving, Klacht, str], list[Pagina]] | None = None,
    in_mail: str | None = None,
    voorbereiden: Callable[[Omgeving, Klacht], Klacht] = lambda o, k: k,
) -> Callable[[Omgeving], Situatie]:
    def opzetten(o: Omgeving) -> Situatie:
        klacht = voorbereiden(o, _klacht(o, status))
        url = reverse("klachten:actie", args=[klacht.dossiernummer, ACTIES[naam].slug])
        return Situatie(
            url=url,
            gebruiker=getattr(o, door),
            gegevens={"versie": klacht.versie, **extra(o, klacht)},
            opgeslagen=opgeslagen,
            paginas=lambda: (
                paginas(o, klacht, url)
                if paginas is not None
                else _klachtpaginas(o, klacht, klant=klant_ziet)
            ),
            binnen_tekst=binnen_tekst,
            in_mail=in_mail,
        )

    return opzetten


def _bericht_actie(naam: str, status: Status, **kwargs) -> Callable[[Omgeving], Situatie]:
    """An action that sends a message to the customer: the customer's status page shows it."""
    opgeslagen = kwargs.pop("opgeslagen", lambda: _laatste_bericht(naam))
    return _actie(
        naam,
        status,
        opgeslagen,
        binnen_tekst=BERICHT_VELDEN,
        klant_ziet=True,
        in_mail="tekst",
        **kwargs,
    )


def _bevestigd(o: Omgeving, klacht: Klacht) -> dict:
    # Closing the complaint: the handler ticks the confirmation (forms.AfsluitenFormulier).
    return {"bevestigd": "on"}


def _termijn(o: Omgeving, klacht: Klacht) -> dict:
    # Within the 8-week limit: a later date asks for a confirmation (forms.TermijnFormulier).
    return {"nieuwe_datum": (klacht.antwoord_uiterlijk_datum + dt.timedelta(days=7)).isoformat()}


def _termijn_opgeslagen(naam: str) -> Callable[[], dict[str, str]]:
    return lambda: {
        **_laatste_bericht(naam),
        "reden": Termijnwijziging.objects.latest("pk").reden,
    }


def _klant_schreef_na_afsluiting(o: Omgeving, klacht: Klacht) -> Klacht:
    """The customer e-mails about the closed complaint (issue 17)."""
    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst="Nog iets.", per_email=True)
    return Klacht.objects.get(pk=klacht.pk)


def _aan_partner_toewijzen(o: Omgeving, klacht: Klacht) -> Klacht:
    """The behandelaar assigns the complaint to a partnerbehandelaar (an outside firm)."""
    return services.toewijzen(
        klacht=klacht, door=o.behandelaar, afdeling=klacht.afdeling, behandelaar=o.partner
    )


def _over_collega(o: Omgeving, klacht: Klacht) -> Klacht:
    """The complaint is about the collega: the teamleider records the talk with them (issue 22)."""
    Klacht.objects.filter(pk=klacht.pk).update(betreft_medewerker=o.collega)
    return Klacht.objects.get(pk=klacht.pk)


ACTIES_MET_TEKST: dict[str, Scherm] = {
    "teruggeven": Scherm(
        TeruggevenFormulier,
        _actie(
            "teruggeven",
            Status.IN_ONDERZOEK,
            lambda: {"reden": _laatste_gebeurtenis(GebeurtenisSoort.TOEWIJZING)},
            door="partner",
            voorbereiden=_aan_partner_toewijzen,
            binnen_tekst=frozenset({"reden"}),  # "Teruggegeven aan <behandelaar>: <reden>"
        ),
    ),
    "ontvangst_bevestigen": Scherm(
        BerichtFormulier, _bericht_actie("ontvangst_bevestigen", Status.ONTVANGEN)
    ),
    "ontvankelijk_verklaren": Scherm(
        OntvankelijkFormulier,
        _actie(
            "ontvankelijk_verklaren",
            Status.ONTVANGST_BEVESTIGD,
            lambda: {"toelichting": _laatste_gebeurtenis(GebeurtenisSoort.NOTITIE)},
        ),
    ),
    "niet_ontvankelijk_verklaren": Scherm(
        AfsluitenFormulier,
        _bericht_actie("niet_ontvankelijk_verklaren", Status.ONTVANGEN, extra=_bevestigd),
    ),
    "telefooncontact_vastleggen": Scherm(
        TekstFormulier,
        _actie(
            "telefooncontact_vastleggen",
            Status.IN_ONDERZOEK,
            lambda: {"tekst": _laatste_gebeurtenis(GebeurtenisSoort.TELEFOON)},
        ),
    ),
    "notitie_toevoegen": Scherm(
        TekstFormulier,
        _actie(
            "notitie_toevoegen",
            Status.IN_ONDERZOEK,
            lambda: {"tekst": _laatste_gebeurtenis(GebeurtenisSoort.NOTITIE)},
        ),
    ),
    "klantbericht_toevoegen": Scherm(
        KlantberichtFormulier,
        _actie(
            "klantbericht_toevoegen",
            Status.IN_ONDERZOEK,
            lambda: {"tekst": _laatste_gebeurtenis(GebeurtenisSoort.KLANTBERICHT)},
            klant_ziet=True,
        ),
    ),
    "statusupdate_sturen": Scherm(
        BerichtFormulier, _bericht_actie("statusupdate_sturen", Status.IN_ONDERZOEK)
    ),
    "reactie_sturen": Scherm(
        ReactieFormulier,
        _bericht_actie(
            "reactie_sturen", Status.AFGESLOTEN, voorbereiden=_klant_schreef_na_afsluiting
        ),
    ),
    "opschorten": Scherm(
        TermijnFormulier,
        _bericht_actie(
            "opschorten",
            Status.IN_ONDERZOEK,
            extra=_termijn,
            opgeslagen=_termijn_opgeslagen("opschorten"),
        ),
    ),
    "verlengen": Scherm(
        TermijnFormulier,
        _bericht_actie(
            "verlengen",
            Status.IN_ONDERZOEK,
            extra=_termijn,
            opgeslagen=_termijn_opgeslagen("verlengen"),
        ),
    ),
    "antwoord_sturen": Scherm(
        AntwoordFormulier,
        _bericht_actie(
            "antwoord_sturen",
            Status.IN_ONDERZOEK,
            extra=lambda o, k: {"oordeel": Oordeel.GEGROND, "definitief_standpunt": "on"},
        ),
    ),
    "heroverweging_vragen": Scherm(
        RedenFormulier,
        _actie(
            "heroverweging_vragen",
            Status.BEANTWOORD,
            lambda: {"reden": _laatste_gebeurtenis(GebeurtenisSoort.KLANTBERICHT)},
            klant_ziet=True,
        ),
    ),
    "heroverweging_beantwoorden": Scherm(
        HeroverwegingAntwoordFormulier,
        _bericht_actie(
            "heroverweging_beantwoorden",
            Status.IN_HEROVERWEGING,
            door="collega",  # the second line, never the first behandelaar
            extra=lambda o, k: {"oordeel": Oordeel.ONGEGROND},
        ),
    ),
    "externe_procedure_vastleggen": Scherm(
        ExterneProcedureFormulier,
        _actie(
            "externe_procedure_vastleggen",
            Status.BEANTWOORD,
            lambda: {"toelichting": ExterneProcedure.objects.latest("pk").toelichting},
            # The dossier lists the procedure; its form (to record the outcome) shows the text.
            paginas=lambda o, k, url: [
                (o.behandelaar, f"{url}?procedure={ExterneProcedure.objects.latest('pk').pk}")
            ],
            extra=lambda o, k: {
                "instantie": ExterneInstantie.objects.get(code="kifid").pk,
                "ingediend_datum": "2026-01-05",
                "uitkomst": Uitkomst.LOPEND,
            },
        ),
    ),
    "afsluiten": Scherm(
        AfsluitenFormulier, _bericht_actie("afsluiten", Status.BEANTWOORD, extra=_bevestigd)
    ),
    "heropenen": Scherm(
        RedenFormulier,
        _actie(
            "heropenen",
            Status.AFGESLOTEN,
            lambda: {"reden": _laatste_gebeurtenis(GebeurtenisSoort.NOTITIE)},
            binnen_tekst=frozenset({"reden"}),  # "Heropend: <reden>"
        ),
    ),
    "vervolgklacht_registreren": Scherm(
        VervolgklachtFormulier,
        _actie(
            "vervolgklacht_registreren",
            Status.AFGESLOTEN,
            lambda: _laatste_klacht("omschrijving"),
            voorbereiden=_klant_schreef_na_afsluiting,
            extra=lambda o, k: {"categorie": o.categorie.pk},
            # The new complaint's dossier, queue and status page show its description.
            paginas=lambda o, k, url: _klachtpaginas(
                o, Klacht.objects.latest("pk"), werkvoorraad=True
            ),
        ),
    ),
    "medewerker_besproken": Scherm(
        MedewerkerBesprokenFormulier,
        _actie(
            "medewerker_besproken",
            Status.BEANTWOORD,
            lambda: {"samenvatting": Klacht.objects.latest("pk").medewerker_gesprek_samenvatting},
            door="teamleider",
            extra=lambda o, k: {"datum": "2026-01-05"},
            voorbereiden=_over_collega,
        ),
    ),
    "leermoment_toevoegen": Scherm(
        LeermomentFormulier,
        _actie(
            "leermoment_toevoegen",
            Status.AFGESLOTEN,
            lambda: {"omschrijving": Leermoment.objects.latest("pk").omschrijving},
        ),
    ),
    "verbeterpunt_toevoegen": Scherm(
        VerbeterpuntActieFormulier,
        _actie(
            "verbeterpunt_toevoegen",
            Status.AFGESLOTEN,
            lambda: {"omschrijving": Verbeterpunt.objects.latest("pk").omschrijving},
            extra=lambda o, k: {"eigenaar": o.behandelaar.pk, "streefdatum": "2030-01-01"},
        ),
    ),
    "kwetsbaarheid_vastleggen": Scherm(
        KwetsbaarheidFormulier,
        _actie(
            "kwetsbaarheid_vastleggen",
            Status.IN_ONDERZOEK,
            lambda: {"toelichting": Kwetsbaarheidssignaal.objects.latest("pk").toelichting},
            extra=lambda o, k: {"soort": KwetsbaarheidSoort.LAAGGELETTERDHEID},
        ),
    ),
    "doorverwijzing_vastleggen": Scherm(
        DoorverwijzingFormulier,
        _actie(
            "doorverwijzing_vastleggen",
            Status.IN_ONDERZOEK,
            lambda: {
                veld: getattr(Doorverwijzing.objects.latest("pk"), veld)
                for veld in ("naar", "toelichting")
            },
            extra=lambda o, k: {
                "datum": "2026-01-05",
                "uitkomst": DoorverwijzingUitkomst.LOPEND,
            },
        ),
    ),
}

FORMULIEREN: dict[str, Scherm] = {
    "klacht": Scherm(KlachtFormulier, klachtformulier),
    "link_kwijt": Scherm(LinkKwijtFormulier, link_kwijt),
    "status_aanvullen": Scherm(KlantInformatieFormulier, klant_aanvullen),
    "status_heroverweging": Scherm(HeroverwegingVragenFormulier, klant_heroverweging),
    "enquete": Scherm(EnqueteFormulier, enquete),
    "registreren": Scherm(KlachtRegistratieFormulier, registratieformulier),
    **{f"actie_{naam}": scherm for naam, scherm in ACTIES_MET_TEKST.items()},
    "verbeterpunten": Scherm(VerbeterpuntFormulier, verbeterpunten),
    "weergave": Scherm(WeergaveFormulier, weergave),
    "opvolging": Scherm(OpvolgingAfrondenFormulier, opvolging),
    "dossierreview": Scherm(DossierreviewFormulier, dossierreview),
    "jaarrapport": Scherm(ToelichtingFormulier, jaarrapport),
    "klachtanalyse": Scherm(ConclusiesFormulier, klachtanalyse),
}

PER_VELD = [
    (naam, veld)
    for naam, scherm in FORMULIEREN.items()
    for veld in vrije_tekstvelden(scherm.formulier)
]


@pytest.fixture(scope="module")
def _organisatie(django_db_setup, django_db_blocker):
    """The label, afdeling, categorie and the staff of every role, made once for the module's
    hundreds of cases (each case runs in a savepoint inside this transaction) and rolled back
    after the last one."""
    with django_db_blocker.unblock(), transaction.atomic():
        label = standaardlabel()
        label.externe_instantie = ExterneInstantie.objects.get(code="kifid")
        label.save(update_fields=["externe_instantie"])
        afdeling = AfdelingFactory(naam="Declaraties", code="declaraties")
        categorie = CategorieFactory(naam="Declaratie", code="declaratie", afdeling=afdeling)
        behandelaars = [
            MedewerkerFactory(
                username=naam, rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling]
            )
            for naam in ("behandelaar", "collega")
        ]
        teamleider = MedewerkerFactory(
            username="teamleider", rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling]
        )
        directie = MedewerkerFactory(username="directie", rollen=[rollen.DIRECTIE])
        partner = MedewerkerFactory(username="partner", rollen=[rollen.PARTNERBEHANDELAAR])
        yield label, categorie, *behandelaars, teamleider, directie, partner
        transaction.set_rollback(True)


@pytest.fixture
def label(_organisatie):
    return _organisatie[0]


@pytest.fixture
def categorie(_organisatie):
    return _organisatie[1]


@pytest.fixture
def behandelaar(_organisatie):
    return _organisatie[2]


@pytest.fixture
def omgeving(client, _organisatie):
    return Omgeving(client, *_organisatie)


def verwacht(veld: str, waarde: str) -> str:
    """What a form stores of a typed value: stripped (Django's CharField and the services); a
    subject becomes one line (klachten.berichten.bericht_versturen: no header injection)."""
    return " ".join(waarde.split()) if veld == "onderwerp" else waarde.strip()


def versturen(o: Omgeving, situatie: Situatie, data, capture, **kwargs):
    if situatie.gebruiker is None:
        o.client.logout()
    else:
        o.client.force_login(situatie.gebruiker)
    with capture(execute=True):
        response = o.client.post(situatie.url, data, **kwargs)
    assert response.status_code != 500
    return response


def fouten(response, situatie: Situatie) -> dict:
    form = (response.context or {}).get(situatie.context_naam) if response.context else None
    return dict(form.errors) if form is not None else {}


def stand() -> tuple:
    """What any of the forms could have stored."""
    return (
        Klacht.objects.count(),
        Gebeurtenis.objects.count(),
        Bericht.objects.count(),
        Verbeterpunt.objects.count(),
        Leermoment.objects.count(),
        Termijnwijziging.objects.count(),
        ExterneProcedure.objects.count(),
        Kwetsbaarheidssignaal.objects.count(),
        Doorverwijzing.objects.count(),
        Respons.objects.count(),
        list(Opvolging.objects.values_list("notitie", flat=True)),
        list(Dossierreview.objects.values_list("opmerkingen", flat=True)),
        # The yearly report's page makes its draft on first view: an empty draft stores nothing.
        list(Jaarrapport.objects.exclude(toelichting="").values_list("toelichting", flat=True)),
        list(Klachtanalyse.objects.values_list("conclusies", flat=True)),
    )


def pagina_bekijken(o: Omgeving, wie: Medewerker | None, url: str) -> str:
    if wie is None:
        o.client.logout()
    else:
        o.client.force_login(wie)
    response = o.client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# The matrix ---------------------------------------------------------------------------------------


def test_elk_formulier_met_vrije_tekst_zit_in_de_matrix():
    """Every Form class of the apps with a free-text field is submitted with hostile text here."""
    gevonden = set()
    te_doen = [forms.BaseForm]
    while te_doen:
        klasse = te_doen.pop()
        te_doen.extend(klasse.__subclasses__())
        if klasse.__module__ in MODULES and vrije_tekstvelden(klasse):
            gevonden.add(klasse)
    for module in MODULES:
        importlib.import_module(module)
    gedekt = {scherm.formulier for scherm in FORMULIEREN.values()}

    assert gevonden - gedekt == set()
    # Every dossier action whose form takes free text is in the matrix.
    assert {n for n, s in SCHERMEN.items() if vrije_tekstvelden(s.formulier)} == set(
        ACTIES_MET_TEKST
    )
    assert all(SCHERMEN[n].formulier is s.formulier for n, s in ACTIES_MET_TEKST.items())


@pytest.mark.parametrize(("formulier", "veld"), PER_VELD)
def test_elk_vrij_tekstveld_heeft_een_maximumlengte(formulier, veld):
    """Without one, a 1 MB note or message is stored, mailed and shown on every page."""
    assert vrije_tekstvelden(FORMULIEREN[formulier].formulier)[veld] is not None


@pytest.mark.parametrize("waarde_naam", list(VIJANDIG))
@pytest.mark.parametrize("formulier", list(FORMULIEREN))
def test_vijandige_tekst_wordt_exact_bewaard_en_overal_escaped_getoond(
    omgeving, formulier, waarde_naam, django_capture_on_commit_callbacks
):
    scherm = FORMULIEREN[formulier]
    situatie = scherm.opzetten(omgeving)
    waarde = VIJANDIG[waarde_naam]
    velden = vrije_tekstvelden(scherm.formulier)
    mail.outbox.clear()
    berichten_na = laatste_bericht()

    response = versturen(
        omgeving,
        situatie,
        {**situatie.gegevens, **dict.fromkeys(velden, waarde)},
        django_capture_on_commit_callbacks,
    )
    geteld("formulier", len(velden))

    # A field shorter than the value refuses it (link kwijt: a dossiernummer has 14 characters).
    te_kort = {veld for veld, limiet in velden.items() if len(verwacht(veld, waarde)) > limiet}
    if te_kort:
        assert response.status_code in (200, 400)
        assert set(fouten(response, situatie)) == te_kort
        veilig_getoond(response.content.decode(), waarde, moet_tonen=False)
        return
    assert response.status_code == situatie.succes, fouten(response, situatie)
    assert fouten(response, situatie) == {}
    if situatie.opgeslagen is not None:
        opgeslagen = situatie.opgeslagen()
        for veld in velden:
            if veld in situatie.binnen_tekst:
                assert verwacht(veld, waarde) in opgeslagen[veld]
            else:
                assert opgeslagen[veld] == verwacht(veld, waarde), veld
    if situatie.succes != 302:
        veilig_getoond(response.content.decode(), waarde, moet_tonen=False)
    for wie, url in situatie.paginas():
        veilig_getoond(pagina_bekijken(omgeving, wie, url), waarde)
    if situatie.in_mail:
        aan_klant = [
            m.body for m in mail.outbox if m.to == [Klacht.objects.latest("pk").klant_email]
        ]
        assert any(verwacht(situatie.in_mail, waarde) in tekst for tekst in aan_klant)
    mails_veilig(mail.outbox, berichten_na=berichten_na)


@pytest.mark.parametrize("formulier", list(FORMULIEREN))
def test_nul_in_elk_veld_wordt_per_veld_geweigerd_en_het_formulier_escaped_teruggegeven(
    omgeving, formulier, django_capture_on_commit_callbacks
):
    scherm = FORMULIEREN[formulier]
    situatie = scherm.opzetten(omgeving)
    waarde = NUL
    velden = vrije_tekstvelden(scherm.formulier)
    voor = stand()

    response = versturen(
        omgeving,
        situatie,
        {**situatie.gegevens, **dict.fromkeys(velden, waarde)},
        django_capture_on_commit_callbacks,
    )
    geteld("formulier", len(velden))

    assert response.status_code in (200, 400)
    assert set(fouten(response, situatie)) == set(velden)
    assert stand() == voor
    veilig_getoond(response.content.decode(), waarde, moet_tonen=False)


@pytest.mark.parametrize("formulier", list(FORMULIEREN))
def test_een_losse_surrogaat_in_een_formulier_wordt_een_vervangingsteken(
    omgeving, formulier, django_capture_on_commit_callbacks
):
    """A form POST cannot carry a lone surrogate (U+D800) as text: its bytes are invalid UTF-8,
    which Django decodes as U+FFFD, and that is stored like any other text."""
    scherm = FORMULIEREN[formulier]
    situatie = scherm.opzetten(omgeving)
    velden = vrije_tekstvelden(scherm.formulier)
    ruw = "&".join([urlencode(situatie.gegevens)] + [f"{veld}={SURROGAAT_RUW}" for veld in velden])

    response = versturen(
        omgeving,
        situatie,
        ruw,
        django_capture_on_commit_callbacks,
        content_type="application/x-www-form-urlencoded",
    )
    geteld("formulier", len(velden))

    assert response.status_code == situatie.succes, fouten(response, situatie)
    if situatie.opgeslagen is not None:
        opgeslagen = situatie.opgeslagen()
        for veld in velden:
            assert SURROGAAT_ONTVANGEN in opgeslagen[veld]
            opgeslagen[veld].encode("utf-8")  # valid UTF-8 all the same


@pytest.mark.parametrize(("formulier", "veld"), PER_VELD)
def test_een_veld_met_nul_of_te_lange_tekst_wordt_geweigerd_met_een_fout_bij_dat_veld(
    omgeving, formulier, veld, django_capture_on_commit_callbacks
):
    """NUL, one character too many and 1 MB, each alone in one field: refused with an error on
    that field, nothing stored, and the form given back with the text escaped."""
    scherm = FORMULIEREN[formulier]
    situatie = scherm.opzetten(omgeving)
    velden = vrije_tekstvelden(scherm.formulier)
    voor = stand()

    for soort, waarde in weigeren(velden[veld]).items():
        # The other free-text fields get a valid text.
        data = {**situatie.gegevens, **dict.fromkeys(velden, "Gewone tekst."), veld: waarde}
        response = versturen(omgeving, situatie, data, django_capture_on_commit_callbacks)
        geteld("formulier", 1)

        assert response.status_code in (200, 400), soort
        assert set(fouten(response, situatie)) == {veld}, soort
        assert stand() == voor, soort
        veilig_getoond(response.content.decode(), waarde, moet_tonen=False)


# Addresses and query parameters -------------------------------------------------------------------

PARAMETERWAARDEN = {
    **VIJANDIG,
    "nul": NUL,
    "kale_nul": "KL-2026-\x00",  # no slash: it reaches the view's lookup, not only the resolver
    "surrogaat": SURROGAAT_RUW,
    "lang": "x" * 10_000,
}


def _adressen(o: Omgeving) -> list[Pagina]:
    """Pages with the query parameters a user can change, and the addresses with a token or a
    dossiernummer in them; WAARDE is replaced by the hostile value."""
    klacht = _klacht(o, Status.BEANTWOORD)
    nr = klacht.dossiernummer
    vandaag = timezone.localdate()
    return [
        (o.behandelaar, "/medewerker/?zoek=WAARDE&status=WAARDE&afdeling=WAARDE&pagina=WAARDE"),
        (o.behandelaar, "/medewerker/?kanaal=WAARDE&behandelaar=WAARDE&eigen=WAARDE"),
        (o.behandelaar, "/medewerker/verbeterpunten/?pagina=WAARDE"),
        (
            o.behandelaar,
            f"/medewerker/klachten/{nr}/externe-procedure-vastleggen/?procedure=WAARDE",
        ),
        (o.behandelaar, "/medewerker/klachten/WAARDE/"),
        (o.behandelaar, f"/medewerker/klachten/{nr}/WAARDE/"),
        (o.behandelaar, "/medewerker/klanttevredenheid/?kwartaal=WAARDE&pagina=WAARDE"),
        (o.directie, "/medewerker/rapportage/?label=WAARDE&maand=WAARDE"),
        (o.directie, f"/medewerker/rapportage/{vandaag.year}/{vandaag.month}/?label=WAARDE"),
        (o.directie, f"/medewerker/rapportage/jaar/{vandaag.year - 1}/?label=WAARDE"),
        (o.directie, f"/medewerker/rapportage/analyse/{vandaag.year - 1}/2/?label=WAARDE"),
        (None, "/klacht/status/WAARDE/"),
        (None, "/enquete/WAARDE/"),
        (None, "/enquete/WAARDE/bedankt/"),
        (None, "/WAARDE/klacht/"),
        (None, "/klacht/?WAARDE=WAARDE"),
    ]


@pytest.mark.parametrize("waarde_naam", list(PARAMETERWAARDEN))
def test_vijandige_queryparameters_en_adressen_geven_nooit_een_500(omgeving, waarde_naam):
    """Every query parameter and every token or number in an address: a page, a redirect or a
    404, the value escaped wherever the page shows it."""
    waarde = PARAMETERWAARDEN[waarde_naam]
    ruw = waarde if waarde_naam == "surrogaat" else quote(waarde, safe="")
    for wie, adres in _adressen(omgeving):
        if wie is None:
            omgeving.client.logout()
        else:
            omgeving.client.force_login(wie)
        response = omgeving.client.get(adres.replace("WAARDE", ruw))
        geteld("adres", adres.count("WAARDE"))

        assert response.status_code in (200, 302, 404), (adres, response.status_code)
        veilig_getoond(response.content.decode(), waarde, moet_tonen=False)


# E-mail addresses and file names -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("formulier", "veld"),
    [("klacht", "klant_email"), ("registreren", "klant_email"), ("link_kwijt", "email")],
)
@pytest.mark.parametrize(
    "adres",
    [
        "anna@example.nl\r\nBcc: x@evil.example",
        "anna@example.nl\nBcc: x@evil.example",
        "anna@example.nl>\r\nBcc: <x@evil.example",
        "<script>alert(1)</script>@example.nl",
        "anna@example.nl\x00",
        "x" * 320 + "@example.nl",  # longer than any address (RFC 3696 errata: 320)
    ],
    ids=["crlf", "lf", "haken", "script", "nul", "lang"],
)
def test_een_vijandig_emailadres_wordt_geweigerd_met_een_fout_bij_dat_veld(
    omgeving, formulier, veld, adres, django_capture_on_commit_callbacks
):
    scherm = FORMULIEREN[formulier]
    situatie = scherm.opzetten(omgeving)
    velden = vrije_tekstvelden(scherm.formulier)
    data = {**situatie.gegevens, **dict.fromkeys(velden, "Gewone tekst."), veld: adres}
    if formulier == "link_kwijt":
        data["dossiernummer"] = "KL-2026-000001"
    voor = stand()

    response = versturen(omgeving, situatie, data, django_capture_on_commit_callbacks)
    geteld("formulier", 1)

    assert response.status_code == 200
    assert set(fouten(response, situatie)) == {veld}
    assert stand() == voor
    veilig_getoond(response.content.decode(), adres, moet_tonen=False)


def test_een_vreemd_maar_geldig_emailadres_wordt_escaped_getoond_en_veilig_gemaild(
    omgeving, django_capture_on_commit_callbacks
):
    """A quoted local part may hold markup and still be a valid address (RFC 5321): stored as
    typed, shown escaped, and the acknowledgement goes to it and to no one else."""
    situatie = klachtformulier(omgeving)
    adres = '"<script>alert(1)</script>"@example.nl'
    mail.outbox.clear()

    response = versturen(
        omgeving,
        situatie,
        {
            **situatie.gegevens,
            "klant_email": adres,
            "klant_naam": "Anna",
            "omschrijving": "Klacht.",
        },
        django_capture_on_commit_callbacks,
    )
    geteld("formulier", 1)

    assert response.status_code == 302, fouten(response, situatie)
    klacht = Klacht.objects.get()
    assert klacht.klant_email == adres
    dossier, *andere = _klachtpaginas(omgeving, klacht, werkvoorraad=True)
    veilig_getoond(pagina_bekijken(omgeving, *dossier), adres)
    for wie, url in andere:
        veilig_getoond(pagina_bekijken(omgeving, wie, url), adres, moet_tonen=False)
    assert [m.to for m in mail.outbox] == [[adres]]
    mails_veilig(mail.outbox)


@pytest.mark.parametrize("waarde_naam", list(VIJANDIG))
def test_de_naam_van_een_bijlage_wordt_escaped_getoond_en_veilig_gedownload(
    omgeving, waarde_naam, django_capture_on_commit_callbacks
):
    """The customer's file name is kept to show (never used on disk): escaped on the dossier,
    and the download's Content-Disposition header stays one header."""
    situatie = klachtformulier(omgeving)
    naam = VIJANDIG[waarde_naam] + ".pdf"
    data = {**situatie.gegevens, "klant_naam": "Anna", "omschrijving": "Klacht."}

    response = versturen(
        omgeving,
        situatie,
        {**data, "bijlagen": pdf_bestand(naam)},
        django_capture_on_commit_callbacks,
    )
    geteld("formulier", 1)

    assert response.status_code == 302, fouten(response, situatie)
    bijlage = Bijlage.objects.get()
    dossier = reverse("klachten:dossier", args=[bijlage.klacht.dossiernummer])
    veilig_getoond(
        pagina_bekijken(omgeving, omgeving.behandelaar, dossier),
        bijlage.oorspronkelijke_naam,
    )
    download = omgeving.client.get(reverse("klachten:bijlage", args=[bijlage.pk]))
    assert download.status_code == 200
    kop = download["Content-Disposition"]
    assert kop.startswith("attachment;")
    assert "\r" not in kop
    assert "\n" not in kop
    assert download["X-Content-Type-Options"] == "nosniff"


def test_django_weigert_een_onderwerp_met_een_regeleinde_en_de_outbox_maakt_er_een_regel_van(
    omgeving, django_capture_on_commit_callbacks
):
    """Django refuses a header with a line break (BadHeaderError): a message whose subject held
    one would fail at every attempt. The outbox writes every subject as one line, so the message
    a handler typed goes out (klachten.berichten.bericht_versturen)."""
    onderwerp = "Uw klacht\r\nBcc: x@evil.example\nX-Extra: ja"
    with pytest.raises(BadHeaderError):
        EmailMessage(subject=onderwerp, body="Tekst", to=["anna@example.nl"]).message()
    klacht = _klacht(omgeving)
    mail.outbox.clear()
    berichten_na = laatste_bericht()

    with django_capture_on_commit_callbacks(execute=True):
        bericht = berichten.bericht_versturen(
            klacht=klacht,
            soort=BerichtSoort.STATUSUPDATE,
            onderwerp=onderwerp,
            tekst="Tekst",
            door=omgeving.behandelaar,
        )
    geteld("formulier", 1)

    bericht.refresh_from_db()
    assert bericht.onderwerp == "Uw klacht Bcc: x@evil.example X-Extra: ja"
    assert bericht.status == BerichtStatus.VERZONDEN
    assert [m.subject for m in mail.outbox] == [bericht.onderwerp]
    mails_veilig(mail.outbox, berichten_na=berichten_na)


def test_namen_op_paginas_zijn_afgeschermd_tegen_een_richtingsomkering(
    client, label, categorie, behandelaar
):
    """A customer's or staff member's name with a right-to-left override (U+202E) must not turn
    the text after it around (the dossiernummer, the date): every name shown stands in <bdi>."""
    naam = "Anna\u202e 1202-LK"
    behandelaar.first_name, behandelaar.last_name = "Sanne\u202e", "de Vries"
    behandelaar.save(update_fields=["first_name", "last_name"])
    klacht = KlachtFactory(label=label, categorie=categorie, klant_naam=naam)
    services.toewijzen(
        klacht=klacht, door=behandelaar, afdeling=klacht.afdeling, behandelaar=behandelaar
    )
    client.force_login(behandelaar)

    paginas = {
        "werkvoorraad": client.get(reverse("klachten:werkvoorraad")).content.decode(),
        "dossier": client.get(
            reverse("klachten:dossier", args=[klacht.dossiernummer])
        ).content.decode(),
    }

    for pagina, html in paginas.items():
        # An <option> and a <textarea> (the inline reply's text) hold text only (no <bdi>), and
        # a timeline entry's text is a paragraph of its own: the browser ends an override at the
        # end of each.
        html = re.sub(r"<option[^>]*>.*?</option>", "", html, flags=re.DOTALL)
        html = re.sub(r"<textarea[^>]*>.*?</textarea>", "", html, flags=re.DOTALL)
        html = re.sub(r'<div class="tijdlijn-tekst">.*?</div>', "", html, flags=re.DOTALL)
        for tekst in (naam, "Sanne\u202e de Vries"):
            voorkomens = html.count(tekst)
            assert voorkomens, (pagina, tekst)
            assert html.count(f"<bdi>{tekst}</bdi>") == voorkomens, (pagina, tekst)
