"""Bulk loading for the benchmark fills of every app (klanttevredenheid.benchmark,
rapportage.benchmark): indexes and foreign keys off during the load, back after (building an index
once over all rows is much faster than updating it row by row, and a foreign key added afterwards
is checked in one join instead of per row). In klachten, the app every other app may import."""


def indexen_weghalen(cursor, tabellen: list[str]) -> list[str]:
    """Drop the indexes of these tables that back no constraint; returns their definitions."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [tabellen],
    )
    definities = []
    for naam, definitie in cursor.fetchall():
        cursor.execute(f"DROP INDEX {naam}")
        definities.append(definitie)
    return definities


def verwijzingen_weghalen(cursor, tabellen: list[str]) -> list[str]:
    """Drop the foreign keys of these tables; returns the statements that add them back."""
    cursor.execute(
        """
        SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])
        """,
        [tabellen],
    )
    terug = []
    for naam, tabel, definitie in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {tabel} DROP CONSTRAINT "{naam}"')
        terug.append(f'ALTER TABLE {tabel} ADD CONSTRAINT "{naam}" {definitie}')
    return terug
