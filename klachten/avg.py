"""Privacy (AVG, the Dutch GDPR): the retention period of closed complaints, and a customer's
requests for access and erasure (DESIGN.md section 10; issue 8).

- Retention: a closed complaint keeps the customer's personal data for KLACHT_BEWAARTERMIJN_MAANDEN
  (default 24) after closing: by then the terms of Kifid (3 months after the final position, or 1
  year after the complaint) and SKGZ (1 year) have run out. Then the nightly job anonymises it.
  A complaint whose case at an external body still runs, or was decided within the period, waits.
- Anonymising keeps everything the figures count (dates, states, label, afdeling, categorie,
  kanaal, verdict, cause, deadlines, lessons) and removes who the customer is and what they
  wrote: name, e-mail, phone, policy number, the descriptions, every text on the timeline, the
  messages, the reasons of term changes, the attachments (files too, once the transaction has
  committed), the file names in the access log, and the same fields in every history version
  (django-simple-history), so no earlier version keeps them. Staff's texts about the complaint
  (lessons, improvement actions, and through the klacht_geanonimiseerd signal the other apps'
  texts, such as a dossier review) stay, with the customer's name, e-mail, phone and policy
  number replaced. A message still waiting in the outbox is not sent any more.
- Access and erasure work by e-mail address over every *source*: klachten registers its
  complaints here, klanttevredenheid its contact moments and surveys (klachten imports no other
  app: they register themselves in their AppConfig.ready). A complaint is found by its current
  address and by an address it had before (corrected; the history versions). Both requests are
  logged (AvgVerzoek) without the address itself.
- A customer without an e-mail address (a letter, a phone complaint with a postal address only;
  issue 18) is a `Postklant`: found by name and postcode or address, or through a dossiernummer
  of theirs. Only the complaints hold data of such a customer (the other sources know customers
  by e-mail address; what they keep about a complaint goes with it, klacht_geanonimiseerd).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Lower, Replace
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klachten import berichten, kalender, signals
from klachten.models import (
    NOG_TE_CLASSIFICEREN,
    AvgVerzoek,
    AvgVerzoekSoort,
    Bericht,
    BerichtStatus,
    Bijlage,
    Doorverwijzing,
    ExterneProcedure,
    Gebeurtenis,
    GebeurtenisSoort,
    InkomendBericht,
    InkomendStatus,
    Inzage,
    Klacht,
    Kwetsbaarheidssignaal,
    Leermoment,
    Medewerker,
    SociaalBericht,
    Termijnwijziging,
    Uitkomst,
    Verbeterpunt,
    nieuw_status_token,
)
from klachten.workflow import Status

logger = logging.getLogger(__name__)

# What a removed text reads: plain, so a page or report shows that something was there.
GEANONIMISEERD = "[geanonimiseerd]"

# Why a message that was still waiting in the outbox was never sent (Bericht.laatste_fout).
NIET_VERZONDEN = "niet verzonden: gegevens gewist"

# The customer's data on a complaint: removed (empty) or replaced by GEANONIMISEERD when filled.
LEEG_VELDEN = ("klant_email", "klant_postadres", "klant_telefoon", "polisnummer")
# The summary of the talk with the employee (issue 22) may quote the customer: it goes too.
TEKST_VELDEN = (
    "klant_naam",
    "omschrijving",
    "gewenste_oplossing",
    "oplossing",
    "medewerker_gesprek_samenvatting",
)


# --- sources ------------------------------------------------------------------------------------


@dataclass
class Tabel:
    titel: str
    kolommen: list[str]
    rijen: list[list[str]]


@dataclass
class Onderdeel:
    """One thing stored about the customer (a complaint, a contact moment), readable."""

    titel: str
    velden: list[tuple[str, str]] = field(default_factory=list)
    tabellen: list[Tabel] = field(default_factory=list)
    # Files that go into the export as they are: (name inside the export, stored file).
    bestanden: list[tuple[str, FieldFile]] = field(default_factory=list)


@dataclass(frozen=True)
class Bron:
    """Where personal data of a customer is kept, found by e-mail address."""

    sleutel: str
    naam: str
    verzamelen: Callable[[str], list[Onderdeel]]
    wissen: Callable[..., int]  # (email, op) -> how many records were anonymised
    # Why erasing is not possible now (e.g. a complaint still being handled), as messages:
    # (email, op) -> messages. `wissen` checks them again under its locks (WissenGeblokkeerd).
    blokkades: Callable[..., list[str]] = lambda email, op: []


BRONNEN: dict[str, Bron] = {}


def bron_registreren(bron: Bron) -> None:
    BRONNEN[bron.sleutel] = bron


def email_normaliseren(email: str) -> str:
    return (email or "").strip().lower()


def email_sleutel(email: str) -> str:
    """A keyed hash of the address: finds earlier requests for it without keeping it."""
    return hmac.new(
        settings.SECRET_KEY.encode(), email_normaliseren(email).encode(), hashlib.sha256
    ).hexdigest()


def email_maskeren(email: str) -> str:
    naam, _at, domein = email_normaliseren(email).partition("@")
    return f"{naam[:1]}***@{domein}"


def _plat(tekst: str) -> str:
    """Lower case without any whitespace: "1234 AB" and "1234ab" are one postcode."""
    return re.sub(r"\s+", "", tekst or "").lower()


def _plat_in_sql(veld: str):
    uitdrukking = Lower(veld, output_field=TextField())
    for teken in (" ", "\n", "\r", "\t"):
        uitdrukking = Replace(uitdrukking, Value(teken), Value(""), output_field=TextField())
    return uitdrukking


@dataclass(frozen=True)
class Postklant:
    """A customer without an e-mail address, who writes by post (issue 18): their complaints are
    those without an e-mail address under this name whose postal address holds `adres` (the
    postcode, or more of the address); case and spaces aside."""

    naam: str
    adres: str

    def klachten(self) -> QuerySet:
        return (
            Klacht.objects.filter(klant_email="")
            .alias(naam_plat=_plat_in_sql("klant_naam"), adres_plat=_plat_in_sql("klant_postadres"))
            .filter(naam_plat=_plat(self.naam), adres_plat__contains=_plat(self.adres))
        )

    @property
    def sleutel(self) -> str:
        """What the request log's keyed hash is made of."""
        return f"post:{_plat(self.naam)}|{_plat(self.adres)}"

    @property
    def gemaskeerd(self) -> str:
        return _("%(initiaal)s*** (per post)") % {"initiaal": self.naam.strip()[:1]}


