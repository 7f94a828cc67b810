from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from klachten import rollen, selectors, services, toegang
from klachten.berichten import samenstellen
from klachten.berichten.inkomend import beheer as inkomend_beheer
from klachten.berichten.inkomend.imap import MailboxFout
from klachten.middleware import client_ip, inzage_loggen
from klachten.models import (
    EMAIL_OF_POSTADRES,
    VERTAALTALEN,
    Afdeling,
    ApiSleutel,
    AvgVerzoek,
    Bericht,
    Berichtsjabloon,
    BerichtStatus,
    Bijlage,
    Categorie,
    DossiernummerReeks,
    ExterneInstantie,
    ExterneProcedure,
    InkomendBericht,
    InkomendStatus,
    Inzage,
    InzageSoort,
    Klacht,
    Koppellink,
    Label,
    Leermoment,
    Mailbox,
    Medewerker,
    Oorzaak,
    Productgroep,
    Reactietermijn,
    SociaalBericht,
    Socialekoppeling,
    Termijn,
    Termijnsignaal,
    Triage,
    Triagemodel,
    Triagesuggestie,
    Verbeterpunt,
)
from klachten.sociaal import handtekening as sociaal_handtekening
from klachten.workflow import NietsGewijzigd, WorkflowFout


class VertalingOntbreektFilter(admin.SimpleListFilter):
    """The rows whose customers read Dutch in a language because a translation is missing
    (klachten.models.Vertaalbaar)."""

    title = _("vertaling ontbreekt")
    parameter_name = "vertaling_ontbreekt"

    def lookups(self, request, model_admin):
        namen = dict(settings.LANGUAGES)
        return [(taal, namen[taal]) for taal in VERTAALTALEN]

    def queryset(self, request, queryset):
        if self.value() in VERTAALTALEN:
            return queryset.filter(queryset.model.vertaling_ontbreekt(self.value()))
        return queryset


class VertalingenAdmin(admin.ModelAdmin):
    """The admin of data customers read per language: the translations grouped under the Dutch
    text, a list column and a filter for what is missing."""

    # A web address typed without a scheme is https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("vertaling ontbreekt"))
    def vertaling_ontbreekt(self, obj) -> str:
        namen = dict(settings.LANGUAGES)
        return ", ".join(str(namen[taal]) for taal in obj.ontbrekende_vertalingen) or "-"

    def get_fieldsets(self, request, obj=None):
        """Every field as the model orders it, the translations apart at the end."""
        vertalingen = [f"{veld}_{taal}" for veld in self.model.VERTAALD for taal in VERTAALTALEN]
        velden = [veld for veld in self.get_fields(request, obj) if veld not in vertalingen]
        return [
            (None, {"fields": velden}),
            (_("Vertalingen (leeg: de klant leest het Nederlands)"), {"fields": vertalingen}),
        ]


class ReactietermijnInline(admin.TabularInline):
    """The reaction terms the label publishes per channel on its klachtenprocedure page, and
    which the month report measures. A channel without a row has no published term."""

    model = Reactietermijn
    extra = 0
    fields = ["kanaal", "aantal", "eenheid"]


class ZonderVerwijderen:
    """Personal data leaves only through the privacy services: the retention job anonymises a
    closed complaint and a customer's erasure request erases everything of that address and is
    logged (klachten.avg, DESIGN.md section 10); klanttevredenheid erases its contact moments
    itself (persoonsgegevens_wissen). A delete in the admin would skip the log of the request,
    the attachments' files, the history versions and the figures that must stay, so no admin
    deletes a record that holds a customer's data or belongs to one
    (tests/test_admin_verwijderen.py walks every admin)."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Label)
class LabelAdmin(VertalingenAdmin):
    list_display = [
        "naam",
        "slug",
        "is_standaard",
        "hostnaam",
        "telefoon",
        "email",
        "vertaling_ontbreekt",
    ]
    list_filter = [VertalingOntbreektFilter]
    prepopulated_fields = {"slug": ["naam"]}
    search_fields = ["naam", "slug", "hostnaam"]
    inlines = [ReactietermijnInline]


class CategorieInline(admin.TabularInline):
    model = Categorie
    extra = 0
    fields = ["naam", "code", "actief", "volgorde"]
    prepopulated_fields = {"code": ["naam"]}


@admin.register(Afdeling)
class AfdelingAdmin(admin.ModelAdmin):
    list_display = ["naam", "code"]
    prepopulated_fields = {"code": ["naam"]}
    search_fields = ["naam", "code"]
    inlines = [CategorieInline]


@admin.register(Categorie)
class CategorieAdmin(VertalingenAdmin):
    """Categorieën per label (issue 18): linked to no label, a categorie is offered to every
    label; a label with its own (a legal-aid label) gets them linked to it alone."""

    list_display = [
        "naam",
        "code",
        "afdeling",
        "voor_labels",
        "actief",
        "volgorde",
        "vertaling_ontbreekt",
    ]
    list_filter = ["actief", "afdeling", "labels", VertalingOntbreektFilter]
    list_editable = ["actief", "volgorde"]
    prepopulated_fields = {"code": ["naam"]}
    search_fields = ["naam", "naam_en", "naam_fr", "code"]
    filter_horizontal = ["labels"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("afdeling").prefetch_related("labels")

    @admin.display(description=_("labels"))
    def voor_labels(self, obj: Categorie) -> str:
        return ", ".join(label.naam for label in obj.labels.all()) or _("alle labels")


@admin.register(Medewerker)
class MedewerkerAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "rollen", "is_active"]
    list_filter = ["groups", "afdelingen", "is_active", "is_staff"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Rollen en afdelingen"), {"fields": ["afdelingen"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "afdelingen"]
    # A change of what the account may do takes effect at once: its sessions end and the staff
    # member logs in again with the new rights, as after an unlinked authenticator app.
    TOEGANGSVELDEN = frozenset(
        {"groups", "user_permissions", "is_active", "is_staff", "is_superuser"}
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def save_related(self, request, form, formsets, change):
        """The groups are saved with the related objects, after the account itself."""
        super().save_related(request, form, formsets, change)
        if change and self.TOEGANGSVELDEN & set(form.changed_data):
            toegang.sessies_beeindigen(medewerker=form.instance)

    @admin.display(description=_("rollen"))
    def rollen(self, obj):
        return ", ".join(g.name for g in obj.groups.all())


class AlleenLezenInline(admin.TabularInline):
    """Rows a service writes (attachments, messages), shown on their complaint: no row is
    added here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BijlageInline(AlleenLezenInline):
    model = Bijlage
    fields = ["oorspronkelijke_naam", "mime_type", "grootte", "created_at"]
    readonly_fields = fields


