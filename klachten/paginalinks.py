"""Links that other apps offer on klachten's pages (issue 16: klachten names no URL of another app).

klachten knows where such a link goes on its pages, not where it leads: an app that has the page
registers it here from its AppConfig.ready (as klanttevredenheid registers its personal data with
`avg.bron_registreren`), and a klachten view asks for it by name. Without that app the link is
empty and the page leaves it out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from klachten.models import Label

# The label's public annual complaints report, linked from the complaint procedure page
# (offered by rapportage).
JAARVERSLAG = "jaarverslag"

LINKS: dict[str, Callable[[Label], str]] = {}


def link_registreren(naam: str, url: Callable[[Label], str]) -> None:
    """Offer the link `naam` on klachten's pages; `url(label)` is its address for a label."""
    LINKS[naam] = url


def link_url(naam: str, label: Label) -> str:
    """The address of the link `naam` for `label`; empty when no installed app offers it."""
    url = LINKS.get(naam)
    return url(label) if url else ""
