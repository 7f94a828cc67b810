"""Privacy (AVG, the Dutch GDPR): the retention period of closed complaints, and a customer's
requests for access and erasure (DESIGN.md section 10; issue 8).

- Retention: a closed complaint keeps the customer's personal data for KLACHT_BEWAARTERMIJN_MAANDEN
  (default 24) after closing: by then the terms of Kifid (3 months after the final position, or 1
  year after the complaint) and SKGZ (1 year) have run out. Then the nightly job anonymises it.
  A complaint whose case at an external body still runs, or was decided within the period, waits.
- Anonymising keeps everything the figures count (dates, states, label, afdeling, categorie,
  kanaal, verdict, cause, deadlines, lessons) and removes who the customer is and what they
  wrote: name, e-mail, phone, policy number, the descriptions, every text on the timeline, the
  messages, the reasons of term changes, the attachments (files too), and the same fields in
  every history version (django-simple-history), so no earlier version keeps them.
- Access and erasure work by e-mail address over every *source*: klachten registers its
  complaints here, klanttevredenheid its contact moments and surveys (klachten imports no other
  app: they register themselves in their AppConfig.ready). Both requests are logged
  (AvgVerzoek) without the address itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klachten import termijnen
from klachten.models import (
    AvgVerzoek,
    AvgVerzoekSoort,
    Bericht,
    Bijlage,
    Doorverwijzing,
    ExterneProcedure,
    Gebeurtenis,
    GebeurtenisSoort,
    Klacht,
    Kwetsbaarheidssignaal,
    Medewerker,
    Termijnwijziging,
    Uitkomst,
    nieuw_status_token,
)
from klachten.workflow import Status

# What a removed text reads: plain, so a page or report shows that something was there.
GEANONIMISEERD = "[geanonimiseerd]"

# The customer's data on a complaint: removed (empty) or replaced by GEANONIMISEERD when filled.
LEEG_VELDEN = ("klant_email", "klant_telefoon", "polisnummer")
TEKST_VELDEN = ("klant_naam", "omschrijving", "gewenste_oplossing", "oplossing")


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
    # Why erasing is not possible now (e.g. a complaint still being handled), as messages.
    blokkades: Callable[[str], list[str]] = lambda email: []


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


def _anonimiseren(ids: list[int], *, op, reden: str) -> int:
    """Remove the customer's personal data from these complaints (locked by the caller), their
    timeline, messages, attachments, term changes, external procedures and history versions.
    Set-based: a few statements per batch, whatever its size."""
    if not ids:
        return 0
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
    Bericht.objects.filter(klacht__in=ids).update(
        aan="", onderwerp=GEANONIMISEERD, tekst=GEANONIMISEERD, laatste_fout=""
    )
    for bericht in Bericht.objects.filter(klacht__in=ids).exclude(bijlage=""):
        bericht.bijlage.delete(save=False)
    Bericht.objects.filter(klacht__in=ids).update(bijlage="", bijlage_naam="")
    for bijlage in Bijlage.objects.filter(klacht__in=ids):
        bijlage.bestand.delete(save=False)
    Bijlage.objects.filter(klacht__in=ids).delete()
    Termijnwijziging.objects.filter(klacht__in=ids).update(reden=GEANONIMISEERD)
    ExterneProcedure.objects.filter(klacht__in=ids).update(**_gevuld_wordt("toelichting"))
    Kwetsbaarheidssignaal.objects.filter(klacht__in=ids).update(**_gevuld_wordt("toelichting"))
    Doorverwijzing.objects.filter(klacht__in=ids).update(**_gevuld_wordt("toelichting"))
    Gebeurtenis.objects.bulk_create(
        Gebeurtenis(klacht_id=pk, soort=GebeurtenisSoort.ANONIMISERING, tekst=reden, op=op)
        for pk in ids
    )
    return len(ids)


def te_anonimiseren(op) -> Q:
    """Closed complaints past the retention period, with no external case running or decided
    within it (the customer's terms at Kifid and SKGZ have run out)."""
    grens_datum = termijnen.maanden_later(
        termijnen.lokale_datum(op), -settings.KLACHT_BEWAARTERMIJN_MAANDEN
    )
    extern_recent = ExterneProcedure.objects.filter(klacht=OuterRef("pk")).filter(
        Q(uitkomst=Uitkomst.LOPEND) | Q(beslist_datum__gte=grens_datum)
    )
    return Q(
        status=Status.AFGESLOTEN,
        geanonimiseerd_op__isnull=True,
        afgesloten_op__lt=dt.datetime.combine(grens_datum, dt.time(), tzinfo=termijnen.AMSTERDAM),
    ) & ~Q(Exists(extern_recent))


def verlopen_klachten_anonimiseren(*, op=None, per: int = 500) -> int:
    """The nightly retention job (beat: klachten-anonimiseren): anonymise every closed complaint
    past its retention period, in batches of `per`, each in its own transaction; a complaint
    someone is changing right now (row locked) waits for the next night."""
    op = op or timezone.now()
    reden = _("Persoonsgegevens gewist: de bewaartermijn na afsluiting is verstreken.")
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


# --- the complaints as a source -----------------------------------------------------------------


def _klachten_van(email: str):
    return Klacht.objects.filter(
        klant_email__iexact=email_normaliseren(email), geanonimiseerd_op__isnull=True
    )


def _klachten_verzamelen(email: str) -> list[Onderdeel]:
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
                (_("Telefoonnummer"), klacht.klant_telefoon),
                (_("Polis- of lidnummer"), klacht.polisnummer),
                (_("Taal"), klacht.taal),
                (_("Categorie"), klacht.categorie.naam),
                (_("Afdeling"), klacht.afdeling.naam),
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
                        b.onderwerp,
                        b.get_status_display(),
                        b.tekst,
                    ]
                    for b in klacht.berichten.order_by("created_at", "id")
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
                    _("Telefoonnummer"),
                    _("Polis- of lidnummer"),
                ],
                [
                    [
                        tekst(v.history_date),
                        v.klant_naam,
                        v.klant_email,
                        v.klant_telefoon,
                        v.polisnummer,
                    ]
                    for v in klacht.history.order_by("history_date", "history_id")
                ],
            )
        )
        for bijlage in klacht.bijlagen.all():
            naam = f"bijlagen/{klacht.dossiernummer}/{bijlage.pk}-{bijlage.oorspronkelijke_naam}"
            onderdeel.bestanden.append((naam, bijlage.bestand))
        onderdelen.append(onderdeel)
    return onderdelen


