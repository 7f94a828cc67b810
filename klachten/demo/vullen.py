"""Filling the demo complaints (klachten.demo), run by `manage.py demo_data`.

Every complaint is drawn first, then made in order of receipt (so the dossiernummers follow the
dates) through `klachten.services`, never by setting fields, and lives its planned life (a
`Draaiboek` from `scenarios`) up to today; the few moments the clock cannot reach (the timeline's
`op`) are moved back right after each step. Messages older than two days are marked as sent when
they were written; newer ones wait in the outbox for the worker. Also: how the demos of the other
apps are found (`app_demos`), and the two outbox guards around the whole fill.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.db.models import Max
from django.utils.module_loading import module_has_submodule

from klachten import berichten, kalender, services
from klachten.demo.draaiboek import (
    Dossier,
    Draaiboek,
    invullen,
    kiezen,
    klok,
    verleden_verzonden,
    werkmoment,
)
from klachten.demo.scenarios import (
    VASTE_DOSSIERS,
    VastDossier,
    gewoon_verloop,
    kwetsbare_klant_plannen,
)
from klachten.demo.stamgegevens import (
    ACHTERNAMEN,
    BEHANDELROLLEN,
    EERSTE_LIJN,
    GEBRUIKERS,
    VOORNAMEN,
    emailadres,
    postadres,
)
from klachten.demo.teksten import (
    CATEGORIE_GEWICHTEN,
    DIRECT_OPGELOST_KANS,
    KANAAL_GEWICHTEN,
    LOSSE_VERBETERPUNTEN,
    TEKSTEN,
)
from klachten.models import (
    Bericht,
    BerichtStatus,
    Categorie,
    Gebeurtenis,
    Kanaal,
    Klacht,
    Label,
    Medewerker,
    Urgentie,
    VerbeterpuntStatus,
)
from klachten.workflow import Status


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


def app_demos() -> list[ModuleType]:
    """The demo of every other installed app, in the order of INSTALLED_APPS: a module `demo`
    with `demo_vullen(*, nu, seed, gebruikers, labels) -> str` (fills the app's demo data in
    the demo's transaction, after klachten's; returns its summary) and optionally `ADRESSEN`,
    (name, path) of its pages for the list printed after every run. Found by that convention,
    so klachten imports no other app (issue 16)."""
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if config.name != "klachten" and module_has_submodule(config.module, "demo")
    ]


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
                Bericht.objects.filter(status=BerichtStatus.WACHTEND).values_list("pk", flat=True)
            )
        if bericht_id in wachtend:
            echt(bericht_id=bericht_id)

    berichten.bericht_in_wachtrij = in_wachtrij
    try:
        yield
    finally:
        berichten.bericht_in_wachtrij = echt


class KlachtenDemo:
    """The complaints of one demo fill, at the moment `nu` the demo is loaded."""

    def __init__(self, *, nu: dt.datetime, gebruikers: dict[str, Medewerker]):
        self.nu = nu
        self.gebruikers = gebruikers

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
                # A customer without e-mail (VastDossier.per_post) gave their postal address.
                klant_email="" if vast and vast.per_post else emailadres(rng, voornaam, achternaam),
                klant_postadres=postadres(rng) if vast and vast.per_post else "",
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
        """Move the timeline items just written (stamped with the real now) to `moment`, and the
        customer's message time the complaint copied from one (else every closed complaint the
        customer wrote to before its closing waits in the queue for the handler's choice)."""
        Gebeurtenis.objects.filter(klacht_id=klacht.pk, op__gte=self.nu).update(op=moment)
        Klacht.objects.filter(pk=klacht.pk, klantbericht_op__gte=self.nu).update(
            klantbericht_op=moment
        )

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
