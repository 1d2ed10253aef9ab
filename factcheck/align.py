"""Align a quote's words locally at candidate places: LCS opcodes, tidied, chained."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from factcheck.candidates import SLACK, PageIndex, pick_diagonals, vote_diagonals
from factcheck.quote import ParsedQuote, QuoteWord

MAX_GAP_TOKENS = 200  # an ellipsis may stand for at most this many source words
NEAR_SHARE = 0.6  # an altered quote keeps at least this share of its words

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


def _align(page: PageIndex, keys: list[str], diag: int, lo: int, hi: int) -> Alignment | None:
    """Align the words locally around one diagonal (longest common subsequence)."""
    w0 = max(lo, diag - SLACK)
    w1 = min(hi, diag + len(keys) + SLACK)
    window = page.keys[w0:w1]
    forward = _opcodes(window, keys, w0, False)
    equal = sum(op[4] - op[3] for op in forward if op[0] == "equal")
    if equal < NEAR_SHARE * len(keys):  # not a quotation here: no need for a tidy diff
        return Alignment(_trim(forward), equal) if equal else None
    variants = []
    for ops in (forward, _opcodes(window, keys, w0, True)):
        variants += [_trim(_merge(_slide(page.keys, ops, side))) for side in (-1, 1)]
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


def _trim(ops: list[Op]) -> list[Op]:
    """Drop the window's spare page words; keep those nearest the match in end blocks."""
    ops = list(ops)
    while ops and ops[0][3] == ops[0][4]:
        ops.pop(0)
    while ops and ops[-1][3] == ops[-1][4]:
        ops.pop()
    if not ops:
        return ops
    tag, s1, s2, q1, q2 = ops[0]
    if tag != "equal" and s2 - s1 > q2 - q1:
        ops[0] = (tag, s2 - (q2 - q1), s2, q1, q2)
    tag, s1, s2, q1, q2 = ops[-1]
    if tag != "equal" and s2 - s1 > q2 - q1:
        ops[-1] = (tag, s1, s1 + (q2 - q1), q1, q2)
    return ops


def _locate(
    page: PageIndex, words: tuple[QuoteWord, ...], lo: int, hi: int, limit: int, near_end: bool
) -> list[Alignment]:
    """Candidate alignments of one segment inside page tokens [lo, hi)."""
    keys = [w.key for w in words]
    scored, used = vote_diagonals(page, keys, lo, hi)
    if near_end:  # earlier segments: prefer the closest place before the next one
        scored.sort(key=lambda sd: (-sd[0], -sd[1]))
    found = []
    for diag in pick_diagonals(scored, limit, max(SLACK + 1, len(keys) // 2), used):
        alignment = _align(page, keys, diag, lo, hi)
        if alignment is not None:
            found.append(alignment)
    # Most words matched, then fewest edit blocks, then nearest the neighbouring segment.
    found.sort(
        key=lambda a: (-a.equal, _untidiness(a.ops)[0], hi - a.end if near_end else a.start - lo)
    )
    return found


Chain = list[Alignment | None]


def find_chains(page: PageIndex, quote: ParsedQuote) -> list[Chain]:
    """Align every segment in order, each within MAX_GAP_TOKENS of its neighbour."""
    segs = quote.segments
    pivot = max(range(len(segs)), key=lambda i: len(segs[i]))
    chains = []
    for cand in _locate(page, segs[pivot], 0, len(page.keys), 8, False):
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
