"""Staff pages: the work queue, intake, the dossier with its actions, improvement actions."""

from contextlib import nullcontext
from dataclasses import dataclass
from functools import wraps

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from klachten import (
    berichten,
    dossierpanelen,
    kalender,
    rollen,
    selectors,
    services,
    termijnen,
    triage,
)
from klachten.berichten.inkomend import beheer as inkomend_beheer
from klachten.forms import (
    AfsluitenFormulier,
    AntwoordFormulier,
    BerichtFormulier,
    BerichtOpnieuwFormulier,
    ClassificerenFormulier,
    DoorverwijzingFormulier,
    ExterneProcedureFormulier,
    HeroverwegingAntwoordFormulier,
    KlachtRegistratieFormulier,
    KlantberichtFormulier,
    KwetsbaarheidFormulier,
    KwetsbaarheidIntrekkenFormulier,
    LeermomentFormulier,
    MedewerkerBesprokenFormulier,
    OntvankelijkFormulier,
    ReactieFormulier,
    RedenFormulier,
    TekstFormulier,
    TermijnFormulier,
    TeruggevenFormulier,
    ToewijzenFormulier,
    UrgentieFormulier,
    VerbeterpuntActieFormulier,
    VerbeterpuntFormulier,
    VerbeterpuntStatusFormulier,
    VervolgklachtFormulier,
    fouten_toevoegen,
)
from klachten.middleware import client_ip, inzage_loggen
from klachten.models import (
    Bericht,
    BerichtStatus,
    Bijlage,
    GebeurtenisSoort,
    InkomendBericht,
    InzageSoort,
    Klacht,
    KwetsbaarheidSoort,
    TermijnwijzigingSoort,
)
from klachten.uploads import voorbeeld_type
from klachten.workflow import (
    ACTIES,
    KWETSBARE_KLANT,
    GewijzigdIntussen,
    NietsGewijzigd,
    Status,
    WorkflowFout,
    mag,
    medewerkergesprek_ontbreekt,
    opnieuw_versturen_weigering,
    toegestane_acties,
    weigering,
)


