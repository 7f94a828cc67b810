"""Survey data of an external research bureau (issue 9, "External survey data"): the columns of
its CSV export, the bureau's words for the kinds of contact moment, and the validation of one row.

The export holds per response: a customer reference, the date of the survey, the kind of contact
moment, the rapportcijfer (1-10), optionally the NPS answer (0-10), toelichting and verbetertips,
and the customer's e-mail address when the bureau has it. The rows are recorded by
services.externe_responsen_importeren (`manage.py enquete_extern_importeren`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from klachten.api.serializers import ZonderSurrogatenMixin
from klachten.kalender import AMSTERDAM
from klachten.models import Productgroep
from klanttevredenheid.api import OpzoekVeld, moment_controleren
from klanttevredenheid.csv_import import Kolommen
from klanttevredenheid.models import ContactmomentSoort
from klanttevredenheid.services import MAX_TEKST

S = ContactmomentSoort

KOLOMMEN = Kolommen(
    bekend=[
        "klantreferentie",
        "datum",
        "soort",
        "cijfer",
        "nps",
        "toelichting",
        "verbetertips",
        "klant_email",
        "productgroep",
    ],
    verplicht=["klantreferentie", "datum", "soort", "cijfer"],
    aliassen={
        "klantnummer": "klantreferentie",
        "referentie": "klantreferentie",
        "respondent": "klantreferentie",
        "moment": "datum",
        "enquetedatum": "datum",
        "contactsoort": "soort",
        "soort contact": "soort",
        "rapportcijfer": "cijfer",
        "aanbeveling": "nps",
        "nps_score": "nps",
        "opmerking": "toelichting",
        "verbetertip": "verbetertips",
        "email": "klant_email",
        "e-mail": "klant_email",
        "e-mailadres": "klant_email",
        "product": "productgroep",
    },
)
"""The export's columns by our name, and the other names a bureau's header may use for them."""

SOORT_WOORDEN: dict[str, list[str]] = {
    S.VERZEKERING_AFGESLOTEN: [
        "verzekering afgesloten",
        "afsluiten",
        "nieuwe verzekering",
        "nieuwe polis",
    ],
    S.VRAAG_KLANTENSERVICE: [
        "vraag aan de klantenservice",
        "vraag klantenservice",
        "klantenservice",
        "vraag",
        "informatievraag",
    ],
    S.SCHADE_GEMELD: [
        "schade of declaratie gemeld",
        "schade gemeld",
        "schade",
        "schademelding",
        "declaratie",
        "claim",
    ],
    S.GEGEVENS_GEWIJZIGD: [
        "gegevens gewijzigd",
        "wijziging",
        "mutatie",
        "adreswijziging",
    ],
    S.OPZEGGING: ["opzegging", "opzeggen", "beeindiging", "royement"],
    S.KLACHT_AFGEHANDELD: ["klacht afgehandeld", "klacht", "klachtafhandeling"],
    S.KLACHT_AFGEWEZEN: ["klacht afgewezen", "klacht niet ontvankelijk"],
}
"""The bureau's words for our kinds of contact moment (besides our own codes), compared without
case, accents, hyphens or underscores. The yearly survey (jaaronderzoek) is not among them: its
results belong to a campagne with groups, which an external export does not carry."""


def woord_normaliseren(woord: str) -> str:
    """'Beëindiging', 'beeindiging' and ' BEEINDIGING ' compare equal; so do 'schade_gemeld',
    'schade-gemeld' and 'Schade gemeld'."""
    zonder_accenten = "".join(
        teken for teken in unicodedata.normalize("NFKD", woord) if not unicodedata.combining(teken)
    )
    return " ".join(re.sub(r"[-_]", " ", zonder_accenten).casefold().split())


SOORTEN: dict[str, str] = {
    woord_normaliseren(woord): soort
    for soort, woorden in SOORT_WOORDEN.items()
    for woord in [soort, *woorden]
}
"""Each known word (normalised) to its kind of contact moment."""


def soort_herkennen(woord: str) -> str | None:
    """Our kind of contact moment for the bureau's word, or None."""
    return SOORTEN.get(woord_normaliseren(woord))


