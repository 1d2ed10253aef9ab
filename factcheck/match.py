"""Find a claimed quote in a source text and explain the verdict (issue 3)."""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Indel

from factcheck.models import Difference, DiffOp, QuoteMatch, QuoteStatus, Segment
from factcheck.text import (
    DASH_CHARS,
    QUOTE_CHARS,
    TOKEN_RE,
    collapse_whitespace,
    fold_char,
    token_key,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MATCHER_VERSION = "3.1"
SHORT_QUOTE_WORDS = 4  # quotes under this many words are matched exactly, never fuzzily
MAX_GAP_TOKENS = 200  # an ellipsis may stand for at most this many source words
CONTEXT_CHARS = 32  # TextQuoteSelector prefix/suffix
_MAX_OCCURRENCES = 1000
_ANCHORS = 16
_NEAR_SHARE = 0.6  # an altered quote keeps at least this share of its words
_MIN_SUPPORT = 0.4  # share of anchor votes a candidate place needs
_SLACK = 4
_EDITORIAL_SPAN = 4  # a [bracket] may stand in for up to this many source words

# `...`, `…`, `. . .`, `[...]`, `[…]`, `(...)` (issue 3, point 2).
ELLIPSIS_RE = re.compile(r"[\[(]\s*(?:…|\.(?:\s?\.){2,})\s*[\])]|…|\.(?:\s?\.){2,}")
_BRACKET_RE = re.compile(r"\[([^\[\]]{0,80})\]")
_SIC_RE = re.compile(r"\s*sic!?\s*", re.IGNORECASE)
_SPACE_RUN = re.compile(r"\s+")

NEGATIONS = _words(
    "not no never none nobody nothing nowhere neither nor without cannot cant won't "
    "can't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't "
    "shouldn't wouldn't couldn't mustn't needn't ain't n't"
)
NUMBER_WORDS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion dozen dozens half quarter "
    "first second third fourth fifth once twice double triple percent % $ € £ ¥"
)


class QuoteWord(NamedTuple):
    """One word of the quote; `bracket` marks an editorial [insertion] (issue 3, point 3)."""

    key: str
    start: int
    end: int
    bracket: bool = False


@dataclass(frozen=True)
class ParsedQuote:
    """A quote split at its ellipses into segments of words; offsets into `text`."""

    text: str
    segments: tuple[tuple[QuoteWord, ...], ...]
    ellipsis: bool
    brackets: bool
    words: tuple[QuoteWord, ...]  # all segments' words, in order


@dataclass(frozen=True)
class PageIndex:
    """Tokens of one text with a position index, built once per text and cached."""

    text: str
    keys: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    positions: dict[str, list[int]]
    collapsed: str
    runs: tuple[int, ...]  # collapsed offset of each whitespace run
    shifts: tuple[int, ...]  # chars removed up to and including that run

    def original(self, pos: int) -> int:
        """Map an offset in `collapsed` back to the original text."""
        i = bisect_left(self.runs, pos)
        return pos + (self.shifts[i - 1] if i else 0)


@dataclass
class Alignment:
    """One segment aligned at one place: opcodes in page-token / quote-word coordinates."""

    ops: list[tuple[str, int, int, int, int]]
    equal: int

    @property
    def start(self) -> int:
        return self.ops[0][1]

    @property
    def end(self) -> int:
        return self.ops[-1][2]


def parse_quote(quote: str) -> ParsedQuote:
    """Split `quote` at ellipses and tokenise it; brackets are unwrapped but remembered."""
    mask = [0] * len(quote)  # 0 plain, 1 inside brackets, 2 dropped ([, ], [sic])
    brackets = False
    for m in _BRACKET_RE.finditer(quote):
        if ELLIPSIS_RE.fullmatch(m.group()):
            continue
        if _SIC_RE.fullmatch(m.group(1)):
            mask[m.start() : m.end()] = [2] * (m.end() - m.start())
            brackets = True
            continue
        brackets = True
        mask[m.start()] = mask[m.end() - 1] = 2
        mask[m.start() + 1 : m.end() - 1] = [1] * (m.end() - m.start() - 2)
    cuts = [(m.start(), m.end()) for m in ELLIPSIS_RE.finditer(quote)]
    bounds = [0] + [x for cut in cuts for x in cut] + [len(quote)]
    segments = []
    for lo, hi in zip(bounds[::2], bounds[1::2], strict=True):
        words = _segment_words(quote, mask, lo, hi)
        if words:
            segments.append(words)
    words = tuple(w for seg in segments for w in seg)
    return ParsedQuote(quote, tuple(segments), bool(cuts), brackets, words)


