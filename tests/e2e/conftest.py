"""Browser tests: Playwright drives Debian's Chromium against Django's live_server.

Never `playwright install` (these machines cannot download browsers): the browser is
/usr/bin/chromium (`apt-get install -y chromium`; scripts/test does it when it is missing).
"""

import os

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from klachten import rollen, services
from klachten.models import Afdeling, Categorie, Label, Medewerker

# Playwright's sync API runs an event loop in the test thread; the ORM calls in the tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
E2E_WACHTWOORD = "e2e-wachtwoord-Zq8"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The site follows Accept-Language; these tests read the Dutch pages.
    return {**browser_context_args, "locale": "nl-NL"}


@pytest.fixture(autouse=True)
def _e2e_lege_cache():
    """The public form's rate limit counts in the cache, shared with the live server thread."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def e2e_label(transactional_db):
    return Label.objects.create(
        naam="Zorgzaam Verzekerd",
        slug="zorgzaam",
        is_standaard=True,
        telefoon="088 123 45 00",
        email="klachten@zorgzaam.example.nl",
    )


@pytest.fixture
def e2e_afdeling(transactional_db):
    return Afdeling.objects.create(naam="Declaraties", code="declaraties")


@pytest.fixture
def e2e_categorie(e2e_afdeling):
    return Categorie.objects.create(naam="Declaratie", code="declaratie", afdeling=e2e_afdeling)


@pytest.fixture
def e2e_behandelaar(e2e_afdeling):
    """A klachtbehandelaar of the afdeling, with a password to log in through the browser."""
    services.rollen_inrichten()
    gebruiker = Medewerker.objects.create_user(
        username="sanne", password=E2E_WACHTWOORD, first_name="Sanne", last_name="de Vries"
    )
    gebruiker.groups.add(Group.objects.get(name=rollen.KLACHTBEHANDELAAR))
    gebruiker.afdelingen.add(e2e_afdeling)
    return gebruiker
