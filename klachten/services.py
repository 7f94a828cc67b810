"""Writes to complaints. Every change goes through a function here (HackSoft style services).

Each workflow action locks the complaint, checks the optimistic version and the workflow table
(`klachten.workflow`), changes the fields, recomputes the deadlines, writes the timeline, queues the
message and announces the change after commit. Actors are staff users, `workflow.KLANT` (public
pages) or `workflow.SYSTEEM` (tasks).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Min, Q, Value, When
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import get_change_reason_from_object

from klachten import (
    berichten,
    kalender,
    rollen,
    selectors,
    signals,
    termijnen,
    tijdlijnbundel,
    workflow,
)
from klachten.berichten import samenstellen
from klachten.berichten.opstellen import ZonderVrijeTekst
from klachten.models import (
    Afdeling,
    Bericht,
    BerichtStatus,
    Bijlage,
    Categorie,
    Doorverwijzing,
    DoorverwijzingUitkomst,
    ExterneInstantie,
    ExterneProcedure,
    Gebeurtenis,
    GebeurtenisSoort,
    Inzage,
    InzageSoort,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Kwetsbaarheidssignaal,
    Label,
    Leermoment,
    Medewerker,
    Oorzaak,
    Termijnafloop,
    Termijnwijziging,
    TermijnwijzigingSoort,
    Triagesuggestie,
    Uitkomst,
    Urgentie,
    Verbeterpunt,
    VerbeterpuntStatus,
    VerweesdBestand,
    categorie_hoort_niet_bij,
)
from klachten.storingen import OpslagOnbereikbaar
from klachten.uploads import bijlage_type_bepalen
from klachten.workflow import (
    ACTIES,
    KLANT,
    SYSTEEM,
    Actie,
    BerichtSoort,
    GewijzigdIntussen,
    NietsGewijzigd,
    Oordeel,
    Status,
    WorkflowFout,
    actie_controleren,
    mag,
)

logger = logging.getLogger(__name__)


def _medewerker(actor) -> Medewerker | None:
    return actor if isinstance(actor, Medewerker) else None


# KL-YYYY-NNNNNN: six digits, as the database's check constraint on Klacht.dossiernummer says.
DOSSIERNUMMERS_PER_JAAR = 999_999


def dossiernummer_uitgeven(*, jaar: int) -> str:
    """The next dossiernummer of `jaar`, `KL-YYYY-NNNNNN`, consecutive within the year.

    One atomic upsert on the year's row: concurrent callers queue on its row lock, and as it runs in
    the caller's transaction a rolled-back complaint gives its number back (no gaps, no duplicates).
    After the year's last six-digit number a ValidationError says so, and the caller's rollback
    undoes the count (a seventh digit would fail the database's check instead).
    """
    table = "klachten_dossiernummerreeks"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (jaar, laatste_nummer) VALUES (%s, 1) "
            f"ON CONFLICT (jaar) DO UPDATE SET laatste_nummer = {table}.laatste_nummer + 1 "
            "RETURNING laatste_nummer",
            [jaar],
        )
        (nummer,) = cursor.fetchone()
    if nummer > DOSSIERNUMMERS_PER_JAAR:
        raise ValidationError(
            _("Alle dossiernummers van %(jaar)s zijn uitgegeven; neem contact op met de beheerder.")
            % {"jaar": jaar}
        )
    return f"KL-{jaar:04d}-{nummer:06d}"


STATUSAANTALLEN_TRIGGER = "klachten_statusaantal"  # migration 0015


def statusaantallen_herberekenen() -> None:
    """Count the Statusaantal rows afresh from the complaints, e.g. after a bulk load that ran
    with the trigger off (the benchmark's fill)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE klachten_statusaantal IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM klachten_statusaantal")
        cursor.execute(
            "INSERT INTO klachten_statusaantal (afdeling_sleutel, status, aantal) "
            "SELECT coalesce(afdeling_id, 0), status, count(*) FROM klachten_klacht GROUP BY 1, 2"
        )


def termijnen_bijwerken(klacht: Klacht, regels: dict | None = None) -> None:
    """Store the deadlines that run now in the indexed columns (DESIGN.md section 5)."""
    regels = regels or selectors.termijnregels()
    if klacht.status in termijnen.IN_BEHANDELING:
        klacht.statusupdate_uiterlijk_datum = termijnen.statusupdate_uiterlijk(
            termijnen.statusupdate_vanaf(klacht), regels[termijnen.TermijnSoort.STATUSUPDATE]
        )
    else:
        klacht.statusupdate_uiterlijk_datum = None
    if termijnen.eerste_reactie_gegeven(klacht):
        klacht.eerste_reactie_uiterlijk_op = klacht.eerste_reactie_herinnering_op = None
    onbeantwoord = klacht.beantwoord_op is None and klacht.status != Status.AFGESLOTEN
    klacht.kifid_alarm_datum = (
        termijnen.kifid_alarm_datum(klacht.ontvangen_op, regels[termijnen.TermijnSoort.KIFID_ALARM])
        if onbeantwoord
        else None
    )
    klacht.volgende_termijn_datum = termijnen.termijnen_van(klacht).eerstvolgende


def eerste_reactie_vastleggen(klacht: Klacht) -> None:
    """The first-reaction deadline of a new complaint: the label's published reaction term for
    its kanaal (Reactietermijn; Keurmerk Klantgericht Verzekeren, issue 21), from the receipt,
    computed once (termijnen.Reactieregel.uiterlijk_op; a term changed later does not move it).
    None when the label publishes no term for the kanaal. From the cached configuration: no
    query. Met by the first reaction (termijnen_bijwerken clears it)."""
    regel = selectors.reactieregel(klacht.label_id, klacht.kanaal)
    if regel is None:
        klacht.eerste_reactie_uiterlijk_op = klacht.eerste_reactie_herinnering_op = None
        return
    klacht.eerste_reactie_uiterlijk_op = regel.uiterlijk_op(klacht.ontvangen_op)
    klacht.eerste_reactie_herinnering_op = regel.herinnering_op(klacht.ontvangen_op)


def klacht_registreren(
    *,
    label: Label,
    kanaal: Kanaal | str,
    klant_naam: str,
    categorie: Categorie | None,
    omschrijving: str,
    afdeling: Afdeling | None = None,
    ontvangen_op: dt.datetime | None = None,
    klant_email: str = "",
    klant_telefoon: str = "",
    klant_postadres: str = "",
    polisnummer: str = "",
    gewenste_oplossing: str = "",
    urgentie: Urgentie | str = Urgentie.NORMAAL,
    bijlagen: Iterable[UploadedFile] = (),
    ingediend_door: Medewerker | None = None,
    direct_opgelost: bool = False,
    oplossing: str = "",
    privacy_akkoord: bool = False,
    betreft_medewerker: Medewerker | None = None,
    taal: str | None = None,
    formulier_sleutel: uuid.UUID | None = None,
    vorige_klacht: Klacht | None = None,
) -> Klacht:
    """Register a complaint: step 1 (ontvangst) and 2 (registratie) of DESIGN.md section 4.

    `taal` is the customer's language, that of every message to them; by default the language of
    the page they filed it on (staff registering a call name it: their own page is no guide).

    `klant_email` may be empty when `klant_postadres` is given (a call or a letter from a
    customer without e-mail): every message then goes by post (Klacht.per_post, issue 18).

    All or nothing (issue 15, "no half-written complaint"): the dossiernummer, the complaint, its
    timeline entry and history row, its attachments and, for a web complaint, the acknowledgement
    in the outbox are written in ONE transaction; the e-mail goes out after commit. Should any
    part fail (the database; the attachment storage: OpslagOnbereikbaar; the acknowledgement),
    nothing is stored, the dossiernummer is given back, and the files already written are removed
    again. The year's numbering row is locked late, so complaints filed at the same moment wait
    for each other only while the complaint and its acknowledgement are written (milliseconds).
    A complaint registered by staff gets an acknowledgement deadline of received + 8 days.
    "Direct opgelost" goes from step 1 to 7 in one step.

    `categorie` is None only for a complaint that came in by e-mail (klachten.berichten.inkomend):
    it is "nog te classificeren" until a teamleider gives it categorie and afdeling (the check
    constraint klacht_geclassificeerd: before it is assigned or found admissible).

    `formulier_sleutel` is the public form's one-time key: a second call with a key already
    stored (the customer sends the form again after an error page, or twice at once) stores
    nothing and returns the complaint the first call stored. The database's unique constraint
    decides, so two at the same moment give one complaint as well.

    `vorige_klacht`: a vervolgklacht (vervolgklacht_registreren), which the customer asked for in
    writing after the closing of that one: acknowledged at once, like a complaint the customer
    filed themselves.
    """
    geschreven: list[str] = []  # the files of this complaint written to the storage
    klaar = False  # the body ran to its end: what fails after that is the COMMIT itself
    try:
        with transaction.atomic():
            klacht = _klacht_schrijven(
                label=label,
                kanaal=kanaal,
                klant_naam=klant_naam,
                klant_email=klant_email,
                categorie=categorie,
                omschrijving=omschrijving,
                afdeling=afdeling,
                ontvangen_op=ontvangen_op,
                klant_telefoon=klant_telefoon,
                klant_postadres=klant_postadres,
                polisnummer=polisnummer,
                gewenste_oplossing=gewenste_oplossing,
                urgentie=urgentie,
                bijlagen=bijlagen,
                ingediend_door=ingediend_door,
                direct_opgelost=direct_opgelost,
                oplossing=oplossing,
                privacy_akkoord=privacy_akkoord,
                betreft_medewerker=betreft_medewerker,
                taal=taal,
                formulier_sleutel=formulier_sleutel,
                vorige_klacht=vorige_klacht,
                geschreven=geschreven,
            )
            klaar = True
    except IntegrityError:
        # Rolled back for certain (also at COMMIT: a deferred constraint).
        _bestanden_verwijderen(geschreven)
        bestaande = (
            Klacht.objects.filter(formulier_sleutel=formulier_sleutel).first()
            if formulier_sleutel is not None
            else None
        )
        if bestaande is None:
            raise
        return bestaande
    except BaseException:
        if not klaar:
            _bestanden_verwijderen(geschreven)
        elif geschreven:
            # The COMMIT failed (the connection broke): PostgreSQL may have committed all the
            # same, so the files stay (an orphan file harms nobody; a complaint without its
            # attachment would).
            logger.warning("Afloop van de registratie onbekend; bestanden blijven: %s", geschreven)
        raise
    return klacht


def _bestanden_verwijderen(namen: list[str]) -> None:
    """Remove the files of a complaint that was rolled back. One the storage does not let us
    remove now (it is down: that is often why the complaint failed) is recorded, and the beat job
    removes it later (verweesde_bestanden_opruimen); should the database be down too, the log
    names it."""
    opslag = Bijlage._meta.get_field("bestand").storage
    for naam in namen:
        try:
            opslag.delete(naam)
        except Exception:
            try:
                VerweesdBestand.objects.get_or_create(naam=naam)
            except Exception:
                logger.warning("Bestand %s van een teruggedraaide klacht blijft staan", naam)


def verweesde_bestanden_opruimen() -> int:
    """Remove the files recorded by _bestanden_verwijderen, now that the storage may answer
    again; what still fails stays recorded for the next run. Returns how many were removed."""
    opslag = Bijlage._meta.get_field("bestand").storage
    verwijderd = 0
    for bestand in VerweesdBestand.objects.order_by("pk"):
        try:
            opslag.delete(bestand.naam)
        except Exception:
            VerweesdBestand.objects.filter(pk=bestand.pk).update(pogingen=F("pogingen") + 1)
        else:
            bestand.delete()
            verwijderd += 1
    return verwijderd


def _klacht_schrijven(
    *,
    label: Label,
    kanaal: Kanaal | str,
    klant_naam: str,
    klant_email: str,
    categorie: Categorie | None,
    omschrijving: str,
    afdeling: Afdeling | None,
    ontvangen_op: dt.datetime | None,
    klant_telefoon: str,
    klant_postadres: str,
    polisnummer: str,
    gewenste_oplossing: str,
    urgentie: Urgentie | str,
    bijlagen: Iterable[UploadedFile],
    ingediend_door: Medewerker | None,
    direct_opgelost: bool,
    oplossing: str,
    privacy_akkoord: bool,
    betreft_medewerker: Medewerker | None,
    taal: str | None,
    formulier_sleutel: uuid.UUID | None,
    vorige_klacht: Klacht | None,
    geschreven: list[str],
    historie: list | None = None,
) -> Klacht:
    """The body of klacht_registreren's transaction (its caller holds it). `historie`: a list for
    the complaint's history row, which the caller writes (_opslaan_historie_later); without it
    the save writes the row."""
    actor = ingediend_door if ingediend_door is not None else KLANT
    actie = actie_controleren("direct_oplossen" if direct_opgelost else "registreren", None, actor)
    nu = timezone.now()
    ontvangen_op = ontvangen_op or nu
    klacht = Klacht(
        label=label,
        kanaal=kanaal,
        ontvangen_op=ontvangen_op,
        taal=taal or translation.get_language() or "nl",
        klant_naam=klant_naam.strip(),
        klant_email=klant_email.strip(),
        klant_telefoon=klant_telefoon.strip(),
        klant_postadres=klant_postadres.strip(),
        polisnummer=polisnummer.strip(),
        afdeling=afdeling or (categorie.afdeling if categorie is not None else None),
        categorie=categorie,
        urgentie=urgentie,
        omschrijving=omschrijving.strip(),
        gewenste_oplossing=gewenste_oplossing.strip(),
        ingediend_door=ingediend_door,
        direct_opgelost=direct_opgelost,
        oplossing=oplossing.strip(),
        status=actie.naar,
        privacy_akkoord_op=nu if privacy_akkoord else None,
        betreft_medewerker=betreft_medewerker,
        vorige_klacht=vorige_klacht,
    )
    # The fields as the forms and the API check them; the check constraints (state, number
    # format, "direct opgelost" is closed) guard what this code sets, and PostgreSQL enforces
    # them on save: validating them here would cost a query each.
    # The foreign keys too: their constraints say the rows exist, and the callers found them.
    niet_te_controleren = [
        "dossiernummer",
        "status_token",
        "antwoord_sleutel",
        "label",
        "afdeling",
        "categorie",
        "ingediend_door",
        "betreft_medewerker",
        "vorige_klacht",
    ]
    if categorie is None:  # nog te classificeren (an e-mail): the constraint guards the rule
        niet_te_controleren += ["categorie", "afdeling"]
    klacht.full_clean(exclude=niet_te_controleren, validate_constraints=False)
    klacht.adres_controleren()
    regels = selectors.termijnregels()
    if direct_opgelost:
        klacht.afgesloten_op = nu
    else:
        klacht.ontvangstbevestiging_uiterlijk_datum = termijnen.ontvangstbevestiging_uiterlijk(
            ontvangen_op, regels[termijnen.TermijnSoort.ONTVANGSTBEVESTIGING]
        )
        klacht.antwoord_uiterlijk_datum = termijnen.antwoord_uiterlijk(
            ontvangen_op, regels[termijnen.TermijnSoort.ANTWOORD]
        )
        eerste_reactie_vastleggen(klacht)
    termijnen_bijwerken(klacht, regels)
    # The files first, before the numbering row is locked: an upload to an object store takes
    # longer than everything after it.
    nieuwe_bijlagen = [
        _bijlage_voorbereiden(klacht=klacht, upload=upload, geschreven=geschreven)
        for upload in bijlagen
    ]
    klacht.formulier_sleutel = formulier_sleutel
    # Locks the year's numbering row until the commit: every registration of the year waits here
    # for the one before it (which _ontvangstbevestigingen_tellen relies on).
    klacht.dossiernummer = dossiernummer_uitgeven(jaar=kalender.lokale_datum(ontvangen_op).year)
    if ingediend_door is not None:
        klacht._history_user = ingediend_door

    # The public form, or an e-mail to the label's mailbox (klachten.berichten.inkomend), or a
    # vervolgklacht the customer wrote for: acknowledged automatically; in the same transaction:
    # no complaint without its acknowledgement in the outbox.
    automatisch = not direct_opgelost and (
        kanaal == Kanaal.WEBFORMULIER
        or (kanaal == Kanaal.EMAIL and ingediend_door is None)
        or vorige_klacht is not None
    )
    tijdlijn = [
        Gebeurtenis(
            klacht=klacht,
            soort=GebeurtenisSoort.ONTVANGEN,
            door=ingediend_door,
            door_klant=ingediend_door is None,
            naar_status=klacht.status,
            op=ontvangen_op,
        )
    ]
    bevestigen = lopend = None
    if automatisch and not klacht.per_post:
        # Acknowledged in the complaint's one INSERT (not written, then updated): the action
        # ontvangst_bevestigen of the workflow table, as ontvangst_bevestigen applies it.
        aantal = (
            _ontvangstbevestigingen_tellen(klacht, jaar_op_slot=True)
            if berichten.adres_onbewezen(klacht)
            else 0
        )
        if aantal < ONTVANGSTBEVESTIGINGEN_PER_ADRES:
            bevestigen = actie_controleren("ontvangst_bevestigen", klacht, SYSTEEM)
            lopend = termijnen.termijnen_van(klacht)
            klacht.status = bevestigen.naar
            klacht.versie += 1
            klacht.ontvangst_bevestigd_op = klacht.laatste_klantcontact_op = timezone.now()
            termijnen_bijwerken(klacht, regels)
        else:
            tijdlijn.append(_bevestiging_niet_gemaild(klacht, aantal))
        automatisch = False
    if historie is None:
        klacht.save()
    else:
        _opslaan_historie_later(klacht, historie)

    if bevestigen is not None:
        # Composed by the worker just before it sends it (berichten.uitgesteld, issue 20): the
        # request stores kind, complaint and language.
        bericht = berichten.bericht_versturen(
            klacht=klacht,
            soort=bevestigen.bericht,
            onderwerp="",
            tekst="",
            samenstellen_in=klacht.taal,
            door=None,
            tijdlijn=tijdlijn,
            # A complaint just filed on the form: no e-mail of the customer to answer in.
            draad=kanaal != Kanaal.WEBFORMULIER or vorige_klacht is not None,
        )
        tijdlijn.append(
            Gebeurtenis(
                klacht=klacht,
                soort=GebeurtenisSoort.STATUS,
                van_status=tijdlijn[0].naar_status,
                naar_status=klacht.status,
                door_klant=False,
            )
        )
    bundel = tijdlijnbundel.open_lijst()
    if bundel is not None and not nieuwe_bijlagen:
        # Inside an action (a vervolgklacht): with the action's own entries, in one INSERT.
        bundel.extend(tijdlijn)
    else:
        Gebeurtenis.objects.bulk_create(tijdlijn)
    if bevestigen is not None:
        _termijnaflopen_vastleggen(klacht, lopend, bevestigen.naam, bericht=bericht)
    for bijlage in nieuwe_bijlagen:
        bijlage.gebeurtenis = tijdlijn[0]
        bijlage.save()

    if direct_opgelost:
        _aankondigen(signals.klacht_afgesloten, klacht)
    elif automatisch:
        # A customer who gets post: the letter goes through the action as staff would send it.
        klacht = ontvangst_bevestigen(klacht=klacht, door=SYSTEEM)
    return klacht


def bijlage_opslaan(
    *,
    klacht: Klacht,
    upload: UploadedFile,
    gebeurtenis: Gebeurtenis | None = None,
    geschreven: list[str] | None = None,
) -> Bijlage:
    """Store an attachment whose type was checked from its content (klachten.uploads). The
    storage failing raises OpslagOnbereikbaar; `geschreven` collects the file's name (for the
    caller to remove it when its transaction rolls back)."""
    bijlage = _bijlage_voorbereiden(klacht=klacht, upload=upload, geschreven=geschreven)
    bijlage.gebeurtenis = gebeurtenis
    bijlage.save()
    return bijlage


def _bijlage_voorbereiden(
    *, klacht: Klacht, upload: UploadedFile, geschreven: list[str] | None
) -> Bijlage:
    """The file written to the storage, its row not yet saved."""
    bestandstype = bijlage_type_bepalen(upload)
    bijlage = Bijlage(
        klacht=klacht,
        oorspronkelijke_naam=upload.name[:255],
        mime_type=bestandstype.mime,
        grootte=upload.size,
    )
    # The name first (a fresh UUID, models.bijlage_pad), so that a file the storage left half
    # written (a full disk) is known and removed too.
    naam = bijlage.bestand.field.generate_filename(bijlage, upload.name)
    if geschreven is not None:
        geschreven.append(naam)
    try:
        bijlage.bestand.name = bijlage.bestand.storage.save(naam, upload, max_length=255)
    except Exception as exc:
        logger.warning("Bijlage niet opgeslagen: %s: %s", type(exc).__name__, exc)
        raise OpslagOnbereikbaar(str(exc)) from exc
    if geschreven is not None and bijlage.bestand.name != naam:
        geschreven.append(bijlage.bestand.name)
    return bijlage


def _aankondigen(signaal, klacht: Klacht) -> None:
    klacht_id = klacht.pk
    transaction.on_commit(lambda: signaal.send(sender=Klacht, klacht_id=klacht_id))


def _opslaan_historie_later(klacht: Klacht, historie: list) -> None:
    """Save `klacht` without the history row django-simple-history would write on it; that row,
    built now from the complaint as saved (as simple-history builds it; no receiver here listens
    to its pre/post_create_historical_record signals), goes to `historie`, for the caller to write
    with other rows (a vervolgklacht: both complaints' rows with the action's timeline entries,
    one statement, issue 20)."""
    soort = "+" if klacht._state.adding else "~"
    klacht.skip_history_when_saving = True  # simple-history's post_save writes no row
    try:
        klacht.save()
    finally:
        del klacht.skip_history_when_saving
    model = Klacht.history.model
    historie.append(
        model(
            history_date=getattr(klacht, "_history_date", timezone.now()),
            history_type=soort,
            history_user=model.get_default_history_user(klacht),
            history_change_reason=get_change_reason_from_object(klacht),
            **{veld.attname: getattr(klacht, veld.attname) for veld in model.tracked_fields},
        )
    )


def _versie_controleren(huidig: Klacht, versie: int | None) -> None:
    """`versie`, when given, is the version the user saw: otherwise someone changed the dossier
    meanwhile (checked on the locked row)."""
    if versie is not None and huidig.versie != versie:
        raise GewijzigdIntussen(
            _(
                "Dit dossier is intussen gewijzigd door iemand anders. Laad de pagina "
                "opnieuw, bekijk de wijziging en voer uw actie dan opnieuw uit."
            )
        )


def vergrendeld(klacht: Klacht) -> Klacht:
    """Mark a complaint the caller read with its row lock (select_for_update) in the transaction
    block it is in now: an action on it in that block takes this copy as the current one, without
    reading it again (the action page, issue 20). Its select_related must hold what _actie's
    does (label with its externe instantie, categorie, afdeling, behandelaar)."""
    klacht._vergrendeld_in = connection.atomic_blocks[-1]
    return klacht


def _vooraf_vergrendeld(klacht: Klacht) -> bool:
    blok = getattr(klacht, "_vergrendeld_in", None)
    return blok is not None and any(b is blok for b in connection.atomic_blocks)


@contextmanager
def _actie(
    *, klacht: Klacht, naam: str, door, versie: int | None = None, savepoint: bool = True
) -> Iterator[tuple[Klacht, Actie]]:
    """Apply one action of the workflow table to a locked, current copy of the complaint.

    The body changes fields; afterwards the state moves as the table says, the version goes up,
    the deadlines are recomputed, and a state change lands on the timeline. `versie`, when given,
    must be the version the user saw: otherwise someone changed the dossier meanwhile.
    `savepoint=False` for a caller whose own transaction block holds this one and ends with it
    (no SAVEPOINT of its own: one statement pair less).
    """
    vooraf = _vooraf_vergrendeld(klacht)
    # Locked already by the caller's block (vergrendeld): that block is the action's transaction.
    with transaction.atomic(savepoint=savepoint and not vooraf), tijdlijnbundel.gebundeld():
        huidig = (
            klacht
            if vooraf
            else Klacht.objects.select_for_update(of=("self",))
            .select_related("label__externe_instantie", "categorie", "afdeling", "behandelaar")
            .get(pk=klacht.pk)
        )
        _versie_controleren(huidig, versie)
        actie = actie_controleren(naam, huidig, door)
        van = huidig.status
        lopend = termijnen.termijnen_van(huidig)
        yield huidig, actie
        if actie.naar is not None:
            huidig.status = actie.naar
        huidig.versie += 1
        termijnen_bijwerken(huidig)
        # Before the save: a letter still to print leaves its deadlines running (bezorging).
        _termijnaflopen_vastleggen(
            huidig, lopend, naam, bericht=getattr(huidig, "_actiebericht", None)
        )
        if _medewerker(door) is not None:
            huidig._history_user = door
        historie = vars(huidig).pop("_historie_mee", None)
        if historie is None:
            huidig.save()
        else:
            # The history rows of a complaint the body registered (a vervolgklacht): written
            # with this one's, in the statement of the action's timeline entries.
            _opslaan_historie_later(huidig, historie)
            tijdlijnbundel.meeschrijven(historie)
        if huidig.status != van:
            tijdlijnbundel.vastleggen(
                klacht=huidig,
                soort=GebeurtenisSoort.STATUS,
                van_status=van,
                naar_status=huidig.status,
                door=_medewerker(door),
                door_klant=door == KLANT,
            )


# Actions that move the answer (or reconsideration) term without meeting it.
TERMIJN_VERSCHUIVEN = frozenset({"opschorten", "verlengen"})


def _termijnaflopen_vastleggen(
    klacht: Klacht, voor: termijnen.Termijnen, actie: str, bericht: Bericht | None = None
) -> None:
    """Every deadline that ran before the action and stopped or moved with it was met: on time
    when today is not after its date (the reports' "op tijd" figures read these rows).

    An action that sends the customer a message meets its deadlines with that message: the rows
    name it (Termijnafloop.bericht), and should it turn out undeliverable the deadline was not
    met after all (bericht_onbestelbaar_verwerken). The bezorging deadline is no deadline of its
    own in the reports: its outcome is that of the rows it reopened (bericht_opnieuw_versturen).
    """
    na = termijnen.termijnen_van(klacht)
    nu = timezone.now()
    vandaag = kalender.lokale_datum(nu)
    aflopen = []
    for termijn, datum in asdict(voor).items():
        if datum is None or getattr(na, termijn) == datum:
            continue
        if termijn in (termijnen.TermijnSoort.BEZORGING, termijnen.TermijnSoort.EERSTE_REACTIE):
            # The first reaction is measured by the month report from the timeline.
            continue
        if (
            actie in TERMIJN_VERSCHUIVEN
            and termijn in (termijnen.TermijnSoort.ANTWOORD, termijnen.TermijnSoort.HEROVERWEGING)
            and vandaag <= datum
        ):
            continue  # moved in time; extended after its date, it was missed all the same
        aflopen.append(
            Termijnafloop(
                klacht=klacht,
                termijn=termijn,
                uiterlijk_datum=datum,
                afgerond_op=nu,
                op_tijd=vandaag <= datum,
            )
        )
    soort = ACTIES[actie].bericht
    if aflopen and soort is not None:
        # The action's message: given by the caller that just wrote it, else looked up.
        if bericht is None:
            bericht = Bericht.objects.filter(klacht=klacht, soort=soort).order_by("-pk").first()
        for afloop in aflopen:
            afloop.bericht = bericht
    te_printen = bericht is not None and bericht.status == BerichtStatus.TE_PRINTEN
    if te_printen:
        # A letter counts on the day it is printed (brieven_geprint): until then its deadlines
        # are not met and run on as the bezorging deadline, with their own dates.
        for afloop in aflopen:
            afloop.te_printen_sinds = nu
            afloop.op_tijd = False
    Termijnafloop.objects.bulk_create(aflopen)
    if te_printen:
        if bericht.soort == BerichtSoort.ONTVANGSTBEVESTIGING:
            klacht.ontvangst_bevestigd_op = None
        _bezorging_bijwerken(klacht)
        termijnen_bijwerken(klacht)


def _bezorging_bijwerken(klacht: Klacht) -> None:
    """The bezorging deadline: the earliest date of the deadlines whose message was undeliverable
    and not sent again (none: no such deadline runs)."""
    klacht.bezorging_uiterlijk_datum = Termijnafloop.objects.filter(
        Q(onbestelbaar_op__isnull=False) | Q(te_printen_sinds__isnull=False), klacht=klacht
    ).aggregate(datum=Min("uiterlijk_datum"))["datum"]


def bericht_onbestelbaar_verwerken(*, bericht: Bericht) -> None:
    """A message to the customer that the mail server refused for good does not count as given
    (DESIGN.md section 12, "delivery is a fact"; issue 15): the deadlines it met run again as the
    complaint's bezorging deadline with their own dates (on the queue's badge, in the deadline
    watch, in the reports), an undelivered acknowledgement no longer reads as acknowledged, the
    timeline says so, and the behandelaar (without one: the afdeling's teamleiders) gets a notice
    to correct the address and send it again.

    A notice to staff that is undeliverable tells nobody by mail (it would only go the same way);
    the beheerder's count of undeliverable messages shows it, and a deadline signal whose notice
    did not arrive does not read as sent (Termijnsignaal, its berichten). Runs in the caller's
    transaction (berichten.bericht_afleveren), with the status change."""
    if bericht.klacht_id is None or berichten.is_intern(bericht.soort):
        return
    with transaction.atomic():
        klacht = (
            Klacht.objects.select_for_update(of=("self",))
            .select_related("label", "afdeling", "behandelaar", "heroverweging_behandelaar")
            .get(pk=bericht.klacht_id)
        )
        Termijnafloop.objects.filter(bericht=bericht).update(
            onbestelbaar_op=timezone.now(), op_tijd=False
        )
        if bericht.soort == BerichtSoort.ONTVANGSTBEVESTIGING:
            klacht.ontvangst_bevestigd_op = None
        _bezorging_bijwerken(klacht)
        termijnen_bijwerken(klacht)
        klacht.save()
        # A reply to a customer on social media (issue 21) has no address: its connection.
        aan = bericht.aan or (
            _("social media via %(koppeling)s") % {"koppeling": bericht.socialekoppeling}
            if bericht.socialekoppeling_id is not None
            else ""
        )
        Gebeurtenis.objects.create(
            klacht=klacht,
            soort=GebeurtenisSoort.BEZORGING,
            tekst=_(
                "Niet bezorgd: '%(onderwerp)s' aan %(aan)s. Antwoord van de mailserver: "
                "%(antwoord)s"
            )
            % {
                "onderwerp": bericht.onderwerp,
                "aan": aan,
                "antwoord": bericht.laatste_fout,
            },
        )
        melding = _(
            "Het bericht '%(onderwerp)s' aan %(aan)s is niet bezorgd: de mailserver weigerde het "
            "(%(antwoord)s). De klant heeft het niet gekregen; een termijn kan in gevaar zijn. "
            "Controleer het e-mailadres en verstuur het bericht opnieuw vanuit het dossier."
        ) % {"onderwerp": bericht.onderwerp, "aan": aan, "antwoord": bericht.laatste_fout}
        behandelaar = klacht.heroverweging_behandelaar or klacht.behandelaar
        if behandelaar is not None and behandelaar.email and behandelaar.is_active:
            ontvangers = [behandelaar]
        else:
            ontvangers = selectors.teamleiders(klacht.afdeling_id)
        berichten.medewerkers_melden(klacht=klacht, ontvangers=ontvangers, melding=melding)


def bericht_opnieuw_versturen(
    *,
    klacht: Klacht,
    door: Medewerker,
    bericht: Bericht,
    klant_email: str,
    versie: int | None = None,
) -> Bericht:
    """Send an undeliverable message again, to the customer's corrected address (issue 15).

    The address is corrected on the complaint (its history shows who changed it), the message
    goes out as a new outbox row with the same subject and text, and the old one stays on the
    dossier as onbestelbaar, pointing at its copy. The deadlines it met count as met from now:
    on time when today is not after their own date (the bezorging deadline stops)."""
    with transaction.atomic():
        k = Klacht.objects.select_for_update(of=("self",)).select_related("label").get(pk=klacht.pk)
        _versie_controleren(k, versie)
        reden = workflow.opnieuw_versturen_weigering(k, door)
        if reden is not None:
            raise WorkflowFout(reden)
        oud = Bericht.objects.select_for_update(of=("self",)).get(pk=bericht.pk, klacht=k)
        if (
            oud.status != BerichtStatus.ONBESTELBAAR
            or oud.opnieuw_verstuurd_als_id is not None
            or berichten.is_intern(oud.soort)
        ):
            raise ValidationError(_("Dit bericht is niet onbestelbaar of is al opnieuw verstuurd."))
        adres = klant_email.strip()
        if not adres:
            raise ValidationError({"klant_email": _("Vul het e-mailadres van de klant in.")})
        if adres != k.klant_email:
            k.klant_email = adres
            k._history_user = door
        nieuw = berichten.bericht_versturen(
            klacht=k,
            soort=oud.soort,
            onderwerp=oud.onderwerp,
            tekst=oud.tekst,
            door=door,
            aan=adres,
            bijlage=(oud.bijlage_naam, oud.bijlage.name) if oud.bijlage else None,
        )
        oud.opnieuw_verstuurd_als = nieuw
        oud.save(update_fields=["opnieuw_verstuurd_als"])
        nu = timezone.now()
        vandaag = kalender.lokale_datum(nu)
        for afloop in Termijnafloop.objects.filter(bericht=oud):
            afloop.bericht = nieuw
            afloop.onbestelbaar_op = None
            afloop.afgerond_op = nu
            afloop.op_tijd = vandaag <= afloop.uiterlijk_datum
            afloop.save(update_fields=["bericht", "onbestelbaar_op", "afgerond_op", "op_tijd"])
        if oud.soort == BerichtSoort.ONTVANGSTBEVESTIGING and k.ontvangst_bevestigd_op is None:
            k.ontvangst_bevestigd_op = nu
        _bezorging_bijwerken(k)
        termijnen_bijwerken(k)
        k.versie += 1
        k.save()
        Gebeurtenis.objects.create(
            klacht=k,
            soort=GebeurtenisSoort.BEZORGING,
            tekst=_(
                "Opnieuw verstuurd: '%(onderwerp)s' aan %(aan)s (eerder onbestelbaar bij %(oud)s)."
            )
            % {"onderwerp": oud.onderwerp, "aan": adres, "oud": oud.aan},
            door=door,
        )
    return nieuw


def brieven_geprint(
    *, bericht_ids: Iterable[int], door: Medewerker, op: dt.datetime | None = None
) -> int:
    """Mark letters of the print tray as printed, and so sent on `op` (default now; issue 18):
    each waiting letter once, under its row lock (a second call, or two at once, marks nothing
    again). The deadlines a letter met count as met on its print date, on time when that day is
    not after their own date; an acknowledgement by letter counts from then; the statusupdate
    term runs from then. The timeline shows the letter as sent, with its date (the message's
    status), and the complaint's history who marked it. Returns how many letters were marked
    now."""
    op = op or timezone.now()
    vandaag = kalender.lokale_datum(op)
    with transaction.atomic():
        brieven = list(
            Bericht.objects.select_for_update(of=("self",))
            .filter(pk__in=list(bericht_ids), status=BerichtStatus.TE_PRINTEN)
            .order_by("pk")
        )
        if not brieven:
            return 0
        for brief in brieven:
            brief.status = BerichtStatus.VERZONDEN
            brief.verzonden_op = op
            brief.save(update_fields=["status", "verzonden_op"])
        per_klacht: dict[int, list[Bericht]] = {}
        for brief in brieven:
            per_klacht.setdefault(brief.klacht_id, []).append(brief)
        for klacht in Klacht.objects.select_for_update(of=("self",)).filter(
            pk__in=sorted(per_klacht)
        ):
            eigen = per_klacht[klacht.pk]
            for afloop in Termijnafloop.objects.filter(
                bericht__in=eigen, te_printen_sinds__isnull=False
            ):
                afloop.te_printen_sinds = None
                afloop.afgerond_op = op
                afloop.op_tijd = (
                    afloop.onbestelbaar_op is None and vandaag <= afloop.uiterlijk_datum
                )
                afloop.save(update_fields=["te_printen_sinds", "afgerond_op", "op_tijd"])
            if klacht.ontvangst_bevestigd_op is None and any(
                b.soort == BerichtSoort.ONTVANGSTBEVESTIGING for b in eigen
            ):
                klacht.ontvangst_bevestigd_op = op
            if klacht.laatste_klantcontact_op is None or klacht.laatste_klantcontact_op < op:
                klacht.laatste_klantcontact_op = op
            _bezorging_bijwerken(klacht)
            termijnen_bijwerken(klacht)
            klacht._history_user = door
            klacht.save()
    return len(brieven)


def _bericht(
    klacht: Klacht,
    actie: Actie,
    door,
    onderwerp: str = "",
    tekst: str = "",
    al_verzonden: bool = False,
    **feiten,
) -> None:
    """Send the action's message, assembled from its parts (berichten.samenstellen): `tekst` is
    the handler's free part, `feiten` what the template fills in from the data; `onderwerp` the
    handler's subject, else the template's."""
    standaard_onderwerp, volledig = berichten.bericht_opstellen(
        klacht=klacht, soort=actie.bericht, vrije_tekst=tekst, **feiten
    )
    # Remembered for the deadlines it meets (_termijnaflopen_vastleggen): not read back.
    klacht._actiebericht = berichten.bericht_versturen(
        klacht=klacht,
        soort=actie.bericht,
        onderwerp=onderwerp or standaard_onderwerp,
        tekst=volledig,
        door=_medewerker(door),
        tijdlijn=tijdlijnbundel.open_lijst(),
        al_verzonden=al_verzonden,
    )
    klacht.laatste_klantcontact_op = timezone.now()


def _notitie(klacht: Klacht, soort: GebeurtenisSoort, tekst: str, door) -> Gebeurtenis:
    return tijdlijnbundel.vastleggen(
        klacht=klacht, soort=soort, tekst=tekst, door=_medewerker(door), door_klant=door == KLANT
    )


# No spam relay (issue 15): at most this many automatic acknowledgements of public-form
# complaints go to one mailbox in a rolling 24 hours.
ONTVANGSTBEVESTIGINGEN_PER_ADRES = 3
ONTVANGSTBEVESTIGINGEN_VENSTER = dt.timedelta(hours=24)
_ADRES_SLOT = 0x4F4256  # advisory lock namespace of the count per address ("OBV")


def ontvangst_bevestigen(
    *, klacht: Klacht, door, onderwerp: str = "", tekst: str = "", versie: int | None = None
) -> Klacht:
    """Send the ontvangstbevestiging (step 2): within 8 days of receipt, with the dossiernummer.

    The automatic one of a public-form complaint (door SYSTEEM) is not mailed when
    ONTVANGSTBEVESTIGINGEN_PER_ADRES went to the same mailbox in the past 24 hours (no spam
    relay, issue 15): the complaint is stored and the customer saw its dossiernummer and status
    link on the confirmation page, but it stays *ontvangen*; a timeline note tells the handler
    why, and the acknowledgement deadline keeps running, so the handler confirms it (the address
    checked, by phone or by sending it from the dossier) or finds it not admissible.
    """
    with transaction.atomic(savepoint=not _vooraf_vergrendeld(klacht)):
        if (
            door == SYSTEEM
            and berichten.adres_onbewezen(klacht)
            and not _ontvangstbevestiging_mailen_mag(klacht)
        ):
            return klacht
        with _actie(
            klacht=klacht, naam="ontvangst_bevestigen", door=door, versie=versie, savepoint=False
        ) as (k, actie):
            _bericht(k, actie, door, onderwerp, tekst)
            k.ontvangst_bevestigd_op = timezone.now()
    return k


def _ontvangstbevestiging_mailen_mag(klacht: Klacht) -> bool:
    """Whether the mailbox of the complaint got fewer than ONTVANGSTBEVESTIGINGEN_PER_ADRES
    automatic acknowledgements in the past 24 hours; if not, the timeline says so. On PostgreSQL
    a lock per mailbox (until the caller's transaction ends) makes simultaneous complaints count
    one after the other; SQLite has one writer anyway."""
    aantal = _ontvangstbevestigingen_tellen(klacht)
    if aantal < ONTVANGSTBEVESTIGINGEN_PER_ADRES:
        return True
    _bevestiging_niet_gemaild(klacht, aantal).save()
    return False


def _ontvangstbevestigingen_tellen(klacht: Klacht, *, jaar_op_slot: bool = False) -> int:
    """The automatic acknowledgements to the complaint's mailbox in the past 24 hours. On
    PostgreSQL a lock per mailbox (until the caller's transaction ends) makes simultaneous
    complaints count one after the other, unless the caller holds the lock on the year's
    numbering row (`jaar_op_slot`, _klacht_schrijven: every registration waits for that one
    already); SQLite has one writer anyway."""
    if connection.vendor == "postgresql" and not jaar_op_slot:
        sleutel = selectors.adres_sleutel(klacht.klant_email)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_ADRES_SLOT, sleutel])
    return selectors.ontvangstbevestigingen_naar_adres(
        email=klacht.klant_email, sinds=timezone.now() - ONTVANGSTBEVESTIGINGEN_VENSTER
    )


