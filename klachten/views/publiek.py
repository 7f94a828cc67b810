"""Public pages for customers: the complaint form, the confirmation, the status page."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from klachten import berichten, paginalinks, selectors, services, talen, termijnen
from klachten.forms import (
    HeroverwegingVragenFormulier,
    KlachtFormulier,
    KlantInformatieFormulier,
    LinkKwijtFormulier,
    fouten_toevoegen,
)
from klachten.middleware import client_ip
from klachten.models import GebeurtenisSoort, Kanaal, Klacht, TermijnEenheid
from klachten.storingen import OPNIEUW_PROBEREN_NA_S, OpslagOnbereikbaar
from klachten.uploads import bijlage_type_bepalen
from klachten.workflow import KLANT, BerichtSoort, Status, WorkflowFout, weigering

# The complaint just filed, for the confirmation page: a signed cookie (no session row written
# per complaint; never in the URL, where the page's status link would land in access logs).
INGEDIENDE_KLACHT_COOKIE = "klacht_ingediend"
INGEDIENDE_KLACHT_ZOUT = "klachten.ingediende_klacht"
INGEDIENDE_KLACHT_MAX_S = 3600


def formulier_limiet(group, request) -> str:
    return settings.KLACHT_FORMULIER_LIMIET


def te_veel_verzoeken(request, label):
    """The friendly page when an address sent the form too often (per-IP rate limit)."""
    return render(request, "klachten/te_veel_verzoeken.html", {"label": label}, status=429)


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=formulier_limiet, method="POST", block=False)
def klacht_indienen(request, label_slug=None):
    """The public complaint form (/klacht/ or /<label>/klacht/).

    The form carries a one-time key: sent again (after an error page, twice at once) it answers
    with the complaint stored the first time. When the attachment storage fails nothing is stored
    and the form comes back with what was typed (503)."""
    label = selectors.label_voor_verzoek(request, label_slug)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            return te_veel_verzoeken(request, label)
        form = KlachtFormulier(request.POST, request.FILES, label=label)
        if form.is_valid():
            if form.is_spam():
                return redirect("klachten:ontvangen")
            try:
                klacht = services.klacht_registreren(
                    label=label,
                    kanaal=Kanaal.WEBFORMULIER,
                    klant_naam=form.cleaned_data["klant_naam"],
                    klant_email=form.cleaned_data["klant_email"],
                    klant_telefoon=form.cleaned_data["klant_telefoon"],
                    polisnummer=form.cleaned_data["polisnummer"],
                    categorie=form.cleaned_data["categorie"],
                    omschrijving=form.cleaned_data["omschrijving"],
                    gewenste_oplossing=form.cleaned_data["gewenste_oplossing"],
                    bijlagen=form.cleaned_data["bijlagen"],
                    privacy_akkoord=True,
                    formulier_sleutel=form.cleaned_data["formulier_sleutel"],
                )
            except ValidationError as exc:
                fouten_toevoegen(form, exc)
            except OpslagOnbereikbaar:
                status = 503
                form.add_error(
                    None,
                    _(
                        "Door een storing bij ons konden we uw bijlagen niet opslaan. Uw klacht "
                        "is nog niet verstuurd. Probeer het over een minuut opnieuw, of verstuur "
                        "uw klacht zonder bijlagen: die kunt u later toevoegen via de link in onze "
                        "e-mail."
                    ),
                )
            else:
                # Stored: should saving the session fail now, the outage page still shows the
                # dossiernummer (klachten.storingen).
                request.opgeslagen_dossiernummer = klacht.dossiernummer
                response = redirect("klachten:ontvangen")
                response.set_signed_cookie(
                    INGEDIENDE_KLACHT_COOKIE,
                    str(klacht.pk),
                    salt=INGEDIENDE_KLACHT_ZOUT,
                    max_age=INGEDIENDE_KLACHT_MAX_S,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return response
    else:
        form = KlachtFormulier(label=label)
    response = render(
        request,
        "klachten/klacht_formulier.html",
        {"form": form, "label": label, "termijnen": selectors.beloofde_termijnen()},
        status=status,
    )
    if status == 503:
        response["Retry-After"] = str(OPNIEUW_PROBEREN_NA_S)
    return response


def klacht_ontvangen(request):
    """Confirmation page: the dossiernummer, what happens next and when, and the status link."""
    klacht = None
    pk = request.get_signed_cookie(
        INGEDIENDE_KLACHT_COOKIE,
        default=None,
        salt=INGEDIENDE_KLACHT_ZOUT,
        max_age=INGEDIENDE_KLACHT_MAX_S,
    )
    if pk is not None and pk.isdigit():
        klacht = Klacht.objects.select_related("label").filter(pk=pk).first()
    label = klacht.label if klacht else selectors.label_voor_verzoek(request)
    context = {"klacht": klacht, "label": label, "termijnen": selectors.beloofde_termijnen()}
    if klacht is not None:
        context.update(
            status_url=berichten.klacht_status_url(klacht),
            antwoord_uiterlijk=klacht.antwoord_uiterlijk_datum,
            # Not when the address had its acknowledgements of the day (no spam relay).
            bevestiging_gemaild=klacht.berichten.filter(
                soort=BerichtSoort.ONTVANGSTBEVESTIGING
            ).exists(),
        )
    return render(request, "klachten/klacht_ontvangen.html", context)


def _klacht_met_token(request, token: str) -> Klacht:
    """A complaint by its secret link; a wrong token is a plain 404 that reveals nothing. The
    page is in the complaint's language unless the customer picked another."""
    klacht = (
        Klacht.objects.select_related("label__externe_instantie", "categorie")
        .filter(status_token=token)
        .first()
    )
    if klacht is None:
        raise Http404
    talen.klanttaal_activeren(request, klacht.taal)
    return klacht


