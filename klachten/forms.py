import re
import uuid
from functools import partial

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from klachten import configuratie, rollen, termijnen
from klachten.models import (
    EMAIL_OF_POSTADRES,
    OMSCHRIJVING_MAX,
    Afdeling,
    Categorie,
    Doorverwijzing,
    DoorverwijzingUitkomst,
    ExterneInstantie,
    ExterneProcedure,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Label,
    Medewerker,
    Oorzaak,
    Uitkomst,
    Urgentie,
    VerbeterpuntStatus,
)
from klachten.uploads import TOEGESTAAN_TEKST, bijlagen_controleren
from klachten.widgets import Datumkiezer, SnelleSelect
from klachten.workflow import Oordeel, Status


class MeerdereBestandenInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class BijlagenField(forms.FileField):
    """Zero or more files in one input; the checks live in klachten.uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MeerdereBestandenInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        bestanden = data if isinstance(data, list | tuple) else ([data] if data else [])
        bestanden = [super(BijlagenField, self).clean(b, initial) for b in bestanden]
        return bijlagen_controleren([b for b in bestanden if b])


def fouten_toevoegen(form: forms.BaseForm, fout: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(fout, "error_dict"):
        for veld, fouten in fout.error_dict.items():
            form.add_error(veld if veld in form.fields else None, fouten)
    else:
        form.add_error(None, fout)


class BijlagenFormMixin:
    """Forms with attachments: when the form has errors, files must be chosen again (browsers
    never refill a file input), so the form says so."""

    @property
    def bijlagen_opnieuw_kiezen(self) -> bool:
        return self.is_bound and bool(self.errors) and bool(self.files)


def _ingevuld(tekst, waarden: dict):
    """A lazy msgid with its values filled in when it is shown, in the language of that request:
    `gettext_lazy(...) % waarden` at module level would be translated once, at import."""
    return lazy(lambda: str(tekst) % waarden, str)()


BIJLAGEN_HELP = _ingevuld(
    _("Ten hoogste 5 bestanden van elk ten hoogste 10 MB: %(typen)s."), {"typen": TOEGESTAAN_TEKST}
)


class CategorieKeuze(forms.ModelChoiceField):
    """A categorie as the customer reads it: its name in the page's language (Dutch where the
    beheerder gave no translation; klachten.models.Vertaalbaar)."""

    def label_from_instance(self, obj: Categorie) -> str:
        return obj.vertaald("naam")


class CategorieMetLabels(forms.ModelChoiceField):
    """A categorie as staff choose it: its (Dutch) name, and the labels it belongs to when it
    is not for every label, e.g. "Dekking (Rechtsbijstand Plus)"."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset.prefetch_related("labels") if queryset is not None else None)

    # The labels of every choice in one query, whatever queryset a form sets.
    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    # The choices as klachten.configuratie read them (a callable giving {pk: categorie}, the
    # same set as the queryset): the chosen one without a query (issue 20). None: one query.
    gelezen = None

    def to_python(self, value):
        if self.gelezen is not None and value not in self.empty_values:
            try:
                return self.gelezen()[int(value)]
            except (KeyError, TypeError, ValueError):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        # The chosen categorie in one query, with its afdeling (the services' default afdeling):
        # the labels are for the choices' names only (issue 20).
        met_labels = self._queryset
        self._queryset = met_labels.prefetch_related(None).select_related("afdeling")
        try:
            return super().to_python(value)
        finally:
            self._queryset = met_labels

    def label_from_instance(self, obj: Categorie) -> str:
        labels = ", ".join(label.naam for label in obj.labels.all())
        return f"{obj.naam} ({labels})" if labels else obj.naam


def _categorie_van_label(form, label: Label, waarde):
    """KlachtFormulier's categorie: one of the label's active categorieën, else the field's own
    "not one of the choices" error."""
    veld = form.fields["categorie"]
    if waarde in veld.empty_values:
        return None
    try:
        return configuratie.categorieen_voor_label(label.pk)[int(waarde)]
    except (KeyError, TypeError, ValueError):
        raise ValidationError(
            veld.error_messages["invalid_choice"], code="invalid_choice", params={"value": waarde}
        ) from None