def _segment_words(quote: str, mask: list[int], lo: int, hi: int) -> tuple[QuoteWord, ...]:
    if not any(mask[lo:hi]):
        return tuple(
            QuoteWord(token_key(m.group()), m.start(), m.end())
            for m in TOKEN_RE.finditer(quote, lo, hi)
        )
    kept = [i for i in range(lo, hi) if mask[i] != 2]
    clean = "".join(quote[i] for i in kept)
    words = []
    for m in TOKEN_RE.finditer(clean):
        idx = kept[m.start() : m.end()]
        bracket = any(mask[i] == 1 for i in idx)
        words.append(QuoteWord(token_key(m.group()), idx[0], idx[-1] + 1, bracket))
    return tuple(words)


@lru_cache(maxsize=16)
def index_text(text: str) -> PageIndex:
    """Tokenise and index a text (cached: several quotes are usually checked per page)."""
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    positions: dict[str, list[int]] = {}
    for i, m in enumerate(TOKEN_RE.finditer(text)):
        key = token_key(m.group())
        keys.append(key)
        starts.append(m.start())
        ends.append(m.end())
        positions.setdefault(key, []).append(i)
    runs: list[int] = []
    shifts: list[int] = []
    removed = 0
    for m in _SPACE_RUN.finditer(text):
        runs.append(m.start() - removed)
        removed += m.end() - m.start() - 1
        shifts.append(removed)
    collapsed = _SPACE_RUN.sub(" ", text)
    return PageIndex(
        text,
        tuple(keys),
        tuple(starts),
        tuple(ends),
        positions,
        collapsed,
        tuple(runs),
        tuple(shifts),
    )


def _diagonals(
    page: PageIndex, keys: list[str], lo: int, hi: int
) -> tuple[list[tuple[int, int]], int]:
    """Vote for where the quote starts, from its rarest words; best (support, start) first.

    Also returns how many anchor words voted: a real match gets most of their votes.
    """
    anchors = []
    for i, key in enumerate(keys):
        pos = page.positions.get(key)
        if pos is None:
            continue
        if lo > 0 or hi < len(page.keys):
            pos = pos[bisect_left(pos, lo) : bisect_left(pos, hi)]
        if pos:
            anchors.append((len(pos), i, pos))
    anchors.sort()
    votes: Counter[int] = Counter()
    used = 0
    cast = 0
    for count, i, pos in anchors[:_ANCHORS]:
        if used >= 3 and (count > 64 or cast > 400):
            break
        votes.update([p - i for p in pos[:256]])
        used += 1
        cast += min(count, 256)
    scored = []
    for diag, _ in votes.most_common(16):
        support = sum(votes.get(diag + k, 0) for k in range(-_SLACK, _SLACK + 1))
        scored.append((support, diag))
    scored.sort(key=lambda sd: (-sd[0], sd[1]))
    return scored, used


