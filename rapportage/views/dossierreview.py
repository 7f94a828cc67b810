"""The monthly dossier review: the directie reads a randomly chosen closed dossier and records
what it found (DESIGN.md section 7)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klachten import rollen
from rapportage import services
from rapportage.models import Dossierreview


class DossierreviewFormulier(forms.Form):
    opmerkingen = forms.CharField(
        label=gettext_lazy("Bevindingen"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=gettext_lazy(
            "Is de klacht volgens de procedure en binnen de termijnen behandeld, was het antwoord "
            "begrijpelijk en juist, wat kan beter? Komt in de volgende maandrapportage."
        ),
        error_messages={"required": gettext_lazy("Schrijf uw bevindingen op.")},
    )


def _alleen_directie(gebruiker) -> None:
    if not rollen.ziet_alle_klachten(gebruiker):
        raise PermissionDenied


@login_required
def lijst(request):
    _alleen_directie(request.user)
    reviews = Dossierreview.objects.select_related("klacht", "beoordeeld_door")[:24]
    return render(request, "rapportage/dossierreview_lijst.html", {"reviews": reviews})


@login_required
def review(request, pk: int):
    _alleen_directie(request.user)
    review = get_object_or_404(
        Dossierreview.objects.select_related(
            "klacht__label", "klacht__afdeling", "beoordeeld_door"
        ),
        pk=pk,
    )
    form = DossierreviewFormulier(request.POST or None, initial={"opmerkingen": review.opmerkingen})
    if request.method == "POST":
        if rollen.DIRECTIE not in rollen.rollen_van(request.user):
            raise PermissionDenied
        if form.is_valid():
            services.dossierreview_vastleggen(
                review=review, door=request.user, opmerkingen=form.cleaned_data["opmerkingen"]
            )
            messages.success(request, _("Uw bevindingen zijn vastgelegd."))
            return redirect("rapportage:dossierreviews")
    return render(
        request,
        "rapportage/dossierreview.html",
        {
            "review": review,
            "form": form,
            "mag_vastleggen": rollen.DIRECTIE in rollen.rollen_van(request.user),
        },
    )
