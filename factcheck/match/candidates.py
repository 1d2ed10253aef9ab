"""Index a page's words once, then vote for where a quote may start from its rarest words."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from itertools import accumulate, chain, compress, count, repeat
from operator import add, itemgetter, sub

from factcheck.text import (
    ASCII_TOKEN_RE,
    TOKEN_RE,
    ascii_stand_in,
    plain_words_only,
    token_key,
)

SLACK = 4  # words a candidate place may drift by (insertions, deletions)
_ANCHORS = 16  # the quote's rarest words vote for where it is
_COMMON = 64  # ... and after the first three, no word found more often than this
_MAX_CAST = 400  # ... nor once this many votes are cast
_MAX_PLACES = 256  # places a word votes for at most
_FEW = _MAX_CAST // (_ANCHORS - 1)  # anchors all this rare: every one votes
_MIN_SUPPORT = 0.4  # share of anchor votes a candidate place needs
_SPACE_RUN = re.compile(r"\s\s+")  # runs that lose characters when collapsed
_TOKEN_SPLIT = re.compile(f"({TOKEN_RE.pattern})")  # one group: split keeps the tokens
_ASCII_SPLIT = re.compile(f"({ASCII_TOKEN_RE.pattern})", re.ASCII)
_WORD_SPLIT = re.compile(r"(\w+(?:'\w+)*)", re.ASCII)  # the same tokens without $ % 5.1


class PageIndex:
    """Tokens of one text with a position index, built once per text and cached.

    Each part is built when first asked for, and positions only for the words asked for
    (`Positions.load`): a page's full index cost more than matching its quotes (issue 21).
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _tokens(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
        # Bulk C-level passes, not Python work per token (issue 3, point 8): the split
        # alternates the gaps and the tokens, and their running lengths are the offsets.
        plain = ascii_stand_in(self.text)
        if plain is not None:  # lower case is the key of an ASCII token, found in one pass
            parts = _split_ascii(plain.lower())
            keys = parts[1::2]
        else:
            parts = _TOKEN_SPLIT.split(self.text)
            keys = [w.lower() if w.isascii() else token_key(w) for w in parts[1::2]]
        offsets = list(accumulate(map(len, parts), initial=0))
        return tuple(keys), tuple(offsets[1:-1:2]), tuple(offsets[2::2])

    @property
    def keys(self) -> tuple[str, ...]:
        """Comparison key of every token, in text order."""
        return self._tokens[0]

    @property
    def starts(self) -> tuple[int, ...]:
        """Start offset of every token in `text`."""
        return self._tokens[1]

    @property
    def ends(self) -> tuple[int, ...]:
        """End offset of every token in `text`."""
        return self._tokens[2]

    @cached_property
    def positions(self) -> Positions:
        """Token indexes of each key, ascending."""
        return Positions(self.keys)

    @cached_property
    def collapsed(self) -> str:
        """`text` with every whitespace run as one space (str.split's whitespace is \\s's)."""
        text = self.text
        if not text.strip():
            return " " if text else ""
        lead = " " if text[0].isspace() else ""
        return lead + " ".join(text.split()) + (" " if text[-1].isspace() else "")

    @cached_property
    def _runs(self) -> tuple[list[int], list[int]]:
        return _space_runs(self.text)

    def original(self, pos: int) -> int:
        """Map an offset in `collapsed` back to the original text."""
        runs, shifts = self._runs
        i = bisect_left(runs, pos)
        return pos + (shifts[i - 1] if i else 0)


class Positions:
    """Where each key occurs: how often for every key (one C-level count), and where only for
    the keys asked for (issue 21: finding every position of every word a quote shares with its
    page cost more than matching it; only the few rarest words of a quote vote)."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._keys = keys
        self._counts = Counter(keys)
        self._found: dict[str, list[int]] = {}

    def count(self, key: str) -> int:
        """How many tokens have this key."""
        return self._counts.get(key, 0)

    def __contains__(self, key: str) -> bool:
        return key in self._counts

    def of(self, wanted: Iterable[str]) -> dict[str, list[int]]:
        """The token indexes of each key in `wanted` the text has, ascending. Keys not looked
        up before are found together, in one C-level pass, and kept."""
        found = self._found
        new = {key for key in wanted if key not in found and key in self._counts}
        if new:
            found.update(_places(self._keys, new))
        return found


def _places(keys: Sequence[str], wanted: set[str], start: int = 0) -> dict[str, list[int]]:
    """Where each key of `wanted` occurs in `keys` (ascending, as `start` + index): one C-level
    pass over `keys`, a Python step only per occurrence of a wanted key."""
    places: dict[str, list[int]] = {key: [] for key in wanted}
    for i in compress(count(), map(wanted.__contains__, keys)):
        places[keys[i]].append(start + i)
    return places


@lru_cache(maxsize=2)  # the claims citing a page are matched one after another
def index_text(text: str) -> PageIndex:
    """The index of a text (cached: several quotes are usually checked per page)."""
    return PageIndex(text)


def _split_ascii(low: str) -> list[str]:
    """Gaps and tokens of lower-case ASCII text, by the simplest pattern that finds them."""
    if plain_words_only(low):
        return _WORD_SPLIT.split(low)
    return _ASCII_SPLIT.split(low)


def _space_runs(text: str) -> tuple[list[int], list[int]]:
    """Collapsed offsets of the whitespace runs that lose characters, and the running loss.

    A run of one character loses none, so `PageIndex.original` needs only the longer ones.
    """
    found = list(_SPACE_RUN.finditer(text))
    lost = list(accumulate(m.end() - m.start() - 1 for m in found))
    runs = [m.start() - before for m, before in zip(found, [0, *lost], strict=False)]
    return runs, lost


def vote_diagonals(
    page: PageIndex, keys: list[str], lo: int, hi: int
) -> tuple[list[tuple[int, int]], int]:
    """Vote for where the quote starts, from its rarest words; best (support, start) first.

    Also returns how many anchor words voted: a real match gets most of their votes.
    """
    ballots, used = _cast_votes(page, _anchors(page, keys, lo, hi), lo, hi)
    votes = Counter(ballots)
    # The 16 most voted diagonals (stable, like Counter.most_common but without its Python
    # loop over every diagonal), scored with their neighbours' votes.
    top = [d for d, _ in sorted(votes.items(), key=itemgetter(1), reverse=True)[:16]]
    scored = sorted(zip(_support(sorted(ballots), top), top, strict=True), key=itemgetter(1))
    scored.sort(key=itemgetter(0), reverse=True)  # stable: most support, then leftmost
    return scored, used


def _support(ballots: list[int], diagonals: list[int]) -> list[int]:
    """Votes within SLACK of each diagonal, counted in the sorted `ballots` by bisection."""
    above = map(bisect_right, repeat(ballots), map(add, diagonals, repeat(SLACK)))
    below = map(bisect_left, repeat(ballots), map(sub, diagonals, repeat(SLACK)))
    return list(map(sub, above, below))


def _anchors(page: PageIndex, keys: list[str], lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(occurrences in [lo, hi), quote index, key) of the quote's _ANCHORS rarest words.

    Rarest first; ties in quote order. Words [lo, hi) lacks are no anchors.
    """
    if lo <= 0 and hi >= len(page.keys):  # the whole page: counted once for every quote
        counts = list(map(page.positions.count, keys))
    else:
        inside = Counter(page.keys[max(0, lo) : hi])
        counts = [inside.get(key, 0) for key in keys]
    # A stable sort of plain ints: (count, quote index) order, much cheaper than tuples.
    order = sorted(range(len(keys)), key=counts.__getitem__)
    rarest = order[counts.count(0) :][:_ANCHORS]  # words the page lacks sort first
    return [(counts[i], i, keys[i]) for i in rarest]


def _cast_votes(
    page: PageIndex, anchors: list[tuple[int, int, str]], lo: int, hi: int
) -> tuple[list[int], int]:
    """A vote per anchor place in [lo, hi) for its diagonal (page position minus quote index).

    Also returns how many anchors voted: common words vote only while few votes are cast,
    and each for at most _MAX_PLACES places, so only the voters' places are looked up.
    """
    used = len(anchors)
    if anchors and anchors[-1][0] > _FEW:  # else no anchor is common, nor are many votes cast
        cast = 0
        for k, (n, _, _) in enumerate(anchors):
            if k >= 3 and (n > _COMMON or cast > _MAX_CAST):
                used = k
                break
            cast += min(n, _MAX_PLACES)
    voters = anchors[:used]
    wanted = {key for _, _, key in voters}
    if lo <= 0 and hi >= len(page.keys):
        places = page.positions.of(wanted)
    else:  # a stretch of the page: found in it alone
        places = _places(page.keys[max(0, lo) : hi], wanted, max(0, lo))
    ballots = [map(i.__rsub__, places[key][:_MAX_PLACES]) for _, i, key in voters]  # p - i
    return list(chain.from_iterable(ballots)), used


def pick_diagonals(scored: list[tuple[int, int]], limit: int, width: int, used: int) -> list[int]:
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