# Whom a request is about: an e-mail address, or a customer without one.
Klantsleutel = str | Postklant


def postklant_van(dossiernummer: str) -> Klantsleutel | None:
    """The customer of a complaint, from its dossiernummer: its e-mail address, or without one
    the customer by name and postal address. None: no such complaint, or anonymised."""
    klacht = Klacht.objects.filter(
        dossiernummer__iexact=dossiernummer.strip(), geanonimiseerd_op__isnull=True
    ).first()
    if klacht is None:
        return None
    if klacht.klant_email:
        return klacht.klant_email
    return Postklant(naam=klacht.klant_naam, adres=klacht.klant_postadres)


def _sleutel_hash(sleutel: Klantsleutel) -> str:
    if isinstance(sleutel, Postklant):
        return hmac.new(
            settings.SECRET_KEY.encode(), sleutel.sleutel.encode(), hashlib.sha256
        ).hexdigest()
    return email_sleutel(sleutel)


def gemaskeerd(sleutel: Klantsleutel) -> str:
    """The customer as the request log and the page's messages show them."""
    return sleutel.gemaskeerd if isinstance(sleutel, Postklant) else email_maskeren(sleutel)


def tekst(waarde) -> str:
    """A value as the export shows it."""
    if waarde is None or waarde == "":
        return ""
    if hasattr(waarde, "tzinfo") and hasattr(waarde, "hour"):
        return formats.date_format(timezone.localtime(waarde), "DATETIME_FORMAT")
    if hasattr(waarde, "isoformat"):
        return formats.date_format(waarde, "DATE_FORMAT")
    if isinstance(waarde, bool):
        return _("ja") if waarde else _("nee")
    return str(waarde)


# --- anonymising complaints ---------------------------------------------------------------------


def _gevuld_wordt(veld: str) -> dict:
    """Update arguments: an empty text stays empty, a filled one reads GEANONIMISEERD."""
    return {
        veld: Case(
            When(**{veld: ""}, then=Value("")),
            default=Value(GEANONIMISEERD),
            output_field=CharField(),
        )
    }


