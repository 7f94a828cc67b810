"""Test data: factory_boy factories for the klachten models, helpers that record contact moments,
invitations and responses through the klanttevredenheid services, and real minimal files."""

import datetime as dt
import io
import itertools
import struct
import zipfile
import zlib

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from klachten import services
from klachten.models import Afdeling, Categorie, Kanaal, Klacht, Label, Medewerker
from klachten.workflow import KLANT, Oordeel, Status
from klanttevredenheid import services as kto_services
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
)


class LabelFactory(DjangoModelFactory):
    class Meta:
        model = Label

    naam = factory.Sequence(lambda n: f"Zorgverzekeraar {n}")
    slug = factory.Sequence(lambda n: f"label-{n}")
    telefoon = "088 555 01 00"
    email = factory.LazyAttribute(lambda o: f"klachten@{o.slug}.example")


def standaardlabel() -> Label:
    """The default label (/klacht/); there can only be one."""
    return Label.objects.filter(is_standaard=True).first() or LabelFactory(
        naam="Zorgverzekeraar Zuid", slug="zuid", is_standaard=True
    )


class AfdelingFactory(DjangoModelFactory):
    class Meta:
        model = Afdeling

    naam = factory.Sequence(lambda n: f"Afdeling {n}")
    code = factory.Sequence(lambda n: f"afdeling-{n}")


class CategorieFactory(DjangoModelFactory):
    class Meta:
        model = Categorie

    naam = factory.Sequence(lambda n: f"Categorie {n}")
    code = factory.Sequence(lambda n: f"categorie-{n}")
    afdeling = factory.SubFactory(AfdelingFactory)


