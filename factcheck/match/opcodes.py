"""Word-level opcodes between a page window and a quote, tidied into readable edit blocks."""

from __future__ import annotations

from rapidfuzz.distance import Indel

Op = tuple[str, int, int, int, int]  # tag, page [s1, s2), quote [q1, q2)
_SEPARATORS = str.maketrans(dict.fromkeys(".,'", ""))


def lcs_opcodes(window: tuple[str, ...], keys: list[str], w0: int, backwards: bool) -> list[Op]:
    """LCS opcodes in page coordinates; backwards ties favour the other duplicate."""
    if not backwards:
        raw = Indel.opcodes(window, keys)
        return merge_ops(
            [(o.tag, o.src_start + w0, o.src_end + w0, o.dest_start, o.dest_end) for o in raw]
        )
    n, m = len(window), len(keys)
    raw = Indel.opcodes(window[::-1], keys[::-1])
    return merge_ops(
        [
            (o.tag, w0 + n - o.src_end, w0 + n - o.src_start, m - o.dest_end, m - o.dest_start)
            for o in reversed(raw)
        ]
    )


def untidiness(ops: list[Op]) -> tuple[int, int]:
    """Fewer edit blocks first, then the shorter page span."""
    if not ops:
        return (1 << 30, 0)
    return (sum(op[0] != "equal" for op in ops), ops[-1][2] - ops[0][1])


def merge_ops(ops: list[Op]) -> list[Op]:
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


def slide_ops(keys: tuple[str, ...], ops: list[Op], side: int) -> list[Op]:
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
            ops = merge_ops(ops)
            moved = True
            break
    return ops


def trim_ops(ops: list[Op], page_keys: tuple[str, ...], keys: list[str]) -> list[Op]:
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
    ops = merge_ops(_reanchor(ops, page_keys))
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
