"""The klachtenuitvraag: the yearly figures Dutch financial firms deliver to the AFM, complaints
received, handled and pending per product group and cause, as an Excel file (DESIGN.md 7).

- productgroep: the complaint's categorie's product group, else its label's, else "Overig";
- oorzaak: the root cause recorded with the answer, else "Niet vastgesteld";
- ontvangen: received in the year; afgehandeld: closed in the year (each complaint once);
  openstaand: open on 31 December at midnight (rapportage.maandrapport.open_op).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from klachten import kalender, rollen
from klachten.models import Klacht
from rapportage import exports, maandrapport


@dataclass(frozen=True)
class Rij:
    productgroep: str
    oorzaak: str
    ontvangen: int
    afgehandeld: int
    openstaand: int


def _gegroepeerd(klachten: QuerySet[Klacht]) -> dict[tuple[str, str], int]:
    return {
        (r["pg"], r["oz"]): r["n"]
        for r in klachten.annotate(
            pg=Coalesce(
                "categorie__productgroep__naam",
                "label__productgroep__naam",
                Value(_("Overig")),
            ),
            oz=Coalesce("oorzaak__naam", Value(_("Niet vastgesteld"))),
        )
        .values("pg", "oz")
        .annotate(n=Count("pk"))
        .order_by()
    }


def klachtenuitvraag(jaar: int) -> list[Rij]:
    """The rows of the survey for a year, by product group and cause (three grouped queries)."""
    van, tot = kalender.jaar_grenzen(jaar)
    ontvangen = _gegroepeerd(Klacht.objects.filter(ontvangen_op__gte=van, ontvangen_op__lt=tot))
    afgehandeld = _gegroepeerd(maandrapport.afgesloten_in(van, tot))
    openstaand = _gegroepeerd(maandrapport.open_op(tot))
    sleutels = sorted(set(ontvangen) | set(afgehandeld) | set(openstaand))
    return [
        Rij(
            pg,
            oz,
            ontvangen.get((pg, oz), 0),
            afgehandeld.get((pg, oz), 0),
            openstaand.get((pg, oz), 0),
        )
        for pg, oz in sleutels
    ]


def klachtenuitvraag_xlsx(jaar: int, rijen: list[Rij]) -> bytes:
    from openpyxl import Workbook

    kolommen = [
        exports.Kolom(_("Productgroep")),
        exports.Kolom(_("Oorzaak")),
        exports.Kolom(_("Ontvangen in %(jaar)s") % {"jaar": jaar}),
        exports.Kolom(_("Afgehandeld in %(jaar)s") % {"jaar": jaar}),
        exports.Kolom(_("Openstaand op 31-12-%(jaar)s") % {"jaar": jaar}),
    ]
    tabel = exports.Tabel(
        sleutel="afm",
        blad=_("Klachtenuitvraag"),
        titel=_("Klachten per productgroep en oorzaak"),
        kolommen=kolommen,
        rijen=[
            [r.productgroep, r.oorzaak, r.ontvangen, r.afgehandeld, r.openstaand] for r in rijen
        ],
        totaal=[
            _("Totaal"),
            "",
            sum(r.ontvangen for r in rijen),
            sum(r.afgehandeld for r in rijen),
            sum(r.openstaand for r in rijen),
        ],
    )
    definities = exports.Tabel(
        sleutel="definities",
        blad=_("Definities"),
        titel=_("Zo zijn de aantallen bepaald"),
        kolommen=[exports.Kolom(_("Begrip")), exports.Kolom(_("Definitie"))],
        rijen=[
            [
                _("Productgroep"),
                _(
                    "De productgroep van de categorie van de klacht, anders die van het label, anders Overig."
                ),
            ],
            [
                _("Oorzaak"),
                _(
                    "De oorzaak die de behandelaar bij het antwoord vastlegde; anders Niet vastgesteld."
                ),
            ],
            [_("Ontvangen"), _("Klachten met een ontvangstdatum in het jaar.")],
            [
                _("Afgehandeld"),
                _(
                    "Klachten die in het jaar zijn afgesloten (heropend en opnieuw afgesloten: één keer)."
                ),
            ],
            [
                _("Openstaand"),
                _("Klachten die op 31 december om middernacht niet afgesloten waren."),
            ],
        ],
    )
    nu = timezone.localtime()
    kop = exports.Kop(
        titel=_("Klachtenuitvraag AFM %(jaar)s") % {"jaar": jaar},
        maandnaam=str(jaar),
        label=_("alle labels"),
        afdelingen=_("alle afdelingen"),
        status=_("Jaar %(jaar)s") % {"jaar": jaar},
        toelichting="",
        bevroren=True,
        gemaakt_op=date_format(nu, "j F Y H:i"),
    )
    boek = Workbook()
    boek.remove(boek.active)
    for t in (tabel, definities):
        exports.xlsx_blad(boek.create_sheet(t.blad[:31]), kop, t)
    boek.properties.title = kop.titel
    buffer = io.BytesIO()
    boek.save(buffer)
    return buffer.getvalue()


@require_GET
@login_required
def klachtenuitvraag_downloaden(request, jaar: int):
    """Directie and beheerder download the survey of a finished year."""
    if not rollen.ziet_alle_klachten(request.user):
        raise PermissionDenied
    if not 2000 <= jaar < kalender.vandaag().year:
        raise Http404
    response = HttpResponse(
        klachtenuitvraag_xlsx(jaar, klachtenuitvraag(jaar)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"klachtenuitvraag-afm-{jaar}.xlsx"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
