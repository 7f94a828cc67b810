"""The work queue's search (issue 20): one rule for what a search term finds, on indexes so that
it costs the same at 1,000,000 complaints as at 100 (README, "Zoeken").

A term finds a complaint by
- its dossiernummer, whole, in any case (the unique index);
- the customer's e-mail address, whole, in any case (index klacht_email_label_upper);
- a part of at least ``MIN_DEEL`` characters of the customer's name, policy number or postal
  address, in any case and with or without accents ("zoe" finds "Zoë", "muller" "Müller"): on
  PostgreSQL a trigram index over the three together (klacht_zoektekst_trgm); a shorter term
  (a surname like "Wu" or "Li") finds a word that is or starts like it, on the same index
  (pg_trgm's word similarity: "wu" finds "Wei Wu" and "Wubben", not "Kawuzi");
- the words of its text (omschrijving) in any inflection, Dutch stemming, accents folded
  ("betaling" finds "betalingen"; stop words like "de" find nothing): on PostgreSQL a full-text
  index (klacht_omschrijving_fts);
- a Dutch or Belgian postcode, with or without its space (issue 18).

The functions, the text search configuration and the indexes are made by migration
0036_werkvoorraad_zoeken. On SQLite (a look around, tests/test_sqlite.py) the same fields are
searched with plain lookups, without accent folding or stemming.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorExact, SearchVectorField
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.lookups import Contains

# A Dutch (1234 AB) or Belgian (1000) postcode typed into the search.
POSTCODE = re.compile(r"([1-9][0-9]{3})\s?([A-Za-z]{2})?")
# Shorter parts have no trigram to look up: they would read the whole index.
MIN_DEEL = 3
# The Dutch text search configuration with accents folded (migration 0036).
TEKSTCONFIGURATIE = "klachten_nl"


class Zoeknormaal(Func):
    """A term as the trigram index holds its text: lower case, accents removed."""

    function = "klachten_zoeknormaal"
    output_field = TextField()


class Zoektekst(Func):
    """Name, policy number and postal address as one normalised text: the expression of the index
    klacht_zoektekst_trgm (the same function with the same columns, or the index is not used)."""

    function = "klachten_zoektekst"
    output_field = TextField()

    def __init__(self):
        super().__init__(F("klant_naam"), F("polisnummer"), F("klant_postadres"))


class WoordGelijkend(Func):
    """pg_trgm's ``term <% tekst``: a word of the text is (nearly) the short term or starts
    with it (word_similarity at least pg_trgm.word_similarity_threshold, 0.6)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


class Tekstvector(Func):
    """The complaint's text as the index klacht_omschrijving_fts holds it."""

    template = f"to_tsvector('{TEKSTCONFIGURATIE}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("omschrijving"))


def postcodevormen(term: str) -> set[str]:
    """A postcode as it may be written in an address: "1234AB" and "1234 AB"; nothing when the
    term is no postcode."""
    postcode = POSTCODE.fullmatch(term)
    if not postcode:
        return set()
    cijfers, letters = postcode.groups()
    return {f"{cijfers} {letters}", f"{cijfers}{letters}"} if letters else {cijfers}


def zoekvoorwaarde(term: str, vendor: str) -> Q:
    """The complaints this (stripped, non-empty) term finds, as one condition; `vendor` is the
    database's (connection.vendor)."""
    # Whole: each an equality on a b-tree index (dossiernummers are stored in capitals).
    zoek = Q(dossiernummer=term.upper()) | Q(klant_email__iexact=term)
    delen = sorted({term, *postcodevormen(term)})
    if vendor != "postgresql":
        for deel in delen:
            zoek |= (
                Q(klant_naam__icontains=deel)
                | Q(polisnummer__icontains=deel)
                | Q(klant_postadres__icontains=deel)
            )
        return zoek | Q(omschrijving__icontains=term)
    for deel in delen:
        # Both sides through the same function: the term is folded as the text is, once, when
        # the query is planned (the function is immutable), so the index is used.
        if len(deel) >= MIN_DEEL:
            zoek |= Q(Contains(Zoektekst(), Zoeknormaal(Value(deel))))
        else:
            zoek |= Q(WoordGelijkend(Zoeknormaal(Value(deel)), Zoektekst()))
    return zoek | Q(SearchVectorExact(Tekstvector(), SearchQuery(term, config=TEKSTCONFIGURATIE)))
