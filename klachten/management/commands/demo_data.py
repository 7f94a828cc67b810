"""Demo data: two labels, afdelingen, categorieën, one user per role and about 200 complaints.

Idempotent: when the demo labels exist it adds nothing and only prints the logins. Deterministic: the
same seed gives the same complaints. Complaints go through `klachten.services` (dossiernummer,
deadlines, acknowledgement); afterwards their moments are moved back to when they happened, so the
demo shows 18 months of history instead of 200 complaints all handled today.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from klachten import rollen, services, termijnen
from klachten.models import (
    Afdeling,
    Bericht,
    BerichtStatus,
    Categorie,
    Kanaal,
    Klacht,
    Label,
    Medewerker,
    Urgentie,
)

DEMO_WACHTWOORD = "demo"

LABELS = [
    {
        "slug": "zorgzaam",
        "naam": "Zorgzaam Verzekerd",
        "is_standaard": True,
        "kleur": "#0b5f7a",
        "telefoon": "088 123 45 00",
        "email": "klachten@zorgzaam.example.nl",
        "website": "https://zorgzaam.example.nl",
        "postadres": "Zorgzaam Verzekerd\nAfdeling Klachtenmanagement\nPostbus 1234\n3500 AA Utrecht",
        "privacyverklaring_url": "https://zorgzaam.example.nl/privacy",
    },
    {
        "slug": "rechtsbijstand",
        "naam": "Rechtsbijstand Plus",
        "is_standaard": False,
        "kleur": "#6a2c70",
        "telefoon": "088 765 43 21",
        "email": "klachten@rechtsbijstandplus.example.nl",
        "website": "https://rechtsbijstandplus.example.nl",
        "postadres": "Rechtsbijstand Plus\nKlachtencoördinatie\nPostbus 4321\n2500 BB Den Haag",
        "privacyverklaring_url": "https://rechtsbijstandplus.example.nl/privacy",
    },
]

AFDELINGEN = [
    ("klantenservice", "Klantenservice"),
    ("declaraties", "Declaraties"),
    ("premie-incasso", "Premie en incasso"),
    ("zorgbemiddeling", "Zorgbemiddeling"),
    ("schade-rechtshulp", "Schade en rechtshulp"),
]

# code, naam, afdeling, volgorde
CATEGORIEEN = [
    ("declaratie", "Declaratie", "declaraties", 10),
    ("premie", "Premie en betaling", "premie-incasso", 20),
    ("communicatie", "Communicatie en informatie", "klantenservice", 30),
    ("bejegening", "Bejegening", "klantenservice", 40),
    ("wachttijd", "Wachttijd en bereikbaarheid", "zorgbemiddeling", 50),
    ("polis-voorwaarden", "Polis en voorwaarden", "klantenservice", 60),
    ("schade", "Schade en rechtshulp", "schade-rechtshulp", 70),
    ("overig", "Overig", "klantenservice", 90),
]


@dataclass(frozen=True)
class DemoGebruiker:
    username: str
    voornaam: str
    achternaam: str
    rol: str
    afdelingen: tuple[str, ...] = ()
    is_staff: bool = False


GEBRUIKERS = [
    DemoGebruiker(
        "behandelaar", "Sanne", "de Vries", rollen.KLACHTBEHANDELAAR, ("klantenservice",)
    ),
    DemoGebruiker(
        "behandelaar2", "Youssef", "El Amrani", rollen.KLACHTBEHANDELAAR, ("declaraties",)
    ),
    DemoGebruiker(
        "teamleider", "Marieke", "Jansen", rollen.TEAMLEIDER, ("klantenservice", "premie-incasso")
    ),
    DemoGebruiker("directie", "Pieter", "van den Berg", rollen.DIRECTIE),
    DemoGebruiker("beheerder", "Fatima", "Bakker", rollen.BEHEERDER, is_staff=True),
]
KOPPELING = DemoGebruiker("koppeling", "CRM", "koppeling", rollen.SYSTEEMKOPPELING)

VOORNAMEN = [
    "Jan", "Kees", "Henk", "Wim", "Piet", "Anouk", "Lotte", "Emma", "Sophie", "Daan", "Bram",
    "Mohamed", "Fatma", "Aylin", "Priya", "Ingrid", "Gerda", "Joke", "Ria", "Bas", "Thijs", "Ruud",
    "Esther", "Marloes", "Noor", "Ilse", "Koen", "Jeroen", "Hanneke", "Willemijn", "Dewi", "Rachid",
    "Anton", "Cor", "Els", "Femke", "Gijs", "Hatice", "Iris", "Joost", "Karin", "Linda", "Maarten",
]  # fmt: skip
ACHTERNAMEN = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "Yilmaz", "Öztürk", "Boukhari",
    "Kramer", "van Wijk", "Postma", "Kuipers", "Hoekstra", "Verbeek", "Schouten", "Willems",
]  # fmt: skip
DOMEINEN = ["example.com", "example.net", "example.org"]

ZORGVERLENERS = [
    "fysiotherapeut", "tandarts", "apotheek", "ziekenhuis", "psycholoog", "huisartsenpost",
    "diëtist", "orthodontist", "thuiszorgorganisatie", "opticien",
]  # fmt: skip
MAANDEN = [
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
]  # fmt: skip

# Per categorie: descriptions, wishes, and what was done when solved at first contact.
# Placeholders: {zorgverlener}, {bedrag}, {maand}, {dagen}, {weken}.
TEKSTEN: dict[str, dict[str, list[str]]] = {
    "declaratie": {
        "omschrijving": [
            "Mijn declaratie van de {zorgverlener} van {bedrag} euro is afgewezen, terwijl dit volgens "
            "mij gewoon onder mijn aanvullende verzekering valt. In de brief staat geen duidelijke reden.",
            "Ik heb in {maand} een declaratie ingediend via de app. Na {weken} weken is er nog steeds "
            "niets uitbetaald en ik krijg steeds te horen dat het 'in behandeling' is.",
            "Er is {bedrag} euro van mijn eigen risico afgeschreven voor een rekening van de "
            "{zorgverlener}. Dat klopt niet: het ging om zorg die buiten het eigen risico valt.",
            "De vergoeding van de {zorgverlener} is lager dan wat op uw website staat. Ik heb {bedrag} "
            "euro betaald en maar een deel terugkregen. Niemand kan mij uitleggen waarom.",
            "Mijn declaratie is twee keer uitbetaald en nu vordert u {bedrag} euro terug, terwijl ik zelf "
            "al had gebeld om de fout te melden. Dat voelt alsof ik gestraft word voor uw fout.",
        ],
        "gewenste_oplossing": [
            "Ik wil dat de declaratie alsnog volledig wordt vergoed.",
            "Graag een duidelijke uitleg waarom dit niet wordt vergoed.",
            "Ik wil dat het eigen risico wordt gecorrigeerd.",
            "Betaal het bedrag zo snel mogelijk uit en laat me weten wanneer.",
        ],
        "oplossing": [
            "Declaratie opnieuw beoordeeld en alsnog goedgekeurd; uitbetaling binnen 5 werkdagen.",
            "Uitgelegd welk deel onder de basisverzekering valt en welk deel niet; klant begrijpt het.",
            "Eigen risico gecorrigeerd in het systeem en de klant per e-mail bevestigd.",
        ],
    },
    "premie": {
        "omschrijving": [
            "Er is deze maand twee keer premie van mijn rekening afgeschreven, in totaal {bedrag} euro.",
            "Ik heb een aanmaning met incassokosten gekregen, terwijl ik de premie van {maand} gewoon op "
            "tijd heb betaald.",
            "Mijn premie is zonder bericht verhoogd. Ik heb daar nergens een brief over gekregen.",
            "Ik heb in {maand} gevraagd om betaling in termijnen, maar dat is nooit geregeld en nu staat "
            "er een achterstand van {bedrag} euro.",
        ],
        "gewenste_oplossing": [
            "Het dubbel afgeschreven bedrag terugstorten.",
            "De incassokosten laten vervallen.",
            "Een overzicht van hoe mijn premie is opgebouwd.",
            "Een betalingsregeling zoals afgesproken.",
        ],
        "oplossing": [
            "Dubbele afschrijving teruggeboekt; klant krijgt het bedrag binnen 3 werkdagen terug.",
            "Incassokosten kwijtgescholden; betaling van de klant was op tijd ontvangen.",
            "Premieopbouw telefonisch toegelicht en het overzicht per e-mail gestuurd.",
        ],
    },
    "communicatie": {
        "omschrijving": [
            "Ik heb drie keer een e-mail gestuurd over mijn polis en nooit antwoord gekregen.",
            "De brief die ik kreeg spreekt de informatie op uw website tegen. Ik weet niet meer wat "
            "klopt.",
            "Mij werd beloofd dat ik binnen {dagen} dagen teruggebeld zou worden. Dat is niet gebeurd.",
            "Ik krijg al uw post nog steeds op mijn oude adres, terwijl ik mijn verhuizing in {maand} heb "
            "doorgegeven.",
        ],
        "gewenste_oplossing": [
            "Ik wil gewoon antwoord op mijn vraag.",
            "Graag een excuus en duidelijke informatie.",
            "Zorg dat mijn gegevens kloppen.",
        ],
        "oplossing": [
            "Vraag alsnog beantwoord en excuses aangeboden voor het uitblijven van een reactie.",
            "Adres gecorrigeerd en bevestigd; klant is tevreden.",
            "Terugbelafspraak gemaakt en direct nagekomen; vraag van de klant beantwoord.",
        ],
    },
    "bejegening": {
        "omschrijving": [
            "De medewerker die ik aan de telefoon had was kortaf en hing op voordat ik klaar was.",
            "Ik voelde me niet serieus genomen toen ik belde over de behandeling van mijn zoon.",
            "Een medewerker maakte een opmerking over mijn accent. Dat vind ik onacceptabel.",
            "Ik werd aan de balie onvriendelijk behandeld en moest mijn verhaal drie keer doen.",
        ],
        "gewenste_oplossing": [
            "Ik wil excuses.",
            "Ik wil dat dit met de medewerker wordt besproken.",
            "Ik verwacht dat u hier iets van leert.",
        ],
        "oplossing": [
            "Excuses aangeboden namens de afdeling; het gesprek wordt met de medewerker besproken.",
            "Klant gerustgesteld en de vraag alsnog volledig afgehandeld.",
        ],
    },
    "wachttijd": {
        "omschrijving": [
            "Ik sta al {weken} weken op een wachtlijst voor de {zorgverlener} en u helpt mij niet met "
            "zorgbemiddeling.",
            "Ik heb {dagen} minuten in de wacht gestaan voordat ik iemand aan de lijn kreeg.",
            "Mijn aanvraag voor een machtiging ligt al {weken} weken bij u. Mijn behandeling kan niet "
            "beginnen.",
            "De chat op uw website is nooit bereikbaar, ook niet binnen de openingstijden.",
        ],
        "gewenste_oplossing": [
            "Ik wil binnen een maand geholpen worden bij een andere zorgverlener.",
            "Een snelle beslissing over mijn machtiging.",
            "Zorg dat u beter bereikbaar bent.",
        ],
        "oplossing": [
            "Zorgbemiddeling ingezet; klant heeft binnen twee weken een afspraak bij een andere "
            "zorgverlener.",
            "Machtiging direct beoordeeld en afgegeven; klant geïnformeerd.",
            "Excuses voor de wachttijd; vraag van de klant in hetzelfde gesprek afgehandeld.",
        ],
    },
    "polis-voorwaarden": {
        "omschrijving": [
            "Mijn overstap naar een andere aanvullende verzekering is niet goed verwerkt.",
            "In de voorwaarden staat iets anders dan wat de medewerker mij bij het afsluiten vertelde.",
            "Ik heb mijn polis per 1 {maand} opgezegd, maar de verzekering loopt nog steeds door.",
            "Mijn kind is niet meeverzekerd, terwijl ik het wel heb aangemeld.",
        ],
        "gewenste_oplossing": [
            "De polis aanpassen met terugwerkende kracht.",
            "De opzegging alsnog verwerken en de te veel betaalde premie terugbetalen.",
            "Een schriftelijke bevestiging van wat er wel en niet verzekerd is.",
        ],
        "oplossing": [
            "Polis met terugwerkende kracht aangepast; nieuwe polis verstuurd.",
            "Opzegging verwerkt en het te veel betaalde bedrag teruggestort.",
            "Kind alsnog bijgeschreven op de polis met de oorspronkelijke ingangsdatum.",
        ],
    },
    "schade": {
        "omschrijving": [
            "Mijn verzoek om rechtsbijstand in een conflict met mijn werkgever is afgewezen zonder "
            "goede uitleg.",
            "Mijn zaak ligt al {weken} weken stil; mijn jurist reageert niet op mijn e-mails.",
            "De schadebehandelaar heeft mijn schade van {bedrag} euro te laag vastgesteld.",
            "Ik ben het niet eens met het advies van de jurist om de zaak niet voort te zetten.",
            "Er is zonder overleg een externe advocaat ingeschakeld en nu krijg ik een rekening.",
        ],
        "gewenste_oplossing": [
            "Ik wil dat mijn zaak alsnog in behandeling wordt genomen.",
            "Een andere jurist voor mijn zaak.",
            "Een nieuwe beoordeling van de schade.",
            "Dat u de kosten van de advocaat betaalt.",
        ],
        "oplossing": [
            "Contact met de jurist hersteld; de klant is dezelfde dag teruggebeld.",
            "Afwijzing toegelicht; klant weet nu welke stukken nog nodig zijn.",
        ],
    },
    "overig": {
        "omschrijving": [
            "Inloggen op Mijn omgeving lukt al dagen niet, ook niet na het resetten van mijn "
            "wachtwoord.",
            "De app geeft een foutmelding als ik een foto van mijn nota wil uploaden.",
            "Ik heb een klacht over de manier waarop mijn persoonsgegevens zijn gedeeld.",
        ],
        "gewenste_oplossing": [
            "Dat het probleem wordt opgelost.",
            "Uitleg over wat er met mijn gegevens is gebeurd.",
        ],
        "oplossing": [
            "Account ontgrendeld; klant kan weer inloggen.",
            "Klant geholpen de nota via de website te uploaden; storing gemeld bij IT.",
        ],
    },
}

# Which categorieën each label's customers complain about, with weights.
CATEGORIE_GEWICHTEN = {
    "zorgzaam": {
        "declaratie": 30,
        "premie": 15,
        "communicatie": 15,
        "bejegening": 8,
        "wachttijd": 15,
        "polis-voorwaarden": 10,
        "overig": 7,
    },
    "rechtsbijstand": {
        "schade": 40,
        "communicatie": 15,
        "bejegening": 10,
        "wachttijd": 10,
        "polis-voorwaarden": 10,
        "premie": 10,
        "overig": 5,
    },
}

KANAAL_GEWICHTEN = {
    Kanaal.WEBFORMULIER: 36,
    Kanaal.TELEFOON: 26,
    Kanaal.EMAIL: 18,
    Kanaal.BRIEF: 7,
    Kanaal.SOCIAL_MEDIA: 5,
    Kanaal.KTO: 4,
    Kanaal.MEDEWERKER: 4,
}
# The share of complaints per channel solved at first contact.
DIRECT_OPGELOST_KANS = {
    Kanaal.TELEFOON: 0.45,
    Kanaal.EMAIL: 0.15,
    Kanaal.SOCIAL_MEDIA: 0.3,
    Kanaal.MEDEWERKER: 0.25,
}


class Command(BaseCommand):
    help = (
        "Laadt demo-gegevens: twee labels, afdelingen, categorieën, een gebruiker per rol en "
        "ongeveer 200 klachten over de afgelopen 18 maanden. Doet niets als ze er al zijn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--aantal", type=int, default=200, help="Aantal klachten (200).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed voor het toeval.")
        parser.add_argument(
            "--maanden", type=int, default=18, help="Periode van de klachten in maanden (18)."
        )

    def handle(self, *args, aantal, seed, maanden, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if Label.objects.filter(slug=LABELS[0]["slug"]).exists():
                self.stdout.write(
                    "Demo-gegevens staan er al; er is niets toegevoegd. "
                    "(Leeg de database om ze opnieuw te laden.)"
                )
            else:
                with self.broker_meldingen_tellen() as teller, transaction.atomic():
                    gebruikers = self.stamgegevens_aanmaken()
                    aantal_klachten = self.klachten_aanmaken(
                        gebruikers, aantal=aantal, rng=random.Random(seed), maanden=maanden
                    )
                if teller.aantal:
                    self.stdout.write(
                        self.style.WARNING(
                            "De Celery-broker (Redis) is niet bereikbaar: berichten die nog niet "
                            "verzonden zijn, wachten in de outbox tot de worker draait."
                        )
                    )
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo-gegevens geladen: {len(LABELS)} labels, {len(AFDELINGEN)} "
                        f"afdelingen, {len(CATEGORIEEN)} categorieën, {len(GEBRUIKERS) + 1} "
                        f"gebruikers, {aantal_klachten} klachten."
                    )
                )
            self.logins_tonen()

    @staticmethod
    @contextlib.contextmanager
    def broker_meldingen_tellen():
        """Count the services' 'broker unreachable' warnings instead of printing one per message.

        Every demo acknowledgement is queued after commit; most are then already marked as sent, so
        without a broker there would be some 160 identical warnings.
        """

        class Teller(logging.Filter):
            aantal = 0

            def filter(self, record):
                if record.levelno == logging.WARNING:
                    self.aantal += 1
                    return False
                return True

        teller = Teller()
        logger = logging.getLogger(services.__name__)
        logger.addFilter(teller)
        try:
            yield teller
        finally:
            logger.removeFilter(teller)

    # --- stamgegevens -------------------------------------------------------------------------

    def stamgegevens_aanmaken(self) -> dict[str, Medewerker]:
        services.rollen_inrichten()
        for gegevens in LABELS:
            Label.objects.update_or_create(slug=gegevens["slug"], defaults=gegevens)
        afdelingen = {
            code: Afdeling.objects.get_or_create(code=code, defaults={"naam": naam})[0]
            for code, naam in AFDELINGEN
        }
        for code, naam, afdeling, volgorde in CATEGORIEEN:
            Categorie.objects.get_or_create(
                code=code,
                defaults={"naam": naam, "afdeling": afdelingen[afdeling], "volgorde": volgorde},
            )
        gebruikers = {}
        for demo in [*GEBRUIKERS, KOPPELING]:
            gebruiker, nieuw = Medewerker.objects.get_or_create(
                username=demo.username,
                defaults={
                    "first_name": demo.voornaam,
                    "last_name": demo.achternaam,
                    "email": f"{demo.username}@example.nl",
                    "is_staff": demo.is_staff,
                },
            )
            if nieuw:
                if demo is KOPPELING:
                    gebruiker.set_unusable_password()
                else:
                    # Demo passwords on purpose: set directly, so no password validator applies.
                    gebruiker.set_password(DEMO_WACHTWOORD)
                gebruiker.save()
            gebruiker.groups.add(Group.objects.get(name=demo.rol))
            gebruiker.afdelingen.add(*(afdelingen[code] for code in demo.afdelingen))
            gebruikers[demo.username] = gebruiker
        Token.objects.get_or_create(user=gebruikers[KOPPELING.username])
        return gebruikers

    # --- klachten -----------------------------------------------------------------------------

    def klachten_aanmaken(
        self, gebruikers: dict[str, Medewerker], *, aantal: int, rng: random.Random, maanden: int
    ) -> int:
        nu = timezone.now()
        labels = {label.slug: label for label in Label.objects.all()}
        categorieen = {c.code: c for c in Categorie.objects.select_related("afdeling")}
        # The newest few are registered by staff and not yet acknowledged, so the queue shows open
        # acknowledgement deadlines: about one overdue, the others due soon.
        recent = [10, 6, 4, 2, 1, 0][: min(6, aantal)]
        momenten = sorted(
            [self.ontvangstmoment(rng, nu, maanden) for _ in range(aantal - len(recent))]
            + [self.ontvangstmoment(rng, nu, dagen_terug=d) for d in recent]
        )
        for index, ontvangen_op in enumerate(momenten):
            label = labels["zorgzaam"] if rng.random() < 0.7 else labels["rechtsbijstand"]
            code = self.kiezen(rng, CATEGORIE_GEWICHTEN[label.slug])
            categorie = categorieen[code]
            kanaal = self.kiezen(rng, KANAAL_GEWICHTEN)
            nog_te_bevestigen = index >= len(momenten) - len(recent)
            if nog_te_bevestigen and kanaal == Kanaal.WEBFORMULIER:
                kanaal = Kanaal.TELEFOON
            direct_opgelost = not nog_te_bevestigen and (
                rng.random() < DIRECT_OPGELOST_KANS.get(kanaal, 0.0)
            )
            self.klacht_aanmaken(
                rng,
                gebruikers,
                nu=nu,
                label=label,
                categorie=categorie,
                kanaal=kanaal,
                ontvangen_op=ontvangen_op,
                direct_opgelost=direct_opgelost,
                nog_te_bevestigen=nog_te_bevestigen,
            )
        return len(momenten)

    def klacht_aanmaken(
        self,
        rng: random.Random,
        gebruikers: dict[str, Medewerker],
        *,
        nu: dt.datetime,
        label: Label,
        categorie: Categorie,
        kanaal: Kanaal,
        ontvangen_op: dt.datetime,
        direct_opgelost: bool,
        nog_te_bevestigen: bool,
    ) -> Klacht:
        teksten = TEKSTEN[categorie.code]
        voornaam, achternaam = rng.choice(VOORNAMEN), rng.choice(ACHTERNAMEN)
        web = kanaal == Kanaal.WEBFORMULIER
        registrant = None if web else self.registrant(rng, gebruikers, kanaal, categorie)
        urgent = categorie.code in {"wachttijd", "declaratie", "schade"} and rng.random() < 0.12
        klacht = services.klacht_registreren(
            label=label,
            kanaal=kanaal,
            ontvangen_op=ontvangen_op,
            klant_naam=f"{voornaam} {achternaam}",
            klant_email=self.emailadres(rng, voornaam, achternaam),
            klant_telefoon=f"06-{rng.randint(10_000_000, 99_999_999)}"
            if rng.random() < 0.7
            else "",
            polisnummer=str(rng.randint(100_000_000, 999_999_999)) if rng.random() < 0.75 else "",
            categorie=categorie,
            omschrijving=self.invullen(rng, rng.choice(teksten["omschrijving"])),
            gewenste_oplossing=rng.choice(teksten["gewenste_oplossing"])
            if rng.random() < 0.8
            else "",
            urgentie=Urgentie.HOOG if urgent else Urgentie.NORMAAL,
            ingediend_door=registrant,
            direct_opgelost=direct_opgelost,
            oplossing=rng.choice(teksten["oplossing"]) if direct_opgelost else "",
            privacy_akkoord=web,
        )
        bevestigd_op = None
        if web:
            bevestigd_op = ontvangen_op + dt.timedelta(seconds=rng.randint(5, 60))
        elif not direct_opgelost and not nog_te_bevestigen:
            # Staff acknowledge most within the 8 days; a few are late, as in real life.
            dagen = rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6, 7]) if rng.random() < 0.93 else 9
            datum = termijnen.lokale_datum(ontvangen_op) + dt.timedelta(days=dagen)
            tijd = dt.time(rng.randint(9, 16), rng.randint(0, 59))
            bevestigd_op = dt.datetime.combine(datum, tijd, tzinfo=termijnen.AMSTERDAM)
            if bevestigd_op <= ontvangen_op:
                bevestigd_op = ontvangen_op + dt.timedelta(minutes=rng.randint(20, 90))
            bevestigd_op = min(bevestigd_op, nu - dt.timedelta(minutes=5))
            bevestiger = registrant
            if registrant is not None and rollen.SYSTEEMKOPPELING in rollen.rollen_van(registrant):
                bevestiger = gebruikers["behandelaar"]
            services.ontvangst_bevestigen(klacht=klacht, door=bevestiger)
        afgesloten_op = ontvangen_op + dt.timedelta(minutes=rng.randint(3, 15))
        self.terugdateren(
            klacht,
            ontvangen_op=ontvangen_op,
            bevestigd_op=bevestigd_op,
            afgesloten_op=afgesloten_op if direct_opgelost else None,
            nu=nu,
        )
        return klacht

    def terugdateren(
        self,
        klacht: Klacht,
        *,
        ontvangen_op: dt.datetime,
        bevestigd_op: dt.datetime | None,
        afgesloten_op: dt.datetime | None,
        nu: dt.datetime,
    ) -> None:
        """Move the moments the services stamped with 'now' back to when they happened."""
        laatste = bevestigd_op or afgesloten_op or ontvangen_op
        velden = {"created_at": ontvangen_op, "updated_at": laatste}
        if klacht.privacy_akkoord_op:
            velden["privacy_akkoord_op"] = ontvangen_op
        if bevestigd_op:
            velden["ontvangst_bevestigd_op"] = bevestigd_op
        if afgesloten_op:
            velden["afgesloten_op"] = afgesloten_op
        Klacht.objects.filter(pk=klacht.pk).update(**velden)

        historie = list(klacht.history.order_by("history_id"))
        for versie, moment in zip(historie, [ontvangen_op, laatste], strict=False):
            klacht.history.filter(history_id=versie.history_id).update(history_date=moment)

        if bevestigd_op:
            berichten = Bericht.objects.filter(klacht=klacht)
            if bevestigd_op < nu - dt.timedelta(days=2):
                # History: these went out long ago (the worker finds nothing left to send).
                berichten.update(
                    created_at=bevestigd_op,
                    status=BerichtStatus.VERZONDEN,
                    verzonden_op=bevestigd_op,
                    pogingen=1,
                )
            else:
                # Recent ones stay in the outbox: the Celery worker sends them (dev: var/mail/).
                berichten.update(created_at=bevestigd_op)

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def kiezen(rng: random.Random, gewichten: dict) -> str:
        return rng.choices(list(gewichten), weights=list(gewichten.values()))[0]

    @staticmethod
    def ontvangstmoment(
        rng: random.Random, nu: dt.datetime, maanden: int = 0, dagen_terug: int | None = None
    ) -> dt.datetime:
        """A moment in the period, mostly on working days in office hours (Europe/Amsterdam)."""
        if dagen_terug is None:
            dagen_terug = rng.randint(0, maanden * 30)
        datum = termijnen.lokale_datum(nu) - dt.timedelta(days=dagen_terug)
        if datum.weekday() >= 5 and rng.random() < 0.7:
            datum -= dt.timedelta(days=datum.weekday() - 4)
        tijd = dt.time(rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59))
        moment = dt.datetime.combine(datum, tijd, tzinfo=termijnen.AMSTERDAM)
        if moment >= nu:
            moment = nu - dt.timedelta(minutes=rng.randint(15, 120))
        return moment

    @staticmethod
    def registrant(
        rng: random.Random, gebruikers: dict[str, Medewerker], kanaal: str, categorie: Categorie
    ) -> Medewerker:
        if kanaal == Kanaal.KTO:
            return gebruikers["teamleider"]
        if kanaal == Kanaal.EMAIL and rng.random() < 0.25:
            return gebruikers["koppeling"]  # the CRM passes on complaints that came by e-mail
        if categorie.afdeling.code == "declaraties":
            return gebruikers["behandelaar2"]
        return gebruikers["behandelaar"]

    @staticmethod
    def emailadres(rng: random.Random, voornaam: str, achternaam: str) -> str:
        ascii_naam = unicodedata.normalize("NFKD", achternaam).encode("ascii", "ignore").decode()
        achter = ascii_naam.replace(" ", "").lower()
        vorm = rng.choice(["{v}.{a}", "{v}{a}", "{i}.{a}", "{v}_{a}{n}"])
        lokaal = vorm.format(
            v=voornaam.lower(), a=achter, i=voornaam[0].lower(), n=rng.randint(1, 99)
        )
        return f"{lokaal}@{rng.choice(DOMEINEN)}"

    @staticmethod
    def invullen(rng: random.Random, tekst: str) -> str:
        return tekst.format(
            zorgverlener=rng.choice(ZORGVERLENERS),
            bedrag=f"{rng.randint(35, 1850)},{rng.randint(0, 99):02d}",
            maand=rng.choice(MAANDEN),
            dagen=rng.choice([2, 3, 5, 10, 25, 40]),
            weken=rng.randint(3, 14),
        )

    # --- output -------------------------------------------------------------------------------

    def logins_tonen(self) -> None:
        basis = settings.SITE_URL.rstrip("/")
        regels = ["", f"Demo-logins (wachtwoord voor iedereen: {DEMO_WACHTWOORD}):"]
        for demo in GEBRUIKERS:
            gebruiker = Medewerker.objects.filter(username=demo.username).first()
            if gebruiker is None:
                continue
            afdelingen = ", ".join(a.naam for a in gebruiker.afdelingen.all()) or "alle afdelingen"
            beheer = "; mag in /admin/" if gebruiker.is_staff else ""
            regels.append(
                f"  {demo.username:<13} / {DEMO_WACHTWOORD:<5} {demo.rol} ({afdelingen}{beheer})"
            )
        token = Token.objects.filter(user__username=KOPPELING.username).first()
        if token is not None:
            regels.append(
                f"  {KOPPELING.username:<13} API-token {token.key} "
                f'(header "Authorization: Token {token.key}")'
            )
        regels += [
            "",
            "Adressen:",
            f"  Klacht indienen (Zorgzaam Verzekerd)  {basis}/klacht/",
            f"  Klacht indienen (Rechtsbijstand Plus) {basis}/rechtsbijstand/klacht/",
            f"  Inloggen voor medewerkers             {basis}/account/login/",
            f"  Beheer (Django admin)                 {basis}/admin/",
            f"  API-documentatie                      {basis}/api/docs/",
        ]
        self.stdout.write("\n".join(regels))