def _bevestiging_niet_gemaild(klacht: Klacht, aantal: int) -> Gebeurtenis:
    """The timeline note (unsaved) that the acknowledgement was not mailed: the limit per
    address was reached (no spam relay)."""
    with translation.override(settings.LANGUAGE_CODE):  # for staff, not in the customer's language
        tekst = _(
            "Geen ontvangstbevestiging gemaild: naar %(adres)s gingen in de afgelopen 24 uur al "
            "%(aantal)s ontvangstbevestigingen van klachten via het webformulier (grens tegen "
            "misbruik van het formulier om e-mail naar anderen te sturen). De klant zag het "
            "dossiernummer en de statuslink op de bevestigingspagina. Controleer het adres en "
            "bevestig de ontvangst vanuit het dossier; de termijn voor de ontvangstbevestiging "
            "loopt."
        ) % {"adres": klacht.klant_email, "aantal": aantal}
    logger.warning(
        "Ontvangstbevestiging van %s niet gemaild: grens per adres bereikt", klacht.dossiernummer
    )
    return Gebeurtenis(klacht=klacht, soort=GebeurtenisSoort.NOTITIE, tekst=tekst, door_klant=False)


def toewijzen(
    *,
    klacht: Klacht,
    door: Medewerker,
    afdeling: Afdeling,
    behandelaar: Medewerker | None,
    versie: int | None = None,
) -> Klacht:
    """Assign afdeling and behandelaar; during a heroverweging, the second-line handler.

    The behandelaar may not be the employee the complaint is about, must work in the afdeling,
    and in the second line may not be the first-line handler (DESIGN.md section 4). A
    partnerbehandelaar (an outside firm, issue 9) works for no afdeling: they may take the first
    line of a complaint of any afdeling, never the second line (the insurer's own).
    """
    with _actie(klacht=klacht, naam="toewijzen", door=door, versie=versie) as (k, _a):
        tweede_lijn = k.status == Status.IN_HEROVERWEGING
        huidige = k.heroverweging_behandelaar_id if tweede_lijn else k.behandelaar_id
        ongewijzigd = k.afdeling_id == afdeling.pk and huidige == getattr(behandelaar, "pk", None)
        if behandelaar is not None and k.categorie_id is None:
            raise ValidationError(
                {
                    "behandelaar": _(
                        "Deze klacht heeft nog geen categorie: classificeer haar voordat u een "
                        "behandelaar kiest."
                    )
                }
            )
        if behandelaar is not None:
            if k.betreft_medewerker_id == behandelaar.pk:
                raise ValidationError(
                    {"behandelaar": _("De klacht gaat over deze medewerker: kies een ander.")}
                )
            if rollen.is_partnerbehandelaar(behandelaar):
                if k.status == Status.IN_HEROVERWEGING:
                    raise ValidationError(
                        {
                            "behandelaar": _(
                                "De heroverweging doet een eigen medewerker, geen "
                                "partnerbehandelaar."
                            )
                        }
                    )
            elif afdeling.pk not in {a.pk for a in rollen.afdelingen_van(behandelaar)}:
                raise ValidationError(
                    {"behandelaar": _("Deze medewerker werkt niet bij de gekozen afdeling.")}
                )
        if tweede_lijn and behandelaar is not None and behandelaar.pk == k.behandelaar_id:
            # The first-line behandelaar stays on record: it is who may not answer the
            # heroverweging. Leaving the field empty clears only the second line.
            raise ValidationError(
                {"behandelaar": _("De heroverweging doet een andere behandelaar dan de eerste.")}
            )
        if ongewijzigd:
            # The same values again (after the checks: a choice no longer valid stays refused).
            # Raised inside the locked block: nothing is saved, no timeline entry, no version.
            raise NietsGewijzigd
        if tweede_lijn:
            k.heroverweging_behandelaar = behandelaar
        else:
            k.behandelaar = behandelaar
        k.afdeling = afdeling
        if tweede_lijn:
            # The second line is no reassignment: the first-line handler stays on record.
            tekst = _("Tweedelijnsbehandelaar: %(behandelaar)s (afdeling %(afdeling)s)")
        else:
            tekst = _("Afdeling %(afdeling)s, behandelaar %(behandelaar)s")
        _notitie(
            k,
            GebeurtenisSoort.TOEWIJZING,
            tekst % {"afdeling": afdeling, "behandelaar": behandelaar or "-"},
            door,
        )
        if behandelaar is not None and behandelaar != door:
            # In the action's transaction: the notice goes out with the assignment or not at all.
            berichten.behandelaar_melden(klacht=k, melding=_("Deze klacht is aan u toegewezen."))
    return k


