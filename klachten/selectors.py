"""Reads: which complaints a user may see, which label a request is for, what the outbox holds."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from klachten import rollen
from klachten.models import Bericht, BerichtStatus, Klacht, Label


def klachten_voor(gebruiker) -> QuerySet[Klacht]:
    """Complaints this staff user may see (DESIGN.md section 10).

    Directie and beheerder see everything; everyone else the complaints of their own afdeling(en),
    plus those they registered themselves (a system account reads back what it filed).
    """
    qs = Klacht.objects.all()
    if not gebruiker.is_authenticated:
        return qs.none()
    if rollen.ziet_alle_klachten(gebruiker):
        return qs
    if not rollen.rollen_van(gebruiker):
        return qs.none()
    return qs.filter(
        Q(afdeling__in=gebruiker.afdelingen.values("pk")) | Q(ingediend_door=gebruiker)
    )


def label_voor_verzoek(request: HttpRequest, slug: str | None = None) -> Label:
    """The label of a public page: from the URL (/<slug>/klacht/), the host name, or the default."""
    if slug is not None:
        label = Label.objects.filter(slug=slug).first()
        if label is None:
            raise Http404
        return label
    host = request.get_host().split(":")[0].lower()
    label = Label.objects.filter(hostnaam__iexact=host).first()
    if label is None:
        label = Label.objects.filter(is_standaard=True).first() or Label.objects.first()
    if label is None:
        raise Http404("Er is nog geen label ingericht.")
    return label


def openstaande_bericht_ids(*, ouder_dan: dt.timedelta = dt.timedelta(seconds=30)) -> list[int]:
    """Messages still pending a while after they were written: the outbox sweep sends these."""
    grens = timezone.now() - ouder_dan
    return list(
        Bericht.objects.filter(status=BerichtStatus.WACHTEND, created_at__lte=grens)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
