import datetime as dt
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from klachten.workflow import BerichtSoort, Status

OMSCHRIJVING_MAX = 5000


class Label(models.Model):
    """A brand of the insurance group; every complaint belongs to one (DESIGN.md glossary)."""

    naam = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=50, unique=True, help_text=_("Gebruikt in /<slug>/klacht/.")
    )
    is_standaard = models.BooleanField(
        _("standaardlabel"), default=False, help_text=_("Het label van /klacht/.")
    )
    hostnaam = models.CharField(
        _("hostnaam"),
        max_length=255,
        blank=True,
        help_text=_("Optioneel: een eigen domein voor dit label, bv. klachten.merk.nl."),
    )
    kleur = models.CharField(
        _("huiskleur"),
        max_length=7,
        default="#1f4e79",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Gebruik een kleur als #1f4e79."))],
    )
    telefoon = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    website = models.URLField(_("website"), blank=True)
    postadres = models.TextField(_("postadres"), blank=True)
    privacyverklaring_url = models.URLField(_("privacyverklaring (URL)"), blank=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_standaard"],
                condition=Q(is_standaard=True),
                name="label_een_standaard",
                violation_error_message=_("Er kan maar één standaardlabel zijn."),
            ),
            models.UniqueConstraint(
                fields=["hostnaam"], condition=~Q(hostnaam=""), name="label_hostnaam_uniek"
            ),
        ]

    def __str__(self):
        return self.naam


