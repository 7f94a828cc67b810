from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from klachten import rollen, selectors, services, termijnen
from klachten.forms import (
    KlachtFormulier,
    KlachtRegistratieFormulier,
    OntvangstbevestigingFormulier,
    fouten_toevoegen,
)
from klachten.models import Bijlage, Kanaal, Klacht
from klachten.workflow import BerichtSoort, Status, WorkflowFout, toegestane_transities

SESSIE_INGEDIENDE_KLACHT = "klachten:ingediende_klacht"


def formulier_limiet(group, request) -> str:
    return settings.KLACHT_FORMULIER_LIMIET


def te_veel_verzoeken(request, label):
    """The friendly page when an address sent the form too often (per-IP rate limit)."""
    return render(request, "klachten/te_veel_verzoeken.html", {"label": label}, status=429)


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=formulier_limiet, method="POST", block=False)
def klacht_indienen(request, label_slug=None):
    """The public complaint form (/klacht/ or /<label>/klacht/)."""
    label = selectors.label_voor_verzoek(request, label_slug)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return te_veel_verzoeken(request, label)
        form = KlachtFormulier(request.POST, request.FILES)
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
                )
            except ValidationError as exc:
                fouten_toevoegen(form, exc)
            else:
                request.session[SESSIE_INGEDIENDE_KLACHT] = klacht.pk
                return redirect("klachten:ontvangen")
    else:
        form = KlachtFormulier()
    return render(
        request,
        "klachten/klacht_formulier.html",
        {"form": form, "label": label, "termijnen": _termijnen_context()},
    )


def klacht_ontvangen(request):
    """Confirmation page: the dossiernummer, what happens next and when, and the status link."""
    klacht = None
    pk = request.session.get(SESSIE_INGEDIENDE_KLACHT)
    if pk is not None:
        klacht = Klacht.objects.select_related("label").filter(pk=pk).first()
    label = klacht.label if klacht else selectors.label_voor_verzoek(request)
    context = {"klacht": klacht, "label": label, "termijnen": _termijnen_context()}
    if klacht is not None:
        context.update(
            status_url=services.klacht_status_url(klacht),
            ontvangstbevestiging_datum=klacht.ontvangen_op,
            antwoord_uiterlijk=termijnen.antwoord_uiterlijk(klacht.ontvangen_op),
        )
    return render(request, "klachten/klacht_ontvangen.html", context)


def klacht_status(request, token):
    """The customer's status page, reached through the secret link."""
    klacht = get_object_or_404(Klacht.objects.select_related("label"), status_token=token)
    return render(
        request,
        "klachten/klacht_status.html",
        {
            "klacht": klacht,
            "label": klacht.label,
            "berichten": klacht.berichten.order_by("created_at"),
            "stappen": _stappen(klacht),
        },
    )


def _stappen(klacht: Klacht) -> list[dict]:
    volgorde = [
        (Status.ONTVANGEN, _("Ontvangen")),
        (Status.ONTVANGST_BEVESTIGD, _("Bevestigd")),
        (Status.IN_ONDERZOEK, _("In onderzoek")),
        (Status.BEANTWOORD, _("Beantwoord")),
        (Status.AFGESLOTEN, _("Afgesloten")),
    ]
    huidige = [s for s, _label in volgorde].index(
        Status.BEANTWOORD if klacht.status == Status.IN_HEROVERWEGING else klacht.status
    )
    return [
        {"naam": naam, "gedaan": i < huidige, "huidig": i == huidige}
        for i, (_status, naam) in enumerate(volgorde)
    ]


def _termijnen_context() -> dict:
    return {
        "ontvangstbevestiging": termijnen.ONTVANGSTBEVESTIGING_DAGEN,
        "statusupdate_weken": termijnen.STATUSUPDATE_DAGEN // 7,
        "antwoord_weken": termijnen.ANTWOORD_DAGEN // 7,
    }


