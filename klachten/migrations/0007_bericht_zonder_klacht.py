"""A message may be about no complaint (a survey invitation): it names its label itself."""

import django.db.models.deletion
from django.db import migrations, models


def label_van_de_klacht(apps, schema_editor):
    Bericht = apps.get_model("klachten", "Bericht")
    Klacht = apps.get_model("klachten", "Klacht")
    Bericht.objects.update(
        label=models.Subquery(
            Klacht.objects.filter(pk=models.OuterRef("klacht_id")).values("label_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("klachten", "0006_termijnbewaking")]

    operations = [
        migrations.AddField(
            model_name="bericht",
            name="label",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="klachten.label",
            ),
        ),
        migrations.RunPython(label_van_de_klacht, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="bericht",
            name="label",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="klachten.label"
            ),
        ),
        migrations.AlterField(
            model_name="bericht",
            name="klacht",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="berichten",
                to="klachten.klacht",
            ),
        ),
    ]
