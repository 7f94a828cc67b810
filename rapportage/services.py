"""Writes of the reports: the monthly snapshot and sending it to management (DESIGN.md 7)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from klachten import berichten, kalender, rollen
from klachten.models import Klacht, Label, Medewerker
from klachten.workflow import Status
from rapportage import maandrapport
from rapportage.berichtsoorten import RapportBerichtSoort
from rapportage.models import (
    Dossierreview,
    Gedeeld,
    GedeeldSoort,
    Jaarrapport,
    JaarrapportStatus,
    Maandrapport,
    Werkgroepoverleg,
)

logger = logging.getLogger(__name__)


def maandrapporten_vastleggen(*, op: dt.datetime | None = None) -> list[Maandrapport]:
    """On the 1st: store the report of the month before, and of any finished month still missing
    (from the first complaint on; idempotent, catches up), then send management the month before
    with a link and the PDF, once."""
    op = op or timezone.now()
    vandaag = kalender.lokale_datum(op)
    laatste = kalender.vorige_maand(vandaag.year, vandaag.month)
    eerste_ontvangen = (
        Klacht.objects.order_by("ontvangen_op").values_list("ontvangen_op", flat=True).first()
    )
    maand = (
        (
            kalender.lokale_datum(eerste_ontvangen).year,
            kalender.lokale_datum(eerste_ontvangen).month,
        )
        if eerste_ontvangen
        else laatste
    )
    vastgelegd = []
    while maand <= laatste:
        rapport, nieuw = maandrapport.maandrapport_vastleggen(*maand, nu=op)
        if nieuw:
            vastgelegd.append(rapport)
        maand = kalender.volgende_maand(*maand)
    rapport = Maandrapport.objects.filter(jaar=laatste[0], maand=laatste[1]).first()
    if rapport is not None and rapport.verzonden_op is None:
        maandrapport_versturen(rapport=rapport, op=op)
    return vastgelegd


def maandrapport_url(jaar: int, maand: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "rapportage:maand", kwargs={"jaar": jaar, "maand": maand}
    )


def maandrapport_versturen(*, rapport: Maandrapport, op: dt.datetime | None = None) -> int:
    """E-mail the directie (everyone with that role and an address) the link to the month's
    report and its PDF (all labels, all afdelingen), through the outbox; once."""
    from rapportage import exports

    op = op or timezone.now()
    label = Label.objects.filter(is_standaard=True).first() or Label.objects.first()
    if rapport.verzonden_op is not None:
        return 0
    # The PDF (a second or so) is made before the row is locked.
    overzicht = maandrapport.maandoverzicht(rapport.jaar, rapport.maand, nu=op)
    with translation.override("nl"):
        pdf = exports.maandrapport_pdf(overzicht, label=None, afdelingen=None)
    verstuurd = 0
    with transaction.atomic():
        rapport = Maandrapport.objects.select_for_update().get(pk=rapport.pk)
        if rapport.verzonden_op is not None:
            return 0
        if label is not None:
            with translation.override("nl"):
                naam = kalender.maandnaam(rapport.jaar, rapport.maand)
                verstuurd = _directie_mailen(
                    label=label,
                    titel=_("Maandrapportage klachten %(maand)s") % {"maand": naam},
                    inleiding=_(
                        "De maandrapportage over %(maand)s staat klaar. U leest hem, met de "
                        "trend van de twaalf maanden ervoor, op:"
                    )
                    % {"maand": naam},
                    url=maandrapport_url(rapport.jaar, rapport.maand),
                    bijlage=(f"maandrapportage-{rapport.jaar}-{rapport.maand:02d}.pdf", pdf),
                )
        rapport.verzonden_op = op
        rapport.save(update_fields=["verzonden_op"])
    return verstuurd


# Jaarrapportage ----------------------------------------------------------------------------------


class JaarrapportFout(Exception):
    """A yearly report that cannot be changed or published now."""


def jaarrapport_voor(*, jaar: int, label: Label) -> Jaarrapport:
    """The report of a year and label (a draft is created when there is none)."""
    return Jaarrapport.objects.get_or_create(jaar=jaar, label=label)[0]


def jaarrapport_bewerken(
    *, jaarrapport: Jaarrapport, door: Medewerker, toelichting: str
) -> Jaarrapport:
    """The directie writes its explanation in the draft; a published report no longer changes."""
    with transaction.atomic():
        rapport = Jaarrapport.objects.select_for_update().get(pk=jaarrapport.pk)
        if rapport.status == JaarrapportStatus.GEPUBLICEERD:
            raise JaarrapportFout(_("Een gepubliceerd jaarrapport wijzigt niet meer."))
        rapport.toelichting = toelichting.strip()
        rapport.save(update_fields=["toelichting", "updated_at"])
    return rapport


def jaarcijfers(rapport: Jaarrapport, *, op: dt.datetime | None = None) -> dict:
    """The figures of the year as publishing freezes them (the JSON of `Jaarrapport.cijfers`):
    the same for the preview before publishing and for the publication itself."""
    overzicht = maandrapport.jaaroverzicht(rapport.jaar, labels={rapport.label_id}, nu=op)
    return {
        **maandrapport.jaaroverzicht_als_json(overzicht),
        "kwartaalcijfers": kwartaalcijfers_van(rapport.jaar, rapport.label),
    }


def jaarrapport_versie(rapport: Jaarrapport) -> str:
    """What the directie saw in the preview and confirms (the text it publishes): publishing with
    an older version is refused, so a text changed in between is never published unseen."""
    return hashlib.sha256(rapport.toelichting.encode()).hexdigest()[:16]


def kan_publiceren(rapport: Jaarrapport, *, op: dt.datetime | None = None) -> str | None:
    """Why this report cannot be published now (None: it can); the checks of publishing."""
    op = op or timezone.now()
    if rapport.status == JaarrapportStatus.GEPUBLICEERD:
        return _("Dit jaarrapport is al gepubliceerd.")
    if kalender.lokale_datum(op).year <= rapport.jaar:
        return _("Een jaar wordt gepubliceerd als het voorbij is.")
    if not rapport.toelichting.strip():
        return _("Schrijf eerst de toelichting van de directie.")
    return None


def jaarrapport_publiceren(
    *,
    jaarrapport: Jaarrapport,
    door: Medewerker,
    op: dt.datetime | None = None,
    versie: str | None = None,
) -> Jaarrapport:
    """Publish the yearly report of a finished year (DESIGN.md section 7: before 1 April): its
    figures are frozen as they are now and the public page shows them. With `versie` (the
    confirmation page's), only the text the directie confirmed is published."""
    op = op or timezone.now()
    with transaction.atomic():
        rapport = Jaarrapport.objects.select_for_update().get(pk=jaarrapport.pk)
        reden = kan_publiceren(rapport, op=op)
        if reden is not None:
            raise JaarrapportFout(reden)
        if versie is not None and versie != jaarrapport_versie(rapport):
            raise JaarrapportFout(
                _(
                    "De toelichting is intussen gewijzigd. Bekijk het voorbeeld opnieuw voordat u "
                    "publiceert."
                )
            )
        for maand in range(1, 13):  # the months are stored before the year is frozen
            maandrapport.maandrapport_vastleggen(rapport.jaar, maand, nu=op)
        rapport.cijfers = jaarcijfers(rapport, op=op)
        rapport.status = JaarrapportStatus.GEPUBLICEERD
        rapport.gepubliceerd_op = op
        rapport.gepubliceerd_door = door
        rapport.save()
    return rapport


def kwartaalcijfers_van(jaar: int, label: Label) -> list[dict]:
    """The published kwartaalcijfers of the year (klanttevredenheid), as they were published."""
    from klanttevredenheid.models import Kwartaalcijfer

    return [
        {
            "kwartaal": k.kwartaal,
            "gemiddelde": None if k.gemiddelde is None else str(k.gemiddelde),
            "aantal": k.aantal,
        }
        for k in Kwartaalcijfer.objects.filter(label=label, jaar=jaar).order_by("kwartaal")
    ]


def jaarrapporten_herinneren(*, op: dt.datetime | None = None) -> int:
    """In March: remind the directie of every label whose report of the year before is not
    published yet (it must be by 1 April); once per label and year."""
    op = op or timezone.now()
    vandaag = kalender.lokale_datum(op)
    if vandaag.month != 3:
        return 0
    jaar = vandaag.year - 1
    if not Klacht.objects.filter(ontvangen_op__year=jaar).exists():
        return 0
    herinnerd = 0
    for label in Label.objects.order_by("pk"):
        rapport = jaarrapport_voor(jaar=jaar, label=label)
        if rapport.status == JaarrapportStatus.GEPUBLICEERD or rapport.herinnerd_op:
            continue
        _directie_mailen(
            label=label,
            titel=_("Het klachtenjaarverslag %(jaar)s van %(label)s is nog niet gepubliceerd")
            % {"jaar": jaar, "label": label.naam},
            inleiding=_(
                "Het jaarverslag over %(jaar)s moet vóór 1 april openbaar zijn. Vul de toelichting "
                "aan en publiceer het op:"
            )
            % {"jaar": jaar},
            url=settings.SITE_URL.rstrip("/")
            + reverse("rapportage:jaar", kwargs={"jaar": jaar})
            + f"?label={label.slug}",
        )
        rapport.herinnerd_op = op
        rapport.save(update_fields=["herinnerd_op", "updated_at"])
        herinnerd += 1
    return herinnerd


def _directie_mailen(*, label: Label, titel: str, inleiding: str, url: str, bijlage=None) -> int:
    ontvangers = list(
        Medewerker.objects.filter(is_active=True, groups__name=rollen.DIRECTIE)
        .exclude(email="")
        .distinct()
    )
    if not ontvangers:
        logger.warning("Geen directie met e-mailadres voor: %s", titel)
        return 0
    onderwerp, tekst = berichten.tekst_opstellen(
        soort=RapportBerichtSoort.RAPPORT,
        taal="nl",
        label=label,
        context={
            "titel": titel,
            "inleiding": inleiding,
            "url": url,
            "bijlage": bijlage is not None,
        },
    )
    # One stored copy of the attachment for every recipient, under the name they see.
    opgeslagen = berichten.bijlage_bewaren(*bijlage) if bijlage is not None else None
    for ontvanger in ontvangers:
        berichten.bericht_versturen(
            klacht=None,
            label=label,
            soort=RapportBerichtSoort.RAPPORT,
            onderwerp=onderwerp,
            tekst=tekst,
            door=None,
            aan=ontvanger.email,
            bijlage=opgeslagen,
        )
    return len(ontvangers)


# Dossierreview -----------------------------------------------------------------------------------


def dossierreview_aanbieden(
    *, op: dt.datetime | None = None, rng: random.Random | None = None
) -> Dossierreview | None:
    """Once a month: offer the directie one randomly chosen dossier closed in the month before
    (else any closed one) to read, by e-mail with a link (DESIGN.md section 7). The choice is
    unpredictable (`secrets`) unless a seeded `rng` is given (the demo)."""
    op = op or timezone.now()
    vandaag = kalender.lokale_datum(op)
    if Dossierreview.objects.filter(jaar=vandaag.year, maand=vandaag.month).exists():
        return None
    van, tot = kalender.maand_grenzen(*kalender.vorige_maand(vandaag.year, vandaag.month))
    gesloten = Klacht.objects.filter(status=Status.AFGESLOTEN)
    kandidaten = list(
        gesloten.filter(afgesloten_op__gte=van, afgesloten_op__lt=tot)
        .order_by("pk")
        .values_list("pk", flat=True)
    ) or list(
        gesloten.filter(afgesloten_op__lt=op)
        .order_by("-afgesloten_op", "pk")
        .values_list("pk", flat=True)[:500]
    )
    if not kandidaten:
        return None
    with transaction.atomic():
        review, nieuw = Dossierreview.objects.get_or_create(
            jaar=vandaag.year,
            maand=vandaag.month,
            defaults={
                "klacht_id": (rng or secrets.SystemRandom()).choice(kandidaten),
                "aangeboden_op": op,
            },
        )
        if not nieuw:
            return None
        label = review.klacht.label
        with translation.override("nl"):
            _directie_mailen(
                label=label,
                titel=_("Dossierreview %(maand)s: %(dossier)s")
                % {
                    "maand": kalender.maandnaam(vandaag.year, vandaag.month),
                    "dossier": review.klacht,
                },
                inleiding=_(
                    "Deze maand is dit afgesloten dossier willekeurig gekozen om te lezen. Leg uw "
                    "bevindingen vast; ze komen in de volgende maandrapportage."
                ),
                url=settings.SITE_URL.rstrip("/")
                + reverse("rapportage:dossierreview", kwargs={"pk": review.pk}),
            )
    return review


def dossierreview_vastleggen(
    *, review: Dossierreview, door: Medewerker, opmerkingen: str
) -> Dossierreview:
    """Record who read the dossier, when, and what they found."""
    if not opmerkingen.strip():
        raise ValueError("Een dossierreview wordt vastgelegd met bevindingen.")
    with transaction.atomic():
        review = Dossierreview.objects.select_for_update().get(pk=review.pk)
        review.beoordeeld_door = door
        review.beoordeeld_op = timezone.now()
        review.opmerkingen = opmerkingen.strip()
        review.save(update_fields=["beoordeeld_door", "beoordeeld_op", "opmerkingen"])
    return review


def dagelijks_bijwerken(
    *, op: dt.datetime | None = None, rng: random.Random | None = None
) -> dict[str, int]:
    """What runs every morning, the one function behind both beat's task and the command
    `maandrapporten_vastleggen` (and the demo): the month reports (every finished month not yet
    stored; the month before sent once), the dossier review of the month, and in March the
    reminder for the yearly report. Idempotent; returns what it did, counted."""
    op = op or timezone.now()
    return {
        "maandrapporten": len(maandrapporten_vastleggen(op=op)),
        "dossierreview": int(dossierreview_aanbieden(op=op, rng=rng) is not None),
        "jaarrapport_herinneringen": jaarrapporten_herinneren(op=op),
    }


# Werkgroepoverleg and shared reports (issue 22, smaller practices) --------------------------------


def werkgroepoverleg_vastleggen(
    *,
    door: Medewerker,
    datum: dt.date,
    deelnemers,
    prioriteiten: str,
    actiepunten: str = "",
    verbeterpunten=(),
    overleg: Werkgroepoverleg | None = None,
) -> Werkgroepoverleg:
    """Record (or correct) the quarterly working-group meeting: date, participants, priorities
    and action points with the improvement actions that follow them up (ARAG: the working group
    meets four times a year; the half-yearly analysis lists its meetings)."""
    with transaction.atomic():
        if overleg is not None:
            overleg = Werkgroepoverleg.objects.select_for_update().get(pk=overleg.pk)
        else:
            overleg = Werkgroepoverleg(vastgelegd_door=door)
        overleg.datum = datum
        overleg.prioriteiten = prioriteiten.strip()
        overleg.actiepunten = actiepunten.strip()
        overleg.save()
        overleg.deelnemers.set(deelnemers)
        overleg.verbeterpunten.set(verbeterpunten)
    return overleg


class DelenFout(Exception):
    """A report that cannot be shared (again)."""


def rapport_delen(
    *,
    door: Medewerker,
    soort: GedeeldSoort | str,
    jaar: int,
    helft: int | None = None,
    label: Label | None = None,
    toelichting: str = "",
    op: dt.datetime | None = None,
) -> Gedeeld:
    """Share the half-yearly analysis or a label's yearly report with all staff: it is listed on
    the page "Gedeelde rapporten" and every member of staff gets a notice (an internal e-mail
    through the outbox, like the other staff notices), once (issue 22: analyses and the yearly
    report can be shared with all staff)."""
    op = op or timezone.now()
    with transaction.atomic():
        gedeeld, nieuw = Gedeeld.objects.get_or_create(
            soort=soort,
            jaar=jaar,
            helft=helft if soort == GedeeldSoort.KLACHTANALYSE else None,
            label=label if soort == GedeeldSoort.JAARRAPPORT else None,
            defaults={"gedeeld_door": door, "gedeeld_op": op, "toelichting": toelichting.strip()},
        )
        if not nieuw:
            raise DelenFout(_("Dit rapport is al met alle medewerkers gedeeld."))
        # The notices are written to the outbox in the same transaction (delivered after commit):
        # a share without its notices cannot be stored.
        _gedeeld_melden(gedeeld)
    return gedeeld


def gedeeld_url(gedeeld: Gedeeld) -> str:
    """Where staff read a shared report."""
    if gedeeld.soort == GedeeldSoort.KLACHTANALYSE:
        return reverse("rapportage:analyse", kwargs={"jaar": gedeeld.jaar, "helft": gedeeld.helft})
    return (
        reverse("rapportage:jaar", kwargs={"jaar": gedeeld.jaar}) + f"?label={gedeeld.label.slug}"
    )


def gedeeld_titel(gedeeld: Gedeeld) -> str:
    if gedeeld.soort == GedeeldSoort.KLACHTANALYSE:
        return _("Halfjaarlijkse klachtanalyse %(jaar)s, %(helft)se halfjaar") % {
            "jaar": gedeeld.jaar,
            "helft": gedeeld.helft,
        }
    return _("Klachtenjaarverslag %(jaar)s van %(label)s") % {
        "jaar": gedeeld.jaar,
        "label": gedeeld.label.naam,
    }


def _gedeeld_melden(gedeeld: Gedeeld) -> int:
    """The notice to every active member of staff with an address (not the outside firm's
    partner handlers, not the API accounts)."""
    label = (
        gedeeld.label or Label.objects.filter(is_standaard=True).first() or Label.objects.first()
    )
    if label is None:
        return 0
    ontvangers = list(
        Medewerker.objects.filter(
            is_active=True,
            groups__name__in=[
                rollen.KLACHTBEHANDELAAR,
                rollen.TEAMLEIDER,
                rollen.DIRECTIE,
                rollen.BEHEERDER,
            ],
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    with translation.override("nl"):
        titel = gedeeld_titel(gedeeld)
        inleiding = _("%(door)s deelt dit rapport met alle medewerkers.") % {
            "door": gedeeld.gedeeld_door
        }
        if gedeeld.toelichting:
            inleiding += "\n\n" + gedeeld.toelichting
        onderwerp, tekst = berichten.tekst_opstellen(
            soort=RapportBerichtSoort.RAPPORT,
            taal="nl",
            label=label,
            context={
                "titel": titel,
                "inleiding": inleiding + "\n\n" + _("U leest het op:"),
                "url": settings.SITE_URL.rstrip("/") + gedeeld_url(gedeeld),
                "bijlage": False,
            },
        )
    for ontvanger in ontvangers:
        berichten.bericht_versturen(
            klacht=None,
            label=label,
            soort=RapportBerichtSoort.RAPPORT,
            onderwerp=onderwerp,
            tekst=tekst,
            door=None,
            aan=ontvanger.email,
        )
    return len(ontvangers)