def medewerker_vereist(view):
    """Logged in, and holding a staff role: customers and role-less accounts get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_superuser or rollen.rollen_van(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _geen_partner(gebruiker) -> None:
    """Intake and the improvement actions are the insurer's own work: a partnerbehandelaar (an
    outside firm, issue 9) has their work queue and the dossiers assigned to them, no more."""
    if rollen.is_partnerbehandelaar(gebruiker):
        raise PermissionDenied


def _klacht_van(
    request, dossiernummer: str, *, vergrendelen: bool = False, klantbericht: bool = False
) -> Klacht:
    """A complaint the user may see; others do not exist for them (404, not 403).
    `vergrendelen`: its row locked for the action the caller's transaction carries out
    (services.vergrendeld). `klantbericht`: with its latest customer message's moment and channel
    (selectors.met_laatste_klantbericht), read in the same query."""
    klachten = selectors.klachten_voor(request.user)
    if vergrendelen:
        klachten = klachten.select_for_update(of=("self",))
    if klantbericht:
        klachten = selectors.met_laatste_klantbericht(klachten)
    klacht = get_object_or_404(
        klachten.select_related(
            "label__externe_instantie",
            "afdeling",
            "categorie",
            "behandelaar",
            "heroverweging_behandelaar",
            "betreft_medewerker",
            "ingediend_door",
            "oorzaak",
            "vorige_klacht",
        ),
        dossiernummer=dossiernummer,
    )
    return services.vergrendeld(klacht) if vergrendelen else klacht


@medewerker_vereist
@require_http_methods(["GET", "POST"])
def klacht_registreren(request):
    """Staff intake of a complaint by phone, e-mail, letter, social media, KTO or a colleague."""
    _geen_partner(request.user)
    if request.method == "POST":
        form = KlachtRegistratieFormulier(request.POST, request.FILES, gebruiker=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                klacht = services.klacht_registreren(
                    ingediend_door=request.user, bijlagen=data.pop("bijlagen"), **data
                )
            except ValidationError as exc:
                fouten_toevoegen(form, exc)
            except WorkflowFout as exc:
                fouten_toevoegen(form, ValidationError(str(exc)))
            else:
                if klacht.direct_opgelost:
                    messages.success(
                        request,
                        _("Klacht %(nummer)s is geregistreerd en afgesloten als direct opgelost.")
                        % {"nummer": klacht.dossiernummer},
                    )
                else:
                    messages.success(
                        request,
                        _("Klacht %(nummer)s is geregistreerd.") % {"nummer": klacht.dossiernummer},
                    )
                return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
    else:
        form = KlachtRegistratieFormulier(gebruiker=request.user)
    return render(request, "klachten/klacht_registreren.html", {"form": form})


# The action whose form the dossier offers inline to reply to the customer: the reactie, in any
# state (issue 17).
INLINE_ANTWOORD = "reactie_sturen"
# The forms that write to the customer show beside them the conversation they answer (issue 19):
# every action that sends the customer a message, but their own request recorded by staff.
ANTWOORDEN_AAN_KLANT = frozenset(
    naam for naam, a in ACTIES.items() if a.bericht is not None and naam != "heroverweging_vragen"
)
# Actions whose message needs the handler's own text (the others may add some).
VRIJE_TEKST_VERPLICHT = frozenset(
    {
        "reactie_sturen",
        "statusupdate_sturen",
        "antwoord_sturen",
        "heroverweging_beantwoorden",
        "niet_ontvankelijk_verklaren",
    }
)
# What the handler may choose when the customer wrote after the closing (issue 17), besides the
# inline reactie; each its own action with its own form, offered only when the workflow allows.
NA_AFSLUITING_KEUZES = ("heropenen", "heroverweging_vragen", "vervolgklacht_registreren")


@medewerker_vereist
def klacht_dossier(request, dossiernummer):
    """The dossier: one timeline, the deadlines that run now, and the allowed actions."""
    klacht = _klacht_van(request, dossiernummer)
    inzage_loggen(request, klacht, InzageSoort.DOSSIER)
    # Its handler opened it: the queue's marker "nieuw bericht van klant" goes.
    services.klacht_geopend(klacht=klacht, door=request.user)
    # A vulnerable customer's signals, for those who handle the complaint; read before the
    # actions, whose conditions look at them.
    kwetsbaarheid = (
        selectors.kwetsbaarheid(klacht) if selectors.ziet_kwetsbaarheid(request.user) else None
    )
    acties = toegestane_acties(klacht, request.user)
    # The inline reply to the customer (issue 17): the reactie's form with its template, sent in
    # the customer's e-mail thread (berichten.draad_van).
    mag_antwoorden = any(a.naam == INLINE_ANTWOORD for a in acties)
    tijdlijn = selectors.tijdlijn(klacht, kwetsbaarheid=kwetsbaarheid)
    # The customer wrote after the closing: a panel with the handler's choices (issue 17), for
    # a user who has one.
    keuzes = [a for a in acties if a.naam in NA_AFSLUITING_KEUZES]
    na_afsluiting = selectors.na_afsluiting(klacht, tijdlijn) if keuzes or mag_antwoorden else None
    # The complaints registered from this one (read only when its timeline says there are).
    heeft_vervolg = any(item.soort == GebeurtenisSoort.VERVOLGKLACHT for item in tijdlijn)
    return render(
        request,
        "klachten/klacht_dossier.html",
        {
            "klacht": klacht,
            "antwoord_form": (
                BerichtFormulier(initial=_begintekst(klacht, INLINE_ANTWOORD))
                if mag_antwoorden
                else None
            ),
            "antwoord_actie": ACTIES[INLINE_ANTWOORD],
            "tijdlijn": tijdlijn,
            "na_afsluiting": na_afsluiting,
            "na_afsluiting_tekst": selectors.klanttekst(na_afsluiting) if na_afsluiting else "",
            "na_afsluiting_keuzes": keuzes if na_afsluiting else [],
            "vervolgklachten": (
                list(klacht.vervolgklachten.order_by("ontvangen_op", "pk")) if heeft_vervolg else []
            ),
            "termijnen": selectors.termijn_badges(klacht),
            "acties": acties,
            # Why the close button is missing where the user could close but for the talk with
            # the employee the complaint is about (issue 22): the page says what is missing.
            "afsluiten_ontbreekt": (
                medewerkergesprek_ontbreekt(klacht)
                if klacht.status in ACTIES["afsluiten"].van
                and mag(request.user, ACTIES["afsluiten"])
                else None
            ),
            # The buttons in two rows: steps of the procedure (a state change or a message to
            # the customer) and things to record on the dossier.
            "acties_procedure": [a for a in acties if a.naar or a.bericht],
            "acties_vastleggen": [
                a for a in acties if not (a.naar or a.bericht) and a.naam not in KWETSBARE_KLANT
            ],
            # Offered beside the signals (klachten/_kwetsbare_klant.html).
            "kwetsbaarheid": kwetsbaarheid,
            "acties_kwetsbaarheid": {a.naam: a for a in acties if a.naam in KWETSBARE_KLANT},
            "externe_procedures": klacht.externe_procedures.select_related("instantie"),
            "mag_procedure_bijwerken": any(
                a.naam == "externe_procedure_vastleggen" for a in acties
            ),
            "leermomenten": klacht.leermomenten.select_related("door"),
            "verbeterpunten": klacht.verbeterpunten.select_related("eigenaar"),
            "externe_uiterste_datum": services.externe_uiterste_datum(klacht),
            "status_url": berichten.klacht_status_url(klacht),
            # An undeliverable message is offered to be sent again beside it on the timeline.
            "mag_opnieuw_versturen": opnieuw_versturen_weigering(klacht, request.user) is None,
            "adres_onbestelbaar": selectors.adres_onbestelbaar(klacht),
            # What other apps show about the complaint (klachten.dossierpanelen), e.g. the
            # customer's survey answer for those who may see survey results.
            "dossierpanelen": dossierpanelen.panelen(klacht, request.user),
        },
    )


# The same values saved again: no timeline entry, and the page says so instead of "done".
NIETS_GEWIJZIGD = gettext_lazy("Niets gewijzigd: de gegevens waren al zo.")


@dataclass(frozen=True)
class ActieScherm:
    """How the dossier offers one action of the workflow table: its form and its service."""

    formulier: type[forms.Form]
    uitvoeren: object  # callable(klacht, gebruiker, data) -> None
    melding: str  # lazily translated


def _zonder_versie(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "versie"}


def _in_gekozen_taal(data: dict):
    """The message form's choice of the plain-language template (its hidden field `sjabloon`),
    taken from the data for the services: the messages they assemble use it."""
    data = dict(data)
    return data, berichten.in_eenvoudige_taal(data.pop("sjabloon", "") == berichten.EENVOUDIG)


def _met_versie(service):
    def uitvoeren(klacht, gebruiker, data):
        data, taal = _in_gekozen_taal(data)
        with taal:
            service(klacht=klacht, door=gebruiker, **data)

    # The service applies the action through services._actie: the page locks the complaint as
    # it reads it, and the service takes that copy (no second read; issue 20).
    uitvoeren.vooraf_vergrendelen = True
    return uitvoeren


def _zonder(service):
    """For actions without a version check (notes and the like never conflict)."""

    def uitvoeren(klacht, gebruiker, data):
        service(klacht=klacht, door=gebruiker, **_zonder_versie(data))

    return uitvoeren


def _termijn(soort):
    def uitvoeren(klacht, gebruiker, data):
        data, taal = _in_gekozen_taal(data)
        with taal:
            services.termijn_wijzigen(klacht=klacht, door=gebruiker, soort=soort, **data)

    uitvoeren.vooraf_vergrendelen = True  # as _met_versie
    return uitvoeren


SCHERMEN: dict[str, ActieScherm] = {
    "ontvangst_bevestigen": ActieScherm(
        BerichtFormulier,
        _met_versie(services.ontvangst_bevestigen),
        gettext_lazy("De ontvangstbevestiging is verstuurd."),
    ),
    "toewijzen": ActieScherm(
        ToewijzenFormulier,
        _met_versie(services.toewijzen),
        gettext_lazy("De klacht is toegewezen."),
    ),
    "urgentie_wijzigen": ActieScherm(
        UrgentieFormulier,
        _met_versie(services.urgentie_wijzigen),
        gettext_lazy("De urgentie is gewijzigd."),
    ),
    "classificeren": ActieScherm(
        ClassificerenFormulier,
        _met_versie(services.klacht_classificeren),
        gettext_lazy("De klacht is geclassificeerd."),
    ),
    "teruggeven": ActieScherm(
        TeruggevenFormulier,
        _met_versie(services.teruggeven),
        gettext_lazy("De klacht is teruggegeven; de interne behandelaar is ingelicht."),
    ),
    "ontvankelijk_verklaren": ActieScherm(
        OntvankelijkFormulier,
        _met_versie(services.ontvankelijk_verklaren),
        gettext_lazy("De klacht is ontvankelijk verklaard; het onderzoek loopt."),
    ),
    "niet_ontvankelijk_verklaren": ActieScherm(
        AfsluitenFormulier,
        _met_versie(services.niet_ontvankelijk_verklaren),
        gettext_lazy(
            "De klacht is niet ontvankelijk verklaard en afgesloten; de brief is verstuurd."
        ),
    ),
    "telefooncontact_vastleggen": ActieScherm(
        TekstFormulier,
        _zonder(services.telefooncontact_vastleggen),
        gettext_lazy("Het telefooncontact is vastgelegd."),
    ),
    "notitie_toevoegen": ActieScherm(
        TekstFormulier,
        _zonder(services.notitie_toevoegen),
        gettext_lazy("De notitie is toegevoegd."),
    ),
    "klantbericht_toevoegen": ActieScherm(
        KlantberichtFormulier,
        _zonder(services.klantbericht_toevoegen),
        gettext_lazy("Het bericht van de klant is vastgelegd."),
    ),
    "statusupdate_sturen": ActieScherm(
        BerichtFormulier,
        _met_versie(services.statusupdate_sturen),
        gettext_lazy("De statusupdate is verstuurd."),
    ),
    "reactie_sturen": ActieScherm(
        ReactieFormulier,
        _met_versie(services.reactie_sturen),
        gettext_lazy("De reactie is verstuurd."),
    ),
    "opschorten": ActieScherm(
        TermijnFormulier,
        _termijn(TermijnwijzigingSoort.OPSCHORTING),
        gettext_lazy("De termijn is opgeschort; de klant is geïnformeerd."),
    ),
    "verlengen": ActieScherm(
        TermijnFormulier,
        _termijn(TermijnwijzigingSoort.VERLENGING),
        gettext_lazy("De termijn is verlengd; de klant is geïnformeerd."),
    ),
    "antwoord_sturen": ActieScherm(
        AntwoordFormulier,
        _met_versie(services.antwoord_sturen),
        gettext_lazy("Het antwoord is verstuurd."),
    ),
    "heroverweging_vragen": ActieScherm(
        RedenFormulier,
        _met_versie(services.heroverweging_vragen),
        gettext_lazy("Het verzoek om heroverweging is vastgelegd."),
    ),
    "heroverweging_beantwoorden": ActieScherm(
        HeroverwegingAntwoordFormulier,
        _met_versie(services.heroverweging_beantwoorden),
        gettext_lazy("Het antwoord op de heroverweging is verstuurd."),
    ),
    "externe_procedure_vastleggen": ActieScherm(
        ExterneProcedureFormulier,
        _zonder(services.externe_procedure_vastleggen),
        gettext_lazy("De externe procedure is vastgelegd."),
    ),
    "afsluiten": ActieScherm(
        AfsluitenFormulier,
        _met_versie(services.afsluiten),
        gettext_lazy("De klacht is afgesloten."),
    ),
    "medewerker_besproken": ActieScherm(
        MedewerkerBesprokenFormulier,
        _met_versie(services.medewerker_besproken),
        gettext_lazy("Het gesprek met de medewerker is vastgelegd."),
    ),
    "heropenen": ActieScherm(
        RedenFormulier, _met_versie(services.heropenen), gettext_lazy("De klacht is heropend.")
    ),
    "vervolgklacht_registreren": ActieScherm(
        VervolgklachtFormulier,
        _met_versie(services.vervolgklacht_registreren),
        gettext_lazy(
            "De nieuwe klacht is geregistreerd en gekoppeld aan deze; de klant krijgt een "
            "ontvangstbevestiging."
        ),
    ),
    "leermoment_toevoegen": ActieScherm(
        LeermomentFormulier,
        _zonder(services.leermoment_toevoegen),
        gettext_lazy("Het leermoment is vastgelegd."),
    ),
    "verbeterpunt_toevoegen": ActieScherm(
        VerbeterpuntActieFormulier,
        _zonder(services.verbeterpunt_toevoegen),
        gettext_lazy("Het verbeterpunt is vastgelegd."),
    ),
    "kwetsbaarheid_vastleggen": ActieScherm(
        KwetsbaarheidFormulier,
        _met_versie(services.kwetsbaarheid_vastleggen),
        gettext_lazy("Het signaal is vastgelegd; de urgentie is hoog."),
    ),
    "kwetsbaarheid_intrekken": ActieScherm(
        KwetsbaarheidIntrekkenFormulier,
        _met_versie(services.kwetsbaarheid_intrekken),
        gettext_lazy("Het signaal is ingetrokken."),
    ),
    "doorverwijzing_vastleggen": ActieScherm(
        DoorverwijzingFormulier,
        _zonder(services.doorverwijzing_vastleggen),
        gettext_lazy("De doorverwijzing is vastgelegd."),
    ),
}


def _query_id(query, sleutel: str) -> int | None:
    """An id from the address (?procedure=<id>, the "bijwerken" links); anything but an id, e.g.
    a hand-edited address, is ignored rather than put in a query."""
    waarde = (query or {}).get(sleutel, "")
    if waarde.isascii() and waarde.isdigit() and len(waarde) <= 18:
        return int(waarde)
    return None


def _met_berichteditor(naam: str) -> bool:
    """Whether the action's form lets the handler edit its message before it goes out; an
    action whose message is composed from the facts alone (the confirmation of a reconsideration
    request) sends its template as it is."""
    return ACTIES[naam].bericht is not None and issubclass(
        SCHERMEN[naam].formulier, BerichtFormulier
    )


def _begintekst(klacht: Klacht, naam: str, query=None, *, eenvoudig: bool = False) -> dict:
    """The form's initial values: the version, and for a message the template's text (its
    plain-language version when `eenvoudig`)."""
    initial = {"versie": klacht.versie}
    # ?procedure=<id> (the "bijwerken" link) pre-fills a recorded procedure.
    procedure_id = _query_id(query, "procedure")
    if naam == "externe_procedure_vastleggen" and procedure_id is not None:
        procedure = klacht.externe_procedures.filter(pk=procedure_id).first()
        if procedure is not None:
            initial.update(
                procedure=procedure.pk,
                instantie=procedure.instantie_id,
                ingediend_datum=procedure.ingediend_datum,
                uitkomst=procedure.uitkomst,
                beslist_datum=procedure.beslist_datum,
                toelichting=procedure.toelichting,
            )
    actie = ACTIES[naam]
    if _met_berichteditor(naam):
        # The editor holds the handler's free part only; the facts are form fields and the
        # message is assembled around it (berichten.samenstellen).
        onderwerp, tekst = berichten.vrije_tekst_voorstel(
            klacht=klacht, soort=actie.bericht, eenvoudig=eenvoudig
        )
        sjabloon = berichten.EENVOUDIG if eenvoudig else ""
        initial.update(onderwerp=onderwerp, tekst=tekst, sjabloon=sjabloon)
    if naam in ("heroverweging_vragen", "vervolgklacht_registreren"):
        # The customer wrote after the closing (issue 17): their words are the request for
        # reconsideration, or the new complaint's description.
        bericht = selectors.bericht_na_afsluiting(klacht)
        if bericht is not None:
            veld = "reden" if naam == "heroverweging_vragen" else "omschrijving"
            initial[veld] = selectors.klanttekst(bericht)
        if naam == "vervolgklacht_registreren":
            initial.update(categorie=klacht.categorie_id, afdeling=klacht.afdeling_id)
    if naam == "toewijzen":
        # During a heroverweging the form assigns the second line, not the refused first one.
        behandelaar = (
            klacht.heroverweging_behandelaar_id
            if klacht.status == Status.IN_HEROVERWEGING
            else klacht.behandelaar_id
        )
        initial.update(afdeling=klacht.afdeling_id, behandelaar=behandelaar)
    if naam == "urgentie_wijzigen":
        initial["urgentie"] = klacht.urgentie
    if naam == "medewerker_besproken":
        initial.update(
            datum=klacht.medewerker_besproken_datum or kalender.vandaag(),
            samenvatting=klacht.medewerker_gesprek_samenvatting,
        )
    if naam == "doorverwijzing_vastleggen":
        # ?doorverwijzing=<id> (its "uitkomst bijwerken" link) pre-fills a recorded referral.
        verwijzing_id = _query_id(query, "doorverwijzing")
        verwijzing = (
            klacht.doorverwijzingen.filter(pk=verwijzing_id).first() if verwijzing_id else None
        )
        if verwijzing is not None:
            initial.update(
                doorverwijzing=verwijzing.pk,
                naar=verwijzing.naar,
                datum=verwijzing.datum,
                uitkomst=verwijzing.uitkomst,
                toelichting=verwijzing.toelichting,
            )
        else:
            initial["datum"] = kalender.vandaag()
    if (
        naam == "kwetsbaarheid_intrekken"
        and (query or {}).get("soort") in KwetsbaarheidSoort.values
    ):
        initial["soort"] = query["soort"]
    return initial


def _voorbeeld(klacht: Klacht, naam: str, form: forms.Form) -> dict:
    """The preview of an action's message from the form's data as it stands (issue 18): the
    e-mail's subject and text and the status page's entry, in the customer's language, assembled
    by the function the service sends with, and the warnings the handler should read first."""
    gegevens = {**form.data.dict(), **getattr(form, "cleaned_data", {})}
    feiten = services.bericht_feiten(naam, gegevens)
    eenvoudig = gegevens.get("sjabloon") == berichten.EENVOUDIG
    standaard_onderwerp, tekst = berichten.bericht_samenstellen(
        klacht=klacht,
        soort=ACTIES[naam].bericht,
        vrije_tekst=gegevens.get("tekst", ""),
        eenvoudig=eenvoudig,
        **feiten,
    )
    waarschuwingen = []
    if naam in ("antwoord_sturen", "heroverweging_beantwoorden") and not feiten.get("oordeel"):
        waarschuwingen.append(_("Er is geen oordeel gekozen: de brief noemt dan geen oordeel."))
    if feiten.get("nieuwe_datum"):
        waarschuwingen.extend(termijnen.nieuwe_datum_waarschuwingen(klacht, feiten["nieuwe_datum"]))
    onbestelbaar = selectors.adres_onbestelbaar(klacht)
    if onbestelbaar is not None and not klacht.per_post:
        waarschuwingen.append(
            _("'%(onderwerp)s' kwam niet aan op %(email)s; dit bericht gaat naar hetzelfde adres.")
            % {"onderwerp": onbestelbaar.onderwerp, "email": klacht.klant_email}
        )
    return {
        "onderwerp": gegevens.get("onderwerp") or standaard_onderwerp,
        "tekst": tekst,
        "waarschuwingen": waarschuwingen,
        "taal": klacht.taal,
    }


def _formulier(scherm: ActieScherm, klacht: Klacht, *args, **kwargs) -> forms.Form:
    if scherm.formulier in (
        ToewijzenFormulier,
        ClassificerenFormulier,
        ExterneProcedureFormulier,
        KwetsbaarheidFormulier,
        KwetsbaarheidIntrekkenFormulier,
        DoorverwijzingFormulier,
        TermijnFormulier,
    ):
        kwargs["klacht"] = klacht
    form = scherm.formulier(*args, **kwargs)
    if isinstance(form, ReactieFormulier) and not klacht.per_sociaal:
        del form.fields["op_platform"]
    if "tekst" in form.fields and isinstance(form, BerichtFormulier):
        # A message that answers the customer says nothing without the handler's own part.
        form.fields["tekst"].required = form.fields["tekst"].required or (
            scherm in (SCHERMEN[n] for n in VRIJE_TEKST_VERPLICHT)
        )
    return form


def _teruggedraaid(klacht: Klacht, gedeeld: bool) -> None:
    """After a refused action whose service worked on the page's own copy (`gedeeld`, read
    locked): the page shows the complaint as stored again, not as the action left it."""
    if gedeeld:
        klacht.refresh_from_db()


# The actions after which the user may no longer see the complaint (what klachten_voor reads:
# afdeling, behandelaar, classification): only after these is it asked again (issue 20).
ZICHT_KAN_WIJZIGEN = frozenset({"toewijzen", "teruggeven", "classificeren"})


# The actions whose service reads the customer's latest message (selectors.
# laatste_klantbericht_na_afsluiting): the page's locked read brings it along (issue 20).
MET_LAATSTE_KLANTBERICHT = frozenset({"vervolgklacht_registreren"})


@medewerker_vereist
@require_http_methods(["GET", "POST"])
def klacht_actie(request, dossiernummer, actie):
    """One action of the workflow on a focused page; only what the table allows is offered."""
    actie = actie.replace("-", "_")
    if actie not in SCHERMEN:
        raise Http404
    scherm = SCHERMEN[actie]
    voorbeeld_gevraagd = (
        request.method == "POST" and "voorbeeld" in request.POST and _met_berichteditor(actie)
    )
    # The action's POST reads the complaint locked, in the action's transaction (below).
    vooraf_vergrendelen = (
        request.method == "POST"
        and not voorbeeld_gevraagd
        and getattr(scherm.uitvoeren, "vooraf_vergrendelen", False)
    )
    if not vooraf_vergrendelen:
        klacht = _klacht_van(request, dossiernummer)
    status = 200
    eenvoudige_taal = None
    voorbeeld = None
    triagevoorstel = None
    if voorbeeld_gevraagd:
        # Voorbeeld: what the customer will receive, built by the same assembly; nothing is
        # executed or stored, the form keeps its values.
        form = _formulier(scherm, klacht, request.POST, request.FILES)
        form.is_valid()
        voorbeeld = _voorbeeld(klacht, actie, form)
    elif request.method == "POST":
        uitgevoerd = False
        try:
            with transaction.atomic() if vooraf_vergrendelen else nullcontext():
                if vooraf_vergrendelen:
                    klacht = _klacht_van(
                        request,
                        dossiernummer,
                        vergrendelen=True,
                        klantbericht=actie in MET_LAATSTE_KLANTBERICHT,
                    )
                form = _formulier(scherm, klacht, request.POST, request.FILES)
                if form.is_valid():
                    scherm.uitvoeren(klacht, request.user, dict(form.cleaned_data))
                    uitgevoerd = True
        except NietsGewijzigd:
            messages.info(request, NIETS_GEWIJZIGD)
            return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
        except GewijzigdIntussen as exc:
            _teruggedraaid(klacht, vooraf_vergrendelen)
            form.add_error(None, str(exc))
            status = 409
        except WorkflowFout as exc:
            messages.error(request, str(exc))
            return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
        except ValidationError as exc:
            _teruggedraaid(klacht, vooraf_vergrendelen)
            fouten_toevoegen(form, exc)
        else:
            if uitgevoerd:
                messages.success(request, scherm.melding)
                if actie in ZICHT_KAN_WIJZIGEN and not selectors.ziet_klacht(request.user, klacht):
                    # Handed back by a partner, or assigned to an afdeling the user does not see.
                    return redirect("klachten:werkvoorraad")
                return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
    else:
        reden = weigering(actie, klacht, request.user)
        if reden is not None:
            messages.error(request, reden)
            return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
        # The action page shows the customer's data and message: opened like the dossier.
        inzage_loggen(request, klacht, InzageSoort.DOSSIER)
        if _met_berichteditor(actie):
            eenvoudige_taal = berichten.eenvoudige_taal(
                klacht=klacht,
                soort=ACTIES[actie].bericht,
                keuze=request.GET.get("sjabloon", ""),
            )
        begin = _begintekst(
            klacht, actie, request.GET, eenvoudig=bool(eenvoudige_taal and eenvoudige_taal.gebruikt)
        )
        if actie == "classificeren":
            # The triage suggestion (klachten.triage) pre-fills the form; the handler confirms
            # or changes it, and the action records whether it was taken.
            triagevoorstel = triage.voorstel(klacht)
            if triagevoorstel is not None:
                triage.voorstel_vastleggen(klacht=klacht, voorstel=triagevoorstel)
                begin.update(
                    categorie=triagevoorstel.categorie.pk,
                    afdeling=triagevoorstel.afdeling.pk,
                    triagevoorstel=True,
                )
        form = _formulier(scherm, klacht, initial=begin)
    if actie == "classificeren" and request.method == "POST":
        triagevoorstel = triage.voorstel(klacht)  # the form came back with an error
    return render(
        request,
        "klachten/klacht_actie.html",
        {
            "klacht": klacht,
            "triagevoorstel": triagevoorstel,
            "form": form,
            "actie": ACTIES[actie],
            # A message form offers the plain-language (B1) template (klachten.berichten).
            "eenvoudige_taal": eenvoudige_taal,
            "berichteditor": _met_berichteditor(actie),
            "voorbeeld": voorbeeld,
            # A message to an address that bounced before: the handler is warned (issue 18).
            "adres_onbestelbaar": (
                selectors.adres_onbestelbaar(klacht) if ACTIES[actie].bericht else None
            ),
            "ziet_kwetsbaarheid": selectors.ziet_kwetsbaarheid(request.user),
            "gesprek": (
                selectors.antwoordgesprek(
                    klacht, heroverweging=actie == "heroverweging_beantwoorden"
                )
                if actie in ANTWOORDEN_AAN_KLANT
                else None
            ),
        },
        status=status,
    )


@medewerker_vereist
@require_http_methods(["GET", "POST"])
def bericht_opnieuw_versturen(request, dossiernummer, pk):
    """Correct the customer's address and send an undeliverable message again (issue 15)."""
    klacht = _klacht_van(request, dossiernummer)
    bericht = get_object_or_404(Bericht, pk=pk, klacht=klacht, status=BerichtStatus.ONBESTELBAAR)
    reden = opnieuw_versturen_weigering(klacht, request.user)
    if reden is None and bericht.opnieuw_verstuurd_als_id is not None:
        reden = _("Dit bericht is al opnieuw verstuurd.")
    if reden is not None:
        messages.error(request, reden)
        return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
    status = 200
    if request.method == "POST":
        form = BerichtOpnieuwFormulier(request.POST)
        if form.is_valid():
            try:
                services.bericht_opnieuw_versturen(
                    klacht=klacht,
                    door=request.user,
                    bericht=bericht,
                    klant_email=form.cleaned_data["klant_email"],
                    versie=form.cleaned_data["versie"],
                )
            except GewijzigdIntussen as exc:
                form.add_error(None, str(exc))
                status = 409
            except WorkflowFout as exc:
                messages.error(request, str(exc))
                return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
            except ValidationError as exc:
                fouten_toevoegen(form, exc)
            else:
                messages.success(
                    request,
                    _("Het bericht is opnieuw verstuurd naar %(adres)s.")
                    % {"adres": form.cleaned_data["klant_email"]},
                )
                return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
    else:
        inzage_loggen(request, klacht, InzageSoort.DOSSIER)
        form = BerichtOpnieuwFormulier(
            initial={"versie": klacht.versie, "klant_email": klacht.klant_email}
        )
    return render(
        request,
        "klachten/bericht_opnieuw_versturen.html",
        {"klacht": klacht, "bericht": bericht, "form": form},
        status=status,
    )