def persoonsgegevens_vervangen(tekst: str, waarden: Iterable[str]) -> str:
    """`tekst` with every occurrence of these values (as a whole, ignoring case) replaced by
    GEANONIMISEERD; the rest of the text stays."""
    waarden = sorted({w.strip() for w in waarden if w and w.strip()}, key=len, reverse=True)
    if not tekst or not waarden:
        return tekst
    patroon = "|".join(re.escape(w) for w in waarden)
    return re.sub(rf"(?<!\w)(?:{patroon})(?!\w)", GEANONIMISEERD, tekst, flags=re.IGNORECASE)


def teksten_anonimiseren(rijen: QuerySet, veld: str, persoonsgegevens: dict[int, list[str]]):
    """Replace the customer's personal data in `veld` of the rows about these complaints (by
    their `klacht_id`; `persoonsgegevens` as klacht_geanonimiseerd sends it). For staff's texts
    that stay (a lesson is the organisation's): a few rows per complaint, so in Python."""
    gewijzigd = []
    for rij in rijen.filter(klacht_id__in=persoonsgegevens).exclude(**{veld: ""}):
        tekst = persoonsgegevens_vervangen(getattr(rij, veld), persoonsgegevens[rij.klacht_id])
        if tekst != getattr(rij, veld):
            setattr(rij, veld, tekst)
            gewijzigd.append(rij)
    rijen.model.objects.bulk_update(gewijzigd, [veld], batch_size=500)


def _persoonsgegevens(ids: list[int]) -> dict[int, list[str]]:
    """Per complaint, every name, e-mail address, phone and policy number it had, earlier
    versions included; of a name also its parts of 4 letters or more (a lesson may name only
    "mevrouw Jansen"; shorter parts are initials and words like "van" or "de")."""
    velden = ("klant_naam", "klant_email", "klant_telefoon", "polisnummer")
    waarden: dict[int, set[str]] = defaultdict(set)
    for rijen in (
        Klacht.objects.filter(pk__in=ids).values_list("pk", *velden),
        Klacht.history.filter(id__in=ids).values_list("id", *velden),
    ):
        for pk, naam, *overige in rijen:
            waarden[pk].update(w for w in (naam, *overige) if w)
            waarden[pk].update(deel for deel in naam.split() if len(deel) >= 4)
    return {pk: sorted(waarden[pk]) for pk in ids}


def berichten_wissen(berichten: QuerySet, **velden) -> None:
    """Set `velden` of these messages (the customer's address and texts go) and empty their last
    error (it may quote the address); one still waiting in the outbox or in the print tray is not
    sent any more (mislukt, NIET_VERZONDEN): the sender only takes waiting messages."""
    berichten.update(laatste_fout="", samenstellen_in="", **velden)
    berichten.filter(status__in=[BerichtStatus.WACHTEND, BerichtStatus.TE_PRINTEN]).update(
        status=BerichtStatus.MISLUKT, laatste_fout=NIET_VERZONDEN
    )


def _bestanden_verwijderen(bestanden: list[tuple]) -> None:
    """After commit: the rows are gone for good, so their files may go (a rollback keeps both)."""
    for opslag, naam in bestanden:
        try:
            opslag.delete(naam)
        except Exception:  # the next one still goes; the log says which one stays behind
            logger.exception("Bestand %s van een geanonimiseerde klacht niet verwijderd", naam)


def inkomend_wissen(rijen: QuerySet) -> list[tuple]:
    """Wipe these inbound e-mails (issue 17): the headers that name the customer and the reason
    (it may quote them) go, the row stays (what it was, when, so the same message read again
    is recognised by its hash). Returns their raw files as (storage, name), for the caller to
    delete after commit."""
    bestanden = [(r.bestand.storage, r.bestand.name) for r in rijen.exclude(bestand="")]
    rijen.update(
        bestand="",
        message_id="",
        afzender="",
        afzender_adres="",
        aan="",
        **_gevuld_wordt("onderwerp"),
        **_gevuld_wordt("reden"),
    )
    return bestanden


