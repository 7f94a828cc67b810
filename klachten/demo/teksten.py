"""The words and odds of the demo complaints (klachten.demo): what customers write per categorie,
what handlers write at each step (investigation, verdict, statusupdates, notes, calls, lessons,
improvement actions, external procedures), and the weights every draw uses (categorie per label,
channel, oordeel, outcome at the external body, root cause).

Texts that fit only some complaints are keyed by categorie code or label slug (see
`Draaiboek.tekst`); placeholders are filled by `invullen`.
"""

from __future__ import annotations

from klachten.models import (
    Kanaal,
    Uitkomst,
)
from klachten.workflow import Oordeel

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
    "dekking": {
        "omschrijving": [
            "U weigert mijn zaak tegen de aannemer omdat het conflict zou zijn begonnen voor ik "
            "verzekerd was. Dat klopt niet: de schade ontstond pas in {maand}.",
            "Mijn verzoek om rechtsbijstand bij mijn echtscheiding is afgewezen, terwijl mijn "
            "polis familierecht dekt.",
            "U vergoedt de kosten van de deskundige van {bedrag} euro niet, terwijl uw jurist mij "
            "die deskundige zelf aanraadde.",
        ],
        "gewenste_oplossing": [
            "Ik wil dat u mijn zaak alsnog in behandeling neemt.",
            "Een schriftelijke uitleg welke voorwaarde u toepast en waarom.",
            "Dat u de kosten van de deskundige vergoedt.",
        ],
        "oplossing": [
            "Ingangsdatum van de polis opnieuw nagekeken; de zaak is alsnog in behandeling "
            "genomen.",
            "Uitgelegd welk deel van het geschil onder de dekking valt; klant begrijpt het.",
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
        "schade": 30,
        "dekking": 20,
        "communicatie": 15,
        "bejegening": 10,
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
    # chat and balie (issue 21) take half of the last weight, so the draws of the channels before
    # them, and with them the rest of the demo, stay as they were
    Kanaal.MEDEWERKER: 2,
    Kanaal.CHAT: 1,
    Kanaal.BALIE: 1,
}
# The share of complaints per channel solved at first contact.
DIRECT_OPGELOST_KANS = {
    Kanaal.TELEFOON: 0.45,
    Kanaal.EMAIL: 0.15,
    Kanaal.SOCIAL_MEDIA: 0.3,
    Kanaal.MEDEWERKER: 0.25,
    Kanaal.CHAT: 0.5,
    Kanaal.BALIE: 0.5,
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
    "dekking": "Een senior jurist heeft uw polis, de ingangsdatum van de dekking en het begin van "
    "het geschil opnieuw naast elkaar gelegd.",
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
    "dekking": [
        "Afwijzingen wegens 'geschil voor de ingangsdatum' noemen niet welke datum we hanteren.",
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
    "dekking": "Afwijzingsbrief rechtsbijstand noemt de toegepaste voorwaarde en de datums.",
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

# The root causes a handler would record, per categorie, when the complaint was (partly) right;
# an unfounded complaint mostly had no shortcoming of ours behind it.
OORZAKEN_BIJ = {
    "declaratie": ["verwerking", "doorlooptijd", "informatie"],
    "premie": ["informatie", "verwerking", "beleid"],
    "communicatie": ["informatie", "systeem"],
    "bejegening": ["bejegening"],
    "wachttijd": ["doorlooptijd", "derden"],
}
