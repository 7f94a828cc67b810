"""The month report (issue 20) counts the deadlines of a month per label and afdeling: each
Termijnafloop carries its complaint's label and afdeling, kept by two triggers whatever writes
them (services, bulk loads, the admin, SQL): one sets them on every insert and update of a
Termijnafloop from its complaint, the other passes a change of a complaint's label or afdeling on
to its rows. Existing rows are filled before the triggers exist (one UPDATE). Only on PostgreSQL
(SQLite, the fallback of tests/test_sqlite.py, reads the complaint as before: see
rapportage.maandrapport)."""

from django.db import migrations, models

VULLEN = """
UPDATE klachten_termijnafloop a
   SET label_sleutel = k.label_id, afdeling_sleutel = k.afdeling_id
  FROM klachten_klacht k
 WHERE k.id = a.klacht_id
"""

TRIGGERS = """
CREATE FUNCTION klachten_termijnafloop_groep() RETURNS trigger AS $$
BEGIN
    SELECT k.label_id, k.afdeling_id INTO NEW.label_sleutel, NEW.afdeling_sleutel
      FROM klachten_klacht k WHERE k.id = NEW.klacht_id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER klachten_termijnafloop_groep
BEFORE INSERT OR UPDATE ON klachten_termijnafloop
FOR EACH ROW EXECUTE FUNCTION klachten_termijnafloop_groep();

CREATE FUNCTION klachten_klacht_groep_naar_termijnafloop() RETURNS trigger AS $$
BEGIN
    UPDATE klachten_termijnafloop
       SET label_sleutel = NEW.label_id, afdeling_sleutel = NEW.afdeling_id
     WHERE klacht_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER klachten_klacht_groep_naar_termijnafloop
AFTER UPDATE OF label_id, afdeling_id ON klachten_klacht
FOR EACH ROW
WHEN (OLD.label_id IS DISTINCT FROM NEW.label_id OR OLD.afdeling_id IS DISTINCT FROM NEW.afdeling_id)
EXECUTE FUNCTION klachten_klacht_groep_naar_termijnafloop();
"""

TRIGGERS_WEG = """
DROP TRIGGER IF EXISTS klachten_klacht_groep_naar_termijnafloop ON klachten_klacht;
DROP FUNCTION IF EXISTS klachten_klacht_groep_naar_termijnafloop();
DROP TRIGGER IF EXISTS klachten_termijnafloop_groep ON klachten_termijnafloop;
DROP FUNCTION IF EXISTS klachten_termijnafloop_groep();
"""


def triggers_maken(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VULLEN)
        schema_editor.execute(TRIGGERS)


def triggers_weg(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS_WEG)


class Migration(migrations.Migration):
    dependencies = [
        ("klachten", "0041_sociale_media"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="termijnafloop",
            name="termijnafloop_per_datum",
        ),
        migrations.AddField(
            model_name="termijnafloop",
            name="afdeling_sleutel",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="afdeling"),
        ),
        migrations.AddField(
            model_name="termijnafloop",
            name="label_sleutel",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="label"),
        ),
        migrations.RunPython(triggers_maken, triggers_weg),
        migrations.AddIndex(
            model_name="termijnafloop",
            index=models.Index(
                fields=["termijn", "uiterlijk_datum"],
                include=(
                    "label_sleutel",
                    "afdeling_sleutel",
                    "op_tijd",
                    "onbestelbaar_op",
                    "te_printen_sinds",
                ),
                name="termijnafloop_per_datum_groep",
            ),
        ),
    ]
