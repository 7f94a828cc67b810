"""Staff roles are Django groups; these are their names (DESIGN.md section 2)."""

from django.utils.translation import gettext_lazy as _

KLACHTBEHANDELAAR = "klachtbehandelaar"
TEAMLEIDER = "teamleider"
DIRECTIE = "directie"
BEHEERDER = "beheerder"
SYSTEEMKOPPELING = "systeemkoppeling"
# A handler of an outside firm (a flexible pool): sees only the complaints assigned to them.
PARTNERBEHANDELAAR = "partnerbehandelaar"

ROLLEN = {
    KLACHTBEHANDELAAR: _("Klachtbehandelaar"),
    TEAMLEIDER: _("Teamleider"),
    DIRECTIE: _("Directie"),
    BEHEERDER: _("Beheerder"),
    SYSTEEMKOPPELING: _("Systeemkoppeling"),
    PARTNERBEHANDELAAR: _("Partnerbehandelaar"),
}

# Roles that see every complaint, whatever their afdeling.
ALLES_ZIEN = frozenset({DIRECTIE, BEHEERDER})


def rollen_van(gebruiker) -> set[str]:
    """The role names of a user, cached on the user object for the request.

    A partner account holds that role alone: other groups given to it (by mistake) grant
    nothing, so an outside firm never sees or does more than a partnerbehandelaar may."""
    if not gebruiker.is_authenticated:
        return set()
    if not hasattr(gebruiker, "_rollen_cache"):
        _rollen_en_afdelingen_lezen(gebruiker)
    return gebruiker._rollen_cache


def _rollen_en_afdelingen_lezen(gebruiker) -> None:
    """Roles and afdelingen of a user in one query (issue 20: every staff request reads both),
    cached on the user object for the request."""
    from django.db.models import CharField, IntegerField, Value

    from klachten.models import Afdeling

    tekst, getal = CharField(), IntegerField()
    groepen = gebruiker.groups.through.objects.filter(
        **{gebruiker.groups.source_field_name: gebruiker.pk}
    ).values_list(
        Value("g", output_field=tekst),
        "group__name",
        Value(0, output_field=getal),
        Value("", output_field=tekst),
    )
    afdelingen = gebruiker.afdelingen.through.objects.filter(
        **{gebruiker.afdelingen.source_field_name: gebruiker.pk}
    ).values_list(Value("a", output_field=tekst), "afdeling__naam", "afdeling_id", "afdeling__code")
    namen, eigen = set(), []
    for soort, naam, pk, code in groepen.union(afdelingen, all=True):
        if soort == "g":
            namen.add(naam)
        else:
            eigen.append(Afdeling(pk=pk, naam=naam, code=code))
    gebruiker._rollen_cache = {PARTNERBEHANDELAAR} if PARTNERBEHANDELAAR in namen else namen
    if not hasattr(gebruiker, "_afdelingen_cache"):
        gebruiker._afdelingen_cache = sorted(eigen, key=lambda afdeling: afdeling.naam)


def met_rollen(medewerkers):
    """`medewerkers` (a queryset) with each one's roles and afdelingen read in the same query
    (issue 20: the behandelaar an action checks, without a query of their own); rollen_van and
    afdelingen_van of an employee read this way need none (`rollen_overnemen`)."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef
    from django.db.models.functions import JSONObject

    model = medewerkers.model
    groepen = model.groups.through.objects.filter(
        **{model.groups.field.m2m_field_name(): OuterRef("pk")}
    ).values("group__name")
    afdelingen = (
        model.afdelingen.through.objects.filter(
            **{model.afdelingen.field.m2m_field_name(): OuterRef("pk")}
        )
        .order_by("afdeling__naam")
        .values(json=JSONObject(id="afdeling_id", naam="afdeling__naam", code="afdeling__code"))
    )
    return medewerkers.annotate(
        rollen_gelezen=ArraySubquery(groepen), afdelingen_gelezen=ArraySubquery(afdelingen)
    )


def rollen_overnemen(gebruiker):
    """Fill the caches of rollen_van and afdelingen_van from what met_rollen read."""
    from klachten.models import Afdeling

    if gebruiker is None or not hasattr(gebruiker, "rollen_gelezen"):
        return gebruiker
    namen = set(gebruiker.rollen_gelezen)
    gebruiker._rollen_cache = {PARTNERBEHANDELAAR} if PARTNERBEHANDELAAR in namen else namen
    gebruiker._afdelingen_cache = [
        Afdeling(pk=a["id"], naam=a["naam"], code=a["code"]) for a in gebruiker.afdelingen_gelezen
    ]
    return gebruiker


def afdelingen_van(gebruiker) -> list:
    """The afdelingen of a user (by name), cached on the user object for the request: the staff
    header and the visibility rules (klachten.selectors) read them once."""
    if not gebruiker.is_authenticated:
        return []
    if not hasattr(gebruiker, "_afdelingen_cache"):
        gebruiker._afdelingen_cache = list(gebruiker.afdelingen.all())
    return gebruiker._afdelingen_cache


def ziet_alle_klachten(gebruiker) -> bool:
    return gebruiker.is_superuser or bool(rollen_van(gebruiker) & ALLES_ZIEN)


def is_partnerbehandelaar(gebruiker) -> bool:
    """A handler of an outside firm: sees only the complaints assigned to them (klachten.selectors)."""
    return not gebruiker.is_superuser and PARTNERBEHANDELAAR in rollen_van(gebruiker)


def is_beheerder(gebruiker) -> bool:
    """The beheerder (or a superuser): the admin, the access log, customers' AVG requests."""
    return gebruiker.is_superuser or BEHEERDER in rollen_van(gebruiker)


def is_systeemkoppeling(gebruiker) -> bool:
    """A system account (another system's integration), not a person: the role systeemkoppeling
    and no other, no admin. Only these get API keys (issue 15: a person's key would skip the
    second factor of the staff login)."""
    return (
        gebruiker.is_authenticated
        and gebruiker.is_active
        and not gebruiker.is_superuser
        and not gebruiker.is_staff
        and rollen_van(gebruiker) == {SYSTEEMKOPPELING}
    )


def permissies_toekennen(
    rol_permissies: dict[str, list[str]], *, app_labels: list[str], using: str = "default"
) -> None:
    """Create the role groups and give them these permissions of these apps (idempotent; the
    apps call it after every migrate, each with its own table)."""
    from django.contrib.auth.models import Group, Permission

    for rol, codenames in rol_permissies.items():
        groep, _nieuw = Group.objects.using(using).get_or_create(name=rol)
        groep.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label__in=app_labels, codename__in=codenames
            )
        )
