"""Master data of the demo (klachten.demo): the two labels with their reaction terms, afdelingen,
categorieën, one user per role (password "demo") and the system account; the names customers are
drawn from; and what every run prints last (logins, koppellinks, addresses).

Created through the services (`rollen_inrichten`) or get-or-create, so a second run changes nothing.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from klachten import rollen, toegang
from klachten.models import (
    Afdeling,
    ApiSleutel,
    Categorie,
    ExterneInstantie,
    Kanaal,
    Label,
    Medewerker,
    Productgroep,
    Reactietermijn,
    TermijnEenheid,
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
        "postadres_en": (
            "Zorgzaam Verzekerd\nComplaints Management\nPostbus 1234\n3500 AA Utrecht\n"
            "The Netherlands"
        ),
        "postadres_fr": (
            "Zorgzaam Verzekerd\nService de gestion des plaintes\nPostbus 1234\n3500 AA Utrecht\n"
            "Pays-Bas"
        ),
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
        "postadres_en": (
            "Rechtsbijstand Plus\nComplaints Coordination\nPostbus 4321\n2500 BB Den Haag\n"
            "The Netherlands"
        ),
        "postadres_fr": (
            "Rechtsbijstand Plus\nCoordination des plaintes\nPostbus 4321\n2500 BB Den Haag\n"
            "Pays-Bas"
        ),
        "privacyverklaring_url": "https://rechtsbijstandplus.example.nl/privacy",
    },
]
# Where each label's customers go after the definitief standpunt (seeded by migration 0003): a
# health insurer's to SKGZ, a legal-aid insurer's to Kifid.
EXTERNE_INSTANTIE_PER_LABEL = {"zorgzaam": "skgz", "rechtsbijstand": "kifid"}
# The body a label names beside it (migration 0037; issue 21): the legal-aid label, like ARAG, the
# Tuchtraad Financiële Dienstverlening beside Kifid.
OOK_INSTANTIE_PER_LABEL = {"rechtsbijstand": "tuchtraad-fd"}
# The reaction terms each label publishes per channel (klachtenprocedure page, month report).
# Rechtsbijstand Plus is not on social media and has no chat or office desk: no term for those
# channels, so they are not measured (and its procedure page does not name them).
REACTIETERMIJNEN = {
    "zorgzaam": [
        (Kanaal.WEBFORMULIER, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.TELEFOON, 1, TermijnEenheid.WERKDAGEN),
        (Kanaal.EMAIL, 2, TermijnEenheid.WERKDAGEN),
        (Kanaal.BRIEF, 5, TermijnEenheid.WERKDAGEN),
        (Kanaal.SOCIAL_MEDIA, 4, TermijnEenheid.UREN),
        (Kanaal.CHAT, 4, TermijnEenheid.UREN),
        (Kanaal.BALIE, 1, TermijnEenheid.WERKDAGEN),
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


@dataclass(frozen=True)
class DemoCategorie:
    code: str
    naam: str
    naam_en: str
    naam_fr: str
    afdeling: str
    volgorde: int
    # The labels whose customers may choose it; empty: every label (Categorie.labels).
    labels: tuple[str, ...] = ()


# The health insurer's own (claims for care, waiting lists), the legal-aid insurer's own, and the
# general ones every label offers.
CATEGORIEEN = [
    DemoCategorie("declaratie", "Declaratie", "Claim for reimbursement", "Demande de remboursement", "declaraties", 10, ("zorgzaam",)),
    DemoCategorie("premie", "Premie en betaling", "Premium and payment", "Prime et paiement", "premie-incasso", 20),
    DemoCategorie("communicatie", "Communicatie en informatie", "Communication and information", "Communication et information", "klantenservice", 30),
    DemoCategorie("bejegening", "Bejegening", "How we treated you", "Accueil et attitude", "klantenservice", 40),
    DemoCategorie("wachttijd", "Wachttijd en bereikbaarheid", "Waiting times and accessibility of care", "Délais d'attente et accès aux soins", "zorgbemiddeling", 50, ("zorgzaam",)),
    DemoCategorie("polis-voorwaarden", "Polis en voorwaarden", "Policy and terms", "Police et conditions", "klantenservice", 60),
    DemoCategorie("schade", "Schade en rechtshulp", "Claims and legal assistance", "Sinistres et assistance juridique", "schade-rechtshulp", 70, ("rechtsbijstand",)),
    DemoCategorie("dekking", "Dekking en afwijzing van een zaak", "Cover and refusal of a case", "Couverture et refus d'un dossier", "schade-rechtshulp", 75, ("rechtsbijstand",)),
    DemoCategorie("overig", "Overig", "Other", "Autre", "klantenservice", 90),
]  # fmt: skip


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

# For the AFM's yearly complaint survey: a health insurer and a legal-expenses insurer.
PRODUCTGROEP_PER_LABEL = {"zorgzaam": "zorg", "rechtsbijstand": "schade"}


def stamgegevens_aanmaken() -> dict[str, Medewerker]:
    """The labels with their reaction terms, afdelingen, categorieën and a user per role (an
    existing one is kept); returns the users by username."""
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
                "ook_instantie": ExterneInstantie.objects.filter(
                    code=OOK_INSTANTIE_PER_LABEL.get(gegevens["slug"], "")
                ).first(),
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
    labels = {label.slug: label for label in Label.objects.all()}
    for demo in CATEGORIEEN:
        categorie, nieuw = Categorie.objects.get_or_create(
            code=demo.code,
            defaults={
                "naam": demo.naam,
                "naam_en": demo.naam_en,
                "naam_fr": demo.naam_fr,
                "afdeling": afdelingen[demo.afdeling],
                "volgorde": demo.volgorde,
            },
        )
        if not nieuw and not (categorie.naam_en or categorie.naam_fr):
            # A demo loaded before the names per language: the translations, nothing else.
            categorie.naam_en, categorie.naam_fr = demo.naam_en, demo.naam_fr
            categorie.save(update_fields=["naam_en", "naam_fr"])
        if not categorie.labels.exists():
            categorie.labels.set([labels[slug] for slug in demo.labels])
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


def emailadres(rng: random.Random, voornaam: str, achternaam: str) -> str:
    """A customer's e-mail address made of their name, at an example domain."""
    ascii_naam = unicodedata.normalize("NFKD", achternaam).encode("ascii", "ignore").decode()
    achter = ascii_naam.replace(" ", "").lower()
    vorm = rng.choice(["{v}.{a}", "{v}{a}", "{i}.{a}", "{v}_{a}{n}"])
    lokaal = vorm.format(v=voornaam.lower(), a=achter, i=voornaam[0].lower(), n=rng.randint(1, 99))
    return f"{lokaal}@{rng.choice(DOMEINEN)}"


