"""Public pages of the customer-satisfaction app: the survey behind the link in the invitation,
its thank-you page and the published kwartaalcijfers (DESIGN.md section 6)."""

from functools import wraps

from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from klachten import selectors, talen
from klanttevredenheid import services
from klanttevredenheid.forms import EnqueteFormulier
from klanttevredenheid.models import Kwartaalcijfer, Uitnodiging, UitnodigingStatus

EERDERE_KWARTALEN = 12
"""How many quarters before the latest the public page lists (three years)."""

# Unknown link: nothing there. Expired: it was there and is gone for good. Already answered: the
# customer did nothing wrong and their answer is stored, so the page is a normal, friendly one.
STATUS_NIET_BESCHIKBAAR = {
    services.EnqueteNietBeschikbaar.ONBEKEND: 404,
    services.EnqueteNietBeschikbaar.VERLOPEN: 410,
    services.EnqueteNietBeschikbaar.BEANTWOORD: 200,
}


def geheime_link(view):
    """The token in the URL is a secret: no cache may keep the page and no other site may see
    the address in a Referer header.

    "same-origin", not "no-referrer": under "no-referrer" browsers send `Origin: null` with the
    page's own POSTs (the survey, the language choice) and Django's CSRF check refuses them.
    """

    @wraps(view)
    def verpakt(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    return verpakt


def _niet_beschikbaar(request, token: str, reden: str):
    """Why the survey cannot be answered, in the label's style when the link is known."""
    uitnodiging = (
        Uitnodiging.objects.select_related("contactmoment__label").filter(token=token).first()
        if reden != services.EnqueteNietBeschikbaar.ONBEKEND
        else None
    )
    label = (
        uitnodiging.contactmoment.label
        if uitnodiging is not None
        else selectors.label_voor_verzoek(request)
    )
    if uitnodiging is not None:
        talen.klanttaal_activeren(request, uitnodiging.contactmoment.taal)
    return render(
        request,
        "klanttevredenheid/enquete_niet_beschikbaar.html",
        {"label": label, "reden": reden, "uitnodiging": uitnodiging},
        status=STATUS_NIET_BESCHIKBAAR[reden],
    )


@require_http_methods(["GET", "POST"])
@geheime_link
def enquete(request, token):
    """The survey behind the link in the invitation. Looking at it does not use the link; only
    sending the answers does, once (the service locks the invitation)."""
    try:
        uitnodiging = services.uitnodiging_voor_token(token)
    except services.EnqueteNietBeschikbaar as exc:
        return _niet_beschikbaar(request, token, exc.reden)
    talen.klanttaal_activeren(request, uitnodiging.contactmoment.taal)
    # A campaign's own questions (issue 22), after the grade and the NPS question.
    vragen = services.campagnevragen(uitnodiging.contactmoment)
    if request.method == "POST":
        form = EnqueteFormulier(request.POST, nps_vragen=uitnodiging.nps_vragen, vragen=vragen)
        if form.is_valid():
            try:
                services.enquete_beantwoorden(token=token, **form.antwoorden())
            except services.EnqueteNietBeschikbaar as exc:
                # Answered in another tab, or expired while the customer was typing.
                return _niet_beschikbaar(request, token, exc.reden)
            return redirect("klanttevredenheid:bedankt", token=token)
    else:
        form = EnqueteFormulier(nps_vragen=uitnodiging.nps_vragen, vragen=vragen)
    moment = uitnodiging.contactmoment
    return render(
        request,
        "klanttevredenheid/enquete_formulier.html",
        {
            "form": form,
            "label": moment.label,
            "aanleiding": services.AANLEIDING.get(moment.soort, ""),
            "uitnodiging": uitnodiging,
        },
    )


@require_GET
@geheime_link
def bedankt(request, token):
    """Thanks after answering; for a link not answered (yet) the survey page says what applies."""
    uitnodiging = (
        Uitnodiging.objects.select_related("contactmoment__label")
        .filter(token=token, status=UitnodigingStatus.BEANTWOORD)
        .first()
    )
    if uitnodiging is None:
        return redirect("klanttevredenheid:enquete", token=token)
    talen.klanttaal_activeren(request, uitnodiging.contactmoment.taal)
    return render(
        request,
        "klanttevredenheid/enquete_bedankt.html",
        {"label": uitnodiging.contactmoment.label},
    )


@require_GET
def kwartaalcijfers(request, label_slug=None):
    """The published kwartaalcijfers of a label (/klanttevredenheid/ or /<label>/klanttevredenheid/):
    the latest big, the quarters before it in a table. Only reads what the quarterly job stored."""
    label = selectors.label_voor_verzoek(request, label_slug)
    rijen = list(
        Kwartaalcijfer.objects.filter(label=label).order_by("-jaar", "-kwartaal")[
            : EERDERE_KWARTALEN + 1
        ]
    )
    return render(
        request,
        "klanttevredenheid/kwartaalcijfers.html",
        {"label": label, "laatste": rijen[0] if rijen else None, "eerdere": rijen[1:]},
    )