STAPPEN = [
    (Status.ONTVANGEN, gettext_lazy("Ontvangen")),
    (Status.ONTVANGST_BEVESTIGD, gettext_lazy("Bevestigd")),
    (Status.IN_ONDERZOEK, gettext_lazy("In onderzoek")),
    (Status.BEANTWOORD, gettext_lazy("Beantwoord")),
    (Status.AFGESLOTEN, gettext_lazy("Afgesloten")),
]


def _stappen(klacht: Klacht) -> list[dict]:
    """The progress line of the status page, each step reached with its date; a reconsideration
    shows as the investigation step again, named as such."""
    heroverweging = klacht.status == Status.IN_HEROVERWEGING
    status = Status.IN_ONDERZOEK if heroverweging else klacht.status
    huidige = [s for s, _naam in STAPPEN].index(status)
    onderzoek_op = (
        klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.STATUS, naar_status=Status.IN_ONDERZOEK)
        .order_by("-op")
        .values_list("op", flat=True)
        .first()
        if huidige >= 2
        else None
    )
    datums = {
        Status.ONTVANGEN: klacht.ontvangen_op,
        Status.ONTVANGST_BEVESTIGD: klacht.ontvangst_bevestigd_op,
        Status.IN_ONDERZOEK: klacht.heroverweging_gevraagd_op if heroverweging else onderzoek_op,
        Status.BEANTWOORD: klacht.beantwoord_op,
        Status.AFGESLOTEN: klacht.afgesloten_op,
    }
    stappen = []
    for i, (stap, naam) in enumerate(STAPPEN):
        if heroverweging and stap == Status.IN_ONDERZOEK:
            naam = gettext_lazy("Heroverweging")
        stappen.append(
            {
                "naam": naam,
                "gedaan": i < huidige,
                "huidig": i == huidige,
                "datum": datums[stap] if i <= huidige else None,
            }
        )
    return stappen