def urgentie_wijzigen(
    *, klacht: Klacht, door: Medewerker, urgentie: Urgentie | str, versie: int | None = None
) -> Klacht:
    """Set the complaint's urgentie (normaal or hoog): urgent complaints lead the work queue
    (issue 19). The same value again changes nothing (NietsGewijzigd, no timeline entry)."""
    urgentie = Urgentie(urgentie)
    with _actie(klacht=klacht, naam="urgentie_wijzigen", door=door, versie=versie) as (k, _a):
        if k.urgentie == urgentie:
            raise NietsGewijzigd
        k.urgentie = urgentie
        _notitie(
            k,
            GebeurtenisSoort.NOTITIE,
            _("Urgentie: %(urgentie)s") % {"urgentie": urgentie.label},
            door,
        )
    return k


def klacht_classificeren(
    *,
    klacht: Klacht,
    door: Medewerker,
    categorie: Categorie,
    afdeling: Afdeling | None = None,
    versie: int | None = None,
    triagevoorstel: bool = False,
) -> Klacht:
    """Give a complaint that came in by e-mail its categorie and afdeling (the categorie's
    afdeling when none is chosen); from then on it goes on like any other. Only a categorie of
    the complaint's label (Categorie.labels). `triagevoorstel`: the handler was shown the
    triage suggestion (klachten.triage); whether they took it is recorded."""
    with _actie(klacht=klacht, naam="classificeren", door=door, versie=versie) as (k, _a):
        k.categorie = categorie
        if not k.categorie_past_bij_label():
            raise ValidationError({"categorie": categorie_hoort_niet_bij(k.label)})
        k.afdeling = afdeling or categorie.afdeling
        if triagevoorstel:
            # The triage suggestion the handler saw (klachten.triage): what they chose counts;
            # the suggestion only records whether it was taken.
            Triagesuggestie.objects.filter(klacht=k, overgenomen__isnull=True).update(
                overgenomen=Case(
                    When(categorie=k.categorie, afdeling=k.afdeling, then=Value(True)),
                    default=Value(False),
                ),
                beslist_op=timezone.now(),
            )
        _notitie(
            k,
            GebeurtenisSoort.TOEWIJZING,
            _("Geclassificeerd: categorie %(categorie)s, afdeling %(afdeling)s")
            % {"categorie": categorie, "afdeling": k.afdeling},
            door,
        )
    return k


