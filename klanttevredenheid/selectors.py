"""Reads of the customer-satisfaction app: which responses and follow-ups a staff member sees
(DESIGN.md sections 6 and 10), and the lists of the dashboard."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from klachten import rollen
from klachten.models import Afdeling, Label, Medewerker
from klanttevredenheid.models import (
    Campagne,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    Opvolging,
    OpvolgingStatus,
    Respons,
    Uitnodiging,
)

# Roles that work with the survey results; a system account (API) does not.
KTO_ROLLEN = frozenset(
    {rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.DIRECTIE, rollen.BEHEERDER}
)


def ziet_klanttevredenheid(gebruiker) -> bool:
    """Whether the user has a role that works with survey results at all."""
    return gebruiker.is_authenticated and (
        gebruiker.is_superuser or bool(rollen.rollen_van(gebruiker) & KTO_ROLLEN)
    )


def ziet_andermans_resultaten(gebruiker) -> bool:
    """Teamleider, directie and beheerder see results beyond their own contact moments."""
    return rollen.ziet_alle_klachten(gebruiker) or rollen.TEAMLEIDER in rollen.rollen_van(gebruiker)


def _zichtbaar(gebruiker, pad: str = "") -> Q | None:
    """The condition on a contact moment (reached through `pad`) that the user may see, None
    for everything, or Q(pk__in=[]) for nothing.

    Results go to the handler and their team leader (DESIGN.md section 6): a behandelaar sees the
    contact moments they handled; a teamleider also those of their afdelingen; directie and
    beheerder see all.
    """
    if not ziet_klanttevredenheid(gebruiker):
        return Q(pk__in=[])
    if rollen.ziet_alle_klachten(gebruiker):
        return None
    zichtbaar = Q(**{f"{pad}behandelaar": gebruiker})
    if rollen.TEAMLEIDER in rollen.rollen_van(gebruiker):
        zichtbaar |= Q(**{f"{pad}afdeling__in": gebruiker.afdelingen.values("pk")})
    return zichtbaar


def _beperkt(qs: QuerySet, gebruiker, pad: str) -> QuerySet:
    zichtbaar = _zichtbaar(gebruiker, pad)
    return qs if zichtbaar is None else qs.filter(zichtbaar)


def contactmomenten_voor(gebruiker) -> QuerySet[Contactmoment]:
    return _beperkt(Contactmoment.objects.all(), gebruiker, "")


def responsen_voor(gebruiker) -> QuerySet[Respons]:
    """Survey responses this staff user may see (see _zichtbaar)."""
    return _beperkt(Respons.objects.all(), gebruiker, "contactmoment__")


def uitnodigingen_voor(gebruiker) -> QuerySet[Uitnodiging]:
    """Invitations this staff user may see: the same contact moments as their responses, so a
    response rate compares like with like."""
    return _beperkt(Uitnodiging.objects.all(), gebruiker, "contactmoment__")


def opvolgingen_voor(gebruiker) -> QuerySet[Opvolging]:
    """Follow-ups this staff user may see: those of visible responses, and those assigned to them
    (a follow-up may be reassigned in the admin). Open first, then the oldest first."""
    opvolgingen = Opvolging.objects.order_by(
        Case(When(status=OpvolgingStatus.OPEN, then=0), default=1), "created_at", "pk"
    )
    zichtbaar = _zichtbaar(gebruiker, "respons__contactmoment__")
    if zichtbaar is None:
        return opvolgingen
    if not ziet_klanttevredenheid(gebruiker):
        return opvolgingen.none()
    return opvolgingen.filter(zichtbaar | Q(toegewezen_aan=gebruiker))


def opvolging_details(gebruiker) -> QuerySet[Opvolging]:
    """Follow-ups this user may see, with everything the follow-up page shows in one query."""
    return opvolgingen_voor(gebruiker).select_related(
        "respons__contactmoment__label",
        "respons__contactmoment__afdeling",
        "respons__contactmoment__behandelaar",
        "respons__contactmoment__klacht",
        "toegewezen_aan",
        "afgerond_door",
    )


def open_opvolgingen(gebruiker) -> QuerySet[Opvolging]:
    """The dashboard's 'terugbellen' list: open follow-ups, the user's own first, then the
    oldest first (the customer has waited longest)."""
    return (
        opvolgingen_voor(gebruiker)
        .filter(status=OpvolgingStatus.OPEN)
        .select_related(
            "respons__contactmoment__afdeling",
            "respons__contactmoment__behandelaar",
            "toegewezen_aan",
        )
        .annotate(
            is_eigen=Case(
                When(toegewezen_aan=gebruiker, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_eigen", "created_at", "pk")
    )


def recente_responsen(
    gebruiker, *, van=None, tot=None, met_opmerking: bool = False
) -> QuerySet[Respons]:
    """Responses of the period [van, tot) this user may see, newest first, with their contact
    moment, afdeling, behandelaar and follow-up joined (no query per row). `met_opmerking`: only
    those with a toelichting or verbetertips."""
    responsen = responsen_voor(gebruiker).select_related(
        "contactmoment__label",
        "contactmoment__afdeling",
        "contactmoment__behandelaar",
        "opvolging",
    )
    if van is not None:
        responsen = responsen.filter(ontvangen_op__gte=van)
    if tot is not None:
        responsen = responsen.filter(ontvangen_op__lt=tot)
    if met_opmerking:
        responsen = responsen.exclude(toelichting="", verbetertips="")
    return responsen.order_by("-ontvangen_op", "-pk")


def dossierpaneel(klacht, gebruiker) -> dict | None:
    """The customer's survey answers about this complaint, for its dossier page
    (klachten.dossierpanelen, issue 19): only for a user who may see those results (the same
    rule as the dashboard, `responsen_voor`), in one query; None when there is none to show."""
    if not ziet_klanttevredenheid(gebruiker):
        return None
    responsen = list(
        responsen_voor(gebruiker)
        .filter(contactmoment__klacht=klacht)
        .select_related("contactmoment")
        .order_by("ontvangen_op", "pk")
    )
    return {"responsen": responsen} if responsen else None


def groepnamen(dimensie: str, waarden) -> dict:
    """Display names of the values a breakdown of the figures returns (ids for afdeling,
    behandelaar and label: one query; codes for soort and groep: none)."""
    waarden = {w for w in waarden if w is not None}
    if dimensie == "soort":
        return {w: ContactmomentSoort(w).label for w in waarden if w in ContactmomentSoort.values}
    if dimensie == "groep":
        return {w: Enquetegroep(w).label for w in waarden if w in Enquetegroep.values}
    model = {"afdeling": Afdeling, "behandelaar": Medewerker, "label": Label}[dimensie]
    if not waarden:
        return {}
    return {pk: str(obj) for pk, obj in model.objects.in_bulk(waarden).items()}


def aantal_open_opvolgingen(gebruiker) -> int:
    """How many follow-ups this user may see are still open (the badge in the menu): one query."""
    return opvolgingen_voor(gebruiker).filter(status=OpvolgingStatus.OPEN).order_by().count()


# The handler's own results (issue 22) --------------------------------------------------------


def mag_resultaten_zien_van(gebruiker, behandelaar: Medewerker) -> bool:
    """Who sees a handler's own results page (ARAG: survey outcomes are fed back to the employee
    individually; issue 22: "visible to them and their teamleider only"): the handler themselves,
    and a teamleider of one of the handler's afdelingen. Not another handler, not a teamleider
    of another team, and not directie or beheerder either: they have the dashboard's figures per
    afdeling and behandelaar; this page is the conversation between a handler and their
    teamleider. A partnerbehandelaar has no satisfaction pages (ziet_klanttevredenheid)."""
    if not ziet_klanttevredenheid(gebruiker):
        return False
    if gebruiker.pk == behandelaar.pk:
        return True
    if rollen.TEAMLEIDER not in rollen.rollen_van(gebruiker):
        return False
    eigen = {afdeling.pk for afdeling in rollen.afdelingen_van(gebruiker)}
    return behandelaar.afdelingen.filter(pk__in=eigen).exists()


def _over_klachten(qs: QuerySet, **filters) -> QuerySet:
    """Responses or invitations of contact moments about a complaint (handled or rejected)."""
    return qs.filter(contactmoment__klacht__isnull=False, **filters)


def eigen_resultaten(behandelaar: Medewerker) -> dict[str, QuerySet]:
    """The surveys about the complaints this handler handled: the contact moments of their
    complaints that name them as behandelaar (services.contactmoment_van_klacht)."""
    return {
        "responsen": _over_klachten(Respons.objects.all(), contactmoment__behandelaar=behandelaar),
        "uitnodigingen": _over_klachten(
            Uitnodiging.objects.all(), contactmoment__behandelaar=behandelaar
        ),
    }


def teamresultaten(behandelaar: Medewerker) -> dict[str, QuerySet]:
    """The surveys about the complaints of the handler's team: every complaint of the
    afdelingen the handler belongs to, the handler's own included."""
    afdelingen = behandelaar.afdelingen.values("pk")
    return {
        "responsen": _over_klachten(Respons.objects.all(), contactmoment__afdeling__in=afdelingen),
        "uitnodigingen": _over_klachten(
            Uitnodiging.objects.all(), contactmoment__afdeling__in=afdelingen
        ),
    }


def eigen_reacties(behandelaar: Medewerker, *, van, tot) -> QuerySet[Respons]:
    """The handler's responses of [van, tot) with a toelichting or verbetertips, newest first,
    with their complaint joined (no query per row)."""
    return (
        eigen_resultaten(behandelaar)["responsen"]
        .filter(ontvangen_op__gte=van, ontvangen_op__lt=tot)
        .exclude(toelichting="", verbetertips="")
        .select_related("contactmoment__klacht", "opvolging")
        .order_by("-ontvangen_op", "-pk")
    )


def campagnes_met_respons() -> QuerySet:
    """The campaigns, newest first, with their label and number of responses (one query)."""
    return (
        Campagne.objects.select_related("label")
        .annotate(aantal_respons=Count("contactmomenten__respons"))
        .order_by("-created_at", "-pk")
    )
