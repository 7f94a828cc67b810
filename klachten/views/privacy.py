"""The beheerder's page for a customer's AVG requests: access (everything stored about an
e-mail address, as a download) and erasure (anonymised in every source). A customer without an
e-mail address is found by name and postcode, or by a dossiernummer (issue 18). klachten.avg
does the work; both requests are logged there."""

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
    """Whom the request is about: an e-mail address; a customer without one (who writes by
    post, issue 18) by name and postcode or address; or a dossiernummer of theirs."""

    email = forms.EmailField(
        label=gettext_lazy("E-mailadres van de klant"),
        max_length=254,
        required=False,
        help_text=gettext_lazy(
            "Controleer eerst dat het verzoek van de klant zelf komt (bijvoorbeeld via een "
            "bericht vanaf dit adres)."
        ),
    )
    naam = forms.CharField(label=gettext_lazy("Naam van de klant"), max_length=200, required=False)
    adres = forms.CharField(
        label=gettext_lazy("Postcode of adres"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Voor een klant zonder e-mailadres, die per post schrijft: de naam zoals op de "
            "klacht en de postcode (of een deel van het adres)."
        ),
    )
    dossiernummer = forms.CharField(
        label=gettext_lazy("Of een dossiernummer van de klant"), max_length=40, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        email = cleaned.get("email", "")
        naam, adres = cleaned.get("naam", "").strip(), cleaned.get("adres", "").strip()
        nummer = cleaned.get("dossiernummer", "").strip()
        if email:
            cleaned["sleutel"] = email
        elif naam or adres:
            if not (naam and adres):
                raise forms.ValidationError(
                    _(
                        "Vul voor een klant zonder e-mailadres de naam én de postcode of het adres in."
                    )
                )
            if len(adres.replace(" ", "")) < 4:
                raise forms.ValidationError(
                    {"adres": _("Vul ten minste de postcode in (vier tekens of meer).")}
                )
            cleaned["sleutel"] = avg.Postklant(naam=naam, adres=adres)
        elif nummer:
            sleutel = avg.postklant_van(nummer)
            if sleutel is None:
                raise forms.ValidationError(
                    {
                        "dossiernummer": _(
                            "Geen klacht met dit dossiernummer, of haar gegevens zijn al gewist."
                        )
                    }
                )
            cleaned["sleutel"] = sleutel
        else:
            raise forms.ValidationError(
                _("Zoek op e-mailadres, op naam en postcode, of op dossiernummer.")
            )
        return cleaned


def _als_argument(sleutel: avg.Klantsleutel) -> dict:
    return {"postklant": sleutel} if isinstance(sleutel, avg.Postklant) else {"email": sleutel}


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
    """Search an address, or a customer without one by name and postcode or a dossiernummer
    (POST, so none of it appears in a URL or server log), then download what is stored or erase
    it."""
    if not rollen.is_beheerder(request.user):
        raise PermissionDenied
    actie = request.POST.get("actie", "")
    context = {"recente_verzoeken": AvgVerzoek.objects.select_related("door")[:20]}
    if request.method == "POST" and actie == "wissen":
        form = WissenFormulier(request.POST)
        if form.is_valid():
            sleutel = form.cleaned_data["sleutel"]
            try:
                aantallen = avg.gegevens_wissen(**_als_argument(sleutel), door=request.user)
            except avg.WissenGeblokkeerd as exc:
                for reden in exc.redenen:
                    form.add_error(None, reden)
            else:
                messages.success(
                    request,
                    _("De gegevens van %(adres)s zijn gewist: %(aantallen)s.")
                    % {
                        "adres": avg.gemaskeerd(sleutel),
                        "aantallen": ", ".join(f"{bron} {n}" for bron, n in aantallen.items()),
                    },
                )
                return redirect("klachten:privacy")
    elif request.method == "POST":
        form = AvgVerzoekFormulier(request.POST)
        if form.is_valid() and actie == "inzage":
            sleutel = form.cleaned_data["sleutel"]
            archief = avg.inzage_exporteren(**_als_argument(sleutel), door=request.user)
            response = HttpResponse(archief, content_type="application/zip")
            naam = f"inzage-{kalender.vandaag():%Y-%m-%d}.zip"
            response["Content-Disposition"] = f'attachment; filename="{naam}"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
    else:
        form = AvgVerzoekFormulier()
    if form.is_bound and form.is_valid():
        sleutel = form.cleaned_data["sleutel"]
        context.update(
            sleutel=sleutel,
            postklant=sleutel if isinstance(sleutel, avg.Postklant) else None,
            overzicht=avg.overzicht(sleutel),
            eerdere_verzoeken=avg.verzoeken_voor(sleutel),
            wissen_form=WissenFormulier(),
        )
    context["form"] = form
    return render(request, "klachten/privacy.html", context)
