"""The yearly complaint report: the directie's draft and publication, and the public page of a
published year (DESIGN.md section 7, "Jaarrapportage")."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from klachten import kalender, rollen
from klachten import selectors as klachtselectors
from klachten.models import Label
from klachten.workflow import Oordeel
from rapportage import maandrapport, selectors, services
from rapportage.models import Gedeeld, GedeeldSoort, Jaarrapport, JaarrapportStatus
from rapportage.views import werkgroep


class ToelichtingFormulier(forms.Form):
    toelichting = forms.CharField(
        label=gettext_lazy("Toelichting van de directie"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10_000,
        required=False,
        help_text=gettext_lazy(
            "Staat bovenaan het openbare jaarverslag: wat opviel, wat er met de klachten is "
            "gedaan en wat er daardoor verbetert."
        ),
    )


# The figures of the month report that the year's report shows, in this order.
JAARCIJFERS = (
    "ontvangen",
    "afgesloten",
    "open_einde",
    "bevestigd_op_tijd",
    "statusupdates_op_tijd",
    "beantwoord_op_tijd",
    "doorlooptijd_mediaan",
    "niet_ontvankelijk",
    "heroverwegingen",
    "externe_procedures",
    "kto_gemiddelde",
    "nps",
)


def inhoud(
    overzicht: maandrapport.Jaaroverzicht, kwartaalcijfers: list[dict], *, taal: str | None = None
) -> dict:
    """What the staff page, the public page and the PDF show of a year (one place); `taal`: the
    public page's language, for the names of categorieën and external bodies."""
    namen = selectors.namen(taal=taal)
    b = overzicht.totaal.b
    f = overzicht.totaal
    return {
        "overzicht": overzicht,
        "f": f,
        "kerncijfers": [
            (figuur, f.waarde(figuur.naam))
            for figuur in maandrapport.FIGUREN
            if figuur.naam in JAARCIJFERS
        ],
        "oordelen": [(Oordeel(o).label, b.oordeel[o]) for o in Oordeel.values if b.oordeel[o]],
        "per_categorie": sorted(
            ((namen.categorie(pk), n) for pk, n in b.categorie.items()), key=lambda r: -r[1]
        ),
        "per_kanaal": sorted(
            ((selectors.kanaalnaam(k), n) for k, n in b.kanaal.items()), key=lambda r: -r[1]
        ),
        "extern_ingediend": sorted(
            (namen.instantie(pk), n) for pk, n in b.extern_ingediend.items()
        ),
        "extern_beslist": sorted(
            (
                namen.instantie(sleutel.split("|")[0]),
                selectors.uitkomstnaam(sleutel.split("|")[1]),
                n,
            )
            for sleutel, n in b.extern_beslist.items()
        ),
        # Stored as text in the published JSON ("6.3"); a Decimal is written as the page's
        # language writes numbers ("6,3"), as every other figure.
        "kwartaalcijfers": [
            {**k, "gemiddelde": None if k.get("gemiddelde") is None else Decimal(k["gemiddelde"])}
            for k in kwartaalcijfers
        ],
    }


def _jaar_geldig(jaar: int) -> None:
    if not 2000 <= jaar <= kalender.vandaag().year:
        raise Http404


def _labels_en_label(request) -> tuple[list[Label], Label]:
    """Every label (for the switch) and the one asked for (?label=), else the default."""
    labels = list(Label.objects.order_by("naam"))
    if not labels:
        raise Http404
    label = next((lbl for lbl in labels if lbl.slug == request.GET.get("label")), None)
    return labels, label or next((lbl for lbl in labels if lbl.is_standaard), labels[0])


def _rapport_van_verzoek(
    request, jaar: int, *, gedeeld_mag: bool = False
) -> tuple[list[Label], Label, Jaarrapport]:
    """`gedeeld_mag`: a member of staff may read the year's report of a label the directie shared
    with all staff (issue 22), without the other labels in the switch."""
    _jaar_geldig(jaar)
    if not rollen.ziet_alle_klachten(request.user):
        if not gedeeld_mag or not werkgroep.is_personeel(request.user):
            raise PermissionDenied
        _labels, label = _labels_en_label(request)
        if not Gedeeld.objects.filter(
            soort=GedeeldSoort.JAARRAPPORT, jaar=jaar, label=label
        ).exists():
            raise PermissionDenied
        return [label], label, services.jaarrapport_voor(jaar=jaar, label=label)
    labels, label = _labels_en_label(request)
    return labels, label, services.jaarrapport_voor(jaar=jaar, label=label)


