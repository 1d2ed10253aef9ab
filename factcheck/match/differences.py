"""Material differences between a quote and its aligned source: numbers, negation, names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import NamedTuple

from factcheck.match.align import Chain
from factcheck.match.candidates import PageIndex
from factcheck.match.meaning import (
    NEGATIONS,
    SENTENCE_BREAK,
    STOPWORDS,
    Omission,
    is_name,
    is_number,
    judge_gap,
)
from factcheck.match.opcodes import Op
from factcheck.match.quote import ELLIPSIS_RE, ParsedQuote, QuoteWord, quote_span
from factcheck.models import Difference, DiffOp
from factcheck.text import fold

ANCHOR_WORDS = 2  # matched words on each side that make a paraphrase's pair a real one
PAIR = 4  # ... and the most words a side such a pair has
_EDITORIAL_SPAN = 4  # a [bracket] may stand in for up to this many source words


class Change(NamedTuple):
    """One material change: page words [s1, s2) against quote `words`, both sides' text.

    `kind` is set when the change is known by how it was found (an ellipsis's omission, a
    missing segment); otherwise `_classify` names it from the words.
    """

    s1: int
    s2: int
    words: tuple[QuoteWord, ...]
    source: str
    said: str
    kind: str = ""
    anchored: bool = True  # between matched words: a word-level difference, not a guess


@dataclass
class Verdict:
    """Everything learnt from one chain of aligned segments."""

    chain: Chain
    equal: int
    material: list[Change]
    blocks: list[tuple[int, int]]  # (page words, quote words) per material block
    diff: list[DiffOp]
    literal: frozenset[int] = frozenset()  # bracket groups that copy the source's own brackets

    def rank(self) -> tuple[int, int]:
        """Most matched words, fewest materially changed quote words, fewest changes."""
        return (self.equal - 2 * sum(q for _, q in self.blocks), -len(self.material))

    @property
    def missing(self) -> list[int]:
        """The segments not found (in order, near their neighbours)."""
        return [i for i, a in enumerate(self.chain) if a is None]


def judge_chain(page: PageIndex, quote: ParsedQuote, chain: Chain) -> Verdict:
    """Walk the opcodes of every segment: equal words, editorial edits, material changes.

    What each ellipsis drops is judged too (`judge_gap`, issue 16 points 1 and 2).
    """
    verdict = Verdict(chain, 0, [], [], [], _literal_groups(quote, chain))
    prev_end: int | None = None
    for seg, alignment in zip(quote.segments, chain, strict=True):
        if alignment is None:  # a segment not found near its neighbours
            words = quote_span(quote, seg)
            verdict.material.append(Change(0, 0, seg, "", words, "missing"))
            verdict.blocks.append((0, len(seg)))
            verdict.diff.append(DiffOp("insert", "", words))
            continue
        if prev_end is not None and alignment.start > prev_end:
            _judge_gap(page, prev_end, alignment.start, verdict)
        prev_end = alignment.end
        ops = alignment.ops
        for i, op in enumerate(ops):
            _judge_op(page, quote, seg, op, verdict, _anchored(ops, i))
    _judge_outer_ellipses(page, quote, verdict)
    return verdict


def _judge_outer_ellipses(page: PageIndex, quote: ParsedQuote, verdict: Verdict) -> None:
    """`… 400 people` for `Nearly 400 people`: an opening or closing ellipsis drops the
    source word beside the quote, judged as an ellipsis gap when in the same sentence."""
    first, last = verdict.chain[0], verdict.chain[-1]
    if first is not None and ELLIPSIS_RE.search(quote.text[: quote.words[0].start]):
        _judge_beside(page, first.start - 1, first.start, verdict)
    if last is not None and ELLIPSIS_RE.search(quote.text[quote.words[-1].end :]):
        _judge_beside(page, last.end, last.end - 1, verdict)


def _judge_beside(page: PageIndex, dropped: int, kept: int, verdict: Verdict) -> None:
    """Judge page word `dropped`, beside the quote's word `kept`, unless a sentence ends
    between them."""
    if not 0 <= dropped < len(page.keys):
        return
    a, b = sorted((dropped, kept))
    if not SENTENCE_BREAK.search(page.text[page.ends[a] : page.starts[b]]):
        _judge_gap(page, dropped, dropped + 1, verdict, shown=False)


def _anchored(ops: list[Op], i: int) -> bool:
    """Op i lies between two runs of ANCHOR_WORDS matched words or more: a real pair."""
    return 0 < i < len(ops) - 1 and all(
        ops[j][0] == "equal" and ops[j][4] - ops[j][3] >= ANCHOR_WORDS for j in (i - 1, i + 1)
    )


def _judge_gap(page: PageIndex, s1: int, s2: int, verdict: Verdict, shown: bool = True) -> None:
    if shown:
        verdict.diff.append(DiffOp("delete", page.text[page.starts[s1] : page.starts[s2]].strip()))
    omission: Omission | None = judge_gap(page, s1, s2)
    if omission is not None:
        verdict.material.append(Change(s1, s2, (), omission.dropped, omission.note, "omission"))
        verdict.blocks.append((1, 0))  # one change however long the gap: an ellipsis


def content_words(keys: list[str]) -> set[str]:
    """The distinct words that carry meaning among `keys`: not stopwords, over two letters."""
    return {k for k in set(keys).difference(STOPWORDS) if len(k) > 2}


def _literal_groups(quote: ParsedQuote, chain: Chain) -> frozenset[int]:
    """Bracket groups whose words mostly match the source: the source's own brackets.

    `[National Society for the Prevention of Cruelty]` copied from a page is not an
    editorial insertion, so a word changed inside it is still a change.
    """
    sizes = Counter(w.group for w in quote.words if w.group)
    if not sizes:
        return frozenset()
    matched: Counter[int] = Counter()
    for seg, alignment in zip(quote.segments, chain, strict=True):
        for tag, _, _, q1, q2 in alignment.ops if alignment else ():
            if tag == "equal":
                matched.update(w.group for w in seg[q1:q2] if w.group)
    return frozenset(g for g, size in sizes.items() if 2 * matched[g] >= size > 1)


_CLOSING = frozenset(",.;:!?)]}\"'”’»…")


def with_closing(text: str, start: int, end: int) -> str:
    """`text[start:end]` and the punctuation that closes its last word ("autumn," "said."),
    when a space or the end of the text follows it."""
    stop = end
    while stop < len(text) and text[stop] in _CLOSING:
        stop += 1
    return text[start : stop if stop == len(text) or text[stop].isspace() else end]


def _judge_op(
    page: PageIndex,
    quote: ParsedQuote,
    seg: tuple[QuoteWord, ...],
    op: Op,
    verdict: Verdict,
    anchored: bool = True,
) -> None:
    tag, s1, s2, q1, q2 = op
    src = page.text[page.starts[s1] : page.ends[s2 - 1]] if s2 > s1 else ""
    words = quote_span(quote, seg[q1:q2])
    # the diff shows each run with the punctuation closing its last word (issue 19)
    shown = DiffOp(
        tag,
        with_closing(page.text, page.starts[s1], page.ends[s2 - 1]) if s2 > s1 else "",
        with_closing(quote.text, seg[q1].start, seg[q2 - 1].end) if q2 > q1 else "",
    )
    if tag == "equal":
        verdict.equal += q2 - q1
        verdict.diff.append(shown)
        return
    diff_tag = "replace" if s2 > s1 and q2 > q1 else ("delete" if s2 > s1 else "insert")
    verdict.diff.append(replace(shown, op=diff_tag))
    src_keys = list(page.keys[s1:s2])
    if (
        _respaced(src, words)
        or _editorial(src_keys, seg[q1:q2], verdict.literal)
        or (q1 == q2 and _source_bracket(page.text, page.starts[s1], page.ends[s2 - 1]))
    ):
        return
    kind = ""
    if q1 == q2 and _sentences(page.text, page.starts[s1], page.ends[s2 - 1]):
        kind = "omission"  # a dropped sentence is one change, however long (issue 16, point 6)
    elif s1 == s2 and _sentences(quote.text, seg[q1].start, seg[q2 - 1].end):
        kind = "insertion"
    verdict.material.append(Change(s1, s2, seg[q1:q2], src, words, kind, anchored))
    verdict.blocks.append((1, 0) if kind else (s2 - s1, q2 - q1))


def _respaced(src: str, said: str) -> bool:
    """The same characters spaced differently (`May 18,2018`): a whitespace edit."""
    return bool(src) and "".join(fold(src).split()) == "".join(fold(said).split())


def _source_bracket(text: str, start: int, end: int) -> bool:
    """The source's own [bracketed insertion] (`this [ACSA] agreement`), left out: editorial."""
    return text[start - 1 : start] == "[" and text[end : end + 1] == "]"