def _interne_behandelaar(klacht: Klacht) -> Medewerker | None:
    """Who assigned the complaint to its partnerbehandelaar: the author of the latest Toewijzing
    on the timeline who is no partner (a partner cannot assign), when they may still handle it
    (active, a handler or teamleider of the complaint's afdeling, not the subject)."""
    toewijzing = (
        Gebeurtenis.objects.filter(
            klacht=klacht, soort=GebeurtenisSoort.TOEWIJZING, door__isnull=False
        )
        .exclude(door__groups__name=rollen.PARTNERBEHANDELAAR)
        .select_related("door")
        .order_by("-op", "-pk")
        .first()
    )
    if toewijzing is None:
        return None
    kandidaat = toewijzing.door
    if not (
        kandidaat.is_active
        and kandidaat.pk != klacht.betreft_medewerker_id
        and rollen.rollen_van(kandidaat) & {rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER}
        and klacht.afdeling_id in {a.pk for a in rollen.afdelingen_van(kandidaat)}
    ):
        return None
    return kandidaat


def teruggeven(
    *, klacht: Klacht, door: Medewerker, reden: str, versie: int | None = None
) -> Klacht:
    """A partnerbehandelaar hands the complaint back to the insurer's own staff (issue 9: "an
    escalation hands the complaint back to an in-house handler, who is notified").

    The complaint goes to the employee who assigned it to the partner, who gets a notice; when
    they cannot take it (left, another afdeling now), it goes unassigned to the afdeling and its
    teamleiders get the notice. The reason goes on the timeline; the partner no longer sees the
    complaint (klachten.selectors.klachten_voor).
    """
    if not reden.strip():
        raise ValidationError({"reden": _("Geef de reden; de interne behandelaar leest die.")})
    with _actie(klacht=klacht, naam="teruggeven", door=door, versie=versie) as (k, _a):
        interne = _interne_behandelaar(k)
        k.behandelaar = interne
        if interne is not None:
            tekst = _("Teruggegeven aan %(behandelaar)s: %(reden)s")
            ontvangers = [interne]
            # The notice names no content of the complaint: the reason is on the dossier.
            melding = _(
                "Een partnerbehandelaar heeft deze klacht aan u teruggegeven; de reden staat in "
                "het dossier."
            )
        else:
            tekst = _("Teruggegeven aan afdeling %(afdeling)s: %(reden)s")
            ontvangers = selectors.teamleiders(k.afdeling_id)
            melding = _(
                "Een partnerbehandelaar heeft deze klacht teruggegeven; wijs een behandelaar toe. "
                "De reden staat in het dossier."
            )
        _notitie(
            k,
            GebeurtenisSoort.TOEWIJZING,
            tekst % {"behandelaar": interne, "afdeling": k.afdeling or "-", "reden": reden.strip()},
            door,
        )
        berichten.medewerkers_melden(klacht=k, ontvangers=ontvangers, melding=melding)
    return k


