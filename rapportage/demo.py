"""Demo data of the reports (DESIGN.md section 7), loaded by `manage.py demo_data` after the
complaints and customer satisfaction, so management finds a product that has been in use:

- the dossier reviews of the months before this one, offered on their 1st and read by the directie
  a few days later, with what they found;
- last year's yearly report of every label, explained by the directie and published in March;
- the working group's meetings of the last four quarters, linked to open improvement actions, and
  the last half-year's analysis shared with all staff (issue 22);
- this morning's run of beat's morning job (`services.dagelijks_bijwerken`, also the command
  `maandrapporten_vastleggen`): every finished month stored, the month before sent to the directie
  and this month's dossier review offered, waiting to be read.

All through the services, at the moment it happened (the demo's `klok`); the dossiers are drawn from
the seed.
"""

from __future__ import annotations

import datetime as dt
import random

from klachten import kalender
from klachten.demo import klok, verleden_verzonden, werkmoment
from klachten.models import Bericht, Label, Medewerker, Verbeterpunt, VerbeterpuntStatus
from rapportage import services
from rapportage.berichtsoorten import RapportBerichtSoort
from rapportage.models import (
    Dossierreview,
    GedeeldSoort,
    Jaarrapport,
    JaarrapportStatus,
    Maandrapport,
    Werkgroepoverleg,
)

ADRESSEN = [
    ("Maandrapportage", "/medewerker/rapportage/"),
    ("Dossierreview", "/medewerker/rapportage/dossierreview/"),
    ("Werkgroepoverleg", "/medewerker/rapportage/werkgroep/"),
    ("Gedeelde rapporten", "/medewerker/rapportage/gedeeld/"),
    ("Klachtenjaarverslag (publiek)", "/klachtenjaarverslag/"),
]

# Earlier months whose dossier review the directie has done.
GELEZEN_REVIEWS = 3
OCHTEND = dt.time(6, 0)

BEVINDINGEN = [
    "Netjes binnen de termijn afgehandeld. Het antwoord is helder, maar de uitleg over de "
    "polisvoorwaarden kan korter.",
    "Ontvangstbevestiging en antwoord op tijd. De klant is niet gebeld voordat het antwoord "
    "verstuurd werd; bij een afwijzing zouden we dat wel willen.",
    "Zorgvuldig onderzoek, goede notities in de tijdlijn. Het oordeel (deels gegrond) is goed "
    "onderbouwd; de compensatie had eerder aangeboden kunnen worden.",
    "De termijn is verlengd met een duidelijke reden. Let op de toon in het antwoord: twee "
    "alinea's lezen als standaardtekst. Besproken met de teamleider.",
    "Goed dossier. Het verbeterpunt dat eruit kwam, staat op de lijst en heeft een eigenaar.",
]

TOELICHTING = (
    "Dit verslag laat zien welke klachten wij in {jaar} ontvingen en hoe wij ze afhandelden. De "
    "meeste klachten gingen over de duur van de afhandeling en over onze bereikbaarheid. Waar wij "
    "een termijn niet haalden, hebben wij dat de klant vooraf laten weten; dat aantal moet "
    "omlaag. Wij hebben de uitleg in onze brieven herschreven en de telefonische "
    "bereikbaarheid in de piekweken uitgebreid. Elke maand leest de directie een willekeurig "
    "afgesloten dossier; wat wij daarin vonden, is met de teams besproken."
)


def demo_vullen(
    *, nu: dt.datetime, seed: int, gebruikers: dict[str, Medewerker], labels: list[Label]
) -> str:
    """Fill the reports' demo history (called once by `demo_data`, inside the demo's
    transaction, after the other apps' demos); returns a one-line summary."""
    rng = random.Random(seed + 3)
    directie = gebruikers["directie"]
    vandaag = kalender.lokale_datum(nu)
    grens = nu - dt.timedelta(minutes=2)  # nothing of the past at or after this moment

    # The reviews of the months before this one: offered on the 1st, read days later.
    maand = (vandaag.year, vandaag.month)
    for _ in range(GELEZEN_REVIEWS):
        maand = kalender.vorige_maand(*maand)
    for _ in range(GELEZEN_REVIEWS):
        eerste = dt.date(*maand, 1)
        aangeboden = kalender.lokaal_moment(eerste, OCHTEND)
        with klok(aangeboden):
            review = services.dossierreview_aanbieden(op=aangeboden, rng=rng)
        if review is not None:
            gelezen = werkmoment(rng, eerste + dt.timedelta(days=rng.randint(2, 9)))
            with klok(min(gelezen, grens)):
                services.dossierreview_vastleggen(
                    review=review, door=directie, opmerkingen=rng.choice(BEVINDINGEN)
                )
        maand = kalender.volgende_maand(*maand)

    # Last year's report of every label, published in March (before 1 April).
    jaar = vandaag.year - 1
    gepubliceerd = kalender.lokaal_moment(
        dt.date(vandaag.year, 3, rng.randint(10, 25)), dt.time(11)
    )
    gepubliceerd = min(gepubliceerd, grens)
    if kalender.lokale_datum(gepubliceerd).year > jaar:
        for label in labels:
            with klok(gepubliceerd - dt.timedelta(days=6)):
                rapport = services.jaarrapport_bewerken(
                    jaarrapport=services.jaarrapport_voor(jaar=jaar, label=label),
                    door=directie,
                    toelichting=TOELICHTING.format(jaar=jaar),
                )
            with klok(gepubliceerd):
                services.jaarrapport_publiceren(jaarrapport=rapport, door=directie, op=gepubliceerd)

    # This morning's run: what beat (or `manage.py maandrapporten_vastleggen`) does every day.
    ochtend = min(kalender.lokaal_moment(vandaag, OCHTEND), grens)
    with klok(ochtend):
        services.dagelijks_bijwerken(op=ochtend, rng=rng)
    werkgroep_vullen(gebruikers=gebruikers, vandaag=vandaag, grens=grens, seed=seed)
    verleden_verzonden(Bericht.objects.filter(klacht=None, soort=RapportBerichtSoort.RAPPORT), nu)
    return samenvatting()


