import datetime as dt
import re
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from klachten import kalender
from klachten.termijnen import LOPEND_BIJ, MOMENTEN, Kantooruren, Land, TermijnRegel, TermijnSoort
from klachten.workflow import Oordeel, Status

OMSCHRIJVING_MAX = 5000

# Received earlier is a typing error (0526 for 2026). Before 1937 Amsterdam's clock ran 19 minutes
# and 32 seconds ahead of UTC: such a moment has no date-time (RFC 3339) for the API to answer with.
VROEGSTE_ONTVANGST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


# The languages a customer may use besides Dutch (settings.LANGUAGES): admin data the customer
# reads has a field per language, <veld>_en and <veld>_fr; the Dutch one is the field itself.
VERTAALTALEN = ("en", "fr")


class IsWaar(models.Func):
    """`(condition) IS TRUE`: the same rows as the condition itself, but one expression whose
    share of the table PostgreSQL can know from statistics on it (CREATE STATISTICS), where it
    guesses a third for a comparison of two columns (klantbericht_op > afgesloten_op)."""

    template = "(%(expressions)s) IS TRUE"
    output_field = models.BooleanField()


# A closed complaint the customer wrote to after the closing, to which no message went since
# (selectors.wacht_op_keuze; the partial index klacht_wacht_op_keuze holds these rows). As one
# expression, with statistics (migration 0049): guessed at a third of all closed complaints, the
# queue's list of them was planned as a parallel scan of 39,000 rows for the 0 to 10 there are,
# on every queue page (issue 20: 10 ms, 22 ms on a busy machine, at 1,000,000 complaints).
KLANTBERICHT_NA_AFSLUITING = IsWaar(
    Q(status=Status.AFGESLOTEN, klantbericht_op__gt=F("afgesloten_op"))
    & (
        Q(laatste_klantcontact_op__isnull=True)
        | Q(laatste_klantcontact_op__lt=F("klantbericht_op"))
    )
)


def keuzenaam(keuzes: type[models.Choices], waarde) -> str:
    """The name of `waarde` among `keuzes`, translated, as get_FOO_display gives it (the value
    itself when it is not one of them), without building the field's whole list of choices on
    every call as get_FOO_display does (issue 20: 4.6 ms of a dossier's timeline of 40 entries)."""
    try:
        return str(keuzes(waarde).label)
    except ValueError:
        return waarde


def keuzenamen(keuzes: type[models.Choices]) -> dict[str, str]:
    """Every value of `keuzes` with its name, translated once (for a fragment that names many
    rows' values: the queue's rows, a timeline)."""
    return {code: str(naam) for code, naam in keuzes.choices}


class ConfiguratieQuerySet(models.QuerySet):
    """Rows of configuration (klachten.configuratie): a change in bulk, which sends no signal,
    makes every process read them again too."""

    def update(self, **kwargs):
        from klachten import configuratie

        aantal = super().update(**kwargs)
        configuratie.gewijzigd()
        return aantal

    def bulk_create(self, *args, **kwargs):
        from klachten import configuratie

        rijen = super().bulk_create(*args, **kwargs)
        configuratie.gewijzigd()
        return rijen

    def bulk_update(self, *args, **kwargs):
        from klachten import configuratie

        aantal = super().bulk_update(*args, **kwargs)
        configuratie.gewijzigd()
        return aantal


class Vertaalbaar(models.Model):
    """Admin data that customers read, per language (issue 18): each field named in VERTAALD has
    a translation per VERTAALTALEN (`naam_en`, `naam_fr`). The field itself is the Dutch text: the
    staff pages, reports, searches and unique constraints keep reading it, whatever the staff
    member's language. What customers read goes through `vertaald` (or the template filter
    `vertaald`, klachten.templatetags.talen; messages: klachten.berichten.opstellen), in the
    complaint's language or the page's, with the Dutch text as the fallback; the admin shows the
    beheerder which translations are missing."""

    VERTAALD: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def vertaald(self, veld: str, taal: str | None = None) -> str:
        """`veld` in language `taal` (default: the active language); Dutch when it is missing."""
        taal = (taal or translation.get_language() or "nl").split("-")[0].lower()
        if veld in self.VERTAALD and taal in VERTAALTALEN:
            vertaling = getattr(self, f"{veld}_{taal}", "")
            if vertaling and vertaling.strip():
                return vertaling
        return getattr(self, veld)

    @property
    def ontbrekende_vertalingen(self) -> list[str]:
        """The languages in which a filled-in field has no translation (so customers read the
        Dutch text there)."""
        return [
            taal
            for taal in VERTAALTALEN
            if any(
                str(getattr(self, veld) or "").strip()
                and not str(getattr(self, f"{veld}_{taal}") or "").strip()
                for veld in self.VERTAALD
            )
        ]

    @classmethod
    def vertaling_ontbreekt(cls, taal: str) -> Q:
        """The rows for which `ontbrekende_vertalingen` holds `taal`, as a query."""
        ontbreekt = Q()
        for veld in cls.VERTAALD:
            ontbreekt |= ~Q(**{veld: ""}) & Q(**{f"{veld}_{taal}": ""})
        return ontbreekt


