"""Customer satisfaction (DESIGN.md section 6): contact moments, survey invitations, responses,
follow-ups of low scores and the published kwartaalcijfer."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klachten import kalender
from klachten.models import (
    Afdeling,
    Bericht,
    Klacht,
    Label,
    Medewerker,
    Productgroep,
    Vertaalbaar,
)


class ContactmomentSoort(models.TextChoices):
    VERZEKERING_AFGESLOTEN = "verzekering_afgesloten", _("Verzekering afgesloten")
    VRAAG_KLANTENSERVICE = "vraag_klantenservice", _("Vraag aan de klantenservice")
    SCHADE_GEMELD = "schade_gemeld", _("Schade of declaratie gemeld")
    GEGEVENS_GEWIJZIGD = "gegevens_gewijzigd", _("Gegevens gewijzigd")
    OPZEGGING = "opzegging", _("Opzegging")
    KLACHT_AFGEHANDELD = "klacht_afgehandeld", _("Klacht afgehandeld")
    KLACHT_AFGEWEZEN = "klacht_afgewezen", _("Klacht afgewezen")
    JAARONDERZOEK = "jaaronderzoek", _("Jaarlijks klantonderzoek")


class Enquetegroep(models.TextChoices):
    """Who was asked: after a contact moment, or one of the groups of the yearly survey."""

    CONTACTMOMENT = "contactmoment", _("Na een contactmoment")
    TOTALE_KLANT = "totale_klant", _("Totale klant")
    NIEUWE_KLANT = "nieuwe_klant", _("Nieuwe klant")
    CLAIMENDE_KLANT = "claimende_klant", _("Claimende klant")
    NIET_CLAIMENDE_KLANT = "niet_claimende_klant", _("Niet-claimende klant")


class Bron(models.TextChoices):
    WORKFLOW = "workflow", _("Klachtafhandeling")
    API = "api", _("Koppeling (API)")
    IMPORT = "import", _("Import")
    EXTERN = "extern", _("Extern onderzoeksbureau")


class Enquete(models.Model):
    """The survey after one kind of contact moment, as data (admin)."""

    soort = models.CharField(
        _("soort contactmoment"), max_length=40, choices=ContactmomentSoort.choices, unique=True
    )
    uitnodigen = models.BooleanField(
        _("uitnodigen"), default=True, help_text=_("Na dit soort contactmoment een enquête sturen.")
    )
    nps_vragen = models.BooleanField(
        _("aanbevelingsvraag (NPS)"),
        default=True,
        help_text=_("Ook vragen hoe waarschijnlijk het is dat de klant ons aanbeveelt (0-10)."),
    )
    vertraging_dagen = models.PositiveSmallIntegerField(
        _("dagen na het contactmoment"),
        default=1,
        validators=[MaxValueValidator(60)],
        help_text=_("0 = dezelfde dag, 1 = de volgende ochtend."),
    )
    verzendtijd = models.TimeField(_("verzendtijd"), default=dt.time(9, 0))
    geldig_dagen = models.PositiveSmallIntegerField(
        _("link geldig (dagen)"), default=30, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("enquête")
        verbose_name_plural = _("enquêtes")
        ordering = ["soort"]

    def __str__(self):
        return self.get_soort_display()


class Campagne(models.Model):
    """A yearly survey among the groups of customers: an imported list, labelled per group."""

    naam = models.CharField(_("naam"), max_length=100, unique=True)
    label = models.ForeignKey(Label, on_delete=models.PROTECT, verbose_name=_("label"))
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.naam


class VraagSoort(models.TextChoices):
    BEOORDELING = "beoordeling", _("Beoordeling (1-10)")
    OPEN = "open", _("Open vraag")


class Campagnevraag(Vertaalbaar):
    """A question of a campaign's own set (issue 22; ARAG asks the three customer groups about the
    drivers: the product, the service, the communication), asked after the rapportcijfer and the
    NPS question that every survey asks: a rating 1-10 (a driver, e.g. "Product") or an open
    question. The beheerder defines them per campaign; the campaign report correlates each rating
    with the rapportcijfer (klanttevredenheid.cijfers.drijfveren)."""

    VERTAALD = ("tekst",)

    campagne = models.ForeignKey(
        Campagne, on_delete=models.CASCADE, related_name="vragen", verbose_name=_("campagne")
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    soort = models.CharField(
        _("soort"), max_length=20, choices=VraagSoort.choices, default=VraagSoort.BEOORDELING
    )
    drijfveer = models.CharField(
        _("drijfveer"),
        max_length=60,
        help_text=_("Korte naam in het rapport, bijvoorbeeld Product, Service of Communicatie."),
    )
    tekst = models.CharField(_("vraag"), max_length=300)
    tekst_en = models.CharField(_("vraag (Engels)"), max_length=300, blank=True)
    tekst_fr = models.CharField(_("vraag (Frans)"), max_length=300, blank=True)
    verplicht = models.BooleanField(_("verplicht"), default=False)

    class Meta:
        verbose_name = _("campagnevraag")
        verbose_name_plural = _("campagnevragen")
        ordering = ["campagne", "volgorde", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(soort__in=VraagSoort.values), name="campagnevraag_soort_geldig"
            ),
            models.UniqueConstraint(
                fields=["campagne", "drijfveer"], name="campagnevraag_drijfveer_eenmaal"
            ),
        ]

    def __str__(self):
        return f"{self.campagne}: {self.drijfveer}"

    @property
    def is_beoordeling(self) -> bool:
        return self.soort == VraagSoort.BEOORDELING


class Contactmoment(models.Model):
    """A moment the customer dealt with the insurer; it may lead to a survey invitation.

    The customer's personal data (e-mail, name, customer number) is erased 3 months after the
    invitation; kind, label, afdeling and behandelaar stay, so the figures stay the same.

    A response from an external research bureau's survey (bron extern) is a contact moment of its
    own with its response and without an invitation of ours; `externe_sleutel` makes it count
    once however often the bureau's export is imported (services.externe_sleutel).
    """

    label = models.ForeignKey(Label, on_delete=models.PROTECT, verbose_name=_("label"))
    soort = models.CharField(_("soort"), max_length=40, choices=ContactmomentSoort.choices)
    groep = models.CharField(
        _("enquêtegroep"),
        max_length=30,
        choices=Enquetegroep.choices,
        default=Enquetegroep.CONTACTMOMENT,
    )
    bron = models.CharField(_("bron"), max_length=20, choices=Bron.choices)
    moment = models.DateTimeField(_("moment"))
    afdeling = models.ForeignKey(
        Afdeling, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("afdeling")
    )
    behandelaar = models.ForeignKey(
        Medewerker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contactmomenten",
        verbose_name=_("behandelaar"),
    )
    klacht = models.ForeignKey(
        Klacht,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contactmomenten",
        verbose_name=_("klacht"),
    )
    # The product the contact was about (issue 22, the product review): from the complaint's
    # categorie or label, or given by the other system or the CSV import.
    productgroep = models.ForeignKey(
        Productgroep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("productgroep"),
    )
    campagne = models.ForeignKey(
        Campagne,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contactmomenten",
        verbose_name=_("campagne"),
    )
    taal = models.CharField(_("taal"), max_length=8, default="nl")
    klant_email = models.EmailField(_("e-mailadres klant"), blank=True)
    klant_naam = models.CharField(_("naam klant"), max_length=200, blank=True)
    klantnummer = models.CharField(_("klantnummer"), max_length=50, blank=True)
    email_genormaliseerd = models.CharField(max_length=254, blank=True, editable=False)
    geanonimiseerd_op = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    bureau = models.CharField(
        _("onderzoeksbureau"), max_length=100, blank=True, default="", db_default=""
    )
    # NULL rather than "" for our own contact moments: only external ones are in the unique index.
    externe_sleutel = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        ordering = ["-moment", "-id"]
        constraints = [
            # An external response counts once, however often the bureau's export is imported.
            models.UniqueConstraint(
                fields=["externe_sleutel"],
                condition=Q(externe_sleutel__isnull=False),
                name="contactmoment_extern_eenmaal",
            ),
            models.CheckConstraint(
                condition=Q(bron="extern", externe_sleutel__isnull=False)
                | (~Q(bron="extern") & Q(externe_sleutel__isnull=True)),
                name="contactmoment_extern_met_sleutel",
            ),
        ]
        indexes = [
            models.Index(fields=["moment"], name="contactmoment_moment"),
            models.Index(
                fields=["email_genormaliseerd"],
                name="contactmoment_email",
                condition=~Q(email_genormaliseerd=""),
            ),
            models.Index(
                fields=["klantnummer"],
                name="contactmoment_klantnummer",
                condition=~Q(klantnummer=""),
            ),
            models.Index(
                fields=["created_at"],
                name="contactmoment_te_anonimiseren",
                condition=Q(geanonimiseerd_op__isnull=True),
            ),
            # The reports group responses by the label and afdeling of their contact moment.
            models.Index(
                fields=["id"], include=["label", "afdeling"], name="contactmoment_label_afdeling"
            ),
        ]

    def __str__(self):
        return f"{self.get_soort_display()} {self.moment:%Y-%m-%d}"

    @property
    def is_extern(self) -> bool:
        """From an external research bureau's survey: no invitation of ours, no follow-up."""
        return self.bron == Bron.EXTERN