def _anonimiseren(ids: list[int], *, op, reden: str) -> int:
    """Remove the customer's personal data from these complaints (locked by the caller), their
    timeline, messages, attachments, access log, term changes, external procedures and history
    versions, and from staff's texts about them (here and, through klacht_geanonimiseerd, in
    the other apps). Set-based: a few statements per batch, whatever its size."""
    if not ids:
        return 0
    # First, while the data is still there: what to look for in the texts that stay.
    persoonsgegevens = _persoonsgegevens(ids)
    signals.klacht_geanonimiseerd.send(sender=Klacht, persoonsgegevens=persoonsgegevens, op=op)
    teksten_anonimiseren(Leermoment.objects.all(), "omschrijving", persoonsgegevens)
    teksten_anonimiseren(Verbeterpunt.objects.all(), "omschrijving", persoonsgegevens)
    teksten_anonimiseren(Verbeterpunt.history.all(), "omschrijving", persoonsgegevens)
    velden = dict.fromkeys(LEEG_VELDEN, "")
    for veld in TEKST_VELDEN:
        velden.update(_gevuld_wordt(veld))
    Klacht.objects.filter(pk__in=ids).update(
        **velden, geanonimiseerd_op=op, versie=F("versie") + 1, updated_at=op
    )
    # The status links in e-mails the customer kept stop working.
    Klacht.objects.bulk_update(
        [Klacht(pk=pk, status_token=nieuw_status_token()) for pk in ids], ["status_token"]
    )
    Klacht.history.model.objects.filter(id__in=ids).update(**velden, geanonimiseerd_op=op)
    Gebeurtenis.objects.filter(klacht__in=ids).update(**_gevuld_wordt("tekst"))
    berichten = Bericht.objects.filter(klacht__in=ids)
    bestanden = [(b.bijlage.storage, b.bijlage.name) for b in berichten.exclude(bijlage="")]
    bestanden += [
        (b.bestand.storage, b.bestand.name) for b in Bijlage.objects.filter(klacht__in=ids)
    ]
    berichten_wissen(
        berichten,
        aan="",
        onderwerp=GEANONIMISEERD,
        tekst=GEANONIMISEERD,
        bijlage="",
        bijlage_naam="",
        # The Message-IDs of the customer's e-mails it answered (issue 17).
        in_reply_to="",
        references="",
    )
    # The access log itself stays (who opened the dossier, when); the file's name goes.
    Inzage.objects.filter(klacht__in=ids).exclude(bijlage_naam="").update(
        bijlage_naam=GEANONIMISEERD
    )
    Bijlage.objects.filter(klacht__in=ids).delete()
    bestanden += inkomend_wissen(InkomendBericht.objects.filter(klacht__in=ids))
    # Social media events (issue 21): the handle, name, text and body go; the id stays (a
    # replay of it is still refused) with the platform and the moment.
    SociaalBericht.objects.filter(klacht__in=ids).update(
        auteur="", auteur_naam="", tekst=GEANONIMISEERD, link="", ruw="", antwoord_op=""
    )
    transaction.on_commit(partial(_bestanden_verwijderen, bestanden))
    Termijnwijziging.objects.filter(klacht__in=ids).update(reden=GEANONIMISEERD)
    ExterneProcedure.objects.filter(klacht__in=ids).update(**_gevuld_wordt("toelichting"))
    Kwetsbaarheidssignaal.objects.filter(klacht__in=ids).update(**_gevuld_wordt("toelichting"))
    Doorverwijzing.objects.filter(klacht__in=ids).update(**_gevuld_wordt("toelichting"))
    Gebeurtenis.objects.bulk_create(
        Gebeurtenis(klacht_id=pk, soort=GebeurtenisSoort.ANONIMISERING, tekst=reden, op=op)
        for pk in ids
    )
    return len(ids)


def _bewaargrens(op) -> dt.date:
    return kalender.maanden_later(kalender.lokale_datum(op), -settings.KLACHT_BEWAARTERMIJN_MAANDEN)


def extern_recent(op) -> Exists:
    """The complaint has an external case that still runs or was decided within the retention
    period: Kifid or SKGZ may still ask for the dossier, so it keeps the customer's data (neither
    the retention job nor an erasure request removes it yet)."""
    return Exists(
        ExterneProcedure.objects.filter(klacht=OuterRef("pk")).filter(
            Q(uitkomst=Uitkomst.LOPEND) | Q(beslist_datum__gte=_bewaargrens(op))
        )
    )


def te_anonimiseren(op) -> Q:
    """Closed complaints past the retention period, with no external case running or decided
    within it (the customer's terms at Kifid and SKGZ have run out)."""
    grens = kalender.lokaal_moment(_bewaargrens(op))
    return Q(
        status=Status.AFGESLOTEN, geanonimiseerd_op__isnull=True, afgesloten_op__lt=grens
    ) & ~Q(extern_recent(op))