class KlachtFormulier(BijlagenFormMixin, forms.ModelForm):
    """The public complaint form (DESIGN.md section 11): no anonymous complaints. `label` is the
    label whose form it is: only its categorieën are offered and accepted."""

    bijlagen = BijlagenField(label=_("Bijlagen"), help_text=BIJLAGEN_HELP)
    privacy_akkoord = forms.BooleanField(
        label=_("Ik ga akkoord met de privacyverklaring."),
        error_messages={"required": _("U moet akkoord gaan met de privacyverklaring.")},
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Laat dit veld leeg"))
    # The one-time key of this form (Klacht.formulier_sleutel): a fresh one in every new form,
    # the same one when the form comes back with errors or is sent again.
    formulier_sleutel = forms.UUIDField(
        required=False, initial=uuid.uuid4, widget=forms.HiddenInput
    )

    class Meta:
        model = Klacht
        fields = [
            "klant_naam",
            "klant_email",
            "klant_telefoon",
            "polisnummer",
            "categorie",
            "omschrijving",
            "gewenste_oplossing",
        ]
        labels = {
            "klant_naam": _("Uw naam"),
            "klant_email": _("Uw e-mailadres"),
            "klant_telefoon": _("Uw telefoonnummer (niet verplicht)"),
            "polisnummer": _("Polis- of lidnummer (niet verplicht)"),
            "categorie": _("Waar gaat uw klacht over?"),
            "omschrijving": _("Wat is er gebeurd?"),
            "gewenste_oplossing": _("Wat wilt u bereiken?"),
        }
        help_texts = {
            "klant_email": _("Hierop ontvangt u de bevestiging en onze berichten."),
            "polisnummer": _("Staat op uw polis of zorgpas. Zo vinden we uw gegevens sneller."),
            "omschrijving": _ingevuld(_("Ten hoogste %(max)d tekens."), {"max": OMSCHRIJVING_MAX}),
            "gewenste_oplossing": _("Bijvoorbeeld: een uitleg, een correctie of een vergoeding."),
        }
        field_classes = {"categorie": CategorieKeuze}
        error_messages = {
            "klant_naam": {"required": _("Vul uw naam in. Anonieme klachten behandelen we niet.")},
            "klant_email": {
                "required": _("Vul uw e-mailadres in, zodat we u kunnen antwoorden."),
                "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
            },
            "categorie": {"required": _("Kies waar uw klacht over gaat.")},
            "omschrijving": {"required": _("Beschrijf uw klacht.")},
        }
        widgets = {
            "klant_naam": forms.TextInput(attrs={"autocomplete": "name"}),
            "klant_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "klant_telefoon": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "omschrijving": forms.Textarea(attrs={"rows": 8, "maxlength": OMSCHRIJVING_MAX}),
            "gewenste_oplossing": forms.Textarea(attrs={"rows": 3, "maxlength": OMSCHRIJVING_MAX}),
        }

    def __init__(self, *args, label: Label | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label
        # The public form answers by e-mail: the address is required here (staff may register a
        # customer with a postal address instead, KlachtRegistratieFormulier).
        self.fields["klant_email"].required = True
        categorieen = Categorie.objects.filter(actief=True)
        if label is not None:
            categorieen = categorieen.voor_label(label)
        self.fields["categorie"].queryset = categorieen
        self.fields["categorie"].empty_label = _("Maak een keuze")
        if label is not None:
            # The choice sent is looked up in the label's categorieën as this process read them
            # (klachten.configuratie): no query per POST.
            self.fields["categorie"].to_python = partial(_categorie_van_label, self, label)

    def _get_validation_exclusions(self):
        # The categorie was found among the label's active ones (_categorie_van_label), and the
        # foreign key guards that it exists: no second look-up in the model's validation.
        uitgezonderd = super()._get_validation_exclusions()
        if self.label is not None:
            uitgezonderd.add("categorie")
        return uitgezonderd

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class KlachtRegistratieFormulier(BijlagenFormMixin, forms.ModelForm):
    """Staff intake of a complaint from another channel; "direct opgelost" closes it at once."""

    ontvangen_op = forms.DateTimeField(
        label=_("Ontvangen op"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        help_text=_("Mag in het verleden liggen, bijvoorbeeld bij een brief."),
    )
    bijlagen = BijlagenField(label=_("Bijlagen"), help_text=BIJLAGEN_HELP)
    taal = forms.ChoiceField(
        label=_("Taal van de klant"),
        choices=settings.LANGUAGES,
        required=False,  # without it: the language of the page
        help_text=_("Onze berichten aan de klant gaan in deze taal."),
    )

    class Meta:
        model = Klacht
        fields = [
            "kanaal",
            "ontvangen_op",
            "label",
            "klant_naam",
            "klant_email",
            "klant_postadres",
            "klant_telefoon",
            "polisnummer",
            "taal",
            "afdeling",
            "categorie",
            "urgentie",
            "omschrijving",
            "gewenste_oplossing",
            "betreft_medewerker",
            "direct_opgelost",
            "oplossing",
        ]
        labels = {
            "betreft_medewerker": _("Gaat de klacht over een medewerker? (niet verplicht)"),
            "klant_naam": _("Naam klant"),
            "klant_email": _("E-mailadres klant"),
            "klant_postadres": _("Postadres klant"),
            "klant_telefoon": _("Telefoonnummer klant"),
            "direct_opgelost": _("Direct opgelost (bij eerste contact)"),
            "oplossing": _("Wat is er gedaan?"),
        }
        help_texts = {
            "direct_opgelost": _("De klacht wordt geregistreerd én afgesloten in één stap."),
            "klant_email": _("Leeg als de klant geen e-mail heeft: vul dan het postadres in."),
            "klant_postadres": _(
                "Straat en huisnummer, postcode en plaats (en het land als dat niet Nederland "
                "is), elk op een eigen regel. Zonder e-mailadres, of bij een klacht per brief, "
                "krijgt de klant al onze berichten als brief per post."
            ),
        }
        field_classes = {"categorie": CategorieMetLabels}
        widgets = {
            "klant_postadres": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "omschrijving": forms.Textarea(attrs={"rows": 5, "maxlength": OMSCHRIJVING_MAX}),
            "gewenste_oplossing": forms.Textarea(attrs={"rows": 2, "maxlength": OMSCHRIJVING_MAX}),
            "oplossing": forms.Textarea(attrs={"rows": 2, "maxlength": OMSCHRIJVING_MAX}),
        }

    def __init__(self, *args, gebruiker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kanaal"].choices = [
            (k, v) for k, v in Kanaal.choices if k != Kanaal.WEBFORMULIER
        ]
        self.fields["categorie"].queryset = Categorie.objects.filter(actief=True)
        self.fields["categorie"].help_text = _(
            "Alleen een categorie van het gekozen label (beheer: Categorieën)."
        )
        self.fields["label"].queryset = Label.objects.all()
        standaard = Label.objects.filter(is_standaard=True).first()
        self.fields["ontvangen_op"].initial = timezone.localtime().replace(second=0, microsecond=0)
        # The page's language (Dutch or English) unless the customer speaks another, e.g. French.
        self.fields["taal"].initial = translation.get_language()
        if standaard:
            self.fields["label"].initial = standaard.pk
        if gebruiker is not None:
            eigen = list(gebruiker.afdelingen.all())
            if len(eigen) == 1:
                self.fields["afdeling"].initial = eigen[0].pk
        self.fields["afdeling"].queryset = Afdeling.objects.all()
        self.fields["betreft_medewerker"].queryset = Medewerker.objects.filter(
            is_active=True
        ).order_by("first_name", "last_name")

    def clean_kanaal(self):
        kanaal = self.cleaned_data["kanaal"]
        if kanaal == Kanaal.WEBFORMULIER:
            raise ValidationError(_("Het webformulier vult de klant zelf in."))
        return kanaal

    def clean(self):
        data = super().clean()
        email = (data.get("klant_email") or "").strip()
        postadres = (data.get("klant_postadres") or "").strip()
        # An invalid address says so itself (it is not in cleaned_data).
        if not email and not postadres and "klant_email" not in self.errors:
            self.add_error("klant_email", EMAIL_OF_POSTADRES)
        return data


# The longest message text a handler may send: the templates fill a page or two; the limit bounds
# what a mistaken or hostile POST makes us store, mail and show.
BERICHT_MAX = 20_000

# A template's gap for the handler to fill in, e.g. "[Leg het oordeel uit.]": never sent as is.
OPEN_PLEK = re.compile(r"\[[^\[\]\n]{3,}\]")


class ActieFormulier(forms.Form):
    """Base of the dossier's action forms: carries the version the user saw (optimistic locking)."""

    versie = forms.IntegerField(widget=forms.HiddenInput)


class BerichtOpnieuwFormulier(ActieFormulier):
    """An undeliverable message sent again, to the customer's corrected address (issue 15)."""

    klant_email = forms.EmailField(
        label=_("E-mailadres van de klant"),
        max_length=254,
        help_text=_("Gecorrigeerd waar nodig; het dossier krijgt dit adres voor alle berichten."),
    )


class TekstFormulier(ActieFormulier):
    tekst = forms.CharField(
        label=_("Tekst"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=OMSCHRIJVING_MAX,
    )


class BerichtFormulier(ActieFormulier):
    """The handler's part of a message (issue 18): the subject and the free text, pre-filled with
    the template's suggestion; the rest of the message is assembled from the data around it
    (berichten.samenstellen). Unfilled [prompts] are refused."""

    onderwerp = forms.CharField(label=_("Onderwerp"), max_length=255)
    tekst = forms.CharField(
        label=_("Tekst"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=BERICHT_MAX,
        required=False,
        help_text=_(
            "Alleen uw eigen deel. Aanhef, feiten (oordeel, datums, termijnen), de volgende stap "
            "voor de klant en de ondertekening komen er vanzelf omheen: zie Voorbeeld."
        ),
    )
    # The plain-language template chosen on the page (berichten.in_eenvoudige_taal).
    sjabloon = forms.CharField(widget=forms.HiddenInput, required=False)
    # An answer says nothing without the handler's own part.
    vrije_tekst_verplicht = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tekst"].required = self.vrije_tekst_verplicht

    def clean_tekst(self):
        tekst = self.cleaned_data["tekst"]
        open_plekken = OPEN_PLEK.findall(tekst)
        if open_plekken:
            raise ValidationError(
                _("Vul de tekst tussen [haken] in of haal die weg: %(plekken)s")
                % {"plekken": ", ".join(open_plekken[:3])},
                code="open_plek",
            )
        return tekst


class ReactieFormulier(BerichtFormulier):
    """The inline reply (reactie_sturen). For a customer on social media (Klacht.per_sociaal,
    issue 21) the handler may also record a reply they gave on the platform itself: it stands on
    the dossier as sent and is not sent again through the tool (the box shows only then)."""

    op_platform = forms.BooleanField(
        label=_("Al beantwoord op het platform (alleen vastleggen, niet via de koppeling sturen)"),
        required=False,
    )


class AfsluitenFormulier(BerichtFormulier):
    """The message of an action that closes the complaint (workflow.AFSLUITENDE_ACTIES): the
    handler confirms, with a box they tick, that it closes; the service never sees the box."""

    bevestigd = forms.BooleanField(
        label=_("Ik begrijp dat dit de klacht afsluit en dat de klant dit bericht krijgt"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.pop("bevestigd", False):
            self.add_error(
                "bevestigd",
                ValidationError(
                    _("Vink aan dat u de klacht wilt afsluiten; er is nog niets gebeurd."),
                    code="niet_bevestigd",
                ),
            )
        return cleaned


class AfdelingKeuze(forms.ModelChoiceField):
    """An afdeling, the chosen one taken from the configuration read once per process
    (klachten.configuratie; issue 20), not from a query per POST."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            afdeling = configuratie.afdelingen().get(int(value))
        except (TypeError, ValueError):
            afdeling = None
        if afdeling is not None and self.queryset.model is Afdeling:
            return afdeling
        return super().to_python(value)


class ToewijzenFormulier(ActieFormulier):
    afdeling = AfdelingKeuze(label=_("Afdeling"), queryset=Afdeling.objects.all())
    behandelaar = forms.ModelChoiceField(
        label=_("Behandelaar"),
        queryset=Medewerker.objects.none(),
        required=False,
        help_text=_(
            "Medewerkers van de gekozen afdeling, of een partnerbehandelaar. Niet de "
            "medewerker over wie de klacht gaat."
        ),
    )

    def __init__(self, *args, klacht=None, **kwargs):
        super().__init__(*args, **kwargs)
        kandidaten = Medewerker.objects.filter(is_active=True).exclude(
            pk=getattr(klacht, "betreft_medewerker_id", None)
        )
        eigen = kandidaten.filter(
            groups__name__in=[rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER]
        ).exclude(groups__name=rollen.PARTNERBEHANDELAAR)
        # Partnerbehandelaars (an outside firm, issue 9) work for no afdeling; they take the
        # first line only, so not during a heroverweging.
        partners = kandidaten.none()
        if getattr(klacht, "status", None) != Status.IN_HEROVERWEGING:
            partners = kandidaten.filter(groups__name=rollen.PARTNERBEHANDELAAR)
        veld = self.fields["behandelaar"]
        # The chosen one with their roles and afdelingen, which the service checks (issue 20).
        veld.queryset = rollen.met_rollen(
            kandidaten.filter(Q(pk__in=eigen.values("pk")) | Q(pk__in=partners.values("pk")))
            .distinct()
            .order_by("first_name", "last_name")
        )
        groepen = [(_("Eigen medewerkers"), eigen), (_("Partnerbehandelaars"), partners)]

        def keuzes():
            # Read when the form is rendered, not when a POST is only validated (issue 20).
            per_groep = [
                (
                    naam,
                    [(m.pk, str(m)) for m in groep.distinct().order_by("first_name", "last_name")],
                )
                for naam, groep in groepen
            ]
            return [("", veld.empty_label)] + [(n, k) for n, k in per_groep if k]

        veld.widget.choices = keuzes

    def clean_behandelaar(self):
        return rollen.rollen_overnemen(self.cleaned_data.get("behandelaar"))


class UrgentieFormulier(ActieFormulier):
    urgentie = forms.ChoiceField(
        label=_("Urgentie"),
        choices=Urgentie.choices,
        help_text=_("Urgente klachten staan bovenaan de werkvoorraad."),
    )


def classificatievelden() -> tuple[forms.ModelChoiceField, forms.ModelChoiceField]:
    """The categorie and afdeling a teamleider gives a complaint that came in by e-mail (one by
    one and several at once)."""
    categorie = CategorieMetLabels(
        label=_("Categorie"), queryset=Categorie.objects.filter(actief=True)
    )
    categorie.gelezen = lambda: {c.pk: c for c in configuratie.actieve_categorieen()}
    return (
        categorie,
        AfdelingKeuze(
            label=_("Afdeling"),
            queryset=Afdeling.objects.all(),
            required=False,
            help_text=_("Leeg: de standaardafdeling van de categorie."),
        ),
    )


class ClassificerenFormulier(ActieFormulier):
    """A complaint that came in by e-mail gets its categorie and afdeling (the teamleider): one
    of its label's categorieën."""

    categorie, afdeling = classificatievelden()
    # Whether the page showed a triage suggestion (klachten.triage): then the action records
    # whether it was taken.
    triagevoorstel = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, klacht=None, **kwargs):
        super().__init__(*args, **kwargs)
        if klacht is not None:
            veld = self.fields["categorie"]
            veld.queryset = veld.queryset.voor_label(klacht.label_id)
            veld.gelezen = lambda: configuratie.categorieen_voor_label(klacht.label_id)


class ClassificerenMeerFormulier(forms.Form):
    """Several complaints of the queue's "te classificeren" tab classified at once."""

    klachten = forms.ModelMultipleChoiceField(
        label=_("Klachten"), queryset=Klacht.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    categorie, afdeling = classificatievelden()

    def __init__(self, *args, klachten=None, **kwargs):
        super().__init__(*args, **kwargs)
        if klachten is not None:
            self.fields["klachten"].queryset = klachten


class VervolgklachtFormulier(ActieFormulier):
    """A new complaint from what the customer wrote after the closing (issue 17): the customer's
    data come from the closed complaint; categorie and afdeling are proposed from it."""

    omschrijving = forms.CharField(
        label=_("Omschrijving"),
        help_text=_("Het bericht van de klant; pas het aan waar nodig."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=OMSCHRIJVING_MAX,
    )
    categorie, afdeling = classificatievelden()


class TeruggevenFormulier(ActieFormulier):
    reden = forms.CharField(
        label=_("Waarom geeft u de klacht terug?"),
        help_text=_("De interne behandelaar leest dit in het dossier; de klant niet."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=OMSCHRIJVING_MAX,
    )


class OntvankelijkFormulier(ActieFormulier):
    toelichting = forms.CharField(
        label=_("Toelichting (intern, niet verplicht)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=OMSCHRIJVING_MAX,
    )


class KlantberichtFormulier(BijlagenFormMixin, ActieFormulier):
    tekst = forms.CharField(
        label=_("Wat heeft de klant laten weten?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=OMSCHRIJVING_MAX,
    )
    bijlagen = BijlagenField(label=_("Bijlagen"), help_text=BIJLAGEN_HELP)


class TermijnFormulier(BerichtFormulier):
    """Postponing the answer (opschorten, verlengen). A new date the handler must think twice
    about (termijnen.nieuwe_datum_waarschuwingen) is refused with the warning until the handler
    ticks that they read it: the box appears with the warning."""

    nieuwe_datum = forms.DateField(label=_("Nieuwe datum voor het antwoord"), widget=Datumkiezer())
    reden = forms.CharField(
        label=_("Reden (de klant leest die)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OMSCHRIJVING_MAX,
    )
    ondanks_waarschuwing = forms.BooleanField(
        label=_("Ik heb de waarschuwing gelezen en verstuur het bericht met deze datum"),
        required=False,
        widget=forms.HiddenInput,
    )
    field_order = ["nieuwe_datum", "reden", "ondanks_waarschuwing", "onderwerp", "tekst"]

    def __init__(self, *args, klacht, **kwargs):
        super().__init__(*args, **kwargs)
        self.klacht = klacht

    def clean(self):
        cleaned = super().clean()
        nieuwe_datum = cleaned.get("nieuwe_datum")
        waarschuwingen = (
            termijnen.nieuwe_datum_waarschuwingen(self.klacht, nieuwe_datum) if nieuwe_datum else []
        )
        if waarschuwingen:
            self.fields["ondanks_waarschuwing"].widget = forms.CheckboxInput()
            if not cleaned.get("ondanks_waarschuwing"):
                raise ValidationError(
                    [ValidationError(w, code="waarschuwing") for w in waarschuwingen]
                )
        # Sent without a warning: what services.termijn_wijzigen receives stays as it was.
        cleaned.pop("ondanks_waarschuwing", None)
        return cleaned


def oorzaak_veld() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Oorzaak"),
        queryset=Oorzaak.objects.filter(actief=True),
        required=False,
        empty_label=_("Nog niet vastgesteld"),
        help_text=_("Wat lag aan de klacht ten grondslag? Telt mee in de klachtanalyse."),
    )


def oordeel_veld(label) -> forms.ChoiceField:
    """The verdict, chosen, never defaulted (issue 18): the answer's verdict sentence follows the
    choice, and a preselected one would be sent unread."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Kies het oordeel")), *Oordeel.choices],
        error_messages={"required": _("Kies het oordeel.")},
    )


class AntwoordFormulier(BerichtFormulier):
    vrije_tekst_verplicht = True
    oordeel = oordeel_veld(_("Oordeel"))
    oorzaak = oorzaak_veld()
    definitief_standpunt = forms.BooleanField(
        label=_("Dit is ons definitieve standpunt"),
        required=False,
        help_text=_(
            "Het antwoord krijgt dan de paragraaf over de externe instantie met de uiterste datum, "
            "in plaats van de uitleg over heroverweging."
        ),
    )
    field_order = ["oordeel", "oorzaak", "definitief_standpunt", "onderwerp", "tekst"]


class HeroverwegingAntwoordFormulier(BerichtFormulier):
    vrije_tekst_verplicht = True
    oordeel = oordeel_veld(_("Oordeel na heroverweging"))
    oorzaak = oorzaak_veld()
    field_order = ["oordeel", "oorzaak", "onderwerp", "tekst"]


class RedenFormulier(ActieFormulier):
    reden = forms.CharField(
        label=_("Reden"), widget=forms.Textarea(attrs={"rows": 4}), max_length=OMSCHRIJVING_MAX
    )


class ExterneProcedureFormulier(ActieFormulier):
    """A new case at an external body, or the outcome of one recorded before."""

    procedure = forms.ModelChoiceField(
        label=_("Bestaande procedure bijwerken"),
        queryset=ExterneProcedure.objects.none(),
        required=False,
        empty_label=_("Nee, een nieuwe procedure"),
    )
    instantie = forms.ModelChoiceField(
        label=_("Instantie"), queryset=ExterneInstantie.objects.all()
    )
    ingediend_datum = forms.DateField(label=_("Ingediend op"), widget=Datumkiezer())
    uitkomst = forms.ChoiceField(label=_("Uitkomst"), choices=Uitkomst.choices)
    beslist_datum = forms.DateField(label=_("Beslist op"), required=False, widget=Datumkiezer())
    toelichting = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OMSCHRIJVING_MAX,
    )

    def __init__(self, *args, klacht=None, **kwargs):
        super().__init__(*args, **kwargs)
        if klacht is not None:
            self.fields["procedure"].queryset = klacht.externe_procedures.select_related(
                "instantie"
            )
        if not self.fields["procedure"].queryset.exists():
            del self.fields["procedure"]


class LeermomentFormulier(ActieFormulier):
    omschrijving = forms.CharField(
        label=_("Wat leren we van deze klacht?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=OMSCHRIJVING_MAX,
    )


class MedewerkerBesprokenFormulier(ActieFormulier):
    """The talk with the employee the complaint is about (issue 22): when, and what came out of
    it; who held it is the teamleider who records it."""

    datum = forms.DateField(label=_("Datum van het gesprek"), widget=Datumkiezer())
    samenvatting = forms.CharField(
        label=_("Korte samenvatting"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Intern: de klant leest dit niet, en de medewerker over wie de klacht gaat ziet het "
            "dossier niet."
        ),
    )


class KwetsbaarheidFormulier(ActieFormulier):
    """A sign that the customer is vulnerable; the signals already on the dossier are not
    offered again."""

    soort = forms.ChoiceField(
        label=_("Signaal"), choices=KwetsbaarheidSoort.choices, widget=forms.RadioSelect
    )
    toelichting = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OMSCHRIJVING_MAX,
        help_text=_(
            "Alleen wat collega's nodig hebben om de klant goed te helpen. Alleen wie de klacht "
            "behandelt, ziet het signaal; de klant niet."
        ),
    )

    def __init__(self, *args, klacht=None, **kwargs):
        super().__init__(*args, **kwargs)
        if klacht is not None:
            vastgelegd = set(klacht.kwetsbaarheidssignalen.values_list("soort", flat=True))
            if nieuw := [(w, n) for w, n in KwetsbaarheidSoort.choices if w not in vastgelegd]:
                self.fields["soort"].choices = nieuw


class KwetsbaarheidIntrekkenFormulier(ActieFormulier):
    """Withdraw a signal recorded by mistake; lowering the urgency is the handler's own choice."""

    soort = forms.ChoiceField(
        label=_("Welk signaal trekt u in?"),
        choices=KwetsbaarheidSoort.choices,
        widget=forms.RadioSelect,
    )
    urgentie_verlagen = forms.BooleanField(
        label=_("Zet de urgentie terug op normaal"),
        required=False,
        help_text=_(
            "Kan alleen als er geen ander signaal op het dossier staat. Zonder vinkje blijft de "
            "urgentie hoog."
        ),
    )

    def __init__(self, *args, klacht=None, **kwargs):
        super().__init__(*args, **kwargs)
        if klacht is not None:
            vastgelegd = set(klacht.kwetsbaarheidssignalen.values_list("soort", flat=True))
            if op_dossier := [(w, n) for w, n in KwetsbaarheidSoort.choices if w in vastgelegd]:
                self.fields["soort"].choices = op_dossier


class DoorverwijzingFormulier(ActieFormulier):
    """A referral of a vulnerable customer to help outside the insurer, or the outcome of one
    recorded before."""

    doorverwijzing = forms.ModelChoiceField(
        label=_("Bestaande doorverwijzing bijwerken"),
        queryset=Doorverwijzing.objects.none(),
        required=False,
        empty_label=_("Nee, een nieuwe doorverwijzing"),
    )
    naar = forms.CharField(
        label=_("Doorverwezen naar"),
        max_length=200,
        help_text=_(
            "Bijvoorbeeld: schuldhulpverlening van de gemeente, het Taalhuis, het wijkteam of "
            "de huisarts."
        ),
    )
    datum = forms.DateField(label=_("Datum van de doorverwijzing"), widget=Datumkiezer())
    uitkomst = forms.ChoiceField(label=_("Uitkomst"), choices=DoorverwijzingUitkomst.choices)
    toelichting = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OMSCHRIJVING_MAX,
    )

    def __init__(self, *args, klacht=None, **kwargs):
        super().__init__(*args, **kwargs)
        veld = self.fields["doorverwijzing"]
        if klacht is not None:
            veld.queryset = klacht.doorverwijzingen.all()
        veld.label_from_instance = lambda d: f"{d.naar} ({formats.date_format(d.datum)})"
        if not veld.queryset.exists():
            del self.fields["doorverwijzing"]


class VerbeterpuntFormulier(forms.Form):
    omschrijving = forms.CharField(
        label=_("Verbeterpunt"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OMSCHRIJVING_MAX,
    )
    eigenaar = forms.ModelChoiceField(
        label=_("Eigenaar"),
        queryset=Medewerker.objects.filter(is_active=True).order_by("first_name", "last_name"),
    )
    streefdatum = forms.DateField(label=_("Streefdatum"), widget=Datumkiezer())


class VerbeterpuntActieFormulier(ActieFormulier, VerbeterpuntFormulier):
    pass


class VerbeterpuntStatusFormulier(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=VerbeterpuntStatus.choices)


class KlantInformatieFormulier(BijlagenFormMixin, forms.Form):
    """The customer adds information on the status page."""

    tekst = forms.CharField(
        label=_("Uw aanvulling"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": OMSCHRIJVING_MAX}),
        max_length=OMSCHRIJVING_MAX,
    )
    bijlagen = BijlagenField(label=_("Bijlagen"), help_text=BIJLAGEN_HELP)


class HeroverwegingVragenFormulier(forms.Form):
    reden = forms.CharField(
        label=_("Waarom bent u het niet eens met ons antwoord?"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": OMSCHRIJVING_MAX}),
        max_length=OMSCHRIJVING_MAX,
    )


class LinkKwijtFormulier(forms.Form):
    """ "Link kwijt?": the e-mail address, and the dossiernummer if the customer still has it
    (without it, the links of all their recent complaints: services.statuslinks_opnieuw_sturen)."""

    email = forms.EmailField(label=_("Uw e-mailadres"))
    dossiernummer = forms.CharField(
        label=_("Dossiernummer"),
        max_length=20,
        required=False,
        help_text=_(
            "Bijvoorbeeld KL-2026-000123. Weet u het niet? Dan sturen we de links naar al uw klachten."
        ),
    )


class WerkvoorraadBulkFormulier(forms.Form):
    """Several complaints of the queue at once (issue 19): assign them to a handler, take them,
    or set their urgentie; each one then goes through its service on its own."""

    TOEWIJZEN, NEMEN, URGENTIE = "toewijzen", "nemen", "urgentie"

    actie = forms.ChoiceField(
        label=_("Actie"),
        choices=[
            (TOEWIJZEN, _("Toewijzen aan behandelaar")),
            (NEMEN, _("Zelf in behandeling nemen")),
            (URGENTIE, _("Urgentie zetten")),
        ],
        # On the work queue's every page: <select>s written without a template per option.
        widget=SnelleSelect,
    )
    behandelaar = forms.ModelChoiceField(
        label=_("Behandelaar"),
        queryset=Medewerker.objects.none(),
        required=False,
        widget=SnelleSelect,
    )
    urgentie = forms.ChoiceField(
        label=_("Urgentie"),
        choices=[("", "---------"), *Urgentie.choices],
        required=False,
        widget=SnelleSelect,
    )

    def __init__(self, *args, afdelingen=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["behandelaar"].queryset = self.kandidaten(afdelingen)

    @staticmethod
    def kandidaten(afdelingen) -> QuerySet[Medewerker]:
        """The insurer's own handlers (of the user's afdelingen when they have any: whom the
        service accepts for a complaint of that afdeling) and the partnerbehandelaars."""
        eigen = Q(groups__name__in=[rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER])
        if afdelingen:
            eigen &= Q(afdelingen__in=afdelingen)
        return Medewerker.objects.filter(
            Q(pk__in=Medewerker.objects.filter(eigen).values("pk"))
            | Q(
                pk__in=Medewerker.objects.filter(groups__name=rollen.PARTNERBEHANDELAAR).values(
                    "pk"
                )
            ),
            is_active=True,
        ).order_by("first_name", "last_name", "username")

    def clean(self):
        data = super().clean()
        actie = data.get("actie")
        if actie == self.TOEWIJZEN and not data.get("behandelaar"):
            self.add_error("behandelaar", _("Kies de behandelaar."))
        if actie == self.URGENTIE and not data.get("urgentie"):
            self.add_error("urgentie", _("Kies de urgentie."))
        return data


class WeergaveFormulier(forms.Form):
    """A saved view of the queue: its name, and for a teamleider the team it is shared with."""

    naam = forms.CharField(label=_("Naam van de weergave"), max_length=80)
    afdeling = forms.TypedChoiceField(
        label=_("Delen met team"), coerce=int, required=False, widget=SnelleSelect
    )

    def __init__(self, *args, afdelingen=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The user's afdelingen as read for the request (no query of its own).
        if afdelingen:
            self.fields["afdeling"].choices = [
                ("", _("Niet delen (alleen voor mij)")),
                *((a.pk, str(a)) for a in afdelingen),
            ]
        else:
            del self.fields["afdeling"]