class BerichtInline(AlleenLezenInline):
    model = Bericht
    fields = ["soort", "aan", "onderwerp", "status", "verzonden_op", "pogingen"]
    readonly_fields = fields


class GeschiedenisAlleenLezen(SimpleHistoryAdmin):
    """Old versions are shown, never saved back: django-simple-history's "revert" saves the old
    version whole (state, behandelaar, deadlines, version), around every service (issue 16)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class KlachtAdminFormulier(forms.ModelForm):
    """The beheerder may correct the postal address, never leave a customer without any address
    (the check constraint klacht_email_of_postadres, said as a form error)."""

    def clean(self):
        data = super().clean()
        if "klant_postadres" in self.fields and not self.errors:
            self.instance.klant_postadres = data.get("klant_postadres", "")
            try:
                self.instance.adres_controleren()
            except ValidationError:
                self.add_error("klant_postadres", EMAIL_OF_POSTADRES)
        return data


@admin.register(Klacht)
class KlachtAdmin(ZonderVerwijderen, GeschiedenisAlleenLezen):
    form = KlachtAdminFormulier
    list_display = ["dossiernummer", "label", "status", "kanaal", "afdeling", "ontvangen_op"]
    list_filter = ["status", "kanaal", "label", "afdeling", "categorie", "urgentie"]
    search_fields = ["dossiernummer", "klant_naam", "klant_email"]
    date_hierarchy = "ontvangen_op"
    list_select_related = ["label", "afdeling"]
    # Fields a service owns change only through the dossier's actions (klachten.services), so the
    # table of allowed transitions, the version check, the timeline and each action's rules hold
    # in the admin too: afdeling and behandelaar only through toewijzen (never the employee the
    # complaint is about), urgentie and oorzaak through their actions, ontvangen_op and kanaal
    # only at registration (the deadlines are computed from them). The beheerder corrects what
    # the customer wrote; tests/test_admin_schrijfpad.py proves nothing else changes here.
    readonly_fields = [
        "dossiernummer",
        "kanaal",
        "ontvangen_op",
        "klant_email",
        "afdeling",
        "behandelaar",
        "betreft_medewerker",
        "medewerker_besproken_datum",
        "medewerker_besproken_door",
        "medewerker_gesprek_samenvatting",
        "vorige_klacht",
        "urgentie",
        "oorzaak",
        "direct_opgelost",
        "behandeling_hervat_op",
        "kifid_alarm_datum",
        "bezorging_uiterlijk_datum",
        "eerste_reactie_uiterlijk_op",
        "eerste_reactie_herinnering_op",
        "geanonimiseerd_op",
        "status",
        "is_ontvankelijk",
        "oordeel",
        "beantwoord_op",
        "definitief_standpunt_op",
        "heroverweging_gevraagd_op",
        "heroverweging_behandelaar",
        "laatste_klantcontact_op",
        "klantbericht_op",
        "behandelaar_gelezen_op",
        "antwoord_uiterlijk_datum",
        "statusupdate_uiterlijk_datum",
        "heroverweging_uiterlijk_datum",
        "volgende_termijn_datum",
        "versie",
        "ontvangstbevestiging_uiterlijk_datum",
        "ontvangst_bevestigd_op",
        "afgesloten_op",
        "ingediend_door",
        "privacy_akkoord_op",
    ]
    inlines = [BijlageInline, BerichtInline]

    def has_add_permission(self, request):
        # Complaints come in through the form, the staff intake or the API: they get their
        # dossiernummer and deadlines from klachten.services.klacht_registreren.
        return False

    def _inzage(self, request, object_id):
        klacht = self.get_object(request, object_id)
        if klacht is not None:
            inzage_loggen(request, klacht, InzageSoort.BEHEER)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._inzage(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._inzage(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._inzage(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class AfTeHandelenFilter(admin.SimpleListFilter):
    """The outbox as the beheerder watches it (issue 15): what waits after a failed attempt, and
    what was refused for good and not yet sent again."""

    title = _("aandacht nodig")
    parameter_name = "aandacht"

    def lookups(self, request, model_admin):
        return [
            ("wacht_na_fout", _("Wacht na een mislukte poging")),
            ("onbestelbaar", _("Onbestelbaar, niet opnieuw verstuurd")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "wacht_na_fout":
            return queryset.filter(status=BerichtStatus.WACHTEND, pogingen__gt=0)
        if self.value() == "onbestelbaar":
            return queryset.filter(
                status=BerichtStatus.ONBESTELBAAR, opnieuw_verstuurd_als__isnull=True
            )
        return queryset


@admin.register(Bericht)
class BerichtAdmin(ZonderVerwijderen, admin.ModelAdmin):
    list_display = [
        "klacht",
        "soort",
        "aan",
        "status",
        "pogingen",
        "volgende_poging_op",
        "laatste_fout",
        "created_at",
        "verzonden_op",
    ]
    list_filter = [AfTeHandelenFilter, "status", "soort"]
    search_fields = ["klacht__dossiernummer", "aan", "onderwerp"]
    list_select_related = ["klacht"]
    readonly_fields = [f.name for f in Bericht._meta.fields]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A message holds what the customer was told: reading it opens their dossier."""
        bericht = self.get_object(request, object_id)
        if bericht is not None and bericht.klacht_id is not None:
            inzage_loggen(request, bericht.klacht, InzageSoort.BEHEER)
        return super().change_view(request, object_id, form_url, extra_context)