WERKGROEP_PRIORITEITEN = [
    "Wachttijden bij declaraties: het aantal klachten over de duur blijft hoog.",
    "Bejegening aan de telefoon: twee klachten over toon en onderbreken.",
    "Duidelijke brieven: klanten begrijpen de afwijzing van een machtiging niet.",
    "Bereikbaarheid in de piekweken rond de jaarwisseling.",
]
WERKGROEP_ACTIEPUNTEN = [
    "Teamleiders bespreken de termijnen wekelijks in het teamoverleg.",
    "Voorbeeldbrieven herschrijven op B1-niveau en laten testen door het klantenpanel.",
    "Terugbelverzoek in de wachtrij aanbieden na vijf minuten.",
    "Klachten over bejegening bespreken met de betrokken medewerker.",
]


def werkgroep_vullen(
    *, gebruikers: dict[str, Medewerker], vandaag: dt.date, grens: dt.datetime, seed: int
) -> None:
    """The working group's meetings of the last four quarters (mid-quarter), each linked to open
    improvement actions, and the last half-year's analysis shared with all staff a week after it
    ended (issue 22). Its own random stream: the draws above stay as they were."""
    rng = random.Random(seed + 22)
    teamleider, directie = gebruikers["teamleider"], gebruikers["directie"]
    deelnemers = [teamleider, directie, gebruikers["behandelaar"], gebruikers["behandelaar2"]]
    open_punten = list(
        Verbeterpunt.objects.filter(
            status__in=[VerbeterpuntStatus.OPEN, VerbeterpuntStatus.IN_UITVOERING]
        ).order_by("pk")
    )
    kwartaal_begin = dt.date(vandaag.year, 3 * ((vandaag.month - 1) // 3) + 1, 1)
    for terug in range(4, 0, -1):
        begin = kalender.maanden_later(kwartaal_begin, -3 * terug)
        datum = begin + dt.timedelta(days=40 + rng.randint(0, 10))
        moment = min(werkmoment(rng, datum), grens)
        with klok(moment):
            services.werkgroepoverleg_vastleggen(
                door=teamleider,
                datum=kalender.lokale_datum(moment),
                deelnemers=deelnemers[: rng.randint(2, 4)],
                prioriteiten="\n".join(rng.sample(WERKGROEP_PRIORITEITEN, 2)),
                actiepunten="\n".join(rng.sample(WERKGROEP_ACTIEPUNTEN, 2)),
                verbeterpunten=rng.sample(open_punten, min(2, len(open_punten))),
            )
    jaar, helft = kalender.vorige_helft(*kalender.helft_van(vandaag))
    gedeeld = min(
        kalender.lokaal_moment(kalender.helft_grenzen(jaar, helft).tot.date(), dt.time(10))
        + dt.timedelta(days=7),
        grens,
    )
    with klok(gedeeld):
        services.rapport_delen(
            door=directie,
            soort=GedeeldSoort.KLACHTANALYSE,
            jaar=jaar,
            helft=helft,
            toelichting="De werkgroep heeft de analyse besproken. Lees vooral de verbeteracties.",
            op=gedeeld,
        )


def samenvatting() -> str:
    reviews = Dossierreview.objects.all()
    jaarrapporten = Jaarrapport.objects.filter(status=JaarrapportStatus.GEPUBLICEERD)
    return (
        f"Rapportage: {Maandrapport.objects.count()} maandrapporten vastgelegd, "
        f"{reviews.count()} dossierreviews ({reviews.filter(beoordeeld_op__isnull=True).count()} "
        f"te lezen), {jaarrapporten.count()} jaarverslagen gepubliceerd, "
        f"{Werkgroepoverleg.objects.count()} werkgroepoverleggen."
    )
