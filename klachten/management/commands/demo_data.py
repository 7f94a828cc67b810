"""Demo data: two labels, afdelingen, categorieën, one user per role and about 200 complaints.

The complaints cover 18 months and the whole procedure of DESIGN.md section 4: acknowledged,
assigned, (not) admissible, statusupdates, phone calls, notes and messages from the customer,
suspended and extended terms, answers with an oordeel (some as definitief standpunt), closed with
leermomenten and verbeterpunten, reconsidered by a second-line handler, taken to Kifid or SKGZ, one
reopened, and the newest still open with deadlines that are met, nearly due and overdue.

Every change goes through `klachten.services`, never by setting fields. Each dossier is planned as a
`Draaiboek`: steps on days after receipt. Each step runs with the services' clock set to the moment
it happens (`klok`), so every stamp — history, messages, deadlines, the Kifid date in an answer —
is the one it would have had; the few moments the clock cannot reach (the timeline's `op`) are moved
back right after the step. Steps that lie in the future are left out: that is how the newest
complaints stay open. Messages older than two days are marked as sent when they were written; newer
ones wait in the outbox for the worker.

Idempotent: when the demo labels exist it adds nothing and only prints the logins. Deterministic: the
same seed on the same day gives the same complaints (each dossier draws from its own seeded Random).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import berichten, kalender, rollen, services, toegang
from klachten.models import (
    Afdeling,
    ApiSleutel,
    Bericht,
    BerichtStatus,
    Categorie,
    DoorverwijzingUitkomst,
    ExterneInstantie,
    Gebeurtenis,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Label,
    Medewerker,
    Oorzaak,
    Productgroep,
    Reactietermijn,
    TermijnEenheid,
    TermijnwijzigingSoort,
    Uitkomst,
    Urgentie,
    VerbeterpuntStatus,
)
from klachten.workflow import KLANT, BerichtSoort, Oordeel, Status, weigering

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
# Where each label's customers go after the definitief standpunt (seeded by migration 0003): a
# health insurer's to SKGZ, a legal-aid insurer's to Kifid.
EXTERNE_INSTANTIE_PER_LABEL = {"zorgzaam": "skgz", "rechtsbijstand": "kifid"}
# The reaction terms each label publishes per channel (klachtenprocedure page, month report).
# Rechtsbijstand Plus is not on social media: no term for that channel, so it is not measured.
REACTIETERMIJNEN = {
    "zorgzaam": [
        (Kanaal.WEBFORMULIER, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.TELEFOON, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.EMAIL, 2, TermijnEenheid.WERKDAGEN),
        (Kanaal.BRIEF, 5, TermijnEenheid.WERKDAGEN),
        (Kanaal.SOCIAL_MEDIA, 4, TermijnEenheid.UREN),
    ],
    "rechtsbijstand": [
        (Kanaal.WEBFORMULIER, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.TELEFOON, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.EMAIL, 2, TermijnEenheid.WERKDAGEN),
        (Kanaal.BRIEF, 5, TermijnEenheid.WERKDAGEN),
    ],
}

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


ALLE_AFDELINGEN = tuple(code for code, _naam in AFDELINGEN)
GEBRUIKERS = [
    DemoGebruiker(
        "behandelaar",
        "Sanne",
        "de Vries",
        rollen.KLACHTBEHANDELAAR,
        ("klantenservice", "zorgbemiddeling"),
    ),
    DemoGebruiker(
        "behandelaar2",
        "Youssef",
        "El Amrani",
        rollen.KLACHTBEHANDELAAR,
        ("declaraties", "premie-incasso"),
    ),
    DemoGebruiker(
        "behandelaar3",
        "Lieke",
        "Hoekstra",
        rollen.KLACHTBEHANDELAAR,
        ("schade-rechtshulp", "declaraties", "zorgbemiddeling"),
    ),
    # The teamleider of the complaints team: assigns, and is the usual second line everywhere.
    DemoGebruiker("teamleider", "Marieke", "Jansen", rollen.TEAMLEIDER, ALLE_AFDELINGEN),
    DemoGebruiker("directie", "Pieter", "van den Berg", rollen.DIRECTIE),
    DemoGebruiker("beheerder", "Fatima", "Bakker", rollen.BEHEERDER, is_staff=True),
    # A handler of an outside firm (issue 9): no afdeling, sees only what is assigned to them.
    DemoGebruiker("partner", "Ruben", "Smit", rollen.PARTNERBEHANDELAAR),
]
KOPPELING = DemoGebruiker("koppeling", "CRM", "koppeling", rollen.SYSTEEMKOPPELING)
BEHANDELROLLEN = {rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER}

# Who handles a complaint of each afdeling in the first line, with weights.
EERSTE_LIJN = {
    "klantenservice": {"behandelaar": 85, "teamleider": 15},
    "declaraties": {"behandelaar2": 85, "behandelaar3": 15},
    "premie-incasso": {"behandelaar2": 75, "teamleider": 25},
    "zorgbemiddeling": {"behandelaar": 50, "behandelaar3": 50},
    "schade-rechtshulp": {"behandelaar3": 90, "teamleider": 10},
}

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


# --- texts of the handling: what handlers write and customers send --------------------------------
# Placeholders as in TEKSTEN; {afdeling} and {behandelaar} where noted.

# What was investigated, per categorie (first paragraph of the answer).
ONDERZOEK = {
    "declaratie": "We hebben uw declaratie, de nota van de zorgverlener en uw polisvoorwaarden "
    "opnieuw bekeken, en de beoordeling besproken met onze afdeling Declaraties.",
    "premie": "We hebben alle afschrijvingen en betalingen op uw polis van het afgelopen jaar "
    "nagelopen en de berekening van uw premie gecontroleerd.",
    "communicatie": "We hebben uw e-mails en brieven en de notities van uw telefoongesprekken "
    "teruggezocht, en nagegaan waarom u geen goed antwoord kreeg.",
    "bejegening": "We hebben het gesprek besproken met de medewerker en diens teamleider, en de "
    "notities van het gesprek nagelezen.",
    "wachttijd": "We hebben uw aanvraag en de wachttijden bij zorgverleners in uw regio bekeken, "
    "en overlegd met onze zorgbemiddelaars.",
    "polis-voorwaarden": "We hebben uw polis, de wijzigingen die u doorgaf en de voorwaarden die "
    "toen golden naast elkaar gelegd.",
    "schade": "Een senior jurist heeft uw dossier opnieuw beoordeeld, inclusief de correspondentie "
    "met de wederpartij en het advies van de behandelend jurist.",
    "overig": "We hebben uw melding voorgelegd aan de betrokken afdeling en nagegaan wat er precies "
    "is misgegaan.",
}
OORDEEL_UITLEG = {
    Oordeel.GEGROND: [
        "U heeft gelijk. Wij hebben uw zaak niet goed behandeld en dat had niet mogen gebeuren. "
        "Onze excuses daarvoor.",
        "Uw klacht is terecht: wij hebben ons niet aan onze eigen afspraken gehouden.",
    ],
    Oordeel.DEELS_GEGROND: [
        "Op een deel van uw klacht geven wij u gelijk: wij hadden u eerder en duidelijker moeten "
        "informeren. Voor het andere deel blijft onze beslissing staan, omdat de polisvoorwaarden "
        "daar geen ruimte voor geven.",
        "U heeft gelijk dat het te lang heeft geduurd. Onze beslissing zelf was wel juist; die "
        "lichten we hieronder nog eens toe.",
    ],
    Oordeel.ONGEGROND: [
        "Wij begrijpen dat dit antwoord teleurstellend is. Wij hebben uw zaak zorgvuldig bekeken, "
        "maar onze beslissing is in overeenstemming met de polisvoorwaarden.",
        "Wij hebben geen fout kunnen vinden in de manier waarop uw zaak is behandeld. De "
        "voorwaarden die op uw polis van toepassing zijn, laten geen andere uitkomst toe.",
    ],
    Oordeel.NIET_TE_BEOORDELEN: [
        "Wij kunnen niet meer vaststellen wat er precies is gezegd: van het gesprek is geen opname "
        "of verslag. Daarom kunnen wij over dit deel van uw klacht geen oordeel geven.",
    ],
}
# Texts that fit only some complaints are keyed by categorie code or label slug; "algemeen" fits
# all (see Draaiboek.tekst). Health care words stay with the health categorieën.
ADVIES_ONGEGROND = {
    "algemeen": [
        "Heeft u nog vragen over deze uitleg? Bel dan uw behandelaar; die neemt het graag nog eens "
        "met u door.",
        "Op de statuspagina van uw klacht vindt u het overzicht waarop onze beslissing is "
        "gebaseerd.",
    ],
    "declaratie": [
        "Wij raden u aan om bij een volgende behandeling vooraf een machtiging aan te vragen. Dan "
        "weet u vooraf waar u aan toe bent.",
    ],
    "schade": [
        "Uw jurist bespreekt graag met u welke mogelijkheden er nog zijn om uw zaak zelf voort te "
        "zetten.",
    ],
}
ADVIES_NIET_TE_BEOORDELEN = [
    "Wij hebben de medewerkers gevraagd afspraken met klanten voortaan altijd schriftelijk te "
    "bevestigen, zodat hierover geen misverstand meer kan ontstaan.",
]
# "Since the previous message": the paragraph of a statusupdate.
STATUSUPDATES = {
    "algemeen": [
        "We hebben uw klacht besproken met de betrokken afdeling. We zetten de bevindingen nu op "
        "een rij en werken aan ons antwoord.",
        "We wachten nog op een reactie van de betrokken medewerker. We hebben gevraagd die deze "
        "week te sturen.",
        "We hebben uw dossier en onze correspondentie met u helemaal nagelopen. We bekijken nu "
        "welke oplossing past bij wat u wilt bereiken.",
    ],
    "declaratie": [
        "Sinds ons vorige bericht hebben we de gegevens van uw zorgverlener opgevraagd. Zodra we "
        "die hebben, beoordelen we uw klacht verder.",
        "Uw klacht ligt op dit moment bij onze medisch adviseur. Zijn advies verwachten we binnen "
        "twee weken; daarna hoort u van ons.",
    ],
    "wachttijd": [
        "Onze zorgbemiddelaars zoeken met u mee naar een zorgverlener met een kortere wachttijd. "
        "Daarna geven we ons antwoord op uw klacht.",
    ],
    "premie": [
        "We hebben de afschrijvingen op uw rekening opgevraagd bij onze afdeling Incasso. Zodra we "
        "die naast uw polis hebben gelegd, hoort u van ons.",
    ],
    "schade": [
        "Een senior jurist bekijkt uw dossier op dit moment opnieuw. Daarna bespreken we met uw "
        "jurist wat de volgende stap is.",
    ],
}
STATUSUPDATE_NA_STUKKEN = (
    "We hebben de stukken die u stuurde ontvangen en bekeken; de termijn loopt weer. We verwachten "
    "u binnenkort een inhoudelijk antwoord te kunnen geven."
)
STATUSUPDATE_HEROVERWEGING = (
    "We hebben uw verzoek om heroverweging ontvangen. {behandelaar} bekijkt uw klacht opnieuw, "
    "samen met de argumenten uit uw verzoek, en was niet bij de eerste behandeling betrokken."
)
NOTITIES = {
    "algemeen": [
        "Navraag gedaan bij de afdeling {afdeling}; reactie volgt deze week.",
        "Betrokken medewerker gesproken; verslag van het gesprek toegevoegd aan het dossier.",
        "Vergelijkbare klacht eerder dit jaar; nagaan of de oorzaak dezelfde is.",
        "Klantbeeld en eerdere contacten van de afgelopen twee jaar doorgenomen.",
    ],
    "declaratie": [
        "Declaratiehistorie van de afgelopen twee jaar opgevraagd.",
        "Advies gevraagd aan de medisch adviseur.",
    ],
    "wachttijd": ["Besproken in het klachtenoverleg: zorgbemiddeling direct inzetten."],
    "premie": ["Incassohistorie en bankafschriften van de klant naast elkaar gelegd."],
    "schade": ["Dossier voorgelegd aan een senior jurist voor een second opinion."],
}
TELEFOONGESPREKKEN = {
    "algemeen": [
        "Klant gebeld: klacht doorgenomen en uitgelegd hoe de behandeling verloopt. Klant wacht het "
        "antwoord af.",
        "Klant teruggebeld over de gewenste oplossing: wil vooral een duidelijke uitleg.",
        "Voicemail ingesproken; klant belde later terug. Aanvullende vragen gesteld over het "
        "verloop.",
    ],
    "declaratie": [
        "Klant belde zelf met de vraag hoe het ervoor staat; uitgelegd dat we op informatie van de "
        "{zorgverlener} wachten.",
    ],
    "schade": [
        "Klant gebeld: uitgelegd dat een senior jurist meekijkt en wat dat betekent voor de zaak.",
    ],
}
KLANTBERICHTEN = {
    "algemeen": [
        "Ik wil nog aanvullen dat ik hierover in {maand} al twee keer heb gebeld, zonder resultaat.",
        "Wanneer kan ik een antwoord verwachten? Ik heb nog niets gehoord.",
        "Ik heb intussen een nieuwe brief van u gekregen die ik niet begrijp. Wilt u die meenemen "
        "bij mijn klacht?",
    ],
    "declaratie": [
        "Mijn {zorgverlener} heeft mij gebeld en zegt dat de rekening wel degelijk klopt. Kunt u "
        "dat nog eens nakijken?",
    ],
    "schade": [
        "De wederpartij heeft mij opnieuw een brief gestuurd. Ik weet niet wat ik daarmee moet "
        "doen zolang mijn jurist niet reageert.",
    ],
}
HEROVERWEGING_REDENEN = {
    "algemeen": [
        "Ik ben het niet eens met uw antwoord. U gaat niet in op mijn belangrijkste punt: mij is "
        "destijds telefonisch iets anders toegezegd.",
        "Uw antwoord klopt niet met de voorwaarden die ik bij het afsluiten heb gekregen. Ik vraag "
        "u de klacht opnieuw te bekijken.",
        "Ik vind dat u te makkelijk voorbijgaat aan de gevolgen voor mij. Ik wil dat iemand anders "
        "er nog eens naar kijkt.",
    ],
    "declaratie": [
        "Mijn zorgverlener bevestigt dat de behandeling noodzakelijk was. Ik vraag u daarom uw "
        "beslissing te heroverwegen.",
    ],
    "schade": [
        "Uw jurist heeft nooit met mij besproken waarom mijn zaak geen kans zou hebben. Ik wil dat "
        "een ander dit beoordeelt.",
    ],
}
HEROVERWEGING_ONDERZOEK = (
    "Een tweede behandelaar heeft het hele dossier opnieuw bekeken: uw klacht, ons eerste antwoord "
    "en uw argumenten voor de heroverweging."
)
ONTVANKELIJK_TOELICHTINGEN = [
    "Gaat over onze dienstverlening, niet over een besluit waarvoor de bezwaarprocedure geldt.",
    "Ontvankelijk; klant gevraagd de nota na te sturen.",
]
# (why not admissible, what the customer can do instead)
NIET_ONTVANKELIJK = {
    "zorgzaam": [
        (
            "Uw bericht gaat over ons besluit op uw aanvraag voor een machtiging. Daartegen kunt u "
            "bezwaar maken; dat is een andere procedure dan een klacht.",
            "Stuur uw bezwaar binnen zes weken naar de afdeling Zorgbemiddeling, of gebruik het "
            "bezwaarformulier op onze website.",
        ),
        (
            "Uw klacht gaat over de behandeling door uw zorgverlener zelf, niet over onze "
            "dienstverlening.",
            "Voor klachten over een zorgverlener kunt u terecht bij de klachtenfunctionaris van de "
            "praktijk of het ziekenhuis.",
        ),
        (
            "Over deze kwestie hebben wij u eerder ons definitieve standpunt gegeven. Dezelfde "
            "klacht behandelen wij niet opnieuw.",
            "U kunt uw klacht voorleggen aan de externe instantie die in ons eerdere antwoord "
            "staat.",
        ),
    ],
    "rechtsbijstand": [
        (
            "Uw bericht is een verzoek om rechtsbijstand in een nieuwe zaak, geen klacht over onze "
            "dienstverlening.",
            "We hebben uw verzoek als nieuwe zaak doorgezet naar de afdeling Schade en rechtshulp; "
            "u hoort daar binnen vijf werkdagen van.",
        ),
        (
            "Uw klacht gaat over een verzekering die u niet bij ons heeft, maar bij een andere "
            "verzekeraar.",
            "Neem contact op met de klachtenafdeling van die verzekeraar.",
        ),
    ],
}
# The answer term is suspended while we wait for documents from the customer, where the categorie
# has them: (reason the customer reads, what the customer then sends, file name, what the PDF says).
OPSCHORTING = {
    "declaratie": (
        "We wachten op de nota en het verwijsbriefje van uw {zorgverlener}, waar we u om hebben "
        "gevraagd. Zonder die stukken kunnen we uw klacht niet beoordelen.",
        "Hierbij stuur ik de nota en het verwijsbriefje waar u om vroeg. Ik hoop dat u hiermee "
        "verder kunt.",
        "nota-en-verwijzing.pdf",
        "Nota",
    ),
    "wachttijd": (
        "Voor het onderzoek hebben we uw toestemming nodig om gegevens bij uw zorgverlener op te "
        "vragen. We hebben u daarvoor een formulier gestuurd.",
        "Hierbij het ingevulde en ondertekende toestemmingsformulier.",
        "toestemming.pdf",
        "Toestemmingsformulier",
    ),
    "premie": (
        "We wachten op de bankafschriften waarop de afschrijvingen te zien zijn, waar we u om "
        "hebben gevraagd.",
        "Hierbij de bankafschriften van de afgelopen drie maanden.",
        "bankafschriften.pdf",
        "Bankafschrift",
    ),
    "polis-voorwaarden": (
        "We wachten op de bevestiging van uw wijziging die u destijds van ons kreeg, waar we u om "
        "hebben gevraagd.",
        "Hierbij de bevestiging die ik destijds per e-mail van u kreeg.",
        "bevestiging.pdf",
        "Bevestiging wijziging",
    ),
    "schade": (
        "We wachten op de brief van de wederpartij en uw contract, waar we u om hebben gevraagd. "
        "Zonder die stukken kunnen we uw klacht niet beoordelen.",
        "Hierbij stuur ik de brief van de wederpartij en mijn contract, waar u om vroeg.",
        "stukken-wederpartij.pdf",
        "Brief wederpartij",
    ),
}
VERLENGING_REDENEN = {
    "zorgzaam": [
        "Voor een goed oordeel hebben we het advies van onze medisch adviseur nodig. Dat advies is er "
        "niet vóór de oorspronkelijke datum.",
        "Uw klacht raakt meerdere afdelingen. We nemen de tijd om alles zorgvuldig uit te zoeken.",
    ],
    "rechtsbijstand": [
        "We wachten nog op de reactie van de wederpartij op de vragen van onze jurist.",
        "We hebben een second opinion gevraagd aan een externe advocaat; die heeft meer tijd nodig.",
    ],
}
HEROPEN_REDENEN = [
    "Klant meldt dat de toegezegde aanpassing niet is doorgevoerd.",
    "Nieuwe informatie van de klant die het oordeel kan veranderen.",
]
# A lesson per categorie (recorded on closing a founded complaint).
LEERMOMENTEN = {
    "declaratie": [
        "Afwijzingsbrieven voor declaraties noemen niet altijd de reden; de standaardzin wordt vaak "
        "weggelaten.",
        "Bij twijfel over een declaratie eerst de klant bellen in plaats van direct af te wijzen.",
    ],
    "premie": [
        "Dubbele incasso's na een wijziging van het rekeningnummer worden niet gesignaleerd."
    ],
    "communicatie": [
        "Terugbelafspraken worden niet altijd vastgelegd in het klantbeeld; collega's weten dan "
        "niet dat de klant wacht.",
        "Adreswijzigingen uit Mijn omgeving komen niet altijd bij de postadministratie aan.",
    ],
    "bejegening": [
        "Bij emotionele klanten het gesprek niet afbreken maar een terugbelafspraak maken.",
    ],
    "wachttijd": [
        "Zorgbemiddeling start pas na een tweede verzoek; eerder inzetten bij wachttijden boven de "
        "treeknorm.",
    ],
    "polis-voorwaarden": [
        "Wat de klant bij het afsluiten wordt verteld, verschilt soms van de voorwaarden: "
        "verkoopscripts nalopen.",
    ],
    "schade": [
        "Klanten horen te lang niets als een zaak stilligt; de jurist meldt zich elke vier weken.",
        "Inschakelen van een externe advocaat altijd vooraf met de klant afstemmen, met de kosten.",
    ],
    "overig": ["Storingen in de app worden niet gemeld aan klanten die erdoor vastlopen."],
}
VERBETERPUNTEN = {
    "declaratie": "Standaardbrief afwijzing declaratie herschrijven in B1-taal, met de reden van "
    "afwijzing en wat de klant kan doen.",
    "premie": "Controle op dubbele premie-incasso toevoegen aan de maandelijkse incassorun.",
    "communicatie": "Terugbelverzoeken automatisch als taak in het CRM zetten, met een termijn.",
    "bejegening": "Training 'lastige gesprekken' voor de medewerkers van de klantenservice.",
    "wachttijd": "Lijst met alternatieve zorgverleners per regio maandelijks bijwerken.",
    "polis-voorwaarden": "Verkoopscripts afstemmen op de actuele polisvoorwaarden.",
    "schade": "Jurist stuurt de klant automatisch een bericht na vier weken zonder voortgang.",
    "overig": "Storingsmelding op de website en in de app bij grote storingen.",
}
LOSSE_VERBETERPUNTEN = [
    "Kwartaalanalyse klachten: bereikbaarheid telefonisch is de grootste bron; extra bezetting op "
    "maandagochtend.",
    "Klachtbehandelaars krijgen een vaste training in het schrijven van een gemotiveerd antwoord.",
]
EXTERN_INGEDIEND = (
    "Klant heeft de klacht voorgelegd aan {instantie}. Dossier en ons definitieve standpunt "
    "aangeleverd."
)
EXTERN_UITKOMSTEN = {
    Uitkomst.ONGEGROND: "De commissie oordeelt dat wij de dekking terecht hebben afgewezen.",
    Uitkomst.DEELS_GEGROND: "De commissie oordeelt dat wij de klant onvoldoende hebben "
    "geïnformeerd; een vergoeding van € 250 toegekend.",
    Uitkomst.GEGROND: "De commissie oordeelt dat de kosten onder de dekking vallen; alsnog "
    "vergoeden.",
    Uitkomst.SCHIKKING: "Tijdens de procedure een schikking getroffen: de helft van de kosten "
    "vergoed.",
    Uitkomst.INGETROKKEN: "De klant heeft de klacht bij de commissie ingetrokken.",
}
EXTERN_LEERMOMENT = (
    "Uitspraak {instantie} ({uitkomst}) besproken in het teamoverleg; de werkinstructie is erop "
    "nagelopen."
)


OORDEEL_GEWICHTEN = {
    Oordeel.GEGROND: 30,
    Oordeel.DEELS_GEGROND: 25,
    Oordeel.ONGEGROND: 38,
    Oordeel.NIET_TE_BEOORDELEN: 7,
}
# The second line's oordeel, given the first one.
HEROVERWEGING_OORDEEL = {
    Oordeel.DEELS_GEGROND: {Oordeel.DEELS_GEGROND: 70, Oordeel.GEGROND: 30},
    Oordeel.ONGEGROND: {Oordeel.ONGEGROND: 60, Oordeel.DEELS_GEGROND: 30, Oordeel.GEGROND: 10},
    Oordeel.NIET_TE_BEOORDELEN: {Oordeel.ONGEGROND: 60, Oordeel.DEELS_GEGROND: 40},
}
UITKOMST_GEWICHTEN = {
    Uitkomst.ONGEGROND: 45,
    Uitkomst.DEELS_GEGROND: 20,
    Uitkomst.GEGROND: 10,
    Uitkomst.SCHIKKING: 15,
    Uitkomst.INGETROKKEN: 10,
}

# A bracketed instruction in a message template ("[Beschrijf het onderzoek.]"), which the handler
# replaces by their own text before sending.
PLAATSHOUDER = re.compile(r"\[[^\[\]\n]+\]")


# For the AFM's yearly complaint survey: a health insurer and a legal-expenses insurer.
PRODUCTGROEP_PER_LABEL = {"zorgzaam": "zorg", "rechtsbijstand": "schade"}

# The root causes a handler would record, per categorie, when the complaint was (partly) right;
# an unfounded complaint mostly had no shortcoming of ours behind it.
OORZAKEN_BIJ = {
    "declaratie": ["verwerking", "doorlooptijd", "informatie"],
    "premie": ["informatie", "verwerking", "beleid"],
    "communicatie": ["informatie", "systeem"],
    "bejegening": ["bejegening"],
    "wachttijd": ["doorlooptijd", "derden"],
}


def oorzaak_van(klacht: Klacht, oordeel: str) -> Oorzaak | None:
    """A plausible root cause for the demo, chosen from the dossier number (no random draw, so
    the rest of the demo stays as it was)."""
    if oordeel == Oordeel.NIET_TE_BEOORDELEN:
        return None
    codes = (
        ["geen-fout", "geen-fout", "beleid"]
        if oordeel == Oordeel.ONGEGROND
        else OORZAKEN_BIJ.get(klacht.categorie.code, ["verwerking", "derden"])
    )
    return Oorzaak.objects.filter(code=codes[klacht.pk % len(codes)]).first()


def verleden_verzonden(berichten, nu: dt.datetime) -> None:
    """Demo messages of the past went out when they were written (the worker finds nothing left
    to send); those of the last two days stay in the outbox for the worker (dev: var/mail/)."""
    berichten.filter(
        status=BerichtStatus.WACHTEND, created_at__lt=nu - dt.timedelta(days=2)
    ).update(
        status=BerichtStatus.VERZONDEN,
        verzonden_op=F("created_at") + dt.timedelta(seconds=20),
        pogingen=1,
    )


def kiezen(rng: random.Random, gewichten: dict):
    return rng.choices(list(gewichten), weights=list(gewichten.values()))[0]


def invullen(rng: random.Random, tekst: str, **extra) -> str:
    return tekst.format(
        zorgverlener=rng.choice(ZORGVERLENERS),
        bedrag=f"{rng.randint(35, 1850)},{rng.randint(0, 99):02d}",
        maand=rng.choice(MAANDEN),
        dagen=rng.choice([2, 3, 5, 10, 25, 40]),
        weken=rng.randint(3, 14),
        **extra,
    )


def opstellen(klacht: Klacht, soort: BerichtSoort, alineas: list[str], **extra) -> tuple[str, str]:
    """A message as a handler sends it: the beheerder's template, its [instructions] written out."""
    onderwerp, tekst = berichten.bericht_opstellen(klacht=klacht, soort=soort, **extra)
    for alinea in alineas:
        tekst = PLAATSHOUDER.sub(lambda _m, alinea=alinea: alinea, tekst, count=1)
    return onderwerp, tekst


