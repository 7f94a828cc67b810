import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, pagination, permissions, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.response import Response

from klachten import selectors, services
from klachten.api.permissies import BestaandeMethode
from klachten.api.serializers import (
    FoutSerializer,
    KlachtInvoerSerializer,
    KlachtSerializer,
    KlantberichtSerializer,
    TijdlijnItemSerializer,
    api_fout,
)
from klachten.middleware import client_ip, inzage_loggen
from klachten.models import InzageSoort, Kanaal, Klacht
from klachten.workflow import Status, WorkflowFout


class KlachtPermissie(permissions.DjangoModelPermissions):
    """Registering needs klachten.add_klacht; reading needs view_klacht, then the same
    afdeling rules as the staff pages (klachten.selectors.klachten_voor)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_klacht"],
    }

    def _queryset(self, view):
        # Only its model counts here: not the caller's visible complaints (a query for
        # nothing when registering); reading filters by them (klachten_voor).
        return Klacht.objects.none()

    def has_permission(self, request, view):
        # Workflow actions on an existing complaint are checked by the workflow table itself.
        if getattr(view, "action", None) == "klantberichten":
            return request.user.has_perm("klachten.view_klacht")
        return super().has_permission(request, view)


class KlachtenPagina(pagination.CursorPagination):
    """Newest first, 25 a page; a cursor (keyset) rather than a page number, so page 1,000 costs
    what page 1 costs and a complaint filed meanwhile does not shift the pages."""

    ordering = ("-ontvangen_op", "-id")
    page_size = 25
    max_page_size = 100
    page_size_query_param = "aantal"


class UtcMomentVeld(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, passed to the database in UTC: Python reads offsets up to 24 hours,
    PostgreSQL only up to 16 (`+21:45` was a 500); a moment that does not fit in UTC (year 9999
    with a negative offset) is a field error."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(
                _("Dit moment valt buiten het bereik."), "invalid"
            ) from None


class UtcMomentFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcMomentVeld


class KlachtenApiFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    kanaal = django_filters.ChoiceFilter(choices=Kanaal.choices)
    label = django_filters.CharFilter(field_name="label__slug")
    afdeling = django_filters.CharFilter(field_name="afdeling__code")
    ontvangen_vanaf = UtcMomentFilter(field_name="ontvangen_op", lookup_expr="gte")
    ontvangen_tot = UtcMomentFilter(field_name="ontvangen_op", lookup_expr="lt")

    class Meta:
        model = Klacht
        fields = ["status", "kanaal", "label", "afdeling"]

    def is_valid(self):
        """An empty filter value (`?ontvangen_vanaf=`) is an error, as a malformed one is: a
        caller who meant to filter must not silently get everything (issue 15)."""
        geldig = super().is_valid()
        for naam in self.filters:
            waarden = (
                self.data.getlist(naam) if hasattr(self.data, "getlist") else [self.data.get(naam)]
            )
            if naam in self.data and not any(str(w or "").strip() for w in waarden):
                self.form.add_error(
                    naam, _("Lege waarde: geef een waarde of laat de parameter weg.")
                )
                geldig = False
        return geldig


# The error responses, documented as DRF gives them (the schema promises what the API answers).
VELDFOUTEN = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_(
        "Ongeldige invoer: per veld een lijst meldingen (niet aan een veld gebonden: "
        "non_field_errors); onleesbare invoer: detail."
    ),
)
NIET_INGELOGD = OpenApiResponse(FoutSerializer, description=_("Geen of een ongeldig token."))
GEEN_TOEGANG = OpenApiResponse(
    FoutSerializer, description=_("Dit account mag dit niet, of de workflow staat het nu niet toe.")
)
NIET_GEVONDEN = OpenApiResponse(
    FoutSerializer, description=_("Geen klacht met dit dossiernummer die dit account mag zien.")
)
FOUTEN = {401: NIET_INGELOGD, 403: GEEN_TOEGANG}


@extend_schema_view(
    list=extend_schema(
        responses={
            200: KlachtSerializer(many=True),
            400: VELDFOUTEN,
            **FOUTEN,
            404: OpenApiResponse(FoutSerializer, description=_("Ongeldige cursor.")),
        }
    ),
    retrieve=extend_schema(responses={200: KlachtSerializer, **FOUTEN, 404: NIET_GEVONDEN}),
)
class KlachtViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Complaints this account may see (the afdeling rules of the staff pages): the list newest
    first with filters and a cursor, one by dossiernummer, and registering one."""

    lookup_field = "dossiernummer"
    lookup_value_regex = r"KL-\d{4}-\d{6}"
    permission_classes = [BestaandeMethode, permissions.IsAuthenticated, KlachtPermissie]
    pagination_class = KlachtenPagina
    filter_backends = [DjangoFilterBackend]
    filterset_class = KlachtenApiFilter

    def get_queryset(self):
        return selectors.klachten_voor(self.request.user).select_related(
            "label", "afdeling", "categorie", "behandelaar"
        )

    def get_serializer_class(self):
        return {
            "create": KlachtInvoerSerializer,
            "tijdlijn": TijdlijnItemSerializer,
            "klantberichten": KlantberichtSerializer,
        }.get(self.action, KlachtSerializer)

    def paginate_queryset(self, queryset):
        """A page of the list holds the customers' data: each complaint on it is logged as
        opened (inzagelog)."""
        pagina = super().paginate_queryset(queryset)
        if pagina is not None and self.action == "list":
            services.inzagen_vastleggen(
                medewerker=self.request.user,
                klachten=pagina,
                soort=InzageSoort.API,
                ip_adres=client_ip(self.request),
            )
        return pagina

    def get_object(self):
        """One complaint, opened by this account: logged like a dossier view (inzagelog)."""
        klacht = super().get_object()
        inzage_loggen(self.request, klacht, InzageSoort.API)
        return klacht

    @extend_schema(
        request=KlachtInvoerSerializer,
        responses={201: KlachtSerializer, 400: VELDFOUTEN, **FOUTEN},
    )
    def create(self, request, *args, **kwargs):
        invoer = KlachtInvoerSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        try:
            klacht = services.klacht_registreren(
                ingediend_door=request.user, **invoer.validated_data
            )
        except DjangoValidationError as exc:
            raise api_fout(exc) from exc
        except WorkflowFout as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(KlachtSerializer(klacht).data, status=201)

    @extend_schema(responses={200: TijdlijnItemSerializer(many=True), **FOUTEN, 404: NIET_GEVONDEN})
    # The whole timeline of one complaint: no list filters, no pages.
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def tijdlijn(self, request, dossiernummer=None):
        """The dossier's timeline, newest first: received, messages in and out, status changes,
        notes, phone contacts, attachments and field changes."""
        klacht = self.get_object()
        return Response(TijdlijnItemSerializer(selectors.tijdlijn(klacht), many=True).data)

    @extend_schema(
        request=KlantberichtSerializer,
        responses={201: TijdlijnItemSerializer, 400: VELDFOUTEN, **FOUTEN, 404: NIET_GEVONDEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def klantberichten(self, request, dossiernummer=None):
        """Record information from the customer on the timeline (the behandelaar sees it); the
        workflow decides whether that is possible now (not on a closed complaint)."""
        klacht = self.get_object()
        invoer = KlantberichtSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        try:
            services.klantbericht_toevoegen(
                klacht=klacht, door=request.user, tekst=invoer.validated_data["tekst"]
            )
        except WorkflowFout as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        nieuwste = selectors.tijdlijn(klacht)[0]
        return Response(TijdlijnItemSerializer(nieuwste).data, status=201)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([permissions.AllowAny])
def niet_gevonden(request):
    """An address under /api/v1/ that is no operation of the API (klachten/api/urls.py)."""
    raise exceptions.NotFound
