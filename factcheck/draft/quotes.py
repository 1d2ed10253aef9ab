"""Quoted passages, sentences and paragraphs of an article's text."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.draft.vocabulary import SPEECH_VERBS, words

_ABBREV = words(
    "mr mrs ms dr st mt gen col lt sen rep gov prof inc co ltd jr sr vs no nos jan feb mar apr "
    "jun jul aug sep sept oct nov dec fig approx est dept"
)
# A sentence ends at . ! ? … (then a space) or 。！？ before a capital, a digit or a letter of
# a script without case (Korean, Chinese, Arabic…): every script is split (issue 20, point 8).
_BOUNDARY = re.compile(r"(?:[.!?…][\"”’')\]]*\s+|[。！？][\"”’')\]]*\s*)(?=[“\"‘'(\[「]?(\w))")


@dataclass(frozen=True)
class QuoteSpan:
    """A quoted passage in a paragraph: `start`/`end` include the marks when closed."""

    start: int
    end: int
    closed: bool
    closer: int = 1  # length of the closing mark: 2 for ’’

    def inner(self, text: str) -> str:
        """The quoted words as printed; a comma the sentence put inside the marks is dropped."""
        body = text[self.start + 1 : self.end - self.closer if self.closed else self.end]
        return body.strip().rstrip(",").rstrip()


def find_quotes(paragraph: str) -> list[QuoteSpan]:
    """Top-level quoted passages, double (curly or straight) or British single ‘…’, bounded
    by the paragraph.

    Marks are read as they occur in the wild (issue 20, point 4): a straight opening mark
    closed by a curly one or the reverse, `‘‘ ’’` as double marks, straight marks nested
    in curly ones. Straight single quotes never open a passage (they are apostrophes or nested
    quotes); a curly ‘ opens one only when a closing ’ can be told from an apostrophe (see
    `_single_end`). An opening double mark that is never closed yields an unclosed span that
    stops before the next opening mark or at the end of the paragraph, so one stray mark
    cannot swallow the rest of the article.
    """
    spans: list[QuoteSpan] = []
    start, opener, i = -1, "", 0
    while i < len(paragraph):
        ch = paragraph[i]
        if start < 0:
            if paragraph.startswith("‘‘", i):  # two single marks for a double one
                start, opener, i = i + 1, "“", i + 2
                continue
            if ch == "“" or (ch == '"' and _opens(paragraph, i)):
                start, opener = i, ch
            elif ch == "‘" and (end := _single_end(paragraph, i)):
                spans.append(QuoteSpan(i, end, True))
                i = end
                continue
        elif ch == "”" or paragraph.startswith("’’", i) or (ch == '"' and _closes(paragraph, i)):
            closer = 2 if ch == "’" else 1
            i += closer
            spans.append(QuoteSpan(start, i, True, closer))
            start = -1
            continue
        elif ch == '"' and opener == "“":  # "inner" words nested in curly marks
            inner_end = paragraph.find('"', i + 1)
            if 0 < inner_end < _next_curly_close(paragraph, i):
                i = inner_end
        elif ch == "“":
            spans.append(QuoteSpan(start, len(paragraph[:i].rstrip()), False))
            start, opener = i, ch
        i += 1
    if start >= 0:
        spans.append(QuoteSpan(start, len(paragraph.rstrip()), False))
    return [s for s in spans if re.search(r"\w", s.inner(paragraph))]


def _next_curly_close(text: str, i: int) -> int:
    found = text.find("”", i)
    return found if found >= 0 else len(text)


_SINGLE_CLOSE = re.compile(r"(?<=\S)’(?![\w’])|(?<![\w’])‘")
_PLURAL_POSSESSIVE = re.compile(r"s’ +[a-z]")


def _single_end(text: str, i: int) -> int:
    """End of a British ‘…’ quotation opening at `i`, or 0 when the mark is not one.

    ’ is also the apostrophe: a closer is a ’ after a non-space and before no letter, found
    before the next opening ‘. "soldiers’ families" (s’ then a lower-case word) closes only
    when nothing later does. An unclosed ‘ (‘90s) or one letter (rock ‘n’ roll) opens nothing.
    """
    before, after = text[i - 1 : i], text[i + 1 : i + 2]
    if before.isalnum() or not after or after.isspace() or re.match(r"\d\ds\b", text[i + 1 :]):
        return 0
    fallback = 0
    for m in _SINGLE_CLOSE.finditer(text, i + 1):
        if m.group() == "‘":
            break
        if not _PLURAL_POSSESSIVE.match(text, m.start() - 1):
            fallback = m.end()
            break
        fallback = fallback or m.end()
    return fallback if len(text[i + 1 : fallback - 1].strip()) > 1 else 0


def _opens(text: str, i: int) -> bool:
    """A straight double quote opens a passage unless it is an inch mark or stands alone."""
    after = text[i + 1 : i + 2]
    before = text[i - 1 : i]
    return bool(after) and not after.isspace() and not before.isdigit()


def _closes(text: str, i: int) -> bool:
    """Inside a passage, a straight double quote closes it unless it opens a nested one
    (a space before it and a word after)."""
    before, after = text[i - 1 : i], text[i + 1 : i + 2]
    return not (before.isspace() or before in "([—–") or not after or after.isspace()


def split_sentences(paragraph: str, quotes: Sequence[QuoteSpan] = ()) -> list[tuple[int, int]]:
    """Sentence spans; a sentence never ends inside a quoted passage."""
    spans, start = [], 0
    starts = [q.start for q in quotes]
    for m in _BOUNDARY.finditer(paragraph):
        first = m.group(1)
        if not (first.isupper() or first.isdigit() or first.lower() == first.upper()):
            continue  # 'e.g. breathlessness', 'approx. ten'
        cut = m.end()
        at = bisect_right(starts, cut - 1) - 1  # the last passage opening before `cut`
        inside = at >= 0 and quotes[at].start < cut < quotes[at].end
        end = m.start() + len(m.group().rstrip())
        asked = at >= 0 and m.group()[0] in "?!" and quotes[at].end == end
        if inside or _abbreviation(paragraph, m.start()) or (asked and _credits(paragraph, cut)):
            continue
        spans.append((start, end))
        start = cut
    spans.append((start, len(paragraph.rstrip())))
    return [(a, b) for a, b in spans if paragraph[a:b].strip()]


def _credits(text: str, at: int) -> bool:
    """'“Is it?” Holmes asked.': the words after a quote that ends in ? or ! credit it."""
    return any(w.strip(",.") in SPEECH_VERBS for w in text[at:].split()[:4])


def _abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[max(0, dot - 40) : dot])
    token = word.group(1) if word else ""
    return token.lower() in _ABBREV or (len(token) == 1 and token.isupper()) or "." in token


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blank-line separated blocks (hard-wrapped lines are joined),
    or one paragraph per line when the text has no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]