def medewerker_vereist(view):
    """Logged in, and holding a staff role: customers and role-less accounts get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_superuser or rollen.rollen_van(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _klacht_van(request, dossiernummer: str) -> Klacht:
    """A complaint the user may see; others do not exist for them (404, not 403)."""
    return get_object_or_404(
        selectors.klachten_voor(request.user).select_related(
            "label", "afdeling", "categorie", "behandelaar", "ingediend_door"
        ),
        dossiernummer=dossiernummer,
    )


@medewerker_vereist
def medewerker_overzicht(request):
    """Staff landing page: the complaints this user may see, newest first."""
    klachten = selectors.klachten_voor(request.user).select_related(
        "afdeling", "categorie", "behandelaar", "label"
    )
    pagina = Paginator(klachten.order_by("-ontvangen_op", "-pk"), 25).get_page(
        request.GET.get("pagina")
    )
    return render(request, "klachten/klacht_overzicht.html", {"pagina": pagina})


@medewerker_vereist
@require_http_methods(["GET", "POST"])
def klacht_registreren(request):
    """Staff intake of a complaint by phone, e-mail, letter, social media, KTO or a colleague."""
    if request.method == "POST":
        form = KlachtRegistratieFormulier(request.POST, request.FILES, gebruiker=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                klacht = services.klacht_registreren(
                    ingediend_door=request.user,
                    bijlagen=data.pop("bijlagen"),
                    **data,
                )
            except (ValidationError, WorkflowFout) as exc:
                fouten_toevoegen(
                    form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
                )
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


@medewerker_vereist
def klacht_dossier(request, dossiernummer):
    """The dossier: the complaint, its attachments, messages and history, and allowed actions."""
    klacht = _klacht_van(request, dossiernummer)
    return render(
        request,
        "klachten/klacht_dossier.html",
        {
            "klacht": klacht,
            "bijlagen": klacht.bijlagen.all(),
            "berichten": klacht.berichten.select_related("verstuurd_door"),
            "historie": klacht.history.select_related("history_user")[:50],
            "acties": toegestane_transities(klacht.status, request.user),
        },
    )


@medewerker_vereist
@require_http_methods(["GET", "POST"])
def klacht_ontvangst_bevestigen(request, dossiernummer):
    """Send the acknowledgement from the dossier, with the template text editable before sending."""
    klacht = _klacht_van(request, dossiernummer)
    if request.method == "POST":
        form = OntvangstbevestigingFormulier(request.POST)
        if form.is_valid():
            try:
                services.ontvangst_bevestigen(
                    klacht=klacht,
                    door=request.user,
                    onderwerp=form.cleaned_data["onderwerp"],
                    tekst=form.cleaned_data["tekst"],
                )
            except WorkflowFout as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("De ontvangstbevestiging is verstuurd."))
            return redirect("klachten:dossier", dossiernummer=klacht.dossiernummer)
    else:
        onderwerp, tekst = services.bericht_opstellen(
            klacht=klacht, soort=BerichtSoort.ONTVANGSTBEVESTIGING
        )
        form = OntvangstbevestigingFormulier(initial={"onderwerp": onderwerp, "tekst": tekst})
    return render(
        request, "klachten/klacht_ontvangst_bevestigen.html", {"klacht": klacht, "form": form}
    )


@medewerker_vereist
def bijlage_downloaden(request, pk):
    """Attachments only through this permission-checked view, always as a download."""
    bijlage = get_object_or_404(Bijlage.objects.select_related("klacht"), pk=pk)
    if not selectors.klachten_voor(request.user).filter(pk=bijlage.klacht_id).exists():
        raise Http404
    response = FileResponse(
        bijlage.bestand.open("rb"),
        as_attachment=True,
        filename=bijlage.oorspronkelijke_naam,
        content_type=bijlage.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def startpagina(request):
    if request.user.is_authenticated:
        return redirect("klachten:medewerker-overzicht")
    return redirect("klachten:indienen")