def verlopen_klachten_anonimiseren(*, op=None, per: int = 500) -> int:
    """The nightly retention job (beat: klachten-anonimiseren): anonymise every closed complaint
    past its retention period, in batches of `per`, each in its own transaction; a complaint
    someone is changing right now (row locked) waits for the next night."""
    op = op or timezone.now()
    reden = _("Persoonsgegevens gewist: de bewaartermijn na afsluiting is verstreken.")
    with transaction.atomic():
        # Inbound e-mails that became nothing (quarantine, ignored): kept as long as a complaint.
        grens = kalender.lokaal_moment(_bewaargrens(op))
        bestanden = inkomend_wissen(_losse_inkomende().filter(created_at__lt=grens))
        transaction.on_commit(partial(_bestanden_verwijderen, bestanden))
    totaal = 0
    laatste = 0
    while True:
        with transaction.atomic():
            ids = list(
                Klacht.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(te_anonimiseren(op), pk__gt=laatste)
                .order_by("pk")
                .values_list("pk", flat=True)[:per]
            )
            if not ids:
                return totaal
            totaal += _anonimiseren(ids, op=op, reden=reden)
        laatste = ids[-1]


def _losse_inkomende(email: str = "") -> QuerySet:
    """Inbound e-mails on no complaint (quarantined or ignored), not wiped yet; of `email`."""
    rijen = InkomendBericht.objects.filter(klacht__isnull=True).exclude(status=InkomendStatus.NIEUW)
    rijen = rijen.exclude(afzender_adres="", bestand="")
    if email:
        rijen = rijen.filter(afzender_adres__iexact=email_normaliseren(email))
    return rijen


# --- the complaints as a source -----------------------------------------------------------------


def _klachten_van(email: Klantsleutel):
    """The complaints of an address: by their current address, or by one they had before (a
    corrected address: the customer asks with the one they know). Of a Postklant: theirs."""
    if isinstance(email, Postklant):
        return email.klachten().filter(geanonimiseerd_op__isnull=True)
    adres = email_normaliseren(email)
    eerder = Klacht.history.filter(klant_email__iexact=adres).values("id")
    return Klacht.objects.filter(
        Q(klant_email__iexact=adres) | Q(pk__in=eerder), geanonimiseerd_op__isnull=True
    )


def _versies(klacht: Klacht, adres: str):
    """The versions of the customer's data the export shows. Of a complaint found by its current
    address: all (the customer's own corrections, a mistyped address included). Of one found
    only by an earlier address: the versions with that address; the others may hold someone
    else's (the complaint was put on the wrong person and corrected)."""
    versies = klacht.history.order_by("history_date", "history_id")
    if isinstance(adres, Postklant) or email_normaliseren(klacht.klant_email) == adres:
        return versies
    return versies.filter(klant_email__iexact=adres)


