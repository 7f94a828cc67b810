"""The beheerder's page for a customer's AVG requests: access (everything stored about an
e-mail address, as a download) and erasure (anonymised in every source). klachten.avg does the
work; both requests are logged there."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from klachten import avg, kalender, rollen
from klachten.models import AvgVerzoek
from klachten.views.medewerker import medewerker_vereist


class AvgVerzoekFormulier(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mailadres van de klant"),
        max_length=254,
        help_text=gettext_lazy(
            "Controleer eerst dat het verzoek van de klant zelf komt (bijvoorbeeld via een "
            "bericht vanaf dit adres)."
        ),
    )


class WissenFormulier(AvgVerzoekFormulier):
    bevestigen = forms.BooleanField(
        label=gettext_lazy(
            "Ik heb de identiteit van de klant gecontroleerd. Wissen kan niet ongedaan worden."
        ),
    )


@never_cache
@medewerker_vereist
@require_http_methods(["GET", "POST"])
def avg_verzoeken(request):
    """Search an address (POST, so it appears in no URL or server log), then download what is
    stored or erase it."""
    if not rollen.is_beheerder(request.user):
        raise PermissionDenied
    actie = request.POST.get("actie", "")
    context = {"recente_verzoeken": AvgVerzoek.objects.select_related("door")[:20]}
    if request.method == "POST" and actie == "wissen":
        form = WissenFormulier(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                aantallen = avg.gegevens_wissen(email=email, door=request.user)
            except avg.WissenGeblokkeerd as exc:
                for reden in exc.redenen:
                    form.add_error(None, reden)
            else:
                messages.success(
                    request,
                    _("De gegevens van %(adres)s zijn gewist: %(aantallen)s.")
                    % {
                        "adres": avg.email_maskeren(email),
                        "aantallen": ", ".join(f"{bron} {n}" for bron, n in aantallen.items()),
                    },
                )
                return redirect("klachten:privacy")
    elif request.method == "POST":
        form = AvgVerzoekFormulier(request.POST)
        if form.is_valid() and actie == "inzage":
            email = form.cleaned_data["email"]
            archief = avg.inzage_exporteren(email=email, door=request.user)
            response = HttpResponse(archief, content_type="application/zip")
            naam = f"inzage-{kalender.vandaag():%Y-%m-%d}.zip"
            response["Content-Disposition"] = f'attachment; filename="{naam}"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
    else:
        form = AvgVerzoekFormulier()
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"]
        context.update(
            overzicht=avg.overzicht(email),
            eerdere_verzoeken=avg.verzoeken_voor(email),
            wissen_form=WissenFormulier(initial={"email": email}),
        )
    context["form"] = form
    return render(request, "klachten/privacy.html", context)