def werkmoment(rng: random.Random, datum: dt.date) -> dt.datetime:
    """A moment during office hours on `datum` (Europe/Amsterdam)."""
    tijd = dt.time(rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59))
    return kalender.lokaal_moment(datum, tijd)


def demo_pdf(regel: str) -> bytes:
    """A small, valid one-page PDF with one line of text: an attachment the upload check accepts."""
    tekst = regel.replace("\\", "").replace("(", "").replace(")", "").encode("latin-1", "replace")
    inhoud = b"BT /F1 14 Tf 72 760 Td (" + tekst + b") Tj ET"
    objecten = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(inhoud), inhoud),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    posities = []
    for nummer, inhoud_object in enumerate(objecten, start=1):
        posities.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (nummer, inhoud_object)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objecten) + 1)
    for positie in posities:
        pdf += b"%010d 00000 n \n" % positie
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objecten) + 1,
        xref,
    )
    return bytes(pdf)


@contextlib.contextmanager
def klok(moment: dt.datetime):
    """The demo's time machine: `timezone.now()` says `moment` while the services run.

    Everything the services stamp then belongs to the moment the step happens: the *_op fields,
    created_at, the history's dates, deadlines counted from 'now' (heroverweging, heropenen), and
    the dates in the messages (the last day for Kifid in a definitief standpunt). Model defaults that
    hold the function itself (`Gebeurtenis.op`) are out of its reach: `gebeurtenissen_dateren`
    moves those afterwards.
    """
    echt = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = echt


