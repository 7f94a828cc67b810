"""The print tray ("Te printen", issue 18): the letters to customers who get post, per label;
each one as a PDF, all of a label as one PDF, and "mark as printed" (the letters count as sent
on that day: services.brieven_geprint).

Who: klachtbehandelaars, teamleiders and beheerders (the people who send the customer's
messages, and the beheerder who runs the outgoing post); directie reads but sends nothing, a
partnerbehandelaar (an outside firm) does not print the insurer's letters. Each sees the letters
of the complaints they may see (selectors.klachten_voor). Opening a letter's PDF is in the
access log like an attachment (InzageSoort.BRIEF), one row per complaint for a pile.
"""

from __future__ import annotations

from functools import wraps
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from klachten import rollen, selectors, services
from klachten.berichten import brieven
from klachten.middleware import client_ip, inzage_loggen
from klachten.models import Bericht, InzageSoort, Label
from klachten.views.medewerker import medewerker_vereist

# The roles that print and send letters.
PRINTBAK_ROLLEN = frozenset({rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.BEHEERDER})


def mag_printen(gebruiker) -> bool:
    """Whether the user works the print tray (PRINTBAK_ROLLEN; a superuser too)."""
    if not gebruiker.is_authenticated:
        return False
    if gebruiker.is_superuser:
        return True
    return not rollen.is_partnerbehandelaar(gebruiker) and bool(
        rollen.rollen_van(gebruiker) & PRINTBAK_ROLLEN
    )


def printbak_vereist(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not mag_printen(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def aantal_te_printen(gebruiker) -> int:
    """The letters waiting for this user (the navigation's count); 0 for who does not print."""
    if not mag_printen(gebruiker):
        return 0
    return brieven.te_printen(selectors.klachten_voor(gebruiker)).order_by().count()


def _pdf(inhoud: bytes, naam: str) -> HttpResponse:
    response = HttpResponse(inhoud, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, naam)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@printbak_vereist
def te_printen(request):
    """The waiting letters, grouped per label, oldest first (one query for the list)."""
    wachtend = list(brieven.te_printen(selectors.klachten_voor(request.user)))
    labels = [
        (label, list(rij)) for label, rij in groupby(wachtend, key=lambda bericht: bericht.label)
    ]
    return render(
        request,
        "klachten/te_printen.html",
        {"labels": labels, "aantal": len(wachtend)},
    )


@medewerker_vereist
def brief_pdf(request, pk):
    """One letter as PDF (waiting or already sent), for staff who may see its complaint (the
    dossier's timeline links it too)."""
    bericht = get_object_or_404(
        Bericht.objects.select_related("label", "klacht"), pk=pk, per_post=True
    )
    if not selectors.klachten_voor(request.user).filter(pk=bericht.klacht_id).exists():
        raise Http404
    inzage_loggen(request, bericht.klacht, InzageSoort.BRIEF)
    return _pdf(brieven.brieven_pdf([bericht]), f"brief-{bericht.klacht.dossiernummer}.pdf")


def _van_label(request, label_slug: str):
    label = get_object_or_404(Label, slug=label_slug)
    return label, brieven.te_printen(selectors.klachten_voor(request.user)).filter(label=label)


@printbak_vereist
def label_pdf(request, label_slug):
    """Every waiting letter of one label as one PDF (each letter on its own pages)."""
    label, wachtend = _van_label(request, label_slug)
    wachtend = list(wachtend)
    if not wachtend:
        raise Http404
    services.inzagen_vastleggen(
        medewerker=request.user,
        klachten={b.klacht_id: b.klacht for b in wachtend}.values(),
        soort=InzageSoort.BRIEF,
        ip_adres=client_ip(request),
    )
    naam = f"brieven-{label.slug}-{timezone.localdate():%Y-%m-%d}.pdf"
    return _pdf(brieven.brieven_pdf(wachtend), naam)


@printbak_vereist
@require_POST
def geprint(request, label_slug):
    """Mark the chosen letters of one label as printed (and so sent today); the page sends the
    letters it showed, so one that came in after printing stays in the tray."""
    _label, wachtend = _van_label(request, label_slug)
    gekozen = [int(pk) for pk in request.POST.getlist("bericht") if pk.isdigit()]
    ids = list(wachtend.filter(pk__in=gekozen).values_list("pk", flat=True))
    aantal = services.brieven_geprint(bericht_ids=ids, door=request.user) if ids else 0
    if aantal:
        messages.success(
            request,
            ngettext(
                "%(aantal)d brief gemarkeerd als geprint en verstuurd.",
                "%(aantal)d brieven gemarkeerd als geprint en verstuurd.",
                aantal,
            )
            % {"aantal": aantal},
        )
    else:
        messages.info(request, _("Geen brieven gemarkeerd: ze waren al geprint of niet gekozen."))
    return redirect("klachten:te-printen")