def _klachten_verzamelen(email: Klantsleutel) -> list[Onderdeel]:
    onderdelen = []
    for klacht in _klachten_van(email).select_related(
        "label", "afdeling", "categorie", "behandelaar"
    ):
        onderdeel = Onderdeel(
            titel=_("Klacht %(nummer)s") % {"nummer": klacht.dossiernummer},
            velden=[
                (_("Dossiernummer"), klacht.dossiernummer),
                (_("Label"), klacht.label.naam),
                (_("Ontvangen op"), tekst(klacht.ontvangen_op)),
                (_("Kanaal"), klacht.get_kanaal_display()),
                (_("Status"), klacht.get_status_display()),
                (_("Naam"), klacht.klant_naam),
                (_("E-mailadres"), klacht.klant_email),
                (_("Postadres"), klacht.klant_postadres),
                (_("Telefoonnummer"), klacht.klant_telefoon),
                (_("Polis- of lidnummer"), klacht.polisnummer),
                (_("Taal"), klacht.taal),
                (_("Categorie"), str(klacht.categorie or NOG_TE_CLASSIFICEREN)),
                (_("Afdeling"), str(klacht.afdeling or NOG_TE_CLASSIFICEREN)),
                (_("Behandelaar"), str(klacht.behandelaar or "")),
                (_("Omschrijving"), klacht.omschrijving),
                (_("Gewenste oplossing"), klacht.gewenste_oplossing),
                (_("Oplossing"), klacht.oplossing),
                (_("Oordeel"), klacht.get_oordeel_display()),
                (_("Beantwoord op"), tekst(klacht.beantwoord_op)),
                (_("Afgesloten op"), tekst(klacht.afgesloten_op)),
                (_("Akkoord privacyverklaring op"), tekst(klacht.privacy_akkoord_op)),
            ],
        )
        onderdeel.tabellen.append(
            Tabel(
                _("Tijdlijn"),
                [_("Op"), _("Soort"), _("Door"), _("Tekst")],
                [
                    [
                        tekst(g.op),
                        g.get_soort_display(),
                        _("klant") if g.door_klant else str(g.door or ""),
                        g.tekst,
                    ]
                    for g in klacht.gebeurtenissen.select_related("door").order_by("op", "id")
                ],
            )
        )
        onderdeel.tabellen.append(
            Tabel(
                _("Berichten"),
                [_("Aangemaakt op"), _("Soort"), _("Aan"), _("Onderwerp"), _("Status"), _("Tekst")],
                [
                    [
                        tekst(b.created_at),
                        b.get_soort_display(),
                        b.aan,
                        berichten.onderwerp_van(b),
                        b.get_status_display(),
                        berichten.tekst_van(b),
                    ]
                    # To the customer only: notices to staff are no data of the customer's.
                    for b in klacht.berichten.exclude(
                        soort__in=berichten.interne_soorten()
                    ).order_by("created_at", "id")
                ],
            )
        )
        wijzigingen = list(klacht.termijnwijzigingen.all())
        if wijzigingen:
            onderdeel.tabellen.append(
                Tabel(
                    _("Termijnwijzigingen"),
                    [_("Soort"), _("Reden"), _("Oude datum"), _("Nieuwe datum")],
                    [
                        [w.get_soort_display(), w.reden, tekst(w.oude_datum), tekst(w.nieuwe_datum)]
                        for w in wijzigingen
                    ],
                )
            )
        procedures = list(klacht.externe_procedures.select_related("instantie"))
        if procedures:
            onderdeel.tabellen.append(
                Tabel(
                    _("Externe procedures"),
                    [_("Instantie"), _("Ingediend op"), _("Uitkomst"), _("Toelichting")],
                    [
                        [
                            p.instantie.naam,
                            tekst(p.ingediend_datum),
                            p.get_uitkomst_display(),
                            p.toelichting,
                        ]
                        for p in procedures
                    ],
                )
            )
        signalen = list(klacht.kwetsbaarheidssignalen.all())
        if signalen:
            onderdeel.tabellen.append(
                Tabel(
                    _("Signalen kwetsbare klant"),
                    [_("Vastgelegd op"), _("Signaal"), _("Toelichting")],
                    [[tekst(s.op), s.get_soort_display(), s.toelichting] for s in signalen],
                )
            )
        doorverwijzingen = list(klacht.doorverwijzingen.all())
        if doorverwijzingen:
            onderdeel.tabellen.append(
                Tabel(
                    _("Doorverwijzingen"),
                    [_("Datum"), _("Doorverwezen naar"), _("Uitkomst"), _("Toelichting")],
                    [
                        [tekst(d.datum), d.naar, d.get_uitkomst_display(), d.toelichting]
                        for d in doorverwijzingen
                    ],
                )
            )
        onderdeel.tabellen.append(
            Tabel(
                _("Eerdere versies van de klantgegevens"),
                [
                    _("Op"),
                    _("Naam"),
                    _("E-mailadres"),
                    _("Postadres"),
                    _("Telefoonnummer"),
                    _("Polis- of lidnummer"),
                ],
                [
                    [
                        tekst(v.history_date),
                        v.klant_naam,
                        v.klant_email,
                        v.klant_postadres,
                        v.klant_telefoon,
                        v.polisnummer,
                    ]
                    for v in _versies(
                        klacht, email if isinstance(email, Postklant) else email_normaliseren(email)
                    )
                ],
            )
        )
        for bijlage in klacht.bijlagen.all():
            naam = f"bijlagen/{klacht.dossiernummer}/{bijlage.pk}-{bijlage.oorspronkelijke_naam}"
            onderdeel.bestanden.append((naam, bijlage.bestand))
        _emails_toevoegen(
            onderdeel, klacht.inkomende_berichten.all(), f"e-mails/{klacht.dossiernummer}"
        )
        onderdelen.append(onderdeel)
    losse = _losse_inkomende(email) if isinstance(email, str) else InkomendBericht.objects.none()
    if losse.exists():
        onderdeel = Onderdeel(titel=_("E-mails die geen klacht werden"))
        _emails_toevoegen(onderdeel, losse, "e-mails/zonder-klacht")
        onderdelen.append(onderdeel)
    return onderdelen