def _mag_publiceren(gebruiker) -> bool:
    return rollen.DIRECTIE in rollen.rollen_van(gebruiker)


def _stap_url(naam: str, jaar: int, label: Label) -> str:
    return f"{reverse(naam, kwargs={'jaar': jaar})}?label={label.slug}"


@login_required
def jaar(request, jaar: int, pdf: bool = False):
    """The directie's page of a year's report for one label: the figures (live until it is
    published) and the explanation. Publishing is three steps: save, look at the preview
    (`voorbeeld`), confirm (`publiceren`); this page never publishes."""
    labels, label, rapport = _rapport_van_verzoek(request, jaar, gedeeld_mag=True)
    mag_publiceren = _mag_publiceren(request.user)
    form = ToelichtingFormulier(request.POST or None, initial={"toelichting": rapport.toelichting})
    if request.method == "POST":
        if not mag_publiceren:
            raise PermissionDenied
        if form.is_valid():
            try:
                rapport = services.jaarrapport_bewerken(
                    jaarrapport=rapport,
                    door=request.user,
                    toelichting=form.cleaned_data["toelichting"],
                )
                messages.success(request, _("De toelichting is opgeslagen."))
                if "voorbeeld" in request.POST:
                    return redirect(_stap_url("rapportage:jaar-voorbeeld", jaar, label))
            except services.JaarrapportFout as fout:
                messages.error(request, str(fout))
            return redirect(_stap_url("rapportage:jaar", jaar, label))
    if rapport.status == JaarrapportStatus.GEPUBLICEERD:
        overzicht = maandrapport.jaaroverzicht_uit_json(jaar, rapport.cijfers)
        kwartalen = rapport.cijfers.get("kwartaalcijfers", [])
    else:
        overzicht = maandrapport.jaaroverzicht(jaar, labels={label.pk})
        kwartalen = services.kwartaalcijfers_van(jaar, label)
    if pdf:
        return _pdf(request, rapport, inhoud(overzicht, kwartalen))
    return render(
        request,
        "rapportage/jaarrapport.html",
        {
            "jaar": jaar,
            "label": label,
            "labels": labels,
            "rapport": rapport,
            "form": form,
            "mag_publiceren": mag_publiceren,
            "ziet_alles": rollen.ziet_alle_klachten(request.user),
            "gedeeld": Gedeeld.objects.filter(
                soort=GedeeldSoort.JAARRAPPORT, jaar=jaar, label=label
            )
            .select_related("gedeeld_door")
            .first(),
            "jaar_voorbij": kalender.vandaag().year > jaar,
            "publieke_url": reverse(
                "rapportage:publiek-jaar", kwargs={"label_slug": label.slug, "jaar": jaar}
            ),
            **inhoud(overzicht, kwartalen),
        },
    )


def _voorbeeldcontext(rapport: Jaarrapport) -> dict:
    """What the public page of this draft will show once published now: its figures through the
    same freezing (services.jaarcijfers, as JSON and back) and today as its publication date."""
    nu = timezone.now()
    cijfers = services.jaarcijfers(rapport, op=nu)
    overzicht = maandrapport.jaaroverzicht_uit_json(rapport.jaar, cijfers)
    rapport.gepubliceerd_op = nu  # shown, never saved
    gepubliceerd = Jaarrapport.objects.filter(
        label=rapport.label, status=JaarrapportStatus.GEPUBLICEERD
    ).values_list("jaar", flat=True)
    return {
        "label": rapport.label,
        "rapport": rapport,
        "jaren": sorted({rapport.jaar, *gepubliceerd}, reverse=True),
        **inhoud(overzicht, cijfers.get("kwartaalcijfers", []), taal=get_language()),
    }