def _pick(scored: list[tuple[int, int]], limit: int, width: int, used: int) -> list[int]:
    """The best diagonals, at least `width` apart (so repeated quotes count separately).

    Only places with a good share of the anchor votes are aligned; if none has, just the
    best one is (enough to tell a paraphrase from an absent quote).
    """
    if not scored:
        return []
    best = scored[0][0]
    floor = max(1, best // 3, math.ceil(_MIN_SUPPORT * used))
    chosen: list[int] = []
    for support, diag in scored:
        if len(chosen) >= limit or support < floor:
            break
        if all(abs(diag - c) >= width for c in chosen):
            chosen.append(diag)
    return chosen or [scored[0][1]]


Op = tuple[str, int, int, int, int]  # tag, page [s1, s2), quote [q1, q2)


def _align(page: PageIndex, keys: list[str], diag: int, lo: int, hi: int) -> Alignment | None:
    """Align the words locally around one diagonal (longest common subsequence)."""
    w0 = max(lo, diag - _SLACK)
    w1 = min(hi, diag + len(keys) + _SLACK)
    window = page.keys[w0:w1]
    forward = _opcodes(window, keys, w0, False)
    equal = sum(op[4] - op[3] for op in forward if op[0] == "equal")
    if equal < _NEAR_SHARE * len(keys):  # not a quotation here: no need for a tidy diff
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
    scored, used = _diagonals(page, keys, lo, hi)
    if near_end:  # earlier segments: prefer the closest place before the next one
        scored.sort(key=lambda sd: (-sd[0], -sd[1]))
    found = []
    for diag in _pick(scored, limit, max(_SLACK + 1, len(keys) // 2), used):
        alignment = _align(page, keys, diag, lo, hi)
        if alignment is not None:
            found.append(alignment)
    # Most words matched, then fewest edit blocks, then nearest the neighbouring segment.
    found.sort(
        key=lambda a: (-a.equal, _untidiness(a.ops)[0], hi - a.end if near_end else a.start - lo)
    )
    return found


Chain = list[Alignment | None]


def _chains(page: PageIndex, quote: ParsedQuote) -> list[Chain]:
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


@dataclass
class Verdict:
    """Everything learnt from one chain of aligned segments."""

    chain: Chain
    equal: int
    material: list[tuple[int, int, tuple[QuoteWord, ...], str, str]]  # s1, s2, words, texts
    blocks: list[tuple[int, int]]  # (page words, quote words) per material block
    diff: list[DiffOp]

    def rank(self) -> tuple[int, int]:
        return (self.equal - 2 * sum(q for _, q in self.blocks), -len(self.material))


def _judge(page: PageIndex, quote: ParsedQuote, chain: Chain) -> Verdict:
    """Walk the opcodes of every segment: equal words, editorial edits, material changes."""
    verdict = Verdict(chain, 0, [], [], [])
    prev_end: int | None = None
    for seg, alignment in zip(quote.segments, chain, strict=True):
        if alignment is None:  # a segment not found near its neighbours
            words = _quote_words(quote, seg)
            verdict.material.append((0, 0, seg, "", words))
            verdict.blocks.append((0, len(seg)))
            verdict.diff.append(DiffOp("insert", "", words))
            continue
        if prev_end is not None and alignment.start > prev_end:
            gap = page.text[page.starts[prev_end] : page.starts[alignment.start]]
            verdict.diff.append(DiffOp("delete", gap.strip(), ""))
        prev_end = alignment.end
        for tag, s1, s2, q1, q2 in alignment.ops:
            _judge_op(page, quote, seg, (tag, s1, s2, q1, q2), verdict)
    return verdict


def _judge_op(
    page: PageIndex,
    quote: ParsedQuote,
    seg: tuple[QuoteWord, ...],
    op: tuple[str, int, int, int, int],
    verdict: Verdict,
) -> None:
    tag, s1, s2, q1, q2 = op
    src = page.text[page.starts[s1] : page.ends[s2 - 1]] if s2 > s1 else ""
    words = _quote_words(quote, seg[q1:q2])
    if tag == "equal":
        verdict.equal += q2 - q1
        verdict.diff.append(DiffOp("equal", src, words))
        return
    diff_tag = "replace" if s2 > s1 and q2 > q1 else ("delete" if s2 > s1 else "insert")
    verdict.diff.append(DiffOp(diff_tag, src, words))
    src_keys = list(page.keys[s1:s2])
    if _editorial(src_keys, seg[q1:q2]):
        return
    verdict.material.append((s1, s2, seg[q1:q2], src, words))
    verdict.blocks.append((s2 - s1, q2 - q1))


def _quote_words(quote: ParsedQuote, words: tuple[QuoteWord, ...]) -> str:
    return quote.text[words[0].start : words[-1].end] if words else ""


def _editorial(src_keys: list[str], words: tuple[QuoteWord, ...]) -> bool:
    """A [bracketed] stand-in for a few words, or the same letters split differently."""
    if "".join(src_keys) == "".join(w.key for w in words):
        return True
    if not words or not all(w.bracket for w in words):
        return False
    if any(_is_number(k) for k in src_keys) and any(_is_number(w.key) for w in words):
        return False  # a different number in brackets is still a different number
    return len(src_keys) <= _EDITORIAL_SPAN and not any(k in NEGATIONS for k in src_keys)


def _kind(
    page: PageIndex,
    s1: int,
    s2: int,
    words: tuple[QuoteWord, ...],
    quote_text: str,
) -> str:
    """Classify a material change: number, negation, name or (other) word."""
    src_keys = list(page.keys[s1:s2])
    quote_keys = [w.key for w in words]
    both = src_keys + quote_keys
    if any(_is_number(k) for k in both):
        return "number"
    changed = set(src_keys) ^ set(quote_keys)
    if changed & NEGATIONS or any(k.endswith("n't") for k in changed):
        return "negation"
    if any(_is_name(page.text, page.starts[i]) for i in range(s1, s2)) or any(
        _is_name(quote_text, w.start) for w in words
    ):
        return "name"
    return "word"


def _is_number(key: str) -> bool:
    return key in NUMBER_WORDS or any(c.isdigit() for c in key)


def _is_name(text: str, start: int) -> bool:
    """A capitalised word that does not merely start a sentence."""
    if not text[start].isupper():
        return False
    before = text[max(0, start - 3) : start].rstrip(" \"'“‘(\u00a0")
    return bool(before) and before[-1] not in ".!?:\n"


STOPWORDS = _words(
    "the a an and or but of to in on at for with by from as is are was were be been it its "
    "this that these those he she they we you i his her their our my your not no so if then "
    "than there here which who whom what when where how has have had do does did will would "
    "can could may might should said says also just more most very about into over after"
)
_QUOTE_FOLD = str.maketrans({c: "'" if c in "‘’‚‛′`´ʼ‹›＇" else '"' for c in QUOTE_CHARS})
_DASH_FOLD = str.maketrans(dict.fromkeys(DASH_CHARS, "-"))
_PUNCT_SPACE = re.compile(r"\s*([,;:.!?])\s*")
_NON_WORD = re.compile(r"[^\w\s]+")
_STAGES = (
    ("whitespace", lambda s: _PUNCT_SPACE.sub(r"\1 ", s).strip()),
    ("unicode", lambda s: unicodedata.normalize("NFKC", s)),
    ("quotes", lambda s: s.translate(_QUOTE_FOLD)),
    ("dashes", lambda s: s.translate(_DASH_FOLD).replace("--", "-")),
    ("case", str.casefold),
    ("outer_quotes", lambda s: s.strip(" \"'")),
    ("punctuation", lambda s: collapse_whitespace(_NON_WORD.sub(" ", s))),
)


def match_quote(quote: str, text: str) -> QuoteMatch:
    """Find `quote` in `text`: verbatim, edited, altered, paraphrase or absent, with evidence.

    Offsets and the excerpt refer to `text`. Quotes under SHORT_QUOTE_WORDS words are only
    ever found exactly (after normalisation), never fuzzily.
    """
    core = collapse_whitespace(quote)
    if not core:
        return QuoteMatch(QuoteStatus.UNCHECKED)
    page = index_text(text)
    exact = _exact(page, core)
    if exact is not None:
        return exact
    parsed = parse_quote(core)
    n = len(parsed.words)
    chains = _chains(page, parsed) if n else []
    if not chains:
        return QuoteMatch(QuoteStatus.ABSENT)
    most = max(sum(a.equal for a in chain if a is not None) for chain in chains)
    if most < _NEAR_SHARE * n and not _shares_content(page, parsed, chains[0]):
        return QuoteMatch(QuoteStatus.ABSENT, score=round(100.0 * most / n, 1))
    verdicts = [_judge(page, parsed, chain) for chain in chains]
    verdicts.sort(key=Verdict.rank, reverse=True)
    best = verdicts[0]
    status = _status(page, parsed, best)
    if status is QuoteStatus.ABSENT:
        return QuoteMatch(QuoteStatus.ABSENT, score=_score(page, parsed, best))
    same = sum(1 for v in verdicts if v.rank() == best.rank())
    return _result(page, parsed, best, status, same)


def _exact(page: PageIndex, core: str) -> QuoteMatch | None:
    """Verbatim: equal to the text after whitespace normalisation.

    Every occurrence is counted; the first one on word boundaries is reported (a quote
    found only inside longer words is still a verbatim substring).
    """
    hits: list[int] = []
    pos = page.collapsed.find(core)
    while pos >= 0 and len(hits) < _MAX_OCCURRENCES:
        hits.append(pos)
        pos = page.collapsed.find(core, pos + len(core))
    if not hits:
        return None
    pos = next((h for h in hits if _on_boundaries(page.collapsed, h, h + len(core))), hits[0])
    start, end = page.original(pos), page.original(pos + len(core) - 1) + 1
    excerpt = page.text[start:end]
    return QuoteMatch(
        QuoteStatus.VERBATIM,
        100.0,
        excerpt,
        start,
        end,
        (DiffOp("equal", excerpt, core),),
        occurrences=len(hits),
        prefix=_prefix(page.text, start),
        suffix=_suffix(page.text, end),
    )


def _on_boundaries(text: str, start: int, end: int) -> bool:
    inside = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    return not inside and not (end < len(text) and text[end].isalnum() and text[end - 1].isalnum())


def _status(page: PageIndex, quote: ParsedQuote, verdict: Verdict) -> QuoteStatus:
    n = len(quote.words)
    if not verdict.material:
        return QuoteStatus.EDITED
    if n < SHORT_QUOTE_WORDS:
        return QuoteStatus.ABSENT
    few = len(verdict.blocks) <= 1 + n // 12
    small = all(max(s, q) <= 4 for s, q in verdict.blocks)
    if few and small and verdict.equal >= max(3, _NEAR_SHARE * n):
        return QuoteStatus.ALTERED
    if _shares_content(page, quote, verdict.chain):
        return QuoteStatus.PARAPHRASE
    return QuoteStatus.ABSENT


def _shares_content(page: PageIndex, quote: ParsedQuote, chain: Chain) -> bool:
    """Most of the quote's content words occur near the best place: a paraphrase."""
    aligned = [a for a in chain if a is not None]
    if not aligned:
        return False
    n = len(quote.words)
    lo = max(0, min(a.start for a in aligned) - n)
    hi = min(len(page.keys), max(a.end for a in aligned) + n)
    content = {w.key for w in quote.words if w.key not in STOPWORDS and len(w.key) > 2}
    shared = content & set(page.keys[lo:hi])
    return len(content) >= 4 and len(shared) >= 0.6 * len(content)


def _score(page: PageIndex, quote: ParsedQuote, verdict: Verdict) -> float:
    covered = sum(a.end - a.start for a in verdict.chain if a is not None)
    total = len(quote.words) + covered
    return round(100.0 * 2 * verdict.equal / total, 1) if total else 0.0


def _result(
    page: PageIndex, quote: ParsedQuote, verdict: Verdict, status: QuoteStatus, same: int
) -> QuoteMatch:
    aligned = [a for a in verdict.chain if a is not None]
    first = next(i for i, a in enumerate(verdict.chain) if a is not None)
    start = page.starts[aligned[0].start]
    end = page.ends[aligned[-1].end - 1]
    words = quote.words
    if first == 0:
        start = _extend_back(page.text, start, quote.text[: words[0].start])
    if verdict.chain[-1] is not None:
        end = _extend_forward(page.text, end, quote.text[words[-1].end :])
    excerpt = page.text[start:end]
    segments = tuple(
        Segment(_quote_words(quote, seg), page.starts[a.start], page.ends[a.end - 1])
        for seg, a in zip(quote.segments, verdict.chain, strict=True)
        if a is not None and len(quote.segments) > 1
    )
    return QuoteMatch(
        status,
        score=_score(page, quote, verdict),
        excerpt=excerpt,
        start=start,
        end=end,
        diff=tuple(verdict.diff),
        differences=tuple(
            Difference(_kind(page, s1, s2, words, quote.text), src, said)
            for s1, s2, words, src, said in verdict.material
        ),
        normalisations=_normalisations(quote, excerpt),
        occurrences=same,
        segments=segments,
        prefix=_prefix(page.text, start),
        suffix=_suffix(page.text, end),
    )


def _extend_back(text: str, start: int, lead: str) -> int:
    """Take in the quote's leading punctuation where the text has it too."""
    i = start
    for char in reversed(lead):
        if i > 0 and (
            fold_char(char) == fold_char(text[i - 1]) or char.isspace() and text[i - 1].isspace()
        ):
            i -= 1
        else:
            break
    return i if text[i:start].strip() else start


def _extend_forward(text: str, end: int, trail: str) -> int:
    i = end
    for char in trail:
        if i < len(text) and (
            fold_char(char) == fold_char(text[i]) or char.isspace() and text[i].isspace()
        ):
            i += 1
        else:
            break
    return len(text[:i].rstrip()) if text[end:i].strip() else end


def _normalisations(quote: ParsedQuote, excerpt: str) -> tuple[str, ...]:
    """Which normalisations bring the quote closer to the source span, in order."""
    needed = []
    if quote.ellipsis:
        needed.append("ellipsis")
    if quote.brackets:
        needed.append("brackets")
    a, b = collapse_whitespace(quote.text), collapse_whitespace(excerpt)
    if a != quote.text or b != excerpt:
        needed.append("whitespace")
    distance = Indel.distance(a, b)
    for name, stage in _STAGES:
        a, b = stage(a), stage(b)
        now = Indel.distance(a, b)
        if now < distance and name not in needed:
            needed.append(name)
        distance = now
    return tuple(needed)


def _prefix(text: str, start: int) -> str:
    return text[max(0, start - CONTEXT_CHARS) : start]


def _suffix(text: str, end: int) -> str:
    return text[end : end + CONTEXT_CHARS]
