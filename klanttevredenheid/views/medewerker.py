"""Staff pages of the customer-satisfaction app: the dashboard of scores and comments, and the
follow-up ('terugbellen') of a low score (DESIGN.md section 6)."""

import datetime as dt
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from klachten import kalender, rollen
from klachten import selectors as klacht_selectors
from klachten.grafieken import geen_gegevens
from klachten.models import Medewerker
from klanttevredenheid import cijfers, grafieken, selectors, services
from klanttevredenheid.models import Campagne, Enquetegroep, OpvolgingStatus, RedenOvergeslagen

PER_PAGINA = 25
OPEN_OPVOLGINGEN_MAX = 50
KWARTALEN_TERUG = 8
TREND_MAANDEN = 12  # the months of the trend chart, up to the quarter's last (or this month)

# One written definition per figure, shown on the page (title and legend); the computation is
# klanttevredenheid.cijfers.
DEFINITIES = {
    "gemiddelde": gettext_lazy(
        "Het gemiddelde rapportcijfer (1-10) van de reacties die in de periode zijn ontvangen, "
        "afgerond op 1 decimaal."
    ),
    "nps": gettext_lazy(
        "Net Promoter Score: het percentage promotors (9-10) min het percentage criticasters "
        "(0-6) op de aanbevelingsvraag, van -100 tot +100."
    ),
    "respons": gettext_lazy(
        "Het aantal ingevulde enquêtes dat in de periode is ontvangen, ook die uit het onderzoek "
        "van een extern onderzoeksbureau (op de datum van dat onderzoek)."
    ),
    "uitnodigingen": gettext_lazy(
        "Het aantal enquête-uitnodigingen dat in de periode is verstuurd."
    ),
    "responspercentage": gettext_lazy(
        "Ontvangen reacties op onze uitnodigingen gedeeld door verstuurde uitnodigingen in "
        "dezelfde periode, in procenten. Reacties uit een extern onderzoek tellen hier niet mee: "
        "daar hoort geen uitnodiging van ons bij."
    ),
}

TEGELS = [
    ("gemiddelde", gettext_lazy("Gemiddeld rapportcijfer")),
    ("nps", gettext_lazy("NPS")),
    ("respons", gettext_lazy("Responsen")),
    ("uitnodigingen", gettext_lazy("Uitnodigingen")),
    ("responspercentage", gettext_lazy("Responspercentage")),
]

# The thresholds the score badges show (the rules themselves live in cijfers).
DREMPELS = {
    "laag_tot_en_met": cijfers.LAAG_CIJFER_TOT_EN_MET,
    "promotor_vanaf": cijfers.PROMOTOR_VANAF,
    "criticus_tot_en_met": cijfers.CRITICUS_TOT_EN_MET,
}

# The breakdowns of the dashboard: (dimension of cijfers.DIMENSIES, heading, column, who sees it:
# "allen" everyone, "team" teamleider/directie/beheerder, "alles" directie/beheerder).
UITSPLITSINGEN = [
    ("afdeling", gettext_lazy("Per afdeling"), gettext_lazy("Afdeling"), "team"),
    ("behandelaar", gettext_lazy("Per behandelaar"), gettext_lazy("Behandelaar"), "team"),
    (
        "soort",
        gettext_lazy("Per soort contactmoment"),
        gettext_lazy("Soort contactmoment"),
        "allen",
    ),
    ("groep", gettext_lazy("Per enquêtegroep"), gettext_lazy("Enquêtegroep"), "allen"),
    ("label", gettext_lazy("Per label"), gettext_lazy("Label"), "alles"),
]
ZONDER_WAARDE = {
    "afdeling": gettext_lazy("Geen afdeling"),
    "behandelaar": gettext_lazy("Geen behandelaar"),
    "label": gettext_lazy("Onbekend label"),
    "soort": gettext_lazy("Onbekend"),
    "groep": gettext_lazy("Onbekend"),
}


