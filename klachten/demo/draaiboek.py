"""The timeline machinery of the demo (klachten.demo): a dossier is planned as a `Draaiboek`, steps
on days after receipt, one method per service; each step runs with the services' clock set to the
moment it happens (`klok`), so every stamp (history, messages, deadlines, the Kifid date in an
answer) is the one it would have had. Steps that lie in the future are left out.

Also the small tools the demos of the other apps share: `kiezen` (a weighted draw), `werkmoment`,
`verleden_verzonden` (messages of the past went out when they were written).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from klachten import berichten, kalender, services
from klachten.demo.teksten import (
    ADVIES_NIET_TE_BEOORDELEN,
    ADVIES_ONGEGROND,
    EXTERN_INGEDIEND,
    EXTERN_LEERMOMENT,
    EXTERN_UITKOMSTEN,
    HEROPEN_REDENEN,
    HEROVERWEGING_ONDERZOEK,
    HEROVERWEGING_REDENEN,
    KLANTBERICHTEN,
    LEERMOMENTEN,
    MAANDEN,
    NIET_ONTVANKELIJK,
    NOTITIES,
    ONDERZOEK,
    OORDEEL_UITLEG,
    OORZAKEN_BIJ,
    OPSCHORTING,
    STATUSUPDATE_HEROVERWEGING,
    STATUSUPDATE_NA_STUKKEN,
    STATUSUPDATES,
    TEKSTEN,
    TELEFOONGESPREKKEN,
    VERBETERPUNTEN,
    VERLENGING_REDENEN,
    ZORGVERLENERS,
)
from klachten.models import (
    BerichtStatus,
    Categorie,
    Klacht,
    Label,
    Medewerker,
    Oorzaak,
    TermijnwijzigingSoort,
    Uitkomst,
    VerbeterpuntStatus,
)
from klachten.workflow import KLANT, BerichtSoort, Oordeel, Status

# A bracketed instruction in a message template ("[Beschrijf het onderzoek.]"), which the handler
# replaces by their own text before sending.
PLAATSHOUDER = re.compile(r"\[[^\[\]\n]+\]")


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
    to send); those of the last two days stay in the outbox for the worker (dev: var/mail/).
    Those the worker would have composed (the automatic acknowledgement) get their text now."""
    from klachten.berichten import alle_samenstellen

    oud = berichten.filter(status=BerichtStatus.WACHTEND, created_at__lt=nu - dt.timedelta(days=2))
    alle_samenstellen(oud)
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
    """A message's subject and free part as a handler writes them: the template's suggestion, its
    [instructions] written out (the service assembles the message around it)."""
    onderwerp, tekst = berichten.vrije_tekst_voorstel(klacht=klacht, soort=soort, **extra)
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

    def medewerker_besproken(self, dag: int, samenvatting: str) -> None:
        """The teamleider discussed the complaint with the employee it is about (issue 22)."""
        door = self.dossier.teamleider
        self.stap(
            dag,
            lambda klacht: services.medewerker_besproken(
                klacht=klacht, door=door, datum=kalender.vandaag(), samenvatting=samenvatting
            ),
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
            onderwerp, tekst = opstellen(klacht, BerichtSoort.ANTWOORD, alineas)
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
            onderwerp, tekst = opstellen(klacht, BerichtSoort.HEROVERWEGING_ANTWOORD, alineas)
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