def ontvankelijk_verklaren(
    *, klacht: Klacht, door: Medewerker, toelichting: str = "", versie: int | None = None
) -> Klacht:
    """Step 3: the complaint is admissible; the investigation (step 4) starts, and with it the
    statusupdate term: 21 days after the last message to the customer (who has been waiting
    since then, whatever the internal state was)."""
    with _actie(klacht=klacht, naam="ontvankelijk_verklaren", door=door, versie=versie) as (k, _a):
        k.is_ontvankelijk = True
        if toelichting.strip():
            _notitie(k, GebeurtenisSoort.NOTITIE, toelichting.strip(), door)
    return k


def niet_ontvankelijk_verklaren(
    *, klacht: Klacht, door: Medewerker, onderwerp: str, tekst: str, versie: int | None = None
) -> Klacht:
    """Step 3: not admissible — a written, reasoned answer, then closed."""
    with _actie(klacht=klacht, naam="niet_ontvankelijk_verklaren", door=door, versie=versie) as (
        k,
        actie,
    ):
        k.is_ontvankelijk = False
        _bericht(k, actie, door, onderwerp, tekst)
        k.afgesloten_op = timezone.now()
    _aankondigen(signals.klacht_afgesloten, k)
    return k


def notitie_toevoegen(*, klacht: Klacht, door: Medewerker, tekst: str) -> Gebeurtenis:
    """An internal note on the timeline (never shown to the customer)."""
    with transaction.atomic():
        k = Klacht.objects.select_for_update(of=("self",)).get(pk=klacht.pk)
        actie_controleren("notitie_toevoegen", k, door)
        return _notitie(k, GebeurtenisSoort.NOTITIE, tekst.strip(), door)


def telefooncontact_vastleggen(*, klacht: Klacht, door: Medewerker, tekst: str) -> Gebeurtenis:
    """A phone call with the customer, summarised on the timeline."""
    with transaction.atomic():
        k = Klacht.objects.select_for_update(of=("self",)).get(pk=klacht.pk)
        actie_controleren("telefooncontact_vastleggen", k, door)
        if k.eerste_reactie_uiterlijk_op is not None:
            # A phone call is a first reaction (rapportage.maandrapport.EERSTE_REACTIE).
            k.eerste_reactie_uiterlijk_op = k.eerste_reactie_herinnering_op = None
            termijnen_bijwerken(k)
            k._history_user = door
            k.save()
        return _notitie(k, GebeurtenisSoort.TELEFOON, tekst.strip(), door)


