"""The screenshots in the README (docs/schermen/), made by `scripts/schermafdrukken`, not by the
suite (the file name does not start with test_, so pytest collects it only when named).

The demo (`manage.py demo_data`, its default seed and size) is loaded into the throwaway test
database, live_server serves the app, and Debian's Chromium logs in as the demo users (password
and TOTP code, as a person would) and photographs the work queue, a dossier and the KTO dashboard
at 1280 and 390 px wide: the viewport, which is what a reader of the README takes in.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import Page

from klachten.demo.stamgegevens import DEMO_WACHTWOORD
from klachten.models import Klacht
from klachten.workflow import Status
from tests.e2e.conftest import inloggen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAP = Path(
    os.environ.get("SCHERMEN_MAP", Path(__file__).resolve().parents[2] / "docs" / "schermen")
)
# Width: viewport height (a laptop screen; a phone).
SCHERMEN = {1280: 800, 390: 844}


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("demo_data", stdout=StringIO())


def het_dossier() -> Klacht:
    """A dossier of Sanne (behandelaar) in investigation with the richest timeline (the demo is
    drawn from its seed, so the same one every time on the same day)."""
    return (
        Klacht.objects.filter(behandelaar__username="behandelaar", status=Status.IN_ONDERZOEK)
        .annotate(stappen=Count("gebeurtenissen"))
        .order_by("-stappen", "dossiernummer")
        .first()
    )


def fotograferen(page: Page, url: str, naam: str) -> list[Path]:
    """The page at every width, each a viewport-sized PNG docs/schermen/<naam>-<width>.png."""
    paden = []
    for breedte, hoogte in SCHERMEN.items():
        page.set_viewport_size({"width": breedte, "height": hoogte})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        pad = MAP / f"{naam}-{breedte}.png"
        page.screenshot(path=str(pad), full_page=False)
        paden.append(pad)
    return paden


def test_schermafdrukken(page: Page, live_server, demo):
    MAP.mkdir(parents=True, exist_ok=True)
    dossier = het_dossier()
    geschreven = []

    inloggen(page, live_server, "teamleider", DEMO_WACHTWOORD)
    geschreven += fotograferen(page, f"{live_server.url}/medewerker/", "werkvoorraad")
    geschreven += fotograferen(
        page, f"{live_server.url}/medewerker/klanttevredenheid/", "klanttevredenheid"
    )
    page.context.clear_cookies()

    inloggen(page, live_server, "behandelaar", DEMO_WACHTWOORD)
    geschreven += fotograferen(
        page, f"{live_server.url}/medewerker/klachten/{dossier.dossiernummer}/", "dossier"
    )

    for pad in geschreven:
        assert pad.stat().st_size > 10_000, pad  # a page, not an empty or error screen
        print(f"Geschreven: {pad}")
