"""The webhook's payload, validated field by field (issue 21). One JSON object:

| field          | type                      | rule                                                     |
|----------------|---------------------------|----------------------------------------------------------|
| platform       | string                    | 1-30 of a-z 0-9 . _ - (e.g. x, facebook, instagram)     |
| id             | string                    | 1-200 printable characters, no spaces: the tool's id    |
| author_handle  | string                    | 1-100, no spaces or control characters; "@" optional    |
| display_name   | string, optional          | up to 200, one line                                      |
| text           | string                    | 1-5000 (a complaint's description), no NUL              |
| link           | string, optional          | http(s) URL, up to 500                                   |
| time           | string (ISO 8601 + zone)  | when it was posted; not more than 5 minutes ahead       |
| public         | boolean (true/false)      | a public post or mention (true) or a direct message     |
| in_reply_to    | string, optional          | the id of an earlier event it answers                    |

Unknown fields are refused (a typo must not pass unnoticed).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from klachten.api.serializers import ZonderSurrogatenMixin
from klachten.models import OMSCHRIJVING_MAX, VROEGSTE_ONTVANGST

PLATFORM = re.compile(r"^[a-z0-9._-]{1,30}$")
# Printable, no whitespace: an id or handle is one token (Unicode letters allowed in a handle).
KENMERK = re.compile(r"^[!-~]{1,200}$")
STUURTEKENS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
TOEKOMST_MARGE = dt.timedelta(minutes=5)


class Kenmerk(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=200, trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        waarde = super().to_internal_value(data)
        if waarde and not KENMERK.match(waarde):
            raise serializers.ValidationError(
                _("Alleen zichtbare tekens zonder spaties (ASCII), ten hoogste 200.")
            )
        return waarde


class Eenregelig(serializers.CharField):
    """One line of text: no control characters or line breaks (they never belong in a name or
    a handle, and would break a log line or a header)."""

    def to_internal_value(self, data):
        waarde = super().to_internal_value(data)
        if STUURTEKENS.search(waarde):
            raise serializers.ValidationError(_("Stuurtekens en regeleinden zijn niet toegestaan."))
        return waarde


class TijdMetZone(serializers.DateTimeField):
    """An ISO 8601 moment with its time zone (Z or an offset): a moment without one is
    ambiguous, and a clock's local time is not guessed."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                gelezen = parse_datetime(value.strip())
            except ValueError:
                gelezen = None
            if gelezen is not None and timezone.is_naive(gelezen):
                raise serializers.ValidationError(_("Geef de tijd met tijdzone (ISO 8601)."))
        return super().to_internal_value(value)


class StrikteBoolean(serializers.BooleanField):
    """Only JSON true or false: "yes", 1 or "false" as a string are no answer to "public?"."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


class SociaalBerichtSerializer(ZonderSurrogatenMixin, serializers.Serializer):
    platform = serializers.CharField(max_length=30)
    id = Kenmerk()
    author_handle = Eenregelig(max_length=101)
    display_name = Eenregelig(max_length=200, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=OMSCHRIJVING_MAX, trim_whitespace=True)
    link = serializers.URLField(
        max_length=500, required=False, allow_blank=True, default="", trim_whitespace=False
    )
    time = TijdMetZone()
    public = StrikteBoolean()
    in_reply_to = Kenmerk(required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            onbekend = sorted(set(data) - set(self.fields))
            if onbekend:
                raise serializers.ValidationError(
                    {veld[:50]: [_("Onbekend veld.")] for veld in onbekend[:10]}
                )
            # A number or a list where text belongs is an error, not text (DRF would take 5).
            geen_tekst = {
                naam: [_("Verwacht tekst (een JSON-string).")]
                for naam, veld in self.fields.items()
                if isinstance(veld, serializers.CharField)
                and naam in data
                and data[naam] is not None
                and not isinstance(data[naam], str)
            }
            if geen_tekst:
                raise serializers.ValidationError(geen_tekst)
        return super().to_internal_value(data)

    def validate_platform(self, waarde: str) -> str:
        if not PLATFORM.match(waarde):
            raise serializers.ValidationError(
                _("Alleen kleine letters, cijfers, punt, liggend streepje en koppelteken.")
            )
        return waarde

    def validate_author_handle(self, waarde: str) -> str:
        handle = waarde.strip().removeprefix("@")
        if not handle or len(handle) > 100 or any(teken.isspace() for teken in handle):
            raise serializers.ValidationError(_("Een handle zonder spaties, ten hoogste 100."))
        return handle.casefold()

    def validate_text(self, waarde: str) -> str:
        if "\x00" in waarde:
            raise serializers.ValidationError(_("NUL-tekens zijn niet toegestaan."))
        return waarde

    def validate_link(self, waarde: str) -> str:
        if waarde and not waarde.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("Alleen een http- of https-adres."))
        if STUURTEKENS.search(waarde):
            raise serializers.ValidationError(_("Stuurtekens zijn niet toegestaan."))
        return waarde

    def validate_time(self, waarde: dt.datetime) -> dt.datetime:
        if waarde > timezone.now() + TOEKOMST_MARGE:
            raise serializers.ValidationError(_("De tijd ligt in de toekomst."))
        if waarde < VROEGSTE_ONTVANGST:
            raise serializers.ValidationError(_("De tijd ligt voor 2000."))
        return waarde
