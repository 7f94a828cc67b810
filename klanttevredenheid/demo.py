"""Demo data of customer satisfaction (DESIGN.md section 6), loaded by `manage.py demo_data`.

About 600 contact moments over the last 15 months for both labels — questions to customer service,
claims, new and cancelled policies, changed details, and a yearly survey campaign among the groups
of customers — each recorded, sent, answered and followed up through `klanttevredenheid.services`
at the moment it happened (the demo's `klok`). So the 4-week throttle, the skip reasons, the
follow-ups of low scores, the erasure of personal data after 3 months and the published
kwartaalcijfers are the real ones.

The days are played as a timeline of events in order of time: a day's contact moments are passed
on in the evening (a late CRM import weeks after the fact, so too old to invite), invitations go
out at their planned moment, about 45% are answered hours to days later, two thirds of the older
low-score follow-ups are closed, personal data is erased each night and each quarter's figure is
computed on the first day of the next quarter. What lies in the future does not happen: the newest
invitations wait for beat, the newest follow-ups are open.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max

from klachten import demo as klachtendemo
from klachten import kalender, termijnen
from klachten.models import Afdeling, Bericht, Klacht, Label, Medewerker
from klanttevredenheid import cijfers, services
from klanttevredenheid.models import (
    Bron,
    Campagne,
    Campagnevraag,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    Kwartaalcijfer,
    Opvolging,
    OpvolgingStatus,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
    VraagSoort,
)
from klanttevredenheid.services import NieuwContactmoment

S = ContactmomentSoort

# Its pages, in the list of addresses `demo_data` prints after every run.
ADRESSEN = [
    ("Klanttevredenheid (medewerkers)", "/medewerker/klanttevredenheid/"),
    ("Klanttevredenheid (publiek)", "/klanttevredenheid/"),
]

MAANDEN_TERUG = 15
AANTAL_CONTACTMOMENTEN = (
    440  # drawn; with follow-up contacts, the campaigns and the late import ~600
)
LABEL_GEWICHTEN = {"zorgzaam": 62, "rechtsbijstand": 38}
SOORT_GEWICHTEN = {
    S.VRAAG_KLANTENSERVICE: 36,
    S.SCHADE_GEMELD: 27,
    S.GEGEVENS_GEWIJZIGD: 15,
    S.VERZEKERING_AFGESLOTEN: 14,
    S.OPZEGGING: 8,
}
# The health insurer's switching season: cancel before 1 January, a new policy from 1 January.
OVERSTAPSEIZOEN_FACTOR = {S.VERZEKERING_AFGESLOTEN: 4, S.OPZEGGING: 4}
# Which afdeling handled the contact, per kind (and per label where they differ).
AFDELING_GEWICHTEN = {
    (S.VRAAG_KLANTENSERVICE, "zorgzaam"): {"klantenservice": 75, "zorgbemiddeling": 25},
    (S.VRAAG_KLANTENSERVICE, "rechtsbijstand"): {"klantenservice": 100},
    (S.SCHADE_GEMELD, "zorgzaam"): {"declaraties": 100},
    (S.SCHADE_GEMELD, "rechtsbijstand"): {"schade-rechtshulp": 100},
    (S.VERZEKERING_AFGESLOTEN, None): {"klantenservice": 100},
    (S.GEGEVENS_GEWIJZIGD, None): {"klantenservice": 70, "premie-incasso": 30},
    (S.OPZEGGING, None): {"klantenservice": 60, "premie-incasso": 40},
}
# The share done online (Mijn omgeving, the website): no behandelaar.
ONLINE_KANS = {S.VERZEKERING_AFGESLOTEN: 0.6, S.GEGEVENS_GEWIJZIGD: 0.7, S.OPZEGGING: 0.3}
BESTAANDE_KLANT_KANS = 0.22  # a contact moment of a customer seen before
VERVOLGCONTACT_KANS = 0.3  # after a claim, the customer calls to ask how it stands
ZONDER_EMAIL_KANS = 0.06  # customers with no e-mail address on file
ENGELSTALIG_KANS = 0.03

# The yearly survey: on the first Tuesday of October, a sample per label and group.
CAMPAGNE_MAAND = 10
CAMPAGNE_OMVANG = {"zorgzaam": 35, "rechtsbijstand": 20}
GROEP_GEWICHTEN = {
    Enquetegroep.TOTALE_KLANT: 40,
    Enquetegroep.NIEUWE_KLANT: 20,
    Enquetegroep.CLAIMENDE_KLANT: 20,
    Enquetegroep.NIET_CLAIMENDE_KLANT: 20,
}
LATE_IMPORT = (8, 210, 24)  # this many contact moments, so many days ago, passed on days later
# An external research bureau's survey among the first label's customers: this many responses,
# surveyed between so many days ago, imported (manage.py enquete_extern_importeren) on the last.
EXTERN_ONDERZOEK = (30, 55, 25)
EXTERN_BUREAU = "Panelbureau Meridiaan"

# The yearly survey's own questions (issue 22; ARAG's drivers): (drijfveer, question, type,
# how closely the answer follows the grade: the spread of the noise around it, None for an open
# question). The product follows the grade closely, the communication hardly: the report names
# the product. Drawn with a random generator of their own, so the rest of the demo stays.
CAMPAGNEVRAGEN = [
    ("Product", "Hoe beoordeelt u uw verzekering zelf (dekking en voorwaarden)?", 0.8),
    ("Service", "Hoe beoordeelt u de hulp die u van ons kreeg?", 1.6),
    ("Communicatie", "Hoe beoordeelt u onze brieven, e-mails en website?", 3.0),
    ("Verbeteridee", "Wat zou u als eerste aan uw verzekering veranderen?", None),
]
CAMPAGNE_OPEN_KANS = 0.3
DRIJFVEREN_ZAAD = "drijfveren"

RESPONS_KANS = {S.JAARONDERZOEK: 0.5}
RESPONS_KANS_STANDAARD = 0.45
NPS_BEANTWOORD_KANS = 0.9
# Grades 1-10: mostly 7-9, a tail of low ones (mean about 7.3).
CIJFER_GEWICHTEN = {1: 2, 2: 1, 3: 2, 4: 3, 5: 5, 6: 9, 7: 22, 8: 32, 9: 16, 10: 8}
# Nudges to the grade (as a chance of one point up or down) per kind and behandelaar, so the
# dashboard's breakdowns differ; and a slow improvement over the period.
SOORT_BIJSTELLING = {
    S.VERZEKERING_AFGESLOTEN: 0.4,
    S.GEGEVENS_GEWIJZIGD: 0.3,
    S.SCHADE_GEMELD: -0.2,
    S.OPZEGGING: -0.6,
    S.JAARONDERZOEK: -0.1,
}
BEHANDELAAR_BIJSTELLING = {"behandelaar3": 0.25, "behandelaar2": -0.15}
TREND = (-0.3, 0.2)  # at the start and at the end of the period
TOELICHTING_KANS = {"positief": 0.4, "neutraal": 0.55, "negatief": 0.85}
VERBETERTIP_KANS = {"positief": 0.1, "neutraal": 0.35, "negatief": 0.45}

OPVOLGING_OPEN_DAGEN = 14  # follow-ups of the last two weeks are still open
OPVOLGING_AFGEROND_KANS = 2 / 3  # of the older ones

# (kinds it fits, or None for any; text)
TOELICHTINGEN: dict[str, list[tuple[tuple[str, ...] | None, str]]] = {
    "positief": [
        (None, "Vriendelijk te woord gestaan en alles in één keer goed geregeld."),
        (
            (S.VRAAG_KLANTENSERVICE,),
            "De medewerker nam echt de tijd om mijn vraag uit te zoeken en belde me terug zoals "
            "beloofd.",
        ),
        ((S.SCHADE_GEMELD,), "Binnen een week was alles afgehandeld en uitbetaald. Zo hoort het."),
        (
            (S.VERZEKERING_AFGESLOTEN,),
            "Overstappen ging makkelijk via de website, in tien minuten geregeld.",
        ),
        (None, "Snel geholpen en een duidelijke uitleg. Geen wachttijd aan de telefoon."),
        (
            (S.GEGEVENS_GEWIJZIGD,),
            "Mijn adreswijziging in Mijn omgeving werkte prima en ik kreeg meteen een bevestiging.",
        ),
        (None, "Prettig dat ik niet van het kastje naar de muur werd gestuurd."),
        ((S.SCHADE_GEMELD,), "Mijn contactpersoon hield me bij elke stap goed op de hoogte."),
        (
            (S.JAARONDERZOEK,),
            "Ik ben al jaren klant en eigenlijk altijd tevreden. Als er iets is, wordt het "
            "opgelost.",
        ),
    ],
    "neutraal": [
        (None, "Uiteindelijk goed geholpen, maar ik moest wel twee keer bellen."),
        (
            (S.VRAAG_KLANTENSERVICE,),
            "Het antwoord klopte, maar het duurde ruim twintig minuten voor ik iemand aan de lijn "
            "had.",
        ),
        (
            (S.SCHADE_GEMELD,),
            "De afhandeling was correct, alleen had ik eerder willen horen hoe lang het zou duren.",
        ),
        (
            (S.OPZEGGING,),
            "Opzeggen ging zonder problemen, al moest ik lang zoeken waar dat op de website kon.",
        ),
        (
            (S.JAARONDERZOEK,),
            "Prima verzekeraar, maar de premie stijgt elk jaar en ik zie daar weinig tegenover "
            "staan.",
        ),
        (
            None,
            "De brief was ingewikkeld geschreven; de medewerker aan de telefoon legde het "
            "gelukkig beter uit.",
        ),
    ],
    "negatief": [
        ((S.VRAAG_KLANTENSERVICE,), "Drie keer gebeld en drie keer een ander antwoord gekregen."),
        (
            (S.SCHADE_GEMELD,),
            "Mijn melding is zonder duidelijke reden afgewezen en niemand belt me terug.",
        ),
        (None, "Er zou binnen twee dagen worden teruggebeld. Dat is nooit gebeurd."),
        ((S.OPZEGGING,), "Ik had opgezegd, maar daarna is er toch nog premie afgeschreven."),
        (
            (S.SCHADE_GEMELD,),
            "Na zes weken nog steeds geen uitbetaling, en ik moet zelf overal achteraan.",
        ),
        (
            (S.GEGEVENS_GEWIJZIGD,),
            "Mijn nieuwe rekeningnummer is pas na twee maanden verwerkt; intussen kreeg ik een "
            "aanmaning.",
        ),
        (None, "Onvriendelijk te woord gestaan. Ik had het gevoel dat ik lastig was."),
        (
            (S.VERZEKERING_AFGESLOTEN,),
            "Mijn polis klopte niet: de aanvullende verzekering die ik had gekozen, stond er niet "
            "op.",
        ),
    ],
}
VERBETERTIPS = [
    "Bel terug wanneer u dat belooft, ook als er nog geen antwoord is.",
    "Laat in de app zien hoe ver een declaratie is, in plaats van alleen 'in behandeling'.",
    "Maak de brieven korter en schrijf ze in gewone taal.",
    "Zorg dat je ook 's avonds iemand kunt bereiken, bijvoorbeeld via de chat.",
    "Geef één vaste contactpersoon bij een schade die langer loopt.",
    "Stuur per e-mail een bevestiging van wat er aan de telefoon is afgesproken.",
    "Zet de knop om op te zeggen gewoon duidelijk op de website.",
]
VERSLAGEN: list[tuple[tuple[str, ...] | None, str]] = [
    (
        (S.SCHADE_GEMELD,),
        "Klant teruggebeld. Excuses aangeboden voor de lange doorlooptijd en uitgelegd hoe de "
        "afhandeling verder gaat. Klant is gerustgesteld.",
    ),
    (
        (S.SCHADE_GEMELD,),
        "Klant gebeld en de afwijzing nog eens uitgelegd. Niet helemaal tevreden, wel begrip; "
        "gewezen op de klachtenprocedure.",
    ),
    (
        None,
        "Twee keer gebeld, geen gehoor. Daarna een e-mail gestuurd met het aanbod om terug te "
        "bellen; geen reactie ontvangen.",
    ),
    (
        None,
        "Klant teruggebeld: de toezegging was inderdaad niet nagekomen. Alsnog geregeld en als "
        "leermoment besproken in het teamoverleg.",
    ),
    (
        (S.OPZEGGING, S.GEGEVENS_GEWIJZIGD),
        "Met de klant gesproken. De afschrijving was een fout van ons; het bedrag is "
        "teruggestort en per e-mail bevestigd.",
    ),
    (None, "Klant gebeld. Het is inmiddels opgelost; de klant waardeert dat we terugbellen."),
    (
        None,
        "Klant teruggebeld en de verbetertip doorgegeven aan het team dat de website en de app "
        "beheert.",
    ),
    (
        (S.VRAAG_KLANTENSERVICE, S.JAARONDERZOEK),
        "Klant gebeld over de wachttijd aan de telefoon; uitgelegd dat we in de drukke weken extra "
        "mensen inzetten. Klant stelde het gesprek op prijs.",
    ),
]


@dataclass
class Klant:
    label: Label
    naam: str
    email: str
    klantnummer: str


def demo_vullen(
    *, nu: dt.datetime, seed: int, gebruikers: dict[str, Medewerker], labels: list[Label]
) -> str:
    """Fill the satisfaction app with 15 months of demo history (called once by `demo_data`,
    inside the demo's transaction, on a database without it); returns a one-line summary."""
    rng = random.Random(seed + 2)
    return _Vulling(nu=nu, rng=rng, gebruikers=gebruikers, labels=labels).vullen()


class _Vulling:
    """One filling: the customers drawn so far and the timeline still to play."""

    def __init__(
        self,
        *,
        nu: dt.datetime,
        rng: random.Random,
        gebruikers: dict[str, Medewerker],
        labels: list[Label],
    ):
        self.nu, self.rng, self.gebruikers = nu, rng, gebruikers
        self.labels = labels
        self.grens = nu - dt.timedelta(minutes=2)  # what happens at or after this has not yet
        self.vandaag = kalender.lokale_datum(nu)
        self.begin = kalender.maanden_later(self.vandaag, -MAANDEN_TERUG)
        self.afdelingen = {a.code: a for a in Afdeling.objects.all()}
        self.klanten: dict[int, list[Klant]] = {label.pk: [] for label in labels}
        self.emails: set[str] = set()
        self.klantnummers: set[str] = set()
        # The timeline: (moment, sequence number, what happens then), earliest first.
        self.agenda: list[tuple[dt.datetime, int, Callable[[], object]]] = []
        self.volgnummer = itertools.count()
        self.verzendmomenten: set[dt.datetime] = set()

    def vullen(self) -> str:
        eerste_bericht = Bericht.objects.aggregate(m=Max("pk"))["m"] or 0
        eerste_moment = Contactmoment.objects.aggregate(m=Max("pk"))["m"] or 0
        for op, rijen in self.contactmomenten() + self.afgesloten_klachten():
            self.plannen(op, lambda op=op, rijen=rijen: self.registreren(op, rijen))
        op, rijen = self.extern_onderzoek()
        self.plannen(
            op,
            lambda: services.externe_responsen_importeren(
                rijen=rijen, label=self.labels[0], bureau=EXTERN_BUREAU, op=op
            ),
        )
        self.nachtelijke_taken()
        while self.agenda:
            op, _volgnummer, uitvoeren = heapq.heappop(self.agenda)
            with klachtendemo.klok(op):
                uitvoeren()
        with klachtendemo.klok(self.nu):
            self.wissen(self.nu)
            services.kwartaalcijfers_berekenen(op=self.nu)
        klachtendemo.verleden_verzonden(Bericht.objects.filter(pk__gt=eerste_bericht), self.nu)
        return self.samenvatting(eerste_moment)

    def plannen(self, op: dt.datetime, uitvoeren: Callable[[], object]) -> None:
        """Put `uitvoeren` on the timeline at `op`, unless that has not happened yet."""
        if op < self.grens:
            heapq.heappush(self.agenda, (op, next(self.volgnummer), uitvoeren))

    # --- drawing the contact moments -------------------------------------------------------

    def contactmomenten(self) -> list[tuple[dt.datetime, list[NieuwContactmoment]]]:
        """The batches of contact moments, each with the moment it is passed on."""
        per_dag: dict[dt.date, list[NieuwContactmoment]] = {}
        dagen = (self.vandaag - self.begin).days
        for _ in range(AANTAL_CONTACTMOMENTEN):
            datum = self.begin + dt.timedelta(days=self.rng.randint(1, dagen))
            label = self.label_kiezen()
            soort = self.soort_kiezen(label, datum)
            klant = self.klant_kiezen(label)
            rij = self.contactmoment(klant, soort, datum)
            if rij is None:
                continue
            per_dag.setdefault(kalender.lokale_datum(rij.moment), []).append(rij)
            if soort == S.SCHADE_GEMELD and self.rng.random() < VERVOLGCONTACT_KANS:
                later = datum + dt.timedelta(days=self.rng.randint(2, 12))
                vervolg = self.contactmoment(klant, S.VRAAG_KLANTENSERVICE, later)
                if vervolg is not None:
                    per_dag.setdefault(kalender.lokale_datum(vervolg.moment), []).append(vervolg)
        batches = []
        for datum in sorted(per_dag):
            rijen = sorted(per_dag[datum], key=lambda r: r.moment)
            # The CRM passes on the day's contacts in the evening (today: a moment ago).
            op = min(
                max(rijen[-1].moment + dt.timedelta(minutes=5), self.om(datum, 20, 30)),
                self.grens - dt.timedelta(minutes=1),
            )
            batches.append((op, rijen))
        batches += self.campagnes()
        batches.append(self.late_import())
        batches += self.zojuist()
        return batches

    def afgesloten_klachten(self) -> list[tuple[dt.datetime, list[NieuwContactmoment]]]:
        """The demo's closed complaints, each a contact moment at its closing (as the workflow
        records them; the receiver after the demo's commit finds them recorded already)."""
        klachten = (
            Klacht.objects.filter(
                afgesloten_op__gte=self.om(self.begin, 0, 0), afgesloten_op__lt=self.grens
            )
            .select_related("label", "afdeling", "behandelaar")
            .order_by("afgesloten_op", "pk")
        )
        return [
            (
                klacht.afgesloten_op + dt.timedelta(minutes=1),
                [services.contactmoment_van_klacht(klacht)],
            )
            for klacht in klachten
        ]

    def zojuist(self) -> list[tuple[dt.datetime, list[NieuwContactmoment]]]:
        """A few contacts of the last hours, passed on at once: their invitations wait for the
        next morning (planned)."""
        batches = []
        for _ in range(self.rng.randint(3, 6)):
            moment = self.nu.replace(second=0, microsecond=0) - dt.timedelta(
                minutes=self.rng.randint(20, 8 * 60)
            )
            label = self.label_kiezen()
            soort = self.rng.choice([S.VRAAG_KLANTENSERVICE, S.SCHADE_GEMELD])
            rij = self.contactmoment(self.klant_kiezen(label, nieuw=True), soort, moment=moment)
            if rij is not None:
                batches.append((moment + dt.timedelta(minutes=2), [rij]))
        return batches

    def label_kiezen(self) -> Label:
        gewichten = [LABEL_GEWICHTEN.get(label.slug, 10) for label in self.labels]
        return self.rng.choices(self.labels, weights=gewichten)[0]

    def soort_kiezen(self, label: Label, datum: dt.date) -> str:
        overstapseizoen = label.slug == "zorgzaam" and (
            (datum.month == 11 and datum.day >= 15) or datum.month in (12, 1)
        )
        gewichten = {
            soort: gewicht * (OVERSTAPSEIZOEN_FACTOR.get(soort, 1) if overstapseizoen else 1)
            for soort, gewicht in SOORT_GEWICHTEN.items()
        }
        return klachtendemo.kiezen(self.rng, gewichten)

    def klant_kiezen(self, label: Label, *, nieuw: bool = False) -> Klant:
        bekenden = self.klanten[label.pk]
        if bekenden and not nieuw and self.rng.random() < BESTAANDE_KLANT_KANS:
            return self.rng.choice(bekenden)
        voornaam = self.rng.choice(klachtendemo.VOORNAMEN)
        achternaam = self.rng.choice(klachtendemo.ACHTERNAMEN)
        email = ""
        if self.rng.random() >= ZONDER_EMAIL_KANS:
            email = klachtendemo.emailadres(self.rng, voornaam, achternaam)
            while email in self.emails:
                lokaal, domein = email.split("@")
                email = f"{lokaal}{self.rng.randint(1, 99)}@{domein}"
            self.emails.add(email)
        klantnummer = f"KN-{self.rng.randint(1_000_000, 9_999_999)}"
        while klantnummer in self.klantnummers:
            klantnummer = f"KN-{self.rng.randint(1_000_000, 9_999_999)}"
        self.klantnummers.add(klantnummer)
        klant = Klant(label, f"{voornaam} {achternaam}", email, klantnummer)
        bekenden.append(klant)
        return klant

    def contactmoment(
        self,
        klant: Klant,
        soort: str,
        datum: dt.date | None = None,
        *,
        moment: dt.datetime | None = None,
    ) -> NieuwContactmoment | None:
        """A contact moment on `datum` at a time of day that fits how it was made (or at
        `moment`), handled by someone of the afdeling unless it was done online."""
        online = self.rng.random() < ONLINE_KANS.get(soort, 0.0)
        if moment is not None:
            datum = kalender.lokale_datum(moment)
        elif online:  # Mijn omgeving: any day, any hour
            moment = self.om(datum, self.rng.randint(7, 22), self.rng.randint(0, 59))
        else:  # customer service: working days, office hours and the evening
            while not termijnen.is_werkdag(datum):
                datum -= dt.timedelta(days=1)
            moment = self.om(datum, self.rng.randint(8, 19), self.rng.randint(0, 59))
        if moment >= self.nu - dt.timedelta(minutes=15) or datum <= self.begin:
            return None
        afdeling = self.afdeling_kiezen(soort, klant.label)
        behandelaar = None
        if not online:
            behandelaar = self.gebruikers[
                klachtendemo.kiezen(self.rng, klachtendemo.EERSTE_LIJN[afdeling])
            ]
        return NieuwContactmoment(
            label=klant.label,
            soort=soort,
            moment=moment,
            bron=Bron.API,
            klant_email=klant.email,
            klant_naam=klant.naam,
            klantnummer=klant.klantnummer,
            afdeling=self.afdelingen[afdeling],
            behandelaar=behandelaar,
            taal="en" if self.rng.random() < ENGELSTALIG_KANS else "nl",
        )

    def afdeling_kiezen(self, soort: str, label: Label) -> str:
        gewichten = AFDELING_GEWICHTEN.get((soort, label.slug)) or AFDELING_GEWICHTEN.get(
            (soort, None), {"klantenservice": 1}
        )
        return klachtendemo.kiezen(self.rng, gewichten)

    def campagnes(self) -> list[tuple[dt.datetime, list[NieuwContactmoment]]]:
        """The yearly survey of each label: an imported sample, a share of it from every group,
        on the first Tuesday of October."""
        batches = []
        for jaar in range(self.begin.year, self.vandaag.year + 1):
            datum = dt.date(jaar, CAMPAGNE_MAAND, 1)
            datum += dt.timedelta(days=(1 - datum.weekday()) % 7)
            moment = self.om(datum, 8, 0)
            if not self.begin < datum or moment >= self.grens:
                continue
            for label in self.labels:
                campagne = Campagne.objects.create(
                    naam=f"Klantonderzoek {jaar} {label.naam}", label=label
                )
                Campagne.objects.filter(pk=campagne.pk).update(
                    created_at=moment - dt.timedelta(days=7)
                )
                Campagnevraag.objects.bulk_create(
                    Campagnevraag(
                        campagne=campagne,
                        volgorde=volgorde,
                        drijfveer=drijfveer,
                        tekst=tekst,
                        soort=VraagSoort.OPEN if spreiding is None else VraagSoort.BEOORDELING,
                        verplicht=False,
                    )
                    for volgorde, (drijfveer, tekst, spreiding) in enumerate(CAMPAGNEVRAGEN)
                )
                rijen = []
                for _ in range(CAMPAGNE_OMVANG.get(label.slug, 10)):
                    groep = klachtendemo.kiezen(self.rng, GROEP_GEWICHTEN)
                    klant = self.klant_kiezen(label, nieuw=groep == Enquetegroep.NIEUWE_KLANT)
                    rijen.append(
                        NieuwContactmoment(
                            label=label,
                            soort=S.JAARONDERZOEK,
                            groep=groep,
                            moment=moment,
                            bron=Bron.IMPORT,
                            klant_email=klant.email,
                            klant_naam=klant.naam,
                            klantnummer=klant.klantnummer,
                            afdeling=self.afdelingen["klantenservice"],
                            campagne=campagne,
                        )
                    )
                batches.append((moment + dt.timedelta(minutes=15), rijen))
        return batches

    def late_import(self) -> tuple[dt.datetime, list[NieuwContactmoment]]:
        """Changed details from a system that was down: passed on weeks later, too late to ask
        the customer (skipped as too old)."""
        aantal, dagen_terug, later = LATE_IMPORT
        datum = self.vandaag - dt.timedelta(days=dagen_terug)
        rijen = []
        for _ in range(aantal):
            label = self.label_kiezen()
            klant = self.klant_kiezen(label, nieuw=True)
            dag = datum + dt.timedelta(days=self.rng.randint(0, 4))
            rijen.append(
                NieuwContactmoment(
                    label=label,
                    soort=S.GEGEVENS_GEWIJZIGD,
                    moment=self.om(dag, self.rng.randint(8, 17), self.rng.randint(0, 59)),
                    bron=Bron.IMPORT,
                    klant_email=klant.email,
                    klant_naam=klant.naam,
                    klantnummer=klant.klantnummer,
                    afdeling=self.afdelingen["klantenservice"],
                )
            )
        return self.om(datum + dt.timedelta(days=later), 10, 0), rijen

    def extern_onderzoek(self) -> tuple[dt.datetime, list[services.NieuweExterneRespons]]:
        """The bureau's survey: customers by their customer number, with the bureau's grades and
        comments, imported weeks later; no invitations of ours, no follow-ups. Drawn with a random
        generator of its own, so the rest of the demo stays as it was."""
        rng = random.Random(EXTERN_BUREAU)
        aantal, van, tot = EXTERN_ONDERZOEK
        rijen = []
        for nummer in range(aantal):
            soort = klachtendemo.kiezen(rng, SOORT_GEWICHTEN)
            cijfer = klachtendemo.kiezen(rng, CIJFER_GEWICHTEN)
            stemming = "positief" if cijfer >= 8 else "neutraal" if cijfer >= 6 else "negatief"
            dag = self.vandaag - dt.timedelta(days=rng.randint(tot + 1, van))
            rijen.append(
                services.NieuweExterneRespons(
                    klantreferentie=f"PM-{40_000 + nummer * 37}",
                    moment=self.om(dag, 0, 0),
                    soort=soort,
                    rapportcijfer=cijfer,
                    nps_score=min(10, max(0, cijfer + round(rng.gauss(0.3, 1.1)))),
                    toelichting=(
                        rng.choice(
                            [t for s, t in TOELICHTINGEN[stemming] if s is None or soort in s]
                        )
                        if rng.random() < TOELICHTING_KANS[stemming]
                        else ""
                    ),
                )
            )
        return self.om(self.vandaag - dt.timedelta(days=tot), 11, 0), rijen

    # --- the timeline ----------------------------------------------------------------------

    def wissen(self, op: dt.datetime) -> None:
        """The nightly erasure, on an outbox as the worker would have left it: the invitations of
        the past went out (the demo marks them sent only at the end; a message still waiting at
        erasure would be cancelled, as in production)."""
        klachtendemo.verleden_verzonden(Bericht.objects.filter(klacht__isnull=True), op)
        services.persoonsgegevens_wissen(op=op)

    def nachtelijke_taken(self) -> None:
        """Beat's erasure of personal data and its watch over the follow-ups (nightly and hourly
        in production; weekly here, which is as good for the demo and faster) and the
        kwartaalcijfer on the first day of each quarter."""
        datum = self.begin + dt.timedelta(days=1)
        while datum <= self.vandaag:
            if datum.weekday() == 0:
                op = self.om(datum, 2, 30)
                self.plannen(op, lambda op=op: self.wissen(op))
                op = self.om(datum, 7, 20)
                self.plannen(op, lambda op=op: services.opvolgingen_bewaken(op=op))
            if datum.day == 1 and datum.month in (1, 4, 7, 10):
                op = self.om(datum, 6, 0)
                self.plannen(op, lambda op=op: services.kwartaalcijfers_berekenen(op=op))
            datum += dt.timedelta(days=1)

    def registreren(self, op: dt.datetime, rijen: list[NieuwContactmoment]) -> None:
        momenten = services.contactmomenten_registreren(rijen=rijen, op=op)
        gepland = Uitnodiging.objects.filter(
            contactmoment__in=momenten, status=UitnodigingStatus.GEPLAND
        ).values_list("verzenden_op", flat=True)
        for verzenden_op in sorted(set(gepland)):
            moment = max(verzenden_op, op)
            if moment not in self.verzendmomenten:
                self.verzendmomenten.add(moment)
                self.plannen(moment, lambda moment=moment: self.versturen(moment))

    def versturen(self, op: dt.datetime) -> None:
        services.uitnodigingen_versturen(op=op)
        verzonden = (
            Uitnodiging.objects.filter(status=UitnodigingStatus.VERZONDEN, verzonden_op=op)
            .order_by("pk")
            .values_list("token", "contactmoment__soort", "contactmoment__behandelaar__username")
        )
        for token, soort, behandelaar in verzonden:
            if self.rng.random() >= RESPONS_KANS.get(soort, RESPONS_KANS_STANDAARD):
                continue
            keuze = self.rng.random()
            if keuze < 0.55:  # the same day
                wacht = dt.timedelta(minutes=self.rng.randint(20, 600))
            elif keuze < 0.85:
                wacht = dt.timedelta(hours=self.rng.randint(20, 72))
            else:
                wacht = dt.timedelta(hours=self.rng.randint(80, 290))
            antwoord_op = op + wacht + dt.timedelta(seconds=self.rng.randint(0, 59))
            self.plannen(
                antwoord_op,
                lambda a=antwoord_op, t=token, s=soort, b=behandelaar: self.beantwoorden(
                    a, t, s, b
                ),
            )

    def campagneantwoorden(self, token: str, cijfer: int) -> dict[int, int | str]:
        """Answers to the campaign's driver questions, around the grade (CAMPAGNEVRAGEN)."""
        if not hasattr(self, "_drijfveren_rng"):
            self._drijfveren_rng = random.Random(DRIJFVEREN_ZAAD)
        rng = self._drijfveren_rng
        spreiding = {drijfveer: s for drijfveer, _t, s in CAMPAGNEVRAGEN}
        moment = Uitnodiging.objects.select_related("contactmoment").get(token=token).contactmoment
        antwoorden = {}
        for vraag in services.campagnevragen(moment):
            if vraag.is_beoordeling:
                waarde = round(cijfer + rng.gauss(0, spreiding.get(vraag.drijfveer) or 1.5))
                antwoorden[vraag.pk] = min(10, max(1, waarde))
            elif rng.random() < CAMPAGNE_OPEN_KANS:
                antwoorden[vraag.pk] = rng.choice(VERBETERTIPS)
        return antwoorden

    def beantwoorden(self, op: dt.datetime, token: str, soort: str, behandelaar: str | None):
        cijfer = self.cijfer_trekken(op, soort, behandelaar)
        nps = None
        if self.rng.random() < NPS_BEANTWOORD_KANS:
            nps = min(10, max(0, cijfer + round(self.rng.gauss(0.3, 1.1))))
        stemming = "positief" if cijfer >= 8 else "neutraal" if cijfer >= 6 else "negatief"
        toelichting = verbetertips = ""
        if self.rng.random() < TOELICHTING_KANS[stemming]:
            toelichting = self.tekst_kiezen(TOELICHTINGEN[stemming], soort)
        if self.rng.random() < VERBETERTIP_KANS[stemming]:
            verbetertips = self.rng.choice(VERBETERTIPS)
        respons = services.enquete_beantwoorden(
            token=token,
            rapportcijfer=cijfer,
            nps_score=nps,
            toelichting=toelichting,
            verbetertips=verbetertips,
            campagneantwoorden=(
                self.campagneantwoorden(token, cijfer) if soort == S.JAARONDERZOEK else None
            ),
            op=op,
        )
        if not cijfers.is_laag(respons.rapportcijfer, respons.nps_score):
            return
        opvolging = Opvolging.objects.get(respons=respons)
        if (
            op >= self.nu - dt.timedelta(days=OPVOLGING_OPEN_DAGEN)
            or self.rng.random() >= OPVOLGING_AFGEROND_KANS
        ):
            return
        datum = kalender.lokale_datum(op)
        for _ in range(self.rng.randint(1, 5)):  # called back within a few working days
            datum += dt.timedelta(days=1)
            while not termijnen.is_werkdag(datum):
                datum += dt.timedelta(days=1)
        afgerond_op = klachtendemo.werkmoment(self.rng, datum)
        verslag = self.tekst_kiezen(VERSLAGEN, soort)
        self.plannen(
            afgerond_op,
            lambda: services.opvolging_afronden(
                opvolging=opvolging,
                door=opvolging.toegewezen_aan or self.gebruikers["teamleider"],
                notitie=verslag,
            ),
        )

    def cijfer_trekken(self, op: dt.datetime, soort: str, behandelaar: str | None) -> int:
        cijfer = klachtendemo.kiezen(self.rng, CIJFER_GEWICHTEN)
        deel = (kalender.lokale_datum(op) - self.begin).days / max(
            (self.vandaag - self.begin).days, 1
        )
        bijstelling = (
            SOORT_BIJSTELLING.get(soort, 0.0)
            + BEHANDELAAR_BIJSTELLING.get(behandelaar or "", 0.0)
            + TREND[0]
            + (TREND[1] - TREND[0]) * deel
        )
        if self.rng.random() < abs(bijstelling):
            cijfer += 1 if bijstelling > 0 else -1
        return min(10, max(1, cijfer))

    def tekst_kiezen(self, teksten: list[tuple[tuple[str, ...] | None, str]], soort: str) -> str:
        return self.rng.choice(
            [tekst for soorten, tekst in teksten if soorten is None or soort in soorten]
        )

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def om(datum: dt.date, uur: int, minuut: int) -> dt.datetime:
        return kalender.lokaal_moment(datum, dt.time(uur, minuut))

    def samenvatting(self, eerste_moment: int) -> str:
        momenten = Contactmoment.objects.filter(pk__gt=eerste_moment)
        uitnodigingen = Uitnodiging.objects.filter(contactmoment__in=momenten)
        verstuurd = uitnodigingen.filter(
            status__in=[UitnodigingStatus.VERZONDEN, UitnodigingStatus.BEANTWOORD]
        ).count()
        overgeslagen = uitnodigingen.filter(status=UitnodigingStatus.OVERGESLAGEN).count()
        gepland = uitnodigingen.filter(status=UitnodigingStatus.GEPLAND).count()
        cijferlijst = list(
            Respons.objects.filter(contactmoment__in=momenten).values_list(
                "rapportcijfer", flat=True
            )
        )
        extern = momenten.filter(bron=Bron.EXTERN).count()
        opvolgingen = Opvolging.objects.filter(respons__contactmoment__in=momenten)
        gemiddelde = f"{statistics.mean(cijferlijst):.1f}".replace(".", ",") if cijferlijst else "-"
        return (
            f"Klanttevredenheid: {momenten.count()} contactmomenten, {verstuurd} uitnodigingen "
            f"verstuurd ({overgeslagen} overgeslagen, {gepland} gepland), {len(cijferlijst)} "
            f"responsen (gemiddeld {gemiddelde}; {extern} uit extern onderzoek), "
            f"{opvolgingen.count()} opvolgingen "
            f"({opvolgingen.filter(status=OpvolgingStatus.OPEN).count()} open), "
            f"{Kwartaalcijfer.objects.count()} kwartaalcijfers."
        )
