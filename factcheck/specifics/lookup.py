"""Looking a claim's specifics up in a source: found, missing or conflict; the roll-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from factcheck.models import Specific, SpecificFinding, SpecificKind, SpecificStatus
from factcheck.specifics.finders import FINDERS, NEAR, find_name, find_publication_date
from factcheck.specifics.scan import Hit
from factcheck.specifics.source import Source, name_spans_in

K = SpecificKind
MAX_SENTENCE = 400  # characters of a source sentence kept with a finding


def _conflict(spec: Specific, src: Source, h: Hit) -> SpecificFinding:
    return SpecificFinding(spec, SpecificStatus.CONFLICT, src.text[h.start : h.end], h.start, h.end)


_Anchor = tuple[int, int, int, int]  # start, end, which specific, sentence


def _nearest(
    hits: Sequence[Hit], anchors: Sequence[_Anchor], src: Source, need: bool
) -> Hit | None:
    """The rival sharing a sentence with most confirmed specifics, then the closest one.

    With `need`, a rival must share a sentence with one or lie within NEAR characters of one.
    """
    best: tuple[tuple[int, int, int, int], Hit] | None = None
    for h in hits:
        gaps = [max(a - h.end, h.start - b) for a, b, _, _ in anchors]
        if any(g < 0 for g in gaps):
            continue  # it is the wording of something the source confirms
        sentence = src.sentence(h.start)
        shared = len({i for _, _, i, s in anchors if s == sentence})
        gap = min(gaps, default=NEAR + 1)
        near = shared > 0 or gap <= NEAR
        if need and not near:
            continue
        key = (0 if near else 1, -shared, gap, h.start)
        if best is None or key < best[0]:
            best = (key, h)
    return best[1] if best else None


# Rivals of these kinds count only near something the source confirms (a page has many dates);
# counts and ranges carry their own context (the unit, the other end of the range).
_NEED_ANCHOR = {K.DATE, K.MONEY, K.PERCENT}


def find_specifics(
    specifics: Sequence[Specific],
    text: str,
    published: str | None = None,
    publication: bool = False,
) -> tuple[SpecificFinding, ...]:
    """Look each specific up in a source text: found (where), missing, or conflict (rival value).

    A conflict is a different value of the same kind next to the same unit, or near another of
    the claim's specifics that this source confirms; `found_text` then holds the source's wording.
    Dates in the page's dateline or byline, or its `published` metadata, date the page: they
    count only for a claim about `publication` ('published on 18 November').
    """
    src = source_of(text, published)
    results: list[tuple[Specific, SpecificFinding | None, list[Hit]]] = []
    for spec in specifics:
        if spec.kind is K.NAME or spec.kind not in FINDERS:
            results.append((spec, find_name(spec, src), []))
            continue
        finding, rivals = FINDERS[spec.kind](spec, src)
        if finding is None and publication and spec.kind is K.DATE:
            finding = find_publication_date(spec, src)
        results.append((spec, finding, [] if finding else rivals))
    anchors: list[_Anchor] = []
    for i, (spec, finding, _) in enumerate(results):
        if finding is None or finding.start is None or finding.end is None:
            continue
        spans = name_spans_in(spec, src) if spec.kind is K.NAME else []
        for start, end in spans or [(finding.start, finding.end)]:
            anchors.append((start, end, i, src.sentence(start)))
    out = []
    for spec, finding, rivals in results:
        rival = None if finding else _nearest(rivals, anchors, src, spec.kind in _NEED_ANCHOR)
        if finding:
            out.append(_with_sentence(finding, src))
        elif rival:
            out.append(_with_sentence(_conflict(spec, src, rival), src))
        else:
            out.append(SpecificFinding(spec, SpecificStatus.MISSING))
    return tuple(out)


def _with_sentence(finding: SpecificFinding, src: Source) -> SpecificFinding:
    """The finding with the source's sentence around it (cut to MAX_SENTENCE characters)."""
    if finding.start is None or finding.end is None:
        return finding  # found in the page's metadata
    start, end = src.sentence_span(src.sentence(finding.start))
    start = max(start, finding.start - MAX_SENTENCE // 2)
    end = min(end, max(finding.end, start + MAX_SENTENCE))
    return replace(finding, sentence=" ".join(src.text[start:end].split()))


@lru_cache(maxsize=8)
def source_of(text: str, published: str | None = None) -> Source:
    """Claims citing one page share its scans (each kind is scanned once per text)."""
    return Source(text, published)