class AlleenLezen(admin.ModelAdmin):
    """Read only: the beheerder reads and searches it; nobody adds, changes or deletes a row
    (the access log, the numbering of dossiers)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DossiernummerReeks)
class DossiernummerReeksAdmin(AlleenLezen):
    list_display = ["jaar", "laatste_nummer"]


@admin.register(Berichtsjabloon)
class BerichtsjabloonAdmin(admin.ModelAdmin):
    """The message templates (issue 18): the body only; the list and the form show what needs
    review (samenstellen.sjabloon_nakijken) and the form which variables the kind has."""

    list_display = ["soort", "taal", "eenvoudige_taal", "onderwerp", "nakijken", "updated_at"]
    list_filter = ["soort", "taal", "eenvoudige_taal"]
    search_fields = ["onderwerp", "tekst"]
    readonly_fields = ["nakijken"]

    @admin.display(description=_("nakijken"))
    def nakijken(self, obj):
        return (
            " ".join(samenstellen.sjabloon_nakijken(obj.tekst, obj.soort)) if obj and obj.pk else ""
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        soorten = [obj.soort] if obj is not None else list(samenstellen.VARIABELEN_PER_SOORT)
        per_soort = "; ".join(
            f"{soort}: "
            + ", ".join(f"{{{{ {v} }}}}" for v in samenstellen.VARIABELEN_PER_SOORT[soort])
            for soort in soorten
            if soort in samenstellen.VARIABELEN_PER_SOORT
        )
        form.base_fields["tekst"].help_text = _(
            "Alleen de romp van het bericht: aanhef, volgende stap (heroverweging of externe "
            "instantie), ondertekening en de link naar de klachtenprocedure komen er vanzelf "
            "omheen. Beschikbaar: {{ klacht.* }}, {{ label.* }}, %(altijd)s. %(per_soort)s"
        ) % {
            "altijd": ", ".join(f"{{{{ {v} }}}}" for v in samenstellen.VARIABELEN_ALTIJD),
            "per_soort": per_soort,
        }
        return form


@admin.register(ExterneInstantie)
class ExterneInstantieAdmin(VertalingenAdmin):
    list_display = [
        "naam",
        "code",
        "maanden_na_standpunt",
        "maanden_na_klacht",
        "vertaling_ontbreekt",
    ]
    list_filter = [VertalingOntbreektFilter]
    prepopulated_fields = {"code": ["naam"]}


class VanHetDossier(ZonderVerwijderen, admin.ModelAdmin):
    """Recorded on the dossier, through its action (klachten.services): the beheerder reads it
    here. The action locks the complaint, checks the workflow and writes the timeline entry; an
    edit here would skip all three (issue 16), and the dossier page is where it is done."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(ExterneProcedure)
