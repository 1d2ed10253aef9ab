"""The people an article names, and who a 'he' or 'she' stands for."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from factcheck.draft.vocabulary import NOT_FIRST, TITLES, is_person

_RUN = re.compile(r"(?<![\w’'-])[A-Z][a-z’'-]+(?: (?:[A-Z]\.|[A-Z][a-z’'-]+))+(?![\w’'-])")
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
_TITLE_RX = "|".join(sorted(TITLES, key=len, reverse=True))
_TITLED_NAME = re.compile(
    rf"\b(?i:{_TITLE_RX})\.?\s+(?:(?:of|for)\s+(?:[A-Z][\w’'-]*\s+){{1,3}}?)?"
    r"(?P<name>[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){1,2})\b"
)


@dataclass
class People:
    """Named people of the article, for surnames ('Collins') and pronouns ('she said')."""

    full: dict[str, str]  # surname -> full name, first seen
    mention: re.Pattern[str] | None
    seen: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # per paragraph

    def canonical(self, name: str) -> str:
        """The full name for a bare surname the article gives in full, else `name`."""
        return self.full.get(name, name) if " " not in name else name

    def mentions(self, paragraphs: Sequence[str], index: int) -> list[tuple[int, str]]:
        """Where known people are named in paragraph `index` (cached)."""
        if index not in self.seen:
            found = self.mention.finditer(paragraphs[index]) if self.mention else ()
            self.seen[index] = [(m.start(), self.canonical(m.group().split()[-1])) for m in found]
        return self.seen[index]

    def pronoun(
        self,
        paragraphs: Sequence[str],
        sentences: Sequence[Sequence[tuple[int, int]]],
        index: int,
        pos: int,
    ) -> str | None:
        """Who a 'he' or 'she' at `pos` of paragraph `index` stands for: the person the
        nearest sentence before it is about, the first one it names ahead of any he or she
        (a sentence led by a pronoun is about the same person; issue 20, point 3)."""
        for para in (index, index - 1):
            if para < 0:
                break
            here = self.mentions(paragraphs, para)
            for start, end in reversed(sentences[para]):
                if para == index and start > pos:
                    continue
                stop = min(end, pos) if para == index else end
                first = bisect_right(here, (start,)) if here else 0
                named = here[first] if first < len(here) and here[first][0] < stop else None
                he = _PRONOUN.search(paragraphs[para], start, stop)
                if named and (he is None or named[0] < he.start()):
                    return named[1]
        return None


def find_people(paragraphs: Sequence[str], subjects: Sequence[str]) -> People:
    """The article's people: speech-verb subjects, titled names ('Senator Ben Sasse') and
    person-like names of two or three words, each surname mapped to the full name first seen."""
    full: dict[str, str] = {}
    titled = [m["name"] for p in paragraphs for m in _TITLED_NAME.finditer(p)]
    runs = [_untitled(m.group()) for p in paragraphs for m in _RUN.finditer(p)]
    for name in [*titled, *subjects, *runs]:
        words = name.split()
        if len(words) > 1 and words[0].lower() not in NOT_FIRST and is_person(name):
            full.setdefault(words[-1], name)
    singles = {s for s in subjects if " " not in s and is_person(s)}
    known = sorted(set(full) | set(full.values()) | singles, key=len, reverse=True)
    rx = re.compile(r"\b(?:" + "|".join(map(re.escape, known)) + r")\b") if known else None
    return People(full, rx)


def _untitled(run: str) -> str:
    """'Defence Minister Judith Collins' -> 'Judith Collins'; 'But Montell Figgins' ->
    'Montell Figgins'."""
    words = run.split()
    titled = [i for i, w in enumerate(words) if w.lower() in TITLES]
    words = words[titled[-1] + 1 :] if titled else words
    while words and words[0].lower() in NOT_FIRST:
        words = words[1:]
    return " ".join(words)