def koppellinks_en_api_sleutel(basis: str) -> list[str]:
    """Staff link their authenticator app through a one-time koppellink (issue 15): a fresh
    one (24 hours) for every demo account without an app, on every run. The system account
    gets an API key when it has no working one; a key is stored hashed, so a later run can
    only say how to make a new one."""
    regels = ["", "Koppellinks voor de authenticator-app (eenmalig, 24 uur geldig):"]
    for demo in GEBRUIKERS:
        gebruiker = Medewerker.objects.filter(username=demo.username).first()
        if gebruiker is None or TOTPDevice.objects.filter(user=gebruiker, confirmed=True).exists():
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


def logins(adressen_van_apps: list[tuple[str, str]]) -> str:
    """What every run prints last: the demo logins, fresh koppellinks, and the addresses, the
    other apps' (name, path) after klachten's own pages."""
    basis = settings.SITE_URL.rstrip("/")
    regels = ["", f"Demo-logins (wachtwoord voor iedereen: {DEMO_WACHTWOORD}):"]
    for demo in GEBRUIKERS:
        gebruiker = Medewerker.objects.filter(username=demo.username).first()
        if gebruiker is None:
            continue
        afdelingen = ", ".join(a.naam for a in gebruiker.afdelingen.all()) or (
            "toegewezen klachten" if demo.rol == rollen.PARTNERBEHANDELAAR else "alle afdelingen"
        )
        beheer = "; mag in /admin/" if gebruiker.is_staff else ""
        regels.append(
            f"  {demo.username:<13} / {DEMO_WACHTWOORD:<5} {demo.rol} ({afdelingen}{beheer})"
        )
    regels += koppellinks_en_api_sleutel(basis)
    regels += [
        "",
        "Adressen:",
        f"  Klacht indienen (Zorgzaam Verzekerd)  {basis}/klacht/",
        f"  Klacht indienen (Rechtsbijstand Plus) {basis}/rechtsbijstand/klacht/",
        f"  Inloggen voor medewerkers             {basis}/account/login/",
        f"  Werkvoorraad                          {basis}/medewerker/",
        f"  Verbeterpunten                        {basis}/medewerker/verbeterpunten/",
        *(f"  {naam:<37} {basis}{pad}" for naam, pad in adressen_van_apps),
        f"  Beheer (Django admin)                 {basis}/admin/",
        f"  API-documentatie                      {basis}/api/docs/",
    ]
    return "\n".join(regels)


STRATEN = ["Dorpsstraat", "Kerkweg", "Molenlaan", "Stationsstraat", "Beukenlaan", "Schoolstraat"]
PLAATSEN = [("7411", "Deventer"), ("8911", "Leeuwarden"), ("4811", "Breda"), ("6211", "Maastricht")]


def postadres(rng: random.Random) -> str:
    """A made-up Dutch postal address: street and number, postcode and place (two lines)."""
    cijfers, plaats = rng.choice(PLAATSEN)
    letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
    return f"{rng.choice(STRATEN)} {rng.randint(1, 140)}\n{cijfers} {letters} {plaats.upper()}"
