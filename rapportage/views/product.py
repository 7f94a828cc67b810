"""The product review pages (issue 22): per product group and half-year, the figures, the
reviewers' conclusion and improvement actions, the sign-off that freezes it, its PDF; and the
upload of rejected claims per product group and month (rapportage.productreview)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from klachten import kalender, rollen, services
from klachten.models import Medewerker, Productgroep, Verbeterpunt, VerbeterpuntStatus
from klachten.workflow import WorkflowFout
from rapportage import productreview
from rapportage.models import AfgewezenClaims, Productreview

MAX_BESTAND = 2 * 1024 * 1024


def _mag_zien(gebruiker) -> None:
    """Product reviews are the organisation's, across afdelingen: directie and beheerder."""
    if not gebruiker.is_authenticated or not rollen.ziet_alle_klachten(gebruiker):
        raise PermissionDenied


def _mag_vaststellen(gebruiker) -> bool:
    return rollen.DIRECTIE in rollen.rollen_van(gebruiker) or gebruiker.is_superuser


def _periode(jaar: int, helft: int) -> None:
    if helft not in (1, 2) or not 2000 <= jaar <= kalender.vandaag().year:
        raise Http404


class ConclusieFormulier(forms.Form):
    conclusie = forms.CharField(
        label=gettext_lazy("Conclusie van de reviewers"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        required=False,
        help_text=gettext_lazy(
            "Doet het product wat het de klant belooft? Wat zeggen klachten, afgewezen claims "
            "en de tevredenheid, en wat moet er veranderen?"
        ),
    )
    verbeterpunten = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Verbeteracties bij deze review"),
        queryset=Verbeterpunt.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Bestaande acties die uit deze review volgen."),
    )

    def __init__(self, *args, review: Productreview, **kwargs):
        super().__init__(*args, **kwargs)
        gekoppeld = review.verbeterpunten.all() if review.pk else Verbeterpunt.objects.none()
        self.fields["verbeterpunten"].queryset = (
            Verbeterpunt.objects.filter(
                status__in=[VerbeterpuntStatus.OPEN, VerbeterpuntStatus.IN_UITVOERING]
            )
            | Verbeterpunt.objects.filter(pk__in=gekoppeld.values("pk"))
        ).order_by("streefdatum", "pk")


