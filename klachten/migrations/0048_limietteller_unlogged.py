# Written by hand (issue 20).
#
# The rate-limit counters (klachten.caches.TellerCache) are written on every public form POST, in
# a transaction of their own: with the WAL flushed to disk at each COMMIT that was 3 ms of the
# request's time. An UNLOGGED table writes no WAL. What that gives up suits a counter of the
# last minutes: after a crash of PostgreSQL (not a clean restart) the table is empty, so the
# limits start counting again, and a standby has no copy of it (after a failover likewise).
# PostgreSQL only; SQLite has no such thing.

from django.db import migrations


def ongelogd(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE klachten_limietteller SET UNLOGGED")


def gelogd(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE klachten_limietteller SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("klachten", "0047_bericht_bevestiging_adres"),
    ]

    operations = [
        migrations.RunPython(ongelogd, gelogd, elidable=False),
    ]