class UitnodigingStatus(models.TextChoices):
    GEPLAND = "gepland", _("Gepland")
    VERZONDEN = "verzonden", _("Verzonden")
    BEANTWOORD = "beantwoord", _("Beantwoord")
    OVERGESLAGEN = "overgeslagen", _("Overgeslagen")


class RedenOvergeslagen(models.TextChoices):
    RECENT_UITGENODIGD = "recent_uitgenodigd", _("In de 4 weken ervoor al uitgenodigd")
    GEEN_EMAIL = "geen_email", _("Geen e-mailadres")
    ENQUETE_UIT = "enquete_uit", _("Geen enquête na dit soort contactmoment")
    TE_OUD = "te_oud", _("Contactmoment te lang geleden")


class Uitnodiging(models.Model):
    """The survey e-mail after a contact moment, or the record of why none was sent."""

    contactmoment = models.OneToOneField(
        Contactmoment, on_delete=models.CASCADE, related_name="uitnodiging"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=UitnodigingStatus.choices, db_index=True
    )
    reden_overgeslagen = models.CharField(
        _("reden overgeslagen"), max_length=30, choices=RedenOvergeslagen.choices, blank=True
    )
    verzenden_op = models.DateTimeField(_("verzenden op"), null=True, blank=True)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    verloopt_op = models.DateTimeField(_("link verloopt op"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    nps_vragen = models.BooleanField(_("aanbevelingsvraag (NPS)"), default=True)
    bericht = models.ForeignKey(
        Bericht, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=UitnodigingStatus.values), name="uitnodiging_status_geldig"
            ),
            models.CheckConstraint(
                condition=Q(status="overgeslagen", reden_overgeslagen__gt="")
                | (~Q(status="overgeslagen") & Q(reden_overgeslagen="")),
                name="uitnodiging_overgeslagen_met_reden",
            ),
        ]
        indexes = [
            models.Index(
                fields=["verzenden_op"],
                name="uitnodiging_te_verzenden",
                condition=Q(status="gepland"),
            ),
            # Sent in a period, with what the figures group by (klanttevredenheid.cijfers, the
            # month report): read from the index alone.
            models.Index(
                fields=["verzonden_op"],
                include=["status", "contactmoment"],
                name="uitnodiging_verzonden_groep",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.contactmoment})"

    @property
    def geldig_tot(self) -> dt.date | None:
        """The last day the link works (it expires at midnight after it, Europe/Amsterdam)."""
        if self.verloopt_op is None:
            return None
        return kalender.lokale_datum(self.verloopt_op - dt.timedelta(microseconds=1))