class ExterneProcedureAdmin(VanHetDossier):
    """Recorded and followed up with externe_procedure_vastleggen (step 6)."""

    list_display = ["klacht", "instantie", "ingediend_datum", "uitkomst", "beslist_datum"]
    list_filter = ["instantie", "uitkomst"]
    search_fields = ["klacht__dossiernummer"]
    list_select_related = ["klacht", "instantie"]


@admin.register(Leermoment)
class LeermomentAdmin(VanHetDossier):
    """Recorded with leermoment_toevoegen (step 8); its text is also on the timeline."""

    list_display = ["klacht", "omschrijving", "door", "created_at"]
    search_fields = ["klacht__dossiernummer", "omschrijving"]
    list_select_related = ["klacht", "door"]


class VerbeterpuntBijwerkenFormulier(forms.ModelForm):
    """The follow-up of an improvement action as verbeterpunt_bijwerken does it: the status and
    the due date, with its rules (who may, gereed_op stamped once) and its refusals shown as
    errors of this form.

    The service writes from clean(): the admin has no hook between validation and saving that
    can still show an error, and its change view runs in one transaction with no inline after
    this form, so nothing is written unless the whole form is accepted.
    """

    class Meta:
        model = Verbeterpunt
        fields = ["status", "streefdatum"]

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.instance.pk is None:
            return cleaned
        try:
            self.bijgewerkt = services.verbeterpunt_bijwerken(
                verbeterpunt=self.instance,
                door=self.medewerker,
                status=cleaned["status"],
                streefdatum=cleaned["streefdatum"],
            )
        except NietsGewijzigd:
            pass  # the same values again: nothing to save, no history row
        except ValidationError as fout:
            self.add_error(None, fout)
        except WorkflowFout as fout:
            self.add_error(None, str(fout))
        return cleaned


@admin.register(Verbeterpunt)
class VerbeterpuntAdmin(ZonderVerwijderen, GeschiedenisAlleenLezen):
    """Followed up through verbeterpunt_bijwerken; made on the dossier or the list of
    improvement actions (verbeterpunt_toevoegen, which writes the timeline entry)."""

    form = VerbeterpuntBijwerkenFormulier
    list_display = ["omschrijving", "klacht", "eigenaar", "streefdatum", "status"]
    list_filter = ["status"]
    search_fields = ["omschrijving", "klacht__dossiernummer"]
    list_select_related = ["klacht", "eigenaar"]
    readonly_fields = ["klacht", "omschrijving", "eigenaar", "gereed_op", "aangemaakt_door"]

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"medewerker": request.user})

    def save_model(self, request, obj, form, change):
        """Already saved by the service in the form's clean()."""


@admin.register(Termijn)
class TermijnAdmin(admin.ModelAdmin):
    """The deadline rules; a change applies to deadlines computed from then on."""

    list_display = [
        "soort",
        "dagen",
        "werkdagen",
        "land",
        "herinnering_dagen_vooraf",
        "automatisch",
        "verlenging_max_dagen",
    ]
    list_editable = [
        "dagen",
        "werkdagen",
        "land",
        "herinnering_dagen_vooraf",
        "automatisch",
        "verlenging_max_dagen",
    ]

    def has_add_permission(self, request):
        return False  # one row per kind, made by the migration

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Klachtenafhandeling - beheer")
admin.site.site_title = _("Klachtenafhandeling")


@admin.register(Oorzaak)
class OorzaakAdmin(admin.ModelAdmin):
    list_display = ["naam", "code", "actief", "volgorde"]
    list_editable = ["actief", "volgorde"]
    prepopulated_fields = {"code": ["naam"]}


@admin.register(Productgroep)
class ProductgroepAdmin(admin.ModelAdmin):
    list_display = ["naam", "code", "volgorde"]
    list_editable = ["volgorde"]
    prepopulated_fields = {"code": ["naam"]}


@admin.register(Triage)
class TriageAdmin(admin.ModelAdmin):
    """The triage suggestion (klachten.triage): the beheerder sets the threshold below which it
    stays off, and reads the latest model's accuracy on held-out complaints beside it."""

    fields = ["actief", "drempel", "huidig_model", "overgenomen"]
    readonly_fields = ["huidig_model", "overgenomen"]
    list_display = ["__str__", "actief", "drempel", "huidig_model"]

    def has_add_permission(self, request):
        return not Triage.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("model van vannacht"))
    def huidig_model(self, obj):
        from klachten import triage

        model = triage.actueel_model()
        if model is None:
            laatste = Triagemodel.objects.first()
            return laatste.opmerking if laatste else _("Nog geen model getraind.")
        aan = model.nauwkeurigheid >= obj.drempel
        return format_html(
            "{}: {} ({} {}; {}: {}%, {}: {}%) — {}",
            date_format(model.datum),
            _("nauwkeurigheid op achtergehouden klachten"),
            model.aantal_toets,
            _("klachten"),
            _("categorie"),
            model.nauwkeurigheid_categorie,
            _("afdeling"),
            model.nauwkeurigheid_afdeling,
            _("voorstel aan") if aan and obj.actief else _("voorstel uit"),
        )

    @admin.display(description=_("voorstel overgenomen"))
    def overgenomen(self, obj):
        tellingen = Triagesuggestie.objects.filter(overgenomen__isnull=False).aggregate(
            beslist=Count("pk"), overgenomen=Count("pk", filter=Q(overgenomen=True))
        )
        if not tellingen["beslist"]:
            return _("nog geen")
        return f"{tellingen['overgenomen']} / {tellingen['beslist']}"


