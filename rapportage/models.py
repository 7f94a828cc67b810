"""Stored reports (DESIGN.md section 7)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Maandrapport(models.Model):
    """The frozen report of a finished month: its building blocks per (label, afdeling)
    (rapportage.maandrapport.Bouwstenen), stored on the 1st of the next month by the beat job.
    The page, the exports and the trend read it; only the running month is computed live."""

    jaar = models.PositiveSmallIntegerField(_("jaar"))
    maand = models.PositiveSmallIntegerField(_("maand"))
    bouwstenen = models.JSONField(_("bouwstenen"))
    berekend_op = models.DateTimeField(_("berekend op"))
    verzonden_op = models.DateTimeField(_("aan het management gestuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("maandrapport")
        verbose_name_plural = _("maandrapporten")
        ordering = ["-jaar", "-maand"]
        constraints = [
            models.UniqueConstraint(fields=["jaar", "maand"], name="maandrapport_eenmaal"),
            models.CheckConstraint(
                condition=Q(maand__gte=1, maand__lte=12), name="maandrapport_maand_1_12"
            ),
        ]

    def __str__(self):
        return f"{self.jaar}-{self.maand:02d}"


class JaarrapportStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    GEPUBLICEERD = "gepubliceerd", _("Gepubliceerd")


class Jaarrapport(models.Model):
    """The yearly public complaint report of one label (DESIGN.md section 7): a draft the
    directie completes with its explanation, then publishes (before 1 April). Published, its
    figures are frozen in `cijfers` and the public page shows exactly those."""

    jaar = models.PositiveSmallIntegerField(_("jaar"))
    label = models.ForeignKey(
        "klachten.Label", on_delete=models.PROTECT, related_name="jaarrapporten"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=JaarrapportStatus.choices,
        default=JaarrapportStatus.CONCEPT,
    )
    toelichting = models.TextField(
        _("toelichting van de directie"),
        blank=True,
        help_text=_("Wat opviel, wat er met de klachten is gedaan en wat er verbetert."),
    )
    cijfers = models.JSONField(_("cijfers bij publicatie"), null=True, blank=True)
    gepubliceerd_op = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    gepubliceerd_door = models.ForeignKey(
        "klachten.Medewerker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    herinnerd_op = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jaarrapport")
        verbose_name_plural = _("jaarrapporten")
        ordering = ["-jaar", "label"]
        constraints = [
            models.UniqueConstraint(fields=["jaar", "label"], name="jaarrapport_eenmaal"),
            models.CheckConstraint(
                condition=Q(status="concept")
                | Q(status="gepubliceerd", gepubliceerd_op__isnull=False, cijfers__isnull=False),
                name="jaarrapport_gepubliceerd_met_cijfers",
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.jaar}"

    @property
    def is_gepubliceerd(self) -> bool:
        """Published: its figures are frozen and the public page shows them."""
        return self.status == JaarrapportStatus.GEPUBLICEERD


class Dossierreview(models.Model):
    """Each month the directie is offered one randomly chosen closed dossier to read; the review
    (who, when, remarks) is recorded and shown in the next month report (DESIGN.md section 7)."""

    jaar = models.PositiveSmallIntegerField(_("jaar"))
    maand = models.PositiveSmallIntegerField(_("maand"))
    klacht = models.ForeignKey(
        "klachten.Klacht", on_delete=models.CASCADE, related_name="dossierreviews"
    )
    aangeboden_op = models.DateTimeField(_("aangeboden op"))
    beoordeeld_door = models.ForeignKey(
        "klachten.Medewerker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beoordeeld_op = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    opmerkingen = models.TextField(_("bevindingen"), blank=True)

    class Meta:
        verbose_name = _("dossierreview")
        verbose_name_plural = _("dossierreviews")
        ordering = ["-jaar", "-maand"]
        constraints = [
            models.UniqueConstraint(fields=["jaar", "maand"], name="dossierreview_eenmaal"),
        ]

    def __str__(self):
        return f"{self.jaar}-{self.maand:02d} {self.klacht}"


class Klachtanalyse(models.Model):
    """The half-yearly complaint analysis: the figures are computed, the working group writes
    its conclusions here (DESIGN.md section 7)."""

    jaar = models.PositiveSmallIntegerField(_("jaar"))
    helft = models.PositiveSmallIntegerField(_("halfjaar"))
    conclusies = models.TextField(_("conclusies van de werkgroep"), blank=True)
    bijgewerkt_door = models.ForeignKey(
        "klachten.Medewerker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("klachtanalyse")
        verbose_name_plural = _("klachtanalyses")
        ordering = ["-jaar", "-helft"]
        constraints = [
            models.UniqueConstraint(fields=["jaar", "helft"], name="klachtanalyse_eenmaal"),
            models.CheckConstraint(
                condition=Q(helft__in=[1, 2]), name="klachtanalyse_helft_1_of_2"
            ),
        ]

    def __str__(self):
        return f"{self.jaar}-H{self.helft}"


class Werkgroepoverleg(models.Model):
    """The quarterly meeting of the complaints working group (ARAG: four times a year): who was
    there, the priorities set and the action points, linked to the improvement actions
    (Verbeterpunt) that follow them up. The half-yearly analysis lists the meetings of its
    half-year (issue 22, smaller practices)."""

    datum = models.DateField(_("datum"))
    deelnemers = models.ManyToManyField(
        "klachten.Medewerker", verbose_name=_("deelnemers"), related_name="+"
    )
    prioriteiten = models.TextField(_("prioriteiten"))
    actiepunten = models.TextField(_("actiepunten"), blank=True)
    verbeterpunten = models.ManyToManyField(
        "klachten.Verbeterpunt",
        verbose_name=_("verbeterpunten"),
        related_name="werkgroepoverleggen",
        blank=True,
    )
    vastgelegd_door = models.ForeignKey(
        "klachten.Medewerker", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("werkgroepoverleg")
        verbose_name_plural = _("werkgroepoverleggen")
        ordering = ["-datum", "-id"]
        indexes = [models.Index(fields=["datum"])]

    def __str__(self):
        return f"{_('Werkgroepoverleg')} {self.datum:%Y-%m-%d}"


class GedeeldSoort(models.TextChoices):
    KLACHTANALYSE = "klachtanalyse", _("Halfjaarlijkse klachtanalyse")
    JAARRAPPORT = "jaarrapport", _("Jaarrapportage")


class Gedeeld(models.Model):
    """A report the directie or a teamleider shared with all staff: the half-yearly analysis
    (jaar, helft) or a label's yearly report (jaar, label). Staff read it on the page "Gedeelde
    rapporten" and got a notice when it was shared; each report is shared once (issue 22)."""

    soort = models.CharField(_("soort"), max_length=20, choices=GedeeldSoort.choices)
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    helft = models.PositiveSmallIntegerField(_("halfjaar"), null=True, blank=True)
    label = models.ForeignKey(
        "klachten.Label", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    toelichting = models.TextField(_("toelichting"), blank=True)
    gedeeld_door = models.ForeignKey(
        "klachten.Medewerker", on_delete=models.PROTECT, related_name="+"
    )
    gedeeld_op = models.DateTimeField(_("gedeeld op"))

    class Meta:
        verbose_name = _("gedeeld rapport")
        verbose_name_plural = _("gedeelde rapporten")
        ordering = ["-gedeeld_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jaar", "helft"],
                condition=Q(soort="klachtanalyse"),
                name="gedeeld_klachtanalyse_eenmaal",
            ),
            models.UniqueConstraint(
                fields=["jaar", "label"],
                condition=Q(soort="jaarrapport"),
                name="gedeeld_jaarrapport_eenmaal",
            ),
            models.CheckConstraint(
                condition=(Q(soort="klachtanalyse", helft__in=[1, 2], label__isnull=True))
                | (Q(soort="jaarrapport", helft__isnull=True, label__isnull=False)),
                name="gedeeld_soort_past",
            ),
        ]

    def __str__(self):
        return f"{self.get_soort_display()} {self.jaar}"


