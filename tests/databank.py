"""Helpers that look into the database as a whole (privacy tests)."""

from django.db import connection


def tabellen_met(waarde: str) -> set[str]:
    """Every table (history tables included) with a text column holding `waarde`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND data_type IN ('character varying', 'text', 'jsonb', 'json')
            """
        )
        kolommen = cursor.fetchall()
        gevonden = set()
        for tabel, kolom in kolommen:
            cursor.execute(
                f'SELECT 1 FROM "{tabel}" WHERE "{kolom}"::text ILIKE %s LIMIT 1',
                [f"%{waarde}%"],
            )
            if cursor.fetchone():
                gevonden.add(tabel)
    return gevonden
