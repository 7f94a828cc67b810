"""The working group's quarterly meetings (werkgroepoverleg) and the reports shared with all staff
(issue 22, smaller practices)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from klachten import kalender, rollen
from klachten.models import Label, Medewerker, Verbeterpunt, VerbeterpuntStatus
from rapportage import services
from rapportage.models import Gedeeld, GedeeldSoort, Werkgroepoverleg

# Who records the meetings and shares reports: the teamleiders and the management.
BEHEREN = frozenset({rollen.TEAMLEIDER, rollen.DIRECTIE})
# Who reads what was shared: the insurer's own staff (not an outside firm's partner handlers,
# not an API account).
PERSONEEL = frozenset(
    {rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.DIRECTIE, rollen.BEHEERDER}
)


def mag_beheren(gebruiker) -> bool:
    return bool(rollen.rollen_van(gebruiker) & BEHEREN)


def is_personeel(gebruiker) -> bool:
    return gebruiker.is_authenticated and bool(rollen.rollen_van(gebruiker) & PERSONEEL)


class MedewerkerKeuze(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class VerbeterpuntKeuze(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.omschrijving[:80]} ({obj.get_status_display()}, {obj.eigenaar})"


class WerkgroepoverlegFormulier(forms.Form):
    datum = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deelnemers = MedewerkerKeuze(
        label=gettext_lazy("Deelnemers"),
        queryset=Medewerker.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    prioriteiten = forms.CharField(
        label=gettext_lazy("Prioriteiten"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        help_text=gettext_lazy("Welke klachtthema's krijgen het komende kwartaal voorrang?"),
    )
    actiepunten = forms.CharField(
        label=gettext_lazy("Actiepunten"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        required=False,
        help_text=gettext_lazy(
            "Wat is afgesproken? Leg wat opgevolgd moet worden vast als verbeterpunt en koppel het "
            "hieronder."
        ),
    )
    verbeterpunten = VerbeterpuntKeuze(
        label=gettext_lazy("Gekoppelde verbeterpunten"),
        queryset=Verbeterpunt.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, overleg: Werkgroepoverleg | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deelnemers"].queryset = (
            Medewerker.objects.filter(is_active=True, groups__name__in=sorted(PERSONEEL))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        # The open improvement actions, and those already linked to this meeting.
        gekoppeld = list(overleg.verbeterpunten.values_list("pk", flat=True)) if overleg else []
        self.fields["verbeterpunten"].queryset = (
            (
                Verbeterpunt.objects.filter(
                    status__in=[VerbeterpuntStatus.OPEN, VerbeterpuntStatus.IN_UITVOERING]
                )
                | Verbeterpunt.objects.filter(pk__in=gekoppeld)
            )
            .select_related("eigenaar")
            .order_by("streefdatum", "pk")
        )


def _beheerder(request):
    if not mag_beheren(request.user):
        raise PermissionDenied


@login_required
def lijst(request):
    """All meetings, newest first, with their participants and linked improvement actions."""
    _beheerder(request)
    overleggen = Werkgroepoverleg.objects.select_related("vastgelegd_door").prefetch_related(
        Prefetch("deelnemers", queryset=Medewerker.objects.order_by("first_name", "last_name")),
        Prefetch("verbeterpunten", queryset=Verbeterpunt.objects.select_related("eigenaar")),
    )
    return render(request, "rapportage/werkgroepoverleg_lijst.html", {"overleggen": overleggen})


@login_required
def bewerken(request, pk: int | None = None):
    """Record a new meeting (pk None) or correct one."""
    _beheerder(request)
    overleg = get_object_or_404(Werkgroepoverleg, pk=pk) if pk is not None else None
    initial = (
        {
            "datum": overleg.datum,
            "deelnemers": list(overleg.deelnemers.all()),
            "prioriteiten": overleg.prioriteiten,
            "actiepunten": overleg.actiepunten,
            "verbeterpunten": list(overleg.verbeterpunten.all()),
        }
        if overleg
        else {"datum": kalender.vandaag(), "deelnemers": [request.user]}
    )
    form = WerkgroepoverlegFormulier(request.POST or None, initial=initial, overleg=overleg)
    if request.method == "POST" and form.is_valid():
        services.werkgroepoverleg_vastleggen(
            door=request.user, overleg=overleg, **form.cleaned_data
        )
        messages.success(request, _("Het werkgroepoverleg is vastgelegd."))
        return redirect("rapportage:werkgroep")
    return render(
        request, "rapportage/werkgroepoverleg_formulier.html", {"form": form, "overleg": overleg}
    )


class DelenFormulier(forms.Form):
    soort = forms.ChoiceField(choices=GedeeldSoort.choices)
    jaar = forms.IntegerField(min_value=2000, max_value=9999)
    helft = forms.IntegerField(min_value=1, max_value=2, required=False)
    label = forms.ModelChoiceField(
        queryset=Label.objects.all(), to_field_name="slug", required=False
    )
    toelichting = forms.CharField(max_length=2_000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("jaar") and data["jaar"] > kalender.vandaag().year:
            raise forms.ValidationError(_("Dat jaar is nog niet begonnen."))
        if data.get("soort") == GedeeldSoort.KLACHTANALYSE and not data.get("helft"):
            raise forms.ValidationError(_("Kies een halfjaar."))
        if data.get("soort") == GedeeldSoort.JAARRAPPORT and not data.get("label"):
            raise forms.ValidationError(_("Kies een label."))
        return data


@login_required
@require_POST
def delen(request):
    """Share an analysis or a yearly report with all staff (the button on its page)."""
    if not mag_beheren(request.user):
        raise PermissionDenied
    form = DelenFormulier(request.POST)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    if data["soort"] == GedeeldSoort.JAARRAPPORT and rollen.DIRECTIE not in rollen.rollen_van(
        request.user
    ):
        raise PermissionDenied  # the yearly report is the directie's
    try:
        gedeeld = services.rapport_delen(door=request.user, **data)
    except services.DelenFout as fout:
        messages.error(request, str(fout))
        return redirect("rapportage:gedeeld")
    messages.success(
        request,
        _("%(rapport)s is gedeeld met alle medewerkers; zij krijgen een bericht.")
        % {"rapport": services.gedeeld_titel(gedeeld)},
    )
    return redirect(services.gedeeld_url(gedeeld))


@login_required
def gedeeld(request):
    """What was shared with all staff, newest first (every member of staff may read it)."""
    if not is_personeel(request.user):
        raise PermissionDenied
    rijen = [
        {"gedeeld": g, "titel": services.gedeeld_titel(g), "url": services.gedeeld_url(g)}
        for g in Gedeeld.objects.select_related("label", "gedeeld_door")
    ]
    return render(request, "rapportage/gedeeld_lijst.html", {"rijen": rijen})
