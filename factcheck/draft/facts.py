"""Which sentences become fact claims, and the specifics listed with them (issue 20, point 8)."""

from __future__ import annotations

import re

from factcheck.models import Specific, SpecificKind
from factcheck.specifics import extract_specifics

# Clock times and the zone after them ('10:02 a.m. EST'), and citation markers ('(25)',
# '(27, 28)'): parts of a timestamp or a reference list, not facts to check.
_CLOCK = re.compile(
    r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*[ap]\.?m\.?)?(?:\s+([A-Z]{2,4}T|UTC|GMT|Z))?\b"
)
_CITATION = re.compile(r"\((\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\)")
_ORDINAL = re.compile(
    r"(?i)^(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)\b"
)
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\b[^\W\d_]{2,}")


def fact_specifics(sentence: str, unquoted: str) -> tuple[str, ...] | None:
    """The specifics to list for a sentence that states a fact, or None when it is no fact
    claim: its numbers are all inside quotations (checked with the quote), or it is a
    timestamp, a list number or a heading ('Published 10:02 a.m. EST Nov. 19, 2019', '10.')."""
    specifics = _checkable(sentence)
    outside = specifics if unquoted == sentence else _checkable(unquoted)
    if all(s.kind is SpecificKind.NAME for s in outside):
        return None
    rest = _CLOCK.sub(" ", sentence)
    for s in specifics:
        rest = rest.replace(s.text, " ")
    if sum(1 for w in _WORD.findall(rest) if not w[0].isupper() or w.lower() == w.upper()) < 2:
        return None
    return tuple(dict.fromkeys(s.text for s in specifics))


def _checkable(text: str) -> list[Specific]:
    """The specifics of `text` but the parts of clock times and citation markers, and an
    ordinal word's false number ('first day shows')."""
    noise = {p for m in _CLOCK.finditer(text) for p in m.groups() if p}
    noise |= {n for m in _CITATION.finditer(text) for n in re.findall(r"\d+", m[1])}
    return [
        s
        for s in extract_specifics(text)
        if s.text not in noise
        and not (
            s.kind is SpecificKind.NUMBER and _ORDINAL.match(s.text) and not _DIGIT.search(s.text)
        )
    ]
