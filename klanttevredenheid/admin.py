from django.contrib import admin

from klanttevredenheid.models import (
    Campagne,
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


@admin.register(Campagne)
class CampagneAdmin(admin.ModelAdmin):
    list_display = ["naam", "label", "created_at"]


class UitnodigingInline(admin.StackedInline):
    model = Uitnodiging
    fields = ["status", "reden_overgeslagen", "verzenden_op", "verzonden_op", "verloopt_op"]
    readonly_fields = fields
    can_delete = False
    extra = 0


@admin.register(Contactmoment)
class ContactmomentAdmin(admin.ModelAdmin):
    list_display = ["moment", "soort", "groep", "label", "afdeling", "behandelaar", "bron"]
    list_filter = ["soort", "groep", "bron", "label", "afdeling"]
    date_hierarchy = "moment"
    raw_id_fields = ["klacht", "behandelaar"]
    # The customer's data is written only by the services (contactmomenten_registreren), which
    # keep email_genormaliseerd, the 4-week throttle and the invitation in step with it: an
    # address edited here would be missed by a customer's access and erasure requests (AVG).
    readonly_fields = ["klant_email", "klant_naam", "klantnummer", "geanonimiseerd_op", "bureau"]
    inlines = [UitnodigingInline]
    list_select_related = ["label", "afdeling", "behandelaar"]
    show_full_result_count = False


@admin.register(Respons)
class ResponsAdmin(admin.ModelAdmin):
    list_display = ["ontvangen_op", "rapportcijfer", "nps_score", "contactmoment"]
    list_filter = ["rapportcijfer", "contactmoment__bron"]
    date_hierarchy = "ontvangen_op"
    raw_id_fields = ["contactmoment"]
    list_select_related = ["contactmoment"]
    show_full_result_count = False


@admin.register(Opvolging)
class OpvolgingAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "toegewezen_aan", "afgerond_op"]
    list_filter = ["status"]
    raw_id_fields = ["respons", "toegewezen_aan", "afgerond_door"]


@admin.register(Kwartaalcijfer)
class KwartaalcijferAdmin(admin.ModelAdmin):
    """Computed by the beat job and frozen: read only."""

    list_display = ["label", "jaar", "kwartaal", "gemiddelde", "nps", "aantal", "berekend_op"]
    list_filter = ["label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
