"""Reports how many hostile inputs the run tried (tests/beveiliging/vijandig.py counts them)."""

from tests.beveiliging.vijandig import TELLER


def pytest_terminal_summary(terminalreporter):
    if not TELLER:
        return
    delen = ", ".join(f"{soort} {aantal}" for soort, aantal in sorted(TELLER.items()))
    terminalreporter.write_line(
        f"Vijandige invoer geprobeerd (veld x waarde per inzending): {TELLER.total()} ({delen})"
    )
