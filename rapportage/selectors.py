"""Who sees which part of the reports, and the names behind the ids in the building blocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.utils import timezone

from klachten import kalender, rollen
from klachten.models import (
    NOG_TE_CLASSIFICEREN,
    VERTAALTALEN,
    Afdeling,
    Categorie,
    ExterneInstantie,
    Kanaal,
    Label,
    Uitkomst,
)

EERSTE_JAAR = 2000  # months before this are not a report (and would not be a valid trend)


def huidige_maand(nu: dt.datetime | None = None) -> tuple[int, int]:
    vandaag = kalender.lokale_datum(nu or timezone.now())
    return vandaag.year, vandaag.month


def is_rapportmaand(jaar: int, maand: int, nu: dt.datetime | None = None) -> bool:
    """A month that has begun (Amsterdam time), not before EERSTE_JAAR."""
    return 1 <= maand <= 12 and jaar >= EERSTE_JAAR and (jaar, maand) <= huidige_maand(nu)


def kanaalnaam(code: str) -> str:
    return str(Kanaal(code).label) if code in Kanaal.values else code


def uitkomstnaam(code: str) -> str:
    return str(Uitkomst(code).label) if code in Uitkomst.values else code


@dataclass(frozen=True)
class Selectie:
    """The part of the report a user asked for and may see: one label or all (None), and the
    afdelingen (None: all, for directie and beheerder; a teamleider's own otherwise)."""

    label: Label | None
    afdelingen: frozenset[int] | None

    @property
    def labels(self) -> set[int] | None:
        return None if self.label is None else {self.label.pk}


def mag_rapportage_zien(gebruiker) -> bool:
    return rollen.ziet_alle_klachten(gebruiker) or rollen.TEAMLEIDER in rollen.rollen_van(gebruiker)


def label_uit_adres(label_slug: str | None) -> Label | None:
    """?label= comes from the address: only a slug can be a label's (a NUL byte would break the
    query); anything else means all labels, like an unknown slug."""
    if label_slug and slug_re.match(label_slug):
        return Label.objects.filter(slug=label_slug).first()
    return None


def selectie_voor(gebruiker, label_slug: str | None = None) -> Selectie:
    """Directie (and beheerder) see every afdeling; a teamleider only their own. Anyone else may
    not see management reports (PermissionDenied)."""
    if not gebruiker.is_authenticated or not mag_rapportage_zien(gebruiker):
        raise PermissionDenied
    label = label_uit_adres(label_slug)
    if rollen.ziet_alle_klachten(gebruiker):
        return Selectie(label=label, afdelingen=None)
    return Selectie(
        label=label, afdelingen=frozenset(gebruiker.afdelingen.values_list("pk", flat=True))
    )


@dataclass(frozen=True)
class Namen:
    """Display names of the ids that building blocks hold (four small queries)."""

    afdelingen: dict[int, str]
    categorieen: dict[int, str]
    instanties: dict[int, str]
    labels: dict[int, str]

    def afdeling(self, pk) -> str:
        return self.afdelingen.get(int(pk), str(pk))

    def categorie(self, pk) -> str:
        if not int(pk):  # maandrapport.ZONDER_CATEGORIE
            return str(NOG_TE_CLASSIFICEREN)
        return self.categorieen.get(int(pk), str(pk))

    def instantie(self, pk) -> str:
        return self.instanties.get(int(pk), str(pk))


def namen(*, taal: str | None = None) -> Namen:
    """The names the reports show: Dutch (staff), or for a page customers read (the public yearly
    report) the categorieën and external bodies in `taal` (klachten.models.Vertaalbaar)."""

    def vertaald(model) -> dict[int, str]:
        if taal is None:
            return dict(model.objects.values_list("pk", "naam"))
        velden = ["pk", "naam", *(f"naam_{t}" for t in VERTAALTALEN)]
        return {rij.pk: rij.vertaald("naam", taal) for rij in model.objects.only(*velden)}

    return Namen(
        afdelingen=dict(Afdeling.objects.values_list("pk", "naam")),
        categorieen=vertaald(Categorie),
        instanties=vertaald(ExterneInstantie),
        labels=dict(Label.objects.values_list("pk", "naam")),
    )