def _emails_toevoegen(onderdeel: Onderdeel, rijen: QuerySet, map: str) -> None:
    """The inbound e-mails as a table, and each raw message as it arrived (`.eml`)."""
    rijen = list(rijen.order_by("created_at", "id"))
    if not rijen:
        return
    onderdeel.tabellen.append(
        Tabel(
            _("Ontvangen e-mails"),
            [_("Ontvangen op"), _("Van"), _("Aan"), _("Onderwerp"), _("Status"), _("Bestand")],
            [
                [
                    tekst(r.created_at),
                    r.afzender,
                    r.aan,
                    r.onderwerp,
                    r.get_status_display(),
                    f"{map}/{r.pk}.eml" if r.bestand else "",
                ]
                for r in rijen
            ],
        )
    )
    onderdeel.bestanden += [(f"{map}/{r.pk}.eml", r.bestand) for r in rijen if r.bestand]


def _blokkades(klachten, op) -> list[str]:
    redenen = []
    for klacht in klachten.annotate(extern=extern_recent(op)).order_by("pk"):
        if klacht.status != Status.AFGESLOTEN:
            redenen.append(
                _("Klacht %(nummer)s is nog in behandeling (%(status)s): sluit die eerst af.")
                % {"nummer": klacht.dossiernummer, "status": klacht.get_status_display()}
            )
        elif klacht.extern:
            redenen.append(
                _(
                    "Klacht %(nummer)s heeft een zaak bij een externe instantie die nog loopt "
                    "of binnen de bewaartermijn is beslist: de gegevens blijven tot die termijn "
                    "voorbij is."
                )
                % {"nummer": klacht.dossiernummer}
            )
    return redenen


def _klachten_blokkades(email: Klantsleutel, op) -> list[str]:
    return _blokkades(_klachten_van(email), op)


