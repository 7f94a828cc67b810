"""Timeline entries (Gebeurtenis) of one workflow action, written in one INSERT (issue 20).

An action writes several entries (a note, the message sent, the state change); inside
`gebundeld()` (services._actie) they are collected and written together when the action ends, in
the order they were made, in its transaction. Outside it an entry is written at once.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from klachten.models import Gebeurtenis

_lokaal = threading.local()


def _stapel() -> list[list[Gebeurtenis]]:
    if not hasattr(_lokaal, "stapel"):
        _lokaal.stapel = []
    return _lokaal.stapel


@contextmanager
def gebundeld():
    """Collect the entries made in the block; write them in one statement at its end (none
    when the block raises: its transaction rolls back)."""
    stapel = _stapel()
    stapel.append([])
    try:
        yield
    except BaseException:
        stapel.pop()
        raise
    rijen = stapel.pop()
    if rijen:
        Gebeurtenis.objects.bulk_create(rijen)


def open_lijst() -> list[Gebeurtenis] | None:
    """The entries of the innermost `gebundeld()` block, to add to (bericht_versturen's
    `tijdlijn`); None outside one."""
    stapel = _stapel()
    return stapel[-1] if stapel else None


def vastleggen(**velden) -> Gebeurtenis:
    """A timeline entry: written now, or with the others at the end of `gebundeld()` (then
    without a pk until then: do not point at it inside the block)."""
    gebeurtenis = Gebeurtenis(**velden)
    stapel = _stapel()
    if stapel:
        stapel[-1].append(gebeurtenis)
    else:
        gebeurtenis.save()
    return gebeurtenis