@dataclass
class Dossier:
    """Who is involved in one demo complaint."""

    ontvangen_op: dt.datetime
    label: Label
    categorie: Categorie
    web: bool
    urgent: bool
    registrant: Medewerker | None
    eerste: Medewerker
    tweede: Medewerker | None  # the second line for a heroverweging (never the first handler)
    teamleider: Medewerker
    gebruikers: dict[str, Medewerker]


@dataclass
class Stap:
    dag: int  # days after the day of receipt
    volgorde: int
    klant: bool  # the customer acts (any hour, any day) rather than a handler (office hours)
    uitvoeren: Callable[[Klacht], object]


@dataclass
class Draaiboek:
    """The planned life of one complaint: steps on days after receipt, each one service call.

    Steps are planned in any order and run by day (then in the order planned). Texts are drawn when
    a step is planned, so what is cut off at today does not change the other dossiers.
    """

    dossier: Dossier
    rng: random.Random
    begin: dt.datetime  # when the complaint was registered: every step comes after it
    vandaag: dt.date  # handlers work on weekdays: see `werkdag`
    stappen: list[Stap] = field(default_factory=list)
    gedeeld: dict = field(default_factory=dict)  # what a later step needs from an earlier one
    _stapels: dict = field(default_factory=dict)

    @property
    def basis(self) -> dt.date:
        return kalender.lokale_datum(self.dossier.ontvangen_op)

    def stap(self, dag: int, uitvoeren: Callable[[Klacht], object], *, klant=False) -> None:
        self.stappen.append(Stap(dag, len(self.stappen), klant, uitvoeren))

    def momenten(self) -> list[tuple[dt.datetime, Stap]]:
        """Each step's moment: its day, at a time of day that fits who acts, after the previous."""
        vorige = self.begin
        uitkomst = []
        for stap in sorted(self.stappen, key=lambda s: (s.dag, s.volgorde)):
            datum = self.basis + dt.timedelta(days=stap.dag)
            if stap.klant:
                tijd = dt.time(self.rng.randint(7, 22), self.rng.randint(0, 59))
                moment = kalender.lokaal_moment(datum, tijd)
            else:
                moment = werkmoment(self.rng, self.werkdag(datum))
            if moment <= vorige:
                moment = vorige + dt.timedelta(minutes=self.rng.randint(4, 40))
                if not stap.klant and moment.astimezone(kalender.AMSTERDAM).hour >= 18:
                    # After an evening complaint or message: the next working morning.
                    datum = kalender.lokale_datum(moment) + dt.timedelta(days=1)
                    while datum.weekday() >= 5:
                        datum += dt.timedelta(days=1)
                    moment = werkmoment(self.rng, datum)
            uitkomst.append((moment, stap))
            vorige = moment
        return uitkomst

    def werkdag(self, datum: dt.date) -> dt.date:
        """A handler's step of the weekend moves to Monday; to Friday when that Monday is
        (almost) today, so what was planned as done stays done."""
        if datum.weekday() < 5:
            return datum
        maandag = datum + dt.timedelta(days=7 - datum.weekday())
        if maandag <= self.vandaag - dt.timedelta(days=2):
            return maandag
        return datum - dt.timedelta(days=datum.weekday() - 4)

    def tekst(self, teksten: dict[str, list[str]]) -> str:
        """A text that fits this complaint ("algemeen", or keyed by its categorie or label), with
        its placeholders filled; not the same one twice in a dossier until all were used."""
        stapel = self._stapels.setdefault(id(teksten), [])
        if not stapel:
            passend = [
                *teksten.get("algemeen", []),
                *teksten.get(self.dossier.categorie.code, []),
                *teksten.get(self.dossier.label.slug, []),
            ]
            stapel.extend(self.rng.sample(passend, len(passend)))
        return invullen(self.rng, stapel.pop(), afdeling=self.dossier.categorie.afdeling.naam)

    # --- the steps, one per service --------------------------------------------------------------

    def toewijzen(self, dag: int, *, tweede_lijn=False) -> None:
        """The teamleider assigns, unless the handler took it on themselves (registered it)."""
        d = self.dossier
        behandelaar = d.tweede if tweede_lijn else d.eerste
        zelf = behandelaar == d.teamleider or (not tweede_lijn and behandelaar == d.registrant)
        door = behandelaar if zelf else d.teamleider
        afdeling = d.categorie.afdeling
        self.stap(
            dag,
            lambda klacht: services.toewijzen(
                klacht=klacht, door=door, afdeling=afdeling, behandelaar=behandelaar
            ),
        )

    def bevestigen(self, dag: int) -> None:
        door = self.dossier.eerste
        self.stap(dag, lambda klacht: services.ontvangst_bevestigen(klacht=klacht, door=door))

    def ontvankelijk(self, dag: int, toelichting: str = "") -> None:
        door = self.dossier.eerste
        self.stap(
            dag,
            lambda klacht: services.ontvankelijk_verklaren(
                klacht=klacht, door=door, toelichting=toelichting
            ),
        )

    def niet_ontvankelijk(self, dag: int) -> None:
        door = self.dossier.eerste
        reden, route = self.rng.choice(NIET_ONTVANKELIJK[self.dossier.label.slug])

        def uitvoeren(klacht):
            onderwerp, tekst = opstellen(klacht, BerichtSoort.NIET_ONTVANKELIJK, [reden, route])
            return services.niet_ontvankelijk_verklaren(
                klacht=klacht, door=door, onderwerp=onderwerp, tekst=tekst
            )

        self.stap(dag, uitvoeren)

    def statusupdate(self, dag: int, *, tweede_lijn=False, na_stukken=False) -> None:
        if tweede_lijn:
            door = self.dossier.tweede
            alinea = STATUSUPDATE_HEROVERWEGING.format(behandelaar=door)
        else:
            door = self.dossier.eerste
            alinea = STATUSUPDATE_NA_STUKKEN if na_stukken else self.tekst(STATUSUPDATES)

        def uitvoeren(klacht):
            extra = {}
            if klacht.status == Status.IN_HEROVERWEGING:
                # The date the customer waits for now is the reconsideration's, not the first
                # answer's (the template's {{ antwoord_uiterlijk }}).
                extra["antwoord_uiterlijk"] = klacht.heroverweging_uiterlijk_datum
            onderwerp, tekst = opstellen(klacht, BerichtSoort.STATUSUPDATE, [alinea], **extra)
            return services.statusupdate_sturen(
                klacht=klacht, door=door, onderwerp=onderwerp, tekst=tekst
            )

        self.stap(dag, uitvoeren)

    def notitie(self, dag: int, tekst: str = "", *, door: Medewerker | None = None) -> None:
        door = door or self.dossier.eerste
        tekst = tekst or self.tekst(NOTITIES)
        self.stap(
            dag, lambda klacht: services.notitie_toevoegen(klacht=klacht, door=door, tekst=tekst)
        )

    def telefoon(self, dag: int, tekst: str = "", *, door: Medewerker | None = None) -> None:
        door = door or self.dossier.eerste
        tekst = tekst or self.tekst(TELEFOONGESPREKKEN)
        self.stap(
            dag,
            lambda klacht: services.telefooncontact_vastleggen(
                klacht=klacht, door=door, tekst=tekst
            ),
        )

    def klantbericht(self, dag: int, *, bijlage=False) -> None:
        if bijlage:
            _reden, tekst, bestandsnaam, kop = OPSCHORTING[self.dossier.categorie.code]
        else:
            tekst = self.tekst(KLANTBERICHTEN)

        def uitvoeren(klacht):
            bijlagen = []
            if bijlage:
                pdf = demo_pdf(f"{kop} - {klacht.klant_naam} - {klacht.dossiernummer}")
                bijlagen.append(SimpleUploadedFile(bestandsnaam, pdf, "application/pdf"))
            return services.klantbericht_toevoegen(
                klacht=klacht, door=KLANT, tekst=tekst, bijlagen=bijlagen
            )

        self.stap(dag, uitvoeren, klant=True)

    def opschorten(self, dag: int, nieuwe_dag: int) -> None:
        reden = invullen(self.rng, OPSCHORTING[self.dossier.categorie.code][0])
        self._termijn(dag, nieuwe_dag, TermijnwijzigingSoort.OPSCHORTING, reden)

    def verlengen(self, dag: int, nieuwe_dag: int) -> None:
        redenen = VERLENGING_REDENEN[self.dossier.label.slug]
        self._termijn(dag, nieuwe_dag, TermijnwijzigingSoort.VERLENGING, self.rng.choice(redenen))

    def _termijn(self, dag, nieuwe_dag, soort, reden) -> None:
        door = self.dossier.eerste
        nieuwe_datum = self.basis + dt.timedelta(days=nieuwe_dag)
        self.stap(
            dag,
            lambda klacht: services.termijn_wijzigen(
                klacht=klacht, door=door, soort=soort, nieuwe_datum=nieuwe_datum, reden=reden
            ),
        )

    def antwoord(self, dag: int, oordeel: Oordeel, *, definitief=False) -> None:
        door = self.dossier.eerste
        code = self.dossier.categorie.code
        if oordeel in (Oordeel.GEGROND, Oordeel.DEELS_GEGROND):
            advies = self.rng.choice(TEKSTEN[code]["oplossing"])
        elif oordeel == Oordeel.ONGEGROND:
            advies = self.tekst(ADVIES_ONGEGROND)
        else:
            advies = self.rng.choice(ADVIES_NIET_TE_BEOORDELEN)
        alineas = [ONDERZOEK[code], self.rng.choice(OORDEEL_UITLEG[oordeel]), advies]

        def uitvoeren(klacht):
            escalatie = services.escalatie_tekst(klacht, timezone.now()) if definitief else ""
            onderwerp, tekst = opstellen(
                klacht,
                BerichtSoort.ANTWOORD,
                alineas,
                oordeel=Oordeel(oordeel).label,
                escalatie=escalatie,
            )
            return services.antwoord_sturen(
                klacht=klacht,
                door=door,
                oordeel=oordeel,
                definitief_standpunt=definitief,
                onderwerp=onderwerp,
                tekst=tekst,
                oorzaak=oorzaak_van(klacht, oordeel),
            )

        self.stap(dag, uitvoeren)

    def afsluiten(self, dag: int, *, tweede_lijn=False) -> None:
        door = self.dossier.tweede if tweede_lijn else self.dossier.eerste
        self.stap(dag, lambda klacht: services.afsluiten(klacht=klacht, door=door))

    def heroverweging_vragen(self, dag: int) -> None:
        reden = self.tekst(HEROVERWEGING_REDENEN)
        self.stap(
            dag,
            lambda klacht: services.heroverweging_vragen(klacht=klacht, door=KLANT, reden=reden),
            klant=True,
        )

    def heroverweging_beantwoorden(self, dag: int, oordeel: Oordeel) -> None:
        door = self.dossier.tweede
        alineas = [HEROVERWEGING_ONDERZOEK, self.rng.choice(OORDEEL_UITLEG[oordeel])]

        def uitvoeren(klacht):
            onderwerp, tekst = opstellen(
                klacht,
                BerichtSoort.HEROVERWEGING_ANTWOORD,
                alineas,
                oordeel=Oordeel(oordeel).label,
                escalatie=services.escalatie_tekst(klacht, timezone.now()),
            )
            return services.heroverweging_beantwoorden(
                klacht=klacht, door=door, oordeel=oordeel, onderwerp=onderwerp, tekst=tekst
            )

        self.stap(dag, uitvoeren)

    def heropenen(self, dag: int) -> None:
        door = self.dossier.eerste
        reden = self.rng.choice(HEROPEN_REDENEN)
        self.stap(dag, lambda klacht: services.heropenen(klacht=klacht, door=door, reden=reden))

    def extern(
        self,
        ingediend_dag: int,
        vastgelegd_dag: int,
        uitkomst: Uitkomst | None = None,
        beslist_dag: int | None = None,
        uitkomst_vastgelegd_dag: int | None = None,
    ) -> None:
        """The customer goes to the label's externe instantie; later its decision is recorded."""
        door = self.dossier.teamleider
        instantie = self.dossier.label.externe_instantie
        ingediend = self.basis + dt.timedelta(days=ingediend_dag)

        def indienen(klacht):
            self.gedeeld["procedure"] = services.externe_procedure_vastleggen(
                klacht=klacht,
                door=door,
                instantie=instantie,
                ingediend_datum=ingediend,
                toelichting=EXTERN_INGEDIEND.format(instantie=instantie.naam),
            )

        self.stap(vastgelegd_dag, indienen)
        if uitkomst is None or beslist_dag is None or uitkomst_vastgelegd_dag is None:
            return
        beslist = self.basis + dt.timedelta(days=beslist_dag)

        def uitspraak(klacht):
            services.externe_procedure_vastleggen(
                klacht=klacht,
                door=door,
                instantie=instantie,
                ingediend_datum=ingediend,
                uitkomst=uitkomst,
                beslist_datum=beslist,
                toelichting=EXTERN_UITKOMSTEN[uitkomst],
                procedure=self.gedeeld["procedure"],
            )

        self.stap(uitkomst_vastgelegd_dag, uitspraak)
        leermoment = EXTERN_LEERMOMENT.format(
            instantie=instantie.naam.split(" (")[0], uitkomst=Uitkomst(uitkomst).label.lower()
        )
        self.leermoment(uitkomst_vastgelegd_dag + self.rng.randint(0, 5), leermoment, door=door)

    def leermoment(self, dag: int, tekst: str = "", *, door: Medewerker | None = None) -> None:
        door = door or self.dossier.eerste
        tekst = tekst or self.rng.choice(LEERMOMENTEN[self.dossier.categorie.code])
        self.stap(
            dag,
            lambda klacht: services.leermoment_toevoegen(
                klacht=klacht, door=door, omschrijving=tekst
            ),
        )

    def verbeterpunt(
        self,
        dag: int,
        *,
        eigenaar: Medewerker,
        streef_dag: int,
        opvolging: list[tuple[int, VerbeterpuntStatus]],
    ) -> None:
        """The teamleider records an improvement action; its owner follows it up (opvolging)."""
        door = self.dossier.teamleider
        omschrijving = VERBETERPUNTEN[self.dossier.categorie.code]
        streefdatum = self.basis + dt.timedelta(days=streef_dag)

        def toevoegen(klacht):
            self.gedeeld["verbeterpunt"] = services.verbeterpunt_toevoegen(
                door=door,
                omschrijving=omschrijving,
                eigenaar=eigenaar,
                streefdatum=streefdatum,
                klacht=klacht,
            )

        self.stap(dag, toevoegen)
        for opvolg_dag, status in opvolging:
            self.stap(
                opvolg_dag,
                lambda _klacht, status=status: services.verbeterpunt_bijwerken(
                    verbeterpunt=self.gedeeld["verbeterpunt"], door=eigenaar, status=status
                ),
            )


