"""The half-yearly complaint analysis page: figures computed, conclusions written by the working
group; printable (DESIGN.md section 7)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klachten import kalender, rollen
from klachten.models import Medewerker
from rapportage import analyse as analyse_
from rapportage import effect, grafieken, selectors
from rapportage.models import Gedeeld, GedeeldSoort, Klachtanalyse, Werkgroepoverleg
from rapportage.views import werkgroep


class ConclusiesFormulier(forms.Form):
    conclusies = forms.CharField(
        label=gettext_lazy("Conclusies van de werkgroep"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20_000,
        required=False,
        help_text=gettext_lazy(
            "Wat zeggen de cijfers, welke oorzaken keren terug, welke verbeteracties zijn nodig?"
        ),
    )


@login_required
def index(request):
    jaar, helft = kalender.vorige_helft(*kalender.helft_van(kalender.vandaag()))
    return redirect("rapportage:analyse", jaar=jaar, helft=helft)


@login_required
def analyse(request, jaar: int, helft: int):
    vandaag = kalender.vandaag()
    if helft not in (1, 2) or not 2000 <= jaar <= vandaag.year:
        raise Http404
    gedeeld = (
        Gedeeld.objects.filter(soort=GedeeldSoort.KLACHTANALYSE, jaar=jaar, helft=helft)
        .select_related("gedeeld_door")
        .first()
    )
    if gedeeld is not None and werkgroep.is_personeel(request.user):
        # Shared with all staff (issue 22): everyone reads the whole analysis.
        selectie = selectors.Selectie(
            label=selectors.label_uit_adres(request.GET.get("label")),
            afdelingen=None,
        )
    else:
        selectie = selectors.selectie_voor(request.user, request.GET.get("label"))
    mag_schrijven = bool(rollen.rollen_van(request.user) & {rollen.DIRECTIE, rollen.TEAMLEIDER})
    verslag = Klachtanalyse.objects.filter(jaar=jaar, helft=helft).first()
    form = ConclusiesFormulier(
        request.POST or None, initial={"conclusies": verslag.conclusies if verslag else ""}
    )
    if request.method == "POST":
        if not mag_schrijven:
            raise PermissionDenied
        if form.is_valid():
            Klachtanalyse.objects.update_or_create(
                jaar=jaar,
                helft=helft,
                defaults={
                    "conclusies": form.cleaned_data["conclusies"].strip(),
                    "bijgewerkt_door": request.user,
                },
            )
            messages.success(request, _("De conclusies zijn opgeslagen."))
            return redirect(reverse("rapportage:analyse", kwargs={"jaar": jaar, "helft": helft}))
    vorige = kalender.vorige_helft(jaar, helft)
    volgende = kalender.volgende_helft(jaar, helft)
    a = analyse_.analyse(jaar, helft, selectie=selectie, vandaag=vandaag)
    return render(
        request,
        "rapportage/klachtanalyse.html",
        {
            "a": a,
            "grafieken": grafieken.analyse_grafieken(a),
            "effect_definitie": effect.DEFINITIE,
            "geen_gegevens": grafieken.geen_gegevens(),
            "selectie": selectie,
            "verslag": verslag,
            "form": form,
            "mag_schrijven": mag_schrijven,
            "overleggen": werkgroepoverleggen_van(jaar, helft),
            "mag_werkgroep": werkgroep.mag_beheren(request.user),
            "mag_delen": werkgroep.mag_beheren(request.user),
            "gedeeld": gedeeld,
            "vorige": vorige,
            "volgende": volgende if volgende[0] <= vandaag.year else None,
        },
    )


def werkgroepoverleggen_van(jaar: int, helft: int):
    """The working group's meetings held in the half-year, in date order, with their
    participants and linked improvement actions (issue 22)."""
    van, tot = kalender.helft_grenzen(jaar, helft)
    return (
        Werkgroepoverleg.objects.filter(datum__gte=van.date(), datum__lt=tot.date())
        .order_by("datum", "pk")
        .prefetch_related(
            Prefetch("deelnemers", queryset=Medewerker.objects.order_by("first_name", "last_name")),
            "verbeterpunten",
        )
    )
