"""Index a page's words once, then vote for where a quote may start from its rarest words."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from factcheck.text import TOKEN_RE, token_key

SLACK = 4  # words a candidate place may drift by (insertions, deletions)
_ANCHORS = 16
_MIN_SUPPORT = 0.4  # share of anchor votes a candidate place needs
_SPACE_RUN = re.compile(r"\s+")
_ZEROS = tuple(repeat(0, 2 * SLACK + 1))


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


def vote_diagonals(
    page: PageIndex, keys: list[str], lo: int, hi: int
) -> tuple[list[tuple[int, int]], int]:
    """Vote for where the quote starts, from its rarest words; best (support, start) first.

    Also returns how many anchor words voted: a real match gets most of their votes.
    """
    votes, used = _cast_votes(_anchors(page, keys, lo, hi))
    get = votes.get
    # The 16 most voted diagonals (stable, like Counter.most_common), with their neighbours'.
    top = votes.most_common(16)
    scored = [(sum(map(get, range(d - SLACK, d + SLACK + 1), _ZEROS)), d) for d, _ in top]
    scored.sort(key=lambda sd: (-sd[0], sd[1]))
    return scored, used


def _anchors(
    page: PageIndex, keys: list[str], lo: int, hi: int
) -> list[tuple[int, int, list[int]]]:
    """(occurrences in [lo, hi), quote index, positions) of the quote's words, rarest first."""
    found = list(map(page.positions.get, keys))
    if lo <= 0 and hi >= len(page.keys):
        anchors = [(len(pos), i, pos) for i, pos in enumerate(found) if pos is not None]
    else:
        anchors = []
        for i, pos in enumerate(found):
            if pos is not None:
                inside = pos[bisect_left(pos, lo) : bisect_left(pos, hi)]
                if inside:
                    anchors.append((len(inside), i, inside))
    anchors.sort()
    return anchors


def _cast_votes(anchors: list[tuple[int, int, list[int]]]) -> tuple[Counter[int], int]:
    """Votes per diagonal (page position minus quote index), and how many anchors voted."""
    votes: Counter[int] = Counter()
    used = 0
    cast = 0
    for count, i, pos in anchors[:_ANCHORS]:
        if used >= 3 and (count > 64 or cast > 400):
            break
        votes.update(map(i.__rsub__, pos[:256]))  # p - i for each position p
        used += 1
        cast += min(count, 256)
    return votes, used


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
