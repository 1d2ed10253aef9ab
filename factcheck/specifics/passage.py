"""The passage that proves a fact claim in one source: the sentence or two holding the most of
the claim's specifics (issue 18, point 2)."""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.models import SpecificFinding, SpecificKind, SpecificStatus
from factcheck.specifics.lookup import source_of
from factcheck.specifics.source import name_spans_in

MAX_PASSAGE = 700  # characters: two sentences longer than this are cut to the better one


def best_passage(
    findings: Sequence[SpecificFinding], text: str, published: str | None = None
) -> tuple[int, int] | None:
    """Start and end of the sentence, or two adjacent sentences, naming the most distinct
    specifics found in `text`; None when the source confirms none."""
    src = source_of(text, published)  # the scans find_specifics made
    held: dict[int, set[int]] = {}  # sentence -> which specifics it holds
    for i, f in enumerate(findings):
        if f.status is not SpecificStatus.FOUND or f.start is None:
            continue
        spans = name_spans_in(f.specific, src) if f.specific.kind is SpecificKind.NAME else []
        for start in [s for s, _ in spans] or [f.start]:
            held.setdefault(src.sentence(start), set()).add(i)
    if not held:
        return None
    best = max(held, key=lambda s: (len(held[s]), -s))
    first, last = best, best
    for a in (best - 1, best):
        if a < 0 or a + 1 > src.sentence(len(text)):
            continue
        pair = held.get(a, set()) | held.get(a + 1, set())
        span = src.sentence_span(a)[0], src.sentence_span(a + 1)[1]
        if len(pair) > len(held[best]) and span[1] - span[0] <= MAX_PASSAGE:
            first, last = a, a + 1
            break
    return src.sentence_span(first)[0], src.sentence_span(last)[1]