def klantbericht_toevoegen(
    *,
    klacht: Klacht,
    door,
    tekst: str,
    bijlagen: Iterable[UploadedFile] = (),
    per_email: bool = False,
) -> Gebeurtenis:
    """Information from the customer (status page, API, or an e-mail registered by staff).

    Recorded on the timeline with its attachments; the behandelaar is notified. `per_email`: an
    e-mail the customer sent to our mailbox (klachten.berichten.inkomend), which lands whatever
    the complaint's state (workflow.email_van_klant_controleren).
    """
    with transaction.atomic():
        k = (
            Klacht.objects.select_for_update(of=("self",))
            .select_related("label", "behandelaar", "heroverweging_behandelaar")
            .get(pk=klacht.pk)
        )
        if per_email:
            workflow.email_van_klant_controleren(k)
        else:
            actie_controleren("klantbericht_toevoegen", k, door)
        gebeurtenis = Gebeurtenis.objects.create(
            klacht=k,
            soort=GebeurtenisSoort.KLANTBERICHT,
            tekst=tekst.strip(),
            door=_medewerker(door),
            door_klant=door == KLANT,
        )
        for upload in bijlagen:
            bijlage_opslaan(klacht=k, upload=upload, gebeurtenis=gebeurtenis)
        if door not in (k.behandelaar, k.heroverweging_behandelaar):
            # The queue marks it until a handler of the complaint opens the dossier
            # (klacht_geopend); the handler who recorded it has seen it. No new version: the
            # customer's message changes nothing a form was filled in on.
            Klacht.objects.filter(pk=k.pk).update(klantbericht_op=gebeurtenis.op)
            berichten.behandelaar_melden(
                klacht=k, melding=_("De klant heeft informatie toegevoegd aan het dossier.")
            )
    return gebeurtenis


def klacht_geopend(*, klacht: Klacht, door) -> None:
    """A handler of the complaint (behandelaar or second-line handler) opened the dossier: the
    queue's marker "nieuw bericht van klant" goes (one UPDATE, only when it shows)."""
    if getattr(door, "pk", None) not in (
        klacht.behandelaar_id,
        klacht.heroverweging_behandelaar_id,
    ):
        return
    if not klacht.heeft_nieuw_klantbericht:
        return
    klacht.behandelaar_gelezen_op = timezone.now()
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar_gelezen_op=klacht.behandelaar_gelezen_op)


def geweigerde_bijlagen_vastleggen(*, klacht: Klacht, geweigerd: Iterable[tuple[str, str]]) -> None:
    """List on the timeline the attachments of a customer's e-mail that were not stored (type or
    size refused as for uploads, klachten.uploads), each with its reason."""
    regels = [f"- {naam}: {reden}" for naam, reden in geweigerd]
    if not regels:
        return
    with translation.override(settings.LANGUAGE_CODE):  # for staff
        kop = _("Bijlagen van de e-mail van de klant die niet zijn opgeslagen:")
    _notitie(klacht, GebeurtenisSoort.NOTITIE, "\n".join([kop, *regels]), SYSTEEM)


def _bericht_sturen(
    *,
    naam: str,
    klacht: Klacht,
    door,
    onderwerp: str,
    tekst: str,
    versie: int | None,
    al_verzonden: bool = False,
) -> Klacht:
    """An action whose only effect is its message to the customer (statusupdate, reactie)."""
    with _actie(klacht=klacht, naam=naam, door=door, versie=versie) as (k, actie):
        if al_verzonden and not k.per_sociaal:
            raise WorkflowFout(
                _("Alleen een antwoord op social media kan als al beantwoord worden vastgelegd.")
            )
        _bericht(k, actie, door, onderwerp, tekst, al_verzonden=al_verzonden)
    return k


def statusupdate_sturen(
    *, klacht: Klacht, door, onderwerp: str = "", tekst: str = "", versie: int | None = None
) -> Klacht:
    """Step 4: tell the customer how things stand, at least every 3 weeks."""
    return _bericht_sturen(
        naam="statusupdate_sturen",
        klacht=klacht,
        door=door,
        onderwerp=onderwerp,
        tekst=tekst,
        versie=versie,
    )


def reactie_sturen(
    *,
    klacht: Klacht,
    door,
    onderwerp: str = "",
    tekst: str = "",
    versie: int | None = None,
    op_platform: bool = False,
) -> Klacht:
    """Answer what the customer wrote, in any state (issue 17: the dossier's inline reply, in the
    customer's e-mail thread). The state stays; it meets no acknowledgement or answer deadline,
    but as a message to the customer the statusupdate term counts from it (workflow.ACTIES,
    "reactie_sturen"). After the closing it is the handler's choice "no new complaint, just
    answer" (selectors.na_afsluiting).

    `op_platform` (a customer on social media only, issue 21): the handler answered on the
    platform itself; the reply is recorded on the dossier as sent and not sent through the tool.
    In a public conversation it is recorded as the label's invitation, like one sent."""
    return _bericht_sturen(
        naam="reactie_sturen",
        klacht=klacht,
        door=door,
        onderwerp=onderwerp,
        tekst=tekst,
        versie=versie,
        al_verzonden=op_platform,
    )


def termijn_wijzigen(
    *,
    klacht: Klacht,
    door: Medewerker,
    soort: TermijnwijzigingSoort | str,
    nieuwe_datum: dt.date,
    reden: str,
    onderwerp: str = "",
    tekst: str = "",
    versie: int | None = None,
) -> Klacht:
    """Suspend (opschorten) or extend (verlengen) the running answer term, with a reason; the
    customer gets a vertragingsbericht that names the new date (DESIGN.md section 4)."""
    naam = "opschorten" if soort == TermijnwijzigingSoort.OPSCHORTING else "verlengen"
    with _actie(klacht=klacht, naam=naam, door=door, versie=versie) as (k, actie):
        veld = (
            "heroverweging_uiterlijk_datum"
            if k.status == Status.IN_HEROVERWEGING
            else "antwoord_uiterlijk_datum"
        )
        oude_datum = getattr(k, veld)
        if oude_datum is not None and nieuwe_datum <= oude_datum:
            raise ValidationError(
                {
                    "nieuwe_datum": _("Kies een datum na de huidige termijn (%(datum)s).")
                    % {
                        "datum": berichten.datum_tekst(
                            oude_datum, translation.get_language() or "nl"
                        )
                    }
                }
            )
        if not reden.strip():
            raise ValidationError({"reden": _("Geef de reden; de klant leest die.")})
        setattr(k, veld, nieuwe_datum)
        Termijnwijziging.objects.create(
            klacht=k,
            soort=soort,
            reden=reden.strip(),
            oude_datum=oude_datum,
            nieuwe_datum=nieuwe_datum,
            door=door,
        )
        _notitie(
            k,
            GebeurtenisSoort.TERMIJN,
            f"{TermijnwijzigingSoort(soort).label}: {reden.strip()}",
            door,
        )
        _bericht(
            k,
            actie,
            door,
            onderwerp,
            tekst,
            **bericht_feiten(naam, {"nieuwe_datum": nieuwe_datum, "reden": reden}),
        )
    return k


def escalatie_tekst(klacht: Klacht, standpunt_op: dt.datetime) -> str:
    """The external body's paragraph with the customer's last date and its contact details, in
    the customer's language (berichten.samenstellen.externe_paragraaf, the one place)."""
    return samenstellen.externe_paragraaf(klacht, standpunt_op)


def bericht_feiten(naam: str, gegevens: dict, *, nu: dt.datetime | None = None) -> dict:
    """The facts an action's message is assembled from, taken from its form's data (`gegevens`,
    the service's keyword arguments): the one mapping the services use when they send and the
    action page's preview (Voorbeeld) uses before anything is sent."""
    if naam in ("antwoord_sturen", "heroverweging_beantwoorden"):
        oordeel = gegevens.get("oordeel") or ""
        return {
            "oordeel": oordeel,
            "definitief": naam == "heroverweging_beantwoorden"
            or bool(gegevens.get("definitief_standpunt")),
            "standpunt_op": nu or timezone.now(),
        }
    if naam in ("opschorten", "verlengen"):
        reden = (gegevens.get("reden") or "").strip()
        return {"nieuwe_datum": gegevens.get("nieuwe_datum"), "reden": reden}
    return {}


def externe_uiterste_datum(klacht: Klacht) -> dt.date | None:
    """Until when the customer can go to the external body (after the definitief standpunt)."""
    instantie = klacht.label.externe_instantie
    if instantie is None or klacht.definitief_standpunt_op is None:
        return None
    return termijnen.externe_uiterste_datum(
        maanden_na_standpunt=instantie.maanden_na_standpunt,
        maanden_na_klacht=instantie.maanden_na_klacht,
        standpunt_op=klacht.definitief_standpunt_op,
        ontvangen_op=klacht.ontvangen_op,
    )


def antwoord_sturen(
    *,
    klacht: Klacht,
    door: Medewerker,
    oordeel: Oordeel | str,
    definitief_standpunt: bool = False,
    onderwerp: str = "",
    tekst: str = "",
    oorzaak: Oorzaak | None = None,
    versie: int | None = None,
) -> Klacht:
    """Step 5: the gemotiveerd antwoord with oordeel and advice; as definitief standpunt it
    carries the externe instantie's paragraph with the customer's last date. The root cause,
    when known, is recorded for the analysis."""
    with _actie(klacht=klacht, naam="antwoord_sturen", door=door, versie=versie) as (k, actie):
        if oorzaak is not None:
            k.oorzaak = oorzaak
        _antwoord_geven(k, actie, door, oordeel, definitief_standpunt, onderwerp, tekst)
    _aankondigen(signals.klacht_beantwoord, k)
    return k


def _antwoord_geven(
    k: Klacht, actie: Actie, door, oordeel, definitief: bool, onderwerp: str, tekst: str
) -> None:
    """Record the verdict and send the answer; a definitief standpunt carries the external body's
    paragraph (the next step, chosen by berichten.samenstellen.volgende_stap)."""
    nu = timezone.now()
    k.oordeel = oordeel
    k.beantwoord_op = nu
    if definitief:
        k.definitief_standpunt_op = nu
    feiten = bericht_feiten(
        actie.naam, {"oordeel": oordeel, "definitief_standpunt": definitief}, nu=nu
    )
    _bericht(k, actie, door, onderwerp, tekst, **feiten)


def heroverweging_vragen(*, klacht: Klacht, door, reden: str, versie: int | None = None) -> Klacht:
    """Step 6: the customer disagrees and asks for internal reconsideration (second line), on
    the status page or through a handler who records it. The customer gets a confirmation (issue
    18): the dossiernummer, that a handler who was not involved reviews the complaint, and the
    term with its unit and last date as the rules set it (Termijn "heroverweging"; the date the
    dossier shows). The teamleiders of the afdeling, who assign the second line, are told (the
    beheerders when the afdeling has none)."""
    if not reden.strip():
        raise ValidationError({"reden": _("Vertel waarom u het niet eens bent met het antwoord.")})
    with _actie(klacht=klacht, naam="heroverweging_vragen", door=door, versie=versie) as (k, actie):
        nu = timezone.now()
        regel = selectors.termijnregels()[termijnen.TermijnSoort.HEROVERWEGING]
        k.heroverweging_gevraagd_op = nu
        k.behandeling_hervat_op = nu
        k.heroverweging_uiterlijk_datum = termijnen.heroverweging_uiterlijk(nu, regel)
        k.afgesloten_op = None
        _notitie(k, GebeurtenisSoort.KLANTBERICHT, reden.strip(), door)
        _bericht(
            k,
            actie,
            door,
            gevraagd_op=nu,
            heroverweging_termijn=regel,
            heroverweging_uiterlijk=k.heroverweging_uiterlijk_datum,
        )
        with translation.override(settings.LANGUAGE_CODE):  # to staff, in the staff language
            melding = _("De klant vraagt om heroverweging. Wijs een tweedelijnsbehandelaar toe.")
        berichten.medewerkers_melden(
            klacht=k, ontvangers=selectors.tweedelijnstoewijzers(k.afdeling_id), melding=melding
        )
    return k