class VerbeteractieFormulier(forms.Form):
    omschrijving = forms.CharField(
        label=gettext_lazy("Nieuwe verbeteractie"), widget=forms.Textarea(attrs={"rows": 3})
    )
    eigenaar = forms.ModelChoiceField(
        label=gettext_lazy("Eigenaar"), queryset=Medewerker.objects.filter(is_active=True)
    )
    streefdatum = forms.DateField(
        label=gettext_lazy("Streefdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ClaimsFormulier(forms.Form):
    bestand = forms.FileField(
        label=gettext_lazy("CSV-bestand"),
        help_text=gettext_lazy(
            "Kolommen productgroep (de code), maand (bv. 2026-03) en afgewezen (het aantal); "
            "gescheiden door ; of , en opgeslagen als CSV UTF-8."
        ),
    )

    def clean_bestand(self):
        bestand = self.cleaned_data["bestand"]
        if bestand.size > MAX_BESTAND:
            raise ValidationError(_("Het bestand is groter dan 2 MB."))
        return bestand


@login_required
def index(request):
    _mag_zien(request.user)
    vandaag = kalender.vandaag()
    halfjaren, helft = [], kalender.helft_van(vandaag)
    for _i in range(4):
        halfjaren.append(helft)
        helft = kalender.vorige_helft(*helft)
    reviews = {
        (r.productgroep_id, r.jaar, r.helft): r
        for r in Productreview.objects.filter(jaar__gte=halfjaren[-1][0])
    }
    rijen = [
        (pg, [(j, h, reviews.get((pg.pk, j, h))) for j, h in halfjaren])
        for pg in Productgroep.objects.all()
    ]
    return render(
        request,
        "rapportage/productreview_index.html",
        {"rijen": rijen, "halfjaren": halfjaren},
    )


def _context(weergave: productreview.Weergave) -> dict:
    c = weergave.cijfers
    kto = dict(c["kto"])
    # Stored as text in the JSON ("7.3"): shown as the page's language writes numbers.
    kto["gemiddelde"] = None if kto["gemiddelde"] is None else Decimal(kto["gemiddelde"])
    kto["per_soort"] = [
        {**s, "gemiddelde": None if s["gemiddelde"] is None else Decimal(s["gemiddelde"])}
        for s in kto["per_soort"]
    ]
    return {
        "w": weergave,
        "review": weergave.review,
        "c": c,
        "kto": kto,
        "claimmaanden": [
            (kalender.maandnaam(*map(int, m["maand"].split("-"))), m["aantal"])
            for m in c["afgewezen_claims"]
        ],
        "conclusie": c.get("conclusie", weergave.review.conclusie)
        if weergave.bevroren
        else weergave.review.conclusie,
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request, code: str, jaar: int, helft: int):
    _mag_zien(request.user)
    _periode(jaar, helft)
    productgroep = get_object_or_404(Productgroep, code=code)
    weergave = productreview.weergave(productgroep, jaar, helft)
    periode = {"productgroep": productgroep, "jaar": jaar, "helft": helft}
    conclusieform = ConclusieFormulier(
        request.POST if request.POST.get("stap") == "conclusie" else None,
        review=weergave.review,
        initial={
            "conclusie": weergave.review.conclusie,
            "verbeterpunten": list(weergave.review.verbeterpunten.values_list("pk", flat=True))
            if weergave.review.pk
            else [],
        },
    )
    actieform = VerbeteractieFormulier(
        request.POST if request.POST.get("stap") == "actie" else None,
        initial={"eigenaar": request.user.pk},
    )
    if request.method == "POST":
        stap = request.POST.get("stap")
        try:
            if stap == "conclusie" and conclusieform.is_valid():
                productreview.conclusie_opslaan(
                    **periode,
                    conclusie=conclusieform.cleaned_data["conclusie"],
                    verbeterpunten=conclusieform.cleaned_data["verbeterpunten"],
                )
                messages.success(request, _("De conclusie is opgeslagen."))
                return redirect(request.path)
            if stap == "actie" and actieform.is_valid():
                punt = services.verbeterpunt_toevoegen(door=request.user, **actieform.cleaned_data)
                productreview.verbeteractie_koppelen(**periode, verbeterpunt=punt)
                messages.success(request, _("De verbeteractie is vastgelegd."))
                return redirect(request.path)
            if stap == "vaststellen":
                if not _mag_vaststellen(request.user):
                    raise PermissionDenied
                productreview.vaststellen(**periode, door=request.user)
                messages.success(
                    request, _("De productreview is vastgesteld; de cijfers liggen nu vast.")
                )
                return redirect(request.path)
        except (productreview.ReviewVastgesteld, WorkflowFout) as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
    return render(
        request,
        "rapportage/productreview.html",
        {
            **_context(weergave),
            "productgroep": productgroep,
            "jaar": jaar,
            "helft": helft,
            "conclusieform": conclusieform,
            "actieform": actieform,
            "mag_vaststellen": _mag_vaststellen(request.user),
            "afgelopen": kalender.helft_grenzen(jaar, helft).dag_erna <= kalender.vandaag(),
            "vorige": kalender.vorige_helft(jaar, helft),
        },
    )


@login_required
def review_pdf(request, code: str, jaar: int, helft: int):
    from rapportage.exports import html_naar_pdf

    _mag_zien(request.user)
    _periode(jaar, helft)
    productgroep = get_object_or_404(Productgroep, code=code)
    weergave = productreview.weergave(productgroep, jaar, helft)
    html = render_to_string(
        "rapportage/productreview_pdf.html",
        {
            **_context(weergave),
            "productgroep": productgroep,
            "jaar": jaar,
            "helft": helft,
            "taal": get_language(),
        },
        request=request,
    )
    response = HttpResponse(html_naar_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"productreview-{productgroep.code}-{jaar}-h{helft}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def afgewezen_claims(request):
    _mag_zien(request.user)
    form = ClaimsFormulier(request.POST or None, request.FILES or None)
    verslag = None
    if request.method == "POST" and form.is_valid():
        verslag = productreview.afgewezen_claims_importeren(
            inhoud=form.cleaned_data["bestand"].read(), door=request.user
        )
        if not verslag.fouten:
            messages.success(
                request,
                _("%(aantal)s maanden afgewezen claims opgeslagen.")
                % {"aantal": verslag.opgeslagen},
            )
            return redirect("rapportage:afgewezen-claims")
    return render(
        request,
        "rapportage/afgewezen_claims.html",
        {
            "form": form,
            "verslag": verslag,
            "laatste": AfgewezenClaims.objects.select_related("productgroep")[:24],
        },
        status=400 if verslag and verslag.fouten else 200,
    )