def kto_medewerker_vereist(view):
    """Logged in, and holding a role that works with survey results (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.ziet_klanttevredenheid(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _kwartaal_uit(waarde: str | None, huidig: tuple[int, int]) -> tuple[int, int]:
    """The quarter of ?kwartaal=2026-2; the current one when absent, malformed or in the future."""
    try:
        jaar, kwartaal = (int(deel) for deel in (waarde or "").split("-"))
    except ValueError:
        return huidig
    if not (2000 <= jaar <= 2999 and 1 <= kwartaal <= 4) or (jaar, kwartaal) > huidig:
        return huidig
    return jaar, kwartaal


def _kwartaal_code(kwartaal: tuple[int, int]) -> str:
    return f"{kwartaal[0]}-{kwartaal[1]}"


def _kwartaal_naam(kwartaal: tuple[int, int]) -> str:
    return _("%(kwartaal)se kwartaal %(jaar)s") % {"kwartaal": kwartaal[1], "jaar": kwartaal[0]}


def _per_maand(rijen: list[cijfers.Cijfers], kwartaal: tuple[int, int]) -> list[tuple]:
    """The three months of the quarter in order, each with its figures (a month without any
    response or invitation gets the empty row, so it shows as 'geen gegevens')."""
    gevonden = {rij.groep["maand"]: rij for rij in rijen}
    return [
        (maand, gevonden.get(maand) or cijfers.Cijfers({"maand": maand}, 0, None, None, 0, 0))
        for maand in kalender.maanden_van_kwartaal(*kwartaal)
    ]


def _trend_maanden(kwartaal: tuple[int, int], vandaag) -> list[dt.date]:
    """The first days of the TREND_MAANDEN months up to the quarter's last month, or up to this
    month for the running quarter (no empty months still to come)."""
    laatste = min(kalender.maanden_van_kwartaal(*kwartaal)[-1], vandaag.replace(day=1))
    maanden = [laatste]
    while len(maanden) < TREND_MAANDEN:
        maanden.insert(0, dt.date(*kalender.vorige_maand(maanden[0].year, maanden[0].month), 1))
    return maanden


def _uitsplitsing(dimensie: str, rijen: list[cijfers.Cijfers]) -> list[tuple[str, cijfers.Cijfers]]:
    """Rows of a breakdown with display names, by name; the rows without a value last."""
    namen = selectors.groepnamen(dimensie, (rij.groep[dimensie] for rij in rijen))
    benoemd = [
        (
            namen.get(rij.groep[dimensie], str(ZONDER_WAARDE[dimensie]))
            if rij.groep[dimensie] is not None
            else str(ZONDER_WAARDE[dimensie]),
            rij,
        )
        for rij in rijen
    ]
    return sorted(benoemd, key=lambda paar: (paar[1].groep[dimensie] is None, paar[0].lower()))


@kto_medewerker_vereist
def dashboard(request):
    """The user's own dashboard: the quarter's figures in total, per month and broken down, the
    responses with their comments, and the open follow-ups (DESIGN.md section 6)."""
    gebruiker = request.user
    vandaag = kalender.vandaag()
    huidig = kalender.kwartaal_van(vandaag)
    kwartaal = _kwartaal_uit(request.GET.get("kwartaal"), huidig)
    van, tot = kalender.kwartaal_grenzen(*kwartaal)
    vorig = kalender.vorig_kwartaal(*kwartaal)
    bereik = {
        "responsen": selectors.responsen_voor(gebruiker),
        "uitnodigingen": selectors.uitnodigingen_voor(gebruiker),
    }

    totaal = cijfers.totaal(van=van, tot=tot, **bereik)
    vorig_van, vorig_tot = kalender.kwartaal_grenzen(*vorig)
    vorig_totaal = cijfers.totaal(van=vorig_van, tot=vorig_tot, **bereik)
    # One set of figures per month serves both the trend chart and the quarter's month table.
    trend_maanden = _trend_maanden(kwartaal, vandaag)
    per_maand_rijen = cijfers.cijfers(
        van=kalender.maand_grenzen(trend_maanden[0].year, trend_maanden[0].month).van,
        tot=tot,
        per=("maand",),
        **bereik,
    )
    per_maand = _per_maand(per_maand_rijen, kwartaal)
    gevonden = {rij.groep["maand"]: rij for rij in per_maand_rijen}
    trend = [
        (maand, gevonden.get(maand) or cijfers.Cijfers({"maand": maand}, 0, None, None, 0, 0))
        for maand in trend_maanden
    ]
    verdeling = cijfers.verdeling(van=van, tot=tot, responsen=bereik["responsen"])
    overgeslagen = cijfers.overgeslagen(van=van, tot=tot, uitnodigingen=bereik["uitnodigingen"])

    ziet_team = selectors.ziet_andermans_resultaten(gebruiker)
    ziet_alles = rollen.ziet_alle_klachten(gebruiker)
    uitsplitsingen = []
    for dimensie, titel, kolom, wie in UITSPLITSINGEN:
        if (wie == "team" and not ziet_team) or (wie == "alles" and not ziet_alles):
            continue
        rijen = _uitsplitsing(
            dimensie, cijfers.cijfers(van=van, tot=tot, per=(dimensie,), **bereik)
        )
        if dimensie == "label" and len(rijen) < 2:
            continue  # one brand: the breakdown would repeat the total
        uitsplitsingen.append(
            {"dimensie": dimensie, "titel": titel, "kolom": kolom, "rijen": rijen}
        )

    per_afdeling = next((u["rijen"] for u in uitsplitsingen if u["dimensie"] == "afdeling"), None)
    kto_grafieken = grafieken.kto_grafieken(
        trend, verdeling, per_afdeling, _kwartaal_naam(kwartaal)
    )

    met_opmerking = request.GET.get("met_opmerking") == "1"
    responsen = selectors.recente_responsen(
        gebruiker, van=van, tot=tot, met_opmerking=met_opmerking
    )
    pagina = Paginator(responsen, PER_PAGINA).get_page(request.GET.get("pagina"))

    open_opvolgingen = selectors.open_opvolgingen(gebruiker)
    opvolgingen = list(open_opvolgingen[: OPEN_OPVOLGINGEN_MAX + 1])
    aantal_open = len(opvolgingen)
    if aantal_open > OPEN_OPVOLGINGEN_MAX:
        aantal_open = open_opvolgingen.count()
        opvolgingen = opvolgingen[:OPEN_OPVOLGINGEN_MAX]
    for opvolging in opvolgingen:
        opvolging.dagen_open = (vandaag - kalender.lokale_datum(opvolging.created_at)).days

    query = request.GET.copy()
    query.pop("pagina", None)
    kwartalen = []
    k = huidig
    for _i in range(KWARTALEN_TERUG):
        kwartalen.append((_kwartaal_code(k), _kwartaal_naam(k)))
        k = kalender.vorig_kwartaal(*k)
    if not any(code == _kwartaal_code(kwartaal) for code, _naam in kwartalen):
        kwartalen.append((_kwartaal_code(kwartaal), _kwartaal_naam(kwartaal)))
    return render(
        request,
        "klanttevredenheid/dashboard.html",
        {
            "kwartaal": kwartaal,
            "overgeslagen": [
                (RedenOvergeslagen(reden).label, aantal)
                for reden, aantal in sorted(overgeslagen.items(), key=lambda r: -r[1])
            ],
            "aantal_overgeslagen": sum(overgeslagen.values()),
            "kwartaal_code": _kwartaal_code(kwartaal),
            "kwartaal_naam": _kwartaal_naam(kwartaal),
            "is_huidig_kwartaal": kwartaal == huidig,
            "vorig_kwartaal_code": _kwartaal_code(vorig),
            "vorig_kwartaal_naam": _kwartaal_naam(vorig),
            "volgend_kwartaal_code": (
                _kwartaal_code(kalender.volgend_kwartaal(*kwartaal)) if kwartaal < huidig else None
            ),
            "kwartalen": kwartalen,
            "totaal": totaal,
            "vorig_totaal": vorig_totaal,
            "per_maand": per_maand,
            "grafieken": kto_grafieken,
            "geen_gegevens": geen_gegevens(),
            "uitsplitsingen": uitsplitsingen,
            "definities": DEFINITIES,
            "tegels": [(soort, naam, DEFINITIES[soort]) for soort, naam in TEGELS],
            "pagina": pagina,
            "met_opmerking": met_opmerking,
            "query": query.urlencode(),
            "opvolgingen": opvolgingen,
            "aantal_open": aantal_open,
            "kto_open_opvolgingen": aantal_open,
            "bereik_tekst": _bereik_tekst(gebruiker, ziet_team, ziet_alles),
            # The handler's own results page (issue 22): for those who handle complaints; a
            # teamleider reaches their team's from the breakdown per behandelaar.
            "heeft_eigen_resultaten": bool(
                rollen.rollen_van(gebruiker) & {rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER}
            ),
            "is_teamleider": rollen.TEAMLEIDER in rollen.rollen_van(gebruiker),
            "ziet_campagnes": ziet_team,
            **DREMPELS,
        },
    )


EIGEN_KWARTALEN = 4  # the handler's page: this quarter and the three before it


@kto_medewerker_vereist
def behandelaar_resultaten(request, pk):
    """A handler's own survey results (issue 22; ARAG: the outcome of satisfaction surveys is fed
    back to the employee individually): grade, NPS and response per quarter for the complaints
    they handled, with their team's figures beside them, and the customers' comments. Only for
    the handler and their teamleider (selectors.mag_resultaten_zien_van); anyone else gets 404,
    so that the page does not even tell whether the person exists."""
    behandelaar = get_object_or_404(Medewerker, pk=pk, is_active=True)
    if not selectors.mag_resultaten_zien_van(request.user, behandelaar):
        raise Http404
    kwartalen = [kalender.kwartaal_van(kalender.vandaag())]
    while len(kwartalen) < EIGEN_KWARTALEN:
        kwartalen.insert(0, kalender.vorig_kwartaal(*kwartalen[0]))
    van = kalender.kwartaal_grenzen(*kwartalen[0]).van
    tot = kalender.kwartaal_grenzen(*kwartalen[-1]).tot
    eigen = {
        rij.groep["kwartaal"]: rij
        for rij in cijfers.cijfers(
            van=van, tot=tot, per=("kwartaal",), **selectors.eigen_resultaten(behandelaar)
        )
    }
    team = {
        rij.groep["kwartaal"]: rij
        for rij in cijfers.cijfers(
            van=van, tot=tot, per=("kwartaal",), **selectors.teamresultaten(behandelaar)
        )
    }

    def leeg(eerste):
        return cijfers.Cijfers({"kwartaal": eerste}, 0, None, None, 0, 0)

    rijen = []
    for kwartaal in reversed(kwartalen):
        eerste = kalender.kwartaal_grenzen(*kwartaal).van.date()
        rijen.append(
            {
                "naam": _kwartaal_naam(kwartaal),
                "eigen": eigen.get(eerste) or leeg(eerste),
                "team": team.get(eerste) or leeg(eerste),
            }
        )
    reacties = selectors.eigen_reacties(behandelaar, van=van, tot=tot)
    pagina = Paginator(reacties, PER_PAGINA).get_page(request.GET.get("pagina"))
    return render(
        request,
        "klanttevredenheid/behandelaar_resultaten.html",
        {
            "behandelaar": behandelaar,
            "is_eigen": behandelaar.pk == request.user.pk,
            "team": ", ".join(a.naam for a in behandelaar.afdelingen.all()),
            "rijen": rijen,
            "pagina": pagina,
            "definities": DEFINITIES,
            **DREMPELS,
        },
    )


def _campagne_vereist(view):
    """The campaign reports: for those who see results beyond their own (teamleider, directie,
    beheerder); a yearly survey's answers belong to no handler."""

    @kto_medewerker_vereist
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.ziet_andermans_resultaten(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@_campagne_vereist
def campagnes(request):
    """The yearly surveys (Campagne), newest first, each with its number of responses."""
    return render(
        request,
        "klanttevredenheid/campagne_lijst.html",
        {"campagnes": selectors.campagnes_met_respons()},
    )


DRIJFVEER_DEFINITIES = {
    "gemiddelde": gettext_lazy(
        "Het gemiddelde van de antwoorden op de vraag (1-10), afgerond op 1 decimaal."
    ),
    "correlatie": gettext_lazy(
        "De samenhang (Pearson-correlatie, van -1 tot +1) tussen het antwoord op de vraag en het "
        "rapportcijfer van dezelfde klant. Hoe hoger, hoe meer het rapportcijfer meebeweegt met "
        "deze drijfveer; samenhang is geen bewijs van oorzaak."
    ),
    "te_weinig": gettext_lazy(
        "Bij minder dan %(minimum)d antwoorden noemen we geen samenhang: dan bepalen een paar "
        "klanten de uitkomst."
    ),
}


@_campagne_vereist
def campagne_rapport(request, pk):
    """A campaign's report (issue 22; ARAG asks its customer groups about the drivers): per
    Enquetegroep the grade, NPS and response, the average of each driver question, its
    correlation with the grade and which driver goes with the grade most."""
    campagne = get_object_or_404(Campagne.objects.select_related("label"), pk=pk)
    groepen = cijfers.drijfveren(campagne)
    vragen = list(campagne.vragen.all())
    return render(
        request,
        "klanttevredenheid/campagne_rapport.html",
        {
            "campagne": campagne,
            "groepen": [
                {
                    "naam": (
                        Enquetegroep(g.groep).label
                        if g.groep in Enquetegroep.values
                        else _("Alle groepen")
                        if g.groep is None
                        else g.groep
                    ),
                    "rapport": g,
                    "open": [
                        (vraag, g.open_antwoorden.get(vraag.pk, 0))
                        for vraag in vragen
                        if not vraag.is_beoordeling
                    ],
                }
                for g in groepen
            ],
            "open_vragen": [v for v in vragen if not v.is_beoordeling],
            "heeft_drijfveren": any(v.is_beoordeling for v in vragen),
            "minimum": cijfers.MINIMUM_PAREN,
            "definities": DEFINITIES,
            "drijfveer_definities": {
                **DRIJFVEER_DEFINITIES,
                "te_weinig": DRIJFVEER_DEFINITIES["te_weinig"] % {"minimum": cijfers.MINIMUM_PAREN},
            },
        },
    )


def _bereik_tekst(gebruiker, ziet_team: bool, ziet_alles: bool) -> str:
    """What the figures cover, in words, for the page's summary line."""
    if ziet_alles:
        return _("Alle afdelingen en behandelaars.")
    if ziet_team:
        afdelingen = ", ".join(a.naam for a in gebruiker.afdelingen.all())
        if afdelingen:
            return _("Afdeling %(afdelingen)s en uw eigen contactmomenten.") % {
                "afdelingen": afdelingen
            }
    return _("Uw eigen contactmomenten.")


class OpvolgingAfrondenFormulier(forms.Form):
    """Closing a follow-up: what was agreed with the customer is required (the record of the
    call back)."""

    verslag = forms.CharField(
        label=gettext_lazy("Verslag"),
        help_text=gettext_lazy(
            "Wat hebt u met de klant besproken en afgesproken? Dit verslag blijft bewaard."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": gettext_lazy("Schrijf op wat er met de klant is afgesproken.")},
    )


@kto_medewerker_vereist
@require_http_methods(["GET", "POST"])
def opvolging(request, pk):
    """The follow-up of a low score: the response, the contact moment and the customer, and the
    form to close it with a verslag. Follow-ups the user may not see do not exist for them."""
    opvolging = get_object_or_404(selectors.opvolging_details(request.user), pk=pk)
    mag_afronden = request.user.has_perm("klanttevredenheid.change_opvolging")
    is_open = opvolging.status == OpvolgingStatus.OPEN
    form = None
    if is_open and mag_afronden:
        if request.method == "POST":
            form = OpvolgingAfrondenFormulier(request.POST)
            if form.is_valid():
                services.opvolging_afronden(
                    opvolging=opvolging, door=request.user, notitie=form.cleaned_data["verslag"]
                )
                messages.success(request, _("De opvolging is afgerond."))
                return redirect("klanttevredenheid:dashboard")
        else:
            form = OpvolgingAfrondenFormulier()
    elif request.method == "POST":
        if not mag_afronden:
            raise PermissionDenied
        messages.info(request, _("Deze opvolging was al afgerond."))
        return redirect("klanttevredenheid:opvolging", pk=opvolging.pk)

    moment = opvolging.respons.contactmoment
    klacht_zichtbaar = (
        moment.klacht_id is not None
        and klacht_selectors.klachten_voor(request.user).filter(pk=moment.klacht_id).exists()
    )
    return render(
        request,
        "klanttevredenheid/opvolging.html",
        {
            "opvolging": opvolging,
            "respons": opvolging.respons,
            "moment": moment,
            "klacht_zichtbaar": klacht_zichtbaar,
            "form": form,
            "mag_afronden": mag_afronden,
            "definities": DEFINITIES,
            **DREMPELS,
            "kto_open_opvolgingen": selectors.aantal_open_opvolgingen(request.user),
        },
    )
