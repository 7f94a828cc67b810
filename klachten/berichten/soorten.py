"""The kinds of message the outbox sends, as the apps declare them (a registry the outbox owns).

Each app names its kinds in its own module (a TextChoices) and declares them, with the folder of
their default templates, from its AppConfig.ready: klachten its own (klachten.workflow), the
survey and the reports theirs. The outbox knows no app's kinds by name; it asks this registry
whether a kind is internal and where its defaults are. Bericht.soort and Berichtsjabloon.soort
take their choices from here (klachten.models.berichtsoort_keuzes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise

from klachten.models import Berichtsjabloon

# The plain-language (B1) version of a template: <taal>/eenvoudig/<soort>.txt.
EENVOUDIG = "eenvoudig"
# In a default template file, the line after which the suggestion for the handler's free text
# follows (Berichtsjabloon.vrije_tekst).
VRIJE_TEKST_REGEL = "{# vrije tekst #}"


@dataclass(frozen=True)
class Berichtsoort:
    """One kind of message."""

    code: str  # the stored value (Bericht.soort, Berichtsjabloon.soort)
    naam: str | Promise  # translatable, as get_soort_display shows it
    # To staff, not to the customer: never on the status page or in the customer's export, and
    # no label signature under it.
    intern: bool
    # The default templates: <taal>/<code>.txt, plain-language ones in <taal>/eenvoudig/<code>.txt;
    # the first line is the subject, the rest (after one empty line) the text, and after a line
    # VRIJE_TEKST_REGEL the suggestion for the handler's free text.
    jablonen: Path


SOORTEN: dict[str, Berichtsoort] = {}


def soorten_registreren(
    keuzes: type[models.TextChoices], *, jablonen: Path, intern: Iterable[str] = ()
) -> None:
    """Declare an app's kinds of message (`keuzes`), the `intern` ones among them, and the folder
    of their default templates. A code is one kind: a second app cannot claim it."""
    intern = {str(soort) for soort in intern}
    for keuze in keuzes:
        soort = Berichtsoort(
            code=keuze.value, naam=keuze.label, intern=keuze.value in intern, jablonen=jablonen
        )
        if SOORTEN.setdefault(soort.code, soort) != soort:
            raise ImproperlyConfigured(f"Berichtsoort {soort.code!r} is al geregistreerd.")


def soort_keuzes() -> list[tuple[str, str | Promise]]:
    """Every registered kind as (code, name), in the order the apps declared them."""
    return [(soort.code, soort.naam) for soort in SOORTEN.values()]


def is_intern(soort: str) -> bool:
    """Whether a kind goes to staff only (Berichtsoort.intern); unknown kinds are not."""
    gevonden = SOORTEN.get(str(soort))
    return gevonden is not None and gevonden.intern


def interne_soorten() -> frozenset[str]:
    """The codes of the internal kinds, for queries that leave them out."""
    return frozenset(soort.code for soort in SOORTEN.values() if soort.intern)


@dataclass(frozen=True)
class Standaardjabloon:
    """A default template file of a registered kind."""

    soort: str
    taal: str
    eenvoudig: bool
    bestand: Path

    def lezen(self) -> tuple[str, str, str]:
        """The file's subject, text and suggestion for the free text, as the database holds them."""
        onderwerp, _, rest = self.bestand.read_text(encoding="utf-8").partition("\n")
        tekst, _, vrije_tekst = rest.partition(VRIJE_TEKST_REGEL + "\n")
        return (
            onderwerp.strip(),
            tekst.strip() + "\n",
            vrije_tekst.strip() + "\n" if vrije_tekst.strip() else "",
        )


def standaardjablonen() -> list[Standaardjabloon]:
    """The default template files of every registered kind, in every language there is one."""
    gevonden = []
    for soort in SOORTEN.values():
        for bestand in soort.jablonen.glob(f"*/{soort.code}.txt"):
            gevonden.append(Standaardjabloon(soort.code, bestand.parent.name, False, bestand))
        for bestand in soort.jablonen.glob(f"*/{EENVOUDIG}/{soort.code}.txt"):
            taal = bestand.parent.parent.name
            gevonden.append(Standaardjabloon(soort.code, taal, True, bestand))
    return sorted(gevonden, key=lambda j: (j.taal, j.eenvoudig, j.soort))


def berichtsjablonen_inrichten(*, using: str = "default") -> int:
    """Create the default templates of every registered kind that are missing (idempotent; never
    overwrites the beheerder's edits). Runs after every migrate (klachten.apps)."""
    aangemaakt = 0
    for jabloon in standaardjablonen():
        onderwerp, tekst, vrije_tekst = jabloon.lezen()
        _jabloon, nieuw = Berichtsjabloon.objects.using(using).get_or_create(
            soort=jabloon.soort,
            taal=jabloon.taal,
            eenvoudige_taal=jabloon.eenvoudig,
            defaults={"onderwerp": onderwerp, "tekst": tekst, "vrije_tekst": vrije_tekst},
        )
        aangemaakt += nieuw
    return aangemaakt
