"""The lives the demo complaints lead (klachten.demo): the ordinary course (`gewoon_verloop`: drawn
from the odds in `teksten`), the follow-up of a vulnerable customer, and the fixed dossiers
(`VASTE_DOSSIERS`) that are always there in a given state on the day the demo is loaded: red,
amber and green deadlines, a reconsideration, Kifid and SKGZ, a reopened complaint, one about an
employee.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from klachten import kalender, services
from klachten.demo.draaiboek import Draaiboek, kiezen
from klachten.demo.teksten import (
    HEROVERWEGING_OORDEEL,
    ONTVANKELIJK_TOELICHTINGEN,
    OORDEEL_GEWICHTEN,
    OPSCHORTING,
    UITKOMST_GEWICHTEN,
)
from klachten.models import (
    DoorverwijzingUitkomst,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Uitkomst,
    VerbeterpuntStatus,
)
from klachten.workflow import Oordeel, weigering


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


def _per_brief_bevestigd(b: Draaiboek) -> None:  # acknowledged yesterday: the letter is to print
    b.toewijzen(0)
    b.bevestigen(1)


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
    b.medewerker_besproken(
        5,
        "Klacht besproken met de medewerker; zij herkent het beeld en belt klanten voortaan "
        "terug op het toegezegde moment.",
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
    # A customer without e-mail, with a postal address: every message a letter (issue 18).
    per_post: bool = False


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
    VastDossier(2, "zorgzaam", "communicatie", Kanaal.TELEFOON, _per_brief_bevestigd, "behandelaar", registrant="behandelaar", per_post=True),
]  # fmt: skip