def _status_uitleg(klacht: Klacht, mag_heroverweging: bool) -> tuple[str, str]:
    """The state in plain words (B1) for the customer: a heading and one or two sentences."""
    beloofd = selectors.beloofde_termijnen()
    uitleg = {
        Status.ONTVANGEN: (
            _("We hebben uw klacht ontvangen"),
            _(
                "Binnen %(dagen)s dagen bevestigen we dat we uw klacht hebben ontvangen. Daarna "
                "gaat een klachtbehandelaar ermee aan de slag."
            )
            % {"dagen": beloofd.ontvangstbevestiging.dagen},
        ),
        Status.ONTVANGST_BEVESTIGD: (
            _("Uw klacht is geregistreerd"),
            _("Een klachtbehandelaar bekijkt uw klacht en zoekt uit wat er is gebeurd."),
        ),
        Status.IN_ONDERZOEK: (
            _("We onderzoeken uw klacht"),
            _("Zolang we uw klacht onderzoeken, hoort u minstens elke %(weken)s weken van ons.")
            % {"weken": beloofd.statusupdate_weken},
        ),
        Status.BEANTWOORD: (
            _("We hebben uw klacht beantwoord"),
            _(
                "Lees ons antwoord hieronder. Bent u het er niet mee eens? Dan kunt u ons vragen "
                "uw klacht opnieuw te bekijken."
            )
            if mag_heroverweging
            else _("Lees ons antwoord hieronder."),
        ),
        Status.IN_HEROVERWEGING: (
            _("We bekijken uw klacht opnieuw"),
            _("Een andere medewerker dan de eerste behandelaar bekijkt uw klacht opnieuw."),
        ),
        Status.AFGESLOTEN: (
            _("Uw klacht is afgesloten"),
            _("We hebben uw klacht afgehandeld. De berichten hieronder kunt u blijven lezen."),
        ),
    }
    return uitleg[Status(klacht.status)]


def _status_context(klacht: Klacht, **extra) -> dict:
    mag_aanvullen = weigering("klantbericht_toevoegen", klacht, KLANT) is None
    mag_heroverweging = weigering("heroverweging_vragen", klacht, KLANT) is None
    externe_uiterste_datum = services.externe_uiterste_datum(klacht)
    # One clear action at a time: the first that applies leads, the others fold away.
    klant_acties = [
        naam
        for naam, mogelijk in (
            ("heroverweging", mag_heroverweging),
            ("extern", externe_uiterste_datum is not None),
            ("aanvullen", mag_aanvullen),
        )
        if mogelijk
    ]
    titel, uitleg = _status_uitleg(klacht, mag_heroverweging)
    tijdlijn = selectors.tijdlijn(klacht, voor_klant=True)
    return {
        "klacht": klacht,
        "label": klacht.label,
        "stappen": _stappen(klacht),
        "status_titel": titel,
        "status_uitleg": uitleg,
        "tijdlijn": tijdlijn,
        # The attachments the customer sent, which they may download again (issue 19).
        "klant_bijlagen": selectors.bijlagen_van_klant_in(klacht, tijdlijn),
        # The newest message from us is open; older ones fold away under their subject.
        "open_bericht": next((item.bericht.pk for item in tijdlijn if item.bericht), None),
        "antwoord_uiterlijk": selectors.antwoord_belofte(klacht),
        "externe_uiterste_datum": externe_uiterste_datum,
        "klant_acties": klant_acties,
        "aanvul_form": KlantInformatieFormulier() if mag_aanvullen else None,
        "heroverweging_form": HeroverwegingVragenFormulier() if mag_heroverweging else None,
        **extra,
    }


def klacht_status(request, token):
    """The customer's status page, reached through the secret link in every e-mail."""
    klacht = _klacht_met_token(request, token)
    return render(request, "klachten/klacht_status.html", _status_context(klacht))