class SoortVeld(serializers.Field):
    default_error_messages = {
        "onbekend": _("Onbekend soort contactmoment: {waarde}."),
    }

    def to_internal_value(self, data):
        soort = soort_herkennen(data) if isinstance(data, str) else None
        if soort is None:
            self.fail("onbekend", waarde=data)
        return soort

    def to_representation(self, value):
        return value


DAG_MAAND_JAAR = re.compile(
    r"(?P<dag>\d{1,2})[-/.](?P<maand>\d{1,2})[-/.](?P<jaar>\d{4})"
    r"(?:[ T](?P<uur>\d{1,2}):(?P<minuut>\d{2})(?::(?P<seconde>\d{2}))?)?"
)


class DatumVeld(serializers.Field):
    """The date of the survey, with or without a time: ISO 8601 (2026-06-12,
    2026-06-12T10:30:00+02:00) or day-month-year as Dutch Excel writes it (12-6-2026,
    12/06/2026 10:30). Without a time: the start of that day; without a time zone:
    Europe/Amsterdam."""

    default_error_messages = {
        "ongeldig": _(
            "Onleesbare datum: {waarde} (verwacht bv. 2026-06-12 of 12-06-2026, dag-maand-jaar)."
        ),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("ongeldig", waarde=data)
        tekst = data.strip()
        try:
            if gevonden := DAG_MAAND_JAAR.fullmatch(tekst):
                d = {naam: int(waarde or 0) for naam, waarde in gevonden.groupdict().items()}
                waarde = dt.datetime(
                    d["jaar"],
                    d["maand"],
                    d["dag"],
                    d["uur"],
                    d["minuut"],
                    d["seconde"],
                    tzinfo=AMSTERDAM,
                )
            else:
                waarde = dt.datetime.fromisoformat(tekst)
        except ValueError:
            self.fail("ongeldig", waarde=data)
        if waarde.tzinfo is None:
            waarde = waarde.replace(tzinfo=AMSTERDAM)
        return waarde

    def to_representation(self, value):
        return value.isoformat()


class ExterneResponsInvoerSerializer(ZonderSurrogatenMixin, serializers.Serializer):
    """One row of a bureau's export. validated_data holds the fields of
    services.NieuweExterneRespons. Context, optional: `op` (now), for the date's check."""

    klantreferentie = serializers.CharField(
        max_length=50,
        error_messages={
            "required": _("Zonder klantreferentie kan de reactie niet ontdubbeld worden."),
        },
    )
    datum = DatumVeld(source="moment")
    soort = SoortVeld()
    cijfer = serializers.IntegerField(
        source="rapportcijfer",
        min_value=1,
        max_value=10,
        error_messages={
            "invalid": _("Het rapportcijfer moet een heel getal van 1 tot en met 10 zijn."),
            "min_value": _("Het rapportcijfer moet een heel getal van 1 tot en met 10 zijn."),
            "max_value": _("Het rapportcijfer moet een heel getal van 1 tot en met 10 zijn."),
        },
    )
    nps = serializers.IntegerField(
        source="nps_score",
        min_value=0,
        max_value=10,
        required=False,
        error_messages={
            "invalid": _(
                "De aanbevelingsscore (NPS) moet een heel getal van 0 tot en met 10 zijn."
            ),
            "min_value": _(
                "De aanbevelingsscore (NPS) moet een heel getal van 0 tot en met 10 zijn."
            ),
            "max_value": _(
                "De aanbevelingsscore (NPS) moet een heel getal van 0 tot en met 10 zijn."
            ),
        },
    )
    toelichting = serializers.CharField(max_length=MAX_TEKST, required=False)
    verbetertips = serializers.CharField(max_length=MAX_TEKST, required=False)
    klant_email = serializers.EmailField(max_length=254, required=False)
    # The product the survey asked about (issue 22, the product review): its code.
    productgroep = OpzoekVeld(
        slug_field="code",
        queryset=Productgroep.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Onbekende productgroep: {value}.")},
    )

    def validate_datum(self, moment: dt.datetime) -> dt.datetime:
        return moment_controleren(moment, op=self.context.get("op"))
