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
    last = src.sentence(len(text))
    windows = [(a, a) for a in held] + [(a, a + 1) for a in held if a < last]
    windows += [(a - 1, a) for a in held if a > 0 and a - 1 not in held]

    def score(w: tuple[int, int]) -> tuple[int, int, bool, int]:
        start, end = src.sentence_span(w[0])[0], src.sentence_span(w[1])[1]
        count = len(held.get(w[0], set()) | held.get(w[1], set()))
        fits = w[0] == w[1] or end - start <= MAX_PASSAGE
        prose = text[start:end].rstrip()[-1:] in '.!?"”’'  # not a heading or a caption
        return (count if fits else 0, w[0] - w[1], prose, -w[0])

    first, last = max(windows, key=score)
    return src.sentence_span(first)[0], src.sentence_span(last)[1]