@admin.register(Triagemodel)
class TriagemodelAdmin(AlleenLezen):
    list_display = [
        "datum",
        "aantal_training",
        "aantal_toets",
        "nauwkeurigheid_categorie",
        "nauwkeurigheid_afdeling",
        "opmerking",
    ]
    exclude = ["model"]


@admin.register(Inzage)
class InzageAdmin(AlleenLezen):
    """Who opened which dossier or attachment, when (DESIGN.md section 10)."""

    list_display = ["op", "medewerker", "klacht", "soort", "bijlage_naam", "ip_adres"]
    list_filter = ["soort", ("op", admin.DateFieldListFilter)]
    search_fields = [
        "klacht__dossiernummer",
        "medewerker__username",
        "medewerker__first_name",
        "medewerker__last_name",
        "bijlage_naam",
    ]
    search_help_text = _("Zoek op dossiernummer, gebruikersnaam, naam of bestandsnaam.")
    date_hierarchy = "op"
    list_select_related = ["medewerker", "klacht"]
    raw_id_fields = ["medewerker", "klacht", "bijlage"]
    show_full_result_count = False


@admin.register(AvgVerzoek)
class AvgVerzoekAdmin(AlleenLezen):
    list_display = ["op", "soort", "email_gemaskeerd", "door", "aantallen"]
    list_filter = ["soort"]
    date_hierarchy = "op"
    list_select_related = ["door"]


# --- access: API keys and koppellinks (issue 15) ------------------------------------------------

admin.site.unregister(APIKey)  # the library's own key model is not used: keys belong to an account


class ApiSleutelFormulier(forms.ModelForm):
    class Meta:
        model = ApiSleutel
        fields = ["medewerker", "name", "expiry_date"]

    def clean_medewerker(self):
        medewerker = self.cleaned_data["medewerker"]
        if not rollen.is_systeemkoppeling(medewerker):
            raise forms.ValidationError(
                _(
                    "Alleen een account met alleen de rol systeemkoppeling krijgt een "
                    "API-sleutel; medewerkers gebruiken de API met hun eigen login en code."
                )
            )
        return medewerker


def _sleutel_melden(request, sleutel: ApiSleutel, tekst: str) -> None:
    messages.warning(
        request,
        _(
            "De API-sleutel voor %(account)s (%(naam)s) is: %(sleutel)s — bewaar hem veilig, "
            "hij wordt niet opnieuw getoond. Geldig tot %(tot)s."
        )
        % {
            "account": sleutel.medewerker.get_username(),
            "naam": sleutel.name,
            "sleutel": tekst,
            "tot": date_format(timezone.localtime(sleutel.expiry_date), "DATETIME_FORMAT"),
        },
    )


