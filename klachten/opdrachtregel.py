"""What the management commands of every app share: reading a moment from the command line.

Commands that can be replayed for another moment (catching up after an outage, replaying days in
tests) take `--op`; they all read it with `moment`, and no module imports from a command module.
"""

import datetime as dt

from django.core.management.base import CommandError

from klachten.kalender import AMSTERDAM


def moment(waarde: str) -> dt.datetime:
    """An ISO moment (2026-12-01T09:00, or a date for its start); without an offset it is a moment
    in Europe/Amsterdam. For argparse's `type=`: a wrong value stops the command with its reason."""
    try:
        op = dt.datetime.fromisoformat(waarde)
    except ValueError:
        raise CommandError(
            f"--op {waarde!r} is geen moment; gebruik bijvoorbeeld 2026-12-01T09:00."
        ) from None
    return op if op.tzinfo else op.replace(tzinfo=AMSTERDAM)
