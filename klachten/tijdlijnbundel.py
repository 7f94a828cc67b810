"""Timeline entries (Gebeurtenis) of one workflow action, written in one INSERT (issue 20).

An action writes several entries (a note, the message sent, the state change); inside
`gebundeld()` (services._actie) they are collected and written together when the action ends, in
the order they were made, in its transaction. Outside it an entry is written at once.

Rows of another table the action writes last (the history rows of a vervolgklacht and of the
complaint it follows) can go with them (`meeschrijven`): on PostgreSQL in the same statement, an
INSERT in the WITH clause of the entries' INSERT.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connection, models
from django.db.models.sql import InsertQuery

from klachten.models import Gebeurtenis

_lokaal = threading.local()


def _stapel() -> list[tuple[list[Gebeurtenis], list[models.Model]]]:
    """Per open block: its entries, and the rows of other tables to write with them."""
    if not hasattr(_lokaal, "stapel"):
        _lokaal.stapel = []
    return _lokaal.stapel


@contextmanager
def gebundeld():
    """Collect the entries made in the block; write them in one statement at its end (none
    when the block raises: its transaction rolls back)."""
    stapel = _stapel()
    stapel.append(([], []))
    try:
        yield
    except BaseException:
        stapel.pop()
        raise
    rijen, mee = stapel.pop()
    _schrijven(rijen, mee)


def open_lijst() -> list[Gebeurtenis] | None:
    """The entries of the innermost `gebundeld()` block, to add to (bericht_versturen's
    `tijdlijn`); None outside one."""
    stapel = _stapel()
    return stapel[-1][0] if stapel else None


def vastleggen(**velden) -> Gebeurtenis:
    """A timeline entry: written now, or with the others at the end of `gebundeld()` (then
    without a pk until then: do not point at it inside the block)."""
    gebeurtenis = Gebeurtenis(**velden)
    stapel = _stapel()
    if stapel:
        stapel[-1][0].append(gebeurtenis)
    else:
        gebeurtenis.save()
    return gebeurtenis


def meeschrijven(rijen: list[models.Model]) -> None:
    """New rows of one model besides Gebeurtenis, to write with the entries at the end of the
    innermost `gebundeld()` block (outside one: now). Nothing may read them or their pks inside
    the block; they get no pk."""
    stapel = _stapel()
    if stapel:
        stapel[-1][1].extend(rijen)
    elif rijen:
        type(rijen[0]).objects.bulk_create(rijen)


def _schrijven(rijen: list[Gebeurtenis], mee: list[models.Model]) -> None:
    samen = (
        rijen
        and mee
        and connection.vendor == "postgresql"
        and len({type(rij) for rij in mee}) == 1
        and all(rij.pk is None for rij in (*rijen, *mee))
    )
    if not samen:
        if mee:
            type(mee[0]).objects.bulk_create(mee)
        if rijen:
            Gebeurtenis.objects.bulk_create(rijen)
        return
    # PostgreSQL runs an INSERT in a WITH clause once and to its end, whatever the main
    # statement reads of it: `mee` and the entries in one statement, the entries' pks returned.
    mee_sql, mee_params = _invoegen(mee).as_sql()[0]
    compiler = _invoegen(rijen)
    compiler.returning_fields = [Gebeurtenis._meta.pk]
    sql, params = compiler.as_sql()[0]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH mee AS ({mee_sql}) {sql}", (*mee_params, *params))
        pks = [pk for (pk,) in cursor.fetchall()]
    for gebeurtenis, pk in zip(rijen, pks, strict=True):
        gebeurtenis.pk = pk
        gebeurtenis._state.adding = False
        gebeurtenis._state.db = connection.alias


def _invoegen(rijen: list[models.Model]):
    """The compiler of bulk_create's INSERT of new rows (their related objects' pks taken as
    bulk_create takes them)."""
    model = type(rijen[0])
    for rij in rijen:
        rij._prepare_related_fields_for_save(operation_name="bulk_create")
    velden = [
        veld
        for veld in model._meta.concrete_fields
        if not veld.generated and not isinstance(veld, models.AutoField)
    ]
    query = InsertQuery(model)
    query.insert_values(velden, rijen)
    return query.get_compiler(connection=connection)
