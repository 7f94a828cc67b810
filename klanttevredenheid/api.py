"""The contact-moment API for other systems (DESIGN.md section 6: contact moments "from other
systems through the API") and the validation of one contact moment that the API and the CSV
import (`manage.py contactmomenten_importeren`) share: `ContactmomentInvoerSerializer`."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response

from klachten.api.permissies import BestaandeMethode
from klachten.api.serializers import ZonderSurrogatenMixin
from klachten.models import VROEGSTE_ONTVANGST, Afdeling, Label, Medewerker, Productgroep
from klanttevredenheid import services
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    RedenOvergeslagen,
    Uitnodiging,
)

TOEKOMST_MARGE = dt.timedelta(minutes=5)
"""A contact moment may lie this far in the future: the other system's clock may run ahead."""

SOORTEN_ZONDER_CAMPAGNE = [
    (waarde, naam)
    for waarde, naam in ContactmomentSoort.choices
    if waarde != ContactmomentSoort.JAARONDERZOEK
]
"""The yearly survey is not a contact moment of its own: it only comes with a campaign."""

CAMPAGNEGROEPEN = [
    (waarde, naam) for waarde, naam in Enquetegroep.choices if waarde != Enquetegroep.CONTACTMOMENT
]

# The languages of the invitation e-mail: those with customer message templates (French for
# Belgian customers).
TALEN = [("nl", "Nederlands"), ("en", "English"), ("fr", "Français")]


def moment_controleren(moment: dt.datetime, *, op: dt.datetime | None = None) -> dt.datetime:
    """A contact moment from outside (API, CSV import, an external bureau's survey) lies neither
    in the future, beyond the other system's clock margin, nor before 2000 (a typing error)."""
    if moment > (op or timezone.now()) + TOEKOMST_MARGE:
        raise serializers.ValidationError(_("Een contactmoment kan niet in de toekomst liggen."))
    if moment < VROEGSTE_ONTVANGST:
        raise serializers.ValidationError(_("Een contactmoment kan niet voor 2000 liggen."))
    return moment