class ExterneInstantie(Vertaalbaar):
    """An external body the customer can turn to after the insurer's final position.

    Its last date is the latest of: the definitief standpunt + `maanden_na_standpunt` and the
    complaint + `maanden_na_klacht` (Kifid: 3 months after the final position or 1 year after the
    complaint, whichever is later; SKGZ: 1 year after the final position).
    """

    VERTAALD = ("naam", "escalatie_tekst", "adres")

    naam = models.CharField(_("naam"), max_length=150, unique=True)
    naam_en = models.CharField(_("naam (Engels)"), max_length=150, blank=True)
    naam_fr = models.CharField(_("naam (Frans)"), max_length=150, blank=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    website = models.URLField(_("website"), blank=True)
    maanden_na_standpunt = models.PositiveSmallIntegerField(
        _("maanden na definitief standpunt"), null=True, blank=True
    )
    maanden_na_klacht = models.PositiveSmallIntegerField(
        _("maanden na de klacht"), null=True, blank=True
    )
    # Contact details the customer reads in the answer's next-step paragraph (issue 18).
    adres = models.TextField(
        _("postadres"), blank=True, help_text=_("Eén regel per adresregel, zoals op een envelop.")
    )
    adres_en = models.TextField(_("postadres (Engels)"), blank=True)
    adres_fr = models.TextField(_("postadres (Frans)"), blank=True)
    telefoon = models.CharField(_("telefoon"), max_length=40, blank=True)
    escalatie_tekst = models.TextField(
        _("escalatieparagraaf"),
        help_text=_(
            "Komt in het antwoord met het definitieve standpunt, vóór de ondertekening; daaronder "
            "volgen naam, postadres, telefoon en website. Beschikbaar: {{ instantie }}, "
            "{{ website }}, {{ telefoon }}, {{ uiterste_datum }}."
        ),
    )
    escalatie_tekst_en = models.TextField(
        _("escalatieparagraaf (Engels)"),
        blank=True,
        help_text=_("Leeg: klanten die Engels lezen, krijgen de Nederlandse paragraaf."),
    )
    escalatie_tekst_fr = models.TextField(
        _("escalatieparagraaf (Frans)"),
        blank=True,
        help_text=_("Leeg: klanten die Frans lezen, krijgen de Nederlandse paragraaf."),
    )

    objects = ConfiguratieQuerySet.as_manager()

    class Meta:
        verbose_name = _("externe instantie")
        verbose_name_plural = _("externe instanties")
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Productgroep(models.Model):
    """The kind of insurance product a complaint is about, as the regulator groups them (the
    AFM's yearly complaint survey): set per label, optionally overridden per categorie."""

    naam = models.CharField(_("naam"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("productgroep")
        verbose_name_plural = _("productgroepen")
        ordering = ["volgorde", "naam"]

    def __str__(self):
        return self.naam


class Oorzaak(models.Model):
    """The root cause the handler records with the answer (ISO 10002 analysis; the half-yearly
    analysis and the AFM's survey count complaints per cause). A list as data (admin)."""

    naam = models.CharField(_("naam"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    actief = models.BooleanField(_("actief"), default=True)
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("oorzaak")
        verbose_name_plural = _("oorzaken")
        ordering = ["volgorde", "naam"]

    def __str__(self):
        return self.naam


class Label(Vertaalbaar):
    """A brand of the insurance group; every complaint belongs to one (DESIGN.md glossary). Of
    its contact details only the postal address is text in a language (a phone number, e-mail
    address or URL is the same for every customer)."""

    VERTAALD = ("postadres",)

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
    postadres_en = models.TextField(
        _("postadres (Engels)"), blank=True, help_text=_("Leeg: het Nederlandse postadres.")
    )
    postadres_fr = models.TextField(
        _("postadres (Frans)"), blank=True, help_text=_("Leeg: het Nederlandse postadres.")
    )
    privacyverklaring_url = models.URLField(_("privacyverklaring (URL)"), blank=True)
    externe_instantie = models.ForeignKey(
        ExterneInstantie,
        verbose_name=_("externe instantie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Waar klanten van dit label na het definitieve standpunt terechtkunnen."),
    )
    # Issue 21: ARAG names the Tuchtraad Financiële Dienstverlening beside Kifid.
    ook_instantie = models.ForeignKey(
        ExterneInstantie,
        verbose_name=_("ook te noemen instantie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Naast de externe instantie, bv. de Tuchtraad Financiële Dienstverlening naast Kifid: "
            "haar paragraaf volgt in het antwoord met het definitieve standpunt en op de "
            "klachtenprocedure."
        ),
    )
    productgroep = models.ForeignKey(
        Productgroep,
        verbose_name=_("productgroep"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Voor de klachtenuitvraag van de AFM; een categorie kan een andere hebben."),
    )
    # Whether an hour reaction term (social media: 4 hours) runs at night and in weekends
    # (default: around the clock, as the monitoring of social media is) or only in the office
    # hours below, on working days (termijnen.Kantooruren; issue 21).
    uurtermijnen_binnen_kantooruren = models.BooleanField(
        _("uurtermijnen alleen binnen kantooruren"),
        default=False,
        help_text=_(
            "Aan: een reactietermijn in uren telt alleen de uren tussen opening en sluiting op "
            "werkdagen. Uit: de uren lopen ook 's nachts en in het weekend door."
        ),
    )
    kantoor_open = models.TimeField(_("kantoor open om"), default=dt.time(9, 0))
    kantoor_dicht = models.TimeField(_("kantoor dicht om"), default=dt.time(17, 0))

    objects = ConfiguratieQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(kantoor_open__lt=F("kantoor_dicht")),
                name="label_kantoor_open_voor_dicht",
                violation_error_message=_("Het kantoor gaat open voordat het dichtgaat."),
            ),
        ]

    def __str__(self):
        return self.naam

    @property
    def kantooruren(self) -> Kantooruren | None:
        """The office hours its hour terms count in; None: they run around the clock."""
        if not self.uurtermijnen_binnen_kantooruren:
            return None
        return Kantooruren(self.kantoor_open, self.kantoor_dicht)

    def clean(self):
        """The colour carries white text (header, buttons) and is the link colour on white: it
        needs a contrast of at least 4.5:1 with white (WCAG 2.1 AA, 1.4.3)."""
        if (
            re.fullmatch(r"#[0-9a-fA-F]{6}", self.kleur or "")
            and contrast_met_wit(self.kleur) < 4.5
        ):
            raise ValidationError(
                {
                    "kleur": _(
                        "Deze kleur is te licht: witte tekst erop is slecht leesbaar (contrast "
                        "%(contrast).1f:1, minstens 4,5:1 nodig). Kies een donkerdere tint."
                    )
                    % {"contrast": contrast_met_wit(self.kleur)}
                }
            )


def contrast_met_wit(kleur: str) -> float:
    """WCAG 2.1 contrast ratio of a #rrggbb colour with white."""

    def kanaal(hex_: str) -> float:
        c = int(hex_, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (kanaal(kleur[i : i + 2]) for i in (1, 3, 5))
    luminantie = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminantie + 0.05)


class Afdeling(models.Model):
    naam = models.CharField(_("naam"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)

    objects = ConfiguratieQuerySet.as_manager()

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class CategorieQuerySet(ConfiguratieQuerySet):
    def voor_label(self, label: "Label | int") -> "CategorieQuerySet":
        """The categorieën a complaint of `label` may have: those linked to it, and those linked
        to no label (for every label)."""
        koppeling = Categorie.labels.through.objects.filter(categorie=OuterRef("pk"))
        return self.filter(Q(Exists(koppeling.filter(label=label))) | ~Q(Exists(koppeling)))


class Categorie(Vertaalbaar):
    """The nature of a complaint. Offered to the labels it is linked to; linked to none, to every
    label (a general categorie such as "Bejegening"). Its name per language (Vertaalbaar)."""

    VERTAALD = ("naam",)

    naam = models.CharField(_("naam"), max_length=100, unique=True)
    naam_en = models.CharField(_("naam (Engels)"), max_length=100, blank=True)
    naam_fr = models.CharField(_("naam (Frans)"), max_length=100, blank=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    labels = models.ManyToManyField(
        Label,
        verbose_name=_("labels"),
        blank=True,
        related_name="categorieen",
        help_text=_(
            "De labels waarvan klanten deze categorie kunnen kiezen. Geen label gekozen: alle "
            "labels."
        ),
    )
    afdeling = models.ForeignKey(
        Afdeling,
        verbose_name=_("standaardafdeling"),
        on_delete=models.PROTECT,
        related_name="categorieen",
        help_text=_("De afdeling die klachten van deze categorie via het webformulier krijgt."),
    )
    actief = models.BooleanField(_("actief"), default=True)
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    productgroep = models.ForeignKey(
        Productgroep,
        verbose_name=_("productgroep"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Alleen als die afwijkt van de productgroep van het label."),
    )

    objects = CategorieQuerySet.as_manager()

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
    # Issue 21: the insurers' customers "bellen, mailen, chatten of bezoeken": staff register a
    # chat conversation or an office visit (balie) like a phone call.
    CHAT = "chat", _("Chat")
    BALIE = "balie", _("Balie (bezoek aan een kantoor)")
    KTO = "kto", _("Klanttevredenheidsonderzoek (KTO)")
    MEDEWERKER = "medewerker", _("Via medewerker")


class Urgentie(models.TextChoices):
    NORMAAL = "normaal", _("Normaal")
    HOOG = "hoog", _("Hoog")


def nieuw_status_token() -> str:
    return secrets.token_urlsafe(32)


def nieuw_antwoord_sleutel() -> str:
    """Lower-case letters and digits only: mail systems may fold the case of a local part."""
    return secrets.token_hex(12)


# What pages, reports and exports show for a complaint without categorie or afdeling yet.
NOG_TE_CLASSIFICEREN = _("nog te classificeren")

# Where a complaint may still lack categorie and afdeling: it came in by e-mail and nobody has
# handled it yet (no behandelaar, not yet found admissible: still ontvangen or acknowledged).
ONGECLASSIFICEERD_TOEGESTAAN = (
    Q(kanaal__in=["e-mail", "social media"])
    & Q(status__in=["ontvangen", "ontvangst_bevestigd"])
    & Q(behandelaar__isnull=True)
    & Q(is_ontvankelijk__isnull=True)
)


# A postal address is a few lines (the window of an envelope holds six).
POSTADRES_MAX = 300

# Every way a complaint comes in by staff or the API: an e-mail address or a postal address.
EMAIL_OF_POSTADRES = _(
    "Vul het e-mailadres of het postadres van de klant in: zonder een van beide kunnen wij de "
    "klant niet antwoorden."
)


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
    # Empty only with a postal address (a phone call or a letter from a customer without
    # e-mail): every message then goes by post (Klacht.per_post, the print tray).
    klant_email = models.EmailField(_("e-mailadres"), max_length=254, blank=True)
    # The address as it goes into the window of the envelope, under the name: street and number,
    # postcode and place, and the country when it is not the label's (one line each).
    klant_postadres = models.TextField(_("postadres"), max_length=POSTADRES_MAX, blank=True)
    klant_telefoon = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    polisnummer = models.CharField(_("polis- of lidnummer"), max_length=50, blank=True)

    # Empty only for a complaint that came in by e-mail and awaits the teamleider's
    # classification ("nog te classificeren"; constraint klacht_geclassificeerd).
    afdeling = models.ForeignKey(
        Afdeling, verbose_name=_("afdeling"), on_delete=models.PROTECT, null=True
    )
    categorie = models.ForeignKey(
        Categorie, verbose_name=_("categorie"), on_delete=models.PROTECT, null=True
    )
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
    # The secret in the Reply-To of every message to the customer (klachten+<secret>@domain):
    # a reply to that address lands on this dossier (klachten.berichten.inkomend), and a guessed
    # dossiernummer cannot attach mail to someone else's. Empty for a complaint registered before
    # the e-mail channel until its next message goes out (berichten.antwoordadres).
    antwoord_sleutel = models.CharField(  # noqa: DJ001 (unique: many without one)
        max_length=32, unique=True, null=True, default=nieuw_antwoord_sleutel, editable=False
    )
    # The queue's marker "nieuw bericht van klant" (issue 17): when a message of the customer
    # (status page, API, e-mail) last landed, and when a handler of the complaint (behandelaar or
    # second-line handler) last opened the dossier; newer than that opening, the marker shows.
    klantbericht_op = models.DateTimeField(
        _("laatste bericht van de klant op"), null=True, blank=True
    )
    behandelaar_gelezen_op = models.DateTimeField(
        _("door de behandelaar geopend op"), null=True, blank=True
    )
    # The public form's one-time key (a hidden field, a UUID rendered into each form): the same
    # form sent again (after an error page, a double click, two at once) is one complaint, and
    # the second answer shows the first's dossiernummer (klachten.services.klacht_registreren).
    formulier_sleutel = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    privacy_akkoord_op = models.DateTimeField(
        _("akkoord privacyverklaring op"), null=True, blank=True
    )
    ontvangstbevestiging_uiterlijk_datum = models.DateField(
        _("ontvangstbevestiging uiterlijk"), null=True, blank=True, db_index=True
    )
    ontvangst_bevestigd_op = models.DateTimeField(
        _("ontvangst bevestigd op"), null=True, blank=True
    )
    betreft_medewerker = models.ForeignKey(
        Medewerker,
        verbose_name=_("klacht gaat over medewerker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Deze medewerker mag de klacht niet behandelen."),
    )
    # A complaint about an employee is discussed with them before it is closed (issue 22, ARAG):
    # when, by whom, and a short internal summary (services.medewerker_besproken). Internal: the
    # customer never reads it, and the employee never sees the complaint (selectors.klachten_voor).
    medewerker_besproken_datum = models.DateField(
        _("besproken met de medewerker op"), null=True, blank=True
    )
    medewerker_besproken_door = models.ForeignKey(
        Medewerker,
        verbose_name=_("besproken door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    medewerker_gesprek_samenvatting = models.TextField(
        _("samenvatting van het gesprek met de medewerker"), blank=True
    )
    # A complaint registered from a closed one the customer wrote to again about something new
    # (services.vervolgklacht_registreren, issue 17); the old one stays closed.
    vorige_klacht = models.ForeignKey(
        "self",
        verbose_name=_("vervolg op klacht"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vervolgklachten",
    )
    is_ontvankelijk = models.BooleanField(_("ontvankelijk"), null=True, blank=True)
    oordeel = models.CharField(_("oordeel"), max_length=30, choices=Oordeel.choices, blank=True)
    oorzaak = models.ForeignKey(
        Oorzaak,
        verbose_name=_("oorzaak"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="klachten",
    )
    beantwoord_op = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    definitief_standpunt_op = models.DateTimeField(
        _("definitief standpunt op"), null=True, blank=True
    )
    heroverweging_gevraagd_op = models.DateTimeField(
        _("heroverweging gevraagd op"), null=True, blank=True
    )
    heroverweging_behandelaar = models.ForeignKey(
        Medewerker,
        verbose_name=_("behandelaar heroverweging"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heroverwegingen",
    )
    laatste_klantcontact_op = models.DateTimeField(
        _("laatste bericht aan de klant op"), null=True, blank=True
    )
    behandeling_hervat_op = models.DateTimeField(
        _("behandeling hervat op"),
        null=True,
        blank=True,
        help_text=_(
            "Heropend of heroverweging gevraagd: de statusupdate-termijn loopt vanaf hier."
        ),
    )
    # Each deadline in its own column, indexed only where it runs (Meta.indexes): the deadline
    # watch finds what is due with a range query per column (klachten.bewaking).
    antwoord_uiterlijk_datum = models.DateField(_("antwoord uiterlijk"), null=True, blank=True)
    statusupdate_uiterlijk_datum = models.DateField(
        _("statusupdate uiterlijk"), null=True, blank=True
    )
    heroverweging_uiterlijk_datum = models.DateField(
        _("heroverweging uiterlijk"), null=True, blank=True
    )
    kifid_alarm_datum = models.DateField(
        _("Kifid-grens (8 weken zonder antwoord)"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Alleen gevuld zolang de klacht onbeantwoord en open is."),
    )
    # The earliest date of a deadline whose message was undeliverable (Termijnafloop): it runs
    # again until the message is sent again (termijnen.LOPEND_BIJ, "bezorging").
    bezorging_uiterlijk_datum = models.DateField(_("bezorging uiterlijk"), null=True, blank=True)
    # The label's reaction term for the kanaal (Reactietermijn, issue 21): a moment, as hour terms
    # end within a day; cleared by the first reaction (termijnen.eerste_reactie_gegeven). The
    # reminder's moment beside it (termijnen.Reactieregel.herinnering_op).
    eerste_reactie_uiterlijk_op = models.DateTimeField(
        _("eerste reactie uiterlijk"), null=True, blank=True
    )
    eerste_reactie_herinnering_op = models.DateTimeField(
        _("herinnering eerste reactie"), null=True, blank=True
    )
    volgende_termijn_datum = models.DateField(
        _("eerstvolgende termijn"), null=True, blank=True, db_index=True
    )
    afgesloten_op = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    geanonimiseerd_op = models.DateTimeField(
        _("geanonimiseerd op"),
        null=True,
        blank=True,
        help_text=_("De persoonsgegevens zijn gewist (bewaartermijn verstreken of op verzoek)."),
    )
    versie = models.PositiveIntegerField(_("versie"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "status_token",
            "antwoord_sleutel",
            "updated_at",
            "klantbericht_op",
            "behandelaar_gelezen_op",
        ]
    )

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
            models.CheckConstraint(
                condition=(Q(categorie__isnull=False) & Q(afdeling__isnull=False))
                | ONGECLASSIFICEERD_TOEGESTAAN,
                name="klacht_geclassificeerd",
            ),
            models.CheckConstraint(
                condition=~Q(klant_email="")
                | ~Q(klant_postadres="")
                | Q(geanonimiseerd_op__isnull=False)
                # A post or message from social media (klachten.sociaal): answered through the
                # monitoring tool's webhook, to the author's handle on that platform.
                | Q(kanaal="social media"),
                name="klacht_email_of_postadres",
            ),
        ]
        indexes = [
            models.Index(fields=["afdeling", "status"]),
            models.Index(fields=["klant_email"]),
            # "Link kwijt?" with the address alone, and the AVG requests: the address as typed in
            # any case (klant_email__iexact compares UPPER(klant_email)).
            models.Index(Upper("klant_email"), "label", name="klacht_email_label_upper"),
            models.Index(fields=["behandelaar", "volgende_termijn_datum"]),
            models.Index(fields=["afdeling", "volgende_termijn_datum"]),
            # The reports (rapportage.maandrapport): received in a month, reconsiderations asked
            # in a month, the open complaints per label and afdeling, label and afdeling by id.
            models.Index(fields=["ontvangen_op"], name="klacht_ontvangen_op"),
            models.Index(
                fields=["heroverweging_gevraagd_op"],
                condition=Q(heroverweging_gevraagd_op__isnull=False),
                name="klacht_heroverweging_op",
            ),
            models.Index(
                fields=["label", "afdeling", "ontvangen_op"],
                include=["id"],
                condition=~Q(status=Status.AFGESLOTEN),
                name="klacht_open_per_groep",
            ),
            models.Index(
                fields=["id"], include=["label", "afdeling"], name="klacht_label_afdeling"
            ),
            # The work queue: the open complaints in its order, the closed ones latest first.
            models.Index(
                fields=["volgende_termijn_datum", "ontvangen_op", "id"],
                condition=~Q(status=Status.AFGESLOTEN),
                name="klacht_open_volgorde",
            ),
            # The queue sorted by the customer's name (selectors.SORTEERBAAR), either way.
            models.Index(
                fields=["klant_naam", "id"],
                condition=~Q(status=Status.AFGESLOTEN),
                name="klacht_open_klant",
            ),
            # The head of its default order (selectors.VoorrangEerst): the urgent open ones.
            models.Index(
                fields=["volgende_termijn_datum", "ontvangen_op", "id"],
                condition=~Q(status=Status.AFGESLOTEN) & Q(urgentie=Urgentie.HOOG),
                name="klacht_open_urgent",
            ),
            # The queue's "own first" part (urgent, own, nearest deadline; issue 19): a handler's
            # open complaints on an index of their own, not all they ever had (at 1,000,000
            # complaints 21,000 rows of which 2,900 open: 130 ms became 32 ms, issue 20).
            models.Index(
                fields=["behandelaar", "volgende_termijn_datum", "ontvangen_op", "id"],
                condition=~Q(status=Status.AFGESLOTEN),
                name="klacht_open_eigen",
            ),
            models.Index(
                fields=["heroverweging_behandelaar"],
                condition=~Q(status=Status.AFGESLOTEN) & Q(heroverweging_behandelaar__isnull=False),
                name="klacht_open_tweede_lijn",
            ),
            models.Index(
                fields=["-afgesloten_op"],
                condition=Q(status=Status.AFGESLOTEN),
                name="klacht_afgesloten_op",
            ),
            # The closed complaints the customer wrote to again, before the handler answered
            # (selectors.wacht_op_keuze, the queue's list): few, whatever the archive's size.
            models.Index(
                fields=["klantbericht_op"],
                condition=Q(KLANTBERICHT_NA_AFSLUITING),
                name="klacht_wacht_op_keuze",
            ),
            # The retention job: closed complaints whose personal data is still there.
            models.Index(
                fields=["afgesloten_op"],
                condition=Q(status=Status.AFGESLOTEN, geanonimiseerd_op__isnull=True),
                name="klacht_te_anonimiseren",
            ),
            # One partial index per deadline, over the complaints in which it runs (the first
            # reaction runs in every state until met, when its column is cleared: the index
            # holds only the complaints still waiting for it).
            *(
                models.Index(
                    fields=[kolom],
                    condition=(
                        Q(**{f"{kolom}__isnull": False})
                        if soort in MOMENTEN
                        else Q(status__in=sorted(statussen))
                    ),
                    name=f"klacht_{soort}_lopend"[:30],
                )
                for soort, (kolom, statussen) in LOPEND_BIJ.items()
            ),
        ]

    def __str__(self):
        return self.dossiernummer

    @property
    def heeft_nieuw_klantbericht(self) -> bool:
        """A message of the customer newer than a handler's last look at the dossier."""
        return self.klantbericht_op is not None and (
            self.behandelaar_gelezen_op is None
            or self.klantbericht_op > self.behandelaar_gelezen_op
        )

    def categorie_past_bij_label(self) -> bool:
        """Whether the categorie is one of the label's (Categorie.labels)."""
        from klachten import configuratie

        # The label's active categorieën as this process read them; an inactive one is asked.
        return (
            self.categorie_id in configuratie.categorieen_voor_label(self.label_id)
            or Categorie.objects.voor_label(self.label_id).filter(pk=self.categorie_id).exists()
        )

    @property
    def is_geclassificeerd(self) -> bool:
        return self.categorie_id is not None and self.afdeling_id is not None

    @property
    def per_post(self) -> bool:
        """Whether the customer's messages go by post, as PDF letters through the print tray
        (berichten.brieven): they have no e-mail address, or they complained by letter and gave
        their postal address. A letter without an address to answer goes by e-mail."""
        if self.per_sociaal:
            return False
        return not self.klant_email or (
            self.kanaal == Kanaal.BRIEF and bool(self.klant_postadres.strip())
        )

    @property
    def per_sociaal(self) -> bool:
        """Whether the customer's messages go back through the monitoring tool's webhook
        (klachten.sociaal, issue 21): a complaint from social media whose customer gave neither
        an e-mail nor a postal address (once they do, messages go there)."""
        return (
            self.kanaal == Kanaal.SOCIAL_MEDIA
            and not self.klant_email
            and not self.klant_postadres.strip()
        )

    def adres_controleren(self) -> None:
        """An e-mail address or a postal address, to answer the customer (the check constraint
        klacht_email_of_postadres): for staff intake and the API; the public form requires the
        e-mail address itself. Not in clean(): a form would show the error twice."""
        if self.kanaal == Kanaal.SOCIAL_MEDIA and self.ingediend_door_id is None:
            # From the monitoring tool's webhook (klachten.sociaal): answered through the tool,
            # to the author's handle. Staff registering a social media complaint give an address.
            return
        if not self.klant_email.strip() and not self.klant_postadres.strip():
            raise ValidationError({"klant_email": EMAIL_OF_POSTADRES})

    def clean(self):
        """Rules that hold for every way a complaint comes in (form, staff intake, API)."""
        errors = {}
        if self.ontvangen_op and self.ontvangen_op > timezone.now() + dt.timedelta(minutes=5):
            errors["ontvangen_op"] = _("De ontvangstdatum kan niet in de toekomst liggen.")
        elif self.ontvangen_op and self.ontvangen_op < VROEGSTE_ONTVANGST:
            errors["ontvangen_op"] = _("De ontvangstdatum kan niet voor 2000 liggen.")
        if self.direct_opgelost and not self.oplossing.strip():
            errors["oplossing"] = _("Beschrijf wat er is gedaan om de klacht direct op te lossen.")
        if self.categorie_id and not self.categorie.actief:
            errors["categorie"] = _("Deze categorie is niet meer in gebruik.")
        elif self.categorie_id and self.label_id and not self.categorie_past_bij_label():
            errors["categorie"] = categorie_hoort_niet_bij(self.label)
        if errors:
            raise ValidationError(errors)


def categorie_hoort_niet_bij(label: Label) -> str:
    """The error for a categorie that is not one of the label's (forms, API, services)."""
    return _("Deze categorie hoort niet bij %(label)s. Kies een categorie van dit label.") % {
        "label": label
    }


def bijlage_pad(instance: "Bijlage", filename: str) -> str:
    # Never the customer's file name on disk: it is kept in oorspronkelijke_naam.
    return f"bijlagen/{instance.klacht.ontvangen_op:%Y/%m}/{uuid.uuid4().hex}"


class GebeurtenisSoort(models.TextChoices):
    ONTVANGEN = "ontvangen", _("Ontvangen")
    STATUS = "status", _("Statuswijziging")
    BERICHT = "bericht", _("Bericht aan de klant")
    KLANTBERICHT = "klantbericht", _("Bericht van de klant")
    NOTITIE = "notitie", _("Interne notitie")
    TELEFOON = "telefoon", _("Telefooncontact")
    TOEWIJZING = "toewijzing", _("Toewijzing")
    TERMIJN = "termijn", _("Termijnwijziging")
    EXTERNE_PROCEDURE = "externe_procedure", _("Externe procedure")
    LEERMOMENT = "leermoment", _("Leermoment")
    VERBETERPUNT = "verbeterpunt", _("Verbeterpunt")
    ANONIMISERING = "anonimisering", _("Persoonsgegevens gewist")
    # A message that did not arrive, or was sent again (services.bericht_onbestelbaar_verwerken).
    BEZORGING = "bezorging", _("Bezorging van een bericht")
    # A new complaint registered from a closed one: on both dossiers
    # (services.vervolgklacht_registreren).
    VERVOLGKLACHT = "vervolgklacht", _("Vervolgklacht")
    # The complaint was discussed with the employee it is about (services.medewerker_besproken).
    MEDEWERKERGESPREK = "medewerkergesprek", _("Besproken met de medewerker")


class Gebeurtenis(models.Model):
    """One item on the dossier's timeline; written by the services, never edited."""

    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="gebeurtenissen")
    soort = models.CharField(_("soort"), max_length=30, choices=GebeurtenisSoort.choices)
    tekst = models.TextField(_("tekst"), blank=True)
    van_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    naar_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    door = models.ForeignKey(
        Medewerker, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    door_klant = models.BooleanField(_("door de klant"), default=False)
    bericht = models.ForeignKey(
        "Bericht", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    op = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["-op", "-id"]
        indexes = [
            models.Index(fields=["klacht", "-op"]),
            # The reports: closings in a period, and a complaint's state at a moment.
            models.Index(
                fields=["op"],
                include=["klacht"],
                condition=Q(naar_status="afgesloten", soort__in=["status", "ontvangen"]),
                name="gebeurtenis_afsluiting",
            ),
            models.Index(
                fields=["klacht", "-op", "-id"],
                condition=Q(soort__in=["status", "ontvangen"]) & ~Q(naar_status=""),
                name="gebeurtenis_staat",
            ),
        ]

    def __str__(self):
        return f"{self.klacht_id} {self.get_soort_display()}"


class Bijlage(models.Model):
    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="bijlagen")
    gebeurtenis = models.ForeignKey(
        Gebeurtenis, on_delete=models.SET_NULL, null=True, blank=True, related_name="bijlagen"
    )
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

    @property
    def voorbeeld(self) -> str:
        """How the dossier previews it: "afbeelding", "pdf", or "" (download only). From the
        stored type; the preview view reads the content again before serving it inline."""
        from klachten.uploads import voorbeeldsoort

        return voorbeeldsoort(self.mime_type)


class VerweesdBestand(models.Model):
    """A file written for a write that was rolled back, which the storage did not let us remove
    then (it was down: that is why the write failed). The beat job bestanden-opruimen removes it
    once the storage answers again (klachten.services.verweesde_bestanden_opruimen)."""

    naam = models.CharField(_("bestand"), max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    pogingen = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("verweesd bestand")
        verbose_name_plural = _("verweesde bestanden")

    def __str__(self):
        return self.naam


def berichtsoort_keuzes() -> list[tuple[str, str]]:
    """The choices of Bericht.soort and Berichtsjabloon.soort: every kind of message the apps
    declared to the outbox (klachten.berichten.soorten). Imported when asked, after the apps are
    ready: the outbox imports these models."""
    from klachten import berichten

    return berichten.soort_keuzes()


class BerichtStatus(models.TextChoices):
    WACHTEND = "wachtend", _("Wacht op verzending")
    VERZONDEN = "verzonden", _("Verzonden")
    # Never sent, on purpose: the customer's data was erased while it waited (klachten.avg).
    MISLUKT = "mislukt", _("Niet verzonden")
    # The mail server refused it for good (a 5xx answer): a person must correct the address.
    ONBESTELBAAR = "onbestelbaar", _("Onbestelbaar")
    # A letter (Bericht.per_post) in the print tray: sent (verzonden) once printed.
    TE_PRINTEN = "te_printen", _("Te printen")


class Bericht(models.Model):
    """A message to the customer (or a notice to staff), sent through the outbox; about a
    complaint it is kept on the dossier. Survey invitations have no complaint."""

    klacht = models.ForeignKey(
        Klacht, on_delete=models.CASCADE, related_name="berichten", null=True, blank=True
    )
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="+")
    soort = models.CharField(_("soort"), max_length=40, choices=berichtsoort_keuzes)
    # Empty for a letter: it goes to the complaint's postal address.
    aan = models.EmailField(_("aan"), max_length=254, blank=True)
    onderwerp = models.CharField(_("onderwerp"), max_length=255)
    tekst = models.TextField(_("tekst"))
    # Set while subject and text are still to be composed, in this language: the automatic
    # acknowledgement is composed by the worker just before it is sent, not in the request that
    # filed the complaint (issue 20; klachten.berichten.uitgesteld). Empty once composed.
    samenstellen_in = models.CharField(_("samen te stellen in"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BerichtStatus.choices, default=BerichtStatus.WACHTEND
    )
    # A letter by post (Klacht.per_post): it waits in the print tray (te_printen) and counts as
    # sent on the day it is printed (verzonden_op); never sent by SMTP.
    per_post = models.BooleanField(_("per post"), default=False)
    pogingen = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    # After a temporary failure (berichten.afleverfout_indelen): not tried again before this.
    volgende_poging_op = models.DateTimeField(_("volgende poging op"), null=True, blank=True)
    # An undeliverable message sent again (to a corrected address) lives on as this copy.
    opnieuw_verstuurd_als = models.OneToOneField(
        "self",
        verbose_name=_("opnieuw verstuurd als"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opnieuw_verstuurd_van",
    )
    # A reply in the customer's e-mail thread (issue 17): the Message-ID of the customer's message
    # it answers and that message's references, sent as In-Reply-To and References.
    in_reply_to = models.CharField(_("antwoord op (Message-ID)"), max_length=998, blank=True)
    references = models.TextField(_("referenties (Message-ID's)"), blank=True)
    # A notice of the deadline watch: the signal it belongs to (bewaking).
    termijnsignaal = models.ForeignKey(
        "Termijnsignaal",
        verbose_name=_("termijnsignaal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="berichten",
    )
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    verstuurd_door = models.ForeignKey(
        Medewerker, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A message to a customer on social media (Klacht.per_sociaal, issue 21): delivered by a
    # signed POST to this connection's outgoing webhook instead of SMTP (klachten.sociaal);
    # in_reply_to then holds the id of the post it answers.
    socialekoppeling = models.ForeignKey(
        "Socialekoppeling",
        verbose_name=_("sociale-mediakoppeling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # One attachment that goes with the e-mail (a report's PDF); stored outside the web root.
    bijlage = models.FileField(_("bijlage"), upload_to="berichten/%Y/%m/", blank=True)
    bijlage_naam = models.CharField(_("naam van de bijlage"), max_length=255, blank=True)
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
            # The print tray (berichten.brieven): the letters waiting, per label.
            models.Index(
                fields=["label", "created_at"],
                condition=Q(status="te_printen"),
                name="bericht_te_printen_idx",
            ),
            # The work queue's marker and filter "bericht niet bezorgd" (selectors.NIET_BEZORGD).
            models.Index(
                fields=["klacht"],
                condition=Q(status="onbestelbaar", opnieuw_verstuurd_als__isnull=True),
                name="bericht_onbestelbaar_idx",
            ),
        ]

    def __str__(self):
        return f"{self.klacht} - {self.get_soort_display()}"


class Berichtsjabloon(models.Model):
    """The standard text of a kind of message, per language; editable by the beheerder.

    Django template syntax, filled with the complaint's data. The text is the message's body
    (romp) only: the salutation, the next-step paragraph, the signature and the footer are added
    around it from the data (klachten.berichten.samenstellen), and the handler's free text goes
    where the body says {{ vrije_tekst }}; `vrije_tekst` here is the suggestion the handler's
    editor starts with. A body may not ask for a fact the form asks ([oordeel], [nieuwe datum]).
    """

    soort = models.CharField(_("soort"), max_length=40, choices=berichtsoort_keuzes)
    taal = models.CharField(_("taal"), max_length=10, default="nl")
    onderwerp = models.CharField(_("onderwerp"), max_length=255)
    tekst = models.TextField(_("tekst"))
    eenvoudige_taal = models.BooleanField(
        _("eenvoudige taal"),
        default=False,
        help_text=_("Een versie in eenvoudige woorden (B1), voorgesteld bij kwetsbare klanten."),
    )
    vrije_tekst = models.TextField(
        _("voorstel voor de vrije tekst"),
        blank=True,
        help_text=_(
            "Waarmee het tekstvak van de behandelaar begint; tekst tussen [haken] moet de "
            "behandelaar invullen. Komt in het bericht op de plek van {{ vrije_tekst }}."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConfiguratieQuerySet.as_manager()

    class Meta:
        verbose_name = _("berichtsjabloon")
        verbose_name_plural = _("berichtsjablonen")
        ordering = ["soort", "taal"]
        constraints = [
            models.UniqueConstraint(
                fields=["soort", "taal", "eenvoudige_taal"], name="berichtsjabloon_uniek"
            ),
        ]

    def __str__(self):
        return f"{self.get_soort_display()} ({self.taal})"


class TermijnwijzigingSoort(models.TextChoices):
    OPSCHORTING = "opschorting", _("Opschorting")
    VERLENGING = "verlenging", _("Verlenging")


class Termijnwijziging(models.Model):
    """A suspension or extension of the answer term, with its reason (DESIGN.md section 4)."""

    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="termijnwijzigingen")
    soort = models.CharField(_("soort"), max_length=20, choices=TermijnwijzigingSoort.choices)
    reden = models.TextField(_("reden"))
    oude_datum = models.DateField(_("oude datum"), null=True)
    nieuwe_datum = models.DateField(_("nieuwe datum"))
    door = models.ForeignKey(Medewerker, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("termijnwijziging")
        verbose_name_plural = _("termijnwijzigingen")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.klacht} {self.get_soort_display()} {self.nieuwe_datum}"


class Uitkomst(models.TextChoices):
    LOPEND = "lopend", _("Loopt nog")
    GEGROND = "gegrond", _("Gegrond")
    DEELS_GEGROND = "deels_gegrond", _("Deels gegrond")
    ONGEGROND = "ongegrond", _("Ongegrond")
    SCHIKKING = "schikking", _("Schikking")
    INGETROKKEN = "ingetrokken", _("Ingetrokken")
    NIET_ONTVANKELIJK = "niet_ontvankelijk", _("Niet ontvankelijk")


class ExterneProcedure(models.Model):
    """The case at an external body or court: filed on, outcome, decided on."""

    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="externe_procedures")
    instantie = models.ForeignKey(
        ExterneInstantie, verbose_name=_("instantie"), on_delete=models.PROTECT
    )
    ingediend_datum = models.DateField(_("ingediend op"))
    uitkomst = models.CharField(
        _("uitkomst"), max_length=20, choices=Uitkomst.choices, default=Uitkomst.LOPEND
    )
    beslist_datum = models.DateField(_("beslist op"), null=True, blank=True)
    toelichting = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("externe procedure")
        verbose_name_plural = _("externe procedures")
        ordering = ["ingediend_datum"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uitkomst="lopend") | Q(beslist_datum__isnull=False),
                name="externe_procedure_beslist_met_datum",
            ),
        ]

    def __str__(self):
        return f"{self.klacht} - {self.instantie}"


class Termijnafloop(models.Model):
    """How a running deadline ended: met on or before its date, or late. Written by the workflow
    (services._actie) when a deadline stops running or moves because it was met; an answer term
    that is suspended or extended is not met, it moves (Termijnwijziging). The reports count
    these (rapportage: deadlines on time).

    A deadline met by an action that sends the customer a message rests on that message
    (`bericht`): when it turns out undeliverable (onbestelbaar) the deadline was not met after
    all (`onbestelbaar_op` set, op_tijd false) and runs again as the complaint's "bezorging"
    deadline, with its own date, until a copy is sent again (services.bericht_opnieuw_versturen).
    """

    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="termijnaflopen")
    termijn = models.CharField(_("termijn"), max_length=30, choices=TermijnSoort.choices)
    uiterlijk_datum = models.DateField(_("uiterlijk"))
    afgerond_op = models.DateTimeField(_("afgerond op"))
    op_tijd = models.BooleanField(_("op tijd"))
    bericht = models.ForeignKey(
        Bericht,
        verbose_name=_("bericht"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="termijnaflopen",
    )
    # The message is a letter still in the print tray: the deadline is not met until it is
    # printed (berichten.brieven_geprint), and runs as the bezorging deadline meanwhile.
    te_printen_sinds = models.DateTimeField(_("brief te printen sinds"), null=True, blank=True)
    onbestelbaar_op = models.DateTimeField(
        _("bericht onbestelbaar sinds"),
        null=True,
        blank=True,
        help_text=_(
            "Het bericht kwam niet aan: de termijn loopt weer tot het opnieuw is verstuurd."
        ),
    )
    # The complaint's label and afdeling (ids; afdeling None while it has none), kept by database
    # triggers (TERMIJNAFLOOP_GROEP_TRIGGERS, migration 0037) on every write of this row and every
    # change of the complaint's label or afdeling, whatever writes them: the month report counts
    # the deadlines of a month per label and afdeling from one index, without looking up each
    # complaint (issue 20). Not for the application to write.
    label_sleutel = models.BigIntegerField(_("label"), null=True, editable=False)
    afdeling_sleutel = models.BigIntegerField(_("afdeling"), null=True, editable=False)

    class Meta:
        verbose_name = _("afgeronde termijn")
        verbose_name_plural = _("afgeronde termijnen")
        ordering = ["uiterlijk_datum", "id"]
        indexes = [
            # The month report: the deadlines that fell due in a month, per label and afdeling,
            # read from the index alone.
            models.Index(
                fields=["termijn", "uiterlijk_datum"],
                include=[
                    "label_sleutel",
                    "afdeling_sleutel",
                    "op_tijd",
                    "onbestelbaar_op",
                    "te_printen_sinds",
                ],
                name="termijnafloop_per_datum_groep",
            )
        ]

    def __str__(self):
        return f"{self.klacht_id} {self.termijn} {self.uiterlijk_datum}"


class Leermoment(models.Model):
    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="leermomenten")
    omschrijving = models.TextField(_("omschrijving"))
    door = models.ForeignKey(Medewerker, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("leermoment")
        verbose_name_plural = _("leermomenten")
        ordering = ["-created_at"]

    def __str__(self):
        return self.omschrijving[:60]


class VerbeterpuntStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_UITVOERING = "in_uitvoering", _("In uitvoering")
    GEREED = "gereed", _("Gereed")
    VERVALLEN = "vervallen", _("Vervallen")


class Verbeterpunt(models.Model):
    """An improvement action, followed up until done (DESIGN.md section 4, step 8)."""

    klacht = models.ForeignKey(
        Klacht,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verbeterpunten",
        verbose_name=_("klacht"),
    )
    omschrijving = models.TextField(_("omschrijving"))
    eigenaar = models.ForeignKey(
        Medewerker, verbose_name=_("eigenaar"), on_delete=models.PROTECT, related_name="+"
    )
    streefdatum = models.DateField(_("streefdatum"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VerbeterpuntStatus.choices,
        default=VerbeterpuntStatus.OPEN,
    )
    gereed_op = models.DateTimeField(_("gereed op"), null=True, blank=True)
    aangemaakt_door = models.ForeignKey(Medewerker, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verbeterpunt")
        verbose_name_plural = _("verbeterpunten")
        ordering = ["streefdatum", "id"]
        indexes = [models.Index(fields=["status", "streefdatum"])]

    def __str__(self):
        return self.omschrijving[:60]

    @property
    def is_over_datum(self) -> bool:
        """Still to do and past its due date."""
        open_ = self.status in (VerbeterpuntStatus.OPEN, VerbeterpuntStatus.IN_UITVOERING)
        return open_ and self.streefdatum < kalender.vandaag()


class Termijn(models.Model):
    """A deadline rule as data (DESIGN.md section 5): its length in calendar or working days, the
    country whose public holidays count, and how many days ahead the behandelaar is reminded."""

    soort = models.CharField(_("soort"), max_length=30, choices=TermijnSoort.choices, unique=True)
    dagen = models.PositiveSmallIntegerField(_("dagen"))
    werkdagen = models.BooleanField(
        _("werkdagen"),
        default=False,
        help_text=_("Tel werkdagen (zonder weekend en feestdagen) in plaats van kalenderdagen."),
    )
    land = models.CharField(
        _("feestdagen van"), max_length=2, choices=Land.choices, default=Land.NL
    )
    herinnering_dagen_vooraf = models.PositiveSmallIntegerField(
        _("herinnering (dagen vooraf)"), default=2
    )
    automatisch = models.BooleanField(
        _("automatisch"),
        default=True,
        help_text=_(
            "Statusupdate: stuur de klant de standaard statusupdate als de termijn verstrijkt."
        ),
    )
    verlenging_max_dagen = models.PositiveSmallIntegerField(
        _("langste verlenging (dagen)"),
        null=True,
        blank=True,
        help_text=_(
            "Antwoord en heroverweging: met hoeveel dagen (in de eenheid van deze termijn) de "
            "termijn ten hoogste verlengd mag worden. Standaard voor het antwoord 28: 6 weken, "
            "eenmaal te verlengen met ten hoogste 4 weken, dus 10 weken na ontvangst. Een "
            "opschorting schuift die grens op met haar duur. Een latere nieuwe datum geeft de "
            "behandelaar een waarschuwing. Leeg: geen grens."
        ),
    )

    objects = ConfiguratieQuerySet.as_manager()

    class Meta:
        verbose_name = _("termijn")
        verbose_name_plural = _("termijnen")
        ordering = ["soort"]
        constraints = [
            models.CheckConstraint(condition=Q(dagen__gte=1), name="termijn_minstens_een_dag"),
        ]

    def __str__(self):
        eenheid = _("werkdagen") if self.werkdagen else _("dagen")
        return f"{self.get_soort_display()}: {self.dagen} {eenheid}"

    @property
    def regel(self) -> TermijnRegel:
        return TermijnRegel(
            dagen=self.dagen,
            werkdagen=self.werkdagen,
            land=self.land,
            verlenging_max=self.verlenging_max_dagen,
        )


class SignaalSoort(models.TextChoices):
    HERINNERING = "herinnering", _("Herinnering aan de behandelaar")
    ESCALATIE = "escalatie", _("Escalatie naar de teamleider")
    STATUSUPDATE = "statusupdate", _("Automatische statusupdate")
    KIFID_ALARM = "kifid_alarm", _("Kifid-alarm")


class Termijnsignaal(models.Model):
    """A reminder, escalation, automatic statusupdate or alarm that the deadline watch sent.

    Unique per complaint, kind, deadline and due date: running a job twice sends nothing twice,
    and a moved deadline (a new date) can be signalled again.
    """

    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="termijnsignalen")
    soort = models.CharField(_("soort"), max_length=20, choices=SignaalSoort.choices)
    termijn = models.CharField(_("termijn"), max_length=30, choices=TermijnSoort.choices)
    datum = models.DateField(_("uiterste datum"))
    # Written with its notices; whether they arrived is theirs to say (Bericht.termijnsignaal).
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("termijnsignaal")
        verbose_name_plural = _("termijnsignalen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["klacht", "soort", "termijn", "datum"], name="termijnsignaal_eenmalig"
            ),
        ]

    def __str__(self):
        return f"{self.klacht} {self.get_soort_display()} {self.get_termijn_display()} {self.datum}"


class Statusaantal(models.Model):
    """How many complaints each afdeling has in each state, kept by a database trigger on every
    insert, delete and change of status or afdeling (migration 0015), whatever writes it: the
    work queue's tab counts read a few of these rows instead of counting an archive of years.
    `afdeling_sleutel` is the afdeling's id, 0 for complaints without one."""

    afdeling_sleutel = models.BigIntegerField(_("afdeling"))
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    aantal = models.BigIntegerField(_("aantal"), default=0)

    class Meta:
        verbose_name = _("aantal per status")
        verbose_name_plural = _("aantallen per status")
        constraints = [
            models.UniqueConstraint(
                fields=["afdeling_sleutel", "status"], name="statusaantal_uniek"
            ),
        ]

    def __str__(self):
        return f"{self.afdeling_sleutel} {self.status}: {self.aantal}"


class InzageSoort(models.TextChoices):
    DOSSIER = "dossier", _("Dossier geopend")
    BIJLAGE = "bijlage", _("Bijlage gedownload")
    # Previewed in the dossier (PDF, images): served inline through the same checks (issue 19).
    BIJLAGE_BEKEKEN = "bijlage_bekeken", _("Bijlage bekeken")
    API = "api", _("Opgevraagd via de API")
    BEHEER = "beheer", _("Geopend in beheer")
    ORIGINEEL = "origineel", _("Origineel e-mailbericht geopend")
    BRIEF = "brief", _("Brief (PDF) geopend")


class Inzage(models.Model):
    """Who opened which dossier or attachment, and when (DESIGN.md section 10: every view of a
    dossier by staff is logged). Written by klachten.services.inzage_vastleggen, never changed;
    the beheerder searches it in the admin."""

    medewerker = models.ForeignKey(
        Medewerker, verbose_name=_("medewerker"), on_delete=models.PROTECT, related_name="+"
    )
    klacht = models.ForeignKey(
        Klacht, verbose_name=_("klacht"), on_delete=models.PROTECT, related_name="inzages"
    )
    soort = models.CharField(_("soort"), max_length=20, choices=InzageSoort.choices)
    bijlage = models.ForeignKey(
        Bijlage,
        verbose_name=_("bijlage"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bijlage_naam = models.CharField(_("bestandsnaam"), max_length=255, blank=True)
    ip_adres = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    op = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        verbose_name = _("inzage")
        verbose_name_plural = _("inzagelog")
        ordering = ["-op", "-id"]
        indexes = [
            models.Index(fields=["-op"], name="inzage_op"),
            models.Index(fields=["klacht", "-op"], name="inzage_klacht"),
            models.Index(fields=["medewerker", "-op"], name="inzage_medewerker"),
        ]

    def __str__(self):
        return f"{self.op:%Y-%m-%d %H:%M} {self.medewerker_id} {self.klacht_id}"


class AvgVerzoekSoort(models.TextChoices):
    INZAGE = "inzage", _("Inzage (alle gegevens uitgevoerd)")
    WISSEN = "wissen", _("Wissen (gegevens geanonimiseerd)")


class AvgVerzoek(models.Model):
    """A customer's request under the AVG (GDPR) for access or erasure, as the beheerder carried
    it out. The e-mail address itself is not kept (that would undo an erasure): a keyed hash, so
    a later search for the same address finds the request, and a masked form to read."""

    soort = models.CharField(_("soort"), max_length=20, choices=AvgVerzoekSoort.choices)
    email_hash = models.CharField(_("sleutel van het e-mailadres"), max_length=64, db_index=True)
    email_gemaskeerd = models.CharField(_("e-mailadres (gemaskeerd)"), max_length=254)
    aantallen = models.JSONField(_("aantallen"), default=dict)
    toelichting = models.TextField(_("toelichting"), blank=True)
    door = models.ForeignKey(
        Medewerker, verbose_name=_("uitgevoerd door"), on_delete=models.PROTECT, related_name="+"
    )
    op = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        verbose_name = _("AVG-verzoek")
        verbose_name_plural = _("AVG-verzoeken")
        ordering = ["-op", "-id"]

    def __str__(self):
        return f"{self.get_soort_display()} {self.email_gemaskeerd} {self.op:%Y-%m-%d}"


class TermijnEenheid(models.TextChoices):
    UREN = "uren", _("uur")
    WERKDAGEN = "werkdagen", _("werkdagen")
    KALENDERDAGEN = "kalenderdagen", _("dagen")


class Reactietermijn(models.Model):
    """The term within which a label promises its first reaction to a complaint that came in
    through a channel, as published on its klachtenprocedure page (Keurmerk Klantgericht
    Verzekeren: reaction terms per channel, published and measured)."""

    label = models.ForeignKey(
        Label, verbose_name=_("label"), on_delete=models.CASCADE, related_name="reactietermijnen"
    )
    kanaal = models.CharField(_("kanaal"), max_length=20, choices=Kanaal.choices)
    aantal = models.PositiveSmallIntegerField(_("aantal"))
    eenheid = models.CharField(
        _("eenheid"),
        max_length=20,
        choices=TermijnEenheid.choices,
        default=TermijnEenheid.WERKDAGEN,
    )

    class Meta:
        verbose_name = _("reactietermijn")
        verbose_name_plural = _("reactietermijnen")
        ordering = ["label", "kanaal"]
        constraints = [
            models.UniqueConstraint(fields=["label", "kanaal"], name="reactietermijn_uniek"),
            models.CheckConstraint(condition=Q(aantal__gte=1), name="reactietermijn_minstens_1"),
        ]

    def __str__(self):
        return (
            f"{self.label}: {self.get_kanaal_display()} {self.aantal} {self.get_eenheid_display()}"
        )


class KwetsbaarheidSoort(models.TextChoices):
    BETALINGSPROBLEMEN = "betalingsproblemen", _("Betalingsproblemen of schulden")
    LAAGGELETTERDHEID = "laaggeletterdheid", _("Laaggeletterdheid")
    MULTIPROBLEMATIEK = "multiproblematiek", _("Meerdere problemen tegelijk")
    MEDISCHE_URGENTIE = "medische_urgentie", _("Medische urgentie")


class Kwetsbaarheidssignaal(models.Model):
    """A sign that the customer is vulnerable (Keurmerk Klantgericht Verzekeren), recorded by a
    handler: seen only by staff who handle the complaint, never by the customer."""

    klacht = models.ForeignKey(
        Klacht, on_delete=models.CASCADE, related_name="kwetsbaarheidssignalen"
    )
    soort = models.CharField(_("signaal"), max_length=30, choices=KwetsbaarheidSoort.choices)
    toelichting = models.TextField(
        _("toelichting"), blank=True, validators=[MaxLengthValidator(OMSCHRIJVING_MAX)]
    )
    door = models.ForeignKey(Medewerker, on_delete=models.PROTECT, related_name="+")
    op = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    class Meta:
        verbose_name = _("kwetsbaarheidssignaal")
        verbose_name_plural = _("kwetsbaarheidssignalen")
        ordering = ["op", "id"]
        constraints = [
            models.UniqueConstraint(fields=["klacht", "soort"], name="kwetsbaarheidssignaal_uniek"),
        ]

    def __str__(self):
        return f"{self.klacht_id} {self.get_soort_display()}"


class DoorverwijzingUitkomst(models.TextChoices):
    LOPEND = "lopend", _("Loopt nog")
    GEHOLPEN = "geholpen", _("Klant is geholpen")
    NIET_GEHOLPEN = "niet_geholpen", _("Klant is niet geholpen")
    AFGESLAGEN = "afgeslagen", _("Klant wilde geen hulp")
    ONBEKEND = "onbekend", _("Onbekend")


class Doorverwijzing(models.Model):
    """A vulnerable customer referred to help outside the insurer (e.g. the municipality's debt
    counselling), with the date and, later, the outcome."""

    klacht = models.ForeignKey(Klacht, on_delete=models.CASCADE, related_name="doorverwijzingen")
    naar = models.CharField(_("doorverwezen naar"), max_length=200)
    datum = models.DateField(_("datum"))
    uitkomst = models.CharField(
        _("uitkomst"),
        max_length=20,
        choices=DoorverwijzingUitkomst.choices,
        default=DoorverwijzingUitkomst.LOPEND,
    )
    toelichting = models.TextField(
        _("toelichting"), blank=True, validators=[MaxLengthValidator(OMSCHRIJVING_MAX)]
    )
    door = models.ForeignKey(Medewerker, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("doorverwijzing")
        verbose_name_plural = _("doorverwijzingen")
        ordering = ["datum", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uitkomst__in=DoorverwijzingUitkomst.values),
                name="doorverwijzing_uitkomst_geldig",
            ),
        ]

    def __str__(self):
        return f"{self.klacht_id} → {self.naar} ({self.datum})"


class ApiSleutel(AbstractAPIKey):
    """An API key of a system account (role systeemkoppeling; issue 15, Access): stored as a
    SHA-512 hash by djangorestframework-api-key (a leaked database copy gives no working key),
    with an expiry, revoked or rotated by the beheerder (admin, `manage.py api_sleutel`). The
    last use is written at most once a minute (klachten.api.authenticatie)."""

    medewerker = models.ForeignKey(
        Medewerker,
        on_delete=models.CASCADE,
        related_name="api_sleutels",
        verbose_name=_("account"),
    )
    laatst_gebruikt_op = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self):
        return f"{self.name} ({self.prefix})"


class Koppellink(models.Model):
    """A one-time link through which a staff member links their authenticator app (issue 15,
    Access: the second factor from the first login). The beheerder hands it out; only its
    SHA-256 hash is stored; it works once, for 24 hours, after the account's own password."""

    medewerker = models.ForeignKey(Medewerker, on_delete=models.CASCADE, related_name="koppellinks")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    geldig_tot = models.DateTimeField(_("geldig tot"))
    gebruikt_op = models.DateTimeField(_("gebruikt op"), null=True, blank=True)
    aangemaakt_door = models.ForeignKey(
        Medewerker, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("koppellink")
        verbose_name_plural = _("koppellinks")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.medewerker} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_bruikbaar(self) -> bool:
        return self.gebruikt_op is None and self.geldig_tot > timezone.now()


class Limietteller(models.Model):
    """A rate-limit counter (klachten.caches.TellerCache, the cache django-ratelimit counts in):
    how often one client address used one public form in one window. In the database rather than
    in Redis, so the limit keeps limiting when Redis is down (issue 15). Rows past `verloopt_op`
    count as absent and are deleted by the nightly clean-up (inloggegevens-opruimen)."""

    sleutel = models.CharField(_("sleutel"), max_length=250, primary_key=True)
    aantal = models.BigIntegerField(_("aantal"))
    verloopt_op = models.DateTimeField(_("verloopt op"), null=True, db_index=True)

    class Meta:
        verbose_name = _("limietteller")
        verbose_name_plural = _("limiettellers")

    def __str__(self):
        return f"{self.sleutel}: {self.aantal}"


class Beveiliging(models.TextChoices):
    SSL = "ssl", _("TLS (IMAPS, meestal poort 993)")
    STARTTLS = "starttls", _("STARTTLS (meestal poort 143)")
    GEEN = "geen", _("Geen (alleen voor test en ontwikkeling)")


class Aanmelding(models.TextChoices):
    WACHTWOORD = "wachtwoord", _("Wachtwoord")
    OAUTH2 = "oauth2", _("OAuth2-token (XOAUTH2)")
    MICROSOFT365 = "microsoft365", _("Microsoft 365 (OAuth2, app-registratie)")
    GOOGLE = "google", _("Google Workspace (OAuth2, serviceaccount)")


class Mailbox(models.Model):
    """A label's complaints mailbox, read over IMAP (DESIGN.md section 12; issue 17). The secret
    is never in the database: `geheim_variabele` names the environment variable that holds the
    password or the OAuth2 access token, or the Microsoft 365 / Google Workspace token source's
    secret (and, after it, the source's other variables: klachten.berichten.inkomend.tokens; the
    help text names them for the beheerder). Reading is incremental: `uidvalidity` and
    `laatste_uid` are where the last run stopped (klachten.berichten.inkomend.imap)."""

    label = models.ForeignKey(
        Label, verbose_name=_("label"), on_delete=models.PROTECT, related_name="mailboxen"
    )
    adres = models.EmailField(_("e-mailadres"), unique=True)
    imap_host = models.CharField(_("IMAP-server"), max_length=255, blank=True)
    imap_poort = models.PositiveIntegerField(_("IMAP-poort"), default=993)
    beveiliging = models.CharField(
        _("beveiliging"), max_length=10, choices=Beveiliging.choices, default=Beveiliging.SSL
    )
    gebruiker = models.CharField(_("gebruikersnaam"), max_length=255, blank=True)
    aanmelding = models.CharField(
        _("aanmelding"), max_length=20, choices=Aanmelding.choices, default=Aanmelding.WACHTWOORD
    )
    geheim_variabele = models.CharField(
        _("omgevingsvariabele met het geheim"),
        max_length=100,
        blank=True,
        validators=[RegexValidator(r"^[A-Z_][A-Z0-9_]*$", _("Bijvoorbeeld MAILBOX_WACHTWOORD."))],
        help_text=_(
            "De naam van de omgevingsvariabele met het geheim; het geheim zelf staat nooit in de "
            "database. Per aanmelding: Wachtwoord: het wachtwoord van de mailbox. OAuth2-token: "
            "een geldig toegangstoken (door een ander programma vernieuwd). Microsoft 365: het "
            "clientgeheim van de app-registratie; daarnaast dezelfde naam met _CLIENT_ID "
            "(application (client) id), _TENANT (directory (tenant) id) en eventueel _AUTHORITY "
            "erachter. "
            "Google Workspace: de JSON-sleutel van het serviceaccount, of het pad naar het "
            "sleutelbestand. Zie de README, E-mail channel."
        ),
    )
    map = models.CharField(_("map"), max_length=255, default="INBOX")
    actief = models.BooleanField(_("actief"), default=True)
    gelezen_op = models.DateTimeField(_("laatst gelezen op"), null=True, blank=True)
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    laatste_fout_op = models.DateTimeField(_("laatste fout op"), null=True, blank=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    laatste_uid = models.BigIntegerField(_("laatste UID"), default=0, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxen")
        ordering = ["adres"]

    def __str__(self):
        return self.adres


class InkomendStatus(models.TextChoices):
    NIEUW = "nieuw", _("Nieuw")
    VERWERKT = "verwerkt", _("Verwerkt")
    QUARANTAINE = "quarantaine", _("Quarantaine")
    GENEGEERD = "genegeerd", _("Genegeerd")


class InkomendSoort(models.TextChoices):
    """What a processed message turned out to be."""

    NIEUWE_KLACHT = "nieuwe_klacht", _("Nieuwe klacht")
    ANTWOORD = "antwoord", _("Bericht van de klant")
    AUTOMATISCH = "automatisch", _("Automatisch antwoord")
    ONBESTELBAAR = "onbestelbaar", _("Onbestelbaarmelding")
    OVERIG = "overig", _("Overig")


def inkomend_pad(instance: "InkomendBericht", filename: str) -> str:
    return f"inkomend/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.eml"


class InkomendBericht(models.Model):
    """One e-mail as it arrived, stored before it is processed (nothing lost, nothing twice):
    the raw message in the attachment storage (outside the web root), keyed by the SHA-256 of its
    bytes (line endings normalised), so the same message read twice is one row. Processing
    (klachten.berichten.inkomend) turns it into a complaint, a customer message on a dossier, a
    bounce, or leaves it ignored or in quarantine with the reason."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="berichten"
    )
    bestand = models.FileField(_("origineel bericht"), upload_to=inkomend_pad, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    grootte = models.PositiveBigIntegerField(_("grootte (bytes)"))
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    imap_uid = models.BigIntegerField(_("IMAP-UID"), null=True, blank=True)
    afzender = models.CharField(_("van"), max_length=998, blank=True)
    # The sender's bare address in lower case: the limit per sender counts by it.
    afzender_adres = models.CharField(_("adres van de afzender"), max_length=254, blank=True)
    aan = models.TextField(_("aan"), blank=True)
    onderwerp = models.TextField(_("onderwerp"), blank=True)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InkomendStatus.choices,
        default=InkomendStatus.NIEUW,
    )
    soort = models.CharField(_("soort"), max_length=20, choices=InkomendSoort.choices, blank=True)
    reden = models.TextField(_("reden"), blank=True)
    klacht = models.ForeignKey(
        Klacht,
        verbose_name=_("klacht"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inkomende_berichten",
    )
    gebeurtenis = models.ForeignKey(
        Gebeurtenis,
        verbose_name=_("gebeurtenis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A bounce: the outgoing message it reports as undelivered.
    bericht = models.ForeignKey(
        Bericht,
        verbose_name=_("bericht"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    verwerkt_op = models.DateTimeField(_("verwerkt op"), null=True, blank=True)
    # Released from quarantine by the beheerder: processed again past the noise filters.
    vrijgegeven_door = models.ForeignKey(
        Medewerker,
        verbose_name=_("vrijgegeven door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    vrijgegeven_op = models.DateTimeField(_("vrijgegeven op"), null=True, blank=True)

    class Meta:
        verbose_name = _("inkomend bericht")
        verbose_name_plural = _("inkomende berichten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InkomendStatus.values), name="inkomend_status_geldig"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(status="nieuw"), name="inkomend_nieuw_idx"
            ),
            models.Index(fields=["afzender_adres", "created_at"], name="inkomend_afzender_idx"),
        ]

    def __str__(self):
        return f"{self.afzender_adres or '-'}: {self.onderwerp[:60]}"


class Weergave(models.Model):
    """A saved view of the work queue (issue 19): its filters and sort as a query string, named
    by its owner; with an afdeling, a teamleider's view shared with that afdeling's team."""

    naam = models.CharField(_("naam"), max_length=80)
    eigenaar = models.ForeignKey(
        Medewerker, verbose_name=_("eigenaar"), on_delete=models.CASCADE, related_name="weergaven"
    )
    afdeling = models.ForeignKey(
        Afdeling,
        verbose_name=_("gedeeld met afdeling"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # Only the queue's own filter and sort parameters (klachten.views.werkvoorraad).
    query = models.CharField(_("filters en sortering"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("weergave")
        verbose_name_plural = _("weergaven")
        ordering = ["naam", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["eigenaar", "naam"], name="weergave_naam_per_eigenaar")
        ]

    def __str__(self):
        return self.naam


class Triage(models.Model):
    """The beheerder's settings of the triage suggestion (issue 22): one row. Below `drempel`
    (the accuracy on held-out complaints, in %) the handler sees no suggestion."""

    drempel = models.PositiveSmallIntegerField(
        _("minimale nauwkeurigheid (%)"),
        default=70,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Het voorstel verschijnt alleen als het model van vannacht op achtergehouden "
            "klachten minstens zo vaak de juiste categorie en afdeling koos."
        ),
    )
    actief = models.BooleanField(
        _("voorstel tonen"),
        default=True,
        help_text=_("Uit: geen voorstel, ook niet boven de drempel (het model traint wel)."),
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("triage-instelling")
        verbose_name_plural = _("triage-instellingen")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="triage_een_rij")]

    def __str__(self):
        return str(_("Triagevoorstel"))

    @classmethod
    def huidige(cls) -> "Triage":
        return cls.objects.get_or_create(pk=1)[0]


class Triagemodel(models.Model):
    """The text classifier of one night (klachten.triage): trained on this installation's own
    closed, not anonymised complaints; its accuracy measured on the newest fifth held out."""

    datum = models.DateField(_("nacht van"), unique=True)
    getraind_op = models.DateTimeField(_("getraind op"))
    # The fitted pipelines (pickled), empty when there were too few complaints to train on.
    model = models.BinaryField(_("model"), null=True, editable=False)
    aantal_training = models.PositiveIntegerField(_("klachten getraind"), default=0)
    aantal_toets = models.PositiveIntegerField(_("klachten achtergehouden"), default=0)
    nauwkeurigheid_categorie = models.DecimalField(
        _("nauwkeurigheid categorie (%)"), max_digits=4, decimal_places=1, null=True
    )
    nauwkeurigheid_afdeling = models.DecimalField(
        _("nauwkeurigheid afdeling (%)"), max_digits=4, decimal_places=1, null=True
    )
    opmerking = models.TextField(_("opmerking"), blank=True)

    class Meta:
        verbose_name = _("triagemodel")
        verbose_name_plural = _("triagemodellen")
        ordering = ["-datum"]

    def __str__(self):
        return f"{self.datum:%Y-%m-%d}"

    @property
    def nauwkeurigheid(self):
        """The lower of the two accuracies: the suggestion is as good as its weaker half."""
        waarden = [self.nauwkeurigheid_categorie, self.nauwkeurigheid_afdeling]
        return None if None in waarden else min(waarden)


class Triagesuggestie(models.Model):
    """The suggestion the handler saw on the classify action, and whether they took it (what
    they chose is the complaint's categorie and afdeling). No words of the text are kept."""

    klacht = models.OneToOneField(Klacht, on_delete=models.CASCADE, related_name="triagesuggestie")
    triagemodel = models.ForeignKey(
        Triagemodel, on_delete=models.SET_NULL, null=True, related_name="suggesties"
    )
    categorie = models.ForeignKey(Categorie, on_delete=models.PROTECT, related_name="+")
    afdeling = models.ForeignKey(Afdeling, on_delete=models.PROTECT, related_name="+")
    getoond_op = models.DateTimeField(_("getoond op"), default=timezone.now)
    overgenomen = models.BooleanField(_("overgenomen"), null=True)
    beslist_op = models.DateTimeField(_("beslist op"), null=True, blank=True)

    class Meta:
        verbose_name = _("triagesuggestie")
        verbose_name_plural = _("triagesuggesties")

    def __str__(self):
        return f"{self.klacht_id}: {self.categorie_id}/{self.afdeling_id}"


PUBLIEKE_UITNODIGING = _(
    "Vervelend dat u niet tevreden bent. We helpen u graag verder: stuurt u ons een privébericht? "
    "Dan bekijken we het samen."
)


class Socialekoppeling(models.Model):
    """A label's monitoring tool for social media (issue 21, "Social media as a channel"): it
    posts what it finds to our webhook (/api/v1/sociaal/<sleutel>/), signed with HMAC-SHA256 and
    the shared secret, and takes our replies on its outgoing webhook, signed with that one's
    secret (klachten.sociaal). Both secrets are stored encrypted (Fernet, a key derived from
    SECRET_KEY: a copy of the database alone does not give them); the shared secret is shown once,
    when the connection is made, and never again (like an API key)."""

    naam = models.CharField(_("naam"), max_length=100)
    label = models.ForeignKey(
        Label, verbose_name=_("label"), on_delete=models.PROTECT, related_name="socialekoppelingen"
    )
    # The webhook's address names the connection by this, never by its row id.
    sleutel = models.UUIDField(_("kenmerk"), default=uuid.uuid4, unique=True, editable=False)
    geheim = models.TextField(_("gedeeld geheim (versleuteld)"), editable=False)
    uitgaand_url = models.URLField(
        _("uitgaande webhook"),
        max_length=500,
        blank=True,
        help_text=_("Het adres waar de monitoringtool onze antwoorden ontvangt (https)."),
    )
    uitgaand_geheim = models.TextField(
        _("geheim van de uitgaande webhook (versleuteld)"), blank=True, editable=False
    )
    publieke_uitnodiging = models.TextField(
        _("uitnodiging bij een openbaar bericht"),
        max_length=1000,
        default=PUBLIEKE_UITNODIGING,
        help_text=_(
            "Op een openbaar bericht antwoorden we openbaar alleen met deze tekst: een uitnodiging "
            "om privé verder te gaan. Nooit persoonsgegevens of gezondheidsgegevens."
        ),
    )
    actief = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("sociale-mediakoppeling")
        verbose_name_plural = _("sociale-mediakoppelingen")
        ordering = ["label", "naam"]

    def __str__(self):
        return f"{self.naam} ({self.label})"


class SociaalBericht(models.Model):
    """One event from the monitoring tool (a post, a mention, a direct message), stored with the
    body as it came in the same transaction as the complaint or customer message it became
    (klachten.sociaal: all or nothing). Its id is remembered per connection (the unique
    constraint): the same event sent again is refused as a replay."""

    koppeling = models.ForeignKey(
        Socialekoppeling,
        verbose_name=_("koppeling"),
        on_delete=models.PROTECT,
        related_name="berichten",
    )
    extern_id = models.CharField(_("kenmerk bij de tool"), max_length=200)
    platform = models.CharField(_("platform"), max_length=30)
    # The handle without "@", in lower case: the same author on the same platform threads.
    auteur = models.CharField(_("auteur"), max_length=100)
    auteur_naam = models.CharField(_("weergavenaam"), max_length=200, blank=True)
    tekst = models.TextField(_("tekst"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    geplaatst_op = models.DateTimeField(_("geplaatst op"))
    openbaar = models.BooleanField(_("openbaar"))
    antwoord_op = models.CharField(_("antwoord op (kenmerk)"), max_length=200, blank=True)
    ruw = models.TextField(_("ontvangen bericht (JSON)"))
    soort = models.CharField(_("soort"), max_length=20, choices=InkomendSoort.choices)
    klacht = models.ForeignKey(
        Klacht,
        verbose_name=_("klacht"),
        on_delete=models.CASCADE,
        related_name="sociale_berichten",
    )
    gebeurtenis = models.ForeignKey(
        Gebeurtenis,
        verbose_name=_("gebeurtenis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)

    class Meta:
        verbose_name = _("sociaal bericht")
        verbose_name_plural = _("sociale berichten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["koppeling", "extern_id"], name="sociaal_bericht_eenmaal"
            ),
        ]
        indexes = [
            models.Index(fields=["platform", "auteur", "created_at"], name="sociaal_auteur_idx"),
        ]

    def __str__(self):
        return f"{self.platform}:@{self.auteur} ({self.extern_id})"
