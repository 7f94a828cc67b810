"""Standard external bodies, and deadlines for complaints registered before the workflow existed."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

INSTANTIES = [
    {
        "code": "kifid",
        "naam": "Kifid (Klachteninstituut Financiële Dienstverlening)",
        "website": "https://www.kifid.nl",
        "maanden_na_standpunt": 3,
        "maanden_na_klacht": 12,
        "escalatie_tekst": (
            "Bent u het niet eens met dit definitieve standpunt? Dan kunt u uw klacht gratis "
            "voorleggen aan {{ instantie }} ({{ website }}). Doe dat uiterlijk op "
            "{{ uiterste_datum }}: binnen drie maanden na dit standpunt, of binnen een jaar nadat u "
            "uw klacht bij ons indiende als dat later is. U kunt ook naar de rechter."
        ),
    },
    {
        "code": "skgz",
        "naam": "SKGZ (Stichting Klachten en Geschillen Zorgverzekeringen)",
        "website": "https://www.skgz.nl",
        "maanden_na_standpunt": 12,
        "maanden_na_klacht": None,
        "escalatie_tekst": (
            "Bent u het niet eens met dit definitieve standpunt? Dan kunt u uw klacht voorleggen aan "
            "de Ombudsman Zorgverzekeringen of de Geschillencommissie Zorgverzekeringen van de "
            "{{ instantie }} ({{ website }}). Doe dat uiterlijk op {{ uiterste_datum }}, binnen een "
            "jaar na dit standpunt. U kunt ook naar de rechter."
        ),
    },
    {
        "code": "ombudsman-verzekeringen",
        "naam": "Ombudsman van de Verzekeringen",
        "website": "https://www.ombudsman-insurance.be",
        "maanden_na_standpunt": None,
        "maanden_na_klacht": None,
        "escalatie_tekst": (
            "Bent u het niet eens met dit definitieve standpunt? Dan kunt u zich gratis wenden tot "
            "de {{ instantie }} ({{ website }}). U kunt ook naar de rechter."
        ),
    },
    {
        "code": "rechter",
        "naam": "Rechter",
        "website": "",
        "maanden_na_standpunt": None,
        "maanden_na_klacht": None,
        "escalatie_tekst": "U kunt uw klacht ook aan de rechter voorleggen.",
    },
]

OPEN = ("ontvangen", "ontvangst_bevestigd", "in_onderzoek")


def instanties_en_termijnen(apps, schema_editor):
    ExterneInstantie = apps.get_model("klachten", "ExterneInstantie")
    Label = apps.get_model("klachten", "Label")
    Klacht = apps.get_model("klachten", "Klacht")
    for gegevens in INSTANTIES:
        ExterneInstantie.objects.get_or_create(code=gegevens["code"], defaults=gegevens)
    kifid = ExterneInstantie.objects.get(code="kifid")
    Label.objects.filter(externe_instantie__isnull=True).update(externe_instantie=kifid)
    amsterdam = ZoneInfo("Europe/Amsterdam")
    for klacht in Klacht.objects.filter(status__in=OPEN, antwoord_uiterlijk_datum__isnull=True):
        ontvangen = klacht.ontvangen_op.astimezone(amsterdam).date()
        klacht.antwoord_uiterlijk_datum = ontvangen + dt.timedelta(days=42)
        kandidaten = [klacht.antwoord_uiterlijk_datum]
        if klacht.status == "ontvangen" and klacht.ontvangstbevestiging_uiterlijk_datum:
            kandidaten.append(klacht.ontvangstbevestiging_uiterlijk_datum)
        klacht.volgende_termijn_datum = min(kandidaten)
        klacht.save(update_fields=["antwoord_uiterlijk_datum", "volgende_termijn_datum"])


class Migration(migrations.Migration):
    dependencies = [("klachten", "0002_behandelwerkplek")]

    operations = [migrations.RunPython(instanties_en_termijnen, migrations.RunPython.noop)]