def _bijlage_van(request, pk) -> Bijlage:
    """An attachment of a complaint the user may see (else 404, as for the dossier)."""
    bijlage = get_object_or_404(Bijlage.objects.select_related("klacht"), pk=pk)
    if not selectors.klachten_voor(request.user).filter(pk=bijlage.klacht_id).exists():
        raise Http404
    return bijlage


@medewerker_vereist
def bijlage_downloaden(request, pk):
    """Attachments only through this permission-checked view, as a download (the preview:
    bijlage_bekijken)."""
    bijlage = _bijlage_van(request, pk)
    inzage_loggen(request, bijlage.klacht, InzageSoort.BIJLAGE, bijlage=bijlage)
    response = FileResponse(
        bijlage.bestand.open("rb"),
        as_attachment=True,
        filename=bijlage.oorspronkelijke_naam,
        content_type=bijlage.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@medewerker_vereist
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF], "object-src": [SELF]})
def bijlage_bekijken(request, pk):
    """The preview of an attachment in the dossier (issue 19): a PDF or an image served inline,
    through the same checks as the download and in the access log as viewed. The type is read
    from the content again: anything else (SVG, HTML, a file whose content is not what it was
    stored as) is never served inline. Only our own pages may frame it (the PDF viewer's
    <iframe>), and a PDF may use the browser's own viewer (object-src 'self')."""
    bijlage = _bijlage_van(request, pk)
    bestand = bijlage.bestand.open("rb")
    mime = voorbeeld_type(bestand)
    if mime is None or mime != bijlage.mime_type:
        bestand.close()
        raise Http404
    inzage_loggen(request, bijlage.klacht, InzageSoort.BIJLAGE_BEKEKEN, bijlage=bijlage)
    response = FileResponse(
        bestand, as_attachment=False, filename=bijlage.oorspronkelijke_naam, content_type=mime
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@medewerker_vereist
def email_downloaden(request, pk):
    """The original of a customer's e-mail as it arrived (.eml), for staff who may see its
    complaint; opening it is in the access log like an attachment."""
    rij = get_object_or_404(InkomendBericht.objects.select_related("klacht"), pk=pk)
    if (
        rij.klacht_id is None
        or not selectors.klachten_voor(request.user).filter(pk=rij.klacht_id).exists()
    ):
        raise Http404
    try:
        ruw = inkomend_beheer.origineel_openen(
            inkomend=rij, medewerker=request.user, ip_adres=client_ip(request)
        )
    except FileNotFoundError:
        raise Http404 from None  # erased with the customer's data
    response = HttpResponse(ruw, content_type="message/rfc822")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{rij.klacht.dossiernummer}-{rij.pk}.eml"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@medewerker_vereist
@require_http_methods(["GET", "POST"])
def verbeterpunten(request):
    """All improvement actions, with a form to add one that belongs to no single complaint."""
    _geen_partner(request.user)
    if request.method == "POST":
        form = VerbeterpuntFormulier(request.POST)
        if form.is_valid():
            try:
                services.verbeterpunt_toevoegen(door=request.user, **form.cleaned_data)
            except WorkflowFout as exc:
                raise PermissionDenied(str(exc)) from exc
            messages.success(request, _("Het verbeterpunt is vastgelegd."))
            return redirect("klachten:verbeterpunten")
    else:
        form = VerbeterpuntFormulier()
    punten = selectors.verbeterpunten_voor(request.user)
    pagina = Paginator(punten, 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "klachten/verbeterpunt_lijst.html",
        {
            "form": form,
            "pagina": pagina,
            "status_form": VerbeterpuntStatusFormulier(),
        },
    )


@medewerker_vereist
@require_POST
def verbeterpunt_bijwerken(request, pk):
    _geen_partner(request.user)
    punt = get_object_or_404(selectors.verbeterpunten_voor(request.user), pk=pk)
    form = VerbeterpuntStatusFormulier(request.POST)
    if form.is_valid():
        try:
            services.verbeterpunt_bijwerken(
                verbeterpunt=punt, door=request.user, status=form.cleaned_data["status"]
            )
        except NietsGewijzigd:
            messages.info(request, NIETS_GEWIJZIGD)
        except WorkflowFout as exc:
            raise PermissionDenied(str(exc)) from exc
        else:
            messages.success(request, _("De status van het verbeterpunt is bijgewerkt."))
    return redirect("klachten:verbeterpunten")


def startpagina(request):
    if request.user.is_authenticated:
        return redirect("klachten:werkvoorraad")
    return redirect("klachten:indienen")
