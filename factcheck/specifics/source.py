"""A source text with its specifics, names and sentences found lazily, once each."""

from __future__ import annotations

import re
from bisect import bisect_left

from factcheck.models import Specific, SpecificKind
from factcheck.specifics.names import fold_diacritics, is_acronym, name_value
from factcheck.specifics.scan import SCANNERS, Hit, drop_overlaps
from factcheck.specifics.values import words_after
from factcheck.specifics.vocabulary import ALIAS_INDEX

K = SpecificKind
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n")


class Source:
    """A source text with its specifics scanned lazily, once per kind."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._hits: dict[SpecificKind, list[Hit]] = {}
        self._folded: tuple[str, list[int] | None] | None = None
        self._ends: list[int] | None = None
        self._names: dict[str, list[tuple[int, int]]] = {}

    def hits(self, kind: SpecificKind) -> list[Hit]:
        if kind not in self._hits:
            found = drop_overlaps(SCANNERS[kind](self.text), len(self.text))
            if kind is K.NUMBER:
                covered = bytearray(len(self.text))
                for other in (K.MONEY, K.PERCENT, K.DATE):
                    for h in self.hits(other):
                        covered[h.start : h.end] = b"\x01" * (h.end - h.start)
                found = [h for h in found if not covered[h.end - 1]]
            self._hits[kind] = found
        return self._hits[kind]

    def folded(self) -> tuple[str, list[int] | None]:
        if self._folded is None:
            self._folded = fold_diacritics(self.text)
        return self._folded

    def name_spans(self, form: str) -> list[tuple[int, int]]:
        if form not in self._names:
            self._names[form] = _search_name(form, self)
        return self._names[form]

    def unit_end(self, h: Hit, unit: str | None) -> int | None:
        """End of `unit` among the words after a count ('53 NZDF soldiers'), if it is there."""
        if unit is None or h.unit_from < 0:
            return None
        return next((end for w, end, _ in words_after(self.text, h.unit_from) if w == unit), None)

    def sentence(self, pos: int) -> int:
        if self._ends is None:
            self._ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        return bisect_left(self._ends, pos + 1)


def name_spans_in(spec: Specific, src: Source) -> list[tuple[int, int]]:
    """Where a name (or an alias: 'NZ' for 'New Zealand') occurs, first 50 per spelling."""
    value = spec.value if spec.kind is K.NAME else name_value(spec.text)
    forms = ALIAS_INDEX.get(value.lower(), (value,))
    return sorted(span for form in forms for span in src.name_spans(form))


def _search_name(form: str, src: Source, limit: int = 50) -> list[tuple[int, int]]:
    # The pattern starts with the literal so the regex engine can skip ahead; word boundaries
    # before it are checked by hand.
    acronym = is_acronym(form.replace(" ", ""))
    words = re.split(r"[\s-]+", form if acronym else name_value(form).removeprefix("the "))
    text, where = (src.text, None) if acronym else src.folded()
    tail = r"(?![\w$])" if acronym else r"(?!\w)"
    rx = re.compile(r"[\s-]+".join(_word_pattern(w, acronym) for w in words) + tail)
    spans = []
    for m in rx.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_."):
            continue
        spans.append((where[m.start()], where[m.end() - 1] + 1) if where else m.span())
        if len(spans) == limit:
            break
    return spans


def _word_pattern(word: str, acronym: bool) -> str:
    """A word of a name; a plural may carry a possessive apostrophe or not ('Veterans' Affairs'
    is also written 'Veterans Affairs')."""
    bare = word.rstrip("'")
    if acronym or not bare.endswith("s"):
        return re.escape(word)
    return re.escape(bare) + "'?"