class Respons(models.Model):
    """A customer's answer to the survey: anonymous once the contact moment is."""

    contactmoment = models.OneToOneField(
        Contactmoment, on_delete=models.CASCADE, related_name="respons"
    )
    rapportcijfer = models.PositiveSmallIntegerField(
        _("rapportcijfer"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    nps_score = models.PositiveSmallIntegerField(
        _("aanbevelingsscore"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    toelichting = models.TextField(_("toelichting"), blank=True)
    verbetertips = models.TextField(_("verbetertips"), blank=True)
    ontvangen_op = models.DateTimeField(_("ontvangen op"))

    class Meta:
        verbose_name = _("respons")
        verbose_name_plural = _("responsen")
        ordering = ["-ontvangen_op", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rapportcijfer__gte=1, rapportcijfer__lte=10),
                name="respons_rapportcijfer_1_10",
            ),
            models.CheckConstraint(
                condition=Q(nps_score__isnull=True) | Q(nps_score__gte=0, nps_score__lte=10),
                name="respons_nps_0_10",
            ),
        ]
        indexes = [models.Index(fields=["ontvangen_op"], name="respons_ontvangen_op")]

    def __str__(self):
        return f"{self.rapportcijfer} ({self.ontvangen_op:%Y-%m-%d})"


class Antwoord(models.Model):
    """A response's answer to one question of its campaign's own set (Campagnevraag): a rating
    1-10 or a text. Anonymous with its response."""

    respons = models.ForeignKey(Respons, on_delete=models.CASCADE, related_name="antwoorden")
    vraag = models.ForeignKey(Campagnevraag, on_delete=models.PROTECT, related_name="antwoorden")
    cijfer = models.PositiveSmallIntegerField(
        _("cijfer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    tekst = models.TextField(_("antwoord"), blank=True)

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        constraints = [
            models.UniqueConstraint(fields=["respons", "vraag"], name="antwoord_eenmaal_per_vraag"),
            models.CheckConstraint(
                condition=Q(cijfer__isnull=True) | Q(cijfer__gte=1, cijfer__lte=10),
                name="antwoord_cijfer_1_10",
            ),
        ]

    def __str__(self):
        return f"{self.vraag}: {self.cijfer if self.cijfer is not None else self.tekst[:40]}"


class OpvolgingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    AFGEROND = "afgerond", _("Afgerond")


class OpvolgingAfsluitreden(models.TextChoices):
    """Why a follow-up was closed without a report of a call (empty: closed by staff, with one)."""

    GEANONIMISEERD = "geanonimiseerd", _("klantgegevens geanonimiseerd")


class Opvolging(models.Model):
    """'Terugbellen' after a low score (grade 5 or lower, or an NPS detractor), tracked until done.

    Open longer than settings.OPVOLGING_ESCALATIE_WERKDAGEN it is escalated to the teamleiders
    once (`geescaleerd_op`); it closes by itself, with `afsluitreden`, when the customer's data is
    anonymised (there is no one left to call back)."""

    respons = models.OneToOneField(Respons, on_delete=models.CASCADE, related_name="opvolging")
    toegewezen_aan = models.ForeignKey(
        Medewerker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opvolgingen",
        verbose_name=_("toegewezen aan"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OpvolgingStatus.choices, default=OpvolgingStatus.OPEN
    )
    notitie = models.TextField(_("verslag"), blank=True)
    afgerond_op = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    afgerond_door = models.ForeignKey(
        Medewerker, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    afsluitreden = models.CharField(
        _("reden van afsluiten"),
        max_length=30,
        choices=OpvolgingAfsluitreden.choices,
        blank=True,
        default="",
        db_default="",
    )
    geescaleerd_op = models.DateTimeField(_("geëscaleerd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("opvolging")
        verbose_name_plural = _("opvolgingen")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OpvolgingStatus.values), name="opvolging_status_geldig"
            ),
        ]
        indexes = [
            # The escalation job: open follow-ups not escalated yet, oldest first.
            models.Index(
                fields=["created_at"],
                name="opvolging_te_escaleren",
                condition=Q(status="open", geescaleerd_op__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()}: {self.respons}"


class Kwartaalcijfer(models.Model):
    """The average grade of one quarter for one label, computed once on the first day of the
    next quarter and published; late responses do not change it."""

    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="kwartaalcijfers")
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    kwartaal = models.PositiveSmallIntegerField(
        _("kwartaal"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    gemiddelde = models.DecimalField(
        _("gemiddeld rapportcijfer"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    nps = models.SmallIntegerField(_("NPS"), null=True, blank=True)
    aantal = models.PositiveIntegerField(_("aantal responsen"))
    berekend_op = models.DateTimeField(_("berekend op"))

    class Meta:
        verbose_name = _("kwartaalcijfer")
        verbose_name_plural = _("kwartaalcijfers")
        ordering = ["label", "-jaar", "-kwartaal"]
        constraints = [
            models.UniqueConstraint(
                fields=["label", "jaar", "kwartaal"], name="kwartaalcijfer_eenmaal_per_kwartaal"
            ),
            models.CheckConstraint(
                condition=Q(kwartaal__gte=1, kwartaal__lte=4), name="kwartaalcijfer_kwartaal_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.jaar} K{self.kwartaal}: {self.gemiddelde}"
