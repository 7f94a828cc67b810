# Written by hand (issue 20).
#
# The limit on acknowledgements per mailbox (services._ontvangstbevestigingen_tellen, on every
# registration) read every complaint received in the past 24 hours and their messages: linear in
# the day's complaints, 5.3 ms at 3,750 and growing with exactly the storm of complaints it is
# there for. This index on the acknowledgements' addresses (in capitals, as
# selectors.ontvangstbevestigingen_naar_adres compares them with istartswith) finds the few to
# one mailbox directly (0.05 ms). text_pattern_ops: a LIKE 'prefix%' can use it under any
# collation. PostgreSQL only, like the search indexes (0036): SQLite's single writer needs no
# such help, and the query stays correct without it.

from django.db import migrations

INDEX_SQL = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS bericht_bevestiging_adres ON klachten_bericht
USING btree (upper(aan::text) text_pattern_ops, created_at)
WHERE soort = 'ontvangstbevestiging'
"""


def index_maken(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def index_weghalen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS bericht_bevestiging_adres")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [
        ("klachten", "0046_werkvoorraad_eigen_open"),
    ]

    operations = [
        migrations.RunPython(index_maken, index_weghalen, elidable=False),
    ]