def opvolging_trekken(
    rng: random.Random, dag: int, streef_dag: int
) -> list[tuple[int, VerbeterpuntStatus]]:
    """How an improvement action is followed up: mostly done around its due date, some late."""
    gestart = dag + rng.randint(5, 20)
    kans = rng.random()
    if kans < 0.6:
        gereed = max(gestart + 3, streef_dag + rng.randint(-10, 7))
        return [(gestart, VerbeterpuntStatus.IN_UITVOERING), (gereed, VerbeterpuntStatus.GEREED)]
    if kans < 0.75:
        return [(gestart, VerbeterpuntStatus.IN_UITVOERING)]  # overdue once past its due date
    if kans < 0.85:
        return [(dag + rng.randint(10, 40), VerbeterpuntStatus.VERVALLEN)]
    return []


# --- the usual life of a complaint, drawn at random ----------------------------------------------


# Kwetsbare klanten (issue 9): what the handler notes with a signal, and where such a customer is
# referred to (none for a medical urgency: that is handled here, faster).
KWETSBAAR = {
    KwetsbaarheidSoort.BETALINGSPROBLEMEN: (
        [
            "De klant kan de premie al twee maanden niet betalen en heeft meer schulden.",
            "De klant heeft een betalingsachterstand en is bang voor de incasso.",
        ],
        ["Schuldhulpverlening van de gemeente", "Geldloket van de gemeente"],
    ),
    KwetsbaarheidSoort.LAAGGELETTERDHEID: (
        [
            "Lezen gaat moeilijk; de klant wil liever gebeld worden.",
            "De dochter belde namens de klant, die onze brieven niet goed kan lezen.",
        ],
        ["Taalhuis in de bibliotheek"],
    ),
    KwetsbaarheidSoort.MULTIPROBLEMATIEK: (
        ["De klant is net gescheiden, ziek thuis en heeft geldzorgen."],
        ["Wijkteam van de gemeente", "Algemeen maatschappelijk werk"],
    ),
    KwetsbaarheidSoort.MEDISCHE_URGENTIE: (
        ["De behandeling staat over twee weken gepland; de klant wacht nog op de machtiging."],
        [],
    ),
}
VERWIJZING_UITKOMSTEN = {
    DoorverwijzingUitkomst.GEHOLPEN: 5,
    DoorverwijzingUitkomst.NIET_GEHOLPEN: 1,
    DoorverwijzingUitkomst.AFGESLAGEN: 2,
    DoorverwijzingUitkomst.ONBEKEND: 1,
}


