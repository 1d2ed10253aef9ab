"""Parse a claimed quote into words and ellipsis-separated segments, brackets unwrapped."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from factcheck.text import TOKEN_RE, ascii_keys, token_key

# `...`, `…`, `. . .`, `[...]`, `[…]`, `(...)` (issue 3, point 2).
ELLIPSIS_RE = re.compile(r"[\[(]\s*(?:…|\.(?:\s?\.){2,})\s*[\])]|…|\.(?:\s?\.){2,}")
_BRACKET_RE = re.compile(r"\[([^\[\]]{0,80})\]")
_SIC_RE = re.compile(r"\s*sic!?\s*", re.IGNORECASE)
_DOTS = re.compile(r"\.\s?\.")  # with `[` and `…`: all parse_quote may treat as editorial
STAND_IN_WORDS = 4  # a bracket may stand in for a pronoun or a short noun phrase
_POSSESSIVE = re.compile(r"(?:['’ʼ]s?)?")


class QuoteWord(NamedTuple):
    """One word of the quote; `bracket` marks an editorial [insertion] (issue 3, point 3).

    A word is bracketed when all of it but a possessive ending is inside the brackets
    (`[Smith]`, `[Apple]'s`); `[T]he` is not. `group` numbers its brackets (0: none).
    """

    key: str
    start: int
    end: int
    bracket: bool = False
    group: int = 0


@dataclass(frozen=True)
class ParsedQuote:
    """A quote split at its ellipses into segments of words; offsets into `text`."""

    text: str
    segments: tuple[tuple[QuoteWord, ...], ...]
    ellipsis: bool
    brackets: bool
    words: tuple[QuoteWord, ...]  # all segments' words, in order

    @property
    def keys(self) -> list[str]:
        """Comparison keys of all the words, in order."""
        return [w.key for w in self.words]


def plain_keys(quote: str) -> list[str] | None:
    """The word keys of a quote without ellipses or brackets, cheaply; else None.

    For such a quote they are `parse_quote(quote).keys`; this skips building its words,
    which only quotes found near some place need (issue 3, point 8).
    """
    if "[" in quote or "…" in quote or _DOTS.search(quote):
        return None
    keys = ascii_keys(quote)
    if keys is not None:
        return keys
    return [t.lower() if t.isascii() else token_key(t) for t in TOKEN_RE.findall(quote)]


def parse_quote(quote: str) -> ParsedQuote:
    """Split `quote` at ellipses and tokenise it; brackets are unwrapped but remembered."""
    mask = [0] * len(quote)  # 0 plain, -1 dropped ([, ], [sic]), k inside brackets no. k
    brackets = False
    for group, m in enumerate(_BRACKET_RE.finditer(quote), 1):
        if ELLIPSIS_RE.fullmatch(m.group()):
            continue
        brackets = True
        if _SIC_RE.fullmatch(m.group(1)):
            mask[m.start() : m.end()] = [-1] * (m.end() - m.start())
            continue
        mask[m.start()] = mask[m.end() - 1] = -1
        mask[m.start() + 1 : m.end() - 1] = [group] * (m.end() - m.start() - 2)
    cuts = [(m.start(), m.end()) for m in ELLIPSIS_RE.finditer(quote)]
    bounds = [0] + [x for cut in cuts for x in cut] + [len(quote)]
    segments = []
    for lo, hi in zip(bounds[::2], bounds[1::2], strict=True):
        words = _segment_words(quote, mask, lo, hi)
        if words:
            segments.append(words)
    words = tuple(w for seg in segments for w in seg)
    return ParsedQuote(quote, tuple(segments), bool(cuts), brackets, words)


def source_brackets(quote: ParsedQuote, text: str) -> ParsedQuote:
    """The quote with the stand-in keys of brackets the source prints too (`[SpaceX via
    Nasa]` in a caption) back to their words: copied from the source, they must match it."""
    copied = {
        group
        for group, m in enumerate(_BRACKET_RE.finditer(quote.text), 1)
        if m.group(1).strip() and m.group() in text
    }
    if not copied.intersection(w.group for w in quote.words if w.bracket):
        return quote

    def restore(w: QuoteWord) -> QuoteWord:
        return w._replace(key=w.key.strip("[]")) if w.group in copied else w

    segments = tuple(tuple(map(restore, seg)) for seg in quote.segments)
    words = tuple(w for seg in segments for w in seg)
    return ParsedQuote(quote.text, segments, quote.ellipsis, quote.brackets, words)


def _segment_words(quote: str, mask: list[int], lo: int, hi: int) -> tuple[QuoteWord, ...]:
    if not any(mask[lo:hi]):
        spans = [m.span() for m in TOKEN_RE.finditer(quote, lo, hi)]
        # Bulk keys and `_make` keep this cheap: it runs for every quote (issue 3, point 8).
        if quote.isascii():
            low = quote.lower()  # token_key of an ASCII word is its lower case
            rows = [(low[s:e], s, e, False, 0) for s, e in spans]
        else:
            texts = [quote[s:e] for s, e in spans]
            keys = [t.lower() if t.isascii() else token_key(t) for t in texts]
            rows = [(k, s, e, False, 0) for k, (s, e) in zip(keys, spans, strict=True)]
        return tuple(map(QuoteWord._make, rows))
    kept = [i for i in range(lo, hi) if mask[i] >= 0]
    clean = "".join(quote[i] for i in kept)
    words = []
    for m in TOKEN_RE.finditer(clean):
        idx = kept[m.start() : m.end()]
        group = max(mask[i] for i in idx)
        outside = "".join(quote[i] for i in idx if not mask[i])
        bracket = group > 0 and _POSSESSIVE.fullmatch(outside) is not None
        words.append(QuoteWord(token_key(m.group()), idx[0], idx[-1] + 1, bracket, group))
    return tuple(_stand_ins(words))


def _stand_ins(words: list[QuoteWord]) -> list[QuoteWord]:
    """Words of short bracket groups keyed `[key]`: stand-ins that match no source word.

    `[The government] will` must not align its `the` with some earlier `the` of the page
    (issue 16, point 5); a long bracket group may copy the source's own brackets and keeps
    its keys (`_literal_groups`).
    """
    sizes = Counter(w.group for w in words if w.bracket)
    return [
        w._replace(key=f"[{w.key}]") if w.bracket and sizes[w.group] <= STAND_IN_WORDS else w
        for w in words
    ]


def quote_span(quote: ParsedQuote, words: tuple[QuoteWord, ...]) -> str:
    """The quote's own text from the first to the last of `words` (empty if none)."""
    return quote.text[words[0].start : words[-1].end] if words else ""
