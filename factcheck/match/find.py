"""Find a claimed quote in a source text and explain the verdict (issue 3)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

from rapidfuzz.distance import Indel

from factcheck.match.align import (
    NEAR_SHARE,
    Chain,
    Place,
    find_chains,
    find_places,
    locate_segment,
)
from factcheck.match.candidates import PageIndex, index_text
from factcheck.match.differences import (
    Change,
    Verdict,
    content_words,
    judge_chain,
    list_differences,
)
from factcheck.match.meaning import governing_words
from factcheck.match.quote import (
    ParsedQuote,
    parse_quote,
    plain_keys,
    quote_span,
    source_brackets,
)
from factcheck.models import Difference, DiffOp, QuoteMatch, QuoteStatus, Segment
from factcheck.text import DASH_CHARS, QUOTE_CHARS, collapse_whitespace, fold_char

SHORT_QUOTE_WORDS = 4  # quotes under this many words are matched exactly, never fuzzily
CONTEXT_CHARS = 32  # TextQuoteSelector prefix/suffix
_MAX_OCCURRENCES = 1000
_PROBE_CHARS = 64  # the start of a quote whose words are looked up before searching for it
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
    if _may_be_verbatim(page, core):
        exact = _exact(page, core)
        if exact is not None:
            return exact
    keys = plain_keys(core)
    places = None
    if keys is not None:  # one plain segment: absent quotes can leave before parsing
        places = find_places(page, keys)
        if not keys or _clearly_absent(page, keys, places):
            most = max((p.equal for p in places), default=0)
            return QuoteMatch(QuoteStatus.ABSENT, score=round(100.0 * most / max(1, len(keys)), 1))
    parsed = source_brackets(parse_quote(core), page.text)
    n = len(parsed.words)
    chains = find_chains(page, parsed, places) if n else []
    if len(parsed.segments) > 1:
        chains = [_found_only(parsed, chain) for chain in chains]
    chains = [chain for chain in chains if any(chain)]
    if not chains:
        return QuoteMatch(QuoteStatus.ABSENT)
    most = max(sum(a.equal for a in chain if a is not None) for chain in chains)
    weak = most < NEAR_SHARE * n and not _shares_content(page, parsed.keys, *_chain_span(chains[0]))
    if weak and not any(None in chain for chain in chains):  # no segment missing: no partial
        return QuoteMatch(QuoteStatus.ABSENT, score=round(100.0 * most / n, 1))
    verdicts = [judge_chain(page, parsed, chain) for chain in chains]
    verdicts.sort(key=Verdict.rank, reverse=True)
    best = verdicts[0]
    same = sum(1 for v in verdicts if v.rank() == best.rank())
    if best.missing and _half_found(parsed, best):
        status = _splice_missing(page, parsed, best) or QuoteStatus.PARTIAL
        return _result(page, parsed, best, status, same)
    if weak:
        return QuoteMatch(QuoteStatus.ABSENT, score=round(100.0 * most / n, 1))
    status = _status(page, parsed, best)
    if status is QuoteStatus.ABSENT:
        return QuoteMatch(QuoteStatus.ABSENT, score=_score(page, parsed, best))
    return _result(page, parsed, best, status, same)


def _found_only(quote: ParsedQuote, chain: Chain) -> Chain:
    """The chain without segments aligned to a place that lacks most of their words."""
    return [
        a if a is not None and a.equal >= (NEAR_SHARE * len(seg) if len(seg) > 2 else 1) else None
        for seg, a in zip(quote.segments, chain, strict=True)
    ]


def _half_found(quote: ParsedQuote, verdict: Verdict) -> bool:
    """Some segments found, of three words or more, with no change; the others not at all.

    Issue 16, point 4: such a quote is `partial`, not absent.
    """
    if any(c.kind != "missing" for c in verdict.material):
        return False
    found = sum(len(s) for s, a in zip(quote.segments, verdict.chain, strict=True) if a)
    return found >= 3


def _splice_missing(page: PageIndex, quote: ParsedQuote, verdict: Verdict) -> QuoteStatus | None:
    """ALTERED if a missing segment is in the source, out of order or far away: a splice.

    Its change becomes an omission that says so (issue 16, point 2).
    """
    spliced = False
    for k, change in enumerate(verdict.material):
        found = locate_segment(page, change.words) if len(change.words) > 1 else None
        if found is None or found.equal < NEAR_SHARE * len(change.words):
            continue
        where = page.text[page.starts[found.start] : page.ends[found.end - 1]]
        note = "… joins words from elsewhere in the source, out of order or far apart"
        verdict.material[k] = change._replace(kind="omission", source=where, said=note)
        spliced = True
    return QuoteStatus.ALTERED if spliced else None


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
    spans = [
        (page.original(h), page.original(h + len(core) - 1) + 1)
        for h in hits
        if _on_boundaries(page.collapsed, h, h + len(core))
    ] or [(page.original(hits[0]), page.original(hits[0] + len(core) - 1) + 1)]
    short = len(core.split()) <= SHORT_QUOTE_WORDS
    governed = [_governed(page, start, end, short) for start, end in spans]
    free = next((i for i, g in enumerate(governed) if not g), None)
    start, end = spans[0 if free is None else free]
    excerpt = page.text[start:end]
    return QuoteMatch(
        QuoteStatus.VERBATIM if free is not None else QuoteStatus.OUT_OF_CONTEXT,
        100.0,
        excerpt,
        start,
        end,
        (DiffOp("equal", excerpt, core),),
        differences=() if free is not None else (Difference("context", governed[0], core),),
        occurrences=len(hits),
        prefix=_prefix(page.text, start),
        suffix=_suffix(page.text, end),
    )


def _governed(page: PageIndex, start: int, end: int, short: bool) -> str:
    """The source words governing text[start:end] (`could be imminent`), '' if none do."""
    w0 = bisect_left(page.ends, start + 1)
    w1 = bisect_left(page.starts, end)
    return governing_words(page, w0, w1, short) if w1 > w0 else ""


def _may_be_verbatim(page: PageIndex, core: str) -> bool:
    """False if a word of ASCII letters among the first few of `core` (not its first or last
    word) is not a word of the page, so `core` cannot be in it.

    Such a word is a whole word of any text that `core` is in, with its lower case for key:
    looking a few up is much cheaper than searching the page (issue 3, point 8).
    """
    positions = page.positions
    for word in core[:_PROBE_CHARS].lower().split(" ")[1:-1]:
        if word.isalpha() and word.isascii() and word not in positions:
            return False
    return True


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
    if few and small and verdict.equal >= max(3, NEAR_SHARE * n):
        return QuoteStatus.ALTERED
    if _shares_content(page, quote.keys, *_chain_span(verdict.chain)):
        return QuoteStatus.PARAPHRASE
    return QuoteStatus.ABSENT


def _clearly_absent(page: PageIndex, keys: list[str], places: list[Place]) -> bool:
    """No place has most of the quote's words in order, nor most of its content words nearby.

    The cheap exit for absent quotes (issue 3, point 8): each place's page span holds its
    aligned span, so this answers as aligning every place in full would.
    """
    if any(place.equal >= NEAR_SHARE * len(keys) for place in places):
        return False
    content = content_words(keys)
    return not any(_near(page, content, len(keys), p.start, p.end) for p in places)


def _chain_span(chain: Chain) -> tuple[int, int]:
    """The page words [start, end) a chain's aligned segments cover ((0, 0) if none)."""
    aligned = [a for a in chain if a is not None]
    if not aligned:
        return 0, 0
    return min(a.start for a in aligned), max(a.end for a in aligned)


def _shares_content(page: PageIndex, keys: list[str], start: int, end: int) -> bool:
    """Most of the quote's content words occur near page words [start, end): a paraphrase."""
    return _near(page, content_words(keys), len(keys), start, end)


def _near(page: PageIndex, content: set[str], reach: int, start: int, end: int) -> bool:
    """At least 60% of (4 or more) content words occur within `reach` words of [start, end)."""
    if end <= start or len(content) < 4:
        return False
    shared = content.intersection(page.keys[max(0, start - reach) : end + reach])
    return len(shared) >= 0.6 * len(content)


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
    if status is QuoteStatus.EDITED:
        governed = _governed(page, start, end, len(words) <= SHORT_QUOTE_WORDS)
        if governed:
            status = QuoteStatus.OUT_OF_CONTEXT
            verdict.material.append(Change(0, 0, (), governed, quote.text, "context"))
    segments = tuple(
        Segment(quote_span(quote, seg), page.starts[a.start], page.ends[a.end - 1])
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
        differences=list_differences(
            page, quote, verdict, anchored_only=status is QuoteStatus.PARAPHRASE
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
        if not distance:  # nothing left for a later stage to explain
            break
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