def _sentences(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is one or more whole sentences (of two words or more)."""
    before = text[:start].rstrip(" \"'“‘”’")
    after = text[end : end + 3].lstrip("\"'”’)")
    return (
        " " in text[start:end].strip()
        and (not before or before[-1] in ".!?\n")
        and (after[:1] in (".", "!", "?") or not after)
    )


def _editorial(src_keys: list[str], words: tuple[QuoteWord, ...], literal: frozenset[int]) -> bool:
    """A [bracketed] stand-in for a few words, or the same letters split differently."""
    if "".join(src_keys) == "".join(w.key for w in words):
        return True
    if not words or not all(w.bracket and w.group not in literal for w in words):
        return False
    if any(is_number(k) for k in src_keys) and any(is_number(w.key) for w in words):
        return False  # a different number in brackets is still a different number
    return len(src_keys) <= _EDITORIAL_SPAN and not any(k in NEGATIONS for k in src_keys)


def list_differences(
    page: PageIndex, quote: ParsedQuote, verdict: Verdict, anchored_only: bool = False
) -> tuple[Difference, ...]:
    """The verdict's material changes, each with its kind and both sides' words.

    `anchored_only`: just the changes between matched words, for a paraphrase, whose other
    pairs are guesses of the alignment (issue 16, point 6).
    """
    return tuple(
        Difference(c.kind or _classify(page, c, quote.text), c.source, c.said)
        for c in verdict.material
        if not anchored_only or c.kind or (c.anchored and max(c.s2 - c.s1, len(c.words)) <= PAIR)
    )


def _classify(page: PageIndex, change: Change, quote_text: str) -> str:
    """Classify a material change: number, negation, name, omission or (other) word."""
    s1, s2, words = change.s1, change.s2, change.words
    src_keys = list(page.keys[s1:s2])
    quote_keys = [w.key for w in words]
    both = src_keys + quote_keys
    if any(is_number(k) for k in both):
        return "number"
    changed = set(src_keys) ^ set(quote_keys)
    if changed & NEGATIONS or any(k.endswith("n't") for k in changed):
        return "negation"
    if not words:
        return "omission"  # source words silently dropped (issue 16, point 1)
    if any(is_name(page.text, page.starts[i]) for i in range(s1, s2)) or any(
        is_name(quote_text, w.start) for w in words
    ):
        return "name"
    return "word"