@login_required
def voorbeeld(request, jaar: int):
    """Step 2: the public page of the report exactly as it will be published (the public
    template, extended only by a bar above it: back to editing, or on to the confirmation)."""
    _labels, label, rapport = _rapport_van_verzoek(request, jaar)
    if rapport.is_gepubliceerd:
        return redirect(_stap_url("rapportage:jaar", jaar, label))
    return render(
        request,
        "rapportage/jaarrapport_voorbeeld.html",  # the public page, with the preview's bar
        {
            **_voorbeeldcontext(rapport),
            "voorbeeld": True,
            "bewerken_url": _stap_url("rapportage:jaar", jaar, label),
            "publiceren_url": _stap_url("rapportage:jaar-publiceren", jaar, label),
            "mag_publiceren": _mag_publiceren(request.user),
            "niet_publiceerbaar": services.kan_publiceren(rapport),
        },
    )


@login_required
def publiceren(request, jaar: int):
    """Step 3: the confirmation that says what freezes (the figures, the text, the date), and
    the only place that publishes (POST, directie, with the version of the text confirmed;
    publishing twice publishes once)."""
    _labels, label, rapport = _rapport_van_verzoek(request, jaar)
    if not _mag_publiceren(request.user):
        raise PermissionDenied
    terug = _stap_url("rapportage:jaar", jaar, label)
    if rapport.is_gepubliceerd:
        messages.info(request, _("Dit jaarrapport is al gepubliceerd."))
        return redirect(terug)
    if request.method == "POST":
        versie = request.POST.get("versie", "")
        if not versie:
            messages.error(request, _("Publiceren gaat via het voorbeeld en de bevestiging."))
            return redirect(terug)
        try:
            services.jaarrapport_publiceren(jaarrapport=rapport, door=request.user, versie=versie)
        except services.JaarrapportFout as fout:
            rapport.refresh_from_db()
            if rapport.is_gepubliceerd:  # published by a click a moment before: that is it
                messages.info(request, _("Dit jaarrapport is al gepubliceerd."))
            else:
                messages.error(request, str(fout))
                return redirect(_stap_url("rapportage:jaar-voorbeeld", jaar, label))
        else:
            messages.success(request, _("Het jaarverslag is gepubliceerd."))
        return redirect(terug)
    reden = services.kan_publiceren(rapport)
    if reden is not None:
        messages.error(request, reden)
        return redirect(terug)
    return render(
        request,
        "rapportage/jaarrapport_publiceren.html",
        {
            "jaar": jaar,
            "label": label,
            "rapport": rapport,
            "versie": services.jaarrapport_versie(rapport),
            "vandaag": kalender.vandaag(),
            "bewerken_url": terug,
            "voorbeeld_url": _stap_url("rapportage:jaar-voorbeeld", jaar, label),
            "publieke_url": reverse(
                "rapportage:publiek-jaar", kwargs={"label_slug": label.slug, "jaar": jaar}
            ),
        },
    )


def _pdf(request, rapport: Jaarrapport, context: dict) -> HttpResponse:
    from rapportage.exports import html_naar_pdf

    html = render_to_string(
        "rapportage/jaarrapport_pdf.html",
        {**context, "rapport": rapport, "label": rapport.label, "taal": get_language()},
        request=request,
    )
    response = HttpResponse(html_naar_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"klachtenjaarverslag-{rapport.jaar}-{rapport.label.slug}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def publiek(request, label_slug: str | None = None, jaar: int | None = None, pdf: bool = False):
    """The public yearly report of a label (/klachtenjaarverslag/, /<label>/klachtenjaarverslag/
    [<jaar>/]): only published years, exactly as they were published."""
    label = klachtselectors.label_voor_verzoek(request, label_slug)
    gepubliceerd = Jaarrapport.objects.filter(
        label=label, status=JaarrapportStatus.GEPUBLICEERD
    ).order_by("-jaar")
    rapport = gepubliceerd.filter(jaar=jaar).first() if jaar else gepubliceerd.first()
    jaren = list(gepubliceerd.values_list("jaar", flat=True))
    if rapport is None:
        if jaar:
            raise Http404
        return render(request, "rapportage/jaarrapport_publiek.html", {"label": label, "jaren": []})
    overzicht = maandrapport.jaaroverzicht_uit_json(rapport.jaar, rapport.cijfers)
    context = inhoud(overzicht, rapport.cijfers.get("kwartaalcijfers", []), taal=get_language())
    if pdf:
        return _pdf(request, rapport, context)
    return render(
        request,
        "rapportage/jaarrapport_publiek.html",
        {"label": label, "rapport": rapport, "jaren": jaren, **context},
    )
