"""Align a quote's words locally at candidate places: LCS opcodes, tidied, chained."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from factcheck.candidates import SLACK, PageIndex, pick_diagonals, vote_diagonals
from factcheck.quote import ParsedQuote, QuoteWord

MAX_GAP_TOKENS = 200  # an ellipsis may stand for at most this many source words
NEAR_SHARE = 0.6  # an altered quote keeps at least this share of its words
_SEPARATORS = str.maketrans(dict.fromkeys(".,'", ""))

Op = tuple[str, int, int, int, int]  # tag, page [s1, s2), quote [q1, q2)


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
    words: tuple[QuoteWord, ...],
    lo: int = 0,
    hi: int | None = None,
    limit: int = 8,
    near_end: bool = False,
) -> list[Place]:
    """Where a segment may be inside page words [lo, hi), best voted first.

    Only LCS lengths are computed here (cheap); `find_chains` aligns the places in full.
    """
    hi = len(page.keys) if hi is None else hi
    keys = [w.key for w in words]
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
    forward = _opcodes(window, keys, w0, False)
    equal = sum(op[4] - op[3] for op in forward if op[0] == "equal")
    if equal < NEAR_SHARE * len(keys):  # not a quotation here: no need for a tidy diff
        return Alignment(_trim(forward, page.keys, keys), equal) if equal else None
    variants = []
    for ops in (forward, _opcodes(window, keys, w0, True)):
        variants += [
            _trim(_merge(_slide(page.keys, ops, side)), page.keys, keys) for side in (-1, 1)
        ]
    best = min(variants, key=_untidiness)
    if not any(op[0] == "equal" for op in best):
        return None
    return Alignment(best, sum(op[4] - op[3] for op in best if op[0] == "equal"))


def _opcodes(window: tuple[str, ...], keys: list[str], w0: int, backwards: bool) -> list[Op]:
    """LCS opcodes in page coordinates; backwards ties favour the other duplicate."""
    if not backwards:
        raw = Indel.opcodes(window, keys)
        return _merge(
            [(o.tag, o.src_start + w0, o.src_end + w0, o.dest_start, o.dest_end) for o in raw]
        )
    n, m = len(window), len(keys)
    raw = Indel.opcodes(window[::-1], keys[::-1])
    return _merge(
        [
            (o.tag, w0 + n - o.src_end, w0 + n - o.src_start, m - o.dest_end, m - o.dest_start)
            for o in reversed(raw)
        ]
    )


def _untidiness(ops: list[Op]) -> tuple[int, int]:
    """Fewer edit blocks first, then the shorter page span."""
    if not ops:
        return (1 << 30, 0)
    return (sum(op[0] != "equal" for op in ops), ops[-1][2] - ops[0][1])


def _merge(ops: list[Op]) -> list[Op]:
    """Join neighbouring ops of one kind; a delete next to an insert becomes a replace."""
    out: list[Op] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if out and (out[-1][0] == "equal") == (op[0] == "equal"):
            prev = out.pop()
            s1, s2, q1, q2 = prev[1], op[2], prev[3], op[4]
            tag = "equal" if op[0] == "equal" else _tag(s2 - s1, q2 - q1)
            op = (tag, s1, s2, q1, q2)
        out.append(op)
    return out


def _tag(page_len: int, quote_len: int) -> str:
    if page_len and quote_len:
        return "replace"
    return "delete" if page_len else "insert"


def _slide(keys: tuple[str, ...], ops: list[Op], side: int) -> list[Op]:
    """Move page-only runs towards one end past equal words (duplicated phrases)."""
    ops = list(ops)
    moved = True
    while moved:
        moved = False
        for i in range(1, len(ops) - 1):
            tag, s1, s2, q1, _ = ops[i]
            other = i + side
            if tag != "delete" or ops[other][0] != "equal":
                continue
            _, e1, e2, f1, f2 = ops[other]
            size = e2 - e1
            if size > s2 - s1:
                continue
            if side > 0 and keys[s1 : s1 + size] == keys[e1:e2]:
                ops[i] = ("equal", s1, s1 + size, f1, f2)
                ops[other] = ("delete", s1 + size, e2, f2, f2)
            elif side < 0 and keys[s2 - size : s2] == keys[e1:e2]:
                ops[other] = ("delete", e1, s2 - size, f1, f1)
                ops[i] = ("equal", s2 - size, s2, f1, f2)
            else:
                continue
            ops = _merge(ops)
            moved = True
            break
    return ops


def _trim(ops: list[Op], page_keys: tuple[str, ...], keys: list[str]) -> list[Op]:
    """Drop the window's spare page words; keep those nearest the match in end blocks.

    An end block keeps as many page words as it has quote words, or more when that many
    spell the quote's words with other separators (`32, 33` quoted as `32,33`).
    """
    ops = list(ops)
    while ops and ops[0][3] == ops[0][4]:
        ops.pop(0)
    while ops and ops[-1][3] == ops[-1][4]:
        ops.pop()
    if not ops:
        return ops
    ops = _merge(_reanchor(ops, page_keys))
    tag, s1, s2, q1, q2 = ops[0]
    if tag != "equal" and s2 - s1 > q2 - q1:
        size = _spelt(keys[q1:q2], [page_keys[i] for i in range(s2 - 1, s1 - 1, -1)], True)
        ops[0] = (tag, s2 - size, s2, q1, q2)
    tag, s1, s2, q1, q2 = ops[-1]
    if tag != "equal" and s2 - s1 > q2 - q1:
        ops[-1] = (tag, s1, s1 + _spelt(keys[q1:q2], list(page_keys[s1:s2]), False), q1, q2)
    return ops


def _reanchor(ops: list[Op], page_keys: tuple[str, ...]) -> list[Op]:
    """Match an edge run of words to its copy nearest the rest of the quote.

    `The new X` quoted as `The old X` after an earlier `the` must not align that `the` and
    report `results are in. The new` -> `old`.
    """
    if len(ops) >= 2 and ops[0][0] == "equal" and ops[1][0] != "equal":
        (_, e1, e2, f1, f2), (_, s1, s2, q1, q2) = ops[0], ops[1]
        size = e2 - e1
        for p in range(s2 - size, s1 - 1, -1):  # the copy latest in the block
            if page_keys[p : p + size] == page_keys[e1:e2]:
                rest = _block(p + size, s2, q1, q2)
                return [("equal", p, p + size, f1, f2), *rest, *ops[2:]]
    if len(ops) >= 2 and ops[-1][0] == "equal" and ops[-2][0] != "equal":
        (_, s1, s2, q1, q2), (_, e1, e2, f1, f2) = ops[-2], ops[-1]
        size = e2 - e1
        for p in range(s1, s2 - size + 1):  # the copy earliest in the block
            if page_keys[p : p + size] == page_keys[e1:e2]:
                return [*ops[:-2], *_block(s1, p, q1, q2), ("equal", p, p + size, f1, f2)]
    return ops


def _block(s1: int, s2: int, q1: int, q2: int) -> list[Op]:
    """A non-equal op over page words [s1, s2) and quote words [q1, q2), if not empty."""
    return [(_tag(s2 - s1, q2 - q1), s1, s2, q1, q2)] if s2 > s1 or q2 > q1 else []


def _spelt(said: list[str], page: list[str], backwards: bool) -> int:
    """How many of `page` (nearest first) spell `said` but for separators; else len(said)."""
    target = _squash(said)
    spelt = ""
    for size, key in enumerate(page, 1):
        spelt = key.translate(_SEPARATORS) + spelt if backwards else spelt + key
        spelt = spelt.translate(_SEPARATORS)
        if len(spelt) >= len(target):
            return size if spelt == target and size > len(said) else len(said)
    return len(said)


def _squash(keys: list[str]) -> str:
    return "".join(keys).translate(_SEPARATORS)


def _locate(
    page: PageIndex, words: tuple[QuoteWord, ...], lo: int, hi: int, limit: int, near_end: bool
) -> list[Alignment]:
    """Candidate alignments of one segment inside page tokens [lo, hi)."""
    return _align_places(
        page, words, find_places(page, words, lo, hi, limit, near_end), lo, hi, near_end
    )


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
        key=lambda a: (-a.equal, _untidiness(a.ops)[0], hi - a.end if near_end else a.start - lo)
    )
    return found


Chain = list[Alignment | None]


def find_chains(
    page: PageIndex, quote: ParsedQuote, places: list[Place] | None = None
) -> list[Chain]:
    """Align every segment in order, each within MAX_GAP_TOKENS of its neighbour.

    `places` are the longest segment's places when already found (`find_places`).
    """
    segs = quote.segments
    pivot = max(range(len(segs)), key=lambda i: len(segs[i]))
    if places is None:
        places = find_places(page, segs[pivot])
    chains = []
    for cand in _align_places(page, segs[pivot], places, 0, len(page.keys), False):
        chain: Chain = [None] * len(segs)
        chain[pivot] = cand
        edge = cand.start
        for i in range(pivot - 1, -1, -1):
            found = _locate(
                page, segs[i], max(0, edge - MAX_GAP_TOKENS - len(segs[i])), edge, 4, True
            )
            chain[i] = found[0] if found else None
            edge = found[0].start if found else edge
        edge = cand.end
        for i in range(pivot + 1, len(segs)):
            hi = min(len(page.keys), edge + MAX_GAP_TOKENS + len(segs[i]))
            found = _locate(page, segs[i], edge, hi, 4, False)
            chain[i] = found[0] if found else None
            edge = found[0].end if found else edge
        chains.append(chain)
    return chains
