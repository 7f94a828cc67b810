from django.contrib import admin

from klachten.admin import ZonderVerwijderen
from klanttevredenheid.models import (
    Campagne,
    Campagnevraag,
    Contactmoment,
    Enquete,
    Kwartaalcijfer,
    Opvolging,
    Respons,
    Uitnodiging,
)


@admin.register(Enquete)
class EnqueteAdmin(admin.ModelAdmin):
    list_display = ["soort", "uitnodigen", "nps_vragen", "vertraging_dagen", "verzendtijd"]
    list_editable = ["uitnodigen", "nps_vragen", "vertraging_dagen", "verzendtijd"]


class CampagnevraagInline(admin.TabularInline):
    """The campaign's own questions (issue 22): the beheerder defines the drivers (a rating 1-10
    each, e.g. product, service, communication) and open questions; the survey asks them after
    the rapportcijfer and the NPS question."""

    model = Campagnevraag
    fields = ["volgorde", "soort", "drijfveer", "tekst", "tekst_en", "tekst_fr", "verplicht"]
    extra = 0


@admin.register(Campagne)
class CampagneAdmin(admin.ModelAdmin):
    list_display = ["naam", "label", "created_at"]
    inlines = [CampagnevraagInline]


class UitnodigingInline(admin.StackedInline):
    model = Uitnodiging
    fields = ["status", "reden_overgeslagen", "verzenden_op", "verzonden_op", "verloopt_op"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # planned by the services with the contact moment


@admin.register(Contactmoment)
class ContactmomentAdmin(ZonderVerwijderen, admin.ModelAdmin):
    list_display = ["moment", "soort", "groep", "label", "afdeling", "behandelaar", "bron"]
    list_filter = ["soort", "groep", "bron", "label", "afdeling"]
    date_hierarchy = "moment"
    # A contact moment is written only by the services (contactmomenten_registreren), which
    # keep email_genormaliseerd, the 4-week throttle and the invitation in step with it: an
    # address edited here would be missed by a customer's access and erasure requests (AVG), a
    # moment or kind edited here would leave the invitation planned for the old one.
    inlines = [UitnodigingInline]
    list_select_related = ["label", "afdeling", "behandelaar"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Contactmoment._meta.fields]


@admin.register(Respons)
class ResponsAdmin(ZonderVerwijderen, admin.ModelAdmin):
    list_display = ["ontvangen_op", "rapportcijfer", "nps_score", "contactmoment"]
    list_filter = ["rapportcijfer", "contactmoment__bron"]
    date_hierarchy = "ontvangen_op"
    list_select_related = ["contactmoment"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # the customer's answer (enquete_beantwoorden, or an import)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Respons._meta.fields]


@admin.register(Opvolging)
class OpvolgingAdmin(ZonderVerwijderen, admin.ModelAdmin):
    list_display = [
        "created_at",
        "status",
        "toegewezen_aan",
        "geescaleerd_op",
        "afgerond_op",
        "afsluitreden",
    ]
    list_filter = ["status", "afsluitreden"]
    raw_id_fields = ["toegewezen_aan"]
    # Closed with its report through opvolging_afronden (the follow-up page), or by itself when
    # the customer is anonymised; escalated by the beat job. The beheerder may hand an open one
    # to someone else.
    readonly_fields = [
        "respons",
        "status",
        "notitie",
        "afgerond_op",
        "afgerond_door",
        "afsluitreden",
        "geescaleerd_op",
    ]

    def has_add_permission(self, request):
        return False  # made by enquete_beantwoorden for a low score


@admin.register(Kwartaalcijfer)
class KwartaalcijferAdmin(admin.ModelAdmin):
    """Computed by the beat job and frozen: read only."""

    list_display = ["label", "jaar", "kwartaal", "gemiddelde", "nps", "aantal", "berekend_op"]
    list_filter = ["label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