class AfgewezenClaims(models.Model):
    """The number of rejected claims of a product group in a month, imported from the claims
    system's CSV (issue 22, the product review; Keurmerk: analyses of rejected claims as input).
    A second import of the same month replaces the number."""

    productgroep = models.ForeignKey(
        "klachten.Productgroep",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("productgroep"),
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    maand = models.PositiveSmallIntegerField(_("maand"))
    aantal = models.PositiveIntegerField(_("afgewezen claims"))
    geimporteerd_op = models.DateTimeField(_("geïmporteerd op"))
    geimporteerd_door = models.ForeignKey(
        "klachten.Medewerker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("afgewezen claims")
        verbose_name_plural = _("afgewezen claims")
        ordering = ["-jaar", "-maand", "productgroep"]
        constraints = [
            models.UniqueConstraint(
                fields=["productgroep", "jaar", "maand"], name="afgewezen_claims_per_maand"
            ),
            models.CheckConstraint(
                condition=Q(maand__gte=1, maand__lte=12), name="afgewezen_claims_maand_1_12"
            ),
        ]

    def __str__(self):
        return f"{self.productgroep_id} {self.jaar}-{self.maand:02d}: {self.aantal}"


class ProductreviewStatus(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    VASTGESTELD = "vastgesteld", _("Vastgesteld")


class Productreview(models.Model):
    """The half-yearly review of a product group (issue 22; Keurmerk Klantgericht Verzekeren:
    every active product is reviewed regularly): the reviewers' conclusion and improvement
    actions; its figures are frozen in `cijfers` when it is signed off (vastgesteld), as the
    yearly report is on publication, so late data does not change it."""

    productgroep = models.ForeignKey(
        "klachten.Productgroep",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("productgroep"),
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    helft = models.PositiveSmallIntegerField(_("halfjaar"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProductreviewStatus.choices,
        default=ProductreviewStatus.CONCEPT,
    )
    conclusie = models.TextField(_("conclusie van de reviewers"), blank=True)
    verbeterpunten = models.ManyToManyField(
        "klachten.Verbeterpunt",
        blank=True,
        related_name="+",
        verbose_name=_("verbeteracties"),
    )
    cijfers = models.JSONField(_("cijfers bij vaststelling"), null=True, blank=True)
    vastgesteld_op = models.DateTimeField(_("vastgesteld op"), null=True, blank=True)
    vastgesteld_door = models.ForeignKey(
        "klachten.Medewerker", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("productreview")
        verbose_name_plural = _("productreviews")
        ordering = ["-jaar", "-helft", "productgroep"]
        constraints = [
            models.UniqueConstraint(
                fields=["productgroep", "jaar", "helft"], name="productreview_eenmaal"
            ),
            models.CheckConstraint(
                condition=Q(helft__in=[1, 2]), name="productreview_helft_1_of_2"
            ),
            models.CheckConstraint(
                condition=Q(status="concept")
                | Q(cijfers__isnull=False, vastgesteld_op__isnull=False),
                name="productreview_vastgesteld_met_cijfers",
            ),
        ]

    def __str__(self):
        return f"{self.productgroep_id} {self.jaar}-H{self.helft}"

    @property
    def is_vastgesteld(self) -> bool:
        return self.status == ProductreviewStatus.VASTGESTELD
