from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.response import Response

from klachten import selectors, services
from klachten.api.serializers import KlachtInvoerSerializer, KlachtSerializer, api_fout
from klachten.workflow import WorkflowFout


class KlachtPermissie(permissions.DjangoModelPermissions):
    """Registering needs klachten.add_klacht; reading needs view_klacht, then the same
    afdeling rules as the staff pages (klachten.selectors.klachten_voor)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_klacht"],
    }


class KlachtViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "dossiernummer"
    lookup_value_regex = r"KL-\d{4}-\d{6}"
    permission_classes = [permissions.IsAuthenticated, KlachtPermissie]

    def get_queryset(self):
        return selectors.klachten_voor(self.request.user).select_related(
            "label", "afdeling", "categorie", "behandelaar"
        )

    def get_serializer_class(self):
        return KlachtInvoerSerializer if self.action == "create" else KlachtSerializer

    @extend_schema(request=KlachtInvoerSerializer, responses={201: KlachtSerializer})
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