def heroverweging_beantwoorden(
    *,
    klacht: Klacht,
    door: Medewerker,
    oordeel: Oordeel | str,
    onderwerp: str = "",
    tekst: str = "",
    oorzaak: Oorzaak | None = None,
    versie: int | None = None,
) -> Klacht:
    """Step 6: the second-line answer; it is the definitief standpunt, with the escalation clause."""
    with _actie(klacht=klacht, naam="heroverweging_beantwoorden", door=door, versie=versie) as (
        k,
        actie,
    ):
        if oorzaak is not None:
            k.oorzaak = oorzaak
        _antwoord_geven(k, actie, door, oordeel, True, onderwerp, tekst)
    _aankondigen(signals.klacht_beantwoord, k)
    return k


def externe_procedure_vastleggen(
    *,
    klacht: Klacht,
    door: Medewerker,
    instantie: ExterneInstantie,
    ingediend_datum: dt.date,
    uitkomst: Uitkomst | str = Uitkomst.LOPEND,
    beslist_datum: dt.date | None = None,
    toelichting: str = "",
    procedure: ExterneProcedure | None = None,
) -> ExterneProcedure:
    """Step 6: the case at Kifid, SKGZ, an ombudsman or the court; its outcome is fed back."""
    if uitkomst != Uitkomst.LOPEND and beslist_datum is None:
        raise ValidationError({"beslist_datum": _("Vul in wanneer de uitspraak is gedaan.")})
    if beslist_datum is not None and beslist_datum < ingediend_datum:
        raise ValidationError(
            {"beslist_datum": _("De uitspraak kan niet voor de indiening liggen.")}
        )
    with transaction.atomic():
        k = Klacht.objects.select_for_update(of=("self",)).get(pk=klacht.pk)
        actie_controleren("externe_procedure_vastleggen", k, door)
        toelichting = toelichting.strip()
        if procedure is not None and (
            procedure.instantie_id,
            procedure.ingediend_datum,
            procedure.uitkomst,
            procedure.beslist_datum,
            procedure.toelichting,
        ) == (instantie.pk, ingediend_datum, uitkomst, beslist_datum, toelichting):
            raise NietsGewijzigd
        procedure = procedure or ExterneProcedure(klacht=k)
        procedure.instantie = instantie
        procedure.ingediend_datum = ingediend_datum
        procedure.uitkomst = uitkomst
        procedure.beslist_datum = beslist_datum
        procedure.toelichting = toelichting
        procedure.save()
        _notitie(
            k,
            GebeurtenisSoort.EXTERNE_PROCEDURE,
            f"{instantie}: {procedure.get_uitkomst_display()}",
            door,
        )
    return procedure


def afsluiten(
    *,
    klacht: Klacht,
    door: Medewerker,
    onderwerp: str = "",
    tekst: str = "",
    versie: int | None = None,
) -> Klacht:
    """Step 7: close the answered complaint; the customer gets the closing message."""
    with _actie(klacht=klacht, naam="afsluiten", door=door, versie=versie) as (k, actie):
        k.afgesloten_op = timezone.now()
        _bericht(k, actie, door, onderwerp, tekst)
    _aankondigen(signals.klacht_afgesloten, k)
    return k


SAMENVATTING_MAX = 2000
"""The most characters of the summary of the talk with the employee: a short internal note."""


def medewerker_besproken(
    *,
    klacht: Klacht,
    door: Medewerker,
    datum: dt.date,
    samenvatting: str,
    versie: int | None = None,
) -> Klacht:
    """Record that the complaint was discussed with the employee it is about (ARAG: "a complaint
    about an employee is always discussed with that employee"; issue 22): the date of the talk,
    who held it (the teamleider recording it) and a short internal summary, on the timeline.
    Closing waits for it (workflow.medewerkergesprek_ontbreekt)."""
    samenvatting = samenvatting.strip()
    errors = {}
    if not samenvatting:
        errors["samenvatting"] = _("Vat het gesprek met de medewerker kort samen.")
    elif len(samenvatting) > SAMENVATTING_MAX:
        errors["samenvatting"] = _("De samenvatting is te lang: ten hoogste %(max)d tekens.") % {
            "max": SAMENVATTING_MAX
        }
    if datum > kalender.vandaag():
        errors["datum"] = _("De datum van het gesprek kan niet in de toekomst liggen.")
    if errors:
        raise ValidationError(errors)
    with _actie(klacht=klacht, naam="medewerker_besproken", door=door, versie=versie) as (k, _a):
        if (
            k.medewerker_besproken_datum,
            k.medewerker_besproken_door_id,
            k.medewerker_gesprek_samenvatting,
        ) == (datum, door.pk, samenvatting):
            raise NietsGewijzigd
        k.medewerker_besproken_datum = datum
        k.medewerker_besproken_door = door
        k.medewerker_gesprek_samenvatting = samenvatting
        _notitie(
            k,
            GebeurtenisSoort.MEDEWERKERGESPREK,
            _("Besproken met %(medewerker)s op %(datum)s: %(samenvatting)s")
            % {
                "medewerker": k.betreft_medewerker,
                "datum": formats.date_format(datum),
                "samenvatting": samenvatting,
            },
            door,
        )
    return k


def heropenen(*, klacht: Klacht, door: Medewerker, reden: str, versie: int | None = None) -> Klacht:
    """Reopen a closed complaint with a reason; it keeps its dossiernummer and history, and gets a
    new answer term from today."""
    if not reden.strip():
        raise ValidationError({"reden": _("Geef de reden voor het heropenen.")})
    with _actie(klacht=klacht, naam="heropenen", door=door, versie=versie) as (k, _a):
        nu = timezone.now()
        k.afgesloten_op = None
        k.behandeling_hervat_op = nu
        # Solved at first contact after all not: it is handled as any complaint now.
        k.direct_opgelost = False
        k.antwoord_uiterlijk_datum = termijnen.antwoord_uiterlijk(
            nu, selectors.termijnregels()[termijnen.TermijnSoort.ANTWOORD]
        )
        _notitie(k, GebeurtenisSoort.NOTITIE, _("Heropend: %(reden)s") % {"reden": reden}, door)
    return k


def vervolgklacht_registreren(
    *,
    klacht: Klacht,
    door: Medewerker,
    categorie: Categorie,
    omschrijving: str,
    afdeling: Afdeling | None = None,
    versie: int | None = None,
) -> Klacht:
    """The customer wrote after the closing about something new (issue 17: "a new complaint
    linked to the old"): a new complaint for the same label and customer (name, e-mail, phone,
    policy number, language), registered through klacht_registreren like any other (numbered,
    its deadlines from the moment the customer wrote, acknowledged at once), channel e-mail when
    the message came by e-mail. Categorie and afdeling are the handler's (the form proposes the
    old complaint's). The new one names the old (Klacht.vorige_klacht); both timelines name the
    other; the old one stays closed."""
    with _actie(klacht=klacht, naam="vervolgklacht_registreren", door=door, versie=versie) as (
        oud,
        _a,
    ):
        # The customer's latest message after the closing (also when the handler chose before:
        # one e-mail may raise two matters).
        bericht = selectors.laatste_klantbericht_na_afsluiting(oud)
        # klacht_registreren's body in this action's transaction (no savepoint of its own, issue
        # 20): no attachments or form key to clean up after, and a failure undoes both.
        historie = []
        nieuw = _klacht_schrijven(
            label=oud.label,
            kanaal=Kanaal.EMAIL if bericht is not None and bericht.per_email else oud.kanaal,
            ontvangen_op=bericht.op if bericht is not None else None,
            klant_naam=oud.klant_naam,
            klant_email=oud.klant_email,
            klant_postadres=oud.klant_postadres,
            klant_telefoon=oud.klant_telefoon,
            polisnummer=oud.polisnummer,
            taal=oud.taal,
            categorie=categorie,
            afdeling=afdeling,
            omschrijving=omschrijving,
            gewenste_oplossing="",
            urgentie=Urgentie.NORMAAL,
            bijlagen=(),
            ingediend_door=door,
            direct_opgelost=False,
            oplossing="",
            privacy_akkoord=False,
            betreft_medewerker=None,
            formulier_sleutel=None,
            vorige_klacht=oud,
            geschreven=[],
            historie=historie,
        )
        oud._historie_mee = historie  # _actie writes both complaints' history rows at once
        _notitie(
            oud,
            GebeurtenisSoort.VERVOLGKLACHT,
            _("Nieuwe klacht %(nummer)s geregistreerd als vervolg op deze klacht.")
            % {"nummer": nieuw.dossiernummer},
            door,
        )
        _notitie(
            nieuw,
            GebeurtenisSoort.VERVOLGKLACHT,
            _("Vervolg op klacht %(nummer)s.") % {"nummer": oud.dossiernummer},
            door,
        )
    return nieuw


def leermoment_toevoegen(*, klacht: Klacht, door: Medewerker, omschrijving: str) -> Leermoment:
    """Step 8: a lesson learned from this complaint."""
    with transaction.atomic():
        k = Klacht.objects.select_for_update(of=("self",)).get(pk=klacht.pk)
        actie_controleren("leermoment_toevoegen", k, door)
        leermoment = Leermoment.objects.create(
            klacht=k, omschrijving=omschrijving.strip(), door=door
        )
        _notitie(k, GebeurtenisSoort.LEERMOMENT, leermoment.omschrijving, door)
    return leermoment


def verbeterpunt_toevoegen(
    *,
    door: Medewerker,
    omschrijving: str,
    eigenaar: Medewerker,
    streefdatum: dt.date,
    klacht: Klacht | None = None,
) -> Verbeterpunt:
    """Step 8: an improvement action with owner and due date, from a complaint or on its own."""
    with transaction.atomic():
        if klacht is not None:
            klacht = Klacht.objects.select_for_update(of=("self",)).get(pk=klacht.pk)
            actie_controleren("verbeterpunt_toevoegen", klacht, door)
        elif not mag(door, ACTIES["verbeterpunt_toevoegen"]):
            raise WorkflowFout(_("U mag geen verbeterpunten vastleggen."))
        punt = Verbeterpunt.objects.create(
            klacht=klacht,
            omschrijving=omschrijving.strip(),
            eigenaar=eigenaar,
            streefdatum=streefdatum,
            aangemaakt_door=door,
        )
        if klacht is not None:
            _notitie(klacht, GebeurtenisSoort.VERBETERPUNT, punt.omschrijving, door)
    return punt


