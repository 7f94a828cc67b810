from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from klachten.models import (
    Afdeling,
    Bericht,
    Bijlage,
    Categorie,
    DossiernummerReeks,
    Klacht,
    Label,
    Medewerker,
)


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["naam", "slug", "is_standaard", "hostnaam", "telefoon", "email"]
    prepopulated_fields = {"slug": ["naam"]}
    search_fields = ["naam", "slug", "hostnaam"]


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
class CategorieAdmin(admin.ModelAdmin):
    list_display = ["naam", "code", "afdeling", "actief", "volgorde"]
    list_filter = ["actief", "afdeling"]
    list_editable = ["actief", "volgorde"]
    prepopulated_fields = {"code": ["naam"]}
    search_fields = ["naam", "code"]


@admin.register(Medewerker)
class MedewerkerAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "rollen", "is_active"]
    list_filter = ["groups", "afdelingen", "is_active", "is_staff"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Rollen en afdelingen"), {"fields": ["afdelingen"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "afdelingen"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("rollen"))
    def rollen(self, obj):
        return ", ".join(g.name for g in obj.groups.all())


class BijlageInline(admin.TabularInline):
    model = Bijlage
    extra = 0
    fields = ["oorspronkelijke_naam", "mime_type", "grootte", "created_at"]
    readonly_fields = fields
    can_delete = False


class BerichtInline(admin.TabularInline):
    model = Bericht
    extra = 0
    fields = ["soort", "aan", "onderwerp", "status", "verzonden_op", "pogingen"]
    readonly_fields = fields
    can_delete = False


@admin.register(Klacht)
class KlachtAdmin(SimpleHistoryAdmin):
    list_display = ["dossiernummer", "label", "status", "kanaal", "afdeling", "ontvangen_op"]
    list_filter = ["status", "kanaal", "label", "afdeling", "categorie", "urgentie"]
    search_fields = ["dossiernummer", "klant_naam", "klant_email"]
    date_hierarchy = "ontvangen_op"
    list_select_related = ["label", "afdeling"]
    readonly_fields = [
        "dossiernummer",
        "status",
        "ontvangstbevestiging_uiterlijk_datum",
        "ontvangst_bevestigd_op",
        "afgesloten_op",
        "ingediend_door",
        "privacy_akkoord_op",
    ]
    raw_id_fields = ["behandelaar"]
    inlines = [BijlageInline, BerichtInline]

    def has_add_permission(self, request):
        # Complaints come in through the form, the staff intake or the API: they get their
        # dossiernummer and deadlines from klachten.services.klacht_registreren.
        return False


@admin.register(Bericht)
class BerichtAdmin(admin.ModelAdmin):
    list_display = ["klacht", "soort", "aan", "status", "pogingen", "created_at", "verzonden_op"]
    list_filter = ["status", "soort"]
    search_fields = ["klacht__dossiernummer", "aan", "onderwerp"]
    list_select_related = ["klacht"]
    readonly_fields = [f.name for f in Bericht._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DossiernummerReeks)
class DossiernummerReeksAdmin(admin.ModelAdmin):
    list_display = ["jaar", "laatste_nummer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Klachtenafhandeling - beheer")
admin.site.site_title = _("Klachtenafhandeling")
