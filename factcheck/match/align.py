"""Align a quote's words locally at candidate places: LCS opcodes, tidied, chained."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from factcheck.match.candidates import SLACK, PageIndex, pick_diagonals, vote_diagonals
from factcheck.match.meaning import SENTENCE_BREAK
from factcheck.match.opcodes import Op, lcs_opcodes, merge_ops, slide_ops, trim_ops, untidiness
from factcheck.match.quote import ParsedQuote, QuoteWord

MAX_GAP_TOKENS = 200  # an ellipsis may stand for at most this many source words
NEAR_SHARE = 0.6  # an altered quote keeps at least this share of its words


@dataclass
class Alignment:
    """One segment aligned at one place: opcodes in page-token / quote-word coordinates."""

    ops: list[Op]
    equal: int

    @property
    def start(self) -> int:
        return self.ops[0][1]

    @property
    def end(self) -> int:
        return self.ops[-1][2]


@dataclass(frozen=True)
class Place:
    """A candidate place for a segment: page words [start, end) and its LCS length there."""

    start: int
    end: int
    equal: int  # how many of the segment's words the page words there have, in order


def find_places(
    page: PageIndex,
    keys: list[str],
    lo: int = 0,
    hi: int | None = None,
    limit: int = 8,
    near_end: bool = False,
) -> list[Place]:
    """Where a segment may be inside page words [lo, hi), best voted first.

    Only LCS lengths are computed here (cheap); `find_chains` aligns the places in full.
    """
    hi = len(page.keys) if hi is None else hi
    scored, used = vote_diagonals(page, keys, lo, hi)
    if near_end:  # earlier segments: prefer the closest place before the next one
        scored.sort(key=lambda sd: (-sd[0], -sd[1]))
    places = []
    for diag in pick_diagonals(scored, limit, max(SLACK + 1, len(keys) // 2), used):
        w0, w1 = max(lo, diag - SLACK), min(hi, diag + len(keys) + SLACK)
        places.append(Place(w0, w1, Indel.similarity(page.keys[w0:w1], keys) // 2))
    return places


def _align(page: PageIndex, keys: list[str], place: Place) -> Alignment | None:
    """Align the words locally at one place (longest common subsequence)."""
    w0 = place.start
    window = page.keys[w0 : place.end]
    forward = lcs_opcodes(window, keys, w0, False)
    wider = _widened(page, forward, place)
    if wider is not None:  # a dropped sentence pushed the quote's end out of the window
        w0 = wider.start
        window = page.keys[w0 : wider.end]
        forward = lcs_opcodes(window, keys, w0, False)
    equal = sum(op[4] - op[3] for op in forward if op[0] == "equal")
    if equal < NEAR_SHARE * len(keys):  # not a quotation here: no need for a tidy diff
        return Alignment(trim_ops(forward, page.keys, keys), equal) if equal else None
    variants = []
    for ops in (forward, lcs_opcodes(window, keys, w0, True)):
        variants += [
            trim_ops(merge_ops(slide_ops(page.keys, ops, side)), page.keys, keys)
            for side in (-1, 1)
        ]
    best = _clip_stand_ins(page, min(variants, key=untidiness), keys)
    if not any(op[0] == "equal" for op in best):
        return None
    return Alignment(best, sum(op[4] - op[3] for op in best if op[0] == "equal"))


def _widened(page: PageIndex, ops: list[Op], place: Place) -> Place | None:
    """The place grown by the page words the quote skips, if its end words fell outside.

    Only where most of the quote is found already: elsewhere a wider window just lets
    scattered words line up.
    """
    # Inside the match only: the end ops also hold the window's spare words.
    skipped = sum(max(0, op[2] - op[1] - op[4] + op[3]) for op in ops[1:-1] if op[0] != "equal")
    ends = [op for op in (ops[0], ops[-1]) if op[0] != "equal" and op[4] > op[3]] if ops else []
    equal = sum(op[4] - op[3] for op in ops if op[0] == "equal")
    if skipped <= SLACK or not ends or equal < NEAR_SHARE * ops[-1][4]:
        return None
    return Place(max(0, place.start - skipped), min(len(page.keys), place.end + skipped), 0)


def _clip_stand_ins(page: PageIndex, ops: list[Op], keys: list[str]) -> list[Op]:
    """A bracketed stand-in at an edge replaces source words of its own sentence only."""
    if len(ops) < 2:
        return ops
    tag, s1, s2, q1, q2 = ops[0]
    if tag != "equal" and s2 > s1 and all(k.startswith("[") for k in keys[q1:q2]):
        while s1 < s2 - 1 and SENTENCE_BREAK.search(page.text[page.ends[s1] : page.starts[s1 + 1]]):
            s1 += 1
        ops = [(tag, s1, s2, q1, q2), *ops[1:]]
    tag, s1, s2, q1, q2 = ops[-1]
    if tag != "equal" and s2 > s1 and all(k.startswith("[") for k in keys[q1:q2]):
        while s2 > s1 + 1 and SENTENCE_BREAK.search(
            page.text[page.ends[s2 - 2] : page.starts[s2 - 1]]
        ):
            s2 -= 1
        ops = [*ops[:-1], (tag, s1, s2, q1, q2)]
    return ops


def _locate(
    page: PageIndex, words: tuple[QuoteWord, ...], lo: int, hi: int, limit: int, near_end: bool
) -> list[Alignment]:
    """Candidate alignments of one segment inside page tokens [lo, hi)."""
    return _align_places(
        page,
        words,
        find_places(page, [w.key for w in words], lo, hi, limit, near_end),
        lo,
        hi,
        near_end,
    )


def locate_segment(page: PageIndex, words: tuple[QuoteWord, ...]) -> Alignment | None:
    """The segment's best alignment anywhere in the page (None if no place has its words)."""
    found = _locate(page, words, 0, len(page.keys), 8, False)
    return found[0] if found else None