def _klachten_wissen(email: str, op) -> int:
    reden = _("Persoonsgegevens gewist op verzoek van de klant (AVG).")
    with transaction.atomic():
        ids = list(
            _klachten_van(email)
            .filter(status=Status.AFGESLOTEN)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        return _anonimiseren(ids, op=op, reden=reden)


def _klachten_blokkades(email: str) -> list[str]:
    return [
        _("Klacht %(nummer)s is nog in behandeling (%(status)s): sluit die eerst af.")
        % {"nummer": klacht.dossiernummer, "status": klacht.get_status_display()}
        for klacht in _klachten_van(email).exclude(status=Status.AFGESLOTEN).order_by("pk")
    ]


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


def overzicht(email: str) -> Overzicht:
    per_bron, blokkades = {}, []
    for bron in BRONNEN.values():
        per_bron[str(bron.naam)] = bron.verzamelen(email)
        blokkades += bron.blokkades(email)
    return Overzicht(per_bron=per_bron, blokkades=blokkades)


def _vastleggen(soort, email: str, door: Medewerker, aantallen: dict, op) -> AvgVerzoek:
    return AvgVerzoek.objects.create(
        soort=soort,
        email_hash=email_sleutel(email),
        email_gemaskeerd=email_maskeren(email),
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


def inzage_exporteren(*, email: str, door: Medewerker, op=None) -> bytes:
    """A customer's request for access (AVG article 15): everything stored about the address,
    as a ZIP with a readable page (inzage.html), the same as data (inzage.json) and the
    attachments as they were sent. The request is logged."""
    op = op or timezone.now()
    gegevens = overzicht(email)
    inhoud = {
        "email": email_normaliseren(email),
        "gemaakt_op": op.isoformat(),
        "bronnen": {
            bron: [_als_gegevens(o) for o in onderdelen]
            for bron, onderdelen in gegevens.per_bron.items()
        },
    }
    html = render_to_string(
        "klachten/avg_inzage.html",
        {"email": email_normaliseren(email), "op": op, "per_bron": gegevens.per_bron},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archief:
        archief.writestr("inzage.html", html)
        archief.writestr("inzage.json", json.dumps(inhoud, ensure_ascii=False, indent=2))
        for onderdelen in gegevens.per_bron.values():
            for onderdeel in onderdelen:
                for naam, bestand in onderdeel.bestanden:
                    with bestand.open("rb") as f:
                        archief.writestr(naam, f.read())
    _vastleggen(
        AvgVerzoekSoort.INZAGE,
        email,
        door,
        {bron: len(o) for bron, o in gegevens.per_bron.items()},
        op,
    )
    return buffer.getvalue()


def gegevens_wissen(*, email: str, door: Medewerker, op=None) -> dict[str, int]:
    """A customer's request for erasure (AVG article 17): anonymise everything stored about the
    address, in every source, as the retention job would. Not while a complaint of theirs is
    still being handled (WissenGeblokkeerd: close it first). The request is logged."""
    op = op or timezone.now()
    blokkades = [b for bron in BRONNEN.values() for b in bron.blokkades(email)]
    if blokkades:
        raise WissenGeblokkeerd(blokkades)
    with transaction.atomic():
        aantallen = {str(bron.naam): bron.wissen(email, op) for bron in BRONNEN.values()}
        _vastleggen(AvgVerzoekSoort.WISSEN, email, door, aantallen, op)
    return aantallen


def verzoeken_voor(email: str):
    return AvgVerzoek.objects.filter(email_hash=email_sleutel(email)).select_related("door")
