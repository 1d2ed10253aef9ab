"""The checkable specifics of a claim, extracted or pinned in claims.yaml."""

from __future__ import annotations

import re
from collections.abc import Sequence

from factcheck.models import Specific, SpecificKind
from factcheck.specifics.names import claim_names, is_sentence_start, name_value
from factcheck.specifics.relative import article_date, relative_hits, with_year
from factcheck.specifics.scan import SCANNERS, Hit, drop_overlaps
from factcheck.specifics.values import unit_after
from factcheck.specifics.vocabulary import ONE_SKIP

K = SpecificKind
_PUBLICATION = re.compile(
    r"\b(?:published|reported|posted|wrote|printed|broadcast|aired|dated|issued)\b", re.I
)


def about_publication(claim: str) -> bool:
    """Whether a claim's date may be when a page appeared ('the report published on …')."""
    return bool(_PUBLICATION.search(claim))


def _with_unit(text: str, h: Hit) -> Hit:
    """Extend a count or range to the noun it counts: '53 soldiers', '10th country'."""
    if h.unit_from < 0:
        return h
    singular = not h.value[-1].isdigit() or h.value in ("1", "1..1")
    unit = unit_after(text, h.unit_from, singular)
    if unit is None:
        return h
    return Hit(h.kind, h.start, unit[1], f"{h.value} {unit[0]}")


def _keep_in_claim(claim: str, h: Hit) -> bool:
    """Drop 'Pillar Two' (capitalised word number mid-sentence) and pronoun 'one'."""
    if h.kind is not K.NUMBER:
        return True
    words = claim[h.start : h.end].split()
    if words[0][0].isupper() and not is_sentence_start(claim, h.start):
        return False
    if words[-1].lower() != "one":
        return True
    prev = claim[: h.start].split()[-1:] or [""]
    after = claim[h.end : h.end + 5].lstrip()
    return not (prev[0].lower() in ONE_SKIP or after[:1] in ",.;:)" or after.startswith("of "))


def _numeric_hits(text: str, claim_rules: bool) -> list[Hit]:
    hits = [
        _with_unit(text, h)
        for scan in SCANNERS.values()
        for h in scan(text)
        if not claim_rules or _keep_in_claim(text, h)
    ]
    return drop_overlaps(hits, len(text))


def extract_specifics(
    claim: str, pinned: Sequence[str] = (), published: str | None = None
) -> tuple[Specific, ...]:
    """The checkable specifics of a claim, in claim order; `pinned` (claims.yaml) replaces them.

    Each pinned string becomes one specific, classified and normalised like extracted ones.
    With the article's `published` date, 'last month' and a month without a year become
    dates in the year the article means (relative.py).
    """
    day = article_date(published)
    if pinned:
        given = tuple(_classify(p.strip()) for p in pinned if p.strip())
        return tuple(with_year(s, claim, day) for s in given) if day else given
    hits = _numeric_hits(claim, claim_rules=True)
    if day:
        hits = drop_overlaps([*relative_hits(claim, day), *hits], len(claim))
    taken = bytearray(len(claim))
    for h in hits:
        taken[h.start : h.end] = b"\x01" * (h.end - h.start)
    found = [(h.start, Specific(h.kind, claim[h.start : h.end], h.value)) for h in hits]
    unique: dict[tuple[SpecificKind, str], Specific] = {}
    for _, s in sorted(found + claim_names(claim, bytes(taken)), key=lambda p: p[0]):
        s = with_year(s, claim, day) if day else s
        unique.setdefault((s.kind, s.value), s)
    return tuple(unique.values())


def _classify(text: str) -> Specific:
    """A pinned specific: the first (longest) numeric reading of the string, else a name."""
    hits = _numeric_hits(text, claim_rules=False)
    if not hits:
        return Specific(K.NAME, text, name_value(text))
    best = min(hits, key=lambda h: (h.start, h.start - h.end))
    return Specific(best.kind, text, best.value)