def verbeterpunt_bijwerken(
    *,
    verbeterpunt: Verbeterpunt,
    door: Medewerker,
    status: VerbeterpuntStatus | str,
    streefdatum: dt.date | None = None,
) -> Verbeterpunt:
    """Follow up an improvement action: its status (and due date); done is stamped once.

    Those who may record improvement actions may follow them up, and so may the owner.
    """
    with transaction.atomic():
        punt = Verbeterpunt.objects.select_for_update().get(pk=verbeterpunt.pk)
        if not (mag(door, ACTIES["verbeterpunt_toevoegen"]) or punt.eigenaar_id == door.pk):
            raise WorkflowFout(_("U mag dit verbeterpunt niet bijwerken."))
        if punt.status == status and streefdatum in (None, punt.streefdatum):
            raise NietsGewijzigd
        was_gereed = punt.status == VerbeterpuntStatus.GEREED
        punt.status = status
        if streefdatum is not None:
            punt.streefdatum = streefdatum
        if status != VerbeterpuntStatus.GEREED:
            punt.gereed_op = None
        elif not was_gereed:
            punt.gereed_op = timezone.now()
        punt._history_user = door
        punt.save()
    return punt


def kwetsbaarheid_vastleggen(
    *,
    klacht: Klacht,
    door: Medewerker,
    soort: KwetsbaarheidSoort | str,
    toelichting: str = "",
    versie: int | None = None,
) -> Kwetsbaarheidssignaal:
    """Record a sign that the customer is vulnerable: payment problems or debts, low literacy,
    several problems at once, a medical urgency (Keurmerk Klantgericht Verzekeren: extra care
    for vulnerable customers). Only the staff who handle the complaint see it
    (klachten.selectors.ziet_kwetsbaarheid); never the customer, the API or a report but as a
    count.

    Triage (DESIGN.md section 4: "urgency hoog, e.g. a vulnerable customer or a medical
    urgency"): the complaint's urgentie becomes hoog. Messages to the customer are then offered
    in plain language where a template exists (EENVOUDIGE_TAAL_BIJ, klachten.berichten).
    """
    with _actie(klacht=klacht, naam="kwetsbaarheid_vastleggen", door=door, versie=versie) as (
        k,
        _a,
    ):
        toelichting = toelichting.strip()
        bestaand = k.kwetsbaarheidssignalen.filter(soort=soort).first()
        if bestaand is not None:
            if toelichting in ("", bestaand.toelichting):
                # The same signal again: nothing is saved (no version, no history row).
                raise NietsGewijzigd
            raise ValidationError({"soort": _("Dit signaal staat al op het dossier.")})
        signaal = Kwetsbaarheidssignaal.objects.create(
            klacht=k, soort=soort, toelichting=toelichting, door=door, op=timezone.now()
        )
        k.urgentie = Urgentie.HOOG
    return signaal


def kwetsbaarheid_intrekken(
    *,
    klacht: Klacht,
    door: Medewerker,
    soort: KwetsbaarheidSoort | str,
    urgentie_verlagen: bool = False,
    versie: int | None = None,
) -> Klacht:
    """Withdraw a vulnerability signal recorded by mistake: wrong personal data is removed, not
    kept as history (AVG article 16, rectification).

    The urgentie is never lowered silently: it may have been hoog for another reason (a medical
    urgency at intake). It stays hoog unless the handler asks to lower it, which can only when
    no other signal remains (DESIGN.md section 4, triage).
    """
    with _actie(klacht=klacht, naam="kwetsbaarheid_intrekken", door=door, versie=versie) as (
        k,
        _a,
    ):
        verwijderd, _per_model = k.kwetsbaarheidssignalen.filter(soort=soort).delete()
        if not verwijderd:
            # Withdrawn already (by a colleague meanwhile): nothing to change.
            raise NietsGewijzigd
        if urgentie_verlagen:
            if k.kwetsbaarheidssignalen.exists():
                raise ValidationError(
                    {
                        "urgentie_verlagen": _(
                            "Er staan nog andere signalen op het dossier: de urgentie blijft hoog."
                        )
                    }
                )
            k.urgentie = Urgentie.NORMAAL
    return k


def doorverwijzing_vastleggen(
    *,
    klacht: Klacht,
    door: Medewerker,
    naar: str,
    datum: dt.date,
    uitkomst: DoorverwijzingUitkomst | str = DoorverwijzingUitkomst.LOPEND,
    toelichting: str = "",
    doorverwijzing: Doorverwijzing | None = None,
) -> Doorverwijzing:
    """Record that a vulnerable customer was referred to help outside the insurer (e.g. the
    municipality's debt counselling), with its date; or, given `doorverwijzing`, update an
    earlier one, usually with its outcome (Keurmerk Klantgericht Verzekeren: a vulnerable
    customer is helped on, and whether that worked is followed up). Seen like the signals: only
    by the staff who handle the complaint."""
    errors = {}
    if not naar.strip():
        errors["naar"] = _("Vul in naar wie of welke organisatie de klant is doorverwezen.")
    if datum > kalender.vandaag():
        errors["datum"] = _("De datum van de doorverwijzing kan niet in de toekomst liggen.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        k = Klacht.objects.select_for_update(of=("self",)).get(pk=klacht.pk)
        actie_controleren("doorverwijzing_vastleggen", k, door)
        waarden = (naar.strip(), datum, uitkomst, toelichting.strip())
        if doorverwijzing is None:
            # The same referral recorded again (a double submit): no second one on the timeline.
            if k.doorverwijzingen.filter(
                naar=waarden[0], datum=datum, uitkomst=uitkomst, toelichting=waarden[3]
            ).exists():
                raise NietsGewijzigd
            doorverwijzing = Doorverwijzing(klacht=k, door=door)
        else:
            doorverwijzing = k.doorverwijzingen.select_for_update().get(pk=doorverwijzing.pk)
            huidig = (
                doorverwijzing.naar,
                doorverwijzing.datum,
                doorverwijzing.uitkomst,
                doorverwijzing.toelichting,
            )
            if huidig == waarden:
                raise NietsGewijzigd
        doorverwijzing.naar = naar.strip()
        doorverwijzing.datum = datum
        doorverwijzing.uitkomst = uitkomst
        doorverwijzing.toelichting = toelichting.strip()
        doorverwijzing.save()
    return doorverwijzing


def inzage_vastleggen(
    *,
    medewerker: Medewerker,
    klacht: Klacht,
    soort: InzageSoort,
    bijlage: Bijlage | None = None,
    ip_adres: str = "",
) -> Inzage:
    """Log that a staff member opened a dossier or an attachment (DESIGN.md section 10: every
    view of a dossier by staff is logged; the beheerder searches the log in the admin)."""
    return Inzage.objects.create(
        medewerker=medewerker,
        klacht=klacht,
        soort=soort,
        bijlage=bijlage,
        bijlage_naam=bijlage.oorspronkelijke_naam if bijlage is not None else "",
        ip_adres=_ip_of_niets(ip_adres),
    )


def inzagen_vastleggen(
    *, medewerker: Medewerker, klachten: Iterable[Klacht], soort: InzageSoort, ip_adres: str = ""
) -> None:
    """Log a list of complaints read at once (an API page holds their customer data): one row
    per complaint, in one statement."""
    ip_adres = _ip_of_niets(ip_adres)
    Inzage.objects.bulk_create(
        Inzage(medewerker=medewerker, klacht=klacht, soort=soort, ip_adres=ip_adres)
        for klacht in klachten
    )


def _ip_of_niets(ip_adres: str) -> str | None:
    try:
        return str(ipaddress.ip_address(ip_adres))
    except ValueError:
        return None


LINK_KWIJT_AFGESLOTEN_DAGEN = 30
"""'Link kwijt?' with the address alone also sends the links of the complaints closed this many
days ago or less: a customer who just received our answer may still want to ask for a
reconsideration or add something (Status.AFGESLOTEN is final; the page still shows the answer)."""

LINK_KWIJT_MAXIMAAL = 20
"""At most this many links in one e-mail, the most recent complaints first."""


def statuslink_opnieuw_sturen(*, dossiernummer: str, email: str) -> None:
    """ "Link kwijt?": send the status link again when number and e-mail match. The caller shows
    the same answer either way, so this reveals nothing about which complaints exist."""
    klacht = (
        Klacht.objects.select_related("label")
        .filter(dossiernummer=dossiernummer.strip().upper(), klant_email__iexact=email.strip())
        .first()
    )
    if klacht is None:
        return
    _statuslink_sturen(klacht)


def _statuslink_sturen(klacht: Klacht) -> None:
    with transaction.atomic():
        onderwerp, tekst = berichten.bericht_opstellen(klacht=klacht, soort=BerichtSoort.STATUSLINK)
        berichten.bericht_versturen(
            klacht=klacht,
            soort=BerichtSoort.STATUSLINK,
            onderwerp=onderwerp,
            tekst=tekst,
            door=None,
            aan=klacht.klant_email,  # asked by e-mail: by e-mail, also for a customer who gets post
        )


def statuslinks_opnieuw_sturen(*, email: str, label: Label, taal: str) -> None:
    """ "Link kwijt?" with the e-mail address alone (someone who lost our e-mail usually lost the
    dossiernummer too): one e-mail to that address with the status links of its complaints at
    this label that are open or were closed in the last LINK_KWIJT_AFGESLOTEN_DAGEN days. One
    complaint: its own status-link message (on its dossier, in its language); several: one
    message about no complaint, in `taal` (the language of the page the customer used). Nothing
    when there are none; the caller shows the same answer either way (no enumeration). The
    message carries nothing the customer typed (berichten.ZonderVrijeTekst): whoever asks only
    had to know the address."""
    grens = timezone.now() - dt.timedelta(days=LINK_KWIJT_AFGESLOTEN_DAGEN)
    klachten = list(
        Klacht.objects.select_related("label")
        .filter(
            label=label,
            klant_email__iexact=email.strip(),
            geanonimiseerd_op__isnull=True,
        )
        .filter(~Q(status=Status.AFGESLOTEN) | Q(afgesloten_op__gte=grens))
        .order_by("-ontvangen_op", "-pk")[:LINK_KWIJT_MAXIMAAL]
    )
    if not klachten:
        return
    if len(klachten) == 1:
        _statuslink_sturen(klachten[0])
        return
    onderwerp, tekst = berichten.tekst_opstellen(
        soort=BerichtSoort.STATUSLINKS,
        taal=taal,
        label=label,
        context={
            "klachten": [
                {
                    "klacht": ZonderVrijeTekst(klacht),
                    "status_url": berichten.klacht_status_url(klacht),
                    "ontvangen": berichten.datum_tekst(
                        kalender.lokale_datum(klacht.ontvangen_op), taal
                    ),
                }
                for klacht in klachten
            ],
            "aantal": len(klachten),
        },
    )
    with transaction.atomic():
        berichten.bericht_versturen(
            klacht=None,
            label=label,
            aan=email.strip(),
            soort=BerichtSoort.STATUSLINKS,
            onderwerp=onderwerp,
            tekst=tekst,
            door=None,
        )