@require_safe
@never_cache
def klant_bijlage_downloaden(request, token, pk):
    """An attachment the customer sent (with the complaint form, a message on the status page or
    an e-mail), under the status link (issue 19): never a file of another complaint nor one staff
    added, nothing once the complaint is anonymised; always a download, of a type that passed
    the upload checks (klachten.uploads); kept by no cache (the customer's personal file)."""
    klacht = _klacht_met_token(request, token)
    bijlage = get_object_or_404(selectors.bijlagen_van_klant(klacht), pk=pk)
    bestand = bijlage.bestand.open("rb")
    # The type read from the content again, as for an upload: a file that is not (or no longer)
    # a PDF, JPG, PNG or DOCX is not served.
    try:
        bestandstype = bijlage_type_bepalen(bestand)
    except ValidationError:
        bestand.close()
        raise Http404 from None
    if bestandstype.mime != bijlage.mime_type:
        bestand.close()
        raise Http404
    response = FileResponse(
        bestand,
        as_attachment=True,
        filename=bijlage.oorspronkelijke_naam,
        content_type=bestandstype.mime,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@ratelimit(key="ip", rate=formulier_limiet, method="POST", block=False)
def klacht_aanvullen(request, token):
    """The customer adds information or attachments; recorded on the timeline."""
    klacht = _klacht_met_token(request, token)
    if getattr(request, "limited", False):
        return te_veel_verzoeken(request, klacht.label)
    form = KlantInformatieFormulier(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.klantbericht_toevoegen(
                klacht=klacht,
                door=KLANT,
                tekst=form.cleaned_data["tekst"],
                bijlagen=form.cleaned_data["bijlagen"],
            )
        except WorkflowFout as exc:
            # Refused now (e.g. already asked, or closed meanwhile): back to the status page,
            # which offers only what is allowed, with the reason.
            messages.error(request, str(exc))
            return redirect("klachten:status", token=token)
        except ValidationError as exc:
            fouten_toevoegen(form, exc)
        else:
            messages.success(request, _("Bedankt. Uw aanvulling is toegevoegd aan uw dossier."))
            return redirect("klachten:status", token=token)
    return render(request, "klachten/klacht_status.html", _status_context(klacht, aanvul_form=form))


@require_POST
def klacht_heroverweging_vragen(request, token):
    """After the answer the customer may ask for reconsideration by another handler."""
    klacht = _klacht_met_token(request, token)
    form = HeroverwegingVragenFormulier(request.POST)
    if form.is_valid():
        try:
            services.heroverweging_vragen(
                klacht=klacht, door=KLANT, reden=form.cleaned_data["reden"]
            )
        except WorkflowFout as exc:
            # Refused now (e.g. already asked, or closed meanwhile): back to the status page,
            # which offers only what is allowed, with the reason.
            messages.error(request, str(exc))
            return redirect("klachten:status", token=token)
        except ValidationError as exc:
            fouten_toevoegen(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Uw verzoek om heroverweging is ontvangen. Een andere medewerker bekijkt uw klacht opnieuw."
                ),
            )
            return redirect("klachten:status", token=token)
    return render(
        request,
        "klachten/klacht_status.html",
        _status_context(klacht, heroverweging_form=form),
    )


def _email_sleutel(group, request) -> str:
    """The rate limit per address of "Link kwijt?": no one can flood an inbox from many IPs. A
    form without an address counts per IP (it sends nothing; it must not share one counter)."""
    email = request.POST.get("email", "").strip().lower()
    return f"email:{email}" if email else f"ip:{client_ip(request)}"


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=formulier_limiet, method="POST", block=False)
@ratelimit(key=_email_sleutel, rate=formulier_limiet, method="POST", block=False)
def link_kwijt(request):
    """ "Link kwijt?": the e-mail address, with or without the dossiernummer; the same answer
    whether or not anything matched."""
    label = selectors.label_voor_verzoek(request)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return te_veel_verzoeken(request, label)
        form = LinkKwijtFormulier(request.POST)
        if form.is_valid():
            if form.cleaned_data["dossiernummer"].strip():
                services.statuslink_opnieuw_sturen(
                    dossiernummer=form.cleaned_data["dossiernummer"],
                    email=form.cleaned_data["email"],
                )
            else:
                services.statuslinks_opnieuw_sturen(
                    email=form.cleaned_data["email"],
                    label=label,
                    taal=translation.get_language(),
                )
            return render(request, "klachten/link_kwijt_verstuurd.html", {"label": label})
    else:
        form = LinkKwijtFormulier()
    return render(request, "klachten/link_kwijt.html", {"form": form, "label": label})


def _termijn_tekst(dagen: int, werkdagen: bool = False) -> str:
    """A deadline rule in words: "8 dagen", "3 weken", "10 werkdagen"."""
    if werkdagen:
        return ngettext("%(aantal)s werkdag", "%(aantal)s werkdagen", dagen) % {"aantal": dagen}
    if dagen % 7 == 0:
        weken = dagen // 7
        return ngettext("%(aantal)s week", "%(aantal)s weken", weken) % {"aantal": weken}
    return ngettext("%(aantal)s dag", "%(aantal)s dagen", dagen) % {"aantal": dagen}


def _maanden_tekst(maanden: int) -> str:
    """ "3 maanden", "1 jaar"."""
    if maanden % 12 == 0:
        jaren = maanden // 12
        return ngettext("%(aantal)s jaar", "%(aantal)s jaar", jaren) % {"aantal": jaren}
    return ngettext("%(aantal)s maand", "%(aantal)s maanden", maanden) % {"aantal": maanden}


