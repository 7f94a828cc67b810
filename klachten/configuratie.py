"""What the beheerder configures and every public request reads (labels, categorieën, afdelingen, termijnregels,
berichtsjablonen),
read once per process and read again when it changes (issue 20: not re-read per request).

Each process keeps its copy in memory under a version token kept in the shared cache (Redis in
production, one GET per read, no SQL). Saving or deleting a configured row (signals below) sets a
new token at once and again when the transaction commits, so every process reads it afresh on its
next request (the second token covers a process that read the old rows between the first token
and the commit). When the shared cache does not answer (Redis down) a process keeps its copy at
most ZONDER_GEDEELDE_CACHE_S seconds.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSIE_SLEUTEL = "klachten:configuratie:versie"
ZONDER_GEDEELDE_CACHE_S = 10

_slot = threading.Lock()
_kopie: dict = {"versie": None, "gelezen_op": 0.0, "waarden": {}}


def _gedeelde_versie() -> str | None:
    try:
        versie = cache.get(VERSIE_SLEUTEL)
        if versie is None:
            cache.add(VERSIE_SLEUTEL, uuid.uuid4().hex, None)
            versie = cache.get(VERSIE_SLEUTEL)
    except Exception:  # the cache down: the copy lives ZONDER_GEDEELDE_CACHE_S at most
        return None
    return versie


def gelezen(naam: str, lezen):
    """The value `naam`, as `lezen()` read it from the database in this process since the
    configuration last changed."""
    versie = _gedeelde_versie()
    nu = time.monotonic()
    with _slot:
        verouderd = (versie is None and nu - _kopie["gelezen_op"] > ZONDER_GEDEELDE_CACHE_S) or (
            versie is not None and versie != _kopie["versie"]
        )
        if verouderd:
            _kopie.update(versie=versie, gelezen_op=nu, waarden={})
        if naam in _kopie["waarden"]:
            return _kopie["waarden"][naam]
    waarde = lezen()
    with _slot:
        if _kopie["versie"] == versie:
            _kopie["waarden"][naam] = waarde
    return waarde


def gewijzigd() -> None:
    """The configuration changed: every process reads it again (now, and after the commit)."""
    _nieuwe_versie()
    transaction.on_commit(_nieuwe_versie)


def _nieuwe_versie() -> None:
    with _slot:
        _kopie.update(versie=None, gelezen_op=0.0, waarden={})
    with contextlib.suppress(Exception):
        cache.set(VERSIE_SLEUTEL, uuid.uuid4().hex, None)


def _bij_wijziging(sender, **kwargs) -> None:
    gewijzigd()


def signalen_verbinden() -> None:
    """From KlachtenConfig.ready: the models whose rows are configuration."""
    from klachten.models import (
        Afdeling,
        Berichtsjabloon,
        Categorie,
        ExterneInstantie,
        Label,
        Reactietermijn,
        Termijn,
    )

    for model in (
        Label,
        Categorie,
        Afdeling,
        ExterneInstantie,
        Termijn,
        Berichtsjabloon,
        Reactietermijn,
    ):
        for signaal in (post_save, post_delete):
            signaal.connect(_bij_wijziging, sender=model, dispatch_uid=f"configuratie_{model}")
    m2m_changed.connect(
        _bij_wijziging, sender=Categorie.labels.through, dispatch_uid="configuratie_labels"
    )


def labels() -> list:
    """Every label (by name, as Label.Meta orders them), with its external body."""
    from klachten.models import Label

    return gelezen(
        "labels",
        lambda: list(Label.objects.select_related("externe_instantie")),
    )


def reactietermijnen() -> dict:
    """Every label's published reaction terms (models.Reactietermijn), by (label id, kanaal):
    what registering a complaint computes its first-reaction deadline from."""
    from klachten.models import Reactietermijn

    return gelezen(
        "reactietermijnen",
        lambda: {(t.label_id, t.kanaal): t for t in Reactietermijn.objects.all()},
    )


def categorieen_voor_label(label_id: int) -> dict:
    """The active categorieën a complaint of this label may have (Categorie.labels), by pk,
    with their afdeling."""
    from klachten.models import Categorie

    return gelezen(
        f"categorieen:{label_id}",
        lambda: {
            c.pk: c
            for c in Categorie.objects.filter(actief=True)
            .voor_label(label_id)
            .select_related("afdeling")
        },
    )


def actieve_categorieen() -> list:
    """Every active categorie, with its afdeling."""
    from klachten.models import Categorie

    return gelezen(
        "categorieen",
        lambda: list(Categorie.objects.filter(actief=True).select_related("afdeling")),
    )


def afdelingen() -> dict:
    """Every afdeling, by pk."""
    from klachten.models import Afdeling

    return gelezen("afdelingen", lambda: {a.pk: a for a in Afdeling.objects.all()})


def berichtsjablonen() -> list:
    """Every message template (klachten.berichten.opstellen chooses among them)."""
    from klachten.models import Berichtsjabloon

    return gelezen("berichtsjablonen", lambda: list(Berichtsjabloon.objects.all()))


def inlezen() -> None:
    """Read every part a request may need now, as a process that has served a few requests has
    it (the query-count tests count a request of a running process; issue 20)."""
    from klachten import selectors

    for label in labels():
        categorieen_voor_label(label.pk)
    actieve_categorieen()
    afdelingen()
    berichtsjablonen()
    selectors.termijnregels()