def _klachten_wissen(email: Klantsleutel, op) -> int:
    """All of the address's complaints, or none: they are locked, then checked again (one may
    have been reopened, or gone to Kifid, since the page showed them); WissenGeblokkeerd
    rolls the whole request back."""
    reden = _("Persoonsgegevens gewist op verzoek van de klant (AVG).")
    with transaction.atomic():
        ids = list(
            _klachten_van(email)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        blokkades = _blokkades(Klacht.objects.filter(pk__in=ids), op)
        if blokkades:
            raise WissenGeblokkeerd(blokkades)
        if isinstance(email, str):  # a Postklant sent no e-mail
            bestanden = inkomend_wissen(_losse_inkomende(email))
            transaction.on_commit(partial(_bestanden_verwijderen, bestanden))
        return _anonimiseren(ids, op=op, reden=reden)


bron_registreren(
    Bron(
        sleutel="klachten",
        naam=gettext_lazy("Klachten"),
        verzamelen=_klachten_verzamelen,
        wissen=_klachten_wissen,
        blokkades=_klachten_blokkades,
    )
)


# --- the requests ------------------------------------------------------------------------------


class WissenGeblokkeerd(Exception):
    def __init__(self, redenen: list[str]):
        super().__init__(" ".join(redenen))
        self.redenen = redenen


@dataclass
class Overzicht:
    """What is stored about an address, per source (the page shows it before acting)."""

    per_bron: dict[str, list[Onderdeel]]
    blokkades: list[str]

    @property
    def aantal(self) -> int:
        return sum(len(o) for o in self.per_bron.values())


def _bronnen(sleutel: Klantsleutel) -> list[Bron]:
    """The sources to search: all for an e-mail address; for a Postklant the complaints only
    (the other sources know a customer by e-mail address, and asked for "" would find others)."""
    if isinstance(sleutel, Postklant):
        return [BRONNEN["klachten"]]
    return list(BRONNEN.values())


def overzicht(email: Klantsleutel, op=None) -> Overzicht:
    op = op or timezone.now()
    per_bron, blokkades = {}, []
    for bron in _bronnen(email):
        per_bron[str(bron.naam)] = bron.verzamelen(email)
        blokkades += bron.blokkades(email, op)
    return Overzicht(per_bron=per_bron, blokkades=blokkades)


def _vastleggen(*, soort, email: Klantsleutel, door: Medewerker, aantallen: dict, op) -> AvgVerzoek:
    """Log a carried-out request: the address (or name and postal address) masked and as a
    keyed hash, never as such."""
    return AvgVerzoek.objects.create(
        soort=soort,
        email_hash=_sleutel_hash(email),
        email_gemaskeerd=gemaskeerd(email),
        aantallen=aantallen,
        door=door,
        op=op,
    )


def _als_gegevens(onderdeel: Onderdeel) -> dict:
    return {
        "titel": str(onderdeel.titel),
        "velden": {str(naam): waarde for naam, waarde in onderdeel.velden},
        "tabellen": [
            {
                "titel": str(tabel.titel),
                "rijen": [
                    {str(k): w for k, w in zip(tabel.kolommen, rij, strict=True)}
                    for rij in tabel.rijen
                ],
            }
            for tabel in onderdeel.tabellen
        ],
        "bestanden": [naam for naam, _bestand in onderdeel.bestanden],
    }


def inzage_exporteren(
    *, email: str = "", door: Medewerker, op=None, postklant: Postklant | None = None
) -> bytes:
    """A customer's request for access (AVG article 15): everything stored about the address
    (or about a `postklant`, a customer without one), as a ZIP with a readable page
    (inzage.html), the same as data (inzage.json) and the attachments as they were sent. The
    request is logged."""
    op = op or timezone.now()
    sleutel: Klantsleutel = postklant or email
    gegevens = overzicht(sleutel, op)
    buffer = io.BytesIO()
    ontbrekend = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archief:
        for onderdelen in gegevens.per_bron.values():
            for onderdeel in onderdelen:
                for naam, bestand in onderdeel.bestanden:
                    try:
                        with bestand.open("rb") as f:
                            archief.writestr(naam, f.read())
                    except FileNotFoundError:  # the export says so, and has the rest
                        logger.warning("Bijlage %s ontbreekt in de opslag", bestand.name)
                        ontbrekend.append(naam)
        inhoud = {
            "email": email_normaliseren(email),
            **({"naam": postklant.naam, "postadres": postklant.adres} if postklant else {}),
            "gemaakt_op": op.isoformat(),
            "bronnen": {
                bron: [_als_gegevens(o) for o in onderdelen]
                for bron, onderdelen in gegevens.per_bron.items()
            },
            "ontbrekende_bestanden": ontbrekend,
        }
        html = render_to_string(
            "klachten/avg_inzage.html",
            {
                "email": email_normaliseren(email),
                "postklant": postklant,
                "op": op,
                "per_bron": gegevens.per_bron,
                "ontbrekend": ontbrekend,
            },
        )
        archief.writestr("inzage.html", html)
        archief.writestr("inzage.json", json.dumps(inhoud, ensure_ascii=False, indent=2))
    _vastleggen(
        soort=AvgVerzoekSoort.INZAGE,
        email=sleutel,
        door=door,
        aantallen={bron: len(o) for bron, o in gegevens.per_bron.items()},
        op=op,
    )
    return buffer.getvalue()


def gegevens_wissen(
    *, email: str = "", door: Medewerker, op=None, postklant: Postklant | None = None
) -> dict[str, int]:
    """A customer's request for erasure (AVG article 17): anonymise everything stored about the
    address, in every source, as the retention job would. Not while a complaint of theirs is
    still being handled (close it first) or has an external case that runs or was decided
    within the retention period (WissenGeblokkeerd). One transaction: all of it or nothing,
    each source checking again under its locks. The request is logged. A `postklant`: their
    complaints (_bronnen)."""
    op = op or timezone.now()
    sleutel: Klantsleutel = postklant or email
    bronnen = _bronnen(sleutel)
    with transaction.atomic():
        blokkades = [b for bron in bronnen for b in bron.blokkades(sleutel, op)]
        if blokkades:
            raise WissenGeblokkeerd(blokkades)
        aantallen = {str(bron.naam): bron.wissen(sleutel, op) for bron in bronnen}
        _vastleggen(
            soort=AvgVerzoekSoort.WISSEN, email=sleutel, door=door, aantallen=aantallen, op=op
        )
    return aantallen


def verzoeken_voor(email: Klantsleutel):
    return AvgVerzoek.objects.filter(email_hash=_sleutel_hash(email)).select_related("door")