def kwetsbare_klant_plannen(b: Draaiboek, rng: random.Random) -> None:
    """About one complaint in twenty is from a vulnerable customer: the first handler records a
    signal in the first days (the urgency goes up), and refers the customer on a week later; the
    outcome follows some weeks after. Drawn from `rng` (a seed of its own), so the other dossiers
    stay as they were. A step the workflow does not allow then (the complaint was closed as not
    admissible) is left out."""
    if rng.random() >= 1 / 20:
        return
    premie = b.dossier.categorie.afdeling.code == "premie-incasso"
    soort = KwetsbaarheidSoort.BETALINGSPROBLEMEN if premie else rng.choice(list(KWETSBAAR))
    toelichtingen, instanties = KWETSBAAR[soort]
    door = b.dossier.eerste
    dag = rng.randint(1, 3)

    def mag(naam: str, klacht: Klacht) -> bool:
        return weigering(naam, klacht, door) is None

    toelichting = rng.choice(toelichtingen)

    def vastleggen(klacht: Klacht) -> None:
        if mag("kwetsbaarheid_vastleggen", klacht):
            services.kwetsbaarheid_vastleggen(
                klacht=klacht, door=door, soort=soort, toelichting=toelichting
            )

    b.stap(dag, vastleggen)
    if not instanties:
        return
    naar, uitkomst = rng.choice(instanties), kiezen(rng, VERWIJZING_UITKOMSTEN)
    verwezen, uitkomst_dag = dag + rng.randint(4, 9), dag + rng.randint(25, 50)

    def verwijzen(klacht: Klacht) -> None:
        if mag("doorverwijzing_vastleggen", klacht):
            b.gedeeld["doorverwijzing"] = services.doorverwijzing_vastleggen(
                klacht=klacht, door=door, naar=naar, datum=kalender.vandaag()
            )

    def uitkomst_vastleggen(klacht: Klacht) -> None:
        verwijzing = b.gedeeld.get("doorverwijzing")
        if verwijzing is not None and mag("doorverwijzing_vastleggen", klacht):
            services.doorverwijzing_vastleggen(
                klacht=klacht,
                door=door,
                doorverwijzing=verwijzing,
                naar=verwijzing.naar,
                datum=verwijzing.datum,
                uitkomst=uitkomst,
            )

    b.stap(verwezen, verwijzen)
    b.stap(uitkomst_dag, uitkomst_vastleggen)


def gewoon_verloop(b: Draaiboek) -> None:
    """Assigned, acknowledged, admissible, investigated with statusupdates every two to three
    weeks, answered within the term (or an extended one), closed; now and then not admissible,
    reconsidered, taken to the externe instantie, or a lesson and an improvement action."""
    rng, d = b.rng, b.dossier
    toegewezen = rng.choice([0, 0, 1, 1, 2]) if d.web else 0
    b.toewijzen(toegewezen)
    bevestigd = 0
    if not d.web:
        # Staff acknowledge most within the 8 days; a few are late, as in real life.
        bevestigd = rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6, 7]) if rng.random() < 0.93 else 9
        b.bevestigen(bevestigd)
    begonnen = max(toegewezen, bevestigd)
    if rng.random() < 0.06:
        b.niet_ontvankelijk(begonnen + rng.randint(1, 6))
        return
    ontvankelijk = begonnen + rng.choice([0, 1, 1, 2, 3, 4])
    b.ontvankelijk(
        ontvankelijk, rng.choice(ONTVANKELIJK_TOELICHTINGEN) if rng.random() < 0.15 else ""
    )

    if d.urgent:
        antwoord = ontvankelijk + rng.randint(4, 14)
    else:
        antwoord = rng.randint(max(ontvankelijk + 5, 12), 40)
    berichten_dagen = [bevestigd]  # messages to the customer: the statusupdate clock restarts
    kans = rng.random()
    if kans < 0.07:
        verlengd = rng.randint(max(ontvankelijk + 5, 30), 38)
        nieuwe_dag = rng.randint(56, 70)
        b.verlengen(verlengd, nieuwe_dag)
        berichten_dagen.append(verlengd)
        antwoord = rng.randint(verlengd + 10, nieuwe_dag - 2)
    elif kans < 0.14 and d.categorie.code in OPSCHORTING:
        opgeschort = ontvankelijk + rng.randint(2, 8)
        wacht = rng.randint(10, 21)
        nieuwe_dag = 42 + wacht + rng.randint(0, 7)
        b.opschorten(opgeschort, nieuwe_dag)
        berichten_dagen.append(opgeschort)
        ontvangen = opgeschort + rng.randint(4, wacht)
        b.klantbericht(ontvangen, bijlage=True)
        verder = ontvangen + rng.randint(1, 3)
        b.statusupdate(verder, na_stukken=True)
        berichten_dagen.append(verder)
        antwoord = rng.randint(verder + 4, nieuwe_dag - 2)
    statusupdates_plannen(b, berichten_dagen, tot=antwoord)
    if rng.random() < 0.4:
        b.telefoon(rng.randint(ontvankelijk, antwoord - 1))
    if rng.random() < 0.5:
        b.notitie(rng.randint(ontvankelijk, antwoord - 1))
    if rng.random() < 0.2:
        b.klantbericht(rng.randint(ontvankelijk + 1, antwoord - 1))

    oordeel = kiezen(rng, OORDEEL_GEWICHTEN)
    heroverweging = oordeel != Oordeel.GEGROND and d.tweede is not None and rng.random() < 0.07
    definitief = not heroverweging and oordeel != Oordeel.GEGROND and rng.random() < 0.35
    b.antwoord(antwoord, oordeel, definitief=definitief)
    standpunt = antwoord if definitief else None
    afgesloten = antwoord + rng.choice([0, 1, 2, 3, 5, 7, 10])
    if heroverweging:
        if rng.random() < 0.5:
            gevraagd = antwoord + rng.randint(1, 9)  # before the handler closed it
        else:
            b.afsluiten(afgesloten)
            gevraagd = afgesloten + rng.randint(3, 25)
        b.heroverweging_vragen(gevraagd)
        toegewezen = gevraagd + rng.choice([0, 1, 1, 2])
        b.toewijzen(toegewezen, tweede_lijn=True)
        bevestigd = toegewezen + rng.choice([0, 1, 2])
        b.statusupdate(bevestigd, tweede_lijn=True)
        beantwoord = gevraagd + rng.randint(14, 38)
        statusupdates_plannen(b, [bevestigd], tot=beantwoord, tweede_lijn=True)
        oordeel = kiezen(rng, HEROVERWEGING_OORDEEL[oordeel])
        b.heroverweging_beantwoorden(beantwoord, oordeel)
        afgesloten = beantwoord + rng.randint(0, 4)
        b.afsluiten(afgesloten, tweede_lijn=True)
        standpunt = beantwoord
    else:
        b.afsluiten(afgesloten)

    if oordeel in (Oordeel.GEGROND, Oordeel.DEELS_GEGROND) and rng.random() < 0.25:
        b.leermoment(afgesloten)
        if rng.random() < 0.4:
            dag = afgesloten + rng.randint(1, 10)
            streef_dag = dag + rng.randint(30, 90)
            eigenaar = d.gebruikers[
                kiezen(rng, {"teamleider": 40, d.eerste.username: 25, "beheerder": 20})
            ]
            b.verbeterpunt(
                dag,
                eigenaar=eigenaar,
                streef_dag=streef_dag,
                opvolging=opvolging_trekken(rng, dag, streef_dag),
            )
    if standpunt is not None and rng.random() < (0.4 if heroverweging else 0.12):
        ingediend = standpunt + rng.randint(20, 80)
        beslist = ingediend + rng.randint(70, 200)
        b.extern(
            ingediend,
            ingediend + rng.randint(2, 10),
            kiezen(rng, UITKOMST_GEWICHTEN),
            beslist,
            beslist + rng.randint(1, 7),
        )


def statusupdates_plannen(
    b: Draaiboek, berichten_dagen: list[int], *, tot: int, tweede_lijn=False
) -> None:
    """A statusupdate every 13 to 18 days since the last message to the customer, until `tot`."""
    laatste = min(berichten_dagen)
    latere = sorted(berichten_dagen)
    while tot - laatste > 20:
        volgende = laatste + b.rng.randint(13, 18)
        tussendoor = [dag for dag in latere if laatste < dag <= volgende]
        if tussendoor:
            laatste = tussendoor[-1]
            continue
        if volgende >= tot:
            break
        b.statusupdate(volgende, tweede_lijn=tweede_lijn)
        laatste = volgende


# --- fixed dossiers: every state and every deadline colour, whatever the seed -------------------


def _bevestiging_te_laat(b: Draaiboek) -> None:  # ontvangstbevestiging 2 days overdue: red
    b.toewijzen(0)
    b.notitie(1, "Klant wil graag na 17.00 uur gebeld worden.")


def _alleen_toewijzen(b: Draaiboek) -> None:  # acknowledgement still to send
    b.toewijzen(1 if b.dossier.registrant != b.dossier.eerste else 0)