class Afdeling(models.Model):
    naam = models.CharField(_("naam"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Categorie(models.Model):
    naam = models.CharField(_("naam"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    afdeling = models.ForeignKey(
        Afdeling,
        verbose_name=_("standaardafdeling"),
        on_delete=models.PROTECT,
        related_name="categorieen",
        help_text=_("De afdeling die klachten van deze categorie via het webformulier krijgt."),
    )
    actief = models.BooleanField(_("actief"), default=True)
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")
        ordering = ["volgorde", "naam"]

    def __str__(self):
        return self.naam


class Medewerker(AbstractUser):
    """A staff user; roles are groups (klachten.rollen), afdelingen limit what they see."""

    afdelingen = models.ManyToManyField(
        Afdeling, verbose_name=_("afdelingen"), blank=True, related_name="medewerkers"
    )

    class Meta:
        verbose_name = _("medewerker")
        verbose_name_plural = _("medewerkers")

    def __str__(self):
        return self.get_full_name() or self.username


class DossiernummerReeks(models.Model):
    """The last dossiernummer issued per year; a row lock keeps them consecutive and unique."""

    jaar = models.PositiveIntegerField(_("jaar"), primary_key=True)
    laatste_nummer = models.PositiveIntegerField(_("laatste nummer"), default=0)

    class Meta:
        verbose_name = _("dossiernummerreeks")
        verbose_name_plural = _("dossiernummerreeksen")

    def __str__(self):
        return f"{self.jaar}: {self.laatste_nummer}"


class Kanaal(models.TextChoices):
    WEBFORMULIER = "webformulier", _("Webformulier")
    TELEFOON = "telefoon", _("Telefoon")
    EMAIL = "e-mail", _("E-mail")
    BRIEF = "brief", _("Brief")
    SOCIAL_MEDIA = "social media", _("Social media")
    KTO = "kto", _("Klanttevredenheidsonderzoek (KTO)")
    MEDEWERKER = "medewerker", _("Via medewerker")


class Urgentie(models.TextChoices):
    NORMAAL = "normaal", _("Normaal")
    HOOG = "hoog", _("Hoog")


def nieuw_status_token() -> str:
    return secrets.token_urlsafe(32)


class Klacht(models.Model):
    dossiernummer = models.CharField(_("dossiernummer"), max_length=20, unique=True, editable=False)
    label = models.ForeignKey(Label, verbose_name=_("label"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.ONTVANGEN
    )
    kanaal = models.CharField(_("kanaal"), max_length=20, choices=Kanaal.choices)
    ontvangen_op = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    taal = models.CharField(_("taal van de klant"), max_length=10, default="nl")

    klant_naam = models.CharField(_("naam"), max_length=200)
    klant_email = models.EmailField(_("e-mailadres"), max_length=254)
    klant_telefoon = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    polisnummer = models.CharField(_("polis- of lidnummer"), max_length=50, blank=True)

    afdeling = models.ForeignKey(Afdeling, verbose_name=_("afdeling"), on_delete=models.PROTECT)
    categorie = models.ForeignKey(Categorie, verbose_name=_("categorie"), on_delete=models.PROTECT)
    urgentie = models.CharField(
        _("urgentie"), max_length=10, choices=Urgentie.choices, default=Urgentie.NORMAAL
    )
    omschrijving = models.TextField(
        _("omschrijving"), validators=[MaxLengthValidator(OMSCHRIJVING_MAX)]
    )
    gewenste_oplossing = models.TextField(
        _("gewenste oplossing"), blank=True, validators=[MaxLengthValidator(OMSCHRIJVING_MAX)]
    )

    behandelaar = models.ForeignKey(
        Medewerker,
        verbose_name=_("behandelaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="klachten_in_behandeling",
    )
    ingediend_door = models.ForeignKey(
        Medewerker,
        verbose_name=_("geregistreerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    direct_opgelost = models.BooleanField(_("direct opgelost"), default=False)
    oplossing = models.TextField(
        _("oplossing"), blank=True, validators=[MaxLengthValidator(OMSCHRIJVING_MAX)]
    )

    status_token = models.CharField(
        max_length=64, unique=True, default=nieuw_status_token, editable=False
    )
    privacy_akkoord_op = models.DateTimeField(
        _("akkoord privacyverklaring op"), null=True, blank=True
    )
    ontvangstbevestiging_uiterlijk_datum = models.DateField(
        _("ontvangstbevestiging uiterlijk"), null=True, blank=True, db_index=True
    )
    ontvangst_bevestigd_op = models.DateTimeField(
        _("ontvangst bevestigd op"), null=True, blank=True
    )
    afgesloten_op = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["status_token", "updated_at"])

    class Meta:
        verbose_name = _("klacht")
        verbose_name_plural = _("klachten")
        ordering = ["-ontvangen_op"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="klacht_status_geldig"
            ),
            models.CheckConstraint(
                condition=Q(dossiernummer__regex=r"^KL-[0-9]{4}-[0-9]{6}$"),
                name="klacht_dossiernummer_formaat",
            ),
            models.CheckConstraint(
                condition=Q(direct_opgelost=False) | Q(status=Status.AFGESLOTEN),
                name="klacht_direct_opgelost_is_afgesloten",
            ),
        ]
        indexes = [
            models.Index(fields=["afdeling", "status"]),
            models.Index(fields=["klant_email"]),
        ]

    def __str__(self):
        return self.dossiernummer

    def clean(self):
        """Rules that hold for every way a complaint comes in (form, staff intake, API)."""
        errors = {}
        if self.ontvangen_op and self.ontvangen_op > timezone.now() + dt.timedelta(minutes=5):
            errors["ontvangen_op"] = _("De ontvangstdatum kan niet in de toekomst liggen.")
        if self.direct_opgelost and not self.oplossing.strip():
            errors["oplossing"] = _("Beschrijf wat er is gedaan om de klacht direct op te lossen.")
        if self.categorie_id and not self.categorie.actief:
            errors["categorie"] = _("Deze categorie is niet meer in gebruik.")
        if errors:
            raise ValidationError(errors)


def bijlage_pad(instance: "Bijlage", filename: str) -> str:
    # Never the customer's file name on disk: it is kept in oorspronkelijke_naam.
    return f"bijlagen/{instance.klacht.ontvangen_op:%Y/%m}/{uuid.uuid4().hex}"


class Bijlage(models.Model):
    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="bijlagen")
    bestand = models.FileField(_("bestand"), upload_to=bijlage_pad, max_length=255)
    oorspronkelijke_naam = models.CharField(_("bestandsnaam"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=100)
    grootte = models.PositiveIntegerField(_("grootte (bytes)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.oorspronkelijke_naam


class BerichtStatus(models.TextChoices):
    WACHTEND = "wachtend", _("Wacht op verzending")
    VERZONDEN = "verzonden", _("Verzonden")
    MISLUKT = "mislukt", _("Mislukt")


class Bericht(models.Model):
    """A message to the customer, stored on the dossier and sent through the outbox."""

    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="berichten")
    soort = models.CharField(_("soort"), max_length=40, choices=BerichtSoort.choices)
    aan = models.EmailField(_("aan"), max_length=254)
    onderwerp = models.CharField(_("onderwerp"), max_length=255)
    tekst = models.TextField(_("tekst"))
    status = models.CharField(
        _("status"), max_length=20, choices=BerichtStatus.choices, default=BerichtStatus.WACHTEND
    )
    pogingen = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    verstuurd_door = models.ForeignKey(
        Medewerker, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BerichtStatus.values), name="bericht_status_geldig"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="wachtend"),
                name="bericht_wachtend_idx",
            ),
        ]

    def __str__(self):
        return f"{self.klacht} - {self.get_soort_display()}"
