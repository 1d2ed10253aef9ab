"""Index a page's words once, then vote for where a quote may start from its rarest words."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, repeat
from operator import add, itemgetter, sub

from factcheck.text import TOKEN_RE, token_key

SLACK = 4  # words a candidate place may drift by (insertions, deletions)
_ANCHORS = 16  # the quote's rarest words vote for where it is
_COMMON = 64  # ... and after the first three, no word found more often than this
_MAX_CAST = 400  # ... nor once this many votes are cast
_MAX_PLACES = 256  # places a word votes for at most
_FEW = _MAX_CAST // (_ANCHORS - 1)  # anchors all this rare: every one votes
_MIN_SUPPORT = 0.4  # share of anchor votes a candidate place needs
_SPACE_RUN = re.compile(r"\s\s+")  # runs that lose characters when collapsed
_SPACE_SUB = re.compile(r"\s\s+|[^\S ]")  # every run but a lone space becomes " "
_TOKEN_SPLIT = re.compile(f"({TOKEN_RE.pattern})")  # one group: split keeps the tokens
_NOWHERE: list[int] = []  # positions of a word the page lacks (never changed)


@dataclass(frozen=True)
class PageIndex:
    """Tokens of one text with a position index, built once per text and cached."""

    text: str
    keys: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    positions: dict[str, list[int]]
    collapsed: str
    runs: tuple[int, ...]  # collapsed offset of each whitespace run of 2+ characters
    shifts: tuple[int, ...]  # chars removed up to and including that run

    def original(self, pos: int) -> int:
        """Map an offset in `collapsed` back to the original text."""
        i = bisect_left(self.runs, pos)
        return pos + (self.shifts[i - 1] if i else 0)


@lru_cache(maxsize=16)
def index_text(text: str) -> PageIndex:
    """Tokenise and index a text (cached: several quotes are usually checked per page)."""
    # Bulk C-level passes, not Python work per token (issue 3, point 8): the split
    # alternates the gaps and the tokens, and their running lengths are the offsets.
    parts = _TOKEN_SPLIT.split(text)
    offsets = list(accumulate(map(len, parts), initial=0))
    keys = [w.lower() if w.isascii() else token_key(w) for w in parts[1::2]]
    positions: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        positions.setdefault(key, []).append(i)
    runs, shifts = _space_runs(text)
    return PageIndex(
        text,
        tuple(keys),
        tuple(offsets[1:-1:2]),
        tuple(offsets[2::2]),
        positions,
        _SPACE_SUB.sub(" ", text),
        runs,
        shifts,
    )


def _space_runs(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Collapsed offsets of the whitespace runs that lose characters, and the running loss.

    A run of one character loses none, so `PageIndex.original` needs only the longer ones.
    """
    found = list(_SPACE_RUN.finditer(text))
    lost = list(accumulate(m.end() - m.start() - 1 for m in found))
    runs = tuple(m.start() - before for m, before in zip(found, [0, *lost], strict=False))
    return runs, tuple(lost)


def vote_diagonals(
    page: PageIndex, keys: list[str], lo: int, hi: int
) -> tuple[list[tuple[int, int]], int]:
    """Vote for where the quote starts, from its rarest words; best (support, start) first.

    Also returns how many anchor words voted: a real match gets most of their votes.
    """
    ballots, used = _cast_votes(_anchors(page, keys, lo, hi))
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


def _anchors(
    page: PageIndex, keys: list[str], lo: int, hi: int
) -> list[tuple[int, int, list[int]]]:
    """(occurrences in [lo, hi), quote index, positions) of the quote's _ANCHORS rarest words.

    Rarest first; ties in quote order.
    """
    if lo <= 0 and hi >= len(page.keys):  # the whole page: few Python steps per word
        found = list(map(page.positions.get, keys, repeat(_NOWHERE)))
        counts = list(map(len, found))
        # A stable sort of plain ints: (count, quote index) order, much cheaper than tuples.
        order = sorted(range(len(keys)), key=counts.__getitem__)
        rarest = order[counts.count(0) :][:_ANCHORS]  # words the page lacks sort first
        return [(counts[i], i, found[i]) for i in rarest]
    anchors = []
    for i, pos in enumerate(map(page.positions.get, keys)):
        if pos is not None:
            inside = pos[bisect_left(pos, lo) : bisect_left(pos, hi)]
            if inside:
                anchors.append((len(inside), i, inside))
    anchors.sort()
    return anchors[:_ANCHORS]


def _cast_votes(anchors: list[tuple[int, int, list[int]]]) -> tuple[list[int], int]:
    """A vote per anchor place for its diagonal (page position minus quote index).

    Also returns how many anchors voted: common words vote only while few votes are cast,
    and each for at most _MAX_PLACES places.
    """
    used = len(anchors)
    if anchors and anchors[-1][0] > _FEW:  # else no anchor is common, nor are many votes cast
        cast = 0
        for k, (n, _, _) in enumerate(anchors):
            if k >= 3 and (n > _COMMON or cast > _MAX_CAST):
                used = k
                break
            cast += min(n, _MAX_PLACES)
    ballots = [map(i.__rsub__, pos[:_MAX_PLACES]) for _, i, pos in anchors[:used]]  # p - i
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
