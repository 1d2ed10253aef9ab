"""Acronyms and their expansions: 'ISA' is 'Information Security Agreement', 'NZDF' is 'New
Zealand Defence Force' (issue 18, point 5).

A name of three or more capitalised words also goes by its initials, and an acronym of three
or more letters also matches any run of capitalised words with those initials ('of', 'and' …
may sit between them, or give their own letter: 'Status of Visiting Forces Agreement', SOVFA).
"""

from __future__ import annotations

import re
from functools import lru_cache

from factcheck.specifics.vocabulary import CONNECTORS

MIN_LETTERS = 3  # two-letter initials ('JC', 'TS') would match far too much
_JOINERS = CONNECTORS | {"and", "for", "on", "in", "&"}
_SEP = r"[\s-]+"


def initials_of(name: str) -> list[str]:
    """The acronyms a name may go by: 'Federal Bureau of Investigation' -> ['FBI', 'FBOI']."""
    words = [w for w in re.split(r"[\s-]+", name) if w]
    if len(words) < MIN_LETTERS or not all(w[0].isalpha() for w in words):
        return []
    if not all(w[0].isupper() or w.lower() in _JOINERS for w in words):
        return []
    short = "".join(w[0].upper() for w in words if w.lower() not in _JOINERS)
    full = "".join(w[0].upper() for w in words)
    return [a for a in dict.fromkeys((short, full)) if len(a) >= MIN_LETTERS]


@lru_cache(maxsize=1024)
def expansion_pattern(acronym: str) -> re.Pattern[str] | None:
    """Capitalised words with these initials, joiners allowed between them; None when the
    acronym is too short or not all letters."""
    letters = acronym.replace(".", "")
    if len(letters) < MIN_LETTERS or not letters.isalpha() or not letters.isupper():
        return None
    joiner = "(?:" + "|".join(sorted(_JOINERS - {"&"})) + r"|&)"
    parts = []
    for letter in letters:
        own = [j for j in _JOINERS if j[0] == letter.lower()]
        word = rf"{letter}[\w'’]*" + ("".join(f"|{j}" for j in own) if own else "")
        parts.append(f"(?:{word})")
    body = (rf"{_SEP}(?:{joiner}{_SEP})?").join(parts)
    return re.compile(rf"(?<![\w'’-]){body}(?![\w'’-])")
