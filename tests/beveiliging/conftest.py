"""Reports how many hostile inputs the run tried and how many requests schemathesis sent
(tests/beveiliging/vijandig.py counts them)."""

from tests.beveiliging.vijandig import SCHEMATHESIS, TELLER


def pytest_terminal_summary(terminalreporter):
    if TELLER:
        delen = ", ".join(f"{soort} {aantal}" for soort, aantal in sorted(TELLER.items()))
        terminalreporter.write_line(
            f"Vijandige invoer geprobeerd (veld x waarde per inzending): {TELLER.total()} ({delen})"
        )
    if SCHEMATHESIS:
        delen = ", ".join(
            f"{operatie} {aantal}" for operatie, aantal in sorted(SCHEMATHESIS.items())
        )
        terminalreporter.write_line(
            f"schemathesis: {len(SCHEMATHESIS)} operaties, {SCHEMATHESIS.total()} gevallen "
            f"({delen})"
        )
