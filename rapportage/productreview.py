"""The product review (issue 22; Keurmerk Klantgericht Verzekeren: every active product is
reviewed regularly, with signals such as complaints and analyses of rejected claims as input).

One page per product group and half-year with, each defined here:

- *klachten*: the complaints of the product group (the product group of their categorie, else
  of their label, as the AFM export counts them: rapportage.afm) received in the half-year, per
  categorie; and those closed in the half-year per categorie and oorzaak with their verdicts;
- *klanttevredenheid*: the survey responses received in the half-year on contact moments about
  the product group (Contactmoment.productgroep: from the complaint, the API or the CSV import):
  responses, average grade and NPS as klanttevredenheid.cijfers defines them, per kind of
  contact moment;
- *externe procedures*: of the product group's complaints, those filed in the half-year, and
  those decided in it per body and outcome;
- *afgewezen claims*: the imported number per month of the half-year (AfgewezenClaims; a month
  without an import is "geen gegevens", not 0);
- the reviewers' conclusion and improvement actions (Verbeterpunt).

Signed off (vastgesteld), all of it is stored as the review's `cijfers`, the actions as they
stood then included, and the page, the PDF and every later view read that snapshot: late data
(a complaint closed later, a late survey response, a corrected import) does not change it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from klachten import kalender
from klachten.models import (
    ExterneProcedure,
    Klacht,
    Medewerker,
    Oordeel,
    Productgroep,
    Uitkomst,
    Verbeterpunt,
)
from klanttevredenheid import cijfers as kto
from klanttevredenheid.api import OpzoekVeld
from klanttevredenheid.csv_import import (
    Bestandsfout,
    Kolommen,
    csv_lezer,
    foutmelding,
    kop_lezen,
    zichtbaar,
)
from klanttevredenheid.models import ContactmomentSoort, Respons
from rapportage import maandrapport
from rapportage.models import AfgewezenClaims, Productreview, ProductreviewStatus
from rapportage.selectors import uitkomstnaam


class ReviewVastgesteld(Exception):
    """A signed-off review changes no more."""


def klachten_van(productgroep: Productgroep) -> QuerySet[Klacht]:
    """The complaints of a product group: their categorie's, else their label's (rapportage.afm)."""
    return Klacht.objects.filter(
        Q(categorie__productgroep=productgroep)
        | Q(categorie__productgroep__isnull=True, label__productgroep=productgroep)
    )


def _tekst(waarde) -> str | None:
    return None if waarde is None else str(waarde)


def verbeterpunten_van(review: Productreview | None) -> list[dict]:
    if review is None or review.pk is None:
        return []
    return [
        {
            "omschrijving": v.omschrijving,
            "eigenaar": str(v.eigenaar),
            "streefdatum": v.streefdatum.isoformat(),
            "status": str(v.get_status_display()),
        }
        for v in review.verbeterpunten.select_related("eigenaar").order_by("streefdatum", "pk")
    ]


def cijfers(productgroep: Productgroep, jaar: int, helft: int) -> dict:
    """The review's figures as they are now, as plain data (what a sign-off stores)."""
    van, tot = kalender.helft_grenzen(jaar, helft)
    klachten = klachten_van(productgroep)
    ontvangen = klachten.filter(ontvangen_op__gte=van, ontvangen_op__lt=tot)
    gesloten = klachten.filter(pk__in=maandrapport.afgesloten_in(van, tot).values("pk"))

    oordelen = [(waarde, str(naam)) for waarde, naam in Oordeel.choices] + [
        ("", _("Zonder oordeel"))
    ]
    per_oorzaak: dict[tuple[str, str], dict[str, int]] = {}
    for r in (
        gesloten.annotate(
            c=Coalesce("categorie__naam", Value("—")), o=Coalesce("oorzaak__naam", Value(""))
        )
        .values("c", "o", "oordeel")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rij = per_oorzaak.setdefault((r["c"], r["o"] or _("Niet vastgesteld")), {})
        rij[r["oordeel"]] = rij.get(r["oordeel"], 0) + r["n"]
    gebruikte = [w for w, _n in oordelen if any(w in rij for rij in per_oorzaak.values())]

    responsen = Respons.objects.filter(contactmoment__productgroep=productgroep)
    totaal = kto.totaal(van=van, tot=tot, responsen=responsen)
    soorten = dict(ContactmomentSoort.choices)

    procedures = ExterneProcedure.objects.filter(klacht__in=klachten)
    beslist = procedures.filter(
        beslist_datum__gte=van.date(), beslist_datum__lt=tot.date()
    ).exclude(uitkomst=Uitkomst.LOPEND)

    maanden, maand = [], (jaar, 1 if helft == 1 else 7)
    for _i in range(6):
        maanden.append(maand)
        maand = kalender.volgende_maand(*maand)
    claims = {
        (c.jaar, c.maand): c.aantal
        for c in AfgewezenClaims.objects.filter(
            productgroep=productgroep, jaar=jaar, maand__in=[m for _j, m in maanden]
        )
    }
    return {
        "productgroep": productgroep.naam,
        "jaar": jaar,
        "helft": helft,
        "berekend_op": timezone.now().isoformat(),
        "ontvangen": ontvangen.count(),
        "afgesloten": gesloten.count(),
        "per_categorie": [
            {"categorie": r["c"], "aantal": r["n"]}
            for r in ontvangen.annotate(c=Coalesce("categorie__naam", Value("—")))
            .values("c")
            .annotate(n=Count("pk"))
            .order_by("-n", "c")
        ],
        "oordelen": [naam for w, naam in oordelen if w in gebruikte],
        "per_oorzaak": [
            {
                "categorie": c,
                "oorzaak": o,
                "oordelen": [rij.get(w, 0) for w in gebruikte],
                "totaal": sum(rij.values()),
            }
            for (c, o), rij in sorted(
                per_oorzaak.items(), key=lambda i: (-sum(i[1].values()), i[0])
            )
        ],
        "kto": {
            "respons": totaal.respons,
            "gemiddelde": _tekst(totaal.gemiddelde),
            "nps": totaal.nps,
            "per_soort": [
                {
                    "soort": str(soorten.get(c.groep["soort"], c.groep["soort"])),
                    "respons": c.respons,
                    "gemiddelde": _tekst(c.gemiddelde),
                    "nps": c.nps,
                }
                for c in kto.cijfers(van=van, tot=tot, per=("soort",), responsen=responsen)
                if c.respons
            ],
        },
        "extern": {
            "ingediend": procedures.filter(
                ingediend_datum__gte=van.date(), ingediend_datum__lt=tot.date()
            ).count(),
            "beslist": [
                {
                    "instantie": r["instantie__naam"],
                    "uitkomst": uitkomstnaam(r["uitkomst"]),
                    "aantal": r["n"],
                }
                for r in beslist.values("instantie__naam", "uitkomst")
                .annotate(n=Count("pk"))
                .order_by("instantie__naam", "uitkomst")
            ],
        },
        "afgewezen_claims": [
            {"maand": f"{j}-{m:02d}", "aantal": claims.get((j, m))} for j, m in maanden
        ],
        "afgewezen_claims_totaal": sum(claims.values()) if claims else None,
    }


@dataclass
class Weergave:
    """What the page and the PDF show: the stored snapshot of a signed-off review, else now."""

    review: Productreview
    cijfers: dict
    verbeterpunten: list[dict]
    bevroren: bool


def weergave(productgroep: Productgroep, jaar: int, helft: int) -> Weergave:
    review = Productreview.objects.filter(productgroep=productgroep, jaar=jaar, helft=helft).first()
    if review is not None and review.is_vastgesteld:
        return Weergave(
            review=review,
            cijfers=review.cijfers,
            verbeterpunten=review.cijfers.get("verbeterpunten", []),
            bevroren=True,
        )
    review = review or Productreview(productgroep=productgroep, jaar=jaar, helft=helft)
    return Weergave(
        review=review,
        cijfers=cijfers(productgroep, jaar, helft),
        verbeterpunten=verbeterpunten_van(review),
        bevroren=False,
    )


def _concept(productgroep: Productgroep, jaar: int, helft: int) -> Productreview:
    """The review, created as a draft when needed, locked; a signed-off one is refused."""
    Productreview.objects.get_or_create(productgroep=productgroep, jaar=jaar, helft=helft)
    review = Productreview.objects.select_for_update().get(
        productgroep=productgroep, jaar=jaar, helft=helft
    )
    if review.is_vastgesteld:
        raise ReviewVastgesteld(_("Deze productreview is vastgesteld en verandert niet meer."))
    return review


def conclusie_opslaan(
    *, productgroep: Productgroep, jaar: int, helft: int, conclusie: str, verbeterpunten=()
) -> Productreview:
    """The reviewers' conclusion and the improvement actions the review links to."""
    with transaction.atomic():
        review = _concept(productgroep, jaar, helft)
        review.conclusie = conclusie.strip()
        review.save(update_fields=["conclusie", "updated_at"])
        review.verbeterpunten.set(verbeterpunten)
    return review


def verbeteractie_koppelen(
    *, productgroep: Productgroep, jaar: int, helft: int, verbeterpunt: Verbeterpunt
) -> Productreview:
    with transaction.atomic():
        review = _concept(productgroep, jaar, helft)
        review.verbeterpunten.add(verbeterpunt)
    return review


def vaststellen(
    *, productgroep: Productgroep, jaar: int, helft: int, door: Medewerker
) -> Productreview:
    """Sign the review off: its figures and actions are stored as they are now and never
    recomputed (like the published yearly report). Only a finished half-year; once."""
    if kalender.helft_grenzen(jaar, helft).tot > timezone.now():
        raise ValidationError(_("Een halfjaar wordt pas na afloop vastgesteld."))
    with transaction.atomic():
        review = _concept(productgroep, jaar, helft)
        vastgelegd = cijfers(productgroep, jaar, helft)
        vastgelegd["verbeterpunten"] = verbeterpunten_van(review)
        vastgelegd["conclusie"] = review.conclusie
        review.cijfers = vastgelegd
        review.status = ProductreviewStatus.VASTGESTELD
        review.vastgesteld_op = timezone.now()
        review.vastgesteld_door = door
        review.save()
    return review


# The import of rejected claims ------------------------------------------------------------------

CLAIMKOLOMMEN = Kolommen(
    bekend=["productgroep", "maand", "afgewezen"],
    verplicht=["productgroep", "maand", "afgewezen"],
    aliassen={"aantal": "afgewezen", "afgewezen claims": "afgewezen", "periode": "maand"},
)
MAAND = re.compile(r"^(\d{4})-(\d{1,2})$")


class AfgewezenClaimsRij(serializers.Serializer):
    """One row of the claims system's export: product group (code), month (2026-03) and the
    number of rejected claims."""

    productgroep = OpzoekVeld(
        slug_field="code",
        queryset=Productgroep.objects.all(),
        error_messages={"does_not_exist": "Onbekende productgroep: {value}."},
    )
    maand = serializers.CharField()
    afgewezen = serializers.IntegerField(
        min_value=0,
        max_value=10_000_000,
        error_messages={"invalid": "Geen geheel getal.", "min_value": "Niet negatief."},
    )

    def validate_maand(self, waarde: str) -> tuple[int, int]:
        gevonden = MAAND.match(waarde.strip())
        if not gevonden or not 1 <= int(gevonden[2]) <= 12:
            raise serializers.ValidationError("Geen geldige maand; schrijf die als 2026-03.")
        jaar, maand = int(gevonden[1]), int(gevonden[2])
        vandaag = kalender.vandaag()
        if (jaar, maand) > (vandaag.year, vandaag.month) or jaar < 2000:
            raise serializers.ValidationError("Maand in de toekomst of vóór 2000.")
        return jaar, maand


@dataclass
class ImportVerslag:
    gelezen: int = 0
    opgeslagen: int = 0
    fouten: list[tuple[int, str]] | None = None


def afgewezen_claims_importeren(*, inhoud: bytes, door: Medewerker | None) -> ImportVerslag:
    """Read the CSV (UTF-8 with or without BOM, `;` or `,`, a header naming productgroep, maand
    and afgewezen) and store its numbers, all or nothing: with any bad row nothing is stored and
    every bad row is reported with its line number and reason. A month imported before is
    replaced; the same product group and month twice in one file is an error."""
    verslag = ImportVerslag(fouten=[])
    try:
        tekst = inhoud.decode("utf-8-sig")
    except UnicodeDecodeError:
        verslag.fouten.append(
            (0, "Het bestand is geen UTF-8: sla het op als 'CSV UTF-8 (door komma's gescheiden)'.")
        )
        return verslag
    bestand = io.StringIO(tekst, newline="")
    try:
        scheidingsteken, kop, namen = kop_lezen(bestand, CLAIMKOLOMMEN)
        lezer = csv_lezer(bestand, scheidingsteken)
        next(lezer)
        rijen = []
        vorige = lezer.line_num
        for velden in lezer:
            regel, vorige = vorige + 1, lezer.line_num
            if not any(v.strip() for v in velden):
                continue
            verslag.gelezen += 1
            rijen.append((regel, velden))
    except Bestandsfout as exc:
        verslag.fouten.append((0, str(exc)))
        return verslag
    except csv.Error as exc:
        verslag.fouten.append((lezer.line_num, str(exc)))
        return verslag

    controle = AfgewezenClaimsRij()
    goed: dict[tuple[int, int, int], tuple[int, int]] = {}
    for regel, velden in rijen:
        if len(velden) != len(kop):
            verslag.fouten.append(
                (regel, f"{len(velden)} kolommen, de kopregel heeft er {len(kop)}.")
            )
            continue
        rij = {
            k: v.strip()
            for k, v in zip(kop, velden, strict=True)
            if k in CLAIMKOLOMMEN.bekend and v.strip()
        }
        try:
            waarden = controle.run_validation(rij)
        except serializers.ValidationError as exc:
            verslag.fouten.append((regel, zichtbaar(foutmelding(exc.detail, namen))))
            continue
        sleutel = (waarden["productgroep"].pk, *waarden["maand"])
        if sleutel in goed:
            verslag.fouten.append(
                (regel, f"Dezelfde productgroep en maand staan al op regel {goed[sleutel][0]}.")
            )
            continue
        goed[sleutel] = (regel, waarden["afgewezen"])
    if verslag.fouten or not goed:
        if not goed and not verslag.fouten:
            verslag.fouten.append((0, "Het bestand bevat geen rijen."))
        return verslag
    nu = timezone.now()
    with transaction.atomic():
        for (productgroep_id, jaar, maand), (_regel, aantal) in goed.items():
            AfgewezenClaims.objects.update_or_create(
                productgroep_id=productgroep_id,
                jaar=jaar,
                maand=maand,
                defaults={"aantal": aantal, "geimporteerd_op": nu, "geimporteerd_door": door},
            )
    verslag.opgeslagen = len(goed)
    return verslag