class MedewerkerFactory(DjangoModelFactory):
    """A staff user. `rollen` are group names from klachten.rollen; `afdelingen` a list."""

    class Meta:
        model = Medewerker
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"medewerker{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@verzekeraar.example")
    password = Password("een-lang-testwachtwoord")

    @factory.post_generation
    def rollen(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        groepen = list(Group.objects.filter(name__in=extracted))
        onbekend = set(extracted) - {g.name for g in groepen}
        if onbekend:
            raise ValueError(f"Onbekende rol(len): {sorted(onbekend)}")
        self.groups.add(*groepen)

    @factory.post_generation
    def afdelingen(self, create, extracted, **kwargs):
        if create and extracted:
            self.afdelingen.add(*extracted)


class KlachtFactory(DjangoModelFactory):
    """A complaint built the way the application builds one: through services.klacht_registreren,
    so it has a real dossiernummer, deadlines and history."""

    class Meta:
        model = Klacht

    label = factory.LazyFunction(standaardlabel)
    kanaal = Kanaal.TELEFOON
    klant_naam = factory.Faker("name", locale="nl_NL")
    klant_email = factory.Sequence(lambda n: f"klant{n}@example.nl")
    categorie = factory.SubFactory(CategorieFactory)
    afdeling = factory.LazyAttribute(lambda o: o.categorie.afdeling)
    # A fixed text, not random words: the work queue's search reads the description (Dutch
    # full text), and a random word could match what a test searches for.
    omschrijving = factory.Sequence(
        lambda n: (
            f"Melding {n}: mijn declaratie is na zes weken nog niet verwerkt en niemand "
            "heeft mij teruggebeld, hoewel dat wel was toegezegd."
        )
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.klacht_registreren(**kwargs)


# For each action on an existing complaint: a state from which it is allowed.
VANUIT = {
    "ontvangst_bevestigen": Status.ONTVANGEN,
    "toewijzen": Status.ONTVANGEN,
    "urgentie_wijzigen": Status.IN_ONDERZOEK,
    "classificeren": Status.ONTVANGST_BEVESTIGD,
    "teruggeven": Status.IN_ONDERZOEK,
    "ontvankelijk_verklaren": Status.ONTVANGST_BEVESTIGD,
    "niet_ontvankelijk_verklaren": Status.ONTVANGEN,
    "telefooncontact_vastleggen": Status.IN_ONDERZOEK,
    "notitie_toevoegen": Status.IN_ONDERZOEK,
    "klantbericht_toevoegen": Status.IN_ONDERZOEK,
    "statusupdate_sturen": Status.IN_ONDERZOEK,
    "reactie_sturen": Status.BEANTWOORD,
    "opschorten": Status.IN_ONDERZOEK,
    "verlengen": Status.IN_ONDERZOEK,
    "antwoord_sturen": Status.IN_ONDERZOEK,
    "heroverweging_vragen": Status.BEANTWOORD,
    "heroverweging_beantwoorden": Status.IN_HEROVERWEGING,
    "externe_procedure_vastleggen": Status.BEANTWOORD,
    "afsluiten": Status.BEANTWOORD,
    "medewerker_besproken": Status.BEANTWOORD,
    "heropenen": Status.AFGESLOTEN,
    "vervolgklacht_registreren": Status.AFGESLOTEN,
    "leermoment_toevoegen": Status.AFGESLOTEN,
    "verbeterpunt_toevoegen": Status.AFGESLOTEN,
    "kwetsbaarheid_vastleggen": Status.IN_ONDERZOEK,
    "kwetsbaarheid_intrekken": Status.IN_ONDERZOEK,
    "doorverwijzing_vastleggen": Status.AFGESLOTEN,
}


def klacht_in_status(status: Status | str, *, door: Medewerker, **kwargs) -> Klacht:
    """A complaint driven to `status` through the services, the way the workflow gets there.

    Registered by phone (no automatic acknowledgement), acknowledged, declared admissible and
    answered by `door`; "afgesloten" is an answered complaint that was closed, "in heroverweging"
    an answered one whose customer asked for reconsideration. `kwargs` go to KlachtFactory.
    """
    klacht = KlachtFactory(**kwargs)
    stappen = [
        (Status.ONTVANGST_BEVESTIGD, lambda k: services.ontvangst_bevestigen(klacht=k, door=door)),
        (Status.IN_ONDERZOEK, lambda k: services.ontvankelijk_verklaren(klacht=k, door=door)),
        (
            Status.BEANTWOORD,
            lambda k: services.antwoord_sturen(klacht=k, door=door, oordeel=Oordeel.GEGROND),
        ),
    ]
    if status == Status.AFGESLOTEN:
        stappen.append((Status.AFGESLOTEN, lambda k: services.afsluiten(klacht=k, door=door)))
    elif status == Status.IN_HEROVERWEGING:
        stappen.append(
            (
                Status.IN_HEROVERWEGING,
                lambda k: services.heroverweging_vragen(
                    klacht=k, door=KLANT, reden="Ik ben het niet eens met het antwoord."
                ),
            )
        )
    for _naar, stap in stappen:
        if klacht.status == status:
            break
        klacht = stap(klacht)
    assert klacht.status == status, f"{klacht.status} != {status}"
    return klacht


# Real minimal files, recognised by their content like any upload.


def pdf_bestand(naam: str = "brief.pdf") -> SimpleUploadedFile:
    inhoud = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(naam, inhoud, content_type="application/pdf")


def png_bestand(naam: str = "foto.png") -> SimpleUploadedFile:
    def chunk(soort: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + soort
            + data
            + struct.pack(">I", zlib.crc32(soort + data))
        )

    inhoud = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(naam, inhoud, content_type="image/png")


def jpg_bestand(naam: str = "scan.jpg") -> SimpleUploadedFile:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    inhoud = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"
    return SimpleUploadedFile(naam, inhoud, content_type="image/jpeg")


def docx_bestand(naam: str = "toelichting.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        docx.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Toelichting</w:t></w:r></w:p></w:body></w:document>",
        )
    return SimpleUploadedFile(
        naam,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def exe_als_pdf(naam: str = "factuur.pdf") -> SimpleUploadedFile:
    """A Windows program renamed to .pdf, claiming to be a PDF."""
    inhoud = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
    inhoud += b"PE\x00\x00" + b"\x00" * 200
    return SimpleUploadedFile(naam, inhoud, content_type="application/pdf")


# Klanttevredenheid ---------------------------------------------------------------------------


def contactmoment(**kwargs) -> Contactmoment:
    """A contact moment recorded through the service (so its invitation is planned or skipped
    by the real rules). Defaults: a question to customer service two days ago, by e-mail."""
    velden = {
        "label": standaardlabel(),
        "soort": ContactmomentSoort.VRAAG_KLANTENSERVICE,
        "moment": timezone.now() - dt.timedelta(days=2),
        "bron": Bron.API,
        "klant_email": f"klant{next(_klantnummers)}@example.nl",
        "klant_naam": "Anna de Vries",
    }
    velden.update(kwargs)
    op = velden.pop("op", None)
    return kto_services.contactmoment_registreren(op=op, **velden)


_klantnummers = itertools.count(1)


def verzonden_uitnodiging(**kwargs) -> Uitnodiging:
    """An invitation that went out now, with its single-use token (kwargs: see contactmoment)."""
    moment = contactmoment(**kwargs)
    uitnodiging = moment.uitnodiging
    assert uitnodiging.status == UitnodigingStatus.GEPLAND, uitnodiging.reden_overgeslagen
    Uitnodiging.objects.filter(pk=uitnodiging.pk).update(verzenden_op=timezone.now())
    kto_services.uitnodigingen_versturen()
    uitnodiging.refresh_from_db()
    return uitnodiging


def respons(
    *,
    rapportcijfer: int = 8,
    nps_score: int | None = 9,
    toelichting: str = "",
    verbetertips: str = "",
    **kwargs,
) -> Respons:
    """A customer's answer to a fresh invitation (kwargs: see contactmoment)."""
    uitnodiging = verzonden_uitnodiging(**kwargs)
    return kto_services.enquete_beantwoorden(
        token=uitnodiging.token,
        rapportcijfer=rapportcijfer,
        nps_score=nps_score,
        toelichting=toelichting,
        verbetertips=verbetertips,
    )


def klacht_in_heroverweging(
    *, teamleider: Medewerker, eerste: Medewerker, tweede: Medewerker, afdeling, **kwargs
) -> Klacht:
    """A reconsideration: `eerste` answered the first line (ongegrond), the customer asked for a
    reconsideration and the teamleider assigned `tweede` to the second line."""
    klacht = KlachtFactory(**kwargs)
    klacht = services.toewijzen(
        klacht=klacht, door=teamleider, afdeling=afdeling, behandelaar=eerste
    )
    klacht = services.ontvangst_bevestigen(klacht=klacht, door=eerste)
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=eerste)
    klacht = services.antwoord_sturen(klacht=klacht, door=eerste, oordeel=Oordeel.ONGEGROND)
    klacht = services.heroverweging_vragen(klacht=klacht, door=KLANT, reden="Niet eens.")
    return services.toewijzen(klacht=klacht, door=teamleider, afdeling=afdeling, behandelaar=tweede)
