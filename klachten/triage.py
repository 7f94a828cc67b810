"""The triage suggestion (issue 22): a complaint that came in without categorie and afdeling
(e-mail, social media) gets a suggested categorie and afdeling from its text, learned from this
installation's own closed complaints.

- *The classifier*: scikit-learn, TF-IDF over words (lower case, accents folded, letters only:
  no numbers such as policy numbers; a word must occur in at least `MIN_DOCUMENTEN` complaints,
  so a name of one customer never enters the vocabulary) and a logistic regression per target
  (categorie, afdeling). Explainable: the words that pushed the chosen categorie most (their
  TF-IDF weight in this text times the model's coefficient for that categorie) are shown.
- *Training data*: closed complaints with categorie and afdeling, not anonymised (the text of an
  anonymised complaint is never read: `geanonimiseerd_op` is empty), the newest `MAX_KLACHTEN`.
  What the handler chose on classifying is what counts: the complaint's own categorie and
  afdeling, never the suggestion.
- *Accuracy*: the newest fifth (by ontvangen_op) is held out; the model trained on the older four
  fifths is scored on it (the share of held-out complaints whose categorie, and afdeling, it
  guessed). That score is stored with the night's model, which is then fitted again on all of
  them. Fewer than `MIN_KLACHTEN` complaints or only one categorie: no model, with the reason.
- *Nightly*: beat `triage-trainen` (settings) runs `nachtelijk_trainen`; one model per night
  (Triagemodel.datum is unique): a second run the same night does nothing. Models older than
  `BEWAREN_DAGEN` are removed (their vocabulary holds words of complaints that may since be
  anonymised).
- *Off below the threshold*: the beheerder's Triage.drempel; the suggestion shows only when the
  latest model's lower accuracy (categorie or afdeling) reaches it, and only a categorie of the
  complaint's label.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from klachten import kalender
from klachten.models import (
    Afdeling,
    Categorie,
    Klacht,
    Triage,
    Triagemodel,
    Triagesuggestie,
)
from klachten.workflow import Status

logger = logging.getLogger(__name__)

MIN_KLACHTEN = 50
MIN_DOCUMENTEN = 2
MAX_KLACHTEN = 50_000
TOETS_DEEL = 0.2
BEWAREN_DAGEN = 30
UITLEG_WOORDEN = 5

# Frequent Dutch function words: they explain nothing.
STOPWOORDEN = sorted(
    {
        "aan",
        "al",
        "als",
        "bij",
        "dat",
        "de",
        "den",
        "der",
        "deze",
        "die",
        "dit",
        "doch",
        "door",
        "dus",
        "een",
        "en",
        "er",
        "ge",
        "geen",
        "had",
        "heb",
        "hebben",
        "heeft",
        "het",
        "hij",
        "hoe",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "kan",
        "kon",
        "maar",
        "me",
        "meer",
        "men",
        "met",
        "mij",
        "mijn",
        "na",
        "naar",
        "niet",
        "niets",
        "nog",
        "nu",
        "of",
        "om",
        "omdat",
        "ons",
        "onze",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "veel",
        "voor",
        "was",
        "wat",
        "we",
        "wel",
        "werd",
        "wie",
        "wij",
        "wil",
        "worden",
        "wordt",
        "zal",
        "ze",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zou",
    }
)


def _tekst(klacht: Klacht) -> str:
    return klacht.omschrijving or ""


def _pijplijn():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(
            lowercase=True,
            strip_accents="unicode",
            token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
            min_df=MIN_DOCUMENTEN,
            max_df=0.9,
            sublinear_tf=True,
            stop_words=STOPWOORDEN,
        ),
        LogisticRegression(max_iter=1000, C=5.0),
    )


def _procent(deel: float) -> Decimal:
    return (Decimal(str(deel)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def trainingsklachten():
    """The complaints the classifier learns from (never an anonymised one)."""
    return (
        Klacht.objects.filter(
            status=Status.AFGESLOTEN,
            geanonimiseerd_op__isnull=True,
            categorie__isnull=False,
            afdeling__isnull=False,
        )
        .exclude(omschrijving="")
        .order_by("-ontvangen_op", "-pk")
    )


@dataclass(frozen=True)
class Uitkomst:
    model: bytes | None
    aantal_training: int
    aantal_toets: int
    nauwkeurigheid_categorie: Decimal | None
    nauwkeurigheid_afdeling: Decimal | None
    opmerking: str = ""


def trainen() -> Uitkomst:
    """Fit and score the classifier on the current closed complaints (no database writes)."""
    rijen = list(
        trainingsklachten().values_list("omschrijving", "categorie_id", "afdeling_id")[
            :MAX_KLACHTEN
        ]
    )
    rijen.reverse()  # oldest first: the newest fifth is held out
    categorieen = {c for _t, c, _a in rijen}
    if len(rijen) < MIN_KLACHTEN or len(categorieen) < 2:
        return Uitkomst(
            model=None,
            aantal_training=len(rijen),
            aantal_toets=0,
            nauwkeurigheid_categorie=None,
            nauwkeurigheid_afdeling=None,
            opmerking=(
                f"Te weinig afgesloten klachten om van te leren: {len(rijen)} "
                f"(minstens {MIN_KLACHTEN}, in minstens 2 categorieën)."
            ),
        )
    try:
        return _trainen(rijen)
    except ValueError as exc:  # e.g. no word occurs in two complaints
        return Uitkomst(
            model=None,
            aantal_training=len(rijen),
            aantal_toets=0,
            nauwkeurigheid_categorie=None,
            nauwkeurigheid_afdeling=None,
            opmerking=f"Niet te trainen: {exc}",
        )


def _trainen(rijen: list[tuple[str, int, int]]) -> Uitkomst:
    grens = len(rijen) - max(1, int(len(rijen) * TOETS_DEEL))
    training, toets = rijen[:grens], rijen[grens:]
    scores = {}
    modellen = {}
    for naam, kolom in (("categorie", 1), ("afdeling", 2)):
        doelen = [r[kolom] for r in training]
        if len(set(doelen)) < 2:
            # One afdeling for everything: the suggestion is that afdeling, always right.
            scores[naam] = sum(r[kolom] == doelen[0] for r in toets) / len(toets)
        else:
            pijplijn = _pijplijn().fit([r[0] for r in training], doelen)
            scores[naam] = pijplijn.score([r[0] for r in toets], [r[kolom] for r in toets])
        alle = [r[kolom] for r in rijen]
        if len(set(alle)) < 2:
            modellen[naam] = alle[0]  # a constant
        else:
            modellen[naam] = _pijplijn().fit([r[0] for r in rijen], alle)
    return Uitkomst(
        model=pickle.dumps(modellen, protocol=pickle.HIGHEST_PROTOCOL),
        aantal_training=len(training),
        aantal_toets=len(toets),
        nauwkeurigheid_categorie=_procent(scores["categorie"]),
        nauwkeurigheid_afdeling=_procent(scores["afdeling"]),
    )


def nachtelijk_trainen(*, op: dt.datetime | None = None) -> Triagemodel | None:
    """The night's model (beat `triage-trainen`): trained once per night; a second run the
    same night (a retry, beat and a manual run) returns None and changes nothing."""
    op = op or timezone.now()
    datum = kalender.lokale_datum(op)
    if Triagemodel.objects.filter(datum=datum).exists():
        return None
    uitkomst = trainen()
    try:
        with transaction.atomic():
            model = Triagemodel.objects.create(
                datum=datum,
                getraind_op=op,
                model=uitkomst.model,
                aantal_training=uitkomst.aantal_training,
                aantal_toets=uitkomst.aantal_toets,
                nauwkeurigheid_categorie=uitkomst.nauwkeurigheid_categorie,
                nauwkeurigheid_afdeling=uitkomst.nauwkeurigheid_afdeling,
                opmerking=uitkomst.opmerking,
            )
            Triagemodel.objects.filter(datum__lt=datum - dt.timedelta(days=BEWAREN_DAGEN)).delete()
    except IntegrityError:  # another worker stored this night's model meanwhile
        return None
    _MODELLEN.clear()
    logger.info(
        "Triagemodel %s: %s getraind, %s achtergehouden, categorie %s%%, afdeling %s%%",
        datum,
        model.aantal_training,
        model.aantal_toets,
        model.nauwkeurigheid_categorie,
        model.nauwkeurigheid_afdeling,
    )
    return model


# The unpickled pipelines per model id, once per process.
_MODELLEN: dict[int, dict] = {}


def _geladen(model: Triagemodel) -> dict:
    if model.pk not in _MODELLEN:
        _MODELLEN.clear()
        _MODELLEN[model.pk] = pickle.loads(bytes(model.model))
    return _MODELLEN[model.pk]


def actueel_model() -> Triagemodel | None:
    """The newest model that has a classifier."""
    return Triagemodel.objects.filter(model__isnull=False).order_by("-datum").first()


@dataclass(frozen=True)
class Voorstel:
    categorie: Categorie
    afdeling: Afdeling
    zekerheid: int  # the classifier's probability for the categorie, %
    woorden: list[str]  # the words that pushed the categorie most
    model: Triagemodel


def _voorspellen(pijplijn, tekst: str, toegestaan: set[int] | None):
    """The most probable class (among `toegestaan` when given), its probability and the words
    that pushed it most."""
    if not hasattr(pijplijn, "predict_proba"):
        return pijplijn, 1.0, []
    kansen = pijplijn.predict_proba([tekst])[0]
    klassen = list(pijplijn.classes_)
    kandidaten = [
        (kans, klasse)
        for kans, klasse in zip(kansen, klassen, strict=True)
        if toegestaan is None or klasse in toegestaan
    ]
    if not kandidaten:
        return None, 0.0, []
    kans, klasse = max(kandidaten)
    vectoriseerder, regressie = pijplijn.steps[0][1], pijplijn.steps[-1][1]
    rij = vectoriseerder.transform([tekst])
    index = klassen.index(klasse)
    if regressie.coef_.shape[0] == 1:  # two classes: one coefficient row, for classes_[1]
        gewichten = regressie.coef_[0] * (1 if index == 1 else -1)
    else:
        gewichten = regressie.coef_[index]
    woorden = vectoriseerder.get_feature_names_out()
    bijdragen = sorted(
        ((rij[0, j] * gewichten[j], woorden[j]) for j in rij.nonzero()[1]), reverse=True
    )
    return klasse, kans, [w for bijdrage, w in bijdragen[:UITLEG_WOORDEN] if bijdrage > 0]


def voorstel(klacht: Klacht) -> Voorstel | None:
    """The suggestion for a complaint still to classify, or None: off (beheerder), below the
    threshold, no model yet, an anonymised text, or no categorie of the complaint's label."""
    if klacht.geanonimiseerd_op is not None or not _tekst(klacht).strip():
        return None
    instelling = Triage.huidige()
    if not instelling.actief:
        return None
    model = actueel_model()
    if model is None or model.nauwkeurigheid is None:
        return None
    if model.nauwkeurigheid < instelling.drempel:
        return None
    modellen = _geladen(model)
    toegestaan = set(Categorie.objects.voor_label(klacht.label_id).values_list("pk", flat=True))
    categorie_id, kans, woorden = _voorspellen(modellen["categorie"], _tekst(klacht), toegestaan)
    if categorie_id is None:
        return None
    afdeling_id, _kans, _woorden = _voorspellen(modellen["afdeling"], _tekst(klacht), None)
    categorie = Categorie.objects.filter(pk=categorie_id).select_related("afdeling").first()
    afdeling = Afdeling.objects.filter(pk=afdeling_id).first() if afdeling_id else None
    if categorie is None:
        return None
    return Voorstel(
        categorie=categorie,
        afdeling=afdeling or categorie.afdeling,
        zekerheid=round(kans * 100),
        woorden=woorden,
        model=model,
    )


def voorstel_vastleggen(*, klacht: Klacht, voorstel: Voorstel) -> None:
    """Record what the handler was shown (once per complaint; shown again, the latest counts
    until they decide), so that the classify action can record whether they took it."""
    if Triagesuggestie.objects.filter(klacht=klacht, overgenomen__isnull=False).exists():
        return
    Triagesuggestie.objects.update_or_create(
        klacht=klacht,
        defaults={
            "triagemodel": voorstel.model,
            "categorie": voorstel.categorie,
            "afdeling": voorstel.afdeling,
            "getoond_op": timezone.now(),
        },
    )