def _nog_niets(b: Draaiboek) -> None:  # a web complaint of today: acknowledged, not yet assigned
    pass


def _web_nieuw(b: Draaiboek) -> None:
    b.toewijzen(1)
    b.ontvankelijk(3)


def _statusupdate_bijna(b: Draaiboek) -> None:  # statusupdate due tomorrow: amber
    b.toewijzen(0)
    b.ontvankelijk(2)
    b.telefoon(3)
    b.notitie(9)


def _statusupdate_te_laat(b: Draaiboek) -> None:  # statusupdate 4 days overdue: red
    b.toewijzen(0)
    b.bevestigen(1)
    b.ontvankelijk(2)
    b.klantbericht(12)


def _antwoord_bijna(b: Draaiboek) -> None:  # answer due tomorrow: amber
    b.toewijzen(1)
    b.ontvankelijk(2)
    b.statusupdate(17)
    b.telefoon(25)
    b.statusupdate(34)


def _antwoord_te_laat(b: Draaiboek) -> None:  # answer 4 days overdue: red
    b.toewijzen(0)
    b.ontvankelijk(3)
    b.statusupdate(18)
    b.notitie(30)
    b.statusupdate(36)


def _verlengd(b: Draaiboek) -> None:  # answer term extended to day 70
    b.toewijzen(1)
    b.ontvankelijk(2)
    b.statusupdate(16)
    b.verlengen(36, 70)
    b.notitie(44)


def _opgeschort(b: Draaiboek) -> None:  # suspended for the customer's documents, which came
    b.toewijzen(0)
    b.ontvankelijk(1)
    b.opschorten(6, 63)
    b.klantbericht(14, bijlage=True)
    b.telefoon(15)
    b.statusupdate(16, na_stukken=True)


def _beantwoord(b: Draaiboek) -> None:  # answered two days ago, to be closed
    b.toewijzen(0)
    b.ontvankelijk(1)
    b.statusupdate(15)
    b.telefoon(22)
    b.antwoord(32, Oordeel.GEGROND)
    b.afsluiten(38)


def _heroverweging_loopt(b: Draaiboek) -> None:  # second line assigned, working on it
    b.toewijzen(1)
    b.ontvankelijk(2)
    b.statusupdate(17)
    b.antwoord(33, Oordeel.ONGEGROND)
    b.afsluiten(36)
    b.heroverweging_vragen(64)
    b.toewijzen(65, tweede_lijn=True)
    b.statusupdate(66, tweede_lijn=True)
    b.notitie(
        70, "Heroverweging: advies van de medisch adviseur opnieuw gevraagd.", door=b.dossier.tweede
    )


def _heroverweging_nieuw(b: Draaiboek) -> None:  # asked two days ago; no second line yet
    b.toewijzen(0)
    b.ontvankelijk(2)
    b.statusupdate(16)
    b.antwoord(33, Oordeel.DEELS_GEGROND)
    b.heroverweging_vragen(48)


def _heropend(b: Draaiboek) -> None:
    b.toewijzen(0)
    b.bevestigen(1)
    b.ontvankelijk(2)
    b.statusupdate(16)
    b.antwoord(28, Oordeel.DEELS_GEGROND)
    b.afsluiten(30)
    b.telefoon(
        100, "Klant belt: de toegezegde aanpassing van de polis is nog steeds niet doorgevoerd."
    )
    b.heropenen(100)
    b.statusupdate(101)


def _kifid_uitspraak(b: Draaiboek) -> None:
    b.toewijzen(0)
    b.ontvankelijk(2)
    b.notitie(5)
    b.statusupdate(17)
    b.verlengen(35, 60)
    b.antwoord(52, Oordeel.ONGEGROND)
    b.afsluiten(54)
    b.heroverweging_vragen(68)
    b.toewijzen(69, tweede_lijn=True)
    b.statusupdate(70, tweede_lijn=True)
    b.statusupdate(88, tweede_lijn=True)
    b.heroverweging_beantwoorden(96, Oordeel.ONGEGROND)
    b.afsluiten(98, tweede_lijn=True)
    b.extern(150, 153, Uitkomst.DEELS_GEGROND, 330, 333)
    b.verbeterpunt(
        336,
        eigenaar=b.dossier.eerste,
        streef_dag=396,
        opvolging=[(350, VerbeterpuntStatus.IN_UITVOERING), (390, VerbeterpuntStatus.GEREED)],
    )


def _skgz_uitspraak(b: Draaiboek) -> None:
    b.toewijzen(0)
    b.ontvankelijk(1)
    b.statusupdate(15)
    b.antwoord(30, Oordeel.ONGEGROND)
    b.afsluiten(31)
    b.heroverweging_vragen(45)
    b.toewijzen(46, tweede_lijn=True)
    b.statusupdate(47, tweede_lijn=True)
    b.heroverweging_beantwoorden(66, Oordeel.DEELS_GEGROND)
    b.afsluiten(67, tweede_lijn=True)
    b.extern(120, 124, Uitkomst.GEGROND, 250, 253)
    # Due 15 days ago and still in progress: overdue on the list of improvement actions.
    b.verbeterpunt(
        255,
        eigenaar=b.dossier.teamleider,
        streef_dag=315,
        opvolging=[(270, VerbeterpuntStatus.IN_UITVOERING)],
    )


def _kifid_lopend(b: Draaiboek) -> None:  # a definitief first answer; the case is at Kifid
    b.toewijzen(0)
    b.bevestigen(1)
    b.ontvankelijk(3)
    b.statusupdate(18)
    b.telefoon(25)
    b.antwoord(38, Oordeel.ONGEGROND, definitief=True)
    b.afsluiten(40)
    b.extern(160, 165)


def _heroverweging_gegrond(b: Draaiboek) -> None:  # the second line finds for the customer
    b.toewijzen(0)
    b.ontvankelijk(2)
    b.antwoord(16, Oordeel.ONGEGROND)
    b.heroverweging_vragen(24)
    b.toewijzen(25, tweede_lijn=True)
    b.statusupdate(26, tweede_lijn=True)
    b.heroverweging_beantwoorden(45, Oordeel.GEGROND)
    b.afsluiten(46, tweede_lijn=True)
    b.leermoment(46, door=b.dossier.tweede)
    b.verbeterpunt(
        47,
        eigenaar=b.dossier.eerste,
        streef_dag=92,
        opvolging=[(55, VerbeterpuntStatus.IN_UITVOERING), (88, VerbeterpuntStatus.GEREED)],
    )


def _niet_ontvankelijk(b: Draaiboek) -> None:
    b.toewijzen(0)
    b.bevestigen(2)
    b.niet_ontvankelijk(4)


def _over_medewerker(b: Draaiboek) -> None:  # about Sanne: the teamleider handles it
    b.toewijzen(0)
    b.bevestigen(0)
    b.ontvankelijk(1)
    b.telefoon(3)
    b.notitie(
        5, "Gesprek gevoerd met de medewerker over wie de klacht gaat; zij herkent het beeld."
    )
    b.statusupdate(15)
    b.antwoord(22, Oordeel.GEGROND)
    b.afsluiten(24)
    b.leermoment(24)


@dataclass(frozen=True)
class VastDossier:
    """A dossier that is always there, in a given state on the day the demo is loaded."""

    dagen_terug: int
    label: str
    categorie: str
    kanaal: str
    verloop: Callable[[Draaiboek], None]
    eerste: str = ""  # usernames; empty: drawn as for any complaint
    tweede: str = ""
    registrant: str = ""
    betreft: str = ""
    direct_opgelost: bool = False


WEB = Kanaal.WEBFORMULIER
# Most telling first: with a small --aantal only the first ones are made.
VASTE_DOSSIERS = [
    VastDossier(10, "zorgzaam", "communicatie", Kanaal.TELEFOON, _bevestiging_te_laat, "behandelaar", registrant="behandelaar"),
    VastDossier(41, "zorgzaam", "communicatie", WEB, _antwoord_bijna, "behandelaar"),
    VastDossier(3, "zorgzaam", "declaratie", Kanaal.BRIEF, _alleen_toewijzen, "behandelaar2", registrant="behandelaar2"),
    VastDossier(75, "zorgzaam", "declaratie", WEB, _heroverweging_loopt, "behandelaar2", "teamleider"),
    VastDossier(420, "rechtsbijstand", "schade", WEB, _kifid_uitspraak, "behandelaar3", "teamleider"),
    VastDossier(34, "zorgzaam", "wachttijd", WEB, _beantwoord, "behandelaar"),
    VastDossier(0, "zorgzaam", "premie", WEB, _nog_niets),
    VastDossier(110, "zorgzaam", "polis-voorwaarden", Kanaal.TELEFOON, _heropend, "behandelaar", registrant="behandelaar"),
    VastDossier(26, "zorgzaam", "declaratie", Kanaal.EMAIL, _statusupdate_te_laat, "behandelaar2", registrant="behandelaar2"),
    VastDossier(6, "zorgzaam", "wachttijd", Kanaal.EMAIL, _alleen_toewijzen, "behandelaar3", registrant="behandelaar"),
    VastDossier(90, "zorgzaam", "polis-voorwaarden", Kanaal.BRIEF, _niet_ontvankelijk, "behandelaar", registrant="behandelaar"),
    VastDossier(60, "zorgzaam", "communicatie", Kanaal.TELEFOON, _nog_niets, registrant="behandelaar", direct_opgelost=True),
    VastDossier(330, "zorgzaam", "declaratie", WEB, _skgz_uitspraak, "behandelaar2", "behandelaar3"),
    VastDossier(230, "rechtsbijstand", "schade", Kanaal.EMAIL, _kifid_lopend, "behandelaar3", registrant="behandelaar3"),
    VastDossier(180, "zorgzaam", "premie", WEB, _heroverweging_gegrond, "behandelaar2", "teamleider"),
    VastDossier(0, "rechtsbijstand", "polis-voorwaarden", Kanaal.TELEFOON, _alleen_toewijzen, "behandelaar", registrant="behandelaar"),
    VastDossier(2, "rechtsbijstand", "schade", WEB, _web_nieuw, "behandelaar3"),
    VastDossier(20, "zorgzaam", "bejegening", WEB, _statusupdate_bijna, "behandelaar"),
    VastDossier(46, "zorgzaam", "premie", WEB, _antwoord_te_laat, "behandelaar2"),
    VastDossier(52, "rechtsbijstand", "schade", WEB, _verlengd, "behandelaar3"),
    VastDossier(24, "zorgzaam", "declaratie", WEB, _opgeschort, "behandelaar2"),
    VastDossier(50, "rechtsbijstand", "schade", WEB, _heroverweging_nieuw, "behandelaar3", "teamleider"),
    VastDossier(140, "zorgzaam", "bejegening", Kanaal.TELEFOON, _over_medewerker, "teamleider", registrant="teamleider", betreft="behandelaar"),
]  # fmt: skip


@dataclass
class Opzet:
    """What is drawn for one complaint before it is made (in order of receipt)."""

    ontvangen_op: dt.datetime
    label: Label
    categorie: Categorie
    kanaal: str
    direct_opgelost: bool
    seed: int
    vast: VastDossier | None = None


