"""Material differences between a quote and its aligned source: numbers, negation, names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from factcheck.match.align import Chain
from factcheck.match.candidates import PageIndex
from factcheck.match.opcodes import Op
from factcheck.match.quote import ParsedQuote, QuoteWord, quote_span
from factcheck.models import Difference, DiffOp
from factcheck.text import fold

_EDITORIAL_SPAN = 4  # a [bracket] may stand in for up to this many source words


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
STOPWORDS = _words(
    "the a an and or but of to in on at for with by from as is are was were be been it its "
    "this that these those he she they we you i his her their our my your not no so if then "
    "than there here which who whom what when where how has have had do does did will would "
    "can could may might should said says also just more most very about into over after"
)


@dataclass
class Verdict:
    """Everything learnt from one chain of aligned segments."""

    chain: Chain
    equal: int
    material: list[tuple[int, int, tuple[QuoteWord, ...], str, str]]  # s1, s2, words, texts
    blocks: list[tuple[int, int]]  # (page words, quote words) per material block
    diff: list[DiffOp]
    literal: frozenset[int] = frozenset()  # bracket groups that copy the source's own brackets

    def rank(self) -> tuple[int, int]:
        """Most matched words, fewest materially changed quote words, fewest changes."""
        return (self.equal - 2 * sum(q for _, q in self.blocks), -len(self.material))


def judge_chain(page: PageIndex, quote: ParsedQuote, chain: Chain) -> Verdict:
    """Walk the opcodes of every segment: equal words, editorial edits, material changes."""
    verdict = Verdict(chain, 0, [], [], [], _literal_groups(quote, chain))
    prev_end: int | None = None
    for seg, alignment in zip(quote.segments, chain, strict=True):
        if alignment is None:  # a segment not found near its neighbours
            words = quote_span(quote, seg)
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


def _judge_op(
    page: PageIndex,
    quote: ParsedQuote,
    seg: tuple[QuoteWord, ...],
    op: Op,
    verdict: Verdict,
) -> None:
    tag, s1, s2, q1, q2 = op
    src = page.text[page.starts[s1] : page.ends[s2 - 1]] if s2 > s1 else ""
    words = quote_span(quote, seg[q1:q2])
    if tag == "equal":
        verdict.equal += q2 - q1
        verdict.diff.append(DiffOp("equal", src, words))
        return
    diff_tag = "replace" if s2 > s1 and q2 > q1 else ("delete" if s2 > s1 else "insert")
    verdict.diff.append(DiffOp(diff_tag, src, words))
    src_keys = list(page.keys[s1:s2])
    if _respaced(src, words) or _editorial(src_keys, seg[q1:q2], verdict.literal):
        return
    verdict.material.append((s1, s2, seg[q1:q2], src, words))
    verdict.blocks.append((s2 - s1, q2 - q1))


def _respaced(src: str, said: str) -> bool:
    """The same characters spaced differently (`May 18,2018`): a whitespace edit."""
    return bool(src) and "".join(fold(src).split()) == "".join(fold(said).split())


def _editorial(src_keys: list[str], words: tuple[QuoteWord, ...], literal: frozenset[int]) -> bool:
    """A [bracketed] stand-in for a few words, or the same letters split differently."""
    if "".join(src_keys) == "".join(w.key for w in words):
        return True
    if not words or not all(w.bracket and w.group not in literal for w in words):
        return False
    if any(_is_number(k) for k in src_keys) and any(_is_number(w.key) for w in words):
        return False  # a different number in brackets is still a different number
    return len(src_keys) <= _EDITORIAL_SPAN and not any(k in NEGATIONS for k in src_keys)


def list_differences(
    page: PageIndex, quote: ParsedQuote, verdict: Verdict
) -> tuple[Difference, ...]:
    """The verdict's material changes, each with its kind and both sides' words."""
    return tuple(
        Difference(_classify(page, s1, s2, words, quote.text), src, said)
        for s1, s2, words, src, said in verdict.material
    )


def _classify(
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