class OpzoekVeld(serializers.SlugRelatedField):
    """A SlugRelatedField that asks the database once per distinct value: an import validates
    all its rows with one serializer, so 100,000 rows of 20 afdelingen cost 20 queries."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._gevonden: dict[str, object] = {}

    def to_internal_value(self, data):
        # Not text, or text PostgreSQL cannot compare (a NUL byte): no lookup, a field error.
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        if data not in self._gevonden:
            self._gevonden[data] = self.get_queryset().filter(**{self.slug_field: data}).first()
        if self._gevonden[data] is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return self._gevonden[data]


class ContactmomentInvoerSerializer(ZonderSurrogatenMixin, serializers.Serializer):
    """A contact moment from another system."""

    # The one place where a contact moment from outside is checked: the API validates one, the
    # CSV import every row with one instance (run_validation). validated_data holds the fields of
    # services.NieuwContactmoment. Context, all optional: `bron` (default Bron.API), `label` (for
    # rows without one; default the standaardlabel), `op` (now), and for the yearly survey
    # `campagne` with `groep` (for rows without one): then soort defaults to jaaronderzoek, a
    # group is required and the label is the campaign's.

    soort = serializers.ChoiceField(
        choices=SOORTEN_ZONDER_CAMPAGNE, help_text=_("Het soort contactmoment.")
    )
    moment = serializers.DateTimeField(
        help_text=_(
            "Wanneer het contact was, ISO 8601 met tijdzone (bv. 2026-06-12T09:30:00+02:00); "
            "zonder tijdzone: Europe/Amsterdam. Niet in de toekomst."
        )
    )
    klant_email = serializers.EmailField(
        required=False,
        allow_blank=True,
        max_length=254,
        help_text=_("Zonder e-mailadres wordt er geen enquête gestuurd."),
    )
    klant_naam = serializers.CharField(required=False, allow_blank=True, max_length=200)
    klantnummer = serializers.CharField(required=False, allow_blank=True, max_length=50)
    afdeling = OpzoekVeld(
        slug_field="code",
        queryset=Afdeling.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code van de afdeling."),
        error_messages={"does_not_exist": _("Onbekende afdeling: {value}.")},
    )
    behandelaar = OpzoekVeld(
        slug_field="username",
        queryset=Medewerker.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("Gebruikersnaam van de medewerker die de klant sprak."),
        error_messages={"does_not_exist": _("Onbekende of inactieve medewerker: {value}.")},
    )
    productgroep = OpzoekVeld(
        slug_field="code",
        queryset=Productgroep.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code van de productgroep waarover het contact ging (productreview)."),
        error_messages={"does_not_exist": _("Onbekende productgroep: {value}.")},
    )
    label = OpzoekVeld(
        slug_field="slug",
        queryset=Label.objects.all(),
        required=False,
        help_text=_("Slug van het label; zonder: het standaardlabel."),
        error_messages={"does_not_exist": _("Onbekend label: {value}.")},
    )
    taal = serializers.ChoiceField(
        choices=TALEN, default="nl", help_text=_("Taal van de uitnodiging.")
    )

    def get_fields(self):
        velden = super().get_fields()
        if self.context.get("campagne") is not None:
            velden["soort"] = serializers.ChoiceField(
                choices=ContactmomentSoort.choices, default=ContactmomentSoort.JAARONDERZOEK
            )
            groep = self.context.get("groep")
            velden["groep"] = (
                serializers.ChoiceField(choices=CAMPAGNEGROEPEN, default=groep)
                if groep
                else serializers.ChoiceField(choices=CAMPAGNEGROEPEN)
            )
        return velden

    def validate_moment(self, moment: dt.datetime) -> dt.datetime:
        return moment_controleren(moment, op=self.context.get("op"))

    def validate(self, attrs):
        campagne = self.context.get("campagne")
        if campagne is not None:
            if attrs.get("label", campagne.label) != campagne.label:
                raise serializers.ValidationError(
                    {
                        "label": [
                            _("De campagne hoort bij label {label}.").format(
                                label=campagne.label.slug
                            )
                        ]
                    }
                )
            attrs["label"] = campagne.label
            attrs["campagne"] = campagne
        elif "label" not in attrs:
            attrs["label"] = self._standaardlabel()
        attrs["bron"] = self.context.get("bron", Bron.API)
        return attrs

    def _standaardlabel(self) -> Label:
        if not hasattr(self, "_label"):
            self._label = (
                self.context.get("label")
                or Label.objects.filter(is_standaard=True).first()
                or Label.objects.first()
            )
        if self._label is None:
            raise serializers.ValidationError({"label": [_("Er is geen label ingericht.")]})
        return self._label


class UitnodigingSerializer(serializers.ModelSerializer):
    reden_overgeslagen = serializers.SerializerMethodField()

    class Meta:
        model = Uitnodiging
        fields = ["status", "verzenden_op", "reden_overgeslagen"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=RedenOvergeslagen.choices, allow_null=True)
    )
    def get_reden_overgeslagen(self, uitnodiging: Uitnodiging) -> str | None:
        return uitnodiging.reden_overgeslagen or None


class ContactmomentSerializer(serializers.ModelSerializer):
    label = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Slug van het label.")
    )
    uitnodiging = UitnodigingSerializer(read_only=True)

    class Meta:
        model = Contactmoment
        fields = ["id", "soort", "moment", "label", "uitnodiging"]
        read_only_fields = fields


class ContactmomentAanmakenView(generics.GenericAPIView):
    """POST only: needs klanttevredenheid.add_contactmoment (the role systeemkoppeling)."""

    queryset = Contactmoment.objects.none()  # DjangoModelPermissions takes the model from it
    serializer_class = ContactmomentInvoerSerializer
    permission_classes = [BestaandeMethode, permissions.DjangoModelPermissions]

    @extend_schema(
        request=ContactmomentInvoerSerializer,
        responses={
            201: ContactmomentSerializer,
            400: OpenApiResponse(description=_("Veldfouten per veld.")),
        },
    )
    def post(self, request):
        """Record a contact moment. The response says whether a survey invitation was planned
        (and when it goes out) or skipped, and why: no e-mail address, no survey after this kind,
        too long ago, or the customer was invited in the 4 weeks before."""
        invoer = ContactmomentInvoerSerializer(data=request.data, context={"bron": Bron.API})
        invoer.is_valid(raise_exception=True)
        moment = services.contactmoment_registreren(**invoer.validated_data)
        return Response(ContactmomentSerializer(moment).data, status=201)