class Command(BaseCommand):
    help = (
        "Laadt demo-gegevens: twee labels, afdelingen, categorieën, een gebruiker per rol en "
        "ongeveer 200 klachten over de afgelopen 18 maanden, in elke stap van de procedure. Doet "
        "niets als ze er al zijn."
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
                with (
                    self.broker_meldingen_tellen() as teller,
                    self.alleen_wachtende_berichten_in_wachtrij(),
                    transaction.atomic(),
                ):
                    self.nu = timezone.now()
                    self.gebruikers = self.stamgegevens_aanmaken()
                    klachten = self.klachten_aanmaken(
                        aantal=aantal, rng=random.Random(seed), maanden=maanden
                    )
                    self.losse_verbeterpunten_aanmaken(random.Random(seed + 1))
                    self.partner_klachten_toewijzen()
                    # Imported here: klanttevredenheid reads klachten, not the other way round.
                    from klanttevredenheid.demo import klanttevredenheid_vullen

                    klanttevredenheid = klanttevredenheid_vullen(
                        nu=self.nu,
                        rng=random.Random(seed + 2),
                        gebruikers=self.gebruikers,
                        labels=list(Label.objects.order_by("pk")),
                    )
                    self.berichten_als_verzonden_markeren(klachten)
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
                        f"gebruikers, {len(klachten)} klachten."
                    )
                )
                self.stdout.write(self.overzicht(klachten))
                self.stdout.write(klanttevredenheid)
            self.logins_tonen()

    @staticmethod
    @contextlib.contextmanager
    def broker_meldingen_tellen():
        """Count the outbox's 'broker unreachable' warnings instead of printing one per message.

        Every demo message is queued after commit; most are then already marked as sent, so
        without a broker there would be hundreds of identical warnings.
        """

        class Teller(logging.Filter):
            aantal = 0

            def filter(self, record):
                if record.levelno == logging.WARNING:
                    self.aantal += 1
                    return False
                return True

        teller = Teller()
        logger = logging.getLogger(berichten.__name__)
        logger.addFilter(teller)
        try:
            yield teller
        finally:
            logger.removeFilter(teller)

    @staticmethod
    @contextlib.contextmanager
    def alleen_wachtende_berichten_in_wachtrij():
        """After commit, hand the worker only the messages still pending.

        Every message a service writes is queued once the transaction commits. The demo marks the
        messages of the past as sent, so the worker would get hundreds of tasks that find nothing
        to send; this skips those and queues only the newest.
        """
        echt = berichten.bericht_in_wachtrij
        wachtend: set[int] | None = None

        def in_wachtrij(*, bericht_id: int) -> None:
            nonlocal wachtend
            if wachtend is None:
                wachtend = set(
                    Bericht.objects.filter(status=BerichtStatus.WACHTEND).values_list(
                        "pk", flat=True
                    )
                )
            if bericht_id in wachtend:
                echt(bericht_id=bericht_id)

        berichten.bericht_in_wachtrij = in_wachtrij
        try:
            yield
        finally:
            berichten.bericht_in_wachtrij = echt

    # --- stamgegevens -------------------------------------------------------------------------

    def stamgegevens_aanmaken(self) -> dict[str, Medewerker]:
        toegang.rollen_inrichten()
        for gegevens in LABELS:
            code = EXTERNE_INSTANTIE_PER_LABEL[gegevens["slug"]]
            instantie = ExterneInstantie.objects.filter(code=code).first()
            if instantie is None:
                raise CommandError(
                    f"Externe instantie '{code}' ontbreekt; draai eerst 'manage.py migrate'."
                )
            label, _nieuw = Label.objects.update_or_create(
                slug=gegevens["slug"],
                defaults={
                    **gegevens,
                    "externe_instantie": instantie,
                    "productgroep": Productgroep.objects.filter(
                        code=PRODUCTGROEP_PER_LABEL[gegevens["slug"]]
                    ).first(),
                },
            )
            for kanaal, aantal, eenheid in REACTIETERMIJNEN[gegevens["slug"]]:
                Reactietermijn.objects.get_or_create(
                    label=label, kanaal=kanaal, defaults={"aantal": aantal, "eenheid": eenheid}
                )
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
        wachtwoord = ""
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
                    # Demo passwords on purpose: set directly, so no password validator applies;
                    # hashed once (a second each with the production hasher).
                    wachtwoord = wachtwoord or make_password(DEMO_WACHTWOORD)
                    gebruiker.password = wachtwoord
                gebruiker.save()
            gebruiker.groups.add(Group.objects.get(name=demo.rol))
            gebruiker.afdelingen.add(*(afdelingen[code] for code in demo.afdelingen))
            gebruikers[demo.username] = gebruiker
        return gebruikers

    # --- klachten -----------------------------------------------------------------------------

    def klachten_aanmaken(self, *, aantal: int, rng: random.Random, maanden: int) -> list[Klacht]:
        """Draw every complaint first, then make them in order of receipt (so the dossiernummers
        follow the dates), each living its planned life up to today."""
        labels = {label.slug: label for label in Label.objects.select_related("externe_instantie")}
        categorieen = {c.code: c for c in Categorie.objects.select_related("afdeling")}
        vaste = [v for v in VASTE_DOSSIERS if v.dagen_terug <= maanden * 30][: max(aantal, 0)]
        opzetten = [
            Opzet(
                ontvangen_op=self.ontvangstmoment(rng, dagen_terug=vast.dagen_terug),
                label=labels[vast.label],
                categorie=categorieen[vast.categorie],
                kanaal=vast.kanaal,
                direct_opgelost=vast.direct_opgelost,
                seed=rng.getrandbits(32),
                vast=vast,
            )
            for vast in vaste
        ]
        for _ in range(aantal - len(vaste)):
            ontvangen_op = self.ontvangstmoment(rng, maanden=maanden)
            label = labels["zorgzaam"] if rng.random() < 0.7 else labels["rechtsbijstand"]
            categorie = categorieen[kiezen(rng, CATEGORIE_GEWICHTEN[label.slug])]
            kanaal = kiezen(rng, KANAAL_GEWICHTEN)
            opzetten.append(
                Opzet(
                    ontvangen_op=ontvangen_op,
                    label=label,
                    categorie=categorie,
                    kanaal=kanaal,
                    direct_opgelost=rng.random() < DIRECT_OPGELOST_KANS.get(kanaal, 0.0),
                    seed=rng.getrandbits(32),
                )
            )
        opzetten.sort(key=lambda o: o.ontvangen_op)
        return [self.dossier_aanmaken(opzet) for opzet in opzetten]

    def dossier_aanmaken(self, opzet: Opzet) -> Klacht:
        rng = random.Random(opzet.seed)
        vast = opzet.vast
        g = self.gebruikers
        categorie, kanaal = opzet.categorie, opzet.kanaal
        afdeling = categorie.afdeling.code
        web = kanaal == Kanaal.WEBFORMULIER
        teksten = TEKSTEN[categorie.code]
        voornaam, achternaam = rng.choice(VOORNAMEN), rng.choice(ACHTERNAMEN)
        betreft = g[vast.betreft] if vast and vast.betreft else None
        if web:
            registrant = None
        elif vast and vast.registrant:
            registrant = g[vast.registrant]
        else:
            registrant = self.registrant(rng, kanaal, categorie)
        eerste = (
            g[vast.eerste] if vast and vast.eerste else self.eerste_lijn(rng, afdeling, betreft)
        )
        if vast and vast.tweede:
            tweede = g[vast.tweede]
        else:
            tweede = self.tweede_lijn(rng, afdeling, eerste, betreft)
        urgent = categorie.code in {"wachttijd", "declaratie", "schade"} and rng.random() < 0.12
        # Staff register a complaint a few minutes after the call or letter; the form at once.
        geregistreerd_op = opzet.ontvangen_op
        if not web:
            geregistreerd_op += dt.timedelta(minutes=rng.randint(3, 20))
        geregistreerd_op = min(geregistreerd_op, self.nu - dt.timedelta(minutes=2))
        with klok(geregistreerd_op):
            klacht = services.klacht_registreren(
                label=opzet.label,
                kanaal=kanaal,
                ontvangen_op=opzet.ontvangen_op,
                klant_naam=f"{voornaam} {achternaam}",
                klant_email=self.emailadres(rng, voornaam, achternaam),
                klant_telefoon=f"06-{rng.randint(10_000_000, 99_999_999)}"
                if rng.random() < 0.7
                else "",
                polisnummer=str(rng.randint(100_000_000, 999_999_999))
                if rng.random() < 0.75
                else "",
                categorie=categorie,
                omschrijving=invullen(rng, rng.choice(teksten["omschrijving"])),
                gewenste_oplossing=rng.choice(teksten["gewenste_oplossing"])
                if rng.random() < 0.8
                else "",
                urgentie=Urgentie.HOOG if urgent else Urgentie.NORMAAL,
                ingediend_door=registrant,
                direct_opgelost=opzet.direct_opgelost,
                oplossing=rng.choice(teksten["oplossing"]) if opzet.direct_opgelost else "",
                privacy_akkoord=web,
                betreft_medewerker=betreft,
            )
        self.gebeurtenissen_dateren(klacht, geregistreerd_op)
        if opzet.direct_opgelost:
            return klacht
        boek = Draaiboek(
            dossier=Dossier(
                ontvangen_op=opzet.ontvangen_op,
                label=opzet.label,
                categorie=categorie,
                web=web,
                urgent=urgent,
                registrant=registrant,
                eerste=eerste,
                tweede=tweede,
                teamleider=g["teamleider"],
                gebruikers=g,
            ),
            rng=rng,
            begin=geregistreerd_op,
            vandaag=kalender.lokale_datum(self.nu),
        )
        (vast.verloop if vast else gewoon_verloop)(boek)
        kwetsbare_klant_plannen(boek, random.Random(opzet.seed + 15))
        return self.afspelen(klacht, boek)

    def afspelen(self, klacht: Klacht, boek: Draaiboek) -> Klacht:
        """Run the planned steps that lie in the past, each at its own moment."""
        grens = self.nu - dt.timedelta(minutes=1)
        for moment, stap in boek.momenten():
            if moment >= grens:
                break  # this and what follows has not happened yet
            with klok(moment):
                uitkomst = stap.uitvoeren(klacht)
            if isinstance(uitkomst, Klacht):
                klacht = uitkomst
            self.gebeurtenissen_dateren(klacht, moment)
        return klacht

    def gebeurtenissen_dateren(self, klacht: Klacht, moment: dt.datetime) -> None:
        """Move the timeline items just written (stamped with the real now) to `moment`."""
        Gebeurtenis.objects.filter(klacht_id=klacht.pk, op__gte=self.nu).update(op=moment)

    def losse_verbeterpunten_aanmaken(self, rng: random.Random) -> None:
        """Two improvement actions that came from the analysis of all complaints, not one."""
        teamleider, beheerder = self.gebruikers["teamleider"], self.gebruikers["beheerder"]
        vandaag = kalender.lokale_datum(self.nu)
        for (dagen_terug, streef, gereed), omschrijving, eigenaar in zip(
            [(200, 60, 55), (45, 60, None)],
            LOSSE_VERBETERPUNTEN,
            [teamleider, beheerder],
            strict=True,
        ):
            begin = vandaag - dt.timedelta(days=dagen_terug)
            with klok(werkmoment(rng, begin)):
                punt = services.verbeterpunt_toevoegen(
                    door=teamleider,
                    omschrijving=omschrijving,
                    eigenaar=eigenaar,
                    streefdatum=begin + dt.timedelta(days=streef),
                )
            with klok(werkmoment(rng, begin + dt.timedelta(days=10))):
                services.verbeterpunt_bijwerken(
                    verbeterpunt=punt, door=eigenaar, status=VerbeterpuntStatus.IN_UITVOERING
                )
            if gereed is not None:
                with klok(werkmoment(rng, begin + dt.timedelta(days=gereed))):
                    services.verbeterpunt_bijwerken(
                        verbeterpunt=punt, door=eigenaar, status=VerbeterpuntStatus.GEREED
                    )

    def partner_klachten_toewijzen(self) -> None:
        """The partnerbehandelaar's work (issue 9): three days ago the teamleider assigned four
        open complaints without recent activity to them; the partner wrote a note on one the day
        after, and yesterday handed one back with a reason (a notice to the teamleider, who has
        it again). Notes and hand-backs move no deadline, so the deadline colours stay."""
        partner, teamleider = self.gebruikers["partner"], self.gebruikers["teamleider"]
        drie_dagen_terug = self.nu - dt.timedelta(days=3)
        kandidaten = list(
            Klacht.objects.filter(
                status__in=[Status.ONTVANGST_BEVESTIGD, Status.IN_ONDERZOEK],
                betreft_medewerker__isnull=True,
            )
            .annotate(laatst=Max("gebeurtenissen__op"))
            .filter(laatst__lt=drie_dagen_terug)
            .order_by("-ontvangen_op", "-pk")[:4]
        )

        def op(moment: dt.datetime, klacht: Klacht, uitvoeren: Callable[[Klacht], object]):
            with klok(moment):
                uitvoeren(Klacht.objects.get(pk=klacht.pk))
            self.gebeurtenissen_dateren(klacht, moment)

        for klacht in kandidaten:
            op(
                drie_dagen_terug,
                klacht,
                lambda k: services.toewijzen(
                    klacht=k, door=teamleider, afdeling=k.afdeling, behandelaar=partner
                ),
            )
        if kandidaten:
            op(
                self.nu - dt.timedelta(days=2),
                kandidaten[0],
                lambda k: services.notitie_toevoegen(
                    klacht=k,
                    door=partner,
                    tekst="Stukken opgevraagd bij de afdeling; de klant wordt deze week gebeld.",
                ),
            )
        if len(kandidaten) > 1:
            op(
                self.nu - dt.timedelta(days=1),
                kandidaten[-1],
                lambda k: services.teruggeven(
                    klacht=k,
                    door=partner,
                    reden="De klant wil een medewerker van de verzekeraar zelf spreken; dat "
                    "valt buiten onze opdracht.",
                ),
            )

    def berichten_als_verzonden_markeren(self, klachten: list[Klacht]) -> None:
        verleden_verzonden(Bericht.objects.filter(klacht__in=[k.pk for k in klachten]), self.nu)

    # --- helpers ------------------------------------------------------------------------------

    def ontvangstmoment(
        self, rng: random.Random, *, maanden: int = 0, dagen_terug: int | None = None
    ) -> dt.datetime:
        """A moment in the period, mostly on working days (Europe/Amsterdam); exactly
        `dagen_terug` days ago when given."""
        datum = kalender.lokale_datum(self.nu)
        if dagen_terug is None:
            datum -= dt.timedelta(days=rng.randint(0, maanden * 30))
            if datum.weekday() >= 5 and rng.random() < 0.7:
                datum -= dt.timedelta(days=datum.weekday() - 4)
        else:
            datum -= dt.timedelta(days=dagen_terug)
        tijd = dt.time(rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59))
        moment = kalender.lokaal_moment(datum, tijd)
        if moment >= self.nu - dt.timedelta(minutes=15):
            moment = self.nu - dt.timedelta(minutes=rng.randint(15, 120))
        return moment

    def registrant(self, rng: random.Random, kanaal: str, categorie: Categorie) -> Medewerker:
        g = self.gebruikers
        if kanaal == Kanaal.KTO:
            return g["teamleider"]
        if kanaal == Kanaal.EMAIL and rng.random() < 0.25:
            return g["koppeling"]  # the CRM passes on complaints that came by e-mail
        if categorie.afdeling.code == "declaraties":
            return g["behandelaar2"]
        if categorie.afdeling.code == "schade-rechtshulp":
            return g["behandelaar3"]
        return g["behandelaar"]

    def eerste_lijn(
        self, rng: random.Random, afdeling: str, betreft: Medewerker | None
    ) -> Medewerker:
        """The first-line handler: never the employee the complaint is about."""
        gewichten = {
            naam: gewicht
            for naam, gewicht in EERSTE_LIJN[afdeling].items()
            if betreft is None or naam != betreft.username
        }
        return (
            self.gebruikers[kiezen(rng, gewichten)] if gewichten else self.gebruikers["teamleider"]
        )

    def tweede_lijn(
        self, rng: random.Random, afdeling: str, eerste: Medewerker, betreft: Medewerker | None
    ) -> Medewerker | None:
        """The second line for a heroverweging: mostly the teamleider, else another handler of
        the afdeling; never the first handler, nor the employee the complaint is about."""
        uitgesloten = {eerste.username, betreft.username if betreft else ""}
        kandidaten = [
            demo.username
            for demo in GEBRUIKERS
            if demo.rol in BEHANDELROLLEN
            and afdeling in demo.afdelingen
            and demo.username not in uitgesloten
        ]
        if not kandidaten:
            return None
        if "teamleider" in kandidaten and rng.random() < 0.7:
            return self.gebruikers["teamleider"]
        return self.gebruikers[rng.choice(kandidaten)]

    @staticmethod
    def emailadres(rng: random.Random, voornaam: str, achternaam: str) -> str:
        ascii_naam = unicodedata.normalize("NFKD", achternaam).encode("ascii", "ignore").decode()
        achter = ascii_naam.replace(" ", "").lower()
        vorm = rng.choice(["{v}.{a}", "{v}{a}", "{i}.{a}", "{v}_{a}{n}"])
        lokaal = vorm.format(
            v=voornaam.lower(), a=achter, i=voornaam[0].lower(), n=rng.randint(1, 99)
        )
        return f"{lokaal}@{rng.choice(DOMEINEN)}"

    # --- output -------------------------------------------------------------------------------

    def overzicht(self, klachten: list[Klacht]) -> str:
        """How the loaded complaints stand: per status, and the deadlines of the open ones."""
        ids = [k.pk for k in klachten]
        per_status = Counter(Klacht.objects.filter(pk__in=ids).values_list("status", flat=True))
        vandaag = kalender.lokale_datum(self.nu)
        termijnen_open = Counter()
        for datum in Klacht.objects.filter(
            pk__in=ids, volgende_termijn_datum__isnull=False
        ).values_list("volgende_termijn_datum", flat=True):
            dagen = (datum - vandaag).days
            termijnen_open[
                "over termijn" if dagen < 0 else "binnen 2 dagen" if dagen <= 2 else "later"
            ] += 1
        statussen = ", ".join(f"{status.label} {per_status[status]}" for status in Status)
        open_ = ", ".join(f"{naam} {aantal}" for naam, aantal in sorted(termijnen_open.items()))
        return f"  Per status: {statussen}.\n  Eerstvolgende termijn: {open_}."

    def koppellinks_en_api_sleutel(self, basis: str) -> list[str]:
        """Staff link their authenticator app through a one-time koppellink (issue 15): a fresh
        one (24 hours) for every demo account without an app, on every run. The system account
        gets an API key when it has no working one; a key is stored hashed, so a later run can
        only say how to make a new one."""
        regels = ["", "Koppellinks voor de authenticator-app (eenmalig, 24 uur geldig):"]
        for demo in GEBRUIKERS:
            gebruiker = Medewerker.objects.filter(username=demo.username).first()
            if (
                gebruiker is None
                or TOTPDevice.objects.filter(user=gebruiker, confirmed=True).exists()
            ):
                continue
            _link, token = toegang.koppellink_maken(medewerker=gebruiker)
            regels.append(f"  {demo.username:<13} {basis}{reverse('koppellink', args=[token])}")
        koppeling = Medewerker.objects.filter(username=KOPPELING.username).first()
        if koppeling is not None:
            geldig = ApiSleutel.objects.filter(
                medewerker=koppeling, revoked=False, expiry_date__gt=timezone.now()
            ).exists()
            if geldig:
                regels.append(
                    f"  {KOPPELING.username:<13} API-sleutel: staat er al (alleen als hash); een "
                    f"nieuwe: python manage.py api_sleutel maken {KOPPELING.username}"
                )
            else:
                _sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="Demo")
                regels.append(
                    f"  {KOPPELING.username:<13} API-sleutel {tekst} "
                    f'(header "Authorization: Api-Key {tekst}")'
                )
        return regels

    def logins_tonen(self) -> None:
        basis = settings.SITE_URL.rstrip("/")
        regels = ["", f"Demo-logins (wachtwoord voor iedereen: {DEMO_WACHTWOORD}):"]
        for demo in GEBRUIKERS:
            gebruiker = Medewerker.objects.filter(username=demo.username).first()
            if gebruiker is None:
                continue
            afdelingen = ", ".join(a.naam for a in gebruiker.afdelingen.all()) or (
                "toegewezen klachten"
                if demo.rol == rollen.PARTNERBEHANDELAAR
                else "alle afdelingen"
            )
            beheer = "; mag in /admin/" if gebruiker.is_staff else ""
            regels.append(
                f"  {demo.username:<13} / {DEMO_WACHTWOORD:<5} {demo.rol} ({afdelingen}{beheer})"
            )
        regels += self.koppellinks_en_api_sleutel(basis)
        regels += [
            "",
            "Adressen:",
            f"  Klacht indienen (Zorgzaam Verzekerd)  {basis}/klacht/",
            f"  Klacht indienen (Rechtsbijstand Plus) {basis}/rechtsbijstand/klacht/",
            f"  Inloggen voor medewerkers             {basis}/account/login/",
            f"  Werkvoorraad                          {basis}/medewerker/",
            f"  Verbeterpunten                        {basis}/medewerker/verbeterpunten/",
            f"  Klanttevredenheid (medewerkers)       {basis}/medewerker/klanttevredenheid/",
            f"  Klanttevredenheid (publiek)           {basis}/klanttevredenheid/",
            f"  Beheer (Django admin)                 {basis}/admin/",
            f"  API-documentatie                      {basis}/api/docs/",
        ]
        self.stdout.write("\n".join(regels))