@admin.register(ApiSleutel)
class ApiSleutelAdmin(admin.ModelAdmin):
    """The beheerder makes, rotates and revokes the keys of system accounts; a key's text is
    shown once, after it was made, and only its hash is kept."""

    form = ApiSleutelFormulier
    list_display = [
        "prefix",
        "name",
        "medewerker",
        "created",
        "expiry_date",
        "laatst_gebruikt_op",
        "_has_expired",
        "revoked",
    ]
    list_filter = ["revoked", "created"]
    search_fields = ["name", "prefix", "medewerker__username"]
    list_select_related = ["medewerker"]
    actions = ["intrekken", "vernieuwen"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["prefix"]
        return ["prefix", "medewerker", "name", "expiry_date", "revoked", "laatst_gebruikt_op"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "medewerker":
            kwargs["queryset"] = Medewerker.objects.filter(groups__name=rollen.SYSTEEMKOPPELING)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # A key is never edited: it is revoked or rotated (the actions).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            sleutel, tekst = toegang.api_sleutel_maken(
                medewerker=obj.medewerker, naam=obj.name, geldig_tot=obj.expiry_date
            )
        except toegang.ToegangFout as fout:
            raise PermissionDenied(str(fout)) from fout
        obj.pk = sleutel.pk
        _sleutel_melden(request, sleutel, tekst)

    @admin.action(description=_("Geselecteerde API-sleutels intrekken"), permissions=["change"])
    def intrekken(self, request, queryset):
        for sleutel in queryset:
            toegang.api_sleutel_intrekken(sleutel=sleutel)
        messages.success(
            request, _("%(aantal)d sleutel(s) ingetrokken.") % {"aantal": len(queryset)}
        )

    @admin.action(
        description=_("Geselecteerde API-sleutels vernieuwen (de oude werkt nog 24 uur)"),
        permissions=["change"],
    )
    def vernieuwen(self, request, queryset):
        for sleutel in queryset.select_related("medewerker"):
            try:
                nieuw, tekst = toegang.api_sleutel_vernieuwen(sleutel=sleutel)
            except toegang.ToegangFout as fout:
                messages.error(request, f"{sleutel}: {fout}")
                continue
            _sleutel_melden(request, nieuw, tekst)


@admin.action(
    description=_("Koppellink voor de authenticator-app maken (24 uur geldig)"),
    permissions=["change"],
)
def koppellink_maken(modeladmin, request, queryset):
    """The beheerder hands the link to the staff member (in person or by phone, not by the
    account's e-mail alone); it works once, after the account's own password."""
    for medewerker in queryset:
        try:
            _link, token = toegang.koppellink_maken(medewerker=medewerker, door=request.user)
        except toegang.ToegangFout as fout:
            messages.error(request, f"{medewerker.get_username()}: {fout}")
            continue
        url = request.build_absolute_uri(reverse("koppellink", args=[token]))
        messages.warning(
            request,
            _(
                "Koppellink voor %(account)s (eenmalig, 24 uur geldig; wordt niet opnieuw "
                "getoond): %(url)s"
            )
            % {"account": medewerker.get_username(), "url": url},
        )


MedewerkerAdmin.actions = [koppellink_maken]


admin.site.unregister(TOTPDevice)  # django_otp's own admin shows and edits the secret key


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(admin.ModelAdmin):
    """The staff's authenticator apps (the second factor). The beheerder sees who linked one and
    when it was last used, and removes it when a phone is lost: that ends the account's sessions
    (klachten.receivers.app_ontkoppeld), and the staff member links a new app through a koppellink.
    The secret key is never shown (no QR code or configuration page either) and no app is added
    or edited here: only its owner links one, with a code from the app itself."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Koppellink)
class KoppellinkAdmin(AlleenLezen):
    """Which links were handed out, by whom, and whether they were used (the token itself is
    not stored)."""

    list_display = ["medewerker", "created_at", "aangemaakt_door", "geldig_tot", "gebruikt_op"]
    list_select_related = ["medewerker", "aangemaakt_door"]
    search_fields = ["medewerker__username"]
    exclude = ["token_hash"]


@admin.register(Termijnsignaal)
class TermijnsignaalAdmin(AlleenLezen):
    """What the deadline watch signalled, and whether its notices arrived: a signal whose notice
    was refused for good does not read as sent (selectors.signaal_bezorging)."""

    list_display = ["klacht", "soort", "termijn", "datum", "created_at", "bezorging"]
    list_filter = ["soort", "termijn"]
    search_fields = ["klacht__dossiernummer"]
    list_select_related = ["klacht"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("berichten")

    @admin.display(description=_("bezorging"))
    def bezorging(self, signaal):
        return BerichtStatus(selectors.signaal_bezorging(signaal)).label


# --- the e-mail channel (issue 17) ----------------------------------------------------------------


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    """One mailbox per label: where its mail is read (IMAP, or without a server the local folder
    of development) and how it logs in. The secret itself is never in the database: the row
    names the environment variable, and the list shows whether it is set. The reader keeps
    when it last read and what failed last."""

    list_display = [
        "adres",
        "label",
        "imap_host",
        "aanmelding",
        "geheim_variabele",
        "geheim_ingesteld",
        "actief",
        "gelezen_op",
        "laatste_fout_op",
        "in_quarantaine",
    ]
    list_filter = ["actief", "label", "aanmelding"]
    search_fields = ["adres", "imap_host", "gebruiker"]
    list_select_related = ["label"]
    readonly_fields = ["geheim_ingesteld", "gelezen_op", "laatste_fout", "laatste_fout_op"]
    fieldsets = [
        (None, {"fields": ["label", "adres", "actief"]}),
        (
            _("IMAP"),
            {
                "fields": [
                    "imap_host",
                    "imap_poort",
                    "beveiliging",
                    "map",
                    "gebruiker",
                    "aanmelding",
                    "geheim_variabele",
                    "geheim_ingesteld",
                ],
                "description": _(
                    "Zonder IMAP-server leest de toepassing de lokale map (ontwikkeling en demo)."
                ),
            },
        ),
        (_("Lezen"), {"fields": ["gelezen_op", "laatste_fout", "laatste_fout_op"]}),
    ]
    actions = ["verbinding_testen"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                quarantaine=Count(
                    "berichten", filter=Q(berichten__status=InkomendStatus.QUARANTAINE)
                )
            )
        )

    @admin.display(description=_("in quarantaine"), ordering="quarantaine")
    def in_quarantaine(self, mailbox):
        url = reverse("admin:klachten_inkomendbericht_changelist")
        filter_ = urlencode({"quarantaine": "ja", "mailbox__id__exact": mailbox.pk})
        return format_html('<a href="{}?{}">{}</a>', url, filter_, mailbox.quarantaine)

    @admin.display(description=_("geheim ingesteld"), boolean=True)
    def geheim_ingesteld(self, mailbox):
        return inkomend_beheer.geheim_ingesteld(mailbox)

    @admin.action(description=_("Verbinding testen (aanmelden, niets lezen)"))
    def verbinding_testen(self, request, queryset):
        for mailbox in queryset:
            try:
                uitkomst = inkomend_beheer.verbinding_testen(mailbox)
            except MailboxFout as fout:
                messages.error(request, f"{mailbox.adres}: {fout}")
            else:
                messages.success(request, f"{mailbox.adres}: {uitkomst}")


class QuarantaineFilter(admin.SimpleListFilter):
    """The quarantine: messages not turned into anything (spam-flagged, unreadable, too large,
    over the limit per sender), and those ignored as automatic or from mail systems."""

    title = _("quarantaine")
    parameter_name = "quarantaine"

    def lookups(self, request, model_admin):
        return [
            ("ja", _("In quarantaine")),
            ("genegeerd", _("Genegeerd")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(status=InkomendStatus.QUARANTAINE)
        if self.value() == "genegeerd":
            return queryset.filter(status=InkomendStatus.GENEGEERD)
        return queryset


@admin.register(InkomendBericht)
class InkomendBerichtAdmin(admin.ModelAdmin):
    """Every message read from the mailboxes, as stored, and what became of it. Read only: a
    message is never edited. From the quarantine the beheerder releases a message (processed
    again past the noise filters: a new complaint even if spam-flagged) or deletes it with its
    raw file; both are in the admin's log (klachten.berichten.inkomend.beheer)."""

    list_display = [
        "created_at",
        "status",
        "soort",
        "reden",
        "afzender",
        "onderwerp",
        "mailbox",
        "klacht_link",
    ]
    list_filter = [QuarantaineFilter, "status", "soort", "mailbox"]
    search_fields = ["afzender_adres", "onderwerp", "klacht__dossiernummer", "message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["mailbox", "klacht"]
    show_full_result_count = False
    exclude = ["bestand"]
    readonly_fields = ["origineel"]
    actions = ["vrijgeven", "verwijderen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_quarantaine_permission(self, request):
        """Releasing and deleting (never editing) is the change permission's."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A message holds what the customer wrote: reading it opens their dossier."""
        inkomend = self.get_object(request, object_id)
        if inkomend is not None and inkomend.klacht_id is not None:
            inzage_loggen(request, inkomend.klacht, InzageSoort.BEHEER)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/origineel/",
                self.admin_site.admin_view(self.origineel_view),
                name="klachten_inkomendbericht_origineel",
            ),
            *super().get_urls(),
        ]

    def origineel_view(self, request, object_id):
        """The raw message as it arrived, as a download (in the access log of its complaint)."""
        inkomend = self.get_object(request, object_id)
        if inkomend is None or not self.has_view_permission(request, inkomend):
            raise Http404
        try:
            ruw = inkomend_beheer.origineel_openen(
                inkomend=inkomend, medewerker=request.user, ip_adres=client_ip(request)
            )
        except FileNotFoundError as exc:
            raise Http404 from exc
        antwoord = HttpResponse(ruw, content_type="message/rfc822")
        antwoord["Content-Disposition"] = f'attachment; filename="bericht-{inkomend.pk}.eml"'
        return antwoord

    @admin.display(description=_("origineel bericht"))
    def origineel(self, inkomend):
        if not inkomend.bestand:
            return "-"
        url = reverse("admin:klachten_inkomendbericht_origineel", args=[inkomend.pk])
        return format_html('<a href="{}">{}</a>', url, _("Downloaden (.eml)"))

    @admin.display(description=_("klacht"), ordering="klacht__dossiernummer")
    def klacht_link(self, inkomend):
        if inkomend.klacht_id is None:
            return "-"
        url = reverse("admin:klachten_klacht_change", args=[inkomend.klacht_id])
        return format_html('<a href="{}">{}</a>', url, inkomend.klacht.dossiernummer)

    @admin.action(
        description=_("Vrijgeven: opnieuw verwerken, ook als spam gemarkeerd"),
        permissions=["quarantaine"],
    )
    def vrijgeven(self, request, queryset):
        for inkomend in queryset.order_by("created_at", "id"):
            try:
                verwerkt = inkomend_beheer.vrijgeven(inkomend=inkomend, door=request.user)
            except inkomend_beheer.QuarantaineFout as fout:
                messages.error(request, f"{inkomend.pk}: {fout}")
            else:
                niveau = messages.SUCCESS
                if verwerkt.status == InkomendStatus.QUARANTAINE:
                    niveau = messages.WARNING
                messages.add_message(request, niveau, f"{inkomend.pk}: {verwerkt.reden}")

    @admin.action(
        description=_("Verwijderen uit quarantaine (met het originele bericht)"),
        permissions=["quarantaine"],
    )
    def verwijderen(self, request, queryset):
        verwijderd = 0
        for inkomend in queryset:
            try:
                inkomend_beheer.verwijderen(inkomend=inkomend, door=request.user)
            except inkomend_beheer.QuarantaineFout as fout:
                messages.error(request, f"{inkomend.pk}: {fout}")
            else:
                verwijderd += 1
        if verwijderd:
            messages.success(
                request, _("%(aantal)d bericht(en) verwijderd.") % {"aantal": verwijderd}
            )


class SocialekoppelingFormulier(forms.ModelForm):
    """The outgoing webhook's secret is typed in once and never shown back (write-only); left
    empty, the stored one stays."""

    uitgaand_url = forms.URLField(
        label=_("uitgaande webhook"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Het adres waar de monitoringtool onze antwoorden ontvangt (https)."),
    )

    uitgaand_geheim_invoer = forms.CharField(
        label=_("geheim van de uitgaande webhook"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Het geheim waarmee de monitoringtool onze antwoorden controleert. Wordt versleuteld "
            "bewaard en niet meer getoond; leeg laten houdt het bestaande."
        ),
    )

    class Meta:
        model = Socialekoppeling
        fields = ["naam", "label", "uitgaand_url", "publieke_uitnodiging", "actief"]

    def clean_uitgaand_url(self):
        url = self.cleaned_data["uitgaand_url"]
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Alleen een http- of https-adres."))
        return url


def _koppelingsgeheim_melden(request, koppeling: Socialekoppeling, geheim: str) -> None:
    messages.warning(
        request,
        _(
            "Het gedeelde geheim van %(koppeling)s is: %(geheim)s — geef het aan de "
            "monitoringtool en bewaar het veilig, het wordt niet opnieuw getoond. Webhook: "
            "%(url)s"
        )
        % {
            "koppeling": koppeling,
            "geheim": geheim,
            "url": request.build_absolute_uri(
                reverse("sociaal-webhook", kwargs={"sleutel": koppeling.sleutel})
            ),
        },
    )


@admin.register(Socialekoppeling)
class SocialekoppelingAdmin(admin.ModelAdmin):
    """A label's monitoring tool for social media (issue 21): the webhook it posts to, the shared
    secret it signs with (made here, shown once, stored encrypted; the action makes a new one),
    the outgoing webhook for our replies, and the invitation to continue privately that is the
    only public answer."""

    form = SocialekoppelingFormulier
    list_display = ["naam", "label", "sleutel", "uitgaand_url", "uitgaand_ingesteld", "actief"]
    list_filter = ["actief", "label"]
    list_select_related = ["label"]
    readonly_fields = ["sleutel", "webhook", "uitgaand_ingesteld", "created_at"]
    actions = ["geheim_vernieuwen"]

    @admin.display(description=_("webhook"))
    def webhook(self, obj):
        if obj.pk is None:
            return "-"
        return reverse("sociaal-webhook", kwargs={"sleutel": obj.sleutel})

    @admin.display(description=_("uitgaand geheim ingesteld"), boolean=True)
    def uitgaand_ingesteld(self, obj):
        return bool(obj.uitgaand_geheim)

    def save_model(self, request, obj, form, change):
        invoer = form.cleaned_data.get("uitgaand_geheim_invoer")
        if invoer:
            obj.uitgaand_geheim = sociaal_handtekening.versleutelen(invoer)
        nieuw = None
        if not change:
            nieuw = sociaal_handtekening.nieuw_geheim()
            obj.geheim = sociaal_handtekening.versleutelen(nieuw)
        super().save_model(request, obj, form, change)
        if nieuw is not None:
            _koppelingsgeheim_melden(request, obj, nieuw)

    @admin.action(description=_("Nieuw gedeeld geheim maken (het oude werkt direct niet meer)"))
    def geheim_vernieuwen(self, request, queryset):
        for koppeling in queryset:
            nieuw = sociaal_handtekening.nieuw_geheim()
            koppeling.geheim = sociaal_handtekening.versleutelen(nieuw)
            koppeling.save(update_fields=["geheim"])
            _koppelingsgeheim_melden(request, koppeling, nieuw)


@admin.register(SociaalBericht)
class SociaalBerichtAdmin(admin.ModelAdmin):
    """Every event from a monitoring tool as it was received, read only: what it became."""

    list_display = ["created_at", "koppeling", "platform", "auteur", "openbaar", "soort", "klacht"]
    list_filter = ["koppeling", "platform", "soort", "openbaar"]
    search_fields = ["auteur", "extern_id", "klacht__dossiernummer"]
    list_select_related = ["koppeling__label", "klacht"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The customer's data: it goes with the complaint (retention, erasure), never by hand.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An event holds what the customer wrote: reading it opens their dossier (access log)."""
        sociaal = self.get_object(request, object_id)
        if sociaal is not None:
            inzage_loggen(request, sociaal.klacht, InzageSoort.BEHEER)
        return super().change_view(request, object_id, form_url, extra_context)
