"""How a test uses the API as a given account (issue 15): a system account sends its API key; a
person uses their own session after both login steps (API keys are for system accounts only)."""

from klachten import rollen, toegang


def api_sleutel_kop(gebruiker) -> dict:
    """The Authorization header with a fresh API key of this system account."""
    _sleutel, tekst = toegang.api_sleutel_maken(medewerker=gebruiker, naam="test")
    return {"HTTP_AUTHORIZATION": f"Api-Key {tekst}"}


def api_toegang(client, gebruiker) -> dict:
    """The extra request arguments for this account: its key's header for a system account;
    for a person none, after logging the client in (password and code, tests/conftest.py)."""
    if rollen.is_systeemkoppeling(gebruiker):
        return api_sleutel_kop(gebruiker)
    client.force_login(gebruiker)
    return {}
