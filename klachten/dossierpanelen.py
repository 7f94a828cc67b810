"""Panels that other apps offer on the dossier page (issue 19: klachten imports no other app).

An app with something to say about a complaint registers a panel here from its AppConfig.ready
(as rapportage registers its links in `klachten.paginalinks`): a template of its own and a
function that reads what the panel shows for a complaint and a reader, or None when that reader
may not see it or there is nothing to show. The dossier shows the panels that answered, in the
order they were registered; without the app there is no panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from klachten.models import Klacht, Medewerker


@dataclass(frozen=True)
class Dossierpaneel:
    # The panel's template, included in the dossier's side column with the panel's context as
    # `paneel` (and the dossier's own context).
    sjabloon: str
    # What the panel shows for (complaint, reader); None: no panel. At most one query: the
    # dossier page has a query budget (tests/klachten/test_werkvoorraad.py MAX_DOSSIER).
    inhoud: Callable[[Klacht, Medewerker], dict | None]


PANELEN: dict[str, Dossierpaneel] = {}


def paneel_registreren(naam: str, paneel: Dossierpaneel) -> None:
    """Offer the panel `naam` on the dossier page."""
    PANELEN[naam] = paneel


def panelen(klacht: Klacht, gebruiker: Medewerker) -> list[dict]:
    """The panels for this reader of this dossier, each {"sjabloon": ..., "inhoud": {...}}."""
    gevuld = []
    for paneel in PANELEN.values():
        inhoud = paneel.inhoud(klacht, gebruiker)
        if inhoud is not None:
            gevuld.append({"sjabloon": paneel.sjabloon, "inhoud": inhoud})
    return gevuld
