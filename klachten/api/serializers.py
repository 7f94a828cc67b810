import re
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from klachten import configuratie
from klachten.models import (
    EMAIL_OF_POSTADRES,
    OMSCHRIJVING_MAX,
    Afdeling,
    Categorie,
    Kanaal,
    Klacht,
    Label,
)


def api_fout(fout: DjangoValidationError) -> serializers.ValidationError:
    """A model or service ValidationError as DRF field errors (non-field ones under DRF's key)."""
    detail = serializers.as_serializer_error(fout)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return serializers.ValidationError(detail)


LOSSE_SURROGAAT = re.compile("[\ud800-\udfff]")


class ZonderSurrogatenMixin:
    """Refuses a lone surrogate (U+D800-U+DFFF) in any field with an error on that field.

    JSON can carry one (the escape \\ud800), no valid text holds one, and PostgreSQL cannot store
    it. DRF's text fields refuse it themselves; a choice or lookup would echo it in its error
    message, which then cannot be encoded as UTF-8 (a 500). So the check runs first, for all.
    """

    default_error_messages = {
        "surrogaat": _(
            "Ongeldige tekens: losse surrogaten (U+D800 tot U+DFFF) zijn niet toegestaan."
        )
    }

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            fouten = {
                veld: [self.error_messages["surrogaat"]]
                for veld, waarde in data.items()
                if veld in self.fields
                and isinstance(waarde, str)
                and LOSSE_SURROGAAT.search(waarde)
            }
            if fouten:
                raise serializers.ValidationError(fouten)
        return super().to_internal_value(data)


class CategorieCode(serializers.SlugRelatedField):
    """An active categorie by its code, found among those this process read
    (klachten.configuratie): no query per request."""

    def to_internal_value(self, data):
        code = str(data)
        for categorie in configuratie.actieve_categorieen():
            if categorie.code == code:
                return categorie
        self.fail("does_not_exist", slug_name=self.slug_field, value=code)


class KlachtInvoerSerializer(ZonderSurrogatenMixin, serializers.ModelSerializer):
    """A complaint from another system; validated by the same model rules as the forms."""

    label = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Label.objects.all(),
        required=False,
        help_text=_("Slug van het label; zonder: het standaardlabel."),
    )
    afdeling = serializers.SlugRelatedField(
        slug_field="code", queryset=Afdeling.objects.all(), required=False
    )
    categorie = CategorieCode(slug_field="code", queryset=Categorie.objects.filter(actief=True))
    kanaal = serializers.ChoiceField(choices=Kanaal.choices)
    ontvangen_op = serializers.DateTimeField(required=False)

    class Meta:
        model = Klacht
        fields = [
            "label",
            "kanaal",
            "ontvangen_op",
            "klant_naam",
            "klant_email",
            "klant_postadres",
            "klant_telefoon",
            "polisnummer",
            "afdeling",
            "categorie",
            "urgentie",
            "omschrijving",
            "gewenste_oplossing",
            "direct_opgelost",
            "oplossing",
        ]

    def to_internal_value(self, data):
        """Without an e-mail address and without a postal address the customer cannot be
        answered: said with the other missing fields (validate only runs when they are there)."""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(data, Mapping) or not isinstance(exc.detail, dict):
                raise  # not an object: DRF's own answer
            geen_adres = (
                not str(data.get("klant_email") or "").strip()
                and not str(data.get("klant_postadres") or "").strip()
            )
            if geen_adres:
                exc.detail.setdefault("klant_email", [EMAIL_OF_POSTADRES])
            raise

    def validate(self, attrs):
        if "label" not in attrs:
            labels = configuratie.labels()  # read once per process
            label = next((label for label in labels if label.is_standaard), None) or next(
                iter(labels), None
            )
            if label is None:
                raise serializers.ValidationError({"label": [_("Er is geen label ingericht.")]})
            attrs["label"] = label
        klacht = Klacht(**{k: v for k, v in attrs.items() if k != "afdeling"})
        klacht.afdeling = attrs.get("afdeling") or attrs["categorie"].afdeling
        try:
            # The status is the workflow's to set (services.klacht_registreren), as in the forms;
            # validating the default status would refuse every "direct opgelost" complaint.
            klacht.adres_controleren()  # before the check constraint says the same, less clearly
            # Not the foreign keys (found above; their constraints guard them) nor the generated
            # secret; the table's constraints guard what the service sets, the address rule
            # was checked just now (adres_controleren).
            klacht.full_clean(
                exclude=[
                    "dossiernummer",
                    "status_token",
                    "status",
                    "antwoord_sleutel",
                    "label",
                    "afdeling",
                    "categorie",
                ],
                validate_constraints=False,
            )
        except DjangoValidationError as exc:
            raise api_fout(exc) from exc
        return attrs


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"format": "email"}, {"maxLength": 0}],
        "description": "Het e-mailadres van de klant; leeg bij een klant die per post schrijft.",
    }
)
class EmailOfLeegVeld(serializers.CharField):
    """The customer's e-mail address as the API shows it: an address, or empty for a customer
    who only has a postal address (issue 18) — the schema says both, so a client (and
    schemathesis) does not take the empty value for a broken address."""


class KlachtSerializer(serializers.ModelSerializer):
    label = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    klant_email = EmailOfLeegVeld(read_only=True)
    afdeling = serializers.SlugRelatedField(slug_field="code", read_only=True)
    categorie = serializers.SlugRelatedField(slug_field="code", read_only=True)
    behandelaar = serializers.StringRelatedField(read_only=True, allow_null=True)
    status_omschrijving = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Klacht
        fields = [
            "dossiernummer",
            "label",
            "status",
            "status_omschrijving",
            "kanaal",
            "ontvangen_op",
            "klant_naam",
            "klant_email",
            "klant_postadres",
            "klant_telefoon",
            "polisnummer",
            "afdeling",
            "categorie",
            "urgentie",
            "omschrijving",
            "gewenste_oplossing",
            "behandelaar",
            "direct_opgelost",
            "oplossing",
            "ontvangstbevestiging_uiterlijk_datum",
            "ontvangst_bevestigd_op",
            "afgesloten_op",
        ]
        read_only_fields = fields


class BijlageSerializer(serializers.Serializer):
    bestandsnaam = serializers.CharField(source="oorspronkelijke_naam")
    type = serializers.CharField(source="mime_type")
    grootte = serializers.IntegerField()


class WijzigingSerializer(serializers.Serializer):
    veld = serializers.CharField()
    oud = serializers.CharField()
    nieuw = serializers.CharField()

    def to_representation(self, instance):
        veld, oud, nieuw = instance
        return {"veld": veld, "oud": oud, "nieuw": nieuw}


class TijdlijnItemSerializer(serializers.Serializer):
    """One item of the dossier's timeline (klachten.selectors.tijdlijn), newest first."""

    op = serializers.DateTimeField()
    soort = serializers.CharField()
    titel = serializers.CharField()
    tekst = serializers.CharField()
    door = serializers.CharField()
    bijlagen = BijlageSerializer(many=True)
    wijzigingen = WijzigingSerializer(many=True)


class FoutSerializer(serializers.Serializer):
    """An error without fields (DRF's form): not logged in, not allowed, not found."""

    detail = serializers.CharField()


class KlantberichtSerializer(ZonderSurrogatenMixin, serializers.Serializer):
    """Information from the customer that reached another system (e.g. an e-mail or a call)."""

    tekst = serializers.CharField(max_length=OMSCHRIJVING_MAX, trim_whitespace=True)