def reactietermijn_tekst(*, aantal: int, eenheid: str) -> str:
    """A published reaction term in words: "4 uur", "1 werkdag", "5 dagen"."""
    if eenheid == TermijnEenheid.UREN:
        return ngettext("%(aantal)s uur", "%(aantal)s uur", aantal) % {"aantal": aantal}
    return _termijn_tekst(aantal, werkdagen=eenheid == TermijnEenheid.WERKDAGEN)


def _externe_termijn(instantie) -> str:
    """Until when the customer can go to the external body, in words (its terms as data)."""
    standpunt, klacht = instantie.maanden_na_standpunt, instantie.maanden_na_klacht
    waarden = {
        "instantie": instantie.naam,
        "standpunt": _maanden_tekst(standpunt) if standpunt else "",
        "klacht": _maanden_tekst(klacht) if klacht else "",
    }
    if standpunt and klacht:
        return (
            _(
                "Dat kan tot %(standpunt)s na ons definitieve standpunt, of tot %(klacht)s nadat "
                "u uw klacht bij ons indiende als dat later is."
            )
            % waarden
        )
    if standpunt:
        return _("Dat kan tot %(standpunt)s na ons definitieve standpunt.") % waarden
    if klacht:
        return _("Dat kan tot %(klacht)s nadat u uw klacht bij ons indiende.") % waarden
    return ""


@require_safe
def klachtenprocedure(request, label_slug=None):
    """The label's complaint procedure in plain language (/klachtenprocedure/ or
    /<label>/klachtenprocedure/): how to complain, the steps and their terms as the beheerder set
    them (Termijnen), the published reaction terms per channel (Reactietermijnen), the external
    body and its terms, free and confidential, privacy. Keurmerk Klantgericht Verzekeren: the
    procedure and the terms are published and easy to find (every public page and every e-mail
    links here)."""
    label = selectors.label_voor_verzoek(request, label_slug)
    beloofd = selectors.beloofde_termijnen()
    volgorde = list(Kanaal.values)
    reactietermijnen = sorted(label.reactietermijnen.all(), key=lambda t: volgorde.index(t.kanaal))
    instantie = label.externe_instantie
    standaard = label.is_standaard  # its pages need no slug (klachtenprocedure_url)

    def tekst(regel: termijnen.TermijnRegel) -> str:
        return _termijn_tekst(regel.dagen, regel.werkdagen)

    return render(
        request,
        "klachten/klachtenprocedure.html",
        {
            "label": label,
            "formulier_url": reverse("klachten:indienen")
            if standaard
            else reverse("klachten:indienen-label", kwargs={"label_slug": label.slug}),
            "jaarverslag_url": paginalinks.link_url(paginalinks.JAARVERSLAG, label),
            "termijnen": {
                "ontvangstbevestiging": tekst(beloofd.ontvangstbevestiging),
                "statusupdate": tekst(beloofd.statusupdate),
                "antwoord": tekst(beloofd.antwoord),
                "heroverweging": tekst(beloofd.heroverweging),
            },
            "reactietermijnen": [
                {
                    "kanaal": t.get_kanaal_display(),
                    "code": t.kanaal,
                    "termijn": reactietermijn_tekst(aantal=t.aantal, eenheid=t.eenheid),
                }
                for t in reactietermijnen
            ],
            # A channel the label publishes no term for is not offered (issue 21: social media,
            # chat and the office desk are not every label's).
            "social_media": any(t.kanaal == Kanaal.SOCIAL_MEDIA for t in reactietermijnen),
            "chat": any(t.kanaal == Kanaal.CHAT for t in reactietermijnen),
            # Whether a term in hours runs at night and at weekends (issue 21: decided per label).
            "uurtermijn": any(t.eenheid == TermijnEenheid.UREN for t in reactietermijnen),
            "balie": any(t.kanaal == Kanaal.BALIE for t in reactietermijnen),
            "instantie": instantie,
            "instantie_termijn": _externe_termijn(instantie) if instantie else "",
            # A second body the label names beside it (issue 21: the Tuchtraad beside Kifid).
            "ook_instantie": label.ook_instantie if instantie and label.ook_instantie_id else None,
            "bewaartermijn": _maanden_tekst(settings.KLACHT_BEWAARTERMIJN_MAANDEN),
        },
    )