def _align_places(
    page: PageIndex,
    words: tuple[QuoteWord, ...],
    places: list[Place],
    lo: int,
    hi: int,
    near_end: bool,
) -> list[Alignment]:
    keys = [w.key for w in words]
    found = []
    for place in places:
        alignment = _align(page, keys, place)
        if alignment is not None:
            found.append(alignment)
    # Most words matched, then fewest edit blocks, then nearest the neighbouring segment.
    found.sort(
        key=lambda a: (-a.equal, untidiness(a.ops)[0], hi - a.end if near_end else a.start - lo)
    )
    return found


Chain = list[Alignment | None]


def _pivots(page: PageIndex, segs: tuple[tuple[QuoteWord, ...], ...]) -> list[int]:
    """The segments to find first, anywhere in the page; the others are sought near them.

    The longest, and also the one with the rarest word when that is another: four common
    words before an ellipsis may occur all over a page, a name or a number after it once.
    """
    longest = max(range(len(segs)), key=lambda i: len(segs[i]))

    def rarest(i: int) -> int:
        counts = [page.positions.count(w.key) for w in segs[i]]
        return min((n for n in counts if n), default=len(page.keys) + 1)

    selective = min(range(len(segs)), key=rarest)
    return [longest] if rarest(selective) >= rarest(longest) else [longest, selective]


def find_chains(
    page: PageIndex, quote: ParsedQuote, places: list[Place] | None = None
) -> list[Chain]:
    """Align every segment in order, each within MAX_GAP_TOKENS of its neighbour.

    `places` are the longest segment's places when already found (`find_places`).
    """
    segs = quote.segments
    chains: list[Chain] = []
    pivots = _pivots(page, segs)
    found = False  # some pivot has most of its words at some place
    for pivot in pivots:
        pivot_places = places if places is not None and pivot == pivots[0] else None
        if pivot_places is None:
            pivot_places = find_places(page, [w.key for w in segs[pivot]])
        for cand in _align_places(page, segs[pivot], pivot_places, 0, len(page.keys), False):
            found = found or cand.equal >= NEAR_SHARE * len(segs[pivot])
            _add_chain(chains, _chain_around(page, segs, pivot, cand))
    if not found:  # the pivots are not there: the other segments may be, a partial find
        for pivot in (i for i in range(len(segs)) if i not in pivots):
            share = NEAR_SHARE * len(segs[pivot])
            good = [p for p in find_places(page, [w.key for w in segs[pivot]]) if p.equal >= share]
            for cand in _align_places(page, segs[pivot], good, 0, len(page.keys), False):
                _add_chain(chains, _chain_around(page, segs, pivot, cand))
    return chains


def _add_chain(chains: list[Chain], chain: Chain) -> None:
    if chain not in chains:
        chains.append(chain)


def _chain_around(
    page: PageIndex, segs: tuple[tuple[QuoteWord, ...], ...], pivot: int, cand: Alignment
) -> Chain:
    """The other segments aligned in order around the pivot segment's alignment."""
    chain: Chain = [None] * len(segs)
    chain[pivot] = cand
    edge = cand.start
    for i in range(pivot - 1, -1, -1):
        found = _locate(page, segs[i], max(0, edge - MAX_GAP_TOKENS - len(segs[i])), edge, 4, True)
        chain[i] = _nearest_before(page, segs[i], found[0], edge) if found else None
        edge = found[0].start if found else edge
    edge = cand.end
    for i in range(pivot + 1, len(segs)):
        hi = min(len(page.keys), edge + MAX_GAP_TOKENS + len(segs[i]))
        found = _locate(page, segs[i], edge, hi, 4, False)
        chain[i] = found[0] if found else None
        edge = found[0].end if found else edge
    return chain


def _nearest_before(
    page: PageIndex, words: tuple[QuoteWord, ...], found: Alignment, edge: int
) -> Alignment:
    """The as-good alignment of a segment nearest the next one (page word `edge`).

    An ellipsis then swallows the fewest words, and those are what `judge_gap` reads: on
    "It will thicken as it cools. It could take", "It … take" drops "could", not a sentence.
    """
    while True:
        later = _locate(page, words, found.start + 1, edge, 4, True)
        if not later or later[0].equal < found.equal or later[0].start <= found.start:
            return found
        found = later[0]
